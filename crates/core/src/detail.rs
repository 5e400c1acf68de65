//! The case screen: one case as the signed-in user may see it, with what they may do to
//! it, and the one way a case command is answered with it (`App::case_command`).

use chrono::{DateTime, Utc};
use domain::decide::appointment;
use domain::decide::check_report;
use domain::decide::issue::{self, IssueActions};
use domain::visibility::{can_see, can_see_billing, parties};
use domain::{
    can_read_chat, check_action, decide_case, ActionKind, Actor, Appointment, AppointmentStatus,
    Case, CaseCommand, CaseEvent, CaseId, CaseView, Catalog, Command, IssueCommand, IssueId,
    IssueInput, RefusalCode,
};
use payments::PaymentStatus;
use store::{cases, chat, notifications, patients, timeline, Conn};
use uuid::Uuid;

use crate::app::{corrupt, App};
use crate::error::{ApiError, Result};
use crate::views::{
    appointment_view, person, review_detail, ActionAvailability, AppointmentView, CancelTerms,
    CaseDetail, CaseSummary, CaseTalk, InvoiceView, IssueView, RefundView, TimelineEntry,
    UserSummary,
};

impl App {
    /// One case, with what the user may do to it. A case the user may not see is
    /// "not found", exactly like a missing one.
    pub async fn get_case(&self, case_id: CaseId) -> Result<CaseDetail> {
        let actor = self.actor()?;
        let catalog = self.catalog().await?;
        let mut conn = self.store().read().await?;
        let case = cases::get(&mut conn, case_id)
            .await?
            .filter(|c| can_see(c, actor))
            .ok_or_else(|| ApiError::not_found("Case"))?;
        let patient = patients::get(&mut conn, case.patient_id)
            .await?
            .ok_or_else(corrupt)?;
        let review_type = catalog
            .review_type(case.review_type_id)
            .cloned()
            .ok_or_else(corrupt)?;
        let disease_category = catalog
            .disease_category(case.disease_category_id)
            .cloned()
            .ok_or_else(corrupt)?;
        let coordinator = case
            .coordinator()
            .and_then(|id| catalog.user(id))
            .map(UserSummary::from);
        let timeline = timeline::list(&mut conn, case.id)
            .await?
            .into_iter()
            .filter(|t| domain::visibility::can_read_timeline_line(&case, actor, &t.label))
            .map(|t| TimelineEntry {
                at: t.at,
                actor_name: t.actor_name,
                actor_role: t.actor_role,
                label: t.label,
                detail: t.detail,
            })
            .collect();
        Ok(CaseDetail {
            summary: CaseSummary {
                id: case.id,
                reference: case.reference.clone(),
                status: case.status,
                patient_name: patient.full_name.clone(),
                review_type_name: review_type.name_en.clone(),
                disease_category_label: disease_category.label_en.clone(),
                coordinator_name: coordinator.as_ref().map(|c| c.name.clone()),
                created_at: case.created_at,
                updated_at: case.updated_at,
            },
            actions: actions(&case, actor),
            patient,
            review_type,
            disease_category,
            question: case.question.clone(),
            clinical_summary: case.clinical_summary.clone(),
            documents: case.documents.clone(),
            coordinator,
            timeline,
            cancel_reason: case.cancel_reason.clone(),
            reject_reason: case.reject_reason.clone(),
            review: review_detail(&case, actor, &catalog),
            report_available: check_report(Some(&case), actor).is_ok(),
            invoice: case
                .invoice
                .as_ref()
                .filter(|_| can_see_billing(&case, actor))
                .map(InvoiceView::from),
            refund: case
                .refund
                .as_ref()
                .filter(|_| can_see_billing(&case, actor))
                .map(RefundView::from),
            talk: case_talk(&mut conn, &case, actor, &catalog, self.now()).await?,
            cancel_terms: cancel_terms(
                CaseView {
                    case: Some(&case),
                    patient: None,
                    catalog: &catalog,
                },
                actor,
                self.now(),
            ),
            payment_due: payment_due(&case, actor),
        })
    }

    /// Any case command, answered with the case as it now is. The review steps of the
    /// next issue (providers, opinions, summary) go through here too.
    pub async fn case_command(&self, command: CaseCommand) -> Result<CaseDetail> {
        let case_id = command.case_id();
        self.execute(Command::Case(command)).await?;
        self.get_case(case_id).await
    }
}

/// The actions the actor's role has on the case, each allowed or refused with the reason
/// the rules give. Actions the role never has are left out rather than shown disabled.
pub fn actions(case: &Case, actor: Actor) -> Vec<ActionAvailability> {
    ActionKind::ALL
        .into_iter()
        .filter_map(|action| match check_action(Some(case), actor, action) {
            Ok(_) => Some(ActionAvailability {
                action,
                allowed: true,
                reason: None,
            }),
            Err(r) if matches!(r.code, RefusalCode::Forbidden | RefusalCode::NotFound) => None,
            Err(r) => Some(ActionAvailability {
                action,
                allowed: false,
                reason: Some(r),
            }),
        })
        .collect()
}

/// What cancelling the case would ask of `actor` and set off, from a dry run of the
/// decision: whether it is refused for want of a reason, and whether the cancellation it
/// decides makes a refund due. Nothing is stored.
pub fn cancel_terms(view: CaseView<'_>, actor: Actor, now: DateTime<Utc>) -> CancelTerms {
    let Some(case) = view.case else {
        return CancelTerms::default();
    };
    let cancel = |reason: Option<&str>| {
        let command = CaseCommand::Cancel {
            case_id: case.id,
            reason: reason.map(str::to_string),
        };
        decide_case(view, actor, &command, now)
    };
    let (reason_required, decided) = match cancel(None) {
        Err(r) if r.code == RefusalCode::ReasonRequired => (true, cancel(Some("A reason."))),
        decided => (false, decided),
    };
    let refund_due = decided.is_ok_and(|events| {
        events.iter().any(|e| {
            matches!(
                e,
                CaseEvent::Cancelled {
                    refund_due: true,
                    ..
                }
            )
        })
    });
    CancelTerms {
        reason_required,
        refund_due,
    }
}

/// Whether `actor` is the one asked to pay for `case` now (the case screen's "Pay now"):
/// its requester, while the payment is pending. Admins may read the link
/// ([`App::payment_link`]) but the requester pays.
fn payment_due(case: &Case, actor: Actor) -> bool {
    case.requester_id == actor.id && PaymentStatus::of(case) == Some(PaymentStatus::Pending)
}

/// The cases `appointment_view` looks for conflicts in, for `appointments`: those `actor`
/// may see with an accepted appointment of theirs overlapping one of `appointments` that
/// is pending with them as a party (`domain::decide::appointment::conflicts` decides on
/// each). Nothing is read when none is.
pub(crate) async fn conflict_cases(
    conn: &mut Conn,
    actor: Actor,
    appointments: &[Appointment],
) -> Result<Vec<Case>> {
    let pending = appointments
        .iter()
        .filter(|a| a.status == AppointmentStatus::Pending && a.is_party(actor.id));
    let window = pending.fold(None, |w: Option<(DateTime<Utc>, DateTime<Utc>)>, a| {
        let (start, end) = (a.starts_at, a.ends_at());
        Some(w.map_or((start, end), |(s, e)| (s.min(start), e.max(end))))
    });
    let Some((from, until)) = window else {
        return Ok(Vec::new());
    };
    Ok(cases::accepted_overlapping(conn, actor.id, from, until)
        .await?
        .into_iter()
        .filter(|c| can_see(c, actor))
        .collect())
}

/// The talk part of the case screen.
///
/// On the caller's connection: a reader that held one pooled connection while it waited
/// for a second could starve the pool when several case screens load at once.
async fn case_talk(
    conn: &mut Conn,
    case: &Case,
    actor: Actor,
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> Result<CaseTalk> {
    let mine = conflict_cases(conn, actor, &case.appointments).await?;
    let ids: Vec<_> = case.appointments.iter().map(|a| a.id).collect();
    let seen = notifications::appointments_seen(conn, actor.id, &ids).await?;
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
    let probe_issue = IssueCommand::Report {
        case_id: case.id,
        issue_id: IssueId(Uuid::nil()),
        input: IssueInput {
            title: "?".into(),
            description: String::new(),
        },
    };
    let chat_available = can_read_chat(case, actor);
    let chat_unread = if chat_available {
        chat::unread_by_case(conn, actor, Some(case.id))
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
        can_report_issue: issue::decide(Some(case), actor, &probe_issue, now).is_ok(),
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
