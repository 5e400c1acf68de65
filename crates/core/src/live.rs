//! The live channel: while signed in to a server, the desktop keeps a WebSocket open to
//! `GET /v1/live` and syncs as soon as the server says something was committed.
//!
//! The server sends only the newest event number, never data, so the channel carries
//! nothing private; what to show still comes from the pull, which applies the
//! visibility rules. The periodic sync stays as the fallback: a closed channel only
//! makes changes arrive later, never lost.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

use crate::app::App;
use crate::authority::Authority;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_MAX: Duration = Duration::from_secs(60);

/// `http://host:port` → `ws://host:port/v1/live` (`https` → `wss`).
fn live_url(server_url: &str) -> String {
    let rest = server_url
        .strip_prefix("https://")
        .map(|r| format!("wss://{r}"))
        .or_else(|| {
            server_url
                .strip_prefix("http://")
                .map(|r| format!("ws://{r}"))
        })
        .unwrap_or_else(|| server_url.to_string());
    format!("{rest}/v1/live")
}

/// Why a live connection ended.
enum Ended {
    /// No server or nobody signed in: wait until that changes.
    NoSession,
    /// The server or the session changed: connect again at once, with the new one.
    SessionChanged,
    /// The connection failed or closed: try again after a while.
    Lost,
    /// The app is gone.
    Stopped,
}

impl App {
    /// Whether the live channel to the server is open now.
    pub fn live_connected(&self) -> bool {
        *self.sync_runtime().live.borrow()
    }

    /// Follows the live channel's state (for tests and diagnostics).
    pub fn watch_live(&self) -> watch::Receiver<bool> {
        self.sync_runtime().live.subscribe()
    }

    /// Starts the live listener. It idles while standalone or signed out, and ends when
    /// the app is dropped.
    pub fn start_live(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let app: Weak<App> = Arc::downgrade(self);
        let mut session = self.sync_runtime().session.subscribe();
        tokio::spawn(async move {
            let mut retry = RETRY_FIRST;
            loop {
                session.mark_unchanged();
                let ended = match connect(&app).await {
                    None => Ended::NoSession,
                    Some(Ok(socket)) => {
                        retry = RETRY_FIRST;
                        listen(&app, socket, &mut session).await
                    }
                    Some(Err(e)) => {
                        tracing::info!(error = %e, "live channel not available");
                        Ended::Lost
                    }
                };
                let Some(strong) = app.upgrade() else { return };
                strong.sync_runtime().live.send_replace(false);
                drop(strong);
                match ended {
                    Ended::Stopped => return,
                    Ended::SessionChanged => {}
                    Ended::NoSession => {
                        if session.changed().await.is_err() {
                            return;
                        }
                    }
                    Ended::Lost => {
                        tokio::select! {
                            _ = tokio::time::sleep(retry) => {}
                            changed = session.changed() => if changed.is_err() { return },
                        }
                        retry = (retry * 2).min(RETRY_MAX);
                    }
                }
            }
        })
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the channel with the current session's token; `None` when there is no server or
/// nobody is signed in.
async fn connect(app: &Weak<App>) -> Option<Result<Socket, String>> {
    let (url, token) = {
        let app = app.upgrade()?;
        let Authority::Server(server) = app.authority() else {
            return None;
        };
        app.current_actor()?;
        let credentials = match app.tokens().load(&server.url).await {
            Ok(Some(c)) => c,
            Ok(None) => return None,
            Err(e) => return Some(Err(e.to_string())),
        };
        (live_url(&server.url), credentials.token)
    };
    let opened = async {
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        let bearer =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|e| e.to_string())?;
        request.headers_mut().insert("authorization", bearer);
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| e.to_string())?;
        Ok(socket)
    };
    Some(
        tokio::time::timeout(CONNECT_TIMEOUT, opened)
            .await
            .unwrap_or_else(|_| Err("timed out".to_string())),
    )
}

/// Reads the channel until it closes, waking the sync for every announcement.
async fn listen(app: &Weak<App>, mut socket: Socket, session: &mut watch::Receiver<u64>) -> Ended {
    let wake = {
        let Some(app) = app.upgrade() else {
            return Ended::Stopped;
        };
        app.sync_runtime().live.send_replace(true);
        app.sync_runtime().wake.clone()
    };
    // Whatever was committed while the channel was closed: sync once now.
    wake.notify_one();
    loop {
        tokio::select! {
            message = socket.next() => match message {
                Some(Ok(Message::Text(_))) => wake.notify_one(),
                Some(Ok(Message::Close(_))) | None => return Ended::Lost,
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    tracing::info!(error = %e, "live channel lost");
                    return Ended::Lost;
                }
            },
            changed = session.changed() => {
                let _ = socket.close(None).await;
                return if changed.is_ok() { Ended::SessionChanged } else { Ended::Stopped };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::live_url;

    #[test]
    fn the_live_address_follows_the_server_scheme() {
        assert_eq!(
            live_url("http://127.0.0.1:8080"),
            "ws://127.0.0.1:8080/v1/live"
        );
        assert_eq!(
            live_url("https://so.example.org"),
            "wss://so.example.org/v1/live"
        );
    }
}
