//! Configuration, from the environment only:
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `SO_SERVER_ADDR` | address to listen on | `127.0.0.1:8787` |
//! | `DATABASE_URL` | `postgres://user:password@host:port/db` | required |
//! | `SO_SERVER_DEMO` | `1`: create the demo accounts when there are none | `0` |
//! | `SO_DB_MAX_CONNECTIONS` | size of the database pool | `10` |
//! | `SO_LOG` | log filter, `RUST_LOG` syntax | `info,sqlx=warn` |
//! | `SO_REFUND_EVERY_SECONDS` | how often the refund job looks for refunds that are due (`payments::refunds`); `0`: never, in this instance | `30` |
//! | `SO_JOBS_EVERY_SECONDS` | how often the scheduled jobs run (`jobs`: reminders, overdue alerts, completing ended appointments); `0`: never, in this instance | `60` |
//!
//! The payment provider reads its own: `SO_PAYMENT_SECRET`, `SO_PAYMENT_SANDBOX_URL`,
//! `SO_SANDBOX_REFUND_OUTAGE` (`server::payments`).

use std::net::SocketAddr;
use std::time::Duration;

use crate::jobs::DEFAULT_EVERY as DEFAULT_JOBS_EVERY;
use crate::payments::refunds::DEFAULT_EVERY as DEFAULT_REFUND_EVERY;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8787";
const DEFAULT_MAX_CONNECTIONS: u32 = 10;

#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// Holds the database password: never log it (`Debug` hides it).
    pub database_url: String,
    pub demo: bool,
    pub db_max_connections: u32,
    /// The refund job's interval; `None`: the job does not run in this instance.
    pub refund_every: Option<Duration>,
    /// The scheduled jobs' interval; `None`: they do not run in this instance.
    pub jobs_every: Option<Duration>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database_url", &"…")
            .field("demo", &self.demo)
            .field("db_max_connections", &self.db_max_connections)
            .field("refund_every", &self.refund_every)
            .field("jobs_every", &self.jobs_every)
            .finish()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The same, reading variables through `var` (for tests).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let addr_text = var("SO_SERVER_ADDR").unwrap_or_else(|| DEFAULT_ADDR.to_string());
        let addr = addr_text.parse().map_err(|_| ConfigError::Invalid {
            name: "SO_SERVER_ADDR",
            reason: format!("{addr_text:?} is not host:port, like {DEFAULT_ADDR}"),
        })?;
        let database_url = var("DATABASE_URL")
            .filter(|v| !v.is_empty())
            .ok_or(ConfigError::Missing("DATABASE_URL"))?;
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            // The value is not repeated: it may hold a password.
            return Err(ConfigError::Invalid {
                name: "DATABASE_URL",
                reason: "it must start with postgres:// or postgresql://".into(),
            });
        }
        let demo = match var("SO_SERVER_DEMO").as_deref().map(str::trim) {
            None | Some("" | "0" | "false") => false,
            Some("1" | "true") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "SO_SERVER_DEMO",
                    reason: format!("{other:?}: use 1 or 0"),
                })
            }
        };
        let db_max_connections =
            match var("SO_DB_MAX_CONNECTIONS") {
                None => DEFAULT_MAX_CONNECTIONS,
                Some(v) => v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    ConfigError::Invalid {
                        name: "SO_DB_MAX_CONNECTIONS",
                        reason: format!("{v:?} is not a positive number"),
                    }
                })?,
            };
        let refund_every = interval(&var, "SO_REFUND_EVERY_SECONDS", DEFAULT_REFUND_EVERY)?;
        let jobs_every = interval(&var, "SO_JOBS_EVERY_SECONDS", DEFAULT_JOBS_EVERY)?;
        Ok(Self {
            addr,
            database_url,
            demo,
            db_max_connections,
            refund_every,
            jobs_every,
        })
    }
}

/// A background job's interval in whole seconds, up to a day; `0`: the job is off.
fn interval(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: Duration,
) -> Result<Option<Duration>, ConfigError> {
    match var(name) {
        None => Ok(Some(default)),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(0) => Ok(None),
            Ok(seconds) if seconds <= 24 * 60 * 60 => Ok(Some(Duration::from_secs(seconds))),
            _ => Err(ConfigError::Invalid {
                name,
                reason: format!("{v:?} is not a number of seconds from 0 to 86400"),
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_and_overrides() {
        let c = config(&[("DATABASE_URL", "postgres://u:secret@h/db")]).unwrap();
        assert_eq!(c.addr.to_string(), DEFAULT_ADDR);
        assert!(!c.demo);
        assert!(
            !format!("{c:?}").contains("secret"),
            "Debug must hide the URL"
        );
        let c = config(&[
            ("DATABASE_URL", "postgresql://h/db"),
            ("SO_SERVER_ADDR", "0.0.0.0:9000"),
            ("SO_SERVER_DEMO", "1"),
        ])
        .unwrap();
        assert_eq!((c.addr.port(), c.demo), (9000, true));
        assert_eq!(c.refund_every, Some(Duration::from_secs(30)));
        let c = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_REFUND_EVERY_SECONDS", "5"),
        ])
        .unwrap();
        assert_eq!(c.refund_every, Some(Duration::from_secs(5)));
        let c = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_REFUND_EVERY_SECONDS", "0"),
        ])
        .unwrap();
        assert_eq!(c.refund_every, None, "0 turns the job off");
        assert_eq!(c.jobs_every, Some(Duration::from_secs(60)));
        let c = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_JOBS_EVERY_SECONDS", "0"),
        ])
        .unwrap();
        assert_eq!(c.jobs_every, None, "0 turns the jobs off");
    }

    #[test]
    fn bad_values_are_named_without_secrets() {
        assert_eq!(
            config(&[]).unwrap_err(),
            ConfigError::Missing("DATABASE_URL")
        );
        let e = config(&[("DATABASE_URL", "mysql://u:secret@h/db")]).unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
        assert!(config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_SERVER_DEMO", "yes")
        ])
        .is_err());
        assert!(config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_SERVER_ADDR", "nope")
        ])
        .is_err());
        for bad in ["-1", "soon", "90000"] {
            for name in ["SO_REFUND_EVERY_SECONDS", "SO_JOBS_EVERY_SECONDS"] {
                assert!(
                    config(&[("DATABASE_URL", "postgres://h/db"), (name, bad)]).is_err(),
                    "{name}={bad}"
                );
            }
        }
    }
}
