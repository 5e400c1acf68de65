//! A switchable, observable TCP proxy between a desktop and the server: "offline", lost
//! answers and pushes caught mid-way come from here, never from sleeps.
//!
//! Every change of mode ends the connections made before it, so a pooled keep-alive
//! connection does not outlive "going offline". What went through is published on a
//! `watch` channel ([`Seen`]) that tests wait on.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net {
    /// Bytes flow both ways.
    Up,
    /// Connections are refused at once: the desktop is offline.
    Down,
    /// The request reaches the server, the answer never reaches the desktop: the
    /// connection is cut as soon as the server starts answering.
    LoseAnswers,
    /// A `POST /v1/push` gets its head and half its body through, then the proxy holds
    /// the rest (the desktop keeps waiting) until the server end closes. Other requests
    /// pass as with `Up`.
    HoldPushHalfway,
    /// A `POST /v1/push` goes through whole; its answer (proof that the server
    /// committed) is held back from the desktop until the server end closes. Other
    /// requests pass as with `Up`.
    HoldPushAnswer,
}

/// What has gone through the proxy since it started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// Bytes forwarded from desktops to the server.
    pub request_bytes: u64,
    /// Bytes forwarded from the server to desktops.
    pub answer_bytes: u64,
    /// Pushes held after half their body (`HoldPushHalfway`).
    pub pushes_held_halfway: u32,
    /// Push answers the server started sending and the proxy held (`HoldPushAnswer`).
    pub push_answers_held: u32,
}

pub struct Proxy {
    pub addr: SocketAddr,
    net: watch::Sender<Net>,
    seen: watch::Sender<Seen>,
}

impl Proxy {
    /// A proxy to `upstream`, `Up`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let (net, _) = watch::channel(Net::Up);
        let (seen, _) = watch::channel(Seen::default());
        let modes = net.subscribe();
        let report = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let mut modes = modes.clone();
                let report = report.clone();
                tokio::spawn(async move {
                    let mode = *modes.borrow_and_update();
                    let relay = relay(client, upstream, mode, &report);
                    // Any change of the network ends the connections made before it.
                    tokio::select! {
                        () = relay => {}
                        _ = modes.changed() => {}
                    }
                });
            }
        });
        Proxy { addr, net, seen }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set(&self, net: Net) {
        self.net.send_replace(net);
    }

    pub fn seen(&self) -> Seen {
        *self.seen.borrow()
    }

    /// Waits until what went through satisfies `done`; panics after `limit`.
    pub async fn wait_for(&self, what: &str, limit: Duration, done: impl FnMut(&Seen) -> bool) {
        let mut seen = self.seen.subscribe();
        let waited = tokio::time::timeout(limit, seen.wait_for(done))
            .await
            .map(|r| r.is_ok());
        match waited {
            Ok(true) => {}
            Ok(false) => unreachable!("the proxy owns the sender"),
            Err(_) => panic!(
                "the proxy did not see {what} within {limit:?}: {:?}",
                self.seen()
            ),
        }
    }
}

async fn relay(client: TcpStream, upstream: SocketAddr, mode: Net, seen: &watch::Sender<Seen>) {
    if mode == Net::Down {
        return;
    }
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_rd, mut client_wr) = client.into_split();
    let (mut server_rd, mut server_wr) = server.into_split();
    let mut from_client = vec![0u8; 64 * 1024];
    let mut from_server = vec![0u8; 64 * 1024];
    // HTTP/1.1 without pipelining: a request starts with the first bytes a client sends
    // after the previous answer; a keep-alive connection carries one after another.
    let mut new_request = true;
    let mut holding_answer = false;
    loop {
        tokio::select! {
            n = client_rd.read(&mut from_client) => {
                let chunk = match n {
                    Ok(0) | Err(_) => return,
                    Ok(n) => &from_client[..n],
                };
                if new_request {
                    new_request = false;
                    let push = chunk.starts_with(b"POST /v1/push ");
                    if push && mode == Net::HoldPushHalfway {
                        hold_halfway(chunk.to_vec(), &mut client_rd, &mut server_wr, seen).await;
                        // The desktop waits on; the rest never goes. Ends when the server
                        // end closes.
                        drain(&mut server_rd).await;
                        return;
                    }
                    holding_answer = push && mode == Net::HoldPushAnswer;
                }
                if forward(chunk, &mut server_wr, seen).await.is_err() {
                    return;
                }
            }
            n = server_rd.read(&mut from_server) => {
                let chunk = match n {
                    Ok(0) | Err(_) => return,
                    Ok(n) => &from_server[..n],
                };
                match mode {
                    // Cut both as soon as the server starts answering.
                    Net::LoseAnswers => return,
                    Net::HoldPushAnswer if holding_answer => {
                        seen.send_modify(|s| s.push_answers_held += 1);
                        // Held: the desktop never reads it. Ends when the server end closes.
                        drain(&mut server_rd).await;
                        return;
                    }
                    Net::Up | Net::Down | Net::HoldPushHalfway | Net::HoldPushAnswer => {}
                }
                if client_wr.write_all(chunk).await.is_err() {
                    return;
                }
                seen.send_modify(|s| s.answer_bytes += chunk.len() as u64);
                new_request = true;
            }
        }
    }
}

/// Forwards a push's head and half its body, then stops reading from the desktop.
async fn hold_halfway(
    mut pending: Vec<u8>,
    client: &mut tokio::net::tcp::OwnedReadHalf,
    server: &mut tokio::net::tcp::OwnedWriteHalf,
    seen: &watch::Sender<Seen>,
) {
    let mut more = vec![0u8; 64 * 1024];
    // The whole head first, to know the body's length.
    let end = loop {
        if let Some(end) = find(&pending, b"\r\n\r\n") {
            break end + 4;
        }
        match client.read(&mut more).await {
            Ok(0) | Err(_) => return,
            Ok(k) => pending.extend_from_slice(&more[..k]),
        }
    };
    let length = content_length(&pending[..end]).expect("a push says its length");
    let upto = end + length / 2;
    while pending.len() < upto {
        match client.read(&mut more).await {
            Ok(0) | Err(_) => return,
            Ok(k) => pending.extend_from_slice(&more[..k]),
        }
    }
    if server.write_all(&pending[..upto]).await.is_ok() {
        seen.send_modify(|s| {
            s.request_bytes += upto as u64;
            s.pushes_held_halfway += 1;
        });
    }
}

async fn drain(server: &mut tokio::net::tcp::OwnedReadHalf) {
    let mut sink = [0u8; 1024];
    while matches!(server.read(&mut sink).await, Ok(k) if k > 0) {}
}

async fn forward(
    bytes: &[u8],
    server: &mut tokio::net::tcp::OwnedWriteHalf,
    seen: &watch::Sender<Seen>,
) -> std::io::Result<()> {
    server.write_all(bytes).await?;
    seen.send_modify(|s| s.request_bytes += bytes.len() as u64);
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> Option<usize> {
    let head = std::str::from_utf8(head).ok()?;
    head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}
