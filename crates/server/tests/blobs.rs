//! Document content: resumable chunked upload, `Range` download, the hash checked on both
//! ends, the size limit, and who may see what — through the real HTTP API, and through
//! real desktop cores (`so_core::App`) whose connection a small TCP proxy cuts after a
//! given number of bytes. No sleeps: every sync is an explicit `sync_once()`.

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use domain::{demo, CaseId, DocumentKind, PatientInput, Sex};
use reqwest::{Response, StatusCode};
use server::error::ErrorCode;
use sha2::{Digest, Sha256};
use so_core::{App, AppOptions, CaseInput, MemoryTokens, SyncErrorCode, SystemClock, TokenStore};
use support::{expect_error, spawn_app, TestApp, DEMO_PASSWORD};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The piece size the desktops use here: small, so a document is several pieces.
const CHUNK: usize = 64 * 1024;

// --- a network that breaks after so many bytes ---------------------------------------

/// A TCP proxy between a desktop and the server that counts the bytes going each way and,
/// once a direction's budget is spent, cuts the connection mid-stream and refuses new
/// ones: a connection lost part-way through a request or an answer.
struct Proxy {
    addr: SocketAddr,
    up: Arc<Budget>,
    down: Arc<Budget>,
}

/// Bytes one direction may still carry, and bytes it has carried.
struct Budget {
    left: AtomicI64,
    carried: AtomicU64,
}

impl Budget {
    fn new() -> Arc<Budget> {
        Arc::new(Budget {
            left: AtomicI64::new(i64::MAX),
            carried: AtomicU64::new(0),
        })
    }

    fn spent(&self) -> bool {
        self.left.load(Ordering::SeqCst) <= 0
    }
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (up, down) = (Budget::new(), Budget::new());
        let (up2, down2) = (up.clone(), down.clone());
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let (up, down) = (up2.clone(), down2.clone());
                tokio::spawn(async move {
                    if up.spent() || down.spent() {
                        return; // offline: the connection is dropped at once
                    }
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    // Either direction ending (or being cut) ends both.
                    tokio::select! {
                        _ = pipe(client_read, server_write, &up) => {}
                        _ = pipe(server_read, client_write, &down) => {}
                    }
                });
            }
        });
        Proxy { addr, up, down }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// From now on, requests may carry `bytes` more; then the connection breaks.
    fn cut_requests_after(&self, bytes: usize) {
        self.up.left.store(bytes as i64, Ordering::SeqCst);
    }

    /// From now on, answers may carry `bytes` more; then the connection breaks.
    fn cut_answers_after(&self, bytes: usize) {
        self.down.left.store(bytes as i64, Ordering::SeqCst);
    }

    fn heal(&self) {
        self.up.left.store(i64::MAX, Ordering::SeqCst);
        self.down.left.store(i64::MAX, Ordering::SeqCst);
    }

    fn bytes_sent(&self) -> u64 {
        self.up.carried.load(Ordering::SeqCst)
    }

    fn bytes_received(&self) -> u64 {
        self.down.carried.load(Ordering::SeqCst)
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    budget: &Budget,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let left = budget.left.fetch_sub(n as i64, Ordering::SeqCst);
        let allowed = left.clamp(0, n as i64) as usize;
        if allowed > 0 {
            if to.write_all(&buf[..allowed]).await.is_err() {
                return;
            }
            budget.carried.fetch_add(allowed as u64, Ordering::SeqCst);
        }
        if allowed < n {
            return; // the budget is spent: cut here
        }
    }
}

// --- desktops ------------------------------------------------------------------------

struct Desk {
    app: App,
    tokens: MemoryTokens,
    dir: tempfile::TempDir,
}

async fn open(dir: &std::path::Path, tokens: &MemoryTokens) -> App {
    let app = App::open_with(
        dir,
        AppOptions {
            clock: Arc::new(SystemClock),
            tokens: TokenStore::Memory(tokens.clone()),
            ..AppOptions::default()
        },
    )
    .await
    .expect("open the desktop");
    app.set_transfer_chunk_bytes(CHUNK);
    app
}

/// A desktop connected to `url`, signed in as `email` (and synced once by sign-in).
async fn desk(url: &str, email: &str) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let tokens = MemoryTokens::default();
    let app = open(dir.path(), &tokens).await;
    app.connect(url).await.expect("connect");
    app.sign_in(email, DEMO_PASSWORD).await.expect("sign in");
    Desk { app, tokens, dir }
}

impl Desk {
    /// Closes this desktop and opens it again on the same SQLite file and token store.
    async fn restart(self) -> Desk {
        let Desk { app, tokens, dir } = self;
        app.store().close().await;
        drop(app);
        let app = open(dir.path(), &tokens).await;
        Desk { app, tokens, dir }
    }

    async fn token(&self) -> String {
        let so_core::Authority::Server(link) = self.app.authority() else {
            panic!("not connected");
        };
        TokenStore::Memory(self.tokens.clone())
            .load(&link.url)
            .await
            .unwrap()
            .expect("a stored session")
            .token
    }

    async fn stored(&self, sha: &str) -> Option<Vec<u8>> {
        let mut conn = self.app.store().read().await.unwrap();
        store::blobs::get(&mut conn, sha).await.unwrap()
    }

    async fn partial_len(&self, sha: &str) -> i64 {
        let mut conn = self.app.store().read().await.unwrap();
        store::blobs::partial_len(&mut conn, sha).await.unwrap()
    }
}

/// `len` bytes that do not repeat in any short period (so no piece equals another).
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as u8
        })
        .collect()
}

fn sha_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A patient and a submitted case with one document of `bytes`, made on `app` (pending
/// until it syncs); the case and the document's hash.
async fn case_with_document(app: &App, bytes: &[u8]) -> (CaseId, String) {
    let doc = app
        .stage_document("angiogram.pdf", "application/pdf", bytes)
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
    let sha = doc.sha256.clone();
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
                    kind: DocumentKind::Imaging,
                    media_type: doc.media_type,
                    sha256: doc.sha256,
                    size_bytes: doc.size_bytes,
                }],
            },
            true,
        )
        .await
        .expect("create and submit the case");
    (case.summary.id, sha)
}

// --- the HTTP API, by hand -----------------------------------------------------------

async fn put_chunk(
    app: &TestApp,
    token: &str,
    sha: &str,
    offset: usize,
    length: Option<usize>,
    bytes: &[u8],
) -> Response {
    let mut request = app
        .client
        .put(app.url(&format!("/v1/blobs/{sha}/upload/{offset}")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec());
    if let Some(length) = length {
        request = request.header("upload-length", length);
    }
    request.send().await.unwrap()
}

async fn upload_status(app: &TestApp, token: &str, sha: &str) -> Response {
    app.get(&format!("/v1/blobs/{sha}/upload"), Some(token))
        .await
}

async fn ranged(app: &TestApp, token: &str, sha: &str, range: &str) -> Response {
    app.client
        .get(app.url(&format!("/v1/blobs/{sha}")))
        .bearer_auth(token)
        .header("range", range)
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// `(Upload-Offset, Upload-Length)` of an upload answer.
fn progress(response: &Response) -> (Option<u64>, Option<u64>) {
    let number = |name| header(response, name).and_then(|v| v.parse().ok());
    (number("upload-offset"), number("upload-length"))
}

async fn server_content(app: &TestApp, sha: &str) -> Option<Vec<u8>> {
    sqlx::query_scalar("SELECT content FROM blobs WHERE sha256 = $1")
        .bind(sha)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
}

// --- upload ------------------------------------------------------------------------

#[tokio::test]
async fn an_upload_cut_after_two_chunks_resumes_at_the_servers_offset_after_a_restart() {
    let server = spawn_app().await;
    let proxy = Proxy::start(server.addr).await;
    let desk = desk(&proxy.url(), support::REQUESTER).await;
    let bytes = content(5 * CHUNK + 1000, 1);
    let (case_id, sha) = case_with_document(&desk.app, &bytes).await;

    // The status request and two chunks get through; the third is cut half-way.
    proxy.cut_requests_after(2 * CHUNK + CHUNK / 2);
    let cut = desk
        .app
        .sync_once()
        .await
        .expect_err("the connection breaks");
    assert_eq!(
        cut.code,
        SyncErrorCode::Offline,
        "a cut connection is offline"
    );
    let token = desk.token().await;
    let status = upload_status(&server, &token, &sha).await;
    assert_eq!(status.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        progress(&status),
        (Some(2 * CHUNK as u64), Some(bytes.len() as u64)),
        "the server kept the two whole chunks and nothing of the cut one"
    );
    assert_eq!(
        server.count("blobs").await,
        0,
        "nothing is readable before the last chunk"
    );
    assert_eq!(
        server.count("commands").await,
        0,
        "the push waits for its documents"
    );

    // The app restarts: it keeps no upload state, the server says where to go on.
    let desk = desk.restart().await;
    proxy.heal();
    let sent_before = proxy.bytes_sent();
    let report = desk.app.sync_once().await.expect("the upload resumes");
    assert_eq!(report.refused, 0, "{report:?}");
    assert!(
        report.accepted >= 2,
        "patient and case accepted: {report:?}"
    );
    let resent = (proxy.bytes_sent() - sent_before) as usize;
    assert!(
        resent < bytes.len() - 2 * CHUNK + 16 * 1024,
        "only the missing part goes again ({resent} bytes sent for {} missing)",
        bytes.len() - 2 * CHUNK
    );
    assert_eq!(
        server_content(&server, &sha).await.as_deref(),
        Some(&bytes[..]),
        "the server's copy is the document, byte for byte"
    );
    assert_eq!(server.count("blob_uploads").await, 0, "the upload is done");
    assert_eq!(server.count("blob_upload_chunks").await, 0);
    let documents: serde_json::Value =
        sqlx::query_scalar("SELECT state->'documents' FROM cases WHERE id = $1")
            .bind(case_id.as_uuid())
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!(
        documents[0]["sha256"],
        sha.as_str(),
        "the case has its document"
    );
}

#[tokio::test]
async fn chunks_must_arrive_at_the_servers_offset() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let bytes = content(100, 2);
    let sha = sha_of(&bytes);
    let len = Some(bytes.len());

    let first = put_chunk(&app, &token, &sha, 0, len, &bytes[..40]).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    assert_eq!(progress(&first), (Some(40), Some(100)));

    for (offset, what) in [
        (0, "overlapping"),
        (20, "overlapping"),
        (60, "out of order"),
    ] {
        let wrong = put_chunk(&app, &token, &sha, offset, len, &bytes[offset..offset + 10]).await;
        assert_eq!(
            progress(&wrong),
            (Some(40), Some(100)),
            "an {what} chunk is refused with where to go on"
        );
        expect_error(wrong, StatusCode::CONFLICT, ErrorCode::Conflict).await;
    }
    let other_length = put_chunk(&app, &token, &sha, 40, Some(99), &bytes[40..50]).await;
    expect_error(other_length, StatusCode::CONFLICT, ErrorCode::Conflict).await;
    let no_length = put_chunk(&app, &token, &sha, 40, None, &bytes[40..50]).await;
    expect_error(no_length, StatusCode::BAD_REQUEST, ErrorCode::InvalidInput).await;
    let empty = put_chunk(&app, &token, &sha, 40, len, &[]).await;
    expect_error(empty, StatusCode::BAD_REQUEST, ErrorCode::InvalidInput).await;

    let status = upload_status(&app, &token, &sha).await;
    assert_eq!(
        progress(&status),
        (Some(40), Some(100)),
        "refused chunks changed nothing"
    );
    let head = app
        .client
        .head(app.url(&format!("/v1/blobs/{sha}/upload")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        progress(&head),
        (Some(40), Some(100)),
        "HEAD answers as GET"
    );

    let last = put_chunk(&app, &token, &sha, 40, len, &bytes[40..]).await;
    assert_eq!(last.status(), StatusCode::NO_CONTENT);
    assert_eq!(progress(&last), (Some(100), Some(100)), "complete");
    let done = upload_status(&app, &token, &sha).await;
    assert_eq!(
        progress(&done),
        (Some(100), Some(100)),
        "the uploader may read it at once: nothing left to send"
    );
    let whole = app.get(&format!("/v1/blobs/{sha}"), Some(&token)).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(header(&whole, "accept-ranges"), Some("bytes"));
    assert_eq!(whole.bytes().await.unwrap().as_ref(), &bytes[..]);
    assert_eq!(app.count("blob_uploads").await, 0);
}

#[tokio::test]
async fn content_that_does_not_match_its_hash_is_discarded_and_never_readable() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let claimed = content(1000, 3);
    let sha = sha_of(&claimed);
    let mut tampered = claimed.clone();
    tampered[700] ^= 0xff;

    let first = put_chunk(&app, &token, &sha, 0, Some(1000), &tampered[..600]).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    let last = put_chunk(&app, &token, &sha, 600, Some(1000), &tampered[600..]).await;
    let body = expect_error(last, StatusCode::BAD_REQUEST, ErrorCode::InvalidInput).await;
    assert!(body.message.contains("SHA-256"), "{}", body.message);

    for table in ["blobs", "blob_uploads", "blob_upload_chunks"] {
        assert_eq!(app.count(table).await, 0, "{table}: nothing is kept");
    }
    let read = app.get(&format!("/v1/blobs/{sha}"), Some(&token)).await;
    expect_error(read, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let status = upload_status(&app, &token, &sha).await;
    expect_error(status, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn the_size_limit_holds_for_the_declared_length_and_for_the_bytes() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let sha = sha_of(b"whatever");
    let limit = domain::MAX_DOCUMENT_BYTES as usize;

    let declared = put_chunk(&app, &token, &sha, 0, Some(limit + 1), b"a start").await;
    expect_error(
        declared,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
    )
    .await;
    assert_eq!(
        app.count("blob_uploads").await,
        0,
        "no upload of an over-size document starts"
    );

    let more_than_declared = put_chunk(&app, &token, &sha, 0, Some(10), &[7; 11]).await;
    expect_error(
        more_than_declared,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
    )
    .await;
    assert_eq!(app.count("blob_uploads").await, 0);

    let start = put_chunk(&app, &token, &sha, 0, Some(10), &[7; 6]).await;
    assert_eq!(start.status(), StatusCode::NO_CONTENT);
    let past_the_end = put_chunk(&app, &token, &sha, 6, Some(10), &[7; 5]).await;
    expect_error(
        past_the_end,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
    )
    .await;
    let status = upload_status(&app, &token, &sha).await;
    assert_eq!(
        progress(&status),
        (Some(6), Some(10)),
        "nothing of it stored"
    );

    let big = vec![1u8; server::sync::uploads::MAX_CHUNK_BYTES + 1];
    let other = sha_of(b"another");
    let too_big_a_chunk = put_chunk(&app, &token, &other, 0, Some(big.len()), &big).await;
    expect_error(
        too_big_a_chunk,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
    )
    .await;
    assert_eq!(app.count("blob_upload_chunks").await, 1, "only the 6 bytes");
    assert_eq!(app.count("blobs").await, 0);
}

#[tokio::test]
async fn a_partial_upload_is_its_uploaders_alone() {
    let app = spawn_app().await;
    let requester = app.sign_in(support::REQUESTER).await;
    let provider = app.sign_in(support::PROVIDER).await;
    let admin = app.sign_in(support::ADMIN).await;
    let bytes = content(100, 4);
    let sha = sha_of(&bytes);
    let started = put_chunk(&app, &requester, &sha, 0, Some(100), &bytes[..40]).await;
    assert_eq!(started.status(), StatusCode::NO_CONTENT);

    // Not even an admin, who sees every case, sees someone's unfinished upload.
    for token in [&provider, &admin] {
        let status = upload_status(&app, token, &sha).await;
        expect_error(status, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
        let resume = put_chunk(&app, token, &sha, 40, Some(100), &bytes[40..]).await;
        expect_error(resume, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
        let abandon = app
            .client
            .delete(app.url(&format!("/v1/blobs/{sha}/upload")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        expect_error(abandon, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
        let read = app.get(&format!("/v1/blobs/{sha}"), Some(token)).await;
        expect_error(read, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    }
    // Their own upload of the same content is theirs, and leaves the first one alone.
    let own = put_chunk(&app, &provider, &sha, 0, Some(100), &bytes[..10]).await;
    assert_eq!(progress(&own), (Some(10), Some(100)));
    let mine = upload_status(&app, &requester, &sha).await;
    assert_eq!(
        progress(&mine),
        (Some(40), Some(100)),
        "others' attempts changed nothing of the uploader's"
    );

    let abandon = app
        .client
        .delete(app.url(&format!("/v1/blobs/{sha}/upload")))
        .bearer_auth(&requester)
        .send()
        .await
        .unwrap();
    assert_eq!(abandon.status(), StatusCode::NO_CONTENT);
    let gone = upload_status(&app, &requester, &sha).await;
    expect_error(gone, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn stale_partial_uploads_are_dropped() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let bytes = content(100, 5);
    let sha = sha_of(&bytes);
    let started = put_chunk(&app, &token, &sha, 0, Some(100), &bytes[..40]).await;
    assert_eq!(started.status(), StatusCode::NO_CONTENT);

    let now = chrono::Utc::now();
    let dropped = server::sync::uploads::drop_stale_uploads(&app.pool, now)
        .await
        .unwrap();
    assert_eq!(dropped, 0, "an upload added to just now is not stale");
    let later = now
        + chrono::Duration::from_std(server::sync::uploads::STALE_UPLOAD_AFTER).unwrap()
        + chrono::Duration::minutes(1);
    let dropped = server::sync::uploads::drop_stale_uploads(&app.pool, later)
        .await
        .unwrap();
    assert_eq!(dropped, 1, "idle for longer than STALE_UPLOAD_AFTER");
    assert_eq!(app.count("blob_upload_chunks").await, 0, "with its chunks");
    let status = upload_status(&app, &token, &sha).await;
    expect_error(status, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
}

// --- download ----------------------------------------------------------------------

#[tokio::test]
async fn a_download_cut_midway_resumes_with_range_and_is_checked_against_its_hash() {
    let server = spawn_app().await;
    let proxy = Proxy::start(server.addr).await;
    // The reader is signed in before there is anything to read.
    let reader = desk(&proxy.url(), support::REQUESTER).await;
    let author = desk(&server.url(""), support::REQUESTER).await;
    let bytes = content(5 * CHUNK + 123, 6);
    let (_case, sha) = case_with_document(&author.app, &bytes).await;
    author.app.sync_once().await.expect("uploaded and pushed");

    // The pull answer and two pieces get through; the third is cut half-way.
    proxy.cut_answers_after(2 * CHUNK + CHUNK / 2);
    let cut = reader
        .app
        .sync_once()
        .await
        .expect_err("the connection breaks");
    assert_eq!(cut.code, SyncErrorCode::Offline);
    assert_eq!(
        reader.partial_len(&sha).await,
        2 * CHUNK as i64,
        "the two whole pieces are kept"
    );
    assert_eq!(reader.stored(&sha).await, None, "not a document yet");

    // What arrived survives a restart; only the rest is fetched.
    let reader = reader.restart().await;
    proxy.heal();
    let received_before = proxy.bytes_received();
    let report = reader.app.sync_once().await.expect("the download resumes");
    assert_eq!(report.documents_rejected, 0);
    let fetched = (proxy.bytes_received() - received_before) as usize;
    assert!(
        fetched < bytes.len() - 2 * CHUNK + 32 * 1024,
        "only the missing part comes again ({fetched} bytes for {} missing)",
        bytes.len() - 2 * CHUNK
    );
    assert_eq!(
        reader.stored(&sha).await.as_deref(),
        Some(&bytes[..]),
        "the document, byte for byte"
    );
    assert_eq!(reader.partial_len(&sha).await, 0, "the pieces are gone");
}

#[tokio::test]
async fn a_download_that_does_not_match_its_hash_stores_nothing_and_is_reported() {
    let server = spawn_app().await;
    let reader = desk(&server.url(""), support::REQUESTER).await;
    let author = desk(&server.url(""), support::REQUESTER).await;
    let bytes = content(3 * CHUNK, 7);
    let (_case, sha) = case_with_document(&author.app, &bytes).await;
    author.app.sync_once().await.expect("uploaded and pushed");

    // The server's copy goes bad (a disk, a rogue proxy): same size, one byte changed.
    let mut damaged = bytes.clone();
    damaged[CHUNK + 5] ^= 0x01;
    sqlx::query("UPDATE blobs SET content = $2 WHERE sha256 = $1")
        .bind(&sha)
        .bind(&damaged)
        .execute(&server.pool)
        .await
        .unwrap();

    let report = reader
        .app
        .sync_once()
        .await
        .expect("the sync itself goes on");
    assert_eq!(report.cases_pulled, 1);
    assert_eq!(report.documents_rejected, 1, "the mismatch is reported");
    assert_eq!(reader.stored(&sha).await, None, "nothing is stored");
    assert_eq!(
        reader.partial_len(&sha).await,
        0,
        "nor kept for a resume: it would only be wrong again"
    );
}

// --- who may see what ----------------------------------------------------------------

#[tokio::test]
async fn ranges_of_a_document_and_404_on_every_route_for_a_user_off_its_case() {
    let server = spawn_app().await;
    let author = desk(&server.url(""), support::REQUESTER).await;
    let bytes = content(1000, 8);
    let (_case, sha) = case_with_document(&author.app, &bytes).await;
    author.app.sync_once().await.expect("uploaded and pushed");
    let requester = server.sign_in(support::REQUESTER).await;

    let tail = ranged(&server, &requester, &sha, "bytes=990-").await;
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&tail, "content-range"), Some("bytes 990-999/1000"));
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &bytes[990..]);
    let middle = ranged(&server, &requester, &sha, "bytes=100-199").await;
    assert_eq!(header(&middle, "content-range"), Some("bytes 100-199/1000"));
    assert_eq!(middle.bytes().await.unwrap().as_ref(), &bytes[100..200]);
    let past = ranged(&server, &requester, &sha, "bytes=1000-").await;
    assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&past, "content-range"), Some("bytes */1000"));
    let several = ranged(&server, &requester, &sha, "bytes=0-1,5-6").await;
    expect_error(several, StatusCode::BAD_REQUEST, ErrorCode::InvalidInput).await;

    // The provider is not on the case: every route answers as for content that does not
    // exist at all.
    let provider = server.sign_in(support::PROVIDER).await;
    let missing = sha_of(b"no such document");
    for target in [&sha, &missing] {
        let answers = [
            server
                .get(&format!("/v1/blobs/{target}"), Some(&provider))
                .await,
            ranged(&server, &provider, target, "bytes=0-").await,
            upload_status(&server, &provider, target).await,
            put_chunk(&server, &provider, target, 10, Some(1000), &bytes[10..20]).await,
            server
                .client
                .delete(server.url(&format!("/v1/blobs/{target}/upload")))
                .bearer_auth(&provider)
                .send()
                .await
                .unwrap(),
        ];
        let mut bodies = Vec::new();
        for answer in answers {
            bodies.push(expect_error(answer, StatusCode::NOT_FOUND, ErrorCode::NotFound).await);
        }
        assert!(
            bodies.iter().all(|b| b.message == bodies[0].message),
            "one answer for all: {bodies:?}"
        );
    }
    let head = server
        .client
        .head(server.url(&format!("/v1/blobs/{sha}/upload")))
        .bearer_auth(&provider)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        server_content(&server, &sha).await.as_deref(),
        Some(&bytes[..]),
        "and nothing the provider did touched it"
    );

    let admin = server.sign_in(support::ADMIN).await;
    let theirs = ranged(&server, &admin, &sha, "bytes=0-9").await;
    assert_eq!(
        theirs.status(),
        StatusCode::PARTIAL_CONTENT,
        "admins see every case, so its documents"
    );
}
