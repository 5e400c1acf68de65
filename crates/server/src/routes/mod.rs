//! The HTTP handlers, one module per area, and the JSON shapes they exchange. Handlers
//! parse, call queries in `crate::db`, and answer; no SQL here.

pub mod admin;
pub mod auth;
pub mod health;

use domain::{Role, UserId};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::ToSchema;

use crate::accounts::Account;

/// A user as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    #[schema(value_type = String, format = Uuid)]
    pub id: UserId,
    pub name: String,
    pub email: String,
    #[schema(schema_with = role_schema)]
    pub role: Role,
}

impl From<Account> for UserView {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            name: a.name,
            email: a.email,
            role: a.role,
        }
    }
}

/// Every role, from `domain::Role` itself, so the document cannot drift from the rules.
fn role_schema() -> utoipa::openapi::Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Role::ALL.iter().map(|r| r.as_str())))
        .build()
}

/// The roles a person's account may have (`system` is the server's own).
fn person_role_schema() -> utoipa::openapi::Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            Role::ALL
                .iter()
                .filter(|r| **r != Role::System)
                .map(|r| r.as_str()),
        ))
        .build()
}
