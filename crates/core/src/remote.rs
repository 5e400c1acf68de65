//! The connection to the central server: where it is, the HTTP client and the signals the
//! background tasks share (one per running desktop), and the request helpers every part
//! that talks to the server uses (`sync`, `transfer`, `payment`, `live`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use protocol::ErrorBody;
use tokio::sync::watch;

use crate::error::{SyncError, SyncErrorCode};

/// The `meta` key of the server's address; without it the desktop runs standalone.
pub(crate) const SERVER_URL: &str = "sync.server_url";

/// The size of the pieces documents travel in, unless set otherwise.
pub const DEFAULT_CHUNK_BYTES: usize = 1024 * 1024;
/// The largest piece the server takes in one request.
pub const MAX_CHUNK_BYTES: usize = protocol::MAX_UPLOAD_CHUNK_BYTES;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerLink {
    /// The server's base URL, without a trailing slash (`https://so.example.org`).
    pub url: String,
}

/// Sync's in-memory companions of an `App`.
pub(crate) struct SyncRuntime {
    /// One sync at a time (the background loop and an explicit "sync now").
    pub(crate) lock: tokio::sync::Mutex<()>,
    online: std::sync::Mutex<bool>,
    /// Wakes the background loop: a new command waits to be pushed.
    pub(crate) wake: Arc<tokio::sync::Notify>,
    /// Wakes the standalone refund task (`crate::payment`): a case was cancelled.
    pub(crate) refunds: Arc<tokio::sync::Notify>,
    /// Bumped whenever the server or the signed-in session changes: the live listener
    /// drops its connection and starts again with the new one.
    pub(crate) session: watch::Sender<u64>,
    /// Bumped after every successful sync, for whoever shows the data (the shell tells the
    /// UI to refresh) and for tests that wait for the background sync.
    pub(crate) synced: watch::Sender<u64>,
    /// Whether the live channel to the server is open now.
    pub(crate) live: watch::Sender<bool>,
    pub(crate) http: reqwest::Client,
    pub(crate) transfer: TransferSettings,
}

impl SyncRuntime {
    pub(crate) fn new() -> SyncRuntime {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "HTTP client with defaults");
                reqwest::Client::new()
            });
        SyncRuntime {
            lock: tokio::sync::Mutex::new(()),
            online: std::sync::Mutex::new(false),
            wake: Arc::new(tokio::sync::Notify::new()),
            refunds: Arc::new(tokio::sync::Notify::new()),
            session: watch::Sender::new(0),
            synced: watch::Sender::new(0),
            live: watch::Sender::new(false),
            http,
            transfer: Default::default(),
        }
    }

    pub(crate) fn session_changed(&self) {
        self.session.send_modify(|n| *n += 1);
    }

    /// The data changed outside a sync (standalone, a payment callback recorded in-process):
    /// the same signal as after a sync, so the shell tells the UI to refresh.
    pub(crate) fn data_changed(&self) {
        self.synced.send_modify(|n| *n += 1);
    }

    pub(crate) fn set_online(&self, online: bool) {
        *self.online.lock().unwrap_or_else(|e| e.into_inner()) = online;
    }

    pub(crate) fn is_online(&self) -> bool {
        *self.online.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How documents travel, per running desktop.
pub(crate) struct TransferSettings {
    chunk_bytes: AtomicUsize,
}

impl Default for TransferSettings {
    fn default() -> Self {
        TransferSettings {
            chunk_bytes: AtomicUsize::new(DEFAULT_CHUNK_BYTES),
        }
    }
}

impl TransferSettings {
    /// The size of the pieces, between 1 byte and [`MAX_CHUNK_BYTES`].
    pub(crate) fn set_chunk_bytes(&self, bytes: usize) {
        self.chunk_bytes
            .store(bytes.clamp(1, MAX_CHUNK_BYTES), Ordering::Relaxed);
    }

    pub(crate) fn chunk_bytes(&self) -> u64 {
        self.chunk_bytes.load(Ordering::Relaxed) as u64
    }
}

/// Sends `request`, and once more when it was sent but the connection closed before any
/// answer came: typically a kept-alive connection that the server, a proxy or a change of
/// network ended while it sat idle in the pool (hyper already re-sends a request it could
/// not write at all). Not for connect failures or timeouts: those are "offline" at once.
/// The server may have received the first one, so only idempotent requests come here:
/// pushes (command ids), upload chunks (offsets), deleting an upload, and reads. Signing
/// in is not one of them.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
) -> Result<reqwest::Response, reqwest::Error> {
    let again = request.try_clone();
    match (request.send().await, again) {
        (Err(e), Some(again)) if e.is_request() && !e.is_connect() && !e.is_timeout() => {
            tracing::info!(error = %e, "a kept-alive connection had closed; sending again");
            again.send().await
        }
        (answer, _) => answer,
    }
}

/// Passes a success through; turns the server's error answers into a `SyncError`.
pub(crate) async fn check(response: reqwest::Response) -> Result<reqwest::Response, SyncError> {
    if response.status().is_success() {
        Ok(response)
    } else {
        Err(server_error(response).await)
    }
}

pub(crate) async fn server_error(response: reqwest::Response) -> SyncError {
    let status = response.status();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        return SyncError::new(
            SyncErrorCode::SessionExpired,
            "The server ended the session; please sign in again.",
        );
    }
    let body: Option<ErrorBody> = response.json().await.ok();
    tracing::warn!(%status, code = ?body.as_ref().map(|b| &b.code), "the server answered an error");
    SyncError::new(
        SyncErrorCode::Server,
        body.map(|b| b.message)
            .unwrap_or_else(|| format!("The server answered {status}.")),
    )
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::send;

    /// Reads one request's head (these requests have no body).
    async fn read_head(socket: &mut TcpStream) {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(socket.read(&mut byte).await.unwrap(), 1, "a request");
            head.push(byte[0]);
        }
    }

    async fn answer(socket: &mut TcpStream, body: &str) {
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(reply.as_bytes()).await.unwrap();
    }

    /// A server that answers one request on a kept-alive connection, then closes that
    /// connection when the next request arrives on it, as a restarted server or a proxy that
    /// saw the network change does; a new connection is answered.
    async fn closing_server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut first, _) = listener.accept().await.unwrap();
            read_head(&mut first).await;
            answer(&mut first, "first").await;
            read_head(&mut first).await;
            drop(first);
            let (mut second, _) = listener.accept().await.unwrap();
            read_head(&mut second).await;
            answer(&mut second, "second").await;
        });
        url
    }

    #[tokio::test]
    async fn a_request_on_a_connection_closed_meanwhile_is_sent_again_on_a_new_one() {
        // Without `send`: the reused connection fails the request (what is guarded).
        let url = closing_server().await;
        let http = reqwest::Client::new();
        let first = http.get(&url).send().await.unwrap().text().await.unwrap();
        assert_eq!(first, "first");
        let failed = http
            .get(&url)
            .send()
            .await
            .expect_err("the closed connection");
        assert!(failed.is_request() && !failed.is_connect() && !failed.is_timeout());

        // With `send`: sent again, answered.
        let url = closing_server().await;
        let http = reqwest::Client::new();
        let first = send(http.get(&url)).await.unwrap().text().await.unwrap();
        assert_eq!(first, "first");
        let second = send(http.get(&url)).await.expect("sent again");
        assert_eq!(second.text().await.unwrap(), "second");
    }
}
