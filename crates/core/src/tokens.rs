//! Where the server session lives: the OS keyring (Secret Service, Keychain, Credential
//! Manager), never the SQLite file or a config file.
//!
//! The choice is explicit when the app is built: the desktop uses [`TokenStore::Keyring`];
//! in-process tests without a Secret Service use [`TokenStore::Memory`], which a test can
//! share between two `App`s on the same data directory to model a restart.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use domain::{Role, UserId};
use serde::{Deserialize, Serialize};

/// The keyring service name the session is filed under; the account is the server URL.
pub const KEYRING_SERVICE: &str = "second-opinion";

/// A signed-in session on one server: the bearer token and whose it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    pub token: String,
    pub user_id: UserId,
    pub role: Role,
}

#[derive(Clone, Debug, Default)]
pub enum TokenStore {
    /// The operating system's keyring (the app).
    #[default]
    Keyring,
    /// A process-local map (tests without a Secret Service).
    Memory(MemoryTokens),
}

/// An in-memory token store; clones share the same entries.
#[derive(Clone, Debug, Default)]
pub struct MemoryTokens(Arc<Mutex<HashMap<String, String>>>);

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the OS keyring is not available: {0}")]
    Keyring(String),
    #[error("the stored session could not be read")]
    Corrupt,
}

impl TokenStore {
    /// The session stored for `server`, if any.
    pub async fn load(&self, server: &str) -> Result<Option<Credentials>, TokenError> {
        let text = match self {
            TokenStore::Memory(m) => m.lock().get(server).cloned(),
            TokenStore::Keyring => {
                let server = server.to_string();
                blocking(move || match entry(&server)?.get_password() {
                    Ok(text) => Ok(Some(text)),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(e) => Err(TokenError::Keyring(e.to_string())),
                })
                .await?
            }
        };
        text.map(|t| serde_json::from_str(&t).map_err(|_| TokenError::Corrupt))
            .transpose()
    }

    pub async fn save(&self, server: &str, credentials: &Credentials) -> Result<(), TokenError> {
        let text = serde_json::to_string(credentials).map_err(|_| TokenError::Corrupt)?;
        match self {
            TokenStore::Memory(m) => {
                m.lock().insert(server.to_string(), text);
                Ok(())
            }
            TokenStore::Keyring => {
                let server = server.to_string();
                blocking(move || {
                    entry(&server)?
                        .set_password(&text)
                        .map_err(|e| TokenError::Keyring(e.to_string()))
                })
                .await
            }
        }
    }

    /// Forgets the session for `server` (nothing stored is fine).
    pub fn delete(&self, server: &str) -> Result<(), TokenError> {
        match self {
            TokenStore::Memory(m) => {
                m.lock().remove(server);
                Ok(())
            }
            // Blocking, but short: a local D-Bus call. `App::sign_out` is synchronous.
            TokenStore::Keyring => match entry(server)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(TokenError::Keyring(e.to_string())),
            },
        }
    }
}

impl MemoryTokens {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn entry(server: &str) -> Result<keyring::Entry, TokenError> {
    keyring::Entry::new(KEYRING_SERVICE, server).map_err(|e| TokenError::Keyring(e.to_string()))
}

/// Keyring calls block on D-Bus: keep them off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, TokenError> + Send + 'static,
) -> Result<T, TokenError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| TokenError::Keyring(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn credentials() -> Credentials {
        Credentials {
            token: "a".repeat(64),
            user_id: UserId(Uuid::now_v7()),
            role: Role::Provider,
        }
    }

    #[tokio::test]
    async fn memory_tokens_round_trip_and_are_shared_between_clones() {
        let store = TokenStore::Memory(MemoryTokens::default());
        let again = store.clone();
        let c = credentials();
        store.save("http://server", &c).await.unwrap();
        assert_eq!(again.load("http://server").await.unwrap(), Some(c));
        assert_eq!(again.load("http://other").await.unwrap(), None);
        again.delete("http://server").unwrap();
        assert_eq!(store.load("http://server").await.unwrap(), None);
    }

    /// The real OS keyring. Needs a Secret Service: `scripts/test.sh keyring` runs it
    /// inside `dbus-run-session` with an unlocked gnome-keyring (`tests/e2e/in-session.sh`).
    #[tokio::test]
    #[ignore = "needs an unlocked Secret Service; run by `scripts/test.sh keyring`"]
    async fn the_os_keyring_stores_reads_and_deletes_the_session() {
        let store = TokenStore::Keyring;
        let server = format!("http://keyring-test-{}", Uuid::now_v7());
        let c = credentials();
        store.save(&server, &c).await.expect("store in the keyring");
        assert_eq!(
            store.load(&server).await.expect("read the keyring"),
            Some(c),
            "what was stored in the OS keyring reads back"
        );
        store.delete(&server).expect("delete from the keyring");
        assert_eq!(
            store.load(&server).await.expect("read the keyring"),
            None,
            "after sign-out the keyring holds no session"
        );
        // A second keyring handle (a restarted app) sees the same: it is really stored
        // outside this process's memory.
        let c2 = credentials();
        store.save(&server, &c2).await.unwrap();
        assert_eq!(TokenStore::Keyring.load(&server).await.unwrap(), Some(c2));
        store.delete(&server).unwrap();
    }
}
