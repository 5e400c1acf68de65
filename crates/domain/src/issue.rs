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

use crate::actor::Role;
use crate::ids::{CaseId, IssueId, UserId};
use crate::refusal::Refusal;
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

pub(crate) fn parse(input: &IssueInput) -> Result<(String, String), Refusal> {
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

/// What people do to a case's issues (decided by `crate::decide::issue`). A part of
/// `CaseCommand` in memory; flat on the wire (`{"type": "report_issue", "case_id": …}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum IssueCommand {
    #[serde(rename = "report_issue")]
    Report {
        case_id: CaseId,
        issue_id: IssueId,
        input: IssueInput,
    },
    #[serde(rename = "edit_issue")]
    Edit {
        case_id: CaseId,
        issue_id: IssueId,
        input: IssueInput,
    },
    #[serde(rename = "delete_issue")]
    Delete { case_id: CaseId, issue_id: IssueId },
    #[serde(rename = "resolve_issue")]
    Resolve { case_id: CaseId, issue_id: IssueId },
}

impl IssueCommand {
    pub fn case_id(&self) -> CaseId {
        match self {
            IssueCommand::Report { case_id, .. }
            | IssueCommand::Edit { case_id, .. }
            | IssueCommand::Delete { case_id, .. }
            | IssueCommand::Resolve { case_id, .. } => *case_id,
        }
    }
}
