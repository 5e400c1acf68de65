//! Deciding issue commands: who may report, edit, delete and resolve an issue, and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::case::{follow_up_status, Case};
use crate::event::{CaseEvent, IssueEvent};
use crate::ids::IssueId;
use crate::issue::{parse, CaseIssue, IssueCommand, IssueInput};
use crate::refusal::{Refusal, RefusalCode};

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

/// Decides an issue command.
pub fn decide(
    case: Option<&Case>,
    actor: Actor,
    command: &IssueCommand,
    now: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, Refusal> {
    match command {
        IssueCommand::Report {
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
            Ok(vec![CaseEvent::Issue(IssueEvent::Reported {
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
            })])
        }
        IssueCommand::Edit {
            issue_id, input, ..
        } => {
            let issue = own(check_case(case, actor)?, actor, *issue_id)?;
            if issue.resolved {
                return Err(Refusal::invalid_status(
                    "A resolved issue can no longer be edited.",
                ));
            }
            let (title, description) = parse(input)?;
            Ok(vec![CaseEvent::Issue(IssueEvent::Edited {
                issue_id: *issue_id,
                title,
                description,
            })])
        }
        IssueCommand::Delete { issue_id, .. } => {
            let issue = own(check_case(case, actor)?, actor, *issue_id)?;
            Ok(vec![CaseEvent::Issue(IssueEvent::Deleted {
                issue_id: *issue_id,
                title: issue.title.clone(),
            })])
        }
        IssueCommand::Resolve { issue_id, .. } => {
            let issue = own(check_case(case, actor)?, actor, *issue_id)?;
            if issue.resolved {
                return Err(Refusal::invalid_status("This issue is already resolved."));
            }
            Ok(vec![CaseEvent::Issue(IssueEvent::Resolved {
                issue_id: *issue_id,
            })])
        }
    }
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
    let may = |command: IssueCommand| decide(Some(case), actor, &command, now).is_ok();
    let (case_id, issue_id) = (case.id, issue.id);
    IssueActions {
        edit: may(IssueCommand::Edit {
            case_id,
            issue_id,
            input: IssueInput {
                title: issue.title.clone(),
                description: issue.description.clone(),
            },
        }),
        delete: may(IssueCommand::Delete { case_id, issue_id }),
        resolve: may(IssueCommand::Resolve { case_id, issue_id }),
    }
}
