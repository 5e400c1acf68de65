//! The people of a case talking, as the screens show them: appointments, issues, chat.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::decide::appointment::{self, AppointmentActions};
use domain::decide::issue::IssueActions;
use domain::{
    Actor, AppointmentId, AppointmentStatus, Case, CaseId, Catalog, Document, IssueId, MessageId,
    Role, UserId,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A person as the appointment and chat screens name them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub role: Role,
}

pub(crate) fn person(catalog: &Catalog, id: UserId) -> Person {
    Person {
        id,
        name: catalog.name_of(id),
        // A person the catalog no longer knows is shown with the least-privileged role.
        role: catalog.user(id).map_or(Role::Requester, |u| u.role),
    }
}

/// An appointment as the signed-in user sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentView {
    pub id: AppointmentId,
    pub case_id: CaseId,
    pub case_reference: Option<String>,
    pub created_by: Person,
    pub invitee: Person,
    /// The one the viewer meets (for a party), or both names (for anyone else).
    pub participant_name: String,
    /// The list's "type": the creator's role (requester, provider or coordinator).
    pub kind: Role,
    /// Who proposed the current time; the other party answers.
    pub proposed_by: UserId,
    #[ts(type = "string")]
    pub starts_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub ends_at: DateTime<Utc>,
    pub duration_minutes: u32,
    /// The proposer's time zone; the UI shows the time in the viewer's own.
    pub time_zone: String,
    pub purpose: Option<String>,
    pub status: AppointmentStatus,
    pub reason: Option<String>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
    /// Changed by someone else since the viewer last looked.
    pub unread: bool,
    /// The viewer's accepted appointments (any case) whose time overlaps this pending one:
    /// shown before accepting.
    pub conflicts: Vec<AppointmentConflict>,
    pub actions: AppointmentActions,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentConflict {
    pub case_id: CaseId,
    pub case_reference: Option<String>,
    pub appointment_id: AppointmentId,
    #[ts(type = "string")]
    pub starts_at: DateTime<Utc>,
}

/// The filters of "My appointments".
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentFilter {
    pub status: Option<AppointmentStatus>,
    /// `YYYY-MM-DD`, inclusive: a day on the viewer's calendar (`time_zone`).
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive: a day on the viewer's calendar (`time_zone`).
    pub to: Option<String>,
    /// Matches the case reference (or its id).
    pub case: Option<String>,
    /// The viewer's IANA time zone (e.g. `Europe/Berlin`), whose days `from` and `to`
    /// name; UTC when absent.
    pub time_zone: Option<String>,
}

/// An issue on the case screen: a reported issue, or a provider's return issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IssueView {
    pub id: IssueId,
    /// A provider's return issue (resolved with `resolve_return`, never edited or deleted).
    pub is_return: bool,
    pub title: String,
    pub description: String,
    pub reported_by: Person,
    pub resolved: bool,
    #[ts(type = "string")]
    pub reported_at: DateTime<Utc>,
    #[ts(type = "string | null")]
    pub resolved_at: Option<DateTime<Utc>>,
    pub actions: IssueActions,
}

/// The case screen's parts about people working together.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseTalk {
    pub appointments: Vec<AppointmentView>,
    pub issues: Vec<IssueView>,
    /// The people the user may invite to an appointment (the case's others); empty when
    /// the user may not arrange appointments here.
    pub invitees: Vec<Person>,
    pub can_report_issue: bool,
    /// Whether the user may read the case's chat (never an admin).
    pub chat_available: bool,
    pub chat_unread: u32,
    pub can_send_overdue_reminder: bool,
}

/// A chat message as the signed-in user sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessageView {
    pub id: MessageId,
    pub author: Person,
    pub mine: bool,
    pub body: String,
    pub attachment: Option<Document>,
    #[ts(type = "string")]
    pub sent_at: DateTime<Utc>,
    /// Written here and not accepted by the server yet (sent when back online).
    pub pending: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatThread {
    pub case_id: CaseId,
    pub messages: Vec<ChatMessageView>,
    /// Whether the user may write now (a closed case's chat is read-only).
    pub can_post: bool,
}

/// The counts the navigation shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Badges {
    pub notifications: u32,
    pub appointments: u32,
    pub chat: u32,
    pub chat_by_case: Vec<CaseCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseCount {
    pub case_id: CaseId,
    pub count: u32,
}

pub(crate) fn appointment_view(
    case: &Case,
    a: &domain::Appointment,
    actor: Actor,
    catalog: &Catalog,
    all: &[Case],
    seen: &HashMap<AppointmentId, u32>,
    now: DateTime<Utc>,
) -> AppointmentView {
    let created_by = person(catalog, a.created_by);
    let invitee = person(catalog, a.invitee_id);
    let participant_name = if a.is_party(actor.id) {
        person(catalog, a.other_party(actor.id)).name
    } else {
        format!("{} \u{2194} {}", created_by.name, invitee.name)
    };
    let conflicts = if a.status == AppointmentStatus::Pending && a.is_party(actor.id) {
        appointment::conflicts(all.iter(), actor.id, a)
            .into_iter()
            .filter_map(|(case_id, id)| {
                let c = all.iter().find(|c| c.id == case_id)?;
                let other = c.appointments.iter().find(|x| x.id == id)?;
                Some(AppointmentConflict {
                    case_id,
                    case_reference: c.reference.clone(),
                    appointment_id: id,
                    starts_at: other.starts_at,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    AppointmentView {
        id: a.id,
        case_id: case.id,
        case_reference: case.reference.clone(),
        participant_name,
        kind: a.creator_role,
        proposed_by: a.proposed_by,
        starts_at: a.starts_at,
        ends_at: a.ends_at(),
        duration_minutes: a.duration_minutes,
        time_zone: a.time_zone.clone(),
        purpose: a.purpose.clone(),
        status: a.status,
        reason: a.reason.clone(),
        updated_at: a.updated_at,
        unread: a.unread_for(actor.id, seen.get(&a.id).copied()),
        conflicts,
        actions: appointment::actions(case, a, actor, now),
        created_by,
        invitee,
    }
}
