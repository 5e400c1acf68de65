//! The authority's step: one command, decided, turned into everything there is to store.
//!
//! This is the one pipeline every decider runs: the server's push batch, the desktop's
//! in-process authority when it runs standalone, and the desktop's optimistic apply (and
//! its rebuild after a pull). Each of them only loads what the command names
//! ([`Command::names`]) and saves what [`step`] returns; deciding with the rules, numbering
//! a new case, issuing the invoice of a completed case, folding the events into the case,
//! the notices they owe and the timeline lines they write all happen here, so the same
//! command gets the same answer — the same events, state and refusal, word for word —
//! wherever it is decided.
//!
//! Pure like the rest of the crate: the clock, the stored state and the counters' values
//! come in as arguments.

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};

use crate::actor::Actor;
use crate::case::Case;
use crate::catalog::Catalog;
use crate::chat::{ChatCommand, ChatMessage};
use crate::command::{CaseCommand, Command, DocumentInput};
use crate::config::decide_config;
use crate::decide::chat::decide_chat;
use crate::decide::{decide_case, decide_patient, CaseView};
use crate::event::{CaseEvent, PatientEvent, TimelineLabel};
use crate::ids::{CaseId, MessageId, PatientId};
use crate::notice::{
    case_notices, chat_notices, decide_preference, Channel, Notice, NoticeKind, PreferenceCommand,
};
use crate::patient::Patient;
use crate::refusal::{Refusal, RefusalCode};

/// What a command names, for its decider to load before the [`step`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named<'a> {
    /// The case a case or chat command targets.
    pub case: Option<CaseId>,
    /// The patient a patient command targets, or a case's create or draft update names.
    pub patient: Option<PatientId>,
    /// The message a chat command posts (its id must be new).
    pub message: Option<MessageId>,
    /// The documents whose content the decider must hold.
    pub documents: Vec<&'a DocumentInput>,
}

impl Command {
    /// What this command names: what its decider loads into [`Given`].
    pub fn names(&self) -> Named<'_> {
        match self {
            Command::Patient(c) => Named {
                patient: Some(c.patient_id()),
                ..Named::default()
            },
            Command::Case(c) => Named {
                case: Some(c.case_id()),
                patient: c.patient_id(),
                message: None,
                documents: c.documents(),
            },
            Command::Chat(c) => {
                let ChatCommand::Post { message_id, .. } = c;
                Named {
                    case: Some(c.case_id()),
                    patient: None,
                    message: Some(*message_id),
                    documents: c.documents(),
                }
            }
            // A preference is the actor's own, and a configuration change works on the
            // catalog, which every decider holds: nothing to load.
            Command::Preference(_) | Command::Config(_) => Named::default(),
        }
    }
}

/// Everything a command is decided on, as the decider holds it now.
#[derive(Clone, Copy, Debug)]
pub struct Given<'a> {
    pub actor: Actor,
    pub now: DateTime<Utc>,
    pub catalog: &'a Catalog,
    /// The case [`Named::case`], if it exists.
    pub case: Option<&'a Case>,
    /// The patient [`Named::patient`], if it exists.
    pub patient: Option<&'a Patient>,
    /// The size in bytes of each content (by SHA-256) of [`Named::documents`] that the
    /// decider holds; content missing here is content it does not hold.
    pub content: &'a BTreeMap<String, i64>,
    /// Whether the message [`Named::message`] exists already.
    pub message_taken: bool,
}

/// Who is deciding.
#[derive(Debug)]
pub enum Decider<'a> {
    /// The authority: it numbers new cases and issues invoices from its gap-free counters.
    Authority(&'a mut Counters),
    /// A desktop deciding ahead of the server, to show the outcome at once: no numbers are
    /// taken (the server's arrive on pull), and the notices are the server's to send.
    Provisional,
}

/// The authority's gap-free counters of one year — case references and invoice numbers —
/// loaded before the commands of that year are decided, and written back once they have
/// been ([`Counters::moved`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counters {
    year: i32,
    /// Counter name → (value now, value loaded).
    values: BTreeMap<String, (i64, i64)>,
}

impl Counters {
    /// The names of the counters a command decided in `year` may take a number from: load
    /// their values (0 for one that does not exist yet) for [`Counters::loaded`].
    pub fn names(year: i32) -> [String; 2] {
        [
            crate::case_reference_counter(year),
            crate::invoice_counter(year),
        ]
    }

    /// The counters of `year` with their stored `values`, in the order of
    /// [`Counters::names`].
    pub fn loaded(year: i32, values: [i64; 2]) -> Counters {
        Counters {
            year,
            values: Counters::names(year)
                .into_iter()
                .zip(values)
                .map(|(name, value)| (name, (value, value)))
                .collect(),
        }
    }

    /// The counters that numbers were taken from, with their new values: what to store.
    pub fn moved(&self) -> Vec<(&str, i64)> {
        self.values
            .iter()
            .filter(|(_, (now, loaded))| now != loaded)
            .map(|(name, (now, _))| (name.as_str(), *now))
            .collect()
    }

    fn next(&mut self, name: &str) -> i64 {
        let counter = self.values.entry(name.to_string()).or_insert((0, 0));
        counter.0 += 1;
        counter.0
    }
}

/// A case event as the step folded it, with the notices it owes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folded {
    pub event: CaseEvent,
    /// Whom this event tells what ([`case_notices`]); empty from a provisional step.
    pub notices: Vec<Notice>,
}

/// Everything an accepted command changes, for its decider to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The patient's events, in order, and the patient as they leave it.
    Patient {
        events: Vec<PatientEvent>,
        patient: Patient,
    },
    /// The case's events in order, the case as they leave it, and its new timeline lines
    /// (each says who may read it: [`TimelineLabel::billing`]).
    Case {
        events: Vec<Folded>,
        case: Box<Case>,
        timeline: Vec<TimelineLabel>,
    },
    /// A chat message to keep (never part of its case) and whom it tells.
    Chat {
        message: ChatMessage,
        notices: Vec<Notice>,
    },
    /// The actor's own notification setting.
    Preference {
        kind: NoticeKind,
        channel: Channel,
        enabled: bool,
    },
    /// The whole configuration as an admin's change leaves it; the authority also bumps
    /// the configuration's version.
    Config { catalog: Box<Catalog> },
}

/// Why a step gave nothing to store.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// The rules refused the command; nothing changes.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The rules' own events did not fold into a case: a programming error, never the
    /// user's. Nothing changes.
    #[error("the events decided for a case did not fold into it")]
    Unfolded,
}

/// Decides `command` on what is `given` and works out all it changes. A refusal (or an
/// error) changes nothing: nothing has been written yet, and the counters are untouched.
pub fn step(given: Given<'_>, command: &Command, decider: Decider<'_>) -> Result<Step, StepError> {
    match command {
        Command::Patient(c) => {
            let events = decide_patient(given.patient, given.actor, c, given.now)?;
            // Every patient event carries the whole patient.
            let patient = events
                .last()
                .map(PatientEvent::evolve)
                .ok_or(StepError::Unfolded)?;
            Ok(Step::Patient { events, patient })
        }
        Command::Case(c) => step_case(given, c, decider),
        Command::Chat(c) => step_chat(given, c, decider),
        Command::Preference(p) => {
            decide_preference(given.actor, p)?;
            let PreferenceCommand::SetChannel {
                kind,
                channel,
                enabled,
            } = p;
            Ok(Step::Preference {
                kind: *kind,
                channel: *channel,
                enabled: *enabled,
            })
        }
        Command::Config(c) => Ok(Step::Config {
            catalog: Box::new(decide_config(given.actor, given.catalog, c)?),
        }),
    }
}

fn step_case(
    given: Given<'_>,
    command: &CaseCommand,
    decider: Decider<'_>,
) -> Result<Step, StepError> {
    let view = CaseView {
        case: given.case,
        patient: given.patient,
        catalog: given.catalog,
    };
    let mut events = decide_case(view, given.actor, command, given.now)?;
    // After the rules, so that a case the actor may not see still answers "not found".
    check_content(&given, "documents", &command.documents())?;
    let authority = match decider {
        Decider::Authority(counters) => Some(counters),
        Decider::Provisional => None,
    };
    let notify = authority.is_some();
    if let Some(counters) = authority {
        let year = counters.year;
        match given.case {
            None => {
                let n = counters.next(&crate::case_reference_counter(year));
                crate::number_new_case(&mut events, year, n);
            }
            Some(before) if crate::completes(&events) => {
                let n = counters.next(&crate::invoice_counter(year));
                crate::invoice_completed_case(&mut events, before, year, n);
            }
            Some(_) => {}
        }
    }
    fold(given, events, notify)
}

/// Folds `events` into the case, with each event's notices (only an authority's step
/// owes any) and the timeline lines.
fn fold(given: Given<'_>, events: Vec<CaseEvent>, notify: bool) -> Result<Step, StepError> {
    let mut state = given.case.cloned();
    let mut folded = Vec::with_capacity(events.len());
    let mut timeline = Vec::new();
    for event in events {
        let before = state.take();
        state = event.evolve(before.clone(), given.now, given.actor);
        let after = state.as_ref().ok_or(StepError::Unfolded)?;
        let notices = if notify {
            case_notices(before.as_ref(), after, &event, given.actor)
        } else {
            Vec::new()
        };
        timeline.extend(event.timeline_line(given.catalog));
        folded.push(Folded { event, notices });
    }
    let case = state.ok_or(StepError::Unfolded)?;
    Ok(Step::Case {
        events: folded,
        case: Box::new(case),
        timeline,
    })
}

fn step_chat(
    given: Given<'_>,
    command: &ChatCommand,
    decider: Decider<'_>,
) -> Result<Step, StepError> {
    let mut message = decide_chat(given.case, given.actor, command, given.now)?;
    if given.message_taken {
        return Err(Refusal::new(RefusalCode::Conflict, "This message was sent already.").into());
    }
    check_content(&given, "attachment", &command.documents())?;
    // Kept to the microsecond, as the server's database keeps times: the author's copy of
    // a message equals everyone else's.
    message.sent_at = message.sent_at.trunc_subsecs(6);
    let notices = match (decider, given.case) {
        (Decider::Authority(_), Some(case)) => chat_notices(case, &message),
        _ => Vec::new(),
    };
    Ok(Step::Chat { message, notices })
}

/// The content each document points at must be held, whole, by the decider before a
/// command may point at it (a client stages or uploads it first).
fn check_content(
    given: &Given<'_>,
    field: &str,
    documents: &[&DocumentInput],
) -> Result<(), Refusal> {
    for doc in documents {
        if given.content.get(&doc.sha256) != Some(&i64::from(doc.size_bytes)) {
            return Err(Refusal::field(
                RefusalCode::InvalidInput,
                field,
                format!(
                    "The content of \u{201c}{}\u{201d} has not arrived; add the file again.",
                    doc.name
                ),
            ));
        }
    }
    Ok(())
}

/// A case's human reference number: `SO-2026-00042`. Only the authority (the central
/// server, or standalone the in-process one) hands out `n`, gap-free per year.
pub fn case_reference(year: i32, n: i64) -> String {
    format!("SO-{year}-{n:05}")
}

/// The name of the authority's counter that numbers the cases created in `year`.
pub fn case_reference_counter(year: i32) -> String {
    format!("case-reference-{year}")
}

/// Gives a newly created case its reference: the authority's event, right after
/// `Created`. `events` are those `decide_case` returned for a `Create`.
pub fn number_new_case(events: &mut Vec<CaseEvent>, year: i32, n: i64) {
    let at = events
        .iter()
        .position(|e| matches!(e, CaseEvent::Created { .. }))
        .map_or(0, |i| i + 1);
    events.insert(
        at,
        CaseEvent::ReferenceAssigned {
            reference: case_reference(year, n),
        },
    );
}

/// An invoice's number: `INV-2026-00042`. Only the authority hands out `n`, gap-free per
/// year of issue.
pub fn invoice_number(year: i32, n: i64) -> String {
    format!("INV-{year}-{n:05}")
}

/// The name of the authority's counter that numbers the invoices issued in `year`.
pub fn invoice_counter(year: i32) -> String {
    format!("invoice-{year}")
}

/// Whether `events` complete the case: the authority then issues its invoice.
pub fn completes(events: &[CaseEvent]) -> bool {
    events
        .iter()
        .any(|e| matches!(e, CaseEvent::Completed { .. }))
}

/// Issues the invoice of a case that `events` complete: the authority's event, right after
/// `Completed`, for what was paid. `case` is the case before `events`.
pub fn invoice_completed_case(events: &mut Vec<CaseEvent>, case: &Case, year: i32, n: i64) {
    let Some(at) = events
        .iter()
        .position(|e| matches!(e, CaseEvent::Completed { .. }))
    else {
        return;
    };
    let (amount_minor, currency, payment_reference) = match &case.payment {
        Some(p) => (p.amount_minor, p.currency.clone(), p.reference.clone()),
        None => (0, String::new(), None),
    };
    events.insert(
        at + 1,
        CaseEvent::InvoiceIssued {
            number: invoice_number(year, n),
            amount_minor,
            currency,
            payment_reference,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DiseaseCategoryId, ReviewTypeId, UserId};

    #[test]
    fn a_new_case_is_numbered_right_after_it_is_created() {
        let created = CaseEvent::Created {
            case_id: CaseId(uuid::Uuid::nil()),
            requester_id: UserId(uuid::Uuid::nil()),
            patient_id: PatientId(uuid::Uuid::nil()),
            review_type_id: ReviewTypeId(uuid::Uuid::nil()),
            disease_category_id: DiseaseCategoryId(uuid::Uuid::nil()),
            question: String::new(),
            clinical_summary: String::new(),
            documents: Vec::new(),
        };
        let mut events = vec![created.clone(), CaseEvent::Submitted];
        number_new_case(&mut events, 2026, 42);
        assert_eq!(
            events,
            [
                created,
                CaseEvent::ReferenceAssigned {
                    reference: "SO-2026-00042".into()
                },
                CaseEvent::Submitted
            ]
        );
        assert_eq!(case_reference_counter(2026), "case-reference-2026");
    }
}
