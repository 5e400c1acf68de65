//! The SMTP side of the mail channel: the settings ([`SmtpConfig`], from `SO_SMTP_*`) and
//! the [`Mailer`] that sends one queued mail over lettre's pooled async transport.
//!
//! A failure is reduced to its class ([`Failure`]: the SMTP reply code, or "connection",
//! "tls", …), never the server's text: that text often repeats the recipient's address.

use std::fmt;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// The From of every mail unless `SO_SMTP_FROM` says otherwise.
pub const DEFAULT_FROM: &str = "Second Opinion <no-reply@localhost>";

/// How long any one SMTP step (connecting, each command) may take before the try fails.
/// Bounds how long a mail job's batch keeps its rows locked.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection to the SMTP server is protected (`SO_SMTP_TLS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (`none`): only for a relay on the same host or network.
    None,
    /// Plain, then upgraded with STARTTLS, which must succeed (`starttls`, the default).
    StartTls,
    /// TLS from the first byte, "implicit TLS" (`tls`).
    Tls,
}

impl SmtpTls {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Some(SmtpTls::None),
            "starttls" => Some(SmtpTls::StartTls),
            "tls" => Some(SmtpTls::Tls),
            _ => None,
        }
    }

    /// The usual port: 25 for plain SMTP, 587 for submission with STARTTLS, 465 for
    /// submission over TLS.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        }
    }
}

/// The account the server signs in to the SMTP server with. `Debug` shows neither part.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpLogin {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for SmtpLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpLogin(…)")
    }
}

/// Where and how mail is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub login: Option<SmtpLogin>,
    /// The From of every mail (and the domain of their Message-IDs).
    pub from: Mailbox,
}

impl SmtpConfig {
    /// Plain SMTP to `host:port` without a login, from [`DEFAULT_FROM`] (a local relay; the
    /// tests' SMTP server).
    pub fn plain(host: &str, port: u16) -> Self {
        SmtpConfig {
            host: host.to_string(),
            port,
            tls: SmtpTls::None,
            login: None,
            from: DEFAULT_FROM
                .parse()
                .expect("the default From is an address"),
        }
    }
}

/// The SMTP settings cannot make a transport.
#[derive(Debug, thiserror::Error)]
#[error("SO_SMTP_HOST {host:?} cannot be used for TLS: {reason}")]
pub struct MailerError {
    host: String,
    reason: String,
}

/// Sends mail: lettre's async SMTP transport (tokio, rustls, a pool of connections that
/// later runs reuse) and the From address. Cheap to clone: clones share the pool.
///
/// Make and drop it inside a tokio runtime: the pool spawns its clean-up task when the
/// last clone is dropped (and panics without a runtime).
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    host: String,
    port: u16,
    tls: SmtpTls,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    pub fn new(config: &SmtpConfig) -> Result<Mailer, MailerError> {
        let tls_parameters = || {
            TlsParameters::new(config.host.clone()).map_err(|e| MailerError {
                host: config.host.clone(),
                reason: e.to_string(),
            })
        };
        let tls = match config.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(tls_parameters()?),
            SmtpTls::Tls => Tls::Wrapper(tls_parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        if let Some(login) = &config.login {
            builder =
                builder.credentials(Credentials::new(login.user.clone(), login.password.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from: config.from.clone(),
            host: config.host.clone(),
            port: config.port,
            tls: config.tls,
        })
    }

    /// The From of every mail.
    pub fn from_address(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one mail as plain UTF-8 text, dated `now`. Its Message-ID is made from
    /// `message_key` (the queue row's), so a mail sent twice (a crash between the SMTP
    /// server's "250" and the queue's update) is recognisably the same mail.
    pub(super) async fn send(
        &self,
        message_key: &str,
        to: &str,
        subject: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let to: Mailbox = to.parse().map_err(|_| Failure::BadAddress)?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .date(SystemTime::from(now))
            .message_id(Some(format!(
                "<{message_key}@{}>",
                self.from.email.domain()
            )))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|_| Failure::Unbuildable)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| Failure::of(&e))
    }
}

/// Why one try to send a mail failed, without the server's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The recipient is not an e-mail address: no try will ever succeed.
    BadAddress,
    /// lettre could not make a message of it: no try will ever succeed.
    Unbuildable,
    /// The SMTP server answered a 4xx (transient) or 5xx (permanent) reply.
    Refused { code: u16, permanent: bool },
    /// The server could not be reached or the conversation broke down (connection, network,
    /// TLS, timeout, an unreadable answer): it is the server, not this mail.
    Unreachable(&'static str),
    /// Anything else lettre reports (e.g. an 8-bit message to a server without 8BITMIME).
    Client,
}

impl Failure {
    fn of(e: &lettre::transport::smtp::Error) -> Failure {
        if let Some(code) = e.status() {
            return Failure::Refused {
                code: code.into(),
                permanent: e.is_permanent(),
            };
        }
        if e.is_timeout() {
            Failure::Unreachable("timeout")
        } else if e.is_tls() {
            Failure::Unreachable("tls")
        } else if e.is_response() {
            Failure::Unreachable("unreadable answer")
        } else if e.is_client() {
            Failure::Client
        } else if e.is_transport_shutdown() {
            Failure::Unreachable("transport shut down")
        } else {
            // Connection and network errors, which lettre does not tell apart publicly.
            Failure::Unreachable("connection")
        }
    }

    /// No later try can succeed: give up at once.
    ///
    /// A 5xx reply is not taken as final: it may be about the server's set-up rather than
    /// this mail (535 authentication failed, 550 relaying denied), and giving up at once
    /// would drop every mail queued while it is wrong. Such a mail is tried again like any
    /// other and given up after `MAX_ATTEMPTS`.
    pub fn is_final(self) -> bool {
        match self {
            Failure::BadAddress | Failure::Unbuildable => true,
            Failure::Refused { .. } | Failure::Unreachable(_) | Failure::Client => false,
        }
    }

    /// The server itself is failing, so the other mails due would fail the same way: the
    /// run stops and leaves them for the next one (instead of waiting out a timeout per
    /// mail). 421 is the server saying it is closing the connection.
    pub fn ends_run(self) -> bool {
        match self {
            Failure::Unreachable(_) | Failure::Refused { code: 421, .. } => true,
            Failure::BadAddress | Failure::Unbuildable | Failure::Refused { .. } => false,
            Failure::Client => false,
        }
    }
}

/// The short form stored in `mail_queue.last_error` and logged: e.g. `smtp 451 transient`.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadAddress => f.write_str("not an e-mail address"),
            Failure::Unbuildable => f.write_str("cannot build the message"),
            Failure::Refused { code, permanent } => {
                let kind = if *permanent { "permanent" } else { "transient" };
                write!(f, "smtp {code} {kind}")
            }
            Failure::Unreachable(what) => write!(f, "smtp server unreachable: {what}"),
            Failure::Client => f.write_str("smtp client error"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_modes_and_their_ports() {
        assert_eq!(SmtpTls::parse("none"), Some(SmtpTls::None));
        assert_eq!(SmtpTls::parse(" STARTTLS "), Some(SmtpTls::StartTls));
        assert_eq!(SmtpTls::parse("tls"), Some(SmtpTls::Tls));
        assert_eq!(
            SmtpTls::parse("ssl"),
            None,
            "only the three documented words"
        );
        let ports = [SmtpTls::None, SmtpTls::StartTls, SmtpTls::Tls].map(SmtpTls::default_port);
        assert_eq!(ports, [25, 587, 465]);
    }

    // A runtime: lettre's connection pool spawns its clean-up when dropped.
    #[tokio::test]
    async fn a_login_never_shows() {
        let mut config = SmtpConfig::plain("smtp.example.org", 587);
        config.login = Some(SmtpLogin {
            user: "mailer-account".into(),
            password: "hunter2-secret".into(),
        });
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("mailer-account") && !shown.contains("hunter2"),
            "Debug must hide the SMTP login: {shown}"
        );
        config.tls = SmtpTls::StartTls;
        let mailer = Mailer::new(&config).expect("a host name makes TLS parameters");
        let shown = format!("{mailer:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn failures_say_their_class_only() {
        let transient = Failure::Refused {
            code: 451,
            permanent: false,
        };
        assert_eq!(transient.to_string(), "smtp 451 transient");
        assert!(!transient.is_final() && !transient.ends_run());
        let permanent = Failure::Refused {
            code: 550,
            permanent: true,
        };
        assert!(
            !permanent.is_final(),
            "a 5xx may be the server's set-up: tried again, not dropped"
        );
        assert!(Failure::BadAddress.is_final());
        assert!(Failure::Unreachable("connection").ends_run());
    }
}
