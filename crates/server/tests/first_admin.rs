//! A server without demo data gets its first admin from the command line:
//! `so-server admin create --email … --name …`, the real binary on a fresh database of the
//! real PostgreSQL, the password piped in on standard input (not a terminal). And the
//! demo accounts exist only in demo mode, which the server warns about at start.

mod support;

use std::process::Stdio;

use reqwest::StatusCode;
use serde_json::Value;
use server::AppState;
use support::process::ServerProcess;
use support::{fresh_test_database, TestDb};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const PASSWORD: &str = "a long passphrase 2026";

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// `so-server admin create --email <email> --name <name>` on `db`, with `stdin` as its
/// standard input.
async fn admin_create(db: &TestDb, email: &str, name: &str, stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_so-server"))
        .args(["admin", "create", "--email", email, "--name", name])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", &db.url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start so-server admin create");
    let mut input = child.stdin.take().expect("piped stdin");
    // A command refused before it reads its input may have closed it already.
    let _ = input.write_all(stdin.as_bytes()).await;
    drop(input);
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("admin create ends within a minute")
        .expect("admin create runs");
    Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every account as stored, password hash included: what "changes nothing" compares.
async fn accounts(db: &TestDb) -> Vec<(uuid::Uuid, String, String, String, bool, Option<String>)> {
    sqlx::query_as(
        "SELECT id, email, name, role, active, password_hash FROM users ORDER BY created_at, id",
    )
    .fetch_all(&db.pool)
    .await
    .expect("read users")
}

async fn sign_in(addr: std::net::SocketAddr, email: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("http://{addr}/v1/auth/sign-in"))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("send sign-in")
}

#[tokio::test]
async fn admin_create_makes_an_active_admin_who_can_sign_in() {
    // An empty database: the command brings the schema up itself, as on a new server.
    let db = fresh_test_database().await;
    let run = admin_create(
        &db,
        " Ada@Hospital.example ",
        "Ada Admin",
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(
        run.success,
        "admin create succeeds: {}{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout
            .contains("Created the admin Ada Admin <Ada@Hospital.example>"),
        "it says what it made: {}",
        run.stdout
    );
    assert!(
        !run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD),
        "the password is never printed"
    );

    let stored = accounts(&db).await;
    assert_eq!(stored.len(), 1, "one account and no demo data: {stored:?}");
    let (_, email, name, role, active, hash) = &stored[0];
    assert_eq!(
        (email.as_str(), name.as_str(), role.as_str(), *active),
        ("Ada@Hospital.example", "Ada Admin", "admin", true),
        "an active admin, the address trimmed"
    );
    assert!(
        hash.as_deref().is_some_and(|h| h.starts_with("$argon2id$")),
        "the password is kept as an argon2id hash: {hash:?}"
    );

    // The server on that database: the admin signs in (any case of the address) and is
    // an admin; no demo account exists.
    let (addr, _server) = support::serve(AppState::new(db.pool.clone())).await;
    let response = sign_in(addr, "ada@hospital.example", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK, "the new admin signs in");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin", "{body}");
    let token = body["token"].as_str().expect("a token");
    let me = reqwest::Client::new()
        .post(format!("http://{addr}/v1/admin/users"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "email": "second@hospital.example",
            "name": "Second Person",
            "role": "provider",
            "password": "another long one"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        StatusCode::CREATED,
        "the first admin can create the next accounts"
    );
    let demo = sign_in(addr, support::ADMIN, support::DEMO_PASSWORD).await;
    assert_eq!(
        demo.status(),
        StatusCode::UNAUTHORIZED,
        "no demo account outside demo mode"
    );
}

#[tokio::test]
async fn a_second_create_with_the_same_address_is_refused_and_changes_nothing() {
    let db = fresh_test_database().await;
    let first = admin_create(
        &db,
        "ada@hospital.example",
        "Ada Admin",
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(first.success, "{}", first.stderr);
    let before = accounts(&db).await;

    // The same address in another case, another name and password.
    let again = admin_create(
        &db,
        "ADA@Hospital.Example",
        "Somebody Else",
        "a different long password\n",
    )
    .await;
    assert!(!again.success, "a taken address exits non-zero");
    assert!(
        again.stderr.contains("already exists") && again.stderr.contains("Nothing was changed"),
        "it says why: {}",
        again.stderr
    );
    assert_eq!(
        accounts(&db).await,
        before,
        "the refused command changed no account (nor the first one's password)"
    );
}

#[tokio::test]
async fn bad_passwords_and_fields_are_refused_and_nothing_is_stored() {
    let db = fresh_test_database().await;
    for (email, name, stdin, why, says) in [
        (
            "ada@hospital.example",
            "Ada",
            "elevenchars\n",
            "eleven characters",
            "at least 12 characters",
        ),
        (
            "ada@hospital.example",
            "Ada",
            "",
            "nothing on stdin",
            "standard input is empty",
        ),
        (
            "ada@hospital.example",
            "Ada",
            "\n",
            "an empty line",
            "at least 12 characters",
        ),
        (
            "not-an-address",
            "Ada",
            "a long passphrase\n",
            "a bad e-mail address",
            "email:",
        ),
        (
            "ada@hospital.example",
            "   ",
            "a long passphrase\n",
            "no name",
            "name:",
        ),
    ] {
        let run = admin_create(&db, email, name, stdin).await;
        assert!(!run.success, "{why}: refused with a non-zero exit");
        assert!(
            run.stderr.contains(says) && run.stderr.contains("Nothing was changed"),
            "{why}: the message says so: {}",
            run.stderr
        );
    }
    // Password rules count characters, and a line ending is not part of the password.
    let run = admin_create(&db, "ada@hospital.example", "Ada", "twelve chars\r\n").await;
    assert!(
        run.success,
        "exactly 12 characters (CRLF stripped): {}",
        run.stderr
    );
    let stored = accounts(&db).await;
    assert_eq!(
        stored.len(),
        1,
        "only the valid command stored an account: {stored:?}"
    );
    let (addr, _server) = support::serve(AppState::new(db.pool.clone())).await;
    assert_eq!(
        sign_in(addr, "ada@hospital.example", "twelve chars")
            .await
            .status(),
        StatusCode::OK,
        "the password is the line without its CRLF"
    );
}

#[tokio::test]
async fn the_server_warns_in_demo_mode_and_about_demo_accounts_left_outside_it() {
    let db = fresh_test_database().await;
    let demo = ServerProcess::start_with(
        &db.url,
        "127.0.0.1:0".parse().unwrap(),
        &[("SO_SERVER_DEMO", "1")],
    )
    .await;
    let warned = |log: &str, words: &str| {
        log.lines()
            .any(|line| line.contains("\"level\":\"WARN\"") && line.contains(words))
    };
    assert!(
        warned(&demo.log(), "demo mode (SO_SERVER_DEMO=1)"),
        "a demo server warns at start: {}",
        demo.log()
    );
    let demo_addr = demo.addr;
    assert_eq!(
        sign_in(demo_addr, support::ADMIN, support::DEMO_PASSWORD)
            .await
            .status(),
        StatusCode::OK,
        "demo mode has the demo accounts"
    );
    demo.kill().await;

    // The same database without demo mode: no demo warning, but one about the demo
    // accounts that can still sign in.
    let plain = ServerProcess::start_with(&db.url, "127.0.0.1:0".parse().unwrap(), &[]).await;
    let log = plain.log();
    assert!(!warned(&log, "demo mode (SO_SERVER_DEMO=1)"), "{log}");
    assert!(
        warned(
            &log,
            "demo accounts from an earlier demo run can still sign in"
        ),
        "the leftover demo accounts are named at start: {log}"
    );
    plain.kill().await;

    // A database that never was in demo mode: no warning at all about demo accounts.
    let fresh = fresh_test_database().await;
    let run = admin_create(
        &fresh,
        "ada@hospital.example",
        "Ada",
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(run.success, "{}", run.stderr);
    let server = ServerProcess::start_with(&fresh.url, "127.0.0.1:0".parse().unwrap(), &[]).await;
    let log = server.log();
    assert!(
        !log.lines()
            .any(|l| l.contains("\"level\":\"WARN\"") && l.contains("demo")),
        "a production-style start warns of nothing demo: {log}"
    );
    assert_eq!(
        sign_in(server.addr, "ada@hospital.example", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    server.kill().await;
}
