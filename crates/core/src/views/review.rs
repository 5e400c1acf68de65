//! The review part of the case screen, as each role may read it.

use chrono::{DateTime, Utc};
use domain::decide::check_opinion_draft;
use domain::visibility::can_read_opinion;
use domain::{
    check_action, decide_case, ActionKind, Actor, AssignmentStatus, Case, CaseCommand, CaseView,
    Catalog, IssueId, Opinion, RefusalCode, RequestId, UserId,
};
use serde::Serialize;
use ts_rs::TS;

/// The review part of the case screen: the specialists, what they asked and said, and the
/// coordinator's final summary. What a role may read of it is decided in `crate::review`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewDetail {
    /// Every provider assignment, in the order they were made; declined ones stay listed
    /// (with the reason) so the coordinator sees whom to replace.
    pub assignments: Vec<AssignmentView>,
    /// The submitted opinions the user may read, in the order of the assignments.
    pub opinions: Vec<OpinionView>,
    /// The providers' document requests, oldest first; `open` until the requester uploads.
    pub document_requests: Vec<DocumentRequestView>,
    /// The providers' return issues, oldest first.
    pub return_issues: Vec<ReturnIssueView>,
    pub final_summary: Option<String>,
    #[ts(type = "string | null")]
    pub completed_at: Option<DateTime<Utc>>,
    /// For a coordinator choosing providers: the eligible ones (mapped to the case's disease
    /// category) not on the case yet. Empty for roles that never assign providers.
    pub eligible_providers: Vec<ProviderSummary>,
    /// Whether the user may keep a draft opinion on the case now (`save_opinion_draft`'s
    /// own rule): a provider who may submit the opinion, or whose review waits on a return
    /// issue. The opinion form is open exactly then.
    pub opinion_draft_allowed: bool,
}

/// A provider as the case screen names them: their name and specialties (English names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSummary {
    pub id: UserId,
    pub name: String,
    pub specialties: Vec<String>,
}

/// One provider's part in the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentView {
    pub provider: ProviderSummary,
    pub status: AssignmentStatus,
    #[ts(type = "string")]
    pub assigned_at: DateTime<Utc>,
    pub decline_reason: Option<String>,
}

/// A submitted opinion, with who wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpinionView {
    pub provider: ProviderSummary,
    #[serde(flatten)]
    #[ts(flatten)]
    pub opinion: Opinion,
}

/// A provider's request for more documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentRequestView {
    pub id: RequestId,
    pub provider: ProviderSummary,
    pub note: String,
    /// Still waiting for the requester's upload.
    pub open: bool,
    #[ts(type = "string")]
    pub requested_at: DateTime<Utc>,
}

/// A provider's return issue: their review waits until it is resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReturnIssueView {
    pub id: IssueId,
    pub provider: ProviderSummary,
    pub reason: String,
    pub resolved: bool,
    #[ts(type = "string")]
    pub opened_at: DateTime<Utc>,
    /// Whether the user may resolve this issue now (the same rules as `resolve_return`:
    /// a provider resolves only their own).
    pub resolvable: bool,
}

// ----- what the case screen shows of the review ----------------------------------------

pub(crate) fn provider_summary(catalog: &Catalog, id: UserId) -> ProviderSummary {
    let user = catalog.user(id);
    ProviderSummary {
        id,
        name: catalog.name_of(id),
        specialties: user
            .map(|u| {
                u.specialty_ids
                    .iter()
                    .filter_map(|s| catalog.specialties.iter().find(|x| x.id == *s))
                    .map(|s| s.name_en.clone())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The review part of `case` as `actor` sees it. `case` is one the actor may see.
pub(crate) fn review_detail(case: &Case, actor: Actor, catalog: &Catalog) -> ReviewDetail {
    let provider = |id| provider_summary(catalog, id);
    let assigns = match check_action(Some(case), actor, ActionKind::AssignProviders) {
        Ok(_) => true,
        Err(r) => !matches!(r.code, RefusalCode::Forbidden | RefusalCode::NotFound),
    };
    let eligible_providers = if assigns {
        catalog
            .eligible_providers(case.disease_category_id)
            .into_iter()
            .filter(|u| case.assignment(u.id).is_none())
            .map(|u| provider(u.id))
            .collect()
    } else {
        Vec::new()
    };
    let view = CaseView {
        case: Some(case),
        patient: None,
        catalog,
    };
    ReviewDetail {
        assignments: case
            .assignments
            .iter()
            .map(|a| AssignmentView {
                provider: provider(a.provider_id),
                status: a.status,
                assigned_at: a.assigned_at,
                decline_reason: a.decline_reason.clone(),
            })
            .collect(),
        opinions: case
            .assignments
            .iter()
            .filter(|a| can_read_opinion(case, actor, a.provider_id))
            .filter_map(|a| {
                a.opinion.as_ref().map(|o| OpinionView {
                    provider: provider(a.provider_id),
                    opinion: o.clone(),
                })
            })
            .collect(),
        document_requests: case
            .document_requests
            .iter()
            .map(|r| DocumentRequestView {
                id: r.id,
                provider: provider(r.provider_id),
                note: r.note.clone(),
                open: r.open,
                requested_at: r.requested_at,
            })
            .collect(),
        return_issues: case
            .return_issues
            .iter()
            .map(|i| ReturnIssueView {
                id: i.id,
                provider: provider(i.provider_id),
                reason: i.reason.clone(),
                resolved: i.resolved,
                opened_at: i.opened_at,
                // Asking the rules themselves keeps "who resolves which issue" in one place.
                resolvable: decide_case(
                    view,
                    actor,
                    &CaseCommand::ResolveReturn {
                        case_id: case.id,
                        issue_id: i.id,
                    },
                    case.updated_at,
                )
                .is_ok(),
            })
            .collect(),
        final_summary: case.final_summary.clone(),
        completed_at: case.completed_at,
        eligible_providers,
        opinion_draft_allowed: check_opinion_draft(Some(case), actor).is_ok(),
    }
}
