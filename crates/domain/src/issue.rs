//! Issues on a case (seed 003, DOMAIN.md "Chat, issues, invoices").
//!
//! Providers, coordinators and admins report, edit, delete and resolve issues; a provider
//! only those it reported; requesters view them and change none. A provider's *return*
//! issue is a different thing — part of the review, in `Case::return_issues`, resolved with
//! `ResolveReturn` (which gives the provider its case back) and never edited or deleted.
//!
//! Issues can be raised from submission on and after completion (about the report, say);
//! a cancelled, rejected or unpaid case takes none.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::case::follow_up_status;
use crate::case::Case;
use crate::command::CaseCommand;
use crate::event::CaseEvent;
use crate::ids::{IssueId, UserId};
use crate::refusal::{Refusal, RefusalCode};
use crate::{limits, text};

/// The longest issue title, in characters.
pub const TITLE: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseIssue {
    pub id: IssueId,
    pub reported_by: UserId,
    pub reporter_role: Role,
    pub title: String,
    pub description: String,
    pub resolved: bool,
    #[ts(type = "string")]
    pub reported_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
    #[ts(type = "string | null")]
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<UserId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IssueInput {
    pub title: String,
    pub description: String,
}

fn parse(input: &IssueInput) -> Result<(String, String), Refusal> {
    Ok((
        text::required("title", "The title", &input.title, TITLE)?,
        text::bounded(
            "description",
            "The description",
            &input.description,
            limits::REASON,
        )?,
    ))
}

fn check_case(case: Option<&Case>, actor: Actor) -> Result<&Case, Refusal> {
    let case = case
        .filter(|c| crate::visibility::can_see(c, actor))
        .ok_or_else(|| Refusal::not_found("Case"))?;
    match actor.role {
        Role::Provider | Role::Coordinator | Role::Admin => {}
        Role::Requester => {
            return Err(Refusal::forbidden(
                "Requesters can view issues; providers, coordinators and admins manage them.",
            ))
        }
        Role::System => return Err(Refusal::forbidden("The system does not manage issues.")),
    }
    if !follow_up_status(case.status) {
        return Err(Refusal::invalid_status(format!(
            "Issues cannot be changed while the case is {}.",
            case.status.label().to_lowercase()
        )));
    }
    Ok(case)
}

/// The issue, if `actor` may manage it: a provider only its own.
fn own(case: &Case, actor: Actor, id: IssueId) -> Result<&CaseIssue, Refusal> {
    let issue = case
        .issues
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| Refusal::not_found("Issue"))?;
    if actor.role == Role::Provider && issue.reported_by != actor.id {
        return Err(Refusal::forbidden(
            "A provider manages only the issues it reported.",
        ));
    }
    Ok(issue)
}

/// Decides an issue command; `None` when `command` is not about issues.
pub fn decide(
    case: Option<&Case>,
    actor: Actor,
    command: &CaseCommand,
    now: DateTime<Utc>,
) -> Option<Result<Vec<CaseEvent>, Refusal>> {
    let decided = || -> Result<Vec<CaseEvent>, Refusal> {
        match command {
            CaseCommand::ReportIssue {
                issue_id, input, ..
            } => {
                let case = check_case(case, actor)?;
                if case.issues.iter().any(|i| i.id == *issue_id)
                    || case.return_issues.iter().any(|i| i.id == *issue_id)
                {
                    return Err(Refusal::new(
                        RefusalCode::Conflict,
                        "This issue already exists.",
                    ));
                }
                let (title, description) = parse(input)?;
                Ok(vec![CaseEvent::IssueReported {
                    issue: CaseIssue {
                        id: *issue_id,
                        reported_by: actor.id,
                        reporter_role: actor.role,
                        title,
                        description,
                        resolved: false,
                        reported_at: now,
                        updated_at: now,
                        resolved_at: None,
                        resolved_by: None,
                    },
                }])
            }
            CaseCommand::EditIssue {
                issue_id, input, ..
            } => {
                let issue = own(check_case(case, actor)?, actor, *issue_id)?;
                if issue.resolved {
                    return Err(Refusal::invalid_status(
                        "A resolved issue can no longer be edited.",
                    ));
                }
                let (title, description) = parse(input)?;
                Ok(vec![CaseEvent::IssueEdited {
                    issue_id: *issue_id,
                    title,
                    description,
                }])
            }
            CaseCommand::DeleteIssue { issue_id, .. } => {
                let issue = own(check_case(case, actor)?, actor, *issue_id)?;
                Ok(vec![CaseEvent::IssueDeleted {
                    issue_id: *issue_id,
                    title: issue.title.clone(),
                }])
            }
            CaseCommand::ResolveIssue { issue_id, .. } => {
                let issue = own(check_case(case, actor)?, actor, *issue_id)?;
                if issue.resolved {
                    return Err(Refusal::invalid_status("This issue is already resolved."));
                }
                Ok(vec![CaseEvent::IssueResolved {
                    issue_id: *issue_id,
                }])
            }
            _ => unreachable!("only issue commands reach here"),
        }
    };
    match command {
        CaseCommand::ReportIssue { .. }
        | CaseCommand::EditIssue { .. }
        | CaseCommand::DeleteIssue { .. }
        | CaseCommand::ResolveIssue { .. } => Some(decided()),
        _ => None,
    }
}

/// Folds an issue event into the case; `false` when `event` is not one.
pub(crate) fn evolve(c: &mut Case, event: &CaseEvent, at: DateTime<Utc>, by: UserId) -> bool {
    match event {
        CaseEvent::IssueReported { issue } => c.issues.push(issue.clone()),
        CaseEvent::IssueEdited {
            issue_id,
            title,
            description,
        } => {
            if let Some(i) = c.issues.iter_mut().find(|i| i.id == *issue_id) {
                i.title = title.clone();
                i.description = description.clone();
                i.updated_at = at;
            }
        }
        CaseEvent::IssueDeleted { issue_id, .. } => c.issues.retain(|i| i.id != *issue_id),
        CaseEvent::IssueResolved { issue_id } => {
            if let Some(i) = c.issues.iter_mut().find(|i| i.id == *issue_id) {
                i.resolved = true;
                i.resolved_at = Some(at);
                i.resolved_by = Some(by);
                i.updated_at = at;
            }
        }
        _ => return false,
    }
    true
}

/// What a person may do to an issue now — for the UI to offer only that.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IssueActions {
    pub edit: bool,
    pub delete: bool,
    pub resolve: bool,
}

pub fn actions(case: &Case, issue: &CaseIssue, actor: Actor, now: DateTime<Utc>) -> IssueActions {
    let may =
        |command: CaseCommand| decide(Some(case), actor, &command, now).is_some_and(|r| r.is_ok());
    let (case_id, issue_id) = (case.id, issue.id);
    IssueActions {
        edit: may(CaseCommand::EditIssue {
            case_id,
            issue_id,
            input: IssueInput {
                title: issue.title.clone(),
                description: issue.description.clone(),
            },
        }),
        delete: may(CaseCommand::DeleteIssue { case_id, issue_id }),
        resolve: may(CaseCommand::ResolveIssue { case_id, issue_id }),
    }
}
