//! The sync client: connects the desktop to a central server, signs in, pushes the outbox
//! and pulls what changed (docs/sync.md).
//!
//! Everything it knows lives in SQLite (outbox states, confirmed snapshots, the pull
//! cursor in `meta`), so a sync cut off at any point resumes after a restart; the session
//! token lives in the OS keyring (`crate::tokens`). It never decides a command: pending
//! commands are re-decided by `authority::apply_locally` (the `domain` rules) on top of
//! the server's state, and the server's answer is final.
//!
//! The replica has two layers per aggregate: the *confirmed* state (the server's last
//! snapshot, `store::confirmed`) and the *displayed* state every read uses (confirmed +
//! every command the server has not confirmed yet, re-applied in outbox order). After
//! every push and pull the displayed state of the touched aggregates is rebuilt from the
//! two, so a refused command disappears from it and lands in "needs attention" — never
//! silently dropped, never merged.

use std::collections::BTreeSet;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::watch;

use chrono::{DateTime, Utc};
use domain::{Actor, CaseId, Command, CommandId, PatientId, Role, UserId};
use protocol::{
    Outcome, PullResponse, PushRequest, PushResponse, PushedCommand, MAX_PUSH_COMMANDS,
};
use serde::{Deserialize, Serialize};
use store::{catalog, confirmed, meta, outbox, Conn};
use ts_rs::TS;

use crate::app::App;
use crate::authority::{apply_locally, Authority, Landing};
use crate::error::{ApiError, ErrorCode, SyncError, SyncErrorCode};
use crate::remote::{check, send, server_error, ServerLink, SERVER_URL};
use crate::tokens::Credentials;

// Keys of the `meta` table (and `crate::remote::SERVER_URL`).
const CURSOR: &str = "sync.cursor";
const CONFIG_VERSION: &str = "sync.config_version";
const LAST_SYNC: &str = "sync.last_success_at";
/// Whose replica this is: another user signing in on this desktop starts a fresh one.
const REPLICA_USER: &str = "sync.replica_user";

/// How long the background loop waits between syncs when all is well (the live nudge of
/// the server, when it lands, makes this a fallback).
const POLL_EVERY: Duration = Duration::from_secs(30);
const BACKOFF_FIRST: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(5 * 60);

/// The state of sync, for the status bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    /// `None` when standalone.
    pub server_url: Option<String>,
    pub signed_in: bool,
    /// Whether the last attempt reached the server; `false` before any attempt.
    pub online: bool,
    /// Whether the server's live channel is open: changes arrive as they happen.
    pub live: bool,
    /// Commands not yet answered by the server.
    #[ts(type = "number")]
    pub pending: i64,
    #[ts(type = "string | null")]
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Refused commands the author has not dismissed.
    #[ts(type = "number")]
    pub needs_attention: i64,
}

/// A command the server refused, for the "needs attention" list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Attention {
    pub command_id: CommandId,
    #[ts(type = "string")]
    pub issued_at: DateTime<Utc>,
    #[ts(type = "string | null")]
    pub decided_at: Option<DateTime<Utc>>,
    /// The refused command as it was issued (`aggregate`, `type` and its fields).
    #[ts(type = "{ aggregate: string, type?: string } & Record<string, unknown>")]
    pub command: Command,
    pub case_id: Option<CaseId>,
    pub patient_id: Option<PatientId>,
    /// The rules' stable refusal code (`domain::RefusalCode`, snake_case).
    pub code: String,
    pub message: String,
}

/// What one `sync_once` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub accepted: usize,
    pub refused: usize,
    pub cases_pulled: usize,
    pub cases_removed: usize,
    /// Downloaded documents whose content did not match their SHA-256 (or size): nothing
    /// of them was stored (they are fetched again when their case next changes).
    pub documents_rejected: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInAnswer {
    token: String,
    user: SignedInUser,
}

#[derive(Deserialize)]
struct SignedInUser {
    id: UserId,
    role: Role,
}

/// `http://host:port/` → `http://host:port`; only http(s) URLs with a host.
fn parse_server_url(text: &str) -> Result<String, SyncError> {
    let bad = || {
        SyncError::new(
            SyncErrorCode::InvalidUrl,
            "The server address must look like https://server.example.org.",
        )
    };
    let url = reqwest::Url::parse(text.trim()).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad());
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

impl App {
    fn server(&self) -> Option<ServerLink> {
        match self.authority() {
            Authority::Server(link) => Some(link),
            Authority::Standalone => None,
        }
    }

    fn server_or_err(&self) -> Result<ServerLink, SyncError> {
        self.server().ok_or_else(|| {
            SyncError::new(
                SyncErrorCode::NotConnected,
                "No server is configured; this desktop works on its own.",
            )
        })
    }

    /// Points this desktop at a central server. A standalone desktop's data (the demo)
    /// is replaced by the server's on the first sync; switching to another server is
    /// refused while commands wait to be sent to the current one.
    pub async fn connect(&self, server_url: &str) -> Result<(), SyncError> {
        let url = parse_server_url(server_url)?;
        let current = self.server();
        if current.as_ref().is_some_and(|s| s.url == url) {
            return Ok(());
        }
        let mut tx = self.store().begin().await?;
        if current.is_some() && outbox::pending_count(&mut tx).await? > 0 {
            return Err(SyncError::new(
                SyncErrorCode::Conflict,
                "Some of your work has not reached the current server yet; sync before \
                 changing servers.",
            ));
        }
        confirmed::clear_replica(&mut tx).await?;
        meta::set(&mut tx, SERVER_URL, &url).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        if let Some(old) = current {
            if let Err(e) = self.tokens().delete(&old.url) {
                tracing::warn!(error = %e, "could not forget the old server's session");
            }
        }
        self.set_authority(Authority::Server(ServerLink { url }));
        self.set_session(None);
        self.sync_runtime().set_online(false);
        Ok(())
    }

    /// Leaves the server and goes back to working standalone. Refused (`conflict`) while
    /// commands wait to be sent: they would be lost. The server's data leaves this
    /// computer with the session (it is not the standalone user's to keep), and the
    /// standalone demo comes back.
    pub async fn disconnect(&self) -> Result<(), SyncError> {
        let server = self.server_or_err()?;
        let _one_at_a_time = self.sync_runtime().lock.lock().await;
        let mut tx = self.store().begin().await?;
        if outbox::pending_count(&mut tx).await? > 0 {
            return Err(SyncError::new(
                SyncErrorCode::Conflict,
                "Some of your work has not reached the server yet; sync before working \
                 standalone.",
            ));
        }
        confirmed::clear_replica(&mut tx).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        self.forget_exported().await;
        if let Err(e) = self.tokens().delete(&server.url) {
            tracing::warn!(error = %e, "could not forget the server's session");
        }
        self.set_authority(Authority::Standalone);
        self.set_session(None);
        self.sync_runtime().set_online(false);
        crate::seed::demo(self).await?;
        Ok(())
    }

    /// Follows successful syncs: the value grows by one after each (for the shell, which
    /// tells the UI to refresh, and for tests waiting on the background sync).
    pub fn watch_synced(&self) -> watch::Receiver<u64> {
        self.sync_runtime().synced.subscribe()
    }

    /// Signs in to the server; the session token goes to the OS keyring (or the test's
    /// token store), never to SQLite. Then syncs once if it can.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<(), SyncError> {
        let server = self.server_or_err()?;
        // Sent once (not `send`): a second sign-in could leave an orphan session behind.
        let response = self
            .sync_runtime()
            .http
            .post(format!("{}/v1/auth/sign-in", server.url))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await?;
        let status = response.status();
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(SyncError::new(
                SyncErrorCode::InvalidCredentials,
                "The e-mail address or the password is not right.",
            ));
        }
        if !status.is_success() {
            return Err(server_error(response).await);
        }
        let answer: SignInAnswer = response.json().await?;
        self.sync_runtime().set_online(true);
        let actor = Actor::new(answer.user.id, answer.user.role);

        // Another user's replica is not this user's to see: start afresh (refused while
        // their work waits to be sent).
        let mut tx = self.store().begin().await?;
        let owner = meta::get(&mut tx, REPLICA_USER).await?;
        if owner.as_deref() != Some(actor.id.to_string().as_str()) {
            if owner.is_some() && outbox::pending_count(&mut tx).await? > 0 {
                return Err(SyncError::new(
                    SyncErrorCode::Conflict,
                    "Another user's work on this computer has not been sent yet.",
                ));
            }
            confirmed::clear_replica(&mut tx).await?;
            meta::set(&mut tx, SERVER_URL, &server.url).await?;
            meta::set(&mut tx, REPLICA_USER, &actor.id.to_string()).await?;
        }
        tx.commit().await.map_err(store::StoreError::from)?;

        let credentials = Credentials {
            token: answer.token,
            user_id: actor.id,
            role: actor.role,
        };
        self.tokens().save(&server.url, &credentials).await?;
        self.set_session(Some(actor));
        if let Err(e) = self.sync_once().await {
            tracing::info!(error = %e, "first sync after sign-in");
        }
        Ok(())
    }

    /// Restores the signed-in session from the token store (at start-up).
    pub(crate) async fn restore_session(&self) -> Result<(), SyncError> {
        let Some(server) = self.server() else {
            return Ok(());
        };
        if let Some(c) = self.tokens().load(&server.url).await? {
            self.set_session(Some(Actor::new(c.user_id, c.role)));
        }
        Ok(())
    }

    async fn credentials(&self, server: &ServerLink) -> Result<Credentials, SyncError> {
        self.tokens().load(&server.url).await?.ok_or_else(|| {
            SyncError::new(SyncErrorCode::NotSignedIn, "Sign in to the server first.")
        })
    }

    /// Sends what waits and fetches what changed, once: uploads the documents pending
    /// commands refer to, pushes the pending commands in order (batches of at most
    /// `MAX_PUSH_COMMANDS`), records each answer, then pulls until nothing more waits.
    ///
    /// A call cut off anywhere leaves every unanswered command pending; the retry is
    /// safe because the server answers a command id it knows with its first answer.
    pub async fn sync_once(&self) -> Result<SyncReport, SyncError> {
        let _one_at_a_time = self.sync_runtime().lock.lock().await;
        let server = self.server_or_err()?;
        let credentials = self.credentials(&server).await?;
        let result = self.sync_with(&server, &credentials.token).await;
        match &result {
            Ok(_) => {
                self.sync_runtime().set_online(true);
                let mut conn = self.store().read().await?;
                meta::set(&mut conn, LAST_SYNC, &self.now().to_rfc3339()).await?;
                self.sync_runtime().synced.send_modify(|n| *n += 1);
            }
            Err(e) if e.code == SyncErrorCode::Offline => self.sync_runtime().set_online(false),
            Err(_) => {}
        }
        result
    }

    async fn sync_with(&self, server: &ServerLink, token: &str) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        loop {
            let batch = {
                let mut conn = self.store().read().await?;
                outbox::pending(&mut conn, MAX_PUSH_COMMANDS as i64).await?
            };
            if batch.is_empty() {
                break;
            }
            self.upload_documents(server, token, &batch).await?;
            let answer = self.push(server, token, &batch).await?;
            let (accepted, refused) = self.record_answers(&batch, &answer).await?;
            report.accepted += accepted;
            report.refused += refused;
            if batch.len() < MAX_PUSH_COMMANDS {
                break;
            }
        }
        loop {
            let (cursor, config) = {
                let mut conn = self.store().read().await?;
                (
                    meta_i64(&mut conn, CURSOR).await?,
                    meta_i64(&mut conn, CONFIG_VERSION).await?,
                )
            };
            let response = send(
                self.sync_runtime()
                    .http
                    .get(format!(
                        "{}/v1/pull?cursor={cursor}&config={config}",
                        server.url
                    ))
                    .bearer_auth(token),
            )
            .await?;
            let response = check(response).await?;
            let pull: PullResponse = response.json().await?;
            report.cases_pulled += pull.cases.len();
            report.cases_removed += pull.removed_cases.len();
            report.documents_rejected += self
                .fetch_documents(server, token, &pull.cases, &pull.messages)
                .await?;
            self.store_pull(&pull).await?;
            if !pull.more {
                break;
            }
        }
        self.pull_notification_settings(server, token).await?;
        Ok(report)
    }

    async fn push(
        &self,
        server: &ServerLink,
        token: &str,
        batch: &[outbox::Entry],
    ) -> Result<PushResponse, SyncError> {
        let request = PushRequest {
            commands: batch
                .iter()
                .map(|e| PushedCommand {
                    command_id: e.command_id,
                    issued_at: e.issued_at,
                    command: e.command.clone(),
                })
                .collect(),
        };
        let response = send(
            self.sync_runtime()
                .http
                .post(format!("{}/v1/push", server.url))
                .bearer_auth(token)
                .json(&request),
        )
        .await?;
        let answer: PushResponse = check(response).await?.json().await?;
        Ok(answer)
    }

    /// Records the server's answers and rebuilds what they touched, in one transaction.
    async fn record_answers(
        &self,
        batch: &[outbox::Entry],
        answer: &PushResponse,
    ) -> Result<(usize, usize), SyncError> {
        let now = self.now();
        let (mut accepted, mut refused) = (0, 0);
        let mut tx = self.store().begin().await?;
        for result in &answer.results {
            let Some(entry) = batch.iter().find(|e| e.command_id == result.command_id) else {
                tracing::warn!("the server answered a command that was not sent");
                continue;
            };
            match &result.outcome {
                Outcome::Accepted { events } => {
                    let last = events.iter().map(|e| e.seq).max();
                    outbox::accept(&mut tx, entry.command_id, last, now).await?;
                    accepted += 1;
                }
                Outcome::Refused { refusal } => {
                    tracing::info!(code = refusal.code.as_str(), "the server refused a command");
                    outbox::decide(&mut tx, entry.command_id, Some(refusal), now).await?;
                    refused += 1;
                }
            }
        }
        let (cases, patients) = aggregates(batch.iter().map(|e| &e.command));
        rebuild(&mut tx, cases, patients).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok((accepted, refused))
    }

    /// The user's notification settings as the server has them (another computer may have
    /// changed them), with this computer's changes not sent yet on top.
    async fn pull_notification_settings(
        &self,
        server: &ServerLink,
        token: &str,
    ) -> Result<(), SyncError> {
        let response = send(
            self.sync_runtime()
                .http
                .get(format!("{}/v1/notification-settings", server.url))
                .bearer_auth(token),
        )
        .await?;
        let settings: protocol::NotificationSettings = check(response).await?.json().await?;
        let mut tx = self.store().begin().await?;
        let Some(user) = meta::get(&mut tx, REPLICA_USER)
            .await?
            .and_then(|id| id.parse::<UserId>().ok())
        else {
            return Ok(());
        };
        store::notifications::replace_channels_off(&mut tx, user, &settings.off).await?;
        for entry in outbox::pending(&mut tx, i64::MAX).await? {
            if let Command::Preference(domain::PreferenceCommand::SetChannel {
                kind,
                channel,
                enabled,
            }) = entry.command
            {
                store::notifications::set_channel(&mut tx, user, kind, channel, enabled).await?;
            }
        }
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(())
    }

    /// Stores one pull page: configuration, confirmed snapshots, removals, cursor — and
    /// rebuilds the displayed state of what changed, in one transaction.
    async fn store_pull(&self, pull: &PullResponse) -> Result<(), SyncError> {
        let mut tx = self.store().begin().await?;
        if let Some(c) = &pull.catalog {
            catalog::replace(&mut tx, c).await?;
        }
        let mut cases = BTreeSet::new();
        let mut patients = BTreeSet::new();
        for p in &pull.patients {
            confirmed::save_patient(&mut tx, p).await?;
            patients.insert(p.id);
        }
        for snapshot in &pull.cases {
            let lines: Vec<confirmed::Line> = snapshot
                .timeline
                .iter()
                .map(|t| confirmed::Line {
                    at: t.at,
                    actor: Actor::new(t.actor_id, t.actor_role),
                    label: t.label.clone(),
                    detail: t.detail.clone(),
                    command_id: t.command_id,
                })
                .collect();
            confirmed::save_case(&mut tx, snapshot.seq, &snapshot.case, &lines).await?;
            cases.insert(snapshot.case.id);
        }
        for id in &pull.removed_cases {
            confirmed::remove_case(&mut tx, *id).await?;
            store::chat::drop_case(&mut tx, *id).await?;
            cases.insert(*id);
        }
        for m in &pull.messages {
            store::chat::save(&mut tx, m, None, false).await?;
        }
        // A pull is the replica owner's (the user signed in when it was made), whoever is
        // signed in this instant: their notifications are kept even if the session just
        // ended, since the cursor moves past them.
        let owner = meta::get(&mut tx, REPLICA_USER)
            .await?
            .and_then(|id| id.parse::<UserId>().ok());
        if let Some(user) = owner {
            for n in &pull.notifications {
                crate::notices::keep_pulled(&mut tx, user, n).await?;
            }
        }
        meta::set(&mut tx, CURSOR, &pull.cursor.to_string()).await?;
        meta::set(&mut tx, CONFIG_VERSION, &pull.config_version.to_string()).await?;
        rebuild(&mut tx, cases, patients).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(())
    }

    /// Online/offline, pending count, last successful sync, needs-attention count.
    pub async fn sync_status(&self) -> Result<SyncStatus, ApiError> {
        let server = self.server();
        let mut conn = self.store().read().await?;
        let last_sync_at = meta::get(&mut conn, LAST_SYNC)
            .await?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        Ok(SyncStatus {
            signed_in: server.is_some() && self.current_actor().is_some(),
            online: server.is_some() && self.sync_runtime().is_online(),
            live: server.is_some() && self.live_connected(),
            server_url: server.map(|s| s.url),
            pending: outbox::pending_count(&mut conn).await?,
            last_sync_at,
            needs_attention: outbox::needs_attention_count(&mut conn).await?,
        })
    }

    /// The commands the server refused that their author has not dismissed, oldest first.
    pub async fn needs_attention(&self) -> Result<Vec<Attention>, ApiError> {
        let mut conn = self.store().read().await?;
        Ok(outbox::needs_attention(&mut conn)
            .await?
            .into_iter()
            .map(|e| {
                let (code, message) = e.refusal.unwrap_or_default();
                let (case_id, patient_id) = match &e.command {
                    Command::Case(c) => (Some(c.case_id()), c.patient_id()),
                    Command::Patient(p) => (None, Some(p.patient_id())),
                    Command::Chat(c) => (Some(c.case_id()), None),
                    Command::Preference(_) => (None, None),
                };
                Attention {
                    command_id: e.command_id,
                    issued_at: e.issued_at,
                    decided_at: e.decided_at,
                    command: e.command,
                    case_id,
                    patient_id,
                    code,
                    message,
                }
            })
            .collect())
    }

    /// The author has read a refusal: it leaves the list (the outbox keeps the record).
    pub async fn dismiss_attention(&self, command_id: CommandId) -> Result<(), ApiError> {
        let mut conn = self.store().read().await?;
        if outbox::dismiss(&mut conn, command_id, self.now()).await? {
            Ok(())
        } else {
            Err(ApiError::not_found("Refused command"))
        }
    }

    /// Starts the background sync: syncs now, then every `POLL_EVERY`, at once when a
    /// new command is queued or the server's live channel (`crate::live`, started here
    /// too) announces a change, and with exponential back-off (1 s … 5 min) while the
    /// server cannot be reached. Ends when the app is dropped. Nothing is lost if it is
    /// stopped at any point: the state is in SQLite. Standalone, the refund task
    /// (`crate::payment`) is started here too.
    pub fn start_sync(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        self.start_live();
        self.start_refunds();
        self.start_jobs();
        let app: Weak<App> = Arc::downgrade(self);
        let wake = self.sync_runtime().wake.clone();
        tokio::spawn(async move {
            let mut backoff = BACKOFF_FIRST;
            loop {
                let Some(strong) = app.upgrade() else { return };
                let delay = match strong.sync_once().await {
                    Ok(_) => {
                        if let Err(e) = strong.offer_desktop_notifications().await {
                            tracing::warn!(code = ?e.code, "desktop notifications");
                        }
                        backoff = BACKOFF_FIRST;
                        POLL_EVERY
                    }
                    Err(e) if e.code == SyncErrorCode::Offline => {
                        let delay = backoff;
                        backoff = (backoff * 2).min(BACKOFF_MAX);
                        delay
                    }
                    Err(e) => {
                        tracing::info!(error = %e, "sync");
                        POLL_EVERY
                    }
                };
                drop(strong);
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = wake.notified() => {}
                }
            }
        })
    }
}

/// Rebuilds the displayed state: the named aggregates, plus every aggregate a command
/// the server has not confirmed touches, are reset to their confirmed state, and those
/// commands are re-decided on top in outbox order. One that the rules now refuse stays
/// pending (the server has the last word) but is not displayed.
pub(crate) async fn rebuild(
    conn: &mut Conn,
    mut cases: BTreeSet<CaseId>,
    mut patients: BTreeSet<PatientId>,
) -> Result<(), SyncError> {
    let cursor = meta_i64(conn, CURSOR).await?;
    let unconfirmed = outbox::unconfirmed(conn, cursor).await?;
    let (c, p) = aggregates(unconfirmed.iter().map(|e| &e.command));
    cases.extend(c);
    patients.extend(p);
    let cases: Vec<CaseId> = cases.into_iter().collect();
    let patients: Vec<PatientId> = patients.into_iter().collect();
    confirmed::reset_displayed(conn, &cases, &patients).await?;
    // This computer's messages the server has not accepted are written again from the
    // outbox below; a refused one is gone.
    store::chat::drop_pending(conn).await?;
    for entry in unconfirmed {
        let applied = apply_locally(
            conn,
            entry.actor,
            entry.command_id,
            &entry.command,
            entry.issued_at,
            Landing::Optimistic,
        )
        .await;
        match applied {
            Ok(()) => {}
            Err(e) if e.code == ErrorCode::Internal => return Err(e.into()),
            Err(e) => {
                tracing::info!(code = ?e.code, "a queued command no longer applies locally");
            }
        }
    }
    Ok(())
}

/// The aggregates `commands` change.
fn aggregates<'a>(
    commands: impl Iterator<Item = &'a Command>,
) -> (BTreeSet<CaseId>, BTreeSet<PatientId>) {
    let mut cases = BTreeSet::new();
    let mut patients = BTreeSet::new();
    for command in commands {
        match command {
            Command::Case(c) => {
                cases.insert(c.case_id());
            }
            Command::Patient(p) => {
                patients.insert(p.patient_id());
            }
            // A message is not part of its case; a preference is the user's own.
            Command::Chat(_) | Command::Preference(_) => {}
        }
    }
    (cases, patients)
}

async fn meta_i64(conn: &mut Conn, key: &str) -> Result<i64, SyncError> {
    Ok(meta::get(conn, key)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}
