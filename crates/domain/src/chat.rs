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

use crate::actor::Role;
use crate::case::Document;
use crate::document::DocumentInput;
use crate::ids::{CaseId, DocumentId, MessageId, UserId};

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
