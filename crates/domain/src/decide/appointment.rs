//! Deciding appointment commands (the rules of `crate::appointment`'s state machine):
//! who may request, change, answer, cancel and complete an appointment, and when.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::appointment::{
    parse_input, Appointment, AppointmentCommand, AppointmentInput, AppointmentStatus,
};
use crate::case::{follow_up_status, Case};
use crate::command::CaseCommand;
use crate::event::{AppointmentEvent, CaseEvent};
use crate::ids::{AppointmentId, CaseId, UserId};
use crate::refusal::{Refusal, RefusalCode};
use crate::text;
use crate::visibility::parties;

/// Whether an appointment can be arranged on a case in this status: from submission until
/// the case closes, and after completion (to discuss the recommendations). A cancelled,
/// rejected or unpaid case takes none.
fn check_case(case: Option<&Case>, actor: Actor) -> Result<&Case, Refusal> {
    let case = case
        .filter(|c| crate::visibility::can_see(c, actor))
        .ok_or_else(|| Refusal::not_found("Case"))?;
    match actor.role {
        Role::Admin => {
            return Err(Refusal::forbidden(
                "Admins can view appointments but cannot create or change them.",
            ))
        }
        Role::Requester | Role::Coordinator | Role::Provider | Role::System => {}
    }
    if !follow_up_status(case.status) {
        return Err(Refusal::invalid_status(format!(
            "Appointments cannot be arranged while the case is {}.",
            case.status.label().to_lowercase()
        )));
    }
    Ok(case)
}

fn find(case: &Case, id: AppointmentId) -> Result<&Appointment, Refusal> {
    case.appointments
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| Refusal::not_found("Appointment"))
}

fn party_only(a: &Appointment, actor: Actor) -> Result<(), Refusal> {
    if a.is_party(actor.id) {
        Ok(())
    } else {
        Err(Refusal::forbidden(
            "Only the two people of this appointment can change it.",
        ))
    }
}

fn not_system(actor: Actor) -> Result<(), Refusal> {
    if actor.role == Role::System {
        Err(Refusal::forbidden(
            "The system only completes appointments that have ended.",
        ))
    } else {
        Ok(())
    }
}

fn status_refusal(a: &Appointment, what: &str) -> Refusal {
    Refusal::invalid_status(format!(
        "You cannot {what} an appointment that is {}.",
        a.status.label().to_lowercase()
    ))
}

/// Decides an appointment command; `None` when `command` is not about appointments.
pub fn decide(
    case: Option<&Case>,
    actor: Actor,
    command: &AppointmentCommand,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    match command {
        AppointmentCommand::Request {
            appointment_id,
            with_id,
            input,
            ..
        } => request(case, actor, *appointment_id, *with_id, input, now),
        AppointmentCommand::Change {
            appointment_id,
            input,
            ..
        } => change(case, actor, *appointment_id, input, now),
        AppointmentCommand::Answer {
            appointment_id,
            accept,
            reason,
            ..
        } => answer(
            case,
            actor,
            *appointment_id,
            *accept,
            reason.as_deref(),
            now,
        ),
        AppointmentCommand::Cancel {
            appointment_id,
            reason,
            ..
        } => cancel(case, actor, *appointment_id, reason.as_deref()),
        AppointmentCommand::Complete { appointment_id, .. } => {
            complete(case, actor, *appointment_id, now)
        }
    }
}

/// Whether `actor` may arrange appointments on `case` now (whom with and when aside): the
/// request form is offered exactly then.
pub fn may_arrange(case: &Case, actor: Actor) -> bool {
    arranger(Some(case), actor).is_ok()
}

/// The first checks of a request: the case, the role, its status, and that the actor is one
/// of the case's people.
fn arranger(case: Option<&Case>, actor: Actor) -> Result<&Case, Refusal> {
    not_system(actor)?;
    let case = check_case(case, actor)?;
    if !parties(case).contains(&actor.id) {
        return Err(Refusal::forbidden(
            "Only the requester, the coordinator and the assigned providers arrange appointments.",
        ));
    }
    Ok(case)
}

fn request(
    case: Option<&Case>,
    actor: Actor,
    id: AppointmentId,
    with: UserId,
    input: &AppointmentInput,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    let case = arranger(case, actor)?;
    if case.appointments.iter().any(|a| a.id == id) {
        return Err(Refusal::new(
            RefusalCode::Conflict,
            "This appointment already exists.",
        ));
    }
    let people = parties(case);
    if with == actor.id || !people.contains(&with) {
        return Err(Refusal::field(
            RefusalCode::NotEligible,
            "withId",
            "Choose someone working on this case: the requester, the coordinator or an \
             assigned provider.",
        ));
    }
    let time = parse_input(input, now)?;
    Ok(vec![CaseEvent::Appointment(AppointmentEvent::Requested {
        appointment: Appointment {
            id,
            created_by: actor.id,
            creator_role: actor.role,
            invitee_id: with,
            proposed_by: actor.id,
            starts_at: time.starts_at,
            duration_minutes: time.duration_minutes,
            time_zone: time.time_zone,
            purpose: time.purpose,
            status: AppointmentStatus::Pending,
            reason: None,
            created_at: now,
            updated_at: now,
            changed_by: actor.id,
            version: 1,
        },
    })])
}

fn change(
    case: Option<&Case>,
    actor: Actor,
    id: AppointmentId,
    input: &AppointmentInput,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    not_system(actor)?;
    let case = check_case(case, actor)?;
    let a = find(case, id)?;
    party_only(a, actor)?;
    match a.status {
        AppointmentStatus::Pending if a.proposed_by != actor.id => {
            return Err(Refusal::forbidden(
                "Only the one who proposed this time can edit it; you can accept, reject or \
                 cancel it.",
            ))
        }
        AppointmentStatus::Pending | AppointmentStatus::Accepted => {}
        AppointmentStatus::Rejected
        | AppointmentStatus::Canceled
        | AppointmentStatus::Completed => return Err(status_refusal(a, "change")),
    }
    let time = parse_input(input, now)?;
    Ok(vec![CaseEvent::Appointment(AppointmentEvent::Changed {
        appointment_id: id,
        starts_at: time.starts_at,
        duration_minutes: time.duration_minutes,
        time_zone: time.time_zone,
        purpose: time.purpose,
    })])
}

fn answer(
    case: Option<&Case>,
    actor: Actor,
    id: AppointmentId,
    accept: bool,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    not_system(actor)?;
    let case = check_case(case, actor)?;
    let a = find(case, id)?;
    party_only(a, actor)?;
    if a.status != AppointmentStatus::Pending {
        return Err(status_refusal(a, if accept { "accept" } else { "reject" }));
    }
    if a.receiver() != actor.id {
        return Err(Refusal::forbidden(
            "You proposed this time: the other person accepts or rejects it.",
        ));
    }
    if accept && a.starts_at <= now {
        return Err(Refusal::invalid_status(
            "This appointment's time has passed: propose another time instead.",
        ));
    }
    let reason = text::reason(reason)?;
    Ok(vec![CaseEvent::Appointment(AppointmentEvent::Answered {
        appointment_id: id,
        accepted: accept,
        reason: if accept { None } else { reason },
    })])
}

fn cancel(
    case: Option<&Case>,
    actor: Actor,
    id: AppointmentId,
    reason: Option<&str>,
) -> Result<Vec<CaseEvent>, Refusal> {
    not_system(actor)?;
    let case = check_case(case, actor)?;
    let a = find(case, id)?;
    party_only(a, actor)?;
    if !a.status.is_open() {
        return Err(status_refusal(a, "cancel"));
    }
    Ok(vec![CaseEvent::Appointment(AppointmentEvent::Canceled {
        appointment_id: id,
        reason: text::reason(reason)?,
    })])
}

fn complete(
    case: Option<&Case>,
    actor: Actor,
    id: AppointmentId,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    let case = check_case(case, actor)?;
    let a = find(case, id)?;
    if actor.role != Role::System {
        party_only(a, actor)?;
    }
    if a.status != AppointmentStatus::Accepted {
        return Err(status_refusal(a, "complete"));
    }
    let not_before = if actor.role == Role::System {
        a.ends_at()
    } else {
        a.starts_at
    };
    if now < not_before {
        return Err(Refusal::invalid_status(
            "An appointment is completed once it has taken place.",
        ));
    }
    Ok(vec![CaseEvent::Appointment(AppointmentEvent::Completed {
        appointment_id: id,
    })])
}

/// `user`'s accepted appointments, over all the cases given, whose time overlaps
/// `candidate` (other than itself): shown before `user` accepts `candidate`.
pub fn conflicts<'a>(
    cases: impl IntoIterator<Item = &'a Case>,
    user: UserId,
    candidate: &Appointment,
) -> Vec<(CaseId, AppointmentId)> {
    cases
        .into_iter()
        .flat_map(|c| c.appointments.iter().map(move |a| (c.id, a)))
        .filter(|(_, a)| {
            a.id != candidate.id
                && a.status == AppointmentStatus::Accepted
                && a.is_party(user)
                && a.overlaps(candidate)
        })
        .map(|(case_id, a)| (case_id, a.id))
        .collect()
}

/// What a person may do to an appointment now — for the UI to offer only that.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentActions {
    pub accept: bool,
    pub reject: bool,
    pub edit: bool,
    pub cancel: bool,
    pub complete: bool,
}

pub fn actions(
    case: &Case,
    a: &Appointment,
    actor: Actor,
    now: DateTime<Utc>,
) -> AppointmentActions {
    let may = |command: AppointmentCommand| -> bool {
        // The time is not looked at for these answers; a well-formed one stands in.
        decide(Some(case), actor, &command, now).is_ok()
    };
    let future = AppointmentInput {
        starts_at: (now + Duration::days(1)).to_rfc3339(),
        duration_minutes: 30,
        time_zone: "UTC".into(),
        purpose: None,
    };
    let (case_id, appointment_id) = (case.id, a.id);
    AppointmentActions {
        accept: may(AppointmentCommand::Answer {
            case_id,
            appointment_id,
            accept: true,
            reason: None,
        }),
        reject: may(AppointmentCommand::Answer {
            case_id,
            appointment_id,
            accept: false,
            reason: None,
        }),
        edit: may(AppointmentCommand::Change {
            case_id,
            appointment_id,
            input: future,
        }),
        cancel: may(AppointmentCommand::Cancel {
            case_id,
            appointment_id,
            reason: None,
        }),
        complete: may(AppointmentCommand::Complete {
            case_id,
            appointment_id,
        }),
    }
}

/// The system's commands that complete `case`'s ended appointments (the scheduled jobs,
/// on the server and standalone, send these).
pub fn completions(case: &Case, now: DateTime<Utc>) -> Vec<CaseCommand> {
    ended(case, now)
        .into_iter()
        .map(|appointment_id| {
            CaseCommand::Appointment(AppointmentCommand::Complete {
                case_id: case.id,
                appointment_id,
            })
        })
        .collect()
}

/// The accepted appointments that have ended: the system completes them.
pub fn ended(case: &Case, now: DateTime<Utc>) -> Vec<AppointmentId> {
    if !follow_up_status(case.status) {
        return Vec::new();
    }
    case.appointments
        .iter()
        .filter(|a| a.status == AppointmentStatus::Accepted && a.ends_at() <= now)
        .map(|a| a.id)
        .collect()
}
