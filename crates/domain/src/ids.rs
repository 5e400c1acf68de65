//! Typed identifiers: inside the rules a `CaseId` is never a string or a bare UUID.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[ts(type = "string")]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map($name)
            }
        }
    )*};
}

id_type!(
    /// A person who signs in.
    UserId,
    PatientId,
    CaseId,
    DocumentId,
    /// A provider's request for more documents on a case.
    RequestId,
    /// An issue on a case: a provider's return issue, or one reported by a provider,
    /// coordinator or admin.
    IssueId,
    /// An appointment between two people of a case.
    AppointmentId,
    /// A chat message on a case.
    MessageId,
    ReviewTypeId,
    DiseaseCategoryId,
    SpecialtyId,
    /// The client-made UUIDv7 that makes a command idempotent.
    CommandId,
);
