//! The sync wire: what the desktop sync client and the central server send each other.
//!
//! Versioned by URL (`/v1/...`); a change that old clients cannot read needs `/v2`.
//! Only data shapes live here — no I/O, no rules (those are in `domain`). See
//! `docs/sync.md` for the model: server-authoritative command replay, pull of aggregate
//! snapshots filtered by what the user may see.

use chrono::{DateTime, Utc};
use domain::{
    Case, CaseEvent, CaseId, Catalog, ChatMessage, Command, CommandId, NoticeKind, Patient,
    PatientEvent, PatientId, Refusal, Role, UserId,
};
use serde::{Deserialize, Serialize};

/// The most commands one push may carry; a client with more pushes in batches.
pub const MAX_PUSH_COMMANDS: usize = 500;
/// The most changed aggregates one pull returns; `more` says whether to pull again.
pub const MAX_PULL_ITEMS: usize = 1_000;

/// Resumable document uploads (`/v1/blobs/{sha256}/upload`): the largest chunk the server
/// takes in one request (4 MiB).
pub const MAX_UPLOAD_CHUNK_BYTES: usize = 4 * 1024 * 1024;
/// Header of a chunk and of the answers: the whole content's size in bytes.
pub const UPLOAD_LENGTH_HEADER: &str = "upload-length";
/// Header of the answers: the bytes the server has; the next chunk starts there.
pub const UPLOAD_OFFSET_HEADER: &str = "upload-offset";

/// `POST /v1/push`: the client's pending commands, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushRequest {
    pub commands: Vec<PushedCommand>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushedCommand {
    /// Client-made UUIDv7: the server applies a command id at most once.
    pub command_id: CommandId,
    /// When the user gave the command (their clock); the server decides at its own `now`.
    pub issued_at: DateTime<Utc>,
    pub command: Command,
}

/// The answer to a push: one result per command, in the order sent. A retry of a command
/// id gets the first answer again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushResponse {
    pub results: Vec<CommandResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandResult {
    pub command_id: CommandId,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Applied; the events it produced with their global sequence numbers.
    Accepted { events: Vec<SequencedEvent> },
    /// Not applied, with the stable code and message of the rules.
    Refused { refusal: Refusal },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SequencedEvent {
    /// Global, gap-free within the server's log, increasing in commit order.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: UserId,
    pub actor_role: Role,
    pub event: Event,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "aggregate", rename_all = "snake_case")]
pub enum Event {
    Case {
        case_id: CaseId,
        event: CaseEvent,
    },
    Patient {
        patient_id: PatientId,
        event: PatientEvent,
    },
    /// A chat message was posted. Only its author gets this (in the push answer); the
    /// others receive the message by pull, if they may read the case's chat.
    Chat {
        message: ChatMessage,
    },
}

/// `GET /v1/pull?cursor=N&config=V`: everything that changed after event `N` that the
/// user may see now, and the configuration if the client's version `V` is not current.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullQuery {
    pub cursor: i64,
    #[serde(default)]
    pub config: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PullResponse {
    /// Pass this as the next `cursor`.
    pub cursor: i64,
    /// More changes wait beyond `cursor`: pull again at once.
    pub more: bool,
    /// The configuration's version; pass it as the next `config`.
    pub config_version: i64,
    /// The whole configuration, when the client's version is not `config_version`.
    pub catalog: Option<Catalog>,
    pub patients: Vec<Patient>,
    pub cases: Vec<CaseSnapshot>,
    /// Cases this user was sent before and may no longer see (a provider who declined).
    /// A case the user was never sent is never named here.
    pub removed_cases: Vec<CaseId>,
    /// Chat messages after the cursor on cases whose chat this user may read
    /// (`domain::can_read_chat`: never an admin), oldest first; and, for a case that became
    /// this user's since the cursor, its whole chat so far.
    #[serde(default)]
    pub messages: Vec<ChatMessage>,
    /// This user's own notifications after the cursor, oldest first.
    #[serde(default)]
    pub notifications: Vec<Notification>,
}

/// One notification for the user who pulls it (`domain::notice`). Its text never holds
/// patient data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// The server's id: a notification is stored once per id on the desktop.
    pub id: uuid::Uuid,
    /// The event sequence number it came with (pull order).
    pub seq: i64,
    pub kind: NoticeKind,
    pub case_id: CaseId,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// `GET /v1/notification-settings`: the (kind, channel) pairs this user turned off;
/// changed through `Command::Preference` pushes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettings {
    pub off: Vec<domain::ChannelOff>,
}

/// A case as the server has it now, with its whole timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseSnapshot {
    /// The sequence number of the case's latest event.
    pub seq: i64,
    pub case: Case,
    pub timeline: Vec<TimelineLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineLine {
    pub at: DateTime<Utc>,
    pub actor_id: UserId,
    pub actor_role: Role,
    pub label: String,
    pub detail: Option<String>,
    pub command_id: CommandId,
}

/// Every error answer of the server's HTTP API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::CaseCommand;
    use uuid::Uuid;

    #[test]
    fn a_push_round_trips_and_rejects_unknown_fields() {
        let push = PushRequest {
            commands: vec![PushedCommand {
                command_id: CommandId(Uuid::now_v7()),
                issued_at: DateTime::from_timestamp(1_795_000_000, 0).unwrap(),
                command: Command::Case(CaseCommand::Submit {
                    case_id: CaseId(Uuid::now_v7()),
                }),
            }],
        };
        let text = serde_json::to_string(&push).unwrap();
        assert_eq!(serde_json::from_str::<PushRequest>(&text).unwrap(), push);
        let extra = text.replacen("{\"commands\"", "{\"sneaky\":1,\"commands\"", 1);
        assert!(
            serde_json::from_str::<PushRequest>(&extra).is_err(),
            "unknown fields are refused, not ignored"
        );
    }

    #[test]
    fn outcomes_are_tagged_by_status() {
        let refused = Outcome::Refused {
            refusal: Refusal::invalid_status("The case has already been submitted."),
        };
        let json = serde_json::to_value(&refused).unwrap();
        assert_eq!(json["status"], "refused");
        assert_eq!(json["refusal"]["code"], "invalid_status");
    }
}
