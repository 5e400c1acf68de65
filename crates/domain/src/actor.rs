//! Who is acting.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::UserId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Hospital staff (or a patient) submitting cases.
    Requester,
    /// Case coordinator, configured per specialty.
    Coordinator,
    /// Specialist doctor, mapped to disease categories.
    Provider,
    /// Operations staff.
    Admin,
    /// Scheduled jobs and verified callbacks (payments).
    System,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Requester,
        Role::Coordinator,
        Role::Provider,
        Role::Admin,
        Role::System,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Requester => "requester",
            Role::Coordinator => "coordinator",
            Role::Provider => "provider",
            Role::Admin => "admin",
            Role::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: UserId,
    pub role: Role,
}

impl Actor {
    pub fn new(id: UserId, role: Role) -> Self {
        Self { id, role }
    }
}
