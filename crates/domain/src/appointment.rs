//! Appointments between the people of a case (seed 004, DOMAIN.md "Appointments").
//!
//! An appointment joins two *parties* of its case — any two of the requester, the active
//! coordinator and the providers who have not declined. One party proposes a time; the
//! other (the *receiver*) accepts or rejects it:
//!
//! ```text
//! pending ──accept (receiver)──▶ accepted ──complete (a party once begun; system once ended)──▶ completed
//!    │ └──reject (receiver)──▶ rejected      │
//!    │                                       ├──reschedule (either party)──▶ pending (the other party answers)
//!    └──cancel (either party)──▶ canceled ◀──┘ cancel (either party)
//! ```
//!
//! Only the proposer edits a pending appointment; rescheduling an accepted one (either
//! party) sends it back to `pending` with the rescheduler as the new proposer, so the other
//! party answers the new time. Admins see every appointment and change none. Times are
//! kept in UTC with the proposer's IANA time zone; each viewer sees them in their own.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::case::follow_up_status;
use crate::case::Case;
use crate::command::CaseCommand;
use crate::event::CaseEvent;
use crate::ids::{AppointmentId, CaseId, UserId};
use crate::refusal::{Refusal, RefusalCode};
use crate::visibility::parties;
use crate::{limits, text};

/// The shortest and longest appointment, in minutes.
pub const MIN_MINUTES: u32 = 5;
pub const MAX_MINUTES: u32 = 480;
/// How far ahead an appointment may be proposed.
pub const MAX_DAYS_AHEAD: i64 = 366;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Pending,
    Accepted,
    Rejected,
    Canceled,
    Completed,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 5] = [
        AppointmentStatus::Pending,
        AppointmentStatus::Accepted,
        AppointmentStatus::Rejected,
        AppointmentStatus::Canceled,
        AppointmentStatus::Completed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AppointmentStatus::Pending => "Pending",
            AppointmentStatus::Accepted => "Accepted",
            AppointmentStatus::Rejected => "Rejected",
            AppointmentStatus::Canceled => "Canceled",
            AppointmentStatus::Completed => "Completed",
        }
    }

    /// Still to happen: pending or accepted.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AppointmentStatus::Pending | AppointmentStatus::Accepted
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: AppointmentId,
    pub created_by: UserId,
    /// The creator's role: the "type" column of the appointment lists.
    pub creator_role: Role,
    /// The other party the creator invited.
    pub invitee_id: UserId,
    /// Who proposed the current time; the other party answers it.
    pub proposed_by: UserId,
    #[ts(type = "string")]
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u32,
    /// The proposer's IANA time zone (`Europe/Berlin`), as they chose the time.
    pub time_zone: String,
    pub purpose: Option<String>,
    pub status: AppointmentStatus,
    /// Why it was rejected or canceled, when a reason was given.
    pub reason: Option<String>,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
    /// Who made the latest change: the other party's copy is "unread" until seen.
    pub changed_by: UserId,
    /// Grows with every change; a reader's "seen" mark is the version they saw.
    pub version: u32,
}

impl Appointment {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + Duration::minutes(i64::from(self.duration_minutes))
    }

    pub fn is_party(&self, user: UserId) -> bool {
        user == self.created_by || user == self.invitee_id
    }

    /// The party that is not `user` (for a party).
    pub fn other_party(&self, user: UserId) -> UserId {
        if user == self.created_by {
            self.invitee_id
        } else {
            self.created_by
        }
    }

    /// Who answers the current proposal.
    pub fn receiver(&self) -> UserId {
        self.other_party(self.proposed_by)
    }

    /// Whether `user` should see it as changed: they are a party, someone else made the
    /// latest change, and they have not seen this version (`seen`: the version they saw).
    pub fn unread_for(&self, user: UserId, seen: Option<u32>) -> bool {
        self.is_party(user) && self.changed_by != user && seen.unwrap_or(0) < self.version
    }

    /// Whether the two appointments' times overlap (touching ends do not).
    pub fn overlaps(&self, other: &Appointment) -> bool {
        self.starts_at < other.ends_at() && other.starts_at < self.ends_at()
    }
}

/// The time of an appointment as its proposer gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentInput {
    /// RFC 3339 with an offset (`2026-12-01T09:30:00+01:00`) or `Z`.
    pub starts_at: String,
    pub duration_minutes: u32,
    /// IANA time zone name (`Europe/Berlin`); `UTC` is fine.
    pub time_zone: String,
    pub purpose: Option<String>,
}

/// A parsed, valid [`AppointmentInput`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentTime {
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub time_zone: String,
    pub purpose: Option<String>,
}

/// An IANA time zone name (`Europe/Berlin`), as an appointment or a date filter names it;
/// `invalid_input` on `timeZone` when it is not one.
pub fn parse_zone(name: &str) -> Result<chrono_tz::Tz, Refusal> {
    name.trim().parse().map_err(|_| {
        Refusal::field(
            RefusalCode::InvalidInput,
            "timeZone",
            "The time zone is not known (use a name such as Europe/Berlin).",
        )
    })
}

pub fn parse_input(
    input: &AppointmentInput,
    now: DateTime<Utc>,
) -> Result<AppointmentTime, Refusal> {
    let starts_at = DateTime::parse_from_rfc3339(input.starts_at.trim())
        .map_err(|_| {
            Refusal::field(
                RefusalCode::InvalidInput,
                "startsAt",
                "The date and time are required (for example 2026-12-01T09:30:00+01:00).",
            )
        })?
        .with_timezone(&Utc);
    if starts_at <= now {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "startsAt",
            "The appointment must be in the future.",
        ));
    }
    if starts_at > now + Duration::days(MAX_DAYS_AHEAD) {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "startsAt",
            "The appointment can be at most a year ahead.",
        ));
    }
    if !(MIN_MINUTES..=MAX_MINUTES).contains(&input.duration_minutes) {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "durationMinutes",
            format!("The duration must be between {MIN_MINUTES} and {MAX_MINUTES} minutes."),
        ));
    }
    let zone = input.time_zone.trim();
    parse_zone(zone)?;
    let purpose = text::optional(
        "purpose",
        "The purpose",
        input.purpose.as_deref(),
        limits::REASON,
    )?;
    Ok(AppointmentTime {
        starts_at,
        duration_minutes: input.duration_minutes,
        time_zone: zone.to_string(),
        purpose,
    })
}

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
    command: &CaseCommand,
    now: DateTime<Utc>,
) -> Option<Result<Vec<CaseEvent>, Refusal>> {
    let result = match command {
        CaseCommand::RequestAppointment {
            appointment_id,
            with_id,
            input,
            ..
        } => request(case, actor, *appointment_id, *with_id, input, now),
        CaseCommand::ChangeAppointment {
            appointment_id,
            input,
            ..
        } => change(case, actor, *appointment_id, input, now),
        CaseCommand::AnswerAppointment {
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
        CaseCommand::CancelAppointment {
            appointment_id,
            reason,
            ..
        } => cancel(case, actor, *appointment_id, reason.as_deref()),
        CaseCommand::CompleteAppointment { appointment_id, .. } => {
            complete(case, actor, *appointment_id, now)
        }
        _ => return None,
    };
    Some(result)
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
    Ok(vec![CaseEvent::AppointmentRequested {
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
    }])
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
    Ok(vec![CaseEvent::AppointmentChanged {
        appointment_id: id,
        starts_at: time.starts_at,
        duration_minutes: time.duration_minutes,
        time_zone: time.time_zone,
        purpose: time.purpose,
    }])
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
    Ok(vec![CaseEvent::AppointmentAnswered {
        appointment_id: id,
        accepted: accept,
        reason: if accept { None } else { reason },
    }])
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
    Ok(vec![CaseEvent::AppointmentCanceled {
        appointment_id: id,
        reason: text::reason(reason)?,
    }])
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
    Ok(vec![CaseEvent::AppointmentCompleted { appointment_id: id }])
}

/// Folds an appointment event into the case; `false` when `event` is not one.
pub(crate) fn evolve(c: &mut Case, event: &CaseEvent, at: DateTime<Utc>, by: UserId) -> bool {
    let id = match event {
        CaseEvent::AppointmentRequested { appointment } => {
            c.appointments.push(appointment.clone());
            return true;
        }
        CaseEvent::AppointmentChanged { appointment_id, .. }
        | CaseEvent::AppointmentAnswered { appointment_id, .. }
        | CaseEvent::AppointmentCanceled { appointment_id, .. }
        | CaseEvent::AppointmentCompleted { appointment_id } => *appointment_id,
        _ => return false,
    };
    let Some(a) = c.appointments.iter_mut().find(|a| a.id == id) else {
        return true;
    };
    match event {
        CaseEvent::AppointmentChanged {
            starts_at,
            duration_minutes,
            time_zone,
            purpose,
            ..
        } => {
            a.starts_at = *starts_at;
            a.duration_minutes = *duration_minutes;
            a.time_zone = time_zone.clone();
            a.purpose = purpose.clone();
            a.status = AppointmentStatus::Pending;
            a.proposed_by = by;
        }
        CaseEvent::AppointmentAnswered {
            accepted, reason, ..
        } => {
            a.status = if *accepted {
                AppointmentStatus::Accepted
            } else {
                AppointmentStatus::Rejected
            };
            a.reason = reason.clone();
        }
        CaseEvent::AppointmentCanceled { reason, .. } => {
            a.status = AppointmentStatus::Canceled;
            a.reason = reason.clone();
        }
        _ => a.status = AppointmentStatus::Completed,
    }
    a.updated_at = at;
    a.changed_by = by;
    a.version += 1;
    true
}

/// Cancels the open appointments of `user` (or all, for `None`): the case closed, or the
/// person left it (a declined provider, a replaced coordinator).
pub(crate) fn cancel_open(c: &mut Case, user: Option<UserId>, at: DateTime<Utc>, by: UserId) {
    for a in c.appointments.iter_mut() {
        if a.status.is_open() && user.is_none_or(|u| a.is_party(u)) {
            a.status = AppointmentStatus::Canceled;
            a.updated_at = at;
            a.changed_by = by;
            a.version += 1;
        }
    }
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
    let may = |command: CaseCommand| -> bool {
        // The time is not looked at for these answers; a well-formed one stands in.
        decide(Some(case), actor, &command, now).is_some_and(|r| r.is_ok())
    };
    let future = AppointmentInput {
        starts_at: (now + Duration::days(1)).to_rfc3339(),
        duration_minutes: 30,
        time_zone: "UTC".into(),
        purpose: None,
    };
    let (case_id, appointment_id) = (case.id, a.id);
    AppointmentActions {
        accept: may(CaseCommand::AnswerAppointment {
            case_id,
            appointment_id,
            accept: true,
            reason: None,
        }),
        reject: may(CaseCommand::AnswerAppointment {
            case_id,
            appointment_id,
            accept: false,
            reason: None,
        }),
        edit: may(CaseCommand::ChangeAppointment {
            case_id,
            appointment_id,
            input: future,
        }),
        cancel: may(CaseCommand::CancelAppointment {
            case_id,
            appointment_id,
            reason: None,
        }),
        complete: may(CaseCommand::CompleteAppointment {
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
        .map(|appointment_id| CaseCommand::CompleteAppointment {
            case_id: case.id,
            appointment_id,
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
