//! Passwords: the [`Password`] a person types (never shown by `Debug`), the length rules
//! every account follows, and hashing: argon2id (RFC 9106 / OWASP parameters: 19 MiB, 2
//! passes, 1 lane), stored as a PHC string. Hashing is slow on purpose, so it runs on the
//! blocking pool and at most one hash per CPU runs at a time: a burst of sign-ins queues
//! instead of eating all memory.

use std::sync::{Arc, LazyLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::Deserialize;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// The shortest password an admin may set, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted, in characters (hashing cost grows with length).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A password as received. Its `Debug` never shows it.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The rules every password set on an account follows (an admin's API call and
    /// `so-server admin create` alike): [`MIN_PASSWORD_CHARS`] to [`MAX_PASSWORD_CHARS`]
    /// characters. Refused as `invalid_input` naming the field.
    pub fn check_rules(&self) -> Result<(), ApiError> {
        let chars = self.0.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(ApiError::invalid_input(format!(
                "password: at least {MIN_PASSWORD_CHARS} characters."
            )));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(ApiError::invalid_input(format!(
                "password: at most {MAX_PASSWORD_CHARS} characters."
            )));
        }
        Ok(())
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Hashes `password` into a PHC string (blocking: call from the blocking pool).
pub fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A hash of a random password nobody knows, verified against when the account is unknown
/// (or cannot sign in with a password), so that such an answer takes as long as a wrong
/// password does.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut secret = [0u8; 32];
    argon2::password_hash::rand_core::RngCore::fill_bytes(&mut OsRng, &mut secret);
    hash_blocking(&hex::encode(secret)).expect("argon2 with default parameters hashes")
});

/// Whether `password` matches `stored` (blocking). `None` (no such account) always
/// verifies against the dummy hash and answers `false`.
pub fn verify_blocking(password: &str, stored: Option<&str>) -> bool {
    let Some(stored) = stored else {
        let _ = verify_phc(password, &DUMMY_HASH);
        return false;
    };
    verify_phc(password, stored)
}

fn verify_phc(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => {
            tracing::warn!("a stored password hash is not a readable PHC string");
            false
        }
    }
}

/// Hashing on the blocking pool, one per CPU at a time.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

impl Passwords {
    pub fn new() -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            permits: Arc::new(Semaphore::new(cpus)),
        }
    }

    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let password = password.clone();
        tokio::task::spawn_blocking(move || hash_blocking(password.expose()))
            .await
            .map_err(ApiError::internal)?
            .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))
    }

    pub async fn verify(
        &self,
        password: &Password,
        stored: Option<String>,
    ) -> Result<bool, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let password = password.clone();
        tokio::task::spawn_blocking(move || verify_blocking(password.expose(), stored.as_deref()))
            .await
            .map_err(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash_blocking("correct horse battery").unwrap();
        let b = hash_blocking("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "every hash has its own salt");
        assert!(verify_blocking("correct horse battery", Some(&a)));
        assert!(!verify_blocking("correct horse batterY", Some(&a)));
        assert!(
            !verify_blocking("correct horse battery", None),
            "no account never verifies"
        );
        assert!(
            !verify_blocking("x", Some("not a phc string")),
            "an unreadable hash never verifies"
        );
    }

    #[test]
    fn passwords_have_twelve_to_256_characters() {
        assert!(Password::new("twelve chars").check_rules().is_ok());
        assert!(
            Password::new("ü".repeat(12)).check_rules().is_ok(),
            "characters, not bytes"
        );
        for (bad, why) in [
            ("eleven char".to_string(), "too short"),
            (String::new(), "empty"),
            ("x".repeat(MAX_PASSWORD_CHARS + 1), "too long"),
        ] {
            let e = Password::new(bad).check_rules().unwrap_err();
            assert!(
                e.message().starts_with("password:"),
                "{why}: {}",
                e.message()
            );
        }
    }

    #[test]
    fn password_debug_hides_it() {
        assert_eq!(format!("{:?}", Password::new("secret")), "Password(…)");
    }
}
