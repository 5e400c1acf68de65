//! `GET /v1/live`: a WebSocket that tells a connected client "there is something to pull".
//!
//! It carries only the newest event number (`{"seq": N}`), never data: the client pulls,
//! and the pull applies the visibility rules. Pushes announce their last event with
//! PostgreSQL `NOTIFY` inside their transaction (delivered on commit), and every server
//! instance relays what it hears to its own sockets — so several instances behind a load
//! balancer all wake their clients, with no broker of our own.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use tokio::sync::broadcast;

use crate::{AppState, AuthUser};

const CHANNEL: &str = "so_events";

/// The relay from PostgreSQL's notifications to this instance's sockets.
#[derive(Clone, Debug)]
pub struct Live {
    tx: broadcast::Sender<i64>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            tx: broadcast::channel(64).0,
        }
    }
}

impl Live {
    /// Starts relaying. The first `LISTEN` is in place before this returns (when the
    /// database answers), so a server that accepts connections also hears every commit
    /// after it; later losses of the connection are retried with back-off.
    pub async fn start(self, pool: PgPool) -> tokio::task::JoinHandle<()> {
        let first = listen(&pool).await;
        if let Err(e) = &first {
            tracing::warn!(error = %e, "live relay cannot listen yet; retrying");
        }
        tokio::spawn(self.run(first.ok(), pool))
    }

    async fn run(self, mut listener: Option<PgListener>, pool: PgPool) {
        let mut wait = Duration::from_millis(250);
        loop {
            if let Some(l) = listener.as_mut() {
                match l.recv().await {
                    Ok(note) => {
                        wait = Duration::from_millis(250);
                        if let Ok(seq) = note.payload().parse::<i64>() {
                            // No receivers is fine: nobody is connected.
                            let _ = self.tx.send(seq);
                        }
                        continue;
                    }
                    Err(e) => tracing::warn!(error = %e, "live relay lost its connection"),
                }
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(10));
            listener = listen(&pool).await.ok();
        }
    }
}

async fn listen(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Announces `seq` as the newest event; delivered when the transaction commits.
pub async fn announce(conn: &mut PgConnection, seq: i64) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(seq.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[utoipa::path(get, path = "/v1/live", tag = "sync", security(("bearer" = [])),
    responses(
        (status = 101, description = "WebSocket: the server sends `{\"seq\": N}` whenever \
            events up to N are committed; pull then"),
        (status = 401, description = "No valid session (`unauthorized`)", body = crate::error::ErrorBody),
    ))]
pub async fn live(
    State(state): State<AppState>,
    _user: AuthUser,
    ws: WebSocketUpgrade,
) -> Response {
    let rx = state.live.tx.subscribe();
    ws.on_upgrade(move |socket| forward(socket, rx))
}

async fn forward(mut socket: WebSocket, mut rx: broadcast::Receiver<i64>) {
    loop {
        tokio::select! {
            seq = rx.recv() => {
                let seq = match seq {
                    Ok(seq) => seq,
                    // Missed some: the newest is all the client needs.
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                let text = format!("{{\"seq\":{seq}}}");
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
