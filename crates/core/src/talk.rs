//! The people of a case talking: appointments, issues and chat. The rules are
//! `domain::{appointment, issue, chat}`; this module builds commands for the authority
//! and the views the UI shows.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::decide::appointment::{self, AppointmentActions};
use domain::decide::issue::{self, IssueActions};
use domain::{
    can_read_chat, case::follow_up_status, visibility::can_see, visibility::parties, Actor,
    AppointmentId, AppointmentInput, AppointmentStatus, Case, CaseCommand, CaseId, Catalog,
    ChatCommand, Command, Document, DocumentId, DocumentInput, IssueId, IssueInput, MessageId,
    Role, UserId,
};
use serde::{Deserialize, Serialize};
use store::{cases, chat, notifications, Conn};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{ApiError, Result};
use crate::views::CaseDetail;
use crate::App;

/// A person as the appointment and chat screens name them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub role: Role,
}

fn person(catalog: &Catalog, id: UserId) -> Person {
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

fn parse_day(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                domain::Refusal::field(
                    domain::RefusalCode::InvalidInput,
                    field,
                    "Dates are written YYYY-MM-DD.",
                )
                .into()
            }),
    }
}

/// The viewer's time zone for day filters (the domain's rule for a zone name); UTC when
/// absent.
fn parse_zone(text: Option<&str>) -> Result<chrono_tz::Tz> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(chrono_tz::UTC),
        Some(t) => Ok(domain::appointment::parse_zone(t)?),
    }
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

/// The talk part of the case screen.
///
/// On the caller's connection: a reader that held one pooled connection while it waited
/// for a second could starve the pool when several case screens load at once.
pub(crate) async fn case_talk(
    conn: &mut Conn,
    case: &Case,
    actor: Actor,
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> Result<CaseTalk> {
    let all = cases::all(conn).await?;
    let mine: Vec<Case> = all.into_iter().filter(|c| can_see(c, actor)).collect();
    let seen = notifications::appointments_seen(conn, actor.id).await?;
    let mut appointments: Vec<AppointmentView> = case
        .appointments
        .iter()
        .map(|a| appointment_view(case, a, actor, catalog, &mine, &seen, now))
        .collect();
    appointments.sort_by_key(|a| a.starts_at);
    let mut issues: Vec<IssueView> = case
        .return_issues
        .iter()
        .map(|r| IssueView {
            id: r.id,
            is_return: true,
            title: "Case returned".into(),
            description: r.reason.clone(),
            reported_by: person(catalog, r.provider_id),
            resolved: r.resolved,
            reported_at: r.opened_at,
            resolved_at: None,
            actions: IssueActions {
                edit: false,
                delete: false,
                resolve: false,
            },
        })
        .chain(case.issues.iter().map(|i| IssueView {
            id: i.id,
            is_return: false,
            title: i.title.clone(),
            description: i.description.clone(),
            reported_by: person(catalog, i.reported_by),
            resolved: i.resolved,
            reported_at: i.reported_at,
            resolved_at: i.resolved_at,
            actions: issue::actions(case, i, actor, now),
        }))
        .collect();
    issues.sort_by_key(|i| i.reported_at);
    let invitees = if appointment::may_arrange(case, actor) {
        parties(case)
            .into_iter()
            .filter(|p| *p != actor.id)
            .map(|p| person(catalog, p))
            .collect()
    } else {
        Vec::new()
    };
    let probe_issue = CaseCommand::ReportIssue {
        case_id: case.id,
        issue_id: IssueId(Uuid::nil()),
        input: IssueInput {
            title: "?".into(),
            description: String::new(),
        },
    };
    let chat_available = can_read_chat(case, actor);
    let chat_unread = if chat_available {
        chat::unread_by_case(conn, actor.id)
            .await?
            .into_iter()
            .find(|(id, _)| *id == case.id)
            .map_or(0, |(_, n)| n)
    } else {
        0
    };
    Ok(CaseTalk {
        appointments,
        issues,
        invitees,
        can_report_issue: issue::decide(Some(case), actor, &probe_issue, now)
            .is_some_and(|r| r.is_ok()),
        chat_available,
        chat_unread,
        can_send_overdue_reminder: domain::decide_case(
            domain::CaseView {
                case: Some(case),
                patient: None,
                catalog,
            },
            actor,
            &CaseCommand::SendOverdueReminder { case_id: case.id },
            now,
        )
        .is_ok(),
    })
}

impl App {
    async fn talk_command(&self, command: CaseCommand) -> Result<CaseDetail> {
        self.case_command(command).await
    }

    // ----- appointments ----------------------------------------------------------------

    pub async fn request_appointment(
        &self,
        case_id: CaseId,
        with_id: UserId,
        input: AppointmentInput,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::RequestAppointment {
            case_id,
            appointment_id: AppointmentId(Uuid::now_v7()),
            with_id,
            input,
        })
        .await
    }

    /// Edits a pending appointment (its proposer) or reschedules an accepted one.
    pub async fn change_appointment(
        &self,
        case_id: CaseId,
        appointment_id: AppointmentId,
        input: AppointmentInput,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::ChangeAppointment {
            case_id,
            appointment_id,
            input,
        })
        .await
    }

    pub async fn answer_appointment(
        &self,
        case_id: CaseId,
        appointment_id: AppointmentId,
        accept: bool,
        reason: Option<String>,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::AnswerAppointment {
            case_id,
            appointment_id,
            accept,
            reason,
        })
        .await
    }

    pub async fn cancel_appointment(
        &self,
        case_id: CaseId,
        appointment_id: AppointmentId,
        reason: Option<String>,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::CancelAppointment {
            case_id,
            appointment_id,
            reason,
        })
        .await
    }

    pub async fn complete_appointment(
        &self,
        case_id: CaseId,
        appointment_id: AppointmentId,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::CompleteAppointment {
            case_id,
            appointment_id,
        })
        .await
    }

    /// "My appointments": every appointment of every case the user sees (admins: all),
    /// soonest first, filtered by status, date range (days in the viewer's zone) and case.
    pub async fn list_appointments(
        &self,
        filter: AppointmentFilter,
    ) -> Result<Vec<AppointmentView>> {
        let actor = self.actor()?;
        let from = parse_day("from", filter.from.as_deref())?;
        let to = parse_day("to", filter.to.as_deref())?;
        // The zone matters only for dates: a list without them never fails on it.
        let zone = if from.is_some() || to.is_some() {
            parse_zone(filter.time_zone.as_deref())?
        } else {
            chrono_tz::UTC
        };
        let needle = filter
            .case
            .as_deref()
            .map(|c| c.trim().to_lowercase())
            .filter(|c| !c.is_empty());
        let catalog = self.catalog().await?;
        let now = self.now();
        let mut conn = self.store().read().await?;
        let mine: Vec<Case> = cases::all(&mut conn)
            .await?
            .into_iter()
            .filter(|c| can_see(c, actor))
            .collect();
        let seen = notifications::appointments_seen(&mut conn, actor.id).await?;
        let mut list: Vec<AppointmentView> = mine
            .iter()
            .filter(|c| match &needle {
                None => true,
                Some(n) => {
                    c.reference
                        .as_deref()
                        .is_some_and(|r| r.to_lowercase().contains(n.as_str()))
                        || c.id.to_string() == *n
                }
            })
            .flat_map(|c| {
                c.appointments
                    .iter()
                    .map(|a| appointment_view(c, a, actor, &catalog, &mine, &seen, now))
                    .collect::<Vec<_>>()
            })
            .filter(|a| filter.status.is_none_or(|s| a.status == s))
            .filter(|a| {
                let day = a.starts_at.with_timezone(&zone).date_naive();
                from.is_none_or(|d| day >= d) && to.is_none_or(|d| day <= d)
            })
            .collect();
        list.sort_by_key(|a| (a.starts_at, a.id));
        Ok(list)
    }

    /// The user has looked at these appointments (one case's, or all): their badge clears.
    pub async fn mark_appointments_seen(&self, case_id: Option<CaseId>) -> Result<()> {
        let actor = self.actor()?;
        let mut tx = self.store().begin().await?;
        for case in cases::all(&mut tx).await? {
            if !can_see(&case, actor) || case_id.is_some_and(|id| id != case.id) {
                continue;
            }
            for a in &case.appointments {
                notifications::mark_appointment_seen(&mut tx, actor.id, a.id, a.version).await?;
            }
        }
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(())
    }

    // ----- issues ------------------------------------------------------------------------

    pub async fn report_issue(&self, case_id: CaseId, input: IssueInput) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::ReportIssue {
            case_id,
            issue_id: IssueId(Uuid::now_v7()),
            input,
        })
        .await
    }

    pub async fn edit_issue(
        &self,
        case_id: CaseId,
        issue_id: IssueId,
        input: IssueInput,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::EditIssue {
            case_id,
            issue_id,
            input,
        })
        .await
    }

    pub async fn delete_issue(&self, case_id: CaseId, issue_id: IssueId) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::DeleteIssue { case_id, issue_id })
            .await
    }

    pub async fn resolve_issue(&self, case_id: CaseId, issue_id: IssueId) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::ResolveIssue { case_id, issue_id })
            .await
    }

    /// The coordinator reminds the providers whose opinion is overdue.
    pub async fn send_overdue_reminder(&self, case_id: CaseId) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::SendOverdueReminder { case_id })
            .await
    }

    // ----- chat ----------------------------------------------------------------------------

    /// A case's chat, oldest first, and marks it read. An admin — or anyone who may not
    /// read this case's chat — gets "not found", exactly as for a case they may not see.
    pub async fn chat_thread(&self, case_id: CaseId) -> Result<ChatThread> {
        let actor = self.actor()?;
        let catalog = self.catalog().await?;
        let mut tx = self.store().begin().await?;
        let case = cases::get(&mut tx, case_id)
            .await?
            .filter(|c| can_read_chat(c, actor))
            .ok_or_else(|| ApiError::not_found("Case"))?;
        let messages = chat::list(&mut tx, case_id)
            .await?
            .into_iter()
            .map(|s| ChatMessageView {
                id: s.message.id,
                author: person(&catalog, s.message.author_id),
                mine: s.message.author_id == actor.id,
                body: s.message.body,
                attachment: s.message.attachment,
                sent_at: s.message.sent_at,
                pending: s.pending,
            })
            .collect();
        chat::mark_read(&mut tx, actor.id, case_id).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(ChatThread {
            case_id,
            messages,
            can_post: follow_up_status(case.status),
        })
    }

    /// Posts a message (with an optional attachment already staged with
    /// `stage_document`). Offline it waits in the outbox and is sent, in order, when the
    /// server can be reached.
    pub async fn post_message(
        &self,
        case_id: CaseId,
        body: String,
        attachment: Option<DocumentInput>,
    ) -> Result<ChatThread> {
        self.execute(Command::Chat(ChatCommand::Post {
            message_id: MessageId(Uuid::now_v7()),
            case_id,
            body,
            attachment: attachment.map(|d| (DocumentId(Uuid::now_v7()), d)),
        }))
        .await?;
        self.chat_thread(case_id).await
    }

    /// The counts the navigation shows: unread notifications, appointments changed by
    /// someone else, and chat messages not read (per case).
    pub async fn badges(&self) -> Result<Badges> {
        let actor = self.actor()?;
        let notifications = self.notifications().await?.unread;
        let mut conn = self.store().read().await?;
        let mine: Vec<Case> = cases::all(&mut conn)
            .await?
            .into_iter()
            .filter(|c| can_see(c, actor))
            .collect();
        let seen = notifications::appointments_seen(&mut conn, actor.id).await?;
        let appointments = mine
            .iter()
            .flat_map(|c| c.appointments.iter())
            .filter(|a| a.unread_for(actor.id, seen.get(&a.id).copied()))
            .count() as u32;
        let chat_by_case: Vec<CaseCount> = chat::unread_by_case(&mut conn, actor.id)
            .await?
            .into_iter()
            .filter(|(id, _)| mine.iter().any(|c| c.id == *id && can_read_chat(c, actor)))
            .map(|(case_id, count)| CaseCount { case_id, count })
            .collect();
        Ok(Badges {
            notifications,
            appointments,
            chat: chat_by_case.iter().map(|c| c.count).sum(),
            chat_by_case,
        })
    }
}
