//! Chat per case (seed 003, DOMAIN.md "Chat, issues, invoices").
//!
//! Between the case's requester, its active coordinator and its providers who have not
//! declined — the case's [`parties`](crate::visibility::parties). **Admins can not read chat
//! anywhere** (nor the system): every place that hands out messages asks
//! [`can_read_chat`]. Messages are not part of the case (which admins see); they are their
//! own records, and never appear in the case's timeline.
//!
//! A message is written in any status from submission on, and after completion; a
//! cancelled, rejected or unpaid case's chat stays readable but takes no more messages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::case::follow_up_status;
use crate::case::{Case, Document};
use crate::command::DocumentInput;
use crate::document::parse_document;
use crate::ids::{CaseId, DocumentId, MessageId, UserId};
use crate::refusal::{Refusal, RefusalCode};
use crate::text;
use crate::visibility::can_read_chat;

/// The longest message, in characters.
pub const MESSAGE: usize = 4_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatCommand {
    /// Post a message; its attachment's content must already be in the document store.
    Post {
        message_id: MessageId,
        case_id: CaseId,
        body: String,
        attachment: Option<(DocumentId, DocumentInput)>,
    },
}

impl ChatCommand {
    pub fn case_id(&self) -> CaseId {
        match self {
            ChatCommand::Post { case_id, .. } => *case_id,
        }
    }

    /// The documents this command attaches (a client uploads their content first).
    pub fn documents(&self) -> Vec<&DocumentInput> {
        match self {
            ChatCommand::Post { attachment, .. } => attachment.iter().map(|(_, d)| d).collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub id: MessageId,
    pub case_id: CaseId,
    pub author_id: UserId,
    pub author_role: Role,
    pub body: String,
    pub attachment: Option<Document>,
    /// When the authority accepted it: the order everyone sees.
    #[ts(type = "string")]
    pub sent_at: DateTime<Utc>,
}

/// Decides a chat command: the message to keep, or why not.
pub fn decide_chat(
    case: Option<&Case>,
    actor: Actor,
    command: &ChatCommand,
    now: DateTime<Utc>,
) -> Result<ChatMessage, Refusal> {
    let ChatCommand::Post {
        message_id,
        case_id,
        body,
        attachment,
    } = command;
    let case = case
        .filter(|c| crate::visibility::can_see(c, actor))
        .ok_or_else(|| Refusal::not_found("Case"))?;
    if matches!(actor.role, Role::Admin | Role::System) {
        return Err(Refusal::forbidden(
            "Case chat is private to the people working on the case; admins cannot read or \
             write it.",
        ));
    }
    if !follow_up_status(case.status) {
        return Err(Refusal::invalid_status(format!(
            "No messages can be sent while the case is {}.",
            case.status.label().to_lowercase()
        )));
    }
    if !can_read_chat(case, actor) {
        return Err(Refusal::not_found("Case"));
    }
    let body = text::bounded("body", "The message", body, MESSAGE)?;
    let attachment = match attachment {
        Some((id, input)) => Some(parse_document(*id, input, actor, now)?),
        None => None,
    };
    if body.is_empty() && attachment.is_none() {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "body",
            "Write a message or attach a file.",
        ));
    }
    Ok(ChatMessage {
        id: *message_id,
        case_id: *case_id,
        author_id: actor.id,
        author_role: actor.role,
        body,
        attachment,
        sent_at: now,
    })
}
