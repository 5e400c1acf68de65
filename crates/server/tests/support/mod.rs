//! Test harness: the real server, served on 127.0.0.1:0, against a fresh PostgreSQL
//! database per test (`spawn_app`). No mocks.
//!
//! Where the databases come from:
//! - `SO_TEST_DATABASE_URL`, when set: an admin URL (one that may `CREATE DATABASE`) of
//!   any PostgreSQL server;
//! - otherwise a throw-away cluster this harness starts itself, once per machine and
//!   reused afterwards, with `scripts/pg.sh` in `$CARGO_TARGET_DIR/pg-test` on port
//!   `SO_TEST_PG_PORT` (default 55433). pg.sh holds a file lock while it starts it, so
//!   the many test processes of `cargo nextest` start it once. Stop it with
//!   `bash scripts/pg.sh stop "$CARGO_TARGET_DIR/pg-test"`.
//!
//! Each test's database (`so_test_<unix time>_<random>`) is dropped when its `TestApp`
//! is dropped, unless `SO_TEST_KEEP_DB=1`; leftovers of killed runs older than two hours
//! are dropped by later runs.

#![allow(dead_code)]

pub mod api;
pub mod desktop;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::{Response, StatusCode};
use serde_json::Value;
use server::error::{ErrorBody, ErrorCode};
use server::AppState;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::task::JoinHandle;

pub use server::demo::DEMO_PASSWORD;

pub const ADMIN: &str = "admin@demo.hospital";
pub const REQUESTER: &str = "requester@demo.hospital";
pub const COORDINATOR: &str = "coordinator@demo.hospital";
pub const PROVIDER: &str = "provider@demo.hospital";

const DEFAULT_TEST_PORT: &str = "55433";
const LEFTOVER_AGE: Duration = Duration::from_secs(2 * 60 * 60);

/// A running server on its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    /// A pool on the test's database, for looking behind the API.
    pub pool: PgPool,
    pub client: reqwest::Client,
    db_name: String,
    server: JoinHandle<std::io::Result<()>>,
}

/// The server with the demo accounts (`SO_SERVER_DEMO=1`), all with [`DEMO_PASSWORD`], and
/// the sandbox payment provider (`SO_PAYMENT_PROVIDER=sandbox`), as `scripts/server.sh`
/// runs it.
pub async fn spawn_app() -> TestApp {
    let app = spawn_app_without_accounts().await;
    server::demo::seed_accounts(&app.pool)
        .await
        .expect("seed the demo accounts");
    app
}

/// The server on an empty (but migrated) database, with the sandbox payment provider.
pub async fn spawn_app_without_accounts() -> TestApp {
    spawn(true).await
}

/// The server with the demo accounts in the default configuration: no payment provider
/// (`SO_PAYMENT_PROVIDER` unset).
pub async fn spawn_app_without_payments() -> TestApp {
    let app = spawn(false).await;
    server::demo::seed_accounts(&app.pool)
        .await
        .expect("seed the demo accounts");
    app
}

/// Gives `state` the sandbox payment provider, as `SO_PAYMENT_PROVIDER=sandbox` does in
/// `so-server`: signing with `secret` (a random one when `None`), links made on the
/// server's clock, and which links were used kept in the state's database.
pub fn with_sandbox(state: &mut AppState, secret: Option<payments::Secret>) {
    let payments = server::payments::Payments::sandbox(
        secret.unwrap_or_else(payments::Secret::generate),
        None,
    );
    payments.remember_used_links_in(&state.pool);
    state.payments = Some(payments);
}

async fn spawn(sandbox: bool) -> TestApp {
    let (db_name, pool) = fresh_database().await;
    server::db::migrate(&pool).await.expect("migrate");
    let mut state = AppState::new(pool.clone());
    if sandbox {
        with_sandbox(&mut state, None);
    }
    // No refund job behind the tests' backs: tests/refunds.rs runs it where it wants it.
    state.refunds.every = None;
    // Nor scheduled jobs: tests/jobs.rs runs them by hand at the `now` it chooses.
    state.jobs.every = None;
    let (addr, server) = serve(state).await;
    TestApp {
        addr,
        pool,
        client: reqwest::Client::new(),
        db_name,
        server,
    }
}

/// Serves `state` on 127.0.0.1:0 (e.g. a state whose pool points nowhere).
pub async fn serve(state: AppState) -> (SocketAddr, JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    let server = tokio::spawn(server::serve(listener, state, std::future::pending()));
    (addr, server)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn post_json(&self, path: &str, body: &Value, token: Option<&str>) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("send")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("send")
    }

    pub async fn sign_in_as(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/v1/auth/sign-in",
            &serde_json::json!({ "email": email, "password": password }),
            None,
        )
        .await
    }

    /// Signs a demo account in; the session token.
    pub async fn sign_in(&self, email: &str) -> String {
        let response = self.sign_in_as(email, DEMO_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "demo sign-in of {email}");
        let body: Value = response.json().await.expect("sign-in JSON");
        body["token"].as_str().expect("token").to_string()
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .expect("count rows")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        if std::env::var_os("SO_TEST_KEEP_DB").is_some() {
            eprintln!("kept test database {}", self.db_name);
            return;
        }
        let name = self.db_name.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on; a thread with
        // a runtime of its own can.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(drop_database(&name));
        })
        .join();
    }
}

/// Asserts `response` is an error answer of our shape with `status` and `code`, and
/// returns its body.
pub async fn expect_error(response: Response, status: StatusCode, code: ErrorCode) -> ErrorBody {
    let got = response.status();
    let json = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let text = response.text().await.expect("body");
    assert!(json, "an error answer is JSON, got {got}: {text}");
    let body: ErrorBody = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("an error answer is {{code, message}} ({e}): {text}"));
    assert_eq!(
        (got, body.code),
        (status, code),
        "unexpected answer: {text}"
    );
    assert!(!body.message.is_empty(), "an error says what went wrong");
    body
}

// --- the databases -------------------------------------------------------------------

fn admin_options() -> PgConnectOptions {
    static URL: OnceLock<String> = OnceLock::new();
    let url = URL.get_or_init(|| {
        std::env::var("SO_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(start_test_cluster)
    });
    PgConnectOptions::from_str(url).expect("a postgres:// URL")
}

/// `$CARGO_TARGET_DIR`, else the target dir this test binary was built into.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    // <target>/debug/deps/<test binary>
    let exe = std::env::current_exe().expect("current exe");
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir)
}

fn start_test_cluster() -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg.sh");
    let dir = target_dir().join("pg-test");
    let port = std::env::var("SO_TEST_PG_PORT").unwrap_or_else(|_| DEFAULT_TEST_PORT.into());
    let output = Command::new("bash")
        .arg(&script)
        .arg("start")
        .arg(&dir)
        .arg(&port)
        .env("SO_PG_FAST", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run bash scripts/pg.sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "could not start the test PostgreSQL cluster (bash scripts/pg.sh start {} {port}):\n{}\n\
         Install PostgreSQL (bash scripts/setup.sh --server-only), pick another port with \
         SO_TEST_PG_PORT, or point SO_TEST_DATABASE_URL at a server you have.",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .last()
        .expect("pg.sh start prints the URL")
        .trim()
        .to_string()
}

async fn admin_connection() -> PgConnection {
    PgConnection::connect_with(&admin_options().database("postgres"))
        .await
        .expect("connect to the test cluster as admin")
}

async fn fresh_database() -> (String, PgPool) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let random = uuid::Uuid::now_v7().simple().to_string();
    let name = format!("so_test_{now}_{}", &random[20..]);

    let mut admin = admin_connection().await;
    drop_leftovers(&mut admin, now).await;
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await
        .expect("create the test database");
    let _ = admin.close().await;

    let pool = PgPoolOptions::new()
        .max_connections(5)
        .connect_with(admin_options().database(&name))
        .await
        .expect("connect to the test database");
    (name, pool)
}

async fn drop_database(name: &str) {
    let mut admin = admin_connection().await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .await;
    let _ = admin.close().await;
}

/// Test databases of runs that were killed before they could drop theirs.
async fn drop_leftovers(admin: &mut PgConnection, now: u64) {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'so\\_test\\_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    for name in names {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(now);
        if now.saturating_sub(created) > LEFTOVER_AGE.as_secs() {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut *admin)
                .await;
        }
    }
}

// --- several desktops, a switchable network, the server as a process ----------------

pub mod desk;
pub mod net;
pub mod process;
pub mod smtp_sink;

/// A fresh database on the test cluster with no server in front of it (for the real
/// `so-server` process); dropped like a [`TestApp`]'s.
pub struct TestDb {
    pub name: String,
    /// Its `postgres://` URL, for `DATABASE_URL`.
    pub url: String,
    /// A pool on it, for looking behind the server.
    pub pool: PgPool,
}

/// A fresh, empty database (the server migrates and seeds it itself).
pub async fn fresh_test_database() -> TestDb {
    let (name, pool) = fresh_database().await;
    let mut url = reqwest::Url::parse(&admin_url()).expect("the admin URL is a URL");
    url.set_path(&format!("/{name}"));
    TestDb {
        name,
        url: url.to_string(),
        pool,
    }
}

/// The admin URL [`admin_options`] is made from.
fn admin_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        std::env::var("SO_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(start_test_cluster)
    })
    .clone()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::env::var_os("SO_TEST_KEEP_DB").is_some() {
            eprintln!("kept test database {}", self.name);
            return;
        }
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(drop_database(&name));
        })
        .join();
    }
}

/// Decides and records `command` as the system user, the way the payment callback does
/// (`server::sync::apply::apply_and_record`, under the push lock); the outcome says
/// whether the rules accepted it.
pub async fn record_system(pool: &PgPool, command: domain::Command) -> protocol::Outcome {
    let now = chrono::Utc::now();
    let pushed = protocol::PushedCommand {
        command_id: domain::CommandId(uuid::Uuid::now_v7()),
        issued_at: now,
        command,
    };
    let system = domain::Actor::new(domain::demo::SYSTEM, domain::Role::System);
    let mut tx = pool.begin().await.expect("begin");
    server::sync::db::lock_log(&mut tx).await.expect("lock");
    let outcome = server::sync::apply::apply_and_record(&mut tx, system, &pushed, now)
        .await
        .expect("apply the system's command");
    tx.commit().await.expect("commit");
    outcome
}

/// The server's live channel as a desktop opens it (`/v1/live` with the session's token):
/// a nudge after every commit.
pub type LiveSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn live_socket(addr: SocketAddr, token: &str) -> LiveSocket {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{addr}/v1/live")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    tokio_tungstenite::connect_async(request)
        .await
        .expect("the live socket opens")
        .0
}
