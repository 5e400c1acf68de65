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
//! | `SO_SMTP_HOST` | the SMTP server e-mail goes through (`server::mail`); unset: e-mail is off, mails stay queued | unset |
//! | `SO_SMTP_TLS` | `starttls` (required, not opportunistic), `tls` (implicit TLS) or `none` (plain; a local relay only) | `starttls` |
//! | `SO_SMTP_PORT` | the SMTP server's port | `587` with `starttls`, `465` with `tls`, `25` with `none` |
//! | `SO_SMTP_USER`, `SO_SMTP_PASSWORD` | the SMTP login, both or neither; never with `SO_SMTP_TLS=none`; never logged | none |
//! | `SO_SMTP_FROM` | the From of every mail | `Second Opinion <no-reply@localhost>` |
//! | `SO_MAIL_EVERY_SECONDS` | how often the mail job sends what is due; `0`: never, in this instance | `10` |
//! | `SO_PAYMENT_PROVIDER` | the payment provider: `sandbox` (development and tests: its hosted page at `/sandbox/pay/…`, no money moves); unset or empty: this server takes no payments (no `/sandbox` route; a pending payment's link answers `payments_unavailable`) | unset |
//! | `SO_TRUSTED_PROXIES` | comma-separated addresses and CIDR ranges of the reverse proxies in front (`127.0.0.1, 10.0.0.0/8`): only for a request from one of them is the right-most untrusted `X-Forwarded-For` address taken as the client's, for the sign-in limits (`server::proxies`) | none: the TCP peer is the client |
//! | `SO_JOBS_EVERY_SECONDS` | how often the scheduled jobs run (`jobs`: reminders, overdue alerts, completing ended appointments); `0`: never, in this instance | `60` |
//!
//! The sandbox provider reads its own: `SO_PAYMENT_SECRET`, `SO_PAYMENT_SANDBOX_URL`,
//! `SO_SANDBOX_REFUND_OUTAGE` (`server::payments`), when `SO_PAYMENT_PROVIDER=sandbox`.

use std::net::SocketAddr;
use std::time::Duration;

use crate::jobs::DEFAULT_EVERY as DEFAULT_JOBS_EVERY;
use crate::mail::{
    SmtpConfig, SmtpLogin, SmtpTls, DEFAULT_EVERY as DEFAULT_MAIL_EVERY, DEFAULT_FROM,
};
use crate::payments::refunds::DEFAULT_EVERY as DEFAULT_REFUND_EVERY;
use crate::proxies::TrustedProxies;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8787";
const DEFAULT_MAX_CONNECTIONS: u32 = 10;

/// A payment provider this server can take payments through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentProvider {
    /// `payments::sandbox`: a provider for development and tests; no money moves.
    Sandbox,
}

#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// Holds the database password: never log it (`Debug` hides it).
    pub database_url: String,
    pub demo: bool,
    pub db_max_connections: u32,
    /// The refund job's interval; `None`: the job does not run in this instance.
    pub refund_every: Option<Duration>,
    /// The SMTP server; `None` (`SO_SMTP_HOST` unset): e-mail is off, mails stay queued.
    /// Holds the SMTP login: `Debug` hides it.
    pub smtp: Option<SmtpConfig>,
    /// The mail job's interval; `None`: the job does not run in this instance.
    pub mail_every: Option<Duration>,
    /// The scheduled jobs' interval; `None`: they do not run in this instance.
    pub jobs_every: Option<Duration>,
    /// `SO_PAYMENT_PROVIDER`; `None`: this server takes no payments.
    pub payment_provider: Option<PaymentProvider>,
    /// `SO_TRUSTED_PROXIES`; empty: no proxy is believed.
    pub trusted_proxies: TrustedProxies,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database_url", &"…")
            .field("demo", &self.demo)
            .field("db_max_connections", &self.db_max_connections)
            .field("refund_every", &self.refund_every)
            .field("smtp", &self.smtp)
            .field("mail_every", &self.mail_every)
            .field("jobs_every", &self.jobs_every)
            .field("payment_provider", &self.payment_provider)
            .field("trusted_proxies", &self.trusted_proxies)
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
        let smtp = smtp(&var)?;
        let mail_every = interval(&var, "SO_MAIL_EVERY_SECONDS", DEFAULT_MAIL_EVERY)?;
        let jobs_every = interval(&var, "SO_JOBS_EVERY_SECONDS", DEFAULT_JOBS_EVERY)?;
        let payment_provider = match var("SO_PAYMENT_PROVIDER").as_deref().map(str::trim) {
            None | Some("") => None,
            Some("sandbox") => Some(PaymentProvider::Sandbox),
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "SO_PAYMENT_PROVIDER",
                    reason: format!(
                        "{other:?}: the only provider is sandbox (development and tests); \
                         leave it unset for a server that takes no payments"
                    ),
                })
            }
        };
        let trusted_proxies = TrustedProxies::parse(&var("SO_TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|reason| ConfigError::Invalid {
                name: "SO_TRUSTED_PROXIES",
                reason,
            })?;
        Ok(Self {
            addr,
            database_url,
            demo,
            db_max_connections,
            refund_every,
            smtp,
            mail_every,
            jobs_every,
            payment_provider,
            trusted_proxies,
        })
    }
}

/// A job's interval: `default` when unset, `None` for `0`, at most a day.
fn interval(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: Duration,
) -> Result<Option<Duration>, ConfigError> {
    let Some(v) = var(name) else {
        return Ok(Some(default));
    };
    match v.trim().parse::<u64>() {
        Ok(0) => Ok(None),
        Ok(seconds) if seconds <= 24 * 60 * 60 => Ok(Some(Duration::from_secs(seconds))),
        _ => Err(ConfigError::Invalid {
            name,
            reason: format!("{v:?} is not a number of seconds from 0 to 86400"),
        }),
    }
}

/// The `SO_SMTP_*` settings; `None` without `SO_SMTP_HOST`. The others are checked even
/// then, so that a typo shows at start rather than on the day e-mail is turned on.
fn smtp(var: &impl Fn(&str) -> Option<String>) -> Result<Option<SmtpConfig>, ConfigError> {
    // An empty value counts as unset (`SO_SMTP_USER=` in an env file).
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let tls = match set("SO_SMTP_TLS") {
        None => SmtpTls::StartTls,
        Some(v) => SmtpTls::parse(&v).ok_or_else(|| ConfigError::Invalid {
            name: "SO_SMTP_TLS",
            reason: format!("{v:?}: use starttls, tls or none"),
        })?,
    };
    let port = match set("SO_SMTP_PORT") {
        None => tls.default_port(),
        Some(v) => v
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| ConfigError::Invalid {
                name: "SO_SMTP_PORT",
                reason: format!("{v:?} is not a port number"),
            })?,
    };
    // The values are not repeated in errors: they are secrets.
    let login = match (set("SO_SMTP_USER"), set("SO_SMTP_PASSWORD")) {
        (None, None) => None,
        (Some(user), Some(password)) => Some(SmtpLogin {
            user: user.trim().to_string(),
            password,
        }),
        (Some(_), None) => {
            return Err(ConfigError::Invalid {
                name: "SO_SMTP_PASSWORD",
                reason: "SO_SMTP_USER is set, so the password must be too".into(),
            })
        }
        (None, Some(_)) => {
            return Err(ConfigError::Invalid {
                name: "SO_SMTP_USER",
                reason: "SO_SMTP_PASSWORD is set, so the user must be too".into(),
            })
        }
    };
    if login.is_some() && tls == SmtpTls::None {
        return Err(ConfigError::Invalid {
            name: "SO_SMTP_TLS",
            reason: "none would send the SMTP password in clear: use starttls or tls".into(),
        });
    }
    let from_text = set("SO_SMTP_FROM").unwrap_or_else(|| DEFAULT_FROM.to_string());
    let from = from_text.trim().parse().map_err(|e| ConfigError::Invalid {
        name: "SO_SMTP_FROM",
        reason: format!("{from_text:?} is not an address like {DEFAULT_FROM:?}: {e}"),
    })?;
    Ok(set("SO_SMTP_HOST").map(|host| SmtpConfig {
        host: host.trim().to_string(),
        port,
        tls,
        login,
        from,
    }))
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
    fn payments_only_with_a_provider() {
        let c = config(&[("DATABASE_URL", "postgres://h/db")]).unwrap();
        assert_eq!(c.payment_provider, None, "no provider unless one is named");
        let c = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_PAYMENT_PROVIDER", ""),
        ])
        .unwrap();
        assert_eq!(c.payment_provider, None, "an empty value is none");
        let c = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_PAYMENT_PROVIDER", " sandbox "),
        ])
        .unwrap();
        assert_eq!(c.payment_provider, Some(PaymentProvider::Sandbox));
        let e = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_PAYMENT_PROVIDER", "stripe"),
        ])
        .unwrap_err();
        assert!(
            matches!(
                e,
                ConfigError::Invalid {
                    name: "SO_PAYMENT_PROVIDER",
                    ..
                }
            ),
            "an unknown provider is refused at start: {e}"
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_and_ranges() {
        let c = config(&[("DATABASE_URL", "postgres://h/db")]).unwrap();
        assert!(c.trusted_proxies.is_empty(), "none unless named");
        let c = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
        ])
        .unwrap();
        assert!(c.trusted_proxies.contains("10.20.30.40".parse().unwrap()));
        let e = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_TRUSTED_PROXIES", "127.0.0.1, proxy.internal"),
        ])
        .unwrap_err();
        assert!(
            matches!(&e, ConfigError::Invalid { name: "SO_TRUSTED_PROXIES", reason } if reason.contains("proxy.internal")),
            "{e}"
        );
    }

    #[test]
    fn e_mail_is_off_without_a_host() {
        let c = config(&[("DATABASE_URL", "postgres://h/db")]).unwrap();
        assert_eq!(c.smtp, None, "no SO_SMTP_HOST: e-mail is off");
        assert_eq!(c.mail_every, Some(Duration::from_secs(10)));
        let c = config(&[("DATABASE_URL", "postgres://h/db"), ("SO_SMTP_HOST", "")]).unwrap();
        assert_eq!(c.smtp, None, "an empty host is no host");
        let c = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_MAIL_EVERY_SECONDS", "0"),
        ])
        .unwrap();
        assert_eq!(c.mail_every, None, "0 turns the mail job off");
    }

    #[test]
    fn smtp_defaults_and_overrides() {
        let smtp = |vars: &[(&str, &str)]| {
            let mut all = vec![
                ("DATABASE_URL", "postgres://h/db"),
                ("SO_SMTP_HOST", "smtp.example.org"),
            ];
            all.extend_from_slice(vars);
            config(&all).map(|c| c.smtp.expect("a host turns e-mail on"))
        };
        let s = smtp(&[]).unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.tls),
            ("smtp.example.org", 587, SmtpTls::StartTls)
        );
        assert_eq!(s.login, None);
        assert_eq!(s.from.to_string(), DEFAULT_FROM);
        assert_eq!(smtp(&[("SO_SMTP_TLS", "tls")]).unwrap().port, 465);
        assert_eq!(smtp(&[("SO_SMTP_TLS", "none")]).unwrap().port, 25);
        let s = smtp(&[
            ("SO_SMTP_TLS", "tls"),
            ("SO_SMTP_PORT", "2465"),
            ("SO_SMTP_USER", "mailer"),
            ("SO_SMTP_PASSWORD", " pass word "),
            ("SO_SMTP_FROM", "Clinic <noreply@clinic.example>"),
            ("SO_MAIL_EVERY_SECONDS", "60"),
        ])
        .unwrap();
        assert_eq!((s.port, s.tls), (2465, SmtpTls::Tls));
        let login = s.login.clone().expect("user and password make a login");
        assert_eq!(
            (login.user.as_str(), login.password.as_str()),
            ("mailer", " pass word "),
            "a password is taken as it is"
        );
        assert_eq!(s.from.email.to_string(), "noreply@clinic.example");
        let c = config(&[
            ("DATABASE_URL", "postgres://h/db"),
            ("SO_SMTP_HOST", "smtp.example.org"),
            ("SO_SMTP_USER", "mailer-account"),
            ("SO_SMTP_PASSWORD", "hunter2-secret"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("mailer-account"),
            "Debug must hide the SMTP login: {shown}"
        );
    }

    #[test]
    fn bad_smtp_values_are_named_without_secrets() {
        let refused = |vars: &[(&str, &str)]| {
            let mut all = vec![("DATABASE_URL", "postgres://h/db")];
            all.extend_from_slice(vars);
            config(&all).expect_err("must be refused")
        };
        let name = |e: ConfigError| match e {
            ConfigError::Invalid { name, .. } | ConfigError::Missing(name) => name,
        };
        assert_eq!(name(refused(&[("SO_SMTP_TLS", "ssl")])), "SO_SMTP_TLS");
        for bad in ["0", "70000", "smtp"] {
            assert_eq!(
                name(refused(&[("SO_SMTP_PORT", bad)])),
                "SO_SMTP_PORT",
                "{bad}"
            );
        }
        assert_eq!(
            name(refused(&[("SO_SMTP_FROM", "not an address")])),
            "SO_SMTP_FROM"
        );
        assert_eq!(
            name(refused(&[("SO_MAIL_EVERY_SECONDS", "-1")])),
            "SO_MAIL_EVERY_SECONDS"
        );
        let e = refused(&[("SO_SMTP_USER", "mailer-account")]);
        assert!(!e.to_string().contains("mailer-account"), "{e}");
        assert_eq!(name(e), "SO_SMTP_PASSWORD", "a user needs a password");
        let e = refused(&[("SO_SMTP_PASSWORD", "hunter2-secret")]);
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert_eq!(name(e), "SO_SMTP_USER", "a password needs a user");
        let e = refused(&[
            ("SO_SMTP_HOST", "smtp.example.org"),
            ("SO_SMTP_TLS", "none"),
            ("SO_SMTP_USER", "mailer"),
            ("SO_SMTP_PASSWORD", "hunter2-secret"),
        ]);
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert_eq!(name(e), "SO_SMTP_TLS", "a password is never sent in clear");
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
