//! The `users` table.

use domain::{Role, UserId};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::accounts::{Account, NewUser};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    active: bool,
}

impl Row {
    fn into_account(self) -> Result<Account, sqlx::Error> {
        let role = Role::parse(&self.role).ok_or_else(|| {
            sqlx::Error::Decode(format!("users.role holds an unknown role {:?}", self.role).into())
        })?;
        Ok(Account {
            id: UserId(self.id),
            email: self.email,
            name: self.name,
            role,
            active: self.active,
        })
    }
}

/// The account for `email` (any case) with its password hash, for sign-in.
pub async fn find_for_sign_in(
    pool: &PgPool,
    email: &str,
) -> Result<Option<(Account, Option<String>)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct WithHash {
        #[sqlx(flatten)]
        row: Row,
        password_hash: Option<String>,
    }
    let found: Option<WithHash> = sqlx::query_as(
        "SELECT id, email, name, role, active, password_hash FROM users
         WHERE lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?;
    found
        .map(|f| Ok((f.row.into_account()?, f.password_hash)))
        .transpose()
}

pub async fn get(pool: &PgPool, id: UserId) -> Result<Option<Account>, sqlx::Error> {
    let row: Option<Row> =
        sqlx::query_as("SELECT id, email, name, role, active FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await?;
    row.map(Row::into_account).transpose()
}

/// Inserts a new account. A taken e-mail address is a unique violation
/// (`users_email_key`), which the caller turns into a 409.
pub async fn insert(
    executor: impl PgExecutor<'_>,
    id: UserId,
    user: &NewUser,
    password_hash: Option<&str>,
) -> Result<Account, sqlx::Error> {
    let row: Row = sqlx::query_as(
        "INSERT INTO users (id, email, name, role, password_hash, active)
         VALUES ($1, $2, $3, $4, $5, true)
         RETURNING id, email, name, role, active",
    )
    .bind(id.0)
    .bind(user.email.as_str())
    .bind(&user.name)
    .bind(user.role.as_str())
    .bind(password_hash)
    .fetch_one(executor)
    .await?;
    row.into_account()
}

/// How many of the accounts with these e-mail addresses (any case) are active and have a
/// password, that is, can sign in.
pub async fn count_signing_in(
    executor: impl PgExecutor<'_>,
    emails: &[String],
) -> Result<i64, sqlx::Error> {
    let lower: Vec<String> = emails.iter().map(|e| e.to_lowercase()).collect();
    sqlx::query_scalar(
        "SELECT count(*) FROM users
         WHERE lower(email) = ANY($1) AND active AND password_hash IS NOT NULL",
    )
    .bind(&lower)
    .fetch_one(executor)
    .await
}

pub async fn count(executor: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(executor)
        .await
}
