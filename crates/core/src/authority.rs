//! Who decides a command.
//!
//! Every use case builds a `domain::Command` and hands it to the authority. Standalone
//! (no server configured) the authority is in-process: it decides the command with the
//! `domain` rules on the local store and applies the events, all in one SQLite
//! transaction that also appends the command to the outbox as `accepted`. With a server
//! configured, `Server` decides with the same rules on the displayed state, applies
//! optimistically, queues the command as `pending` (one transaction again) and lets the
//! central server decide (`crate::sync` pushes it); the use cases, the shell and the UI
//! stay as they are.

use chrono::{DateTime, Datelike, Utc};
use domain::notice::{case_notices, chat_notices, decide_preference, PreferenceCommand};
use domain::{
    decide_case, decide_chat, decide_patient, Actor, Case, CaseCommand, CaseView, Command,
    CommandId, DocumentInput, Refusal, RefusalCode,
};
use store::{
    blobs, cases, catalog, chat, counters, events, notifications, outbox, patients, timeline, Conn,
    Store,
};

use crate::error::{ApiError, Result};

/// The decider of commands; see the module comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Authority {
    /// Decides in-process over the local store.
    Standalone,
    /// The central server at this address decides; this desktop decides with the same
    /// rules on what it displays, applies optimistically and queues the command for the
    /// sync client (`crate::sync`).
    Server(ServerLink),
}

/// Where the authoritative server is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerLink {
    /// The server's base URL, without a trailing slash (`https://so.example.org`).
    pub url: String,
}

/// How a command's events land in the local store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Landing {
    /// This store is the authority: it numbers new cases and keeps the event log.
    Authoritative,
    /// The server will decide: no reference number, no event log, timeline lines marked
    /// pending until the server's own lines replace them.
    Optimistic,
}

impl Authority {
    /// Decides and applies `command`, or refuses it and changes nothing.
    pub async fn apply(
        &self,
        store: &Store,
        actor: Actor,
        command_id: CommandId,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (landing, state) = match self {
            Authority::Standalone => (Landing::Authoritative, outbox::State::Accepted),
            Authority::Server(_) => (Landing::Optimistic, outbox::State::Pending),
        };
        // Dropping `tx` on any early return rolls everything back: a refusal leaves no trace.
        let mut tx = store.begin().await?;
        apply_locally(&mut tx, actor, command_id, command, now, landing).await?;
        outbox::append(&mut tx, command_id, actor, now, command, state).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(())
    }
}

/// Decides `command` with the `domain` rules on the displayed state and applies its
/// events to it. A refusal writes nothing. Also used by the sync client to re-apply the
/// commands the server has not confirmed on top of the confirmed state.
pub(crate) async fn apply_locally(
    conn: &mut Conn,
    actor: Actor,
    command_id: CommandId,
    command: &Command,
    now: DateTime<Utc>,
    landing: Landing,
) -> Result<()> {
    match command {
        Command::Patient(c) => {
            let existing = patients::get(conn, c.patient_id()).await?;
            for event in decide_patient(existing.as_ref(), actor, c, now)? {
                let patient = event.evolve();
                patients::save(conn, &patient).await?;
                if landing == Landing::Authoritative {
                    events::append(
                        conn,
                        command_id,
                        events::Aggregate::Patient,
                        patient.id.as_uuid(),
                        now,
                        actor,
                        &event,
                    )
                    .await?;
                }
            }
            Ok(())
        }
        Command::Case(c) => apply_case(conn, actor, command_id, c, now, landing).await,
        Command::Chat(c) => {
            let case = cases::get(conn, c.case_id()).await?;
            let message = decide_chat(case.as_ref(), actor, c, now)?;
            for doc in c.documents() {
                check_staged(conn, doc).await?;
            }
            let pending = landing == Landing::Optimistic;
            chat::save(conn, &message, None, pending).await?;
            if let (Landing::Authoritative, Some(case)) = (landing, case.as_ref()) {
                crate::notify::keep(conn, &chat_notices(case, &message), now).await?;
            }
            Ok(())
        }
        Command::Preference(p) => {
            decide_preference(actor, p)?;
            let PreferenceCommand::SetChannel {
                kind,
                channel,
                enabled,
            } = p;
            notifications::set_channel(conn, actor.id, *kind, *channel, *enabled).await?;
            Ok(())
        }
    }
}

async fn apply_case(
    conn: &mut Conn,
    actor: Actor,
    command_id: CommandId,
    command: &CaseCommand,
    now: DateTime<Utc>,
    landing: Landing,
) -> Result<()> {
    let catalog = catalog::load(conn).await?;
    let case = cases::get(conn, command.case_id()).await?;
    let patient = match command.patient_id() {
        Some(id) => patients::get(conn, id).await?,
        None => None,
    };
    let view = CaseView {
        case: case.as_ref(),
        patient: patient.as_ref(),
        catalog: &catalog,
    };
    let mut decided = decide_case(view, actor, command, now)?;
    // The content must be here before a document may point at it. Checked after the
    // rules so that a case the actor may not see still answers "not found".
    for doc in command.documents() {
        check_staged(conn, doc).await?;
    }
    // Only the authority numbers cases: with a server, the reference arrives on pull.
    if case.is_none() && landing == Landing::Authoritative {
        let year = now.year();
        let n = counters::next(conn, &domain::case_reference_counter(year)).await?;
        domain::number_new_case(&mut decided, year, n);
    }
    if landing == Landing::Authoritative && domain::completes(&decided) {
        if let Some(before) = case.as_ref() {
            let year = now.year();
            let n = counters::next(conn, &domain::invoice_counter(year)).await?;
            domain::invoice_completed_case(&mut decided, before, year, n);
        }
    }
    let mut state = case;
    let mut lines = Vec::new();
    let mut notices = Vec::new();
    for event in &decided {
        let before = state.clone();
        state = event.evolve(state, now, actor);
        if let (Landing::Authoritative, Some(after)) = (landing, state.as_ref()) {
            notices.extend(case_notices(before.as_ref(), after, event, actor));
        }
        let case_id = state.as_ref().map(|c| c.id).ok_or_else(|| {
            tracing::error!("an event did not fold into a case");
            ApiError::internal()
        })?;
        if landing == Landing::Authoritative {
            events::append(
                conn,
                command_id,
                events::Aggregate::Case,
                case_id.as_uuid(),
                now,
                actor,
                event,
            )
            .await?;
        }
        if let Some(line) = event.timeline_line(&catalog) {
            lines.push(line);
        }
    }
    let state: Case = state.ok_or_else(ApiError::internal)?;
    cases::save(conn, &state).await?;
    let pending = landing == Landing::Optimistic;
    for line in &lines {
        timeline::append(conn, state.id, now, actor, line, command_id, pending).await?;
    }
    crate::notify::keep(conn, &notices, now).await?;
    Ok(())
}

async fn check_staged(conn: &mut Conn, doc: &DocumentInput) -> Result<()> {
    match blobs::size(conn, &doc.sha256).await? {
        Some(size) if size == i64::from(doc.size_bytes) => Ok(()),
        _ => Err(Refusal::field(
            RefusalCode::InvalidInput,
            "documents",
            format!(
                "The content of \u{201c}{}\u{201d} is not on this computer; add the file again.",
                doc.name
            ),
        )
        .into()),
    }
}
