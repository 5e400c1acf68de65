//! The notices the rules raise, on this computer: kept for their recipients in the store
//! (standalone, as the in-process authority applies each command; with a server, as they
//! arrive by pull) and shown by the operating system. Who is told what is
//! `domain::notice`'s one rule; a notice's text never holds patient data, so the OS may
//! show it. The notification centre and the settings are `crate::notify`.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::notice::Notice;
use domain::{ChannelOff, UserId};
use store::{notifications, Conn};
use uuid::Uuid;

use crate::error::Result;

/// Shows a notification on the desktop. The real one is [`OsNotifier`]; a failure (no
/// notification service on this computer) is reported, never fatal.
pub trait DesktopNotifier: Send + Sync {
    fn show(&self, title: &str, body: &str) -> std::result::Result<(), String>;
}

/// The operating system's notifications (freedesktop notifications over D-Bus on Linux,
/// the notification centre on macOS and Windows), through notify-rust.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsNotifier;

impl DesktopNotifier for OsNotifier {
    fn show(&self, title: &str, body: &str) -> std::result::Result<(), String> {
        notify_rust::Notification::new()
            .appname("Second Opinion")
            .summary(title)
            .body(body)
            .show()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The desktop side of notifications: the notifier and whether the app's window has the
/// focus (a focused app shows its own badges instead).
pub(crate) struct Desktop {
    pub notifier: Arc<dyn DesktopNotifier>,
    pub focused: AtomicBool,
}

impl Desktop {
    pub fn new(notifier: Arc<dyn DesktopNotifier>) -> Self {
        // Taken as focused until the shell says otherwise: what a start-up sync brings is
        // in the centre, not a burst of pop-ups.
        Desktop {
            notifier,
            focused: AtomicBool::new(true),
        }
    }
}

/// Keeps `notices` for their recipients on this computer (standalone), unless a recipient
/// turned off both the in-app and the desktop channel of that kind.
pub(crate) async fn keep(conn: &mut Conn, notices: &[Notice], now: DateTime<Utc>) -> Result<()> {
    for n in notices {
        let off = notifications::channels_off(conn, n.user_id).await?;
        let on = |channel| {
            !off.contains(&ChannelOff {
                kind: n.kind,
                channel,
            })
        };
        if !domain::notice::reaches_desktop(on) {
            continue;
        }
        notifications::save(
            conn,
            &notifications::Item {
                id: Uuid::now_v7(),
                user_id: n.user_id,
                kind: n.kind,
                case_id: n.case_id,
                title: n.title.clone(),
                body: n.body.clone(),
                created_at: now,
                read_at: None,
                shown: false,
            },
        )
        .await?;
    }
    Ok(())
}

/// Keeps a notification the server sent `user`.
pub(crate) async fn keep_pulled(
    conn: &mut Conn,
    user: UserId,
    n: &protocol::Notification,
) -> Result<()> {
    notifications::save(
        conn,
        &notifications::Item {
            id: n.id,
            user_id: user,
            kind: n.kind,
            case_id: n.case_id,
            title: n.title.clone(),
            body: n.body.clone(),
            created_at: n.created_at,
            read_at: None,
            shown: false,
        },
    )
    .await?;
    Ok(())
}
