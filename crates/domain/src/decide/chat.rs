//! Deciding a chat message: who may write in a case's chat, when, and what.

use chrono::{DateTime, Utc};

use crate::actor::{Actor, Role};
use crate::case::{follow_up_status, Case};
use crate::chat::{ChatCommand, ChatMessage, MESSAGE};
use crate::document::parse_document;
use crate::refusal::{Refusal, RefusalCode};
use crate::text;
use crate::visibility::can_read_chat;

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
