//! Real desktop cores for the sync tests: a switchable TCP proxy between a desktop and
//! the server ("offline", cut requests, lost answers), desktops on their own SQLite files
//! with an in-memory token store, and the usual pieces of work.

use std::net::SocketAddr;
use std::sync::Arc;

use domain::{demo, CaseId, DocumentKind, PatientInput, Sex};
use so_core::{App, AppOptions, CaseInput, MemoryTokens, SystemClock, TokenStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::{TestApp, DEMO_PASSWORD};

// --- a switchable network between a desktop and the server -------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net {
    /// Bytes flow both ways.
    Up,
    /// Connections are refused at once: the desktop is offline.
    Down,
    /// The request reaches the server, the answer never reaches the desktop (the
    /// connection is cut after the server answered): a client "killed" between push and
    /// acknowledgement.
    LoseAnswers,
    /// The connection is cut after the first bytes of the request: a push cut off
    /// mid-way, before the server has it all.
    CutRequests,
}

pub struct Proxy {
    pub addr: SocketAddr,
    pub net: watch::Sender<Net>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (net, _) = watch::channel(Net::Up);
        let watch = net.subscribe();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let mut watch = watch.clone();
                tokio::spawn(async move {
                    let mode = *watch.borrow_and_update();
                    relay(client, upstream, mode, &mut watch).await;
                });
            }
        });
        Proxy { addr, net }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set(&self, net: Net) {
        self.net.send_replace(net);
    }
}

pub async fn relay(
    mut client: TcpStream,
    upstream: SocketAddr,
    mode: Net,
    watch: &mut watch::Receiver<Net>,
) {
    match mode {
        Net::Down => drop(client),
        Net::Up => {
            let Ok(mut server) = TcpStream::connect(upstream).await else {
                return;
            };
            // Any change of the network ends the connections made before it, so a pooled
            // keep-alive connection does not outlive "going offline".
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                _ = watch.changed() => {}
            }
        }
        Net::LoseAnswers => {
            let Ok(mut server) = TcpStream::connect(upstream).await else {
                return;
            };
            let mut buf = vec![0u8; 64 * 1024];
            let mut answer = [0u8; 1];
            // Forward the request until the server starts answering, then cut both.
            loop {
                tokio::select! {
                    n = client.read(&mut buf) => match n {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if server.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    },
                    _ = server.read(&mut answer) => return,
                }
            }
        }
        Net::CutRequests => {
            let Ok(mut server) = TcpStream::connect(upstream).await else {
                return;
            };
            let mut buf = [0u8; 64];
            if let Ok(n) = client.read(&mut buf).await {
                let _ = server.write_all(&buf[..n.min(32)]).await;
            }
            // Both ends dropped here: the server saw half a request head.
        }
    }
}

// --- desktops -----------------------------------------------------------------------

pub struct Desk {
    /// Shared, as the shell holds it: `start_sync` and `payment_link` take `&Arc<App>`.
    pub app: Arc<App>,
    pub tokens: MemoryTokens,
    pub dir: tempfile::TempDir,
}

pub async fn open(dir: &std::path::Path, tokens: &MemoryTokens) -> App {
    App::open_with(
        dir,
        AppOptions {
            clock: Arc::new(SystemClock),
            tokens: TokenStore::Memory(tokens.clone()),
            ..AppOptions::default()
        },
    )
    .await
    .expect("open the desktop")
}

/// A desktop connected to `url`, signed in as `email` (and synced once by sign-in).
pub async fn desk(url: &str, email: &str) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let tokens = MemoryTokens::default();
    let app = Arc::new(open(dir.path(), &tokens).await);
    app.connect(url).await.expect("connect");
    app.sign_in(email, DEMO_PASSWORD).await.expect("sign in");
    Desk { app, tokens, dir }
}

impl Desk {
    /// Closes this desktop and opens it again on the same SQLite file and token store.
    pub async fn restart(self) -> Desk {
        let Desk { app, tokens, dir } = self;
        app.store().close().await;
        drop(app);
        let app = Arc::new(open(dir.path(), &tokens).await);
        Desk { app, tokens, dir }
    }

    pub async fn token(&self) -> String {
        let url = match self.app.authority() {
            so_core::Authority::Server(link) => link.url,
            so_core::Authority::Standalone => panic!("not connected"),
        };
        TokenStore::Memory(self.tokens.clone())
            .load(&url)
            .await
            .unwrap()
            .expect("a stored session")
            .token
    }

    pub async fn pending_timeline_lines(&self, case_id: CaseId) -> usize {
        let mut conn = self.app.store().read().await.unwrap();
        store::timeline::list(&mut conn, case_id)
            .await
            .unwrap()
            .iter()
            .filter(|l| l.pending)
            .count()
    }
}

/// A requester's work: a patient and a case with one document, submitted.
pub async fn requester_work(app: &App) -> CaseId {
    let doc = app
        .stage_document(
            "referral.pdf",
            "application/pdf",
            b"%PDF-1.4 referral letter",
        )
        .await
        .expect("stage");
    let patient = app
        .create_patient(PatientInput {
            full_name: "Salma Nour".into(),
            date_of_birth: "1980-02-03".into(),
            sex: Sex::Female,
            medical_record_number: None,
            phone: None,
        })
        .await
        .expect("create the patient");
    let case = app
        .create_case(
            CaseInput {
                patient_id: patient.id,
                review_type_id: demo::CARDIOLOGY_REVIEW,
                disease_category_id: demo::CORONARY,
                question: "Stent or bypass?".into(),
                clinical_summary: "Three-vessel disease.".into(),
                documents: vec![domain::DocumentInput {
                    name: doc.name,
                    kind: DocumentKind::MedicalReport,
                    media_type: doc.media_type,
                    sha256: doc.sha256,
                    size_bytes: doc.size_bytes,
                }],
            },
            true,
        )
        .await
        .expect("create and submit the case");
    case.summary.id
}

pub async fn server_case(app: &TestApp, id: CaseId) -> domain::Case {
    let state: serde_json::Value = sqlx::query_scalar("SELECT state FROM cases WHERE id = $1")
        .bind(id.as_uuid())
        .fetch_one(&app.pool)
        .await
        .expect("the server has the case");
    serde_json::from_value(state).expect("a case")
}

pub async fn displayed_case(desk: &Desk, id: CaseId) -> Option<domain::Case> {
    let mut conn = desk.app.store().read().await.unwrap();
    store::cases::get(&mut conn, id).await.unwrap()
}

/// Records a successful payment as the system user, the way the payment callback (issue
/// 4) will: decided by the same rules, inside the push lock.
pub async fn pay(server: &TestApp, case_id: CaseId) {
    let outcome = super::desk::record_payment(&server.pool, case_id, true).await;
    assert!(
        matches!(outcome, protocol::Outcome::Accepted { .. }),
        "payment recorded: {outcome:?}"
    );
}
