//! Who decides a command.
//!
//! Every use case builds a `domain::Command` and hands it to the authority. Standalone
//! (no server configured) the authority is in-process: it decides the command with the
//! `domain` rules on the local store and applies the events, all in one SQLite
//! transaction that also appends the command to the outbox as `accepted`. The sync issue
//! adds a `Server` variant that applies optimistically, queues the command as `pending`
//! and lets the central server decide; the use cases, the shell and the UI stay as
//! they are.

use chrono::{DateTime, Datelike, Utc};
use domain::{
    decide_case, decide_patient, Actor, Case, CaseCommand, CaseEvent, CaseView, Command, CommandId,
    DocumentInput, Refusal, RefusalCode,
};
use store::{blobs, cases, catalog, counters, events, outbox, patients, timeline, Conn, Store};

use crate::error::{ApiError, Result};

/// The decider of commands. One variant today; see the module comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authority {
    /// Decides in-process over the local store.
    Standalone,
}

impl Authority {
    /// Decides and applies `command`, or refuses it and changes nothing.
    pub async fn apply(
        self,
        store: &Store,
        actor: Actor,
        command_id: CommandId,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<()> {
        match self {
            Authority::Standalone => standalone(store, actor, command_id, command, now).await,
        }
    }
}

async fn standalone(
    store: &Store,
    actor: Actor,
    command_id: CommandId,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<()> {
    // Dropping `tx` on any early return rolls everything back: a refusal leaves no trace.
    let mut tx = store.begin().await?;
    match command {
        Command::Patient(c) => {
            let existing = patients::get(&mut tx, c.patient_id()).await?;
            for event in decide_patient(existing.as_ref(), actor, c, now)? {
                let patient = event.evolve();
                patients::save(&mut tx, &patient).await?;
                events::append(
                    &mut tx,
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
        Command::Case(c) => apply_case(&mut tx, actor, command_id, c, now).await?,
    }
    outbox::append(
        &mut tx,
        command_id,
        actor,
        now,
        command,
        outbox::State::Accepted,
    )
    .await?;
    tx.commit().await.map_err(store::StoreError::from)?;
    Ok(())
}

async fn apply_case(
    conn: &mut Conn,
    actor: Actor,
    command_id: CommandId,
    command: &CaseCommand,
    now: DateTime<Utc>,
) -> Result<()> {
    let catalog = catalog::load(conn).await?;
    let case = cases::get(conn, command.case_id()).await?;
    let patient = match command {
        CaseCommand::Create { fields, .. } | CaseCommand::UpdateDraft { fields, .. } => {
            patients::get(conn, fields.patient_id).await?
        }
        _ => None,
    };
    let view = CaseView {
        case: case.as_ref(),
        patient: patient.as_ref(),
        catalog: &catalog,
    };
    let mut decided = decide_case(view, actor, command, now)?;
    // The content must be here before a document may point at it. Checked after the
    // rules so that a case the actor may not see still answers "not found".
    for doc in staged_documents(command) {
        check_staged(conn, doc).await?;
    }
    if case.is_none() {
        let year = now.year();
        let n = counters::next(conn, &format!("case-reference-{year}")).await?;
        decided.insert(
            1,
            CaseEvent::ReferenceAssigned {
                reference: domain::case_reference(year, n),
            },
        );
    }
    let mut state = case;
    let mut lines = Vec::new();
    for event in &decided {
        state = event.evolve(state, now, actor);
        let case_id = state.as_ref().map(|c| c.id).ok_or_else(|| {
            tracing::error!("an event did not fold into a case");
            ApiError::internal()
        })?;
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
        if let Some(line) = event.timeline_line(&catalog) {
            lines.push(line);
        }
    }
    let state: Case = state.ok_or_else(ApiError::internal)?;
    cases::save(conn, &state).await?;
    for line in &lines {
        timeline::append(conn, state.id, now, actor, line, command_id).await?;
    }
    Ok(())
}

fn staged_documents(command: &CaseCommand) -> Vec<&DocumentInput> {
    match command {
        CaseCommand::Create { documents, .. } => documents.iter().map(|(_, d)| d).collect(),
        CaseCommand::AddDocument { document, .. } => vec![document],
        _ => Vec::new(),
    }
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
