//! Accounts: the people who sign in. Input is parsed here, at the edge, into typed values
//! ([`Email`], [`NewUser`]); the handlers and queries never see a raw string for them.
//! Passwords and their rules are [`crate::password`]'s.

use domain::{Role, UserId};

use crate::error::ApiError;

/// A stored account (without its password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

/// The longest e-mail address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The longest display name.
pub const MAX_NAME_CHARS: usize = 200;

/// An e-mail address as typed, trimmed, with a plausible shape: one `@`, something before
/// it, a dotted domain after it, no spaces or control characters. Whether it receives mail
/// is not checked. Compared without regard to case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        let text = text.trim();
        let bad =
            || ApiError::invalid_input("email: not an e-mail address (like name@hospital.org).");
        if text.is_empty() {
            return Err(ApiError::invalid_input("email: required."));
        }
        if text.chars().count() > MAX_EMAIL_CHARS {
            return Err(ApiError::invalid_input(format!(
                "email: too long (at most {MAX_EMAIL_CHARS} characters)."
            )));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = text.split_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || domain.contains('@') || !domain_ok {
            return Err(bad());
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The sign-in rate limit's key for what someone typed as their e-mail address: trimmed
/// and lower-case. Text longer than [`MAX_EMAIL_CHARS`], which no account has, shares one
/// key, so that sign-in attempts cannot fill the limiter's memory with huge keys.
pub fn email_key(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > MAX_EMAIL_CHARS {
        return OVER_LONG_KEY.to_string();
    }
    text.to_lowercase()
}

/// The one limiter key of every over-long address (it cannot be an address itself: a
/// space).
const OVER_LONG_KEY: &str = "over-long address";

/// Whether an account could have `text` (as typed) as its e-mail address: not longer than
/// [`MAX_EMAIL_CHARS`], no control characters (a NUL would not even reach the database).
/// Sign-in looks nothing up for anything else and answers as for an unknown address.
pub fn could_be_an_address(text: &str) -> bool {
    let text = text.trim();
    text.chars().count() <= MAX_EMAIL_CHARS && !text.chars().any(char::is_control)
}

/// An account an admin asks for.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
}

impl NewUser {
    /// The account's fields; its password is checked on its own
    /// ([`crate::password::Password::check_rules`]).
    pub fn parse(email: &str, name: &str, role: &str) -> Result<Self, ApiError> {
        let email = Email::parse(email)?;
        let name = domain::text::required("name", "name", name, MAX_NAME_CHARS)
            .map_err(|r| ApiError::invalid_input(format!("name: {}", r.message)))?;
        let role = match Role::parse(role.trim()) {
            Some(Role::System) => {
                return Err(ApiError::invalid_input(
                    "role: the system role belongs to the server itself, not to a person.",
                ))
            }
            Some(role) => role,
            None => {
                return Err(ApiError::invalid_input(
                    "role: one of requester, coordinator, provider, admin.",
                ))
            }
        };
        Ok(Self { email, name, role })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_shaped() {
        assert_eq!(
            Email::parse("  Ada@Example.org ").unwrap().as_str(),
            "Ada@Example.org"
        );
        for bad in [
            "",
            "ada",
            "@example.org",
            "ada@",
            "ada@example",
            "ada@@example.org",
            "a b@example.org",
            "ada@example..org",
            "ada@.example.org",
        ] {
            assert!(
                Email::parse(bad).is_err(),
                "{bad:?} is not an e-mail address"
            );
        }
        assert_eq!(email_key(" Ada@Example.ORG "), "ada@example.org");
        let long = format!("{}@example.org", "a".repeat(MAX_EMAIL_CHARS));
        let longer = format!("{}@example.org", "b".repeat(10 * MAX_EMAIL_CHARS));
        assert_eq!(
            email_key(&long),
            email_key(&longer),
            "over-long text shares one limiter key"
        );
        assert!(email_key(&long).len() < MAX_EMAIL_CHARS);
        assert!(could_be_an_address(" ada@example.org "));
        assert!(!could_be_an_address(&long));
        assert!(!could_be_an_address("ada\u{0}@example.org"));
        assert!(!could_be_an_address("ada\u{1}@example.org"));
    }

    #[test]
    fn new_users_need_a_name_an_address_and_a_person_role() {
        let ok = NewUser::parse("a@b.org", " Ada ", "provider").unwrap();
        assert_eq!((ok.name.as_str(), ok.role), ("Ada", Role::Provider));

        let refused =
            |e: &str, n: &str, r: &str| NewUser::parse(e, n, r).unwrap_err().message().to_string();
        assert!(refused("a@b.org", "Ada", "system").starts_with("role:"));
        assert!(refused("a@b.org", "Ada", "doctor").starts_with("role:"));
        assert!(refused("a@b.org", "  ", "admin").starts_with("name:"));
        assert!(refused("nope", "Ada", "admin").starts_with("email:"));
    }
}
