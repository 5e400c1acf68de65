//! The `so-server` command line. With no arguments it serves (configuration from the
//! environment, `crate::config`); `so-server admin create --email … --name …` makes an
//! active admin, the first one of a server that runs without demo data.
//!
//! The password is read from the terminal without echo (typed twice), or, when standard
//! input is not a terminal (a script, a secret piped in), as its first line. It follows the
//! rules of every account ([`Password::check_rules`]) and is stored as an argon2id hash;
//! it is never printed or logged. A refusal (a taken e-mail address, a bad field, a short
//! password) says why, changes nothing and exits non-zero.

use std::io::{BufRead, IsTerminal};

use clap::{Parser, Subcommand};
use domain::{Role, UserId};
use sqlx::PgPool;
use uuid::Uuid;

use crate::accounts::{Account, Email, NewUser};
use crate::db::users;
use crate::password::{self, Password};

/// The central server of Second Opinion. With no command it serves; configuration comes
/// from the environment (DATABASE_URL, SO_SERVER_ADDR, …: see the README).
#[derive(Debug, Parser)]
#[command(name = "so-server", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Administration from the command line (needs DATABASE_URL).
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Creates an active admin account. The password is asked for on the terminal
    /// (without echo), or read as the first line of standard input when that is not a
    /// terminal. Refused when an account with that e-mail address exists.
    Create {
        /// The admin's e-mail address (their sign-in name).
        #[arg(long)]
        email: String,
        /// The admin's name, as other people see it.
        #[arg(long)]
        name: String,
    },
}

/// Why `admin create` made no account. Its `Display` is the message for the operator.
#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("{0} Nothing was changed.")]
    Invalid(String),
    #[error("an account with the e-mail address {0} already exists. Nothing was changed.")]
    EmailTaken(String),
    #[error("no password: {0} Nothing was changed.")]
    NoPassword(String),
    #[error("the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("hashing the password failed: {0}")]
    Hash(String),
}

/// The account `email` and `name` would make, checked before anything else is asked.
pub fn parse_admin(email: &str, name: &str) -> Result<NewUser, CreateAdminError> {
    NewUser::parse(email, name, Role::Admin.as_str())
        .map_err(|e| CreateAdminError::Invalid(e.message().to_string()))
}

/// Refused when an account with this address exists (in any case).
pub async fn ensure_free(pool: &PgPool, email: &Email) -> Result<(), CreateAdminError> {
    match users::find_for_sign_in(pool, email.as_str()).await? {
        Some(_) => Err(CreateAdminError::EmailTaken(email.as_str().to_string())),
        None => Ok(()),
    }
}

/// Creates the admin `new` with `password`: the same rules and hash as an account an admin
/// creates through the API. A taken address is refused, also when it was taken between
/// [`ensure_free`] and now (the unique index decides).
pub async fn create_admin(
    pool: &PgPool,
    new: &NewUser,
    password: &Password,
) -> Result<Account, CreateAdminError> {
    password
        .check_rules()
        .map_err(|e| CreateAdminError::Invalid(e.message().to_string()))?;
    ensure_free(pool, &new.email).await?;
    let secret = password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash_blocking(secret.expose()))
        .await
        .map_err(|e| CreateAdminError::Hash(e.to_string()))?
        .map_err(|e| CreateAdminError::Hash(e.to_string()))?;
    match users::insert(pool, UserId(Uuid::now_v7()), new, Some(&hash)).await {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(CreateAdminError::EmailTaken(new.email.as_str().to_string()))
        }
        other => Ok(other?),
    }
}

/// The new admin's password: typed twice on the terminal without echo, or the first line
/// of standard input when it is not a terminal (without its line ending; nothing else is
/// trimmed: spaces may belong to a password).
pub fn read_password(email: &Email) -> Result<Password, CreateAdminError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let first = rpassword::prompt_password(format!(
            "Password for {} (at least {} characters): ",
            email.as_str(),
            password::MIN_PASSWORD_CHARS
        ))
        .map_err(|e| CreateAdminError::NoPassword(format!("cannot read it ({e}).")))?;
        let again = rpassword::prompt_password("The same password again: ")
            .map_err(|e| CreateAdminError::NoPassword(format!("cannot read it ({e}).")))?;
        if first != again {
            return Err(CreateAdminError::NoPassword(
                "the two passwords typed differ.".into(),
            ));
        }
        return Ok(Password::new(first));
    }
    let mut line = String::new();
    let read = stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| CreateAdminError::NoPassword(format!("cannot read standard input ({e}).")))?;
    if read == 0 {
        return Err(CreateAdminError::NoPassword(
            "standard input is empty: pipe the password in as its first line.".into(),
        ));
    }
    let text = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line);
    Ok(Password::new(text))
}
