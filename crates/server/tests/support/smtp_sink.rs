//! A real SMTP server for the tests, on 127.0.0.1: it speaks the protocol of RFC 5321 the
//! way a relay does (a 220 greeting; EHLO or HELO, without STARTTLS; MAIL FROM, RCPT TO,
//! DATA with its dot-terminated, dot-stuffed content; RSET, NOOP, QUIT) and keeps every
//! message it accepts: its envelope and its data as received.
//!
//! It fails on purpose when told: [`SmtpSink::fail_next`] refuses the next messages with a
//! reply of the test's choosing, at RCPT TO or after their data. A closed port
//! ([`closed_port`], or a sink [`SmtpSink::stop`]ped) is an SMTP server that is down;
//! [`SmtpSink::start_on`] brings one up again on the same port.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// The name the sink greets with.
const NAME: &str = "sink.test";

/// One message the sink accepted.
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope's sender (MAIL FROM), without the angle brackets.
    pub from: String,
    /// The envelope's recipients (RCPT TO), without the angle brackets.
    pub to: Vec<String>,
    /// The content as sent after DATA, dot-unstuffed, lines ending in CRLF.
    pub data: String,
}

impl Received {
    /// A header's value (the first of that name): unfolded, RFC 2047 encoded-words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut fields: Vec<String> = Vec::new();
        for line in head.split("\r\n") {
            match fields.last_mut() {
                Some(field) if line.starts_with([' ', '\t']) => field.push_str(line),
                _ => fields.push(line.to_string()),
            }
        }
        fields.iter().find_map(|field| {
            let (key, value) = field.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| decode_words(value.trim()))
        })
    }

    pub fn subject(&self) -> Option<String> {
        self.header("Subject")
    }

    /// The body as sent (after the blank line), still in its transfer encoding.
    pub fn body(&self) -> &str {
        self.data
            .split_once("\r\n\r\n")
            .map(|(_, body)| body)
            .unwrap_or_default()
    }
}

/// Where a refused message is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The answer to RCPT TO.
    Rcpt,
    /// The answer to the data's final dot: the content was sent, and refused.
    EndOfData,
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    /// The next messages to refuse: (how many still, where, the reply line).
    failing: Mutex<Option<(u32, Step, String)>>,
    /// Messages refused so far.
    refused: Mutex<u32>,
    /// How long each answer to DATA's final dot is held back.
    slow: Mutex<Duration>,
    changed: Notify,
}

impl Shared {
    /// Whether this message is to be refused at `step`; the reply if so.
    fn refusal(&self, step: Step) -> Option<String> {
        let mut failing = self.failing.lock().unwrap();
        let (left, at, reply) = failing.as_mut()?;
        if *at != step || *left == 0 {
            return None;
        }
        *left -= 1;
        let reply = reply.clone();
        if *left == 0 {
            *failing = None;
        }
        *self.refused.lock().unwrap() += 1;
        Some(reply)
    }
}

/// A running sink. Dropping it stops it.
pub struct SmtpSink {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl SmtpSink {
    /// A sink on a free port.
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on(0).await
    }

    /// A sink on `port` of 127.0.0.1 (e.g. a port where a stopped sink was).
    pub async fn start_on(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind the SMTP sink");
        let addr = listener.local_addr().expect("the sink's address");
        let shared = Arc::new(Shared::default());
        let server = tokio::spawn(accept(listener, shared.clone()));
        SmtpSink {
            addr,
            shared,
            server,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Refuses the next `messages` messages at `step` with `reply` (a whole reply line,
    /// e.g. `451 4.3.0 try later`); then accepts again.
    pub fn fail_next(&self, messages: u32, step: Step, reply: &str) {
        *self.shared.failing.lock().unwrap() =
            (messages > 0).then(|| (messages, step, reply.to_string()));
    }

    /// Holds every answer to the end of a message's data back by `delay` (a slow server, so
    /// that two senders overlap).
    pub fn answer_slowly(&self, delay: Duration) {
        *self.shared.slow.lock().unwrap() = delay;
    }

    /// The messages accepted so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// How many messages were refused on purpose so far.
    pub fn refused(&self) -> u32 {
        *self.shared.refused.lock().unwrap()
    }

    /// Waits until `count` messages were accepted, at most `limit`; what was received.
    pub async fn until_received(&self, count: usize, limit: Duration) -> Vec<Received> {
        let waited = tokio::time::timeout(limit, async {
            loop {
                let changed = self.shared.changed.notified();
                if self.received().len() >= count {
                    return;
                }
                changed.await;
            }
        })
        .await;
        let received = self.received();
        assert!(
            waited.is_ok(),
            "the sink got {} of {count} messages within {limit:?}",
            received.len()
        );
        received
    }

    /// Stops the sink: the port is closed (connections refused) and open connections drop.
    /// Its port, to start another on.
    pub async fn stop(mut self) -> u16 {
        let port = self.port();
        self.server.abort();
        let _ = (&mut self.server).await;
        port
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A port of 127.0.0.1 where nothing listens: an SMTP server that is down.
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("address").port()
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    // Owned here so that aborting the server ends its connections too.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    connections.spawn(session(stream, shared.clone()));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// The mail transaction in progress.
#[derive(Default)]
struct Transaction {
    from: Option<String>,
    to: Vec<String>,
}

/// One client's conversation. Ends at QUIT or when the client goes.
async fn session(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write
        .write_all(format!("220 {NAME} ESMTP test sink\r\n").as_bytes())
        .await?;
    let mut greeted = false;
    let mut mail = Transaction::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let command = text.trim_end_matches(['\r', '\n']);
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let answer: String = match verb.as_str() {
            "EHLO" => {
                greeted = true;
                mail = Transaction::default();
                // No STARTTLS: the tests speak plain SMTP.
                format!("250-{NAME} greets you\r\n250-8BITMIME\r\n250 SIZE 10485760")
            }
            "HELO" => {
                greeted = true;
                mail = Transaction::default();
                format!("250 {NAME}")
            }
            "MAIL" if !greeted => "503 5.5.1 say EHLO first".into(),
            "MAIL" => match path_after(command, "FROM:") {
                Some(from) => {
                    mail = Transaction {
                        from: Some(from),
                        to: Vec::new(),
                    };
                    "250 2.1.0 sender ok".into()
                }
                None => "501 5.5.4 syntax: MAIL FROM:<address>".into(),
            },
            "RCPT" if mail.from.is_none() => "503 5.5.1 need MAIL first".into(),
            "RCPT" => match path_after(command, "TO:") {
                Some(to) => match shared.refusal(Step::Rcpt) {
                    Some(refusal) => refusal,
                    None => {
                        mail.to.push(to);
                        "250 2.1.5 recipient ok".into()
                    }
                },
                None => "501 5.5.4 syntax: RCPT TO:<address>".into(),
            },
            "DATA" if mail.to.is_empty() => "503 5.5.1 need RCPT first".into(),
            "DATA" => {
                write
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let Some(data) = read_data(&mut read).await? else {
                    return Ok(());
                };
                let delay = *shared.slow.lock().unwrap();
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let done = std::mem::take(&mut mail);
                match shared.refusal(Step::EndOfData) {
                    Some(refusal) => refusal,
                    None => {
                        let mut received = shared.received.lock().unwrap();
                        received.push(Received {
                            from: done.from.unwrap_or_default(),
                            to: done.to,
                            data,
                        });
                        let number = received.len();
                        drop(received);
                        shared.changed.notify_waiters();
                        format!("250 2.0.0 ok: queued as {number}")
                    }
                }
            }
            "RSET" => {
                mail = Transaction::default();
                "250 2.0.0 ok".into()
            }
            "NOOP" => "250 2.0.0 ok".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 command not recognised".into(),
        };
        write.write_all(format!("{answer}\r\n").as_bytes()).await?;
    }
}

/// The address in `MAIL FROM:<a>` / `RCPT TO:<a>` (parameters after it ignored).
fn path_after(command: &str, keyword: &str) -> Option<String> {
    let rest = command.split_once(' ')?.1.trim_start();
    if !rest.get(..keyword.len())?.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let path = rest[keyword.len()..].trim_start();
    let inner = path.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(inner[..end].to_string())
}

/// The content up to the line holding a single dot, a leading dot of other lines removed;
/// `None` when the client went away first.
async fn read_data(
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Option<String>> {
    let mut data = String::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        if text == ".\r\n" || text == ".\n" {
            return Ok(Some(data));
        }
        data.push_str(text.strip_prefix('.').unwrap_or(&text));
    }
}

/// Decodes the RFC 2047 encoded-words of a header value (`=?utf-8?B?…?=`, `=?utf-8?Q?…?=`);
/// whitespace between two encoded-words is dropped, as the RFC says.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while !rest.is_empty() {
        let Some(start) = rest.find("=?") else {
            out.push_str(rest);
            break;
        };
        let (before, candidate) = rest.split_at(start);
        let decoded = encoded_word(candidate);
        let Some((text, used)) = decoded else {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            after_word = false;
            continue;
        };
        if !(after_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        out.push_str(&text);
        rest = &candidate[used..];
        after_word = true;
    }
    out
}

/// One encoded-word at the start of `s`: its text and its length.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let mut parts = inner.splitn(3, '?');
    let charset = parts.next()?;
    let encoding = parts.next()?;
    let tail = parts.next()?;
    let end = tail.find("?=")?;
    let payload = &tail[..end];
    let used = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    let bytes = match encoding {
        "B" | "b" => base64::engine::general_purpose::STANDARD
            .decode(payload)
            .ok()?,
        "Q" | "q" => {
            let mut bytes = Vec::new();
            let mut chars = payload.bytes();
            while let Some(c) = chars.next() {
                match c {
                    b'_' => bytes.push(b' '),
                    b'=' => {
                        let hex = [chars.next()?, chars.next()?];
                        let hex = std::str::from_utf8(&hex).ok()?;
                        bytes.push(u8::from_str_radix(hex, 16).ok()?);
                    }
                    c => bytes.push(c),
                }
            }
            bytes
        }
        _ => return None,
    };
    Some((String::from_utf8_lossy(&bytes).into_owned(), used))
}
