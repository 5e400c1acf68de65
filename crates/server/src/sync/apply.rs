//! The server as the authority: one pushed command decided by the `domain` rules on the
//! authoritative state, and its events applied — inside the push's transaction.

use chrono::{DateTime, Datelike, Utc};
use domain::{
    decide_case, decide_patient, Actor, Case, CaseCommand, CaseEvent, CaseView, Catalog, Command,
    CommandId, Refusal, RefusalCode,
};
use protocol::{Event, Outcome, SequencedEvent};
use sqlx::PgConnection;

use super::db;

/// Decides `command` as `actor` at `now`. A refusal writes nothing; an acceptance appends
/// the events to the log and updates the aggregates, timeline and access lists.
pub async fn apply(
    conn: &mut PgConnection,
    catalog: &Catalog,
    actor: Actor,
    command_id: CommandId,
    command: &Command,
    now: DateTime<Utc>,
) -> sqlx::Result<Outcome> {
    let decided = match command {
        Command::Patient(c) => {
            let existing = db::get_patient(conn, c.patient_id()).await?;
            decide_patient(existing.as_ref(), actor, c, now).map(Decided::Patient)
        }
        Command::Case(c) => decide(conn, catalog, actor, c, now).await?,
    };
    let decided = match decided {
        Ok(d) => d,
        Err(refusal) => return Ok(Outcome::Refused { refusal }),
    };
    let mut events = Vec::new();
    match decided {
        Decided::Patient(list) => {
            for event in list {
                let patient = event.evolve();
                let wire = Event::Patient {
                    patient_id: patient.id,
                    event,
                };
                let seq = db::append_event(conn, command_id, now, actor, &wire).await?;
                db::save_patient(conn, &patient, seq).await?;
                events.push(sequenced(seq, now, actor, wire));
            }
        }
        Decided::Case { before, list } => {
            let mut state = before.map(|b| *b);
            let mut lines = Vec::new();
            let mut last = 0;
            for event in list {
                state = event.evolve(state, now, actor);
                let Some(case_id) = state.as_ref().map(|c| c.id) else {
                    return Err(sqlx::Error::Protocol(
                        "an event did not fold into a case".into(),
                    ));
                };
                if let Some(line) = event.timeline_line(catalog) {
                    lines.push(line);
                }
                let wire = Event::Case { case_id, event };
                last = db::append_event(conn, command_id, now, actor, &wire).await?;
                events.push(sequenced(last, now, actor, wire));
            }
            let Some(case) = state else {
                return Err(sqlx::Error::Protocol("a command produced no case".into()));
            };
            db::save_case(conn, &case, last).await?;
            for line in &lines {
                db::append_timeline(conn, case.id, last, now, actor, line, command_id).await?;
            }
            db::update_access(conn, case.id, &domain::decide::viewers(&case), last).await?;
        }
    }
    Ok(Outcome::Accepted { events })
}

enum Decided {
    Patient(Vec<domain::PatientEvent>),
    Case {
        before: Option<Box<Case>>,
        list: Vec<CaseEvent>,
    },
}

async fn decide(
    conn: &mut PgConnection,
    catalog: &Catalog,
    actor: Actor,
    command: &CaseCommand,
    now: DateTime<Utc>,
) -> sqlx::Result<Result<Decided, Refusal>> {
    let case = db::get_case(conn, command.case_id()).await?;
    let patient = match command.patient_id() {
        Some(id) => db::get_patient(conn, id).await?,
        None => None,
    };
    let view = CaseView {
        case: case.as_ref(),
        patient: patient.as_ref(),
        catalog,
    };
    let mut list = match decide_case(view, actor, command, now) {
        Ok(list) => list,
        Err(refusal) => return Ok(Err(refusal)),
    };
    // The content must be on the server before a document may point at it.
    for doc in command.documents() {
        if db::blob_size(conn, &doc.sha256).await? != Some(i64::from(doc.size_bytes)) {
            return Ok(Err(Refusal::field(
                RefusalCode::InvalidInput,
                "documents",
                format!(
                    "The content of \u{201c}{}\u{201d} has not been uploaded.",
                    doc.name
                ),
            )));
        }
    }
    if case.is_none() {
        let year = now.year();
        let n = db::next(conn, &domain::case_reference_counter(year)).await?;
        domain::number_new_case(&mut list, year, n);
    }
    Ok(Ok(Decided::Case {
        before: case.map(Box::new),
        list,
    }))
}

fn sequenced(seq: i64, at: DateTime<Utc>, actor: Actor, event: Event) -> SequencedEvent {
    SequencedEvent {
        seq,
        at,
        actor_id: actor.id,
        actor_role: actor.role,
        event,
    }
}
