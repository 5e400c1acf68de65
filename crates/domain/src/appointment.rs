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

use crate::actor::Role;
use crate::ids::{AppointmentId, CaseId, UserId};
use crate::refusal::{Refusal, RefusalCode};
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

    /// As stored and sent (snake_case, as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Pending => "pending",
            AppointmentStatus::Accepted => "accepted",
            AppointmentStatus::Rejected => "rejected",
            AppointmentStatus::Canceled => "canceled",
            AppointmentStatus::Completed => "completed",
        }
    }

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

/// What people do to a case's appointments (decided by `crate::decide::appointment`). A
/// part of `CaseCommand` in memory; on the wire each is flat, like the case's other
/// commands (`{"type": "request_appointment", "case_id": …}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum AppointmentCommand {
    #[serde(rename = "request_appointment")]
    Request {
        case_id: CaseId,
        appointment_id: AppointmentId,
        /// The other party: the requester, the coordinator or an assigned provider.
        with_id: UserId,
        input: AppointmentInput,
    },
    /// Edit a pending appointment (its proposer), or reschedule an accepted one (either
    /// party): it is pending again, for the other party to answer.
    #[serde(rename = "change_appointment")]
    Change {
        case_id: CaseId,
        appointment_id: AppointmentId,
        input: AppointmentInput,
    },
    #[serde(rename = "answer_appointment")]
    Answer {
        case_id: CaseId,
        appointment_id: AppointmentId,
        accept: bool,
        reason: Option<String>,
    },
    #[serde(rename = "cancel_appointment")]
    Cancel {
        case_id: CaseId,
        appointment_id: AppointmentId,
        reason: Option<String>,
    },
    #[serde(rename = "complete_appointment")]
    Complete {
        case_id: CaseId,
        appointment_id: AppointmentId,
    },
}

impl AppointmentCommand {
    pub fn case_id(&self) -> CaseId {
        match self {
            AppointmentCommand::Request { case_id, .. }
            | AppointmentCommand::Change { case_id, .. }
            | AppointmentCommand::Answer { case_id, .. }
            | AppointmentCommand::Cancel { case_id, .. }
            | AppointmentCommand::Complete { case_id, .. } => *case_id,
        }
    }
}
