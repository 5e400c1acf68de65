//! Who is told what (DOMAIN.md "Notifications and scheduled jobs").
//!
//! One rule, one place: [`case_notices`] turns an accepted case event into the notices it
//! owes, [`chat_notices`] a chat message, and [`due_reminders`] what the scheduled jobs
//! owe at a given `now`. The authority (the central server, or standalone the in-process
//! one) delivers them: in-app, as a desktop notification, and by e-mail — each channel as
//! the recipient chose for that kind.
//!
//! A notice never carries patient data or medical text — no names, no message content, no
//! opinion: only the case's reference number and what happened, because it leaves the
//! app (e-mail, the OS's notification centre).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::appointment::{Appointment, AppointmentStatus};
use crate::case::{AssignmentStatus, Case, CaseStatus};
use crate::catalog::Catalog;
use crate::chat::ChatMessage;
use crate::event::{AppointmentEvent, CaseEvent, IssueEvent};
use crate::ids::{CaseId, UserId};
use crate::visibility::parties;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    CoordinatorAssigned,
    PaymentResult,
    DoctorsAssigned,
    AssignmentDeclined,
    DocumentsRequested,
    DocumentUploaded,
    CaseReturned,
    OpinionSubmitted,
    CaseCompleted,
    CaseCancelled,
    CaseRejected,
    AppointmentCreated,
    AppointmentAnswered,
    AppointmentChanged,
    AppointmentCanceled,
    AppointmentReminder,
    ChatMessage,
    IssueReported,
    DraftReminder,
    OpinionOverdue,
    SummaryOverdue,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 21] = [
        NoticeKind::CoordinatorAssigned,
        NoticeKind::PaymentResult,
        NoticeKind::DoctorsAssigned,
        NoticeKind::AssignmentDeclined,
        NoticeKind::DocumentsRequested,
        NoticeKind::DocumentUploaded,
        NoticeKind::CaseReturned,
        NoticeKind::OpinionSubmitted,
        NoticeKind::CaseCompleted,
        NoticeKind::CaseCancelled,
        NoticeKind::CaseRejected,
        NoticeKind::AppointmentCreated,
        NoticeKind::AppointmentAnswered,
        NoticeKind::AppointmentChanged,
        NoticeKind::AppointmentCanceled,
        NoticeKind::AppointmentReminder,
        NoticeKind::ChatMessage,
        NoticeKind::IssueReported,
        NoticeKind::DraftReminder,
        NoticeKind::OpinionOverdue,
        NoticeKind::SummaryOverdue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::CoordinatorAssigned => "coordinator_assigned",
            NoticeKind::PaymentResult => "payment_result",
            NoticeKind::DoctorsAssigned => "doctors_assigned",
            NoticeKind::AssignmentDeclined => "assignment_declined",
            NoticeKind::DocumentsRequested => "documents_requested",
            NoticeKind::DocumentUploaded => "document_uploaded",
            NoticeKind::CaseReturned => "case_returned",
            NoticeKind::OpinionSubmitted => "opinion_submitted",
            NoticeKind::CaseCompleted => "case_completed",
            NoticeKind::CaseCancelled => "case_cancelled",
            NoticeKind::CaseRejected => "case_rejected",
            NoticeKind::AppointmentCreated => "appointment_created",
            NoticeKind::AppointmentAnswered => "appointment_answered",
            NoticeKind::AppointmentChanged => "appointment_changed",
            NoticeKind::AppointmentCanceled => "appointment_canceled",
            NoticeKind::AppointmentReminder => "appointment_reminder",
            NoticeKind::ChatMessage => "chat_message",
            NoticeKind::IssueReported => "issue_reported",
            NoticeKind::DraftReminder => "draft_reminder",
            NoticeKind::OpinionOverdue => "opinion_overdue",
            NoticeKind::SummaryOverdue => "summary_overdue",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How the kind reads in the notification settings.
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::CoordinatorAssigned => "Coordinator assigned",
            NoticeKind::PaymentResult => "Payment result",
            NoticeKind::DoctorsAssigned => "Doctors assigned",
            NoticeKind::AssignmentDeclined => "Assignment declined",
            NoticeKind::DocumentsRequested => "Documents requested",
            NoticeKind::DocumentUploaded => "Document uploaded",
            NoticeKind::CaseReturned => "Case returned",
            NoticeKind::OpinionSubmitted => "Opinion submitted",
            NoticeKind::CaseCompleted => "Case completed",
            NoticeKind::CaseCancelled => "Case cancelled",
            NoticeKind::CaseRejected => "Case rejected",
            NoticeKind::AppointmentCreated => "Appointment requested",
            NoticeKind::AppointmentAnswered => "Appointment answered",
            NoticeKind::AppointmentChanged => "Appointment changed",
            NoticeKind::AppointmentCanceled => "Appointment canceled",
            NoticeKind::AppointmentReminder => "Appointment reminder",
            NoticeKind::ChatMessage => "New chat message",
            NoticeKind::IssueReported => "Issue reported",
            NoticeKind::DraftReminder => "Unsubmitted draft",
            NoticeKind::OpinionOverdue => "Opinion overdue",
            NoticeKind::SummaryOverdue => "Final summary overdue",
        }
    }
}

/// The ways a notice reaches a person; each can be turned off per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InApp,
    Desktop,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::InApp, Channel::Desktop, Channel::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Desktop => "desktop",
            Channel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A person's choice for their own notifications (`Command::Preference`): applied by the
/// authority to that person's settings; the command's author is the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PreferenceCommand {
    /// Turns one channel of one kind on or off. Everything is on until turned off.
    SetChannel {
        kind: NoticeKind,
        channel: Channel,
        enabled: bool,
    },
}

/// One (kind, channel) a person turned off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChannelOff {
    pub kind: NoticeKind,
    pub channel: Channel,
}

/// Who may set preferences: every person who signs in (not the system).
pub fn decide_preference(actor: Actor, _command: &PreferenceCommand) -> Result<(), crate::Refusal> {
    if actor.role == Role::System {
        return Err(crate::Refusal::forbidden(
            "The system has no notification settings.",
        ));
    }
    Ok(())
}

/// Whether a notice goes to the person's desktop at all, given which of their channels are
/// on for its kind: while either the in-app or the desktop channel is (the centre lists it
/// by the first, the OS shows it by the second).
pub fn reaches_desktop(on: impl Fn(Channel) -> bool) -> bool {
    on(Channel::InApp) || on(Channel::Desktop)
}

/// One thing one person should know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub user_id: UserId,
    pub kind: NoticeKind,
    pub case_id: CaseId,
    /// Short: the subject of an e-mail, the heading of a desktop notification.
    pub title: String,
    pub body: String,
}

fn reference(case: &Case) -> String {
    case.reference
        .clone()
        .unwrap_or_else(|| "a new case".into())
}

fn when(a: &Appointment) -> String {
    format!(
        "{} UTC ({} min)",
        a.starts_at.format("%Y-%m-%d %H:%M"),
        a.duration_minutes
    )
}

struct Out<'a> {
    case: &'a Case,
    actor: Actor,
    notices: Vec<Notice>,
}

impl Out<'_> {
    /// Tells `users` (never the one who acted).
    fn tell(
        &mut self,
        users: impl IntoIterator<Item = UserId>,
        kind: NoticeKind,
        what: &str,
        body: String,
    ) {
        for user_id in users {
            if user_id == self.actor.id
                || self
                    .notices
                    .iter()
                    .any(|n| n.user_id == user_id && n.kind == kind)
            {
                continue;
            }
            self.notices.push(Notice {
                user_id,
                kind,
                case_id: self.case.id,
                title: format!("{}: {what}", reference(self.case)),
                body: body.clone(),
            });
        }
    }
}

fn live_providers(case: &Case) -> Vec<UserId> {
    case.assignments
        .iter()
        .filter(|a| a.status != AssignmentStatus::Declined)
        .map(|a| a.provider_id)
        .collect()
}

/// The notices `event` owes, now that it turned `before` into `after` by `actor`.
pub fn case_notices(
    before: Option<&Case>,
    after: &Case,
    event: &CaseEvent,
    actor: Actor,
) -> Vec<Notice> {
    let mut out = Out {
        case: after,
        actor,
        notices: Vec::new(),
    };
    let r = reference(after);
    let requester = [after.requester_id];
    let coordinator: Vec<UserId> = after.coordinator().into_iter().collect();
    match event {
        CaseEvent::CoordinatorAssigned { coordinator_id } => {
            out.tell(
                [*coordinator_id],
                NoticeKind::CoordinatorAssigned,
                "you are the coordinator",
                format!("You coordinate case {r}. Its requester has been asked to pay."),
            );
            out.tell(
                requester,
                NoticeKind::CoordinatorAssigned,
                "coordinator assigned — payment due",
                format!(
                    "A coordinator has been assigned to case {r}. Please pay to start the review."
                ),
            );
        }
        CaseEvent::CoordinatorChanged { from, to } => {
            out.tell(
                [*to],
                NoticeKind::CoordinatorAssigned,
                "you are the coordinator",
                format!("You now coordinate case {r}."),
            );
            out.tell(
                [*from],
                NoticeKind::CoordinatorAssigned,
                "coordinator changed",
                format!("Case {r} has been given to another coordinator."),
            );
        }
        CaseEvent::PaymentReceived { .. } => out.tell(
            requester.into_iter().chain(coordinator),
            NoticeKind::PaymentResult,
            "payment received",
            format!("The payment for case {r} has been received."),
        ),
        CaseEvent::PaymentFailed { .. } => out.tell(
            requester.into_iter().chain(coordinator),
            NoticeKind::PaymentResult,
            "payment failed",
            format!("The payment for case {r} failed."),
        ),
        CaseEvent::ProvidersAssigned { provider_ids } => {
            out.tell(
                provider_ids.iter().copied(),
                NoticeKind::DoctorsAssigned,
                "you are asked to review",
                format!("You have been assigned to review case {r}. Please accept or decline."),
            );
            out.tell(
                requester,
                NoticeKind::DoctorsAssigned,
                "doctors assigned",
                format!("Specialists have been assigned to case {r}."),
            );
        }
        CaseEvent::AssignmentDeclined { .. } => out.tell(
            coordinator,
            NoticeKind::AssignmentDeclined,
            "a provider declined",
            format!("A provider declined case {r}; you may assign another."),
        ),
        CaseEvent::DocumentsRequested { .. } => out.tell(
            requester.into_iter().chain(coordinator),
            NoticeKind::DocumentsRequested,
            "documents requested",
            format!("A specialist asks for more documents on case {r}."),
        ),
        CaseEvent::DocumentAdded { .. } if after.status != CaseStatus::Draft => out.tell(
            live_providers(after).into_iter().chain(coordinator),
            NoticeKind::DocumentUploaded,
            "document uploaded",
            format!("A document has been added to case {r}."),
        ),
        CaseEvent::CaseReturned { .. } => out.tell(
            coordinator,
            NoticeKind::CaseReturned,
            "case returned",
            format!("A specialist returned case {r} with an issue to resolve."),
        ),
        CaseEvent::OpinionSubmitted { .. } => out.tell(
            coordinator,
            NoticeKind::OpinionSubmitted,
            "opinion submitted",
            format!("A specialist submitted an opinion on case {r}."),
        ),
        CaseEvent::Completed { .. } => out.tell(
            requester.into_iter().chain(live_providers(after)),
            NoticeKind::CaseCompleted,
            "case completed",
            format!("Case {r} is completed; its report is ready."),
        ),
        CaseEvent::Cancelled { .. } => {
            let was = before.map(live_providers).unwrap_or_default();
            out.tell(
                requester.into_iter().chain(coordinator).chain(was),
                NoticeKind::CaseCancelled,
                "case cancelled",
                format!("Case {r} has been cancelled."),
            )
        }
        CaseEvent::Rejected { .. } => out.tell(
            requester,
            NoticeKind::CaseRejected,
            "case rejected",
            format!("Case {r} has been rejected."),
        ),
        CaseEvent::Appointment(AppointmentEvent::Requested { appointment: a }) => out.tell(
            [a.invitee_id],
            NoticeKind::AppointmentCreated,
            "appointment requested",
            format!("An appointment on case {r} is proposed for {}.", when(a)),
        ),
        CaseEvent::Appointment(AppointmentEvent::Changed { appointment_id, .. }) => {
            if let Some(a) = after.appointments.iter().find(|a| a.id == *appointment_id) {
                out.tell(
                    [a.other_party(actor.id)],
                    NoticeKind::AppointmentChanged,
                    "appointment changed",
                    format!(
                        "An appointment on case {r} is now proposed for {}.",
                        when(a)
                    ),
                )
            }
        }
        CaseEvent::Appointment(AppointmentEvent::Answered {
            appointment_id,
            accepted,
            ..
        }) => {
            if let Some(a) = after.appointments.iter().find(|a| a.id == *appointment_id) {
                let verb = if *accepted { "accepted" } else { "rejected" };
                out.tell(
                    [a.proposed_by],
                    NoticeKind::AppointmentAnswered,
                    &format!("appointment {verb}"),
                    format!("Your appointment on case {r} for {} was {verb}.", when(a)),
                )
            }
        }
        CaseEvent::Appointment(AppointmentEvent::Canceled { appointment_id, .. }) => {
            if let Some(a) = after.appointments.iter().find(|a| a.id == *appointment_id) {
                out.tell(
                    [a.other_party(actor.id)],
                    NoticeKind::AppointmentCanceled,
                    "appointment canceled",
                    format!("The appointment on case {r} for {} was canceled.", when(a)),
                )
            }
        }
        CaseEvent::Issue(IssueEvent::Reported { .. }) => out.tell(
            coordinator,
            NoticeKind::IssueReported,
            "issue reported",
            format!("An issue was reported on case {r}."),
        ),
        CaseEvent::OverdueReminderSent { provider_ids } => out.tell(
            provider_ids.iter().copied(),
            NoticeKind::OpinionOverdue,
            "your opinion is overdue",
            format!("Your opinion on case {r} is overdue. Please submit it as soon as you can."),
        ),
        // Nobody is told of these: the person who did it knows, and the others see it on
        // the case (or, for billing, on the invoice).
        // A document added to a draft: nobody but the requester knows of the case yet.
        CaseEvent::DocumentAdded { .. }
        | CaseEvent::Created { .. }
        | CaseEvent::ReferenceAssigned { .. }
        | CaseEvent::DraftUpdated { .. }
        | CaseEvent::DocumentRemoved { .. }
        | CaseEvent::Submitted
        | CaseEvent::PaymentRequested { .. }
        | CaseEvent::AssignmentAccepted { .. }
        | CaseEvent::ReviewStarted { .. }
        | CaseEvent::ReturnResolved { .. }
        | CaseEvent::InvoiceIssued { .. }
        | CaseEvent::RefundSucceeded { .. }
        | CaseEvent::RefundFailed { .. }
        | CaseEvent::Appointment(AppointmentEvent::Completed { .. })
        | CaseEvent::Issue(
            IssueEvent::Edited { .. } | IssueEvent::Deleted { .. } | IssueEvent::Resolved { .. },
        ) => {}
    }
    // Anything that closed the case also cancelled its open appointments: tell the other
    // parties of those that were open.
    if matches!(
        event,
        CaseEvent::Cancelled { .. }
            | CaseEvent::Rejected { .. }
            | CaseEvent::PaymentFailed { .. }
            | CaseEvent::AssignmentDeclined { .. }
            | CaseEvent::CoordinatorChanged { .. }
    ) {
        if let Some(before) = before {
            for a in &before.appointments {
                let now_canceled = after
                    .appointments
                    .iter()
                    .any(|b| b.id == a.id && b.status == AppointmentStatus::Canceled);
                if a.status.is_open() && now_canceled {
                    out.tell(
                        [a.created_by, a.invitee_id],
                        NoticeKind::AppointmentCanceled,
                        "appointment canceled",
                        format!("The appointment on case {r} for {} was canceled.", when(a)),
                    );
                }
            }
        }
    }
    out.notices
}

/// The notices a new chat message owes: every other party of the case. The message's
/// text stays in the app.
pub fn chat_notices(case: &Case, message: &ChatMessage) -> Vec<Notice> {
    let mut out = Out {
        case,
        actor: Actor::new(message.author_id, message.author_role),
        notices: Vec::new(),
    };
    let r = reference(case);
    out.tell(
        parties(case),
        NoticeKind::ChatMessage,
        "new message",
        format!("There is a new chat message on case {r}."),
    );
    out.notices
}

/// A reminder a scheduled job owes, with the key that makes it once-only: the job records
/// the key with the reminder, and a key already recorded is never sent again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    pub key: String,
    pub notice: Notice,
}

/// How long a draft may wait before its one reminder.
pub const DRAFT_REMINDER_AFTER_HOURS: i64 = 24;
/// When accepted appointments are reminded of, before they start.
pub const APPOINTMENT_REMINDERS_HOURS: [i64; 2] = [24, 1];

/// The day the review of `case` is due: the first provider assignment plus the review
/// type's expected review days.
pub fn review_due(case: &Case, catalog: &Catalog) -> Option<DateTime<Utc>> {
    let days = catalog
        .review_type(case.review_type_id)?
        .expected_review_days;
    let started = case.assignments.iter().map(|a| a.assigned_at).min()?;
    Some(started + Duration::days(i64::from(days)))
}

/// The providers whose opinion on `case` is overdue at `now`.
pub fn overdue_providers(case: &Case, catalog: &Catalog, now: DateTime<Utc>) -> Vec<UserId> {
    if case.status != CaseStatus::DoctorsAssigned {
        return Vec::new();
    }
    let Some(days) = catalog
        .review_type(case.review_type_id)
        .map(|t| i64::from(t.expected_review_days))
    else {
        return Vec::new();
    };
    case.assignments
        .iter()
        .filter(|a| {
            !matches!(
                a.status,
                AssignmentStatus::Declined | AssignmentStatus::Done
            )
        })
        .filter(|a| a.assigned_at + Duration::days(days) <= now)
        .map(|a| a.provider_id)
        .collect()
}

/// Whether every opinion on `case` is in and the final summary is overdue at `now`.
fn summary_overdue(case: &Case, catalog: &Catalog, now: DateTime<Utc>) -> bool {
    if case.status != CaseStatus::DoctorsAssigned {
        return false;
    }
    let mut live = case
        .assignments
        .iter()
        .filter(|a| a.status != AssignmentStatus::Declined)
        .peekable();
    let all_done = live.peek().is_some() && live.all(|a| a.status == AssignmentStatus::Done);
    all_done && review_due(case, catalog).is_some_and(|due| due <= now)
}

/// Whether `case` is overdue at `now`: a provider's opinion ([`overdue_providers`]) or,
/// every opinion being in, the final summary. The case list's "overdue" filter.
pub fn is_overdue(case: &Case, catalog: &Catalog, now: DateTime<Utc>) -> bool {
    !overdue_providers(case, catalog, now).is_empty() || summary_overdue(case, catalog, now)
}

/// When the clock of [`is_overdue`] started, whatever the review type's expected days:
/// `case` is overdue at `now` exactly when this plus those days is at or before `now` (and
/// its review type is known). The earliest assignment still open when one is; when every
/// provider who did not decline is done, the first assignment of all ([`review_due`]). The
/// store keeps it beside the case so that SQL selects the overdue cases.
pub fn overdue_basis(case: &Case) -> Option<DateTime<Utc>> {
    if case.status != CaseStatus::DoctorsAssigned {
        return None;
    }
    let open = case
        .assignments
        .iter()
        .filter(|a| {
            !matches!(
                a.status,
                AssignmentStatus::Declined | AssignmentStatus::Done
            )
        })
        .map(|a| a.assigned_at)
        .min();
    if open.is_some() {
        return open;
    }
    let any_live = case
        .assignments
        .iter()
        .any(|a| a.status != AssignmentStatus::Declined);
    if any_live {
        case.assignments.iter().map(|a| a.assigned_at).min()
    } else {
        None
    }
}

/// Everything the scheduled jobs owe for `case` at `now`: the draft reminder, overdue
/// alerts for opinions and the final summary, and reminders before accepted appointments.
/// Keys make each once-only; a rescheduled appointment gets reminders for its new time.
pub fn due_reminders(case: &Case, catalog: &Catalog, now: DateTime<Utc>) -> Vec<Reminder> {
    let system = Actor::new(UserId(uuid::Uuid::nil()), Role::System);
    let mut reminders = Vec::new();
    let mut push = |key: String, notices: Vec<Notice>| {
        for notice in notices {
            reminders.push(Reminder {
                key: format!("{key}:{}", notice.user_id),
                notice,
            });
        }
    };
    let r = reference(case);
    let id = case.id;
    if case.status == CaseStatus::Draft
        && case.created_at + Duration::hours(DRAFT_REMINDER_AFTER_HOURS) <= now
    {
        let mut out = Out {
            case,
            actor: system,
            notices: Vec::new(),
        };
        out.tell(
            [case.requester_id],
            NoticeKind::DraftReminder,
            "draft not submitted",
            "A case you started a day ago is still a draft. Submit it when it is ready, or cancel it."
                .into(),
        );
        push(format!("draft:{id}"), out.notices);
    }
    for provider in overdue_providers(case, catalog, now) {
        let Some(assigned) = case.assignment(provider).map(|a| a.assigned_at) else {
            continue;
        };
        let mut out = Out {
            case,
            actor: system,
            notices: Vec::new(),
        };
        out.tell(
            [provider],
            NoticeKind::OpinionOverdue,
            "your opinion is overdue",
            format!("Your opinion on case {r} is overdue against its expected review time."),
        );
        out.tell(
            case.coordinator(),
            NoticeKind::OpinionOverdue,
            "an opinion is overdue",
            format!("A specialist's opinion on case {r} is overdue."),
        );
        push(
            format!("opinion-overdue:{id}:{provider}:{}", assigned.timestamp()),
            out.notices,
        );
    }
    if summary_overdue(case, catalog, now) {
        let mut out = Out {
            case,
            actor: system,
            notices: Vec::new(),
        };
        out.tell(
            case.coordinator(),
            NoticeKind::SummaryOverdue,
            "final summary overdue",
            format!("Every opinion on case {r} is in; the final summary is overdue."),
        );
        push(format!("summary-overdue:{id}"), out.notices);
    }
    if crate::case::follow_up_status(case.status) {
        for a in case
            .appointments
            .iter()
            .filter(|a| a.status == AppointmentStatus::Accepted && a.starts_at > now)
        {
            // Only the nearest reminder that is due: an appointment accepted 30 minutes
            // ahead gets the 1-hour reminder, not also the 24-hour one.
            let due = APPOINTMENT_REMINDERS_HOURS
                .iter()
                .rev()
                .find(|h| a.starts_at - Duration::hours(**h) <= now);
            if let Some(hours) = due {
                let mut out = Out {
                    case,
                    actor: system,
                    notices: Vec::new(),
                };
                let ahead = if *hours == 1 {
                    "in an hour".to_string()
                } else {
                    format!("in {hours} hours")
                };
                out.tell(
                    [a.created_by, a.invitee_id],
                    NoticeKind::AppointmentReminder,
                    &format!("appointment {ahead}"),
                    format!(
                        "Your appointment on case {r} starts {ahead}, at {}.",
                        when(a)
                    ),
                );
                push(
                    format!("appointment-{hours}h:{}:{}", a.id, a.starts_at.timestamp()),
                    out.notices,
                );
            }
        }
    }
    reminders
}
