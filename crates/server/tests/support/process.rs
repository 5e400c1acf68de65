//! The real `so-server` binary as a child process: started the way an operator starts it
//! (configuration from the environment), ready when it logs "listening", and killed with
//! SIGKILL — no graceful shutdown, no destructors — to model a crash.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a server may take to migrate, seed and listen (a debug build on a busy
/// machine).
const START_LIMIT: Duration = Duration::from_secs(60);

pub struct ServerProcess {
    pub addr: SocketAddr,
    child: Child,
    /// Its last log lines, for a failing test's message.
    log: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts `so-server` on `database_url` with the demo accounts and the sandbox payment
    /// provider, as `scripts/server.sh` does, listening on `addr` (`127.0.0.1:0` for any
    /// free port), and waits until it listens.
    pub async fn start(database_url: &str, addr: SocketAddr) -> ServerProcess {
        Self::start_with(
            database_url,
            addr,
            &[("SO_SERVER_DEMO", "1"), ("SO_PAYMENT_PROVIDER", "sandbox")],
        )
        .await
    }

    /// The same with only `env` on top of the database, the address and the log filter
    /// (no demo accounts, no payment provider unless `env` says so).
    pub async fn start_with(
        database_url: &str,
        addr: SocketAddr,
        env: &[(&str, &str)],
    ) -> ServerProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_so-server"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .env("SO_SERVER_ADDR", addr.to_string())
            .env("SO_DB_MAX_CONNECTIONS", "4")
            .env("SO_LOG", "info,sqlx=warn")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start so-server");
        let stdout = child.stdout.take().expect("piped stdout");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let lines = log.clone();
        // Reads the log to its end (a full pipe would block the server's logging).
        tokio::spawn(async move {
            let mut ready = Some(ready_tx);
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if let Some(addr) = listening_addr(&line) {
                    if let Some(tx) = ready.take() {
                        let _ = tx.send(addr);
                    }
                }
                let mut lines = lines.lock().unwrap();
                lines.push(line);
                let excess = lines.len().saturating_sub(50);
                lines.drain(..excess);
            }
        });
        let addr = match tokio::time::timeout(START_LIMIT, ready_rx).await {
            Ok(Ok(addr)) => addr,
            Ok(Err(_)) => {
                let status = child.wait().await;
                panic!(
                    "so-server ended before listening ({status:?}); its log:\n{}",
                    log.lock().unwrap().join("\n")
                )
            }
            Err(_) => panic!(
                "so-server did not listen within {START_LIMIT:?}; its log:\n{}",
                log.lock().unwrap().join("\n")
            ),
        };
        ServerProcess { addr, child, log }
    }

    /// SIGKILL, and waits until the process is gone.
    pub async fn kill(mut self) {
        self.child.start_kill().expect("send SIGKILL to so-server");
        let status = self.child.wait().await.expect("reap so-server");
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "so-server ended by SIGKILL");
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

/// The address of a `{"message":"listening","addr":"…"}` log line.
fn listening_addr(line: &str) -> Option<SocketAddr> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    if value.get("message")?.as_str()? != "listening" {
        return None;
    }
    value.get("addr")?.as_str()?.parse().ok()
}
