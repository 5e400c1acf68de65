//! The people of a case talking: appointments, issues and chat. The rules are
//! `domain::{appointment, issue, chat}`; this module builds commands for the authority
//! and the views the UI shows.

use domain::{
    can_read_chat, case::follow_up_status, visibility::can_see, Appointment, AppointmentCommand,
    AppointmentId, AppointmentInput, Case, CaseCommand, CaseId, ChatCommand, Command, DocumentId,
    DocumentInput, IssueCommand, IssueId, IssueInput, MessageId, UserId,
};
use store::{cases, chat, notifications};
use uuid::Uuid;

use crate::app::App;
use crate::days::{day_start, parse_day, parse_zone};
use crate::detail::conflict_cases;
use crate::error::{ApiError, Result};
use crate::views::{
    appointment_view, person, AppointmentFilter, AppointmentView, Badges, CaseCount, CaseDetail,
    ChatMessageView, ChatThread,
};

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
        self.talk_command(CaseCommand::Appointment(AppointmentCommand::Request {
            case_id,
            appointment_id: AppointmentId(Uuid::now_v7()),
            with_id,
            input,
        }))
        .await
    }

    /// Edits a pending appointment (its proposer) or reschedules an accepted one.
    pub async fn change_appointment(
        &self,
        case_id: CaseId,
        appointment_id: AppointmentId,
        input: AppointmentInput,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::Appointment(AppointmentCommand::Change {
            case_id,
            appointment_id,
            input,
        }))
        .await
    }

    pub async fn answer_appointment(
        &self,
        case_id: CaseId,
        appointment_id: AppointmentId,
        accept: bool,
        reason: Option<String>,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::Appointment(AppointmentCommand::Answer {
            case_id,
            appointment_id,
            accept,
            reason,
        }))
        .await
    }

    pub async fn cancel_appointment(
        &self,
        case_id: CaseId,
        appointment_id: AppointmentId,
        reason: Option<String>,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::Appointment(AppointmentCommand::Cancel {
            case_id,
            appointment_id,
            reason,
        }))
        .await
    }

    pub async fn complete_appointment(
        &self,
        case_id: CaseId,
        appointment_id: AppointmentId,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::Appointment(AppointmentCommand::Complete {
            case_id,
            appointment_id,
        }))
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
        // SQL narrows to the cases with an appointment that may match (a day of any zone
        // lies within 14 hours of the same day in UTC); the filters below decide.
        let widen = chrono::Duration::hours(15);
        let query = cases::AppointmentQuery {
            status: filter.status,
            starts_from: from.map(|d| day_start(chrono_tz::UTC, d) - widen),
            starts_before: to
                .and_then(|d| d.succ_opt())
                .map(|d| day_start(chrono_tz::UTC, d) + widen),
            case: needle.clone().filter(|n| n.is_ascii()),
            case_id: None,
        };
        let mut conn = self.store().read().await?;
        let listed: Vec<Case> = cases::with_appointments(&mut conn, actor, &query)
            .await?
            .into_iter()
            .filter(|c| can_see(c, actor))
            .collect();
        let appointments: Vec<Appointment> = listed
            .iter()
            .flat_map(|c| c.appointments.iter().cloned())
            .collect();
        let mine = conflict_cases(&mut conn, actor, &appointments).await?;
        let ids: Vec<_> = appointments.iter().map(|a| a.id).collect();
        let seen = notifications::appointments_seen(&mut conn, actor.id, &ids).await?;
        let mut list: Vec<AppointmentView> = listed
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
        cases::mark_appointments_seen(&mut tx, actor, case_id).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(())
    }

    // ----- issues ------------------------------------------------------------------------

    pub async fn report_issue(&self, case_id: CaseId, input: IssueInput) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::Issue(IssueCommand::Report {
            case_id,
            issue_id: IssueId(Uuid::now_v7()),
            input,
        }))
        .await
    }

    pub async fn edit_issue(
        &self,
        case_id: CaseId,
        issue_id: IssueId,
        input: IssueInput,
    ) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::Issue(IssueCommand::Edit {
            case_id,
            issue_id,
            input,
        }))
        .await
    }

    pub async fn delete_issue(&self, case_id: CaseId, issue_id: IssueId) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::Issue(IssueCommand::Delete {
            case_id,
            issue_id,
        }))
        .await
    }

    pub async fn resolve_issue(&self, case_id: CaseId, issue_id: IssueId) -> Result<CaseDetail> {
        self.talk_command(CaseCommand::Issue(IssueCommand::Resolve {
            case_id,
            issue_id,
        }))
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
        let appointments = cases::unread_appointments(&mut conn, actor).await?;
        let chat_by_case: Vec<CaseCount> = chat::unread_by_case(&mut conn, actor, None)
            .await?
            .into_iter()
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
