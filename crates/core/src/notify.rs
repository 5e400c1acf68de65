//! Notifications on this computer: the notification centre (in-app), desktop
//! notifications through the OS (notify-rust), each person's channel settings, and — when
//! standalone — the scheduled jobs the central server otherwise runs.
//!
//! Who is told what is `domain::notice`'s one rule. With a server, notices arrive by pull
//! (and the server sends the e-mail); standalone, the in-process authority keeps them here
//! as it applies each command ([`keep`]). A notice's text never holds patient data, so it
//! may be shown by the OS.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::notice::{
    due_reminders, PreferenceCommand, APPOINTMENT_REMINDERS_HOURS, DRAFT_REMINDER_AFTER_HOURS,
};
use domain::{Actor, Channel, ChannelOff, Command, NoticeKind, Role};
use serde::Serialize;
use store::{cases, catalog, notifications};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{ApiError, Result};
use crate::notices::keep;
use crate::App;

/// How often the standalone jobs run.
pub const JOBS_EVERY: Duration = Duration::from_secs(60);
/// The most notifications the centre lists.
pub const CENTRE_SIZE: u32 = 200;

/// One notification in the centre.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    #[ts(type = "string")]
    pub id: Uuid,
    pub kind: NoticeKind,
    pub case_id: domain::CaseId,
    pub title: String,
    pub body: String,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The notification centre: the newest first, and how many are unread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotificationCentre {
    pub unread: u32,
    pub items: Vec<NotificationView>,
}

/// One kind of notification and the channels it uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSetting {
    pub kind: NoticeKind,
    pub label: String,
    pub in_app: bool,
    pub desktop: bool,
    /// E-mail is sent by the server; standalone there is none.
    pub email: bool,
}

/// What the standalone jobs did in one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobRun {
    /// Reminders sent now (never one sent before).
    pub reminders: usize,
    /// Appointments that had ended, completed by the system.
    pub completed: usize,
}

impl App {
    /// The signed-in user's notification centre. Kinds whose in-app channel is off are not
    /// listed.
    pub async fn notifications(&self) -> Result<NotificationCentre> {
        let actor = self.actor()?;
        let mut conn = self.store().read().await?;
        let off = notifications::channels_off(&mut conn, actor.id).await?;
        let shown = |kind| {
            !off.contains(&ChannelOff {
                kind,
                channel: Channel::InApp,
            })
        };
        let items: Vec<NotificationView> = notifications::list(&mut conn, actor.id, CENTRE_SIZE)
            .await?
            .into_iter()
            .filter(|i| shown(i.kind))
            .map(|i| NotificationView {
                id: i.id,
                kind: i.kind,
                case_id: i.case_id,
                title: i.title,
                body: i.body,
                created_at: i.created_at,
                read: i.read_at.is_some(),
            })
            .collect();
        let unread = items.iter().filter(|i| !i.read).count() as u32;
        Ok(NotificationCentre { unread, items })
    }

    /// Marks one notification read (`Some`) or all of them (`None`).
    pub async fn mark_notifications_read(&self, id: Option<Uuid>) -> Result<NotificationCentre> {
        let actor = self.actor()?;
        {
            let mut conn = self.store().read().await?;
            if let Some(id) = id {
                if !notifications::exists(&mut conn, actor.id, id).await? {
                    return Err(ApiError::not_found("Notification"));
                }
            }
            notifications::mark_read(&mut conn, actor.id, id, self.now()).await?;
        }
        self.notifications().await
    }

    /// Every kind of notification with its channels, for the settings page.
    pub async fn notification_settings(&self) -> Result<Vec<NotificationSetting>> {
        let actor = self.actor()?;
        let mut conn = self.store().read().await?;
        let off = notifications::channels_off(&mut conn, actor.id).await?;
        let on = |kind, channel| !off.contains(&ChannelOff { kind, channel });
        Ok(NoticeKind::ALL
            .into_iter()
            .map(|kind| NotificationSetting {
                kind,
                label: kind.label().to_string(),
                in_app: on(kind, Channel::InApp),
                desktop: on(kind, Channel::Desktop),
                email: on(kind, Channel::Email),
            })
            .collect())
    }

    /// Turns one channel of one kind on or off for the signed-in user. With a server, the
    /// choice is also sent to it (the server sends the e-mail).
    pub async fn set_notification_channel(
        &self,
        kind: NoticeKind,
        channel: Channel,
        enabled: bool,
    ) -> Result<Vec<NotificationSetting>> {
        self.execute(Command::Preference(PreferenceCommand::SetChannel {
            kind,
            channel,
            enabled,
        }))
        .await?;
        self.notification_settings().await
    }

    /// The shell tells whether the window has the focus: desktop notifications are shown
    /// only while it has not.
    pub fn set_window_focused(&self, focused: bool) {
        self.desktop().focused.store(focused, Ordering::Relaxed);
    }

    /// Offers the signed-in user's new notifications as desktop notifications, each once,
    /// when the window is not focused and the kind's desktop channel is on. A notification
    /// the OS cannot show is logged (the kind only) and skipped; it stays in the centre.
    /// Returns how many were shown.
    pub async fn offer_desktop_notifications(&self) -> Result<usize> {
        let Some(actor) = self.current_actor() else {
            return Ok(0);
        };
        let (items, off) = {
            let mut tx = self.store().begin().await?;
            let items = notifications::take_unshown(&mut tx, actor.id).await?;
            let off = notifications::channels_off(&mut tx, actor.id).await?;
            tx.commit().await.map_err(store::StoreError::from)?;
            (items, off)
        };
        if self.desktop().focused.load(Ordering::Relaxed) {
            return Ok(0);
        }
        let mut shown = 0;
        for item in items {
            let desktop_on = !off.contains(&ChannelOff {
                kind: item.kind,
                channel: Channel::Desktop,
            });
            if !desktop_on {
                continue;
            }
            let notifier = self.desktop().notifier.clone();
            let (title, body) = (item.title.clone(), item.body.clone());
            // The OS call may block (D-Bus); keep it off the async threads.
            let result = tokio::task::spawn_blocking(move || notifier.show(&title, &body))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            match result {
                Ok(()) => shown += 1,
                Err(error) => {
                    tracing::warn!(kind = item.kind.as_str(), %error, "a desktop notification could not be shown");
                }
            }
        }
        Ok(shown)
    }

    /// Standalone, the jobs the central server runs otherwise, on the cases that may owe
    /// something (`store::cases::owing`, never the whole store): the reminders
    /// `domain::notice::due_reminders` owes at the clock's `now` (each once: its key is
    /// recorded with it, so a restart never sends it again), and the completion of
    /// accepted appointments that have ended (as the system user).
    pub async fn run_jobs(&self) -> Result<JobRun> {
        let now = self.now();
        let mut run = JobRun::default();
        let (all, catalog) = {
            let mut conn = self.store().read().await?;
            let drafts_before = now - chrono::Duration::hours(DRAFT_REMINDER_AFTER_HOURS);
            let ahead = APPOINTMENT_REMINDERS_HOURS
                .iter()
                .max()
                .copied()
                .unwrap_or(0);
            let appointments_before = now + chrono::Duration::hours(ahead);
            (
                cases::owing(&mut conn, drafts_before, now, appointments_before).await?,
                catalog::load(&mut conn).await?,
            )
        };
        {
            let mut tx = self.store().begin().await?;
            for case in &all {
                for reminder in due_reminders(case, &catalog, now) {
                    if notifications::record_reminder(&mut tx, &reminder.key, now).await? {
                        keep(&mut tx, std::slice::from_ref(&reminder.notice), now).await?;
                        run.reminders += 1;
                    }
                }
            }
            tx.commit().await.map_err(store::StoreError::from)?;
        }
        let system = catalog
            .users
            .iter()
            .find(|u| u.role == Role::System && u.active)
            .map(|u| Actor::new(u.id, Role::System));
        if let Some(system) = system {
            for case in &all {
                for command in domain::decide::appointment::completions(case, now) {
                    match self.execute_at(system, Command::Case(command), now).await {
                        Ok(_) => run.completed += 1,
                        Err(e) => {
                            tracing::warn!(code = ?e.code, "an ended appointment was not completed")
                        }
                    }
                }
            }
        }
        Ok(run)
    }

    /// The standalone jobs task: [`App::run_jobs`] now and every [`JOBS_EVERY`], then the
    /// desktop notifications; idle while a server is configured (the server runs them).
    pub(crate) fn start_jobs(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let app = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let Some(strong) = app.upgrade() else { return };
                if matches!(strong.authority(), crate::Authority::Standalone) {
                    if let Err(e) = strong.run_jobs().await {
                        tracing::warn!(code = ?e.code, "standalone jobs: the next run tries again");
                    }
                }
                if let Err(e) = strong.offer_desktop_notifications().await {
                    tracing::warn!(code = ?e.code, "desktop notifications");
                }
                drop(strong);
                tokio::time::sleep(JOBS_EVERY).await;
            }
        })
    }
}
