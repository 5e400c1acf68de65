//! Payments against the real server over real HTTP: the requester's link, the sandbox's
//! hosted page, its asynchronous signed callback, and callbacks that are tampered with,
//! stale, replayed or of another amount. Waits are on the server's live channel (the
//! WebSocket nudge after each commit) or the desktop's own sync signal, bounded; no sleeps.

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use domain::{demo, CaseCommand, CaseId, CaseStatus, Command, CommandId};
use futures_util::StreamExt;
use payments::sandbox::Clock;
use payments::{signature, PaymentInfo, PaymentStatus, Secret};
use protocol::{Outcome, PushRequest, PushResponse, PushedCommand};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::payments::Payments;
use server::AppState;
use support::desktop::{desk, requester_work, server_case, Desk};
use support::{expect_error, spawn_app, TestApp};

const SECRET: &str = "payments-test-secret-2026";
const WAIT: Duration = Duration::from_secs(15);

/// The real server with a sandbox whose secret the test knows, so that it can sign,
/// tamper with and replay callbacks. It runs on the database of `spawn_app`'s server
/// (whose sandbox has a secret of its own), which stays idle.
struct PayServer {
    db: TestApp,
    addr: SocketAddr,
    secret: Secret,
    http: reqwest::Client,
    _server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl PayServer {
    /// With the sandbox provider (`SO_PAYMENT_PROVIDER=sandbox`) on the real clock.
    async fn start() -> PayServer {
        PayServer::start_with(Some(Arc::new(Utc::now))).await
    }

    /// With the sandbox on `clock`; `None`: no payment provider (the default
    /// configuration).
    async fn start_with(clock: Option<Clock>) -> PayServer {
        let db = spawn_app().await;
        let secret = Secret::new(SECRET).unwrap();
        let (addr, server) = support::serve(Self::state(&db, &secret, clock)).await;
        PayServer {
            db,
            addr,
            secret,
            http: reqwest::Client::new(),
            _server: server,
        }
    }

    fn state(db: &TestApp, secret: &Secret, clock: Option<Clock>) -> AppState {
        let mut state = AppState::new(db.pool.clone());
        if let Some(clock) = clock {
            let payments = Payments::sandbox_on(secret.clone(), None, clock);
            payments.remember_used_links_in(&db.pool);
            state.payments = Some(payments);
        }
        state.jobs.every = None;
        state
    }

    /// Another instance of the server (a restart, or a second one behind a balancer): the
    /// same database and secret, a sandbox that remembers nothing in memory.
    async fn another_instance(&self) -> (SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
        support::serve(Self::state(
            &self.db,
            &self.secret,
            Some(Arc::new(Utc::now)),
        ))
        .await
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn payment(&self, token: Option<&str>, case_id: CaseId) -> reqwest::Response {
        let mut request = self
            .http
            .get(self.url(&format!("/v1/cases/{case_id}/payment")));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    async fn info(&self, token: &str, case_id: CaseId) -> PaymentInfo {
        let response = self.payment(Some(token), case_id).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Posts a callback as the provider would (`signature: None` sends no header).
    async fn callback(&self, signature: Option<&str>, body: &[u8]) -> (StatusCode, Value) {
        let mut request = self
            .http
            .post(self.url("/v1/payments/callback"))
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(signature) = signature {
            request = request.header(signature::HEADER, signature);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }

    async fn push(&self, token: &str, command: CaseCommand) -> Outcome {
        let request = PushRequest {
            commands: vec![PushedCommand {
                command_id: CommandId(uuid::Uuid::now_v7()),
                issued_at: Utc::now(),
                command: Command::Case(command),
            }],
        };
        let response = self
            .http
            .post(self.url("/v1/push"))
            .bearer_auth(token)
            .json(&request)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let mut answer: PushResponse = response.json().await.unwrap();
        answer.results.remove(0).outcome
    }

    async fn status(&self, case_id: CaseId) -> CaseStatus {
        server_case(&self.db, case_id).await.status
    }

    async fn timeline_labels(&self, case_id: CaseId, label: &str) -> Vec<String> {
        sqlx::query_scalar("SELECT actor_role FROM timeline WHERE case_id = $1 AND label = $2")
            .bind(case_id.as_uuid())
            .bind(label)
            .fetch_all(&self.db.pool)
            .await
            .unwrap()
    }

    /// The live channel, as a desktop opens it: a nudge after every commit.
    async fn live(&self, token: &str) -> support::LiveSocket {
        support::live_socket(self.addr, token).await
    }

    /// Waits, nudge by nudge, until the server's case has `want`.
    async fn reaches(&self, live: &mut support::LiveSocket, case_id: CaseId, want: CaseStatus) {
        let waited = tokio::time::timeout(WAIT, async {
            while self.status(case_id).await != want {
                live.next().await.expect("the socket is open").unwrap();
            }
        })
        .await;
        assert!(
            waited.is_ok(),
            "the case did not become {want:?}: it is {:?}",
            self.status(case_id).await
        );
    }
}

/// A requester's case, submitted from a desktop, with the cardiology coordinator assigned
/// by an admin's desktop: awaiting payment on the server.
async fn awaiting_payment(server: &PayServer) -> (Desk, Desk, CaseId) {
    let requester = desk(&server.url(""), support::REQUESTER).await;
    let admin = desk(&server.url(""), support::ADMIN).await;
    let case_id = requester_work(&requester.app).await;
    requester
        .app
        .sync_once()
        .await
        .expect("the requester's push");
    admin.app.sync_once().await.expect("the admin's pull");
    admin
        .app
        .assign_coordinator(case_id, demo::COORDINATOR)
        .await
        .expect("assign");
    admin.app.sync_once().await.expect("the admin's push");
    assert_eq!(server.status(case_id).await, CaseStatus::AwaitingPayment);
    (requester, admin, case_id)
}

/// Clicks a button of the hosted page: the form post a browser sends.
async fn press(url: &str, action: &str) -> (StatusCode, String) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("action={action}"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// A callback body shaped like the sandbox's (the provider's wire format).
fn event(id: &str, case_id: CaseId, amount_minor: u32, succeeded: bool) -> Vec<u8> {
    let mut body = json!({
        "id": id,
        "created": Utc::now().timestamp(),
        "link": "test-link",
        "caseId": case_id,
        "amountMinor": amount_minor,
        "currency": "SAR",
    });
    if succeeded {
        body["type"] = "payment.succeeded".into();
        body["reference"] = "sbx_pay_test".into();
    } else {
        body["type"] = "payment.failed".into();
        body["reason"] = "Card declined".into();
    }
    serde_json::to_vec(&body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_on_the_hosted_page_pays_the_case_and_the_requesters_desktop_follows() {
    let server = PayServer::start().await;
    let (requester, _admin, case_id) = awaiting_payment(&server).await;
    let token = requester.token().await;
    let app = requester.app.clone();
    let mut live = app.watch_live();
    let _sync = app.start_sync();
    tokio::time::timeout(WAIT, live.wait_for(|open| *open))
        .await
        .expect("the requester's live channel opens")
        .unwrap();

    // The desktop asks the server (`payment_link` in server mode).
    let link = app
        .payment_link(case_id)
        .await
        .expect("the requester's link");
    assert_eq!(link.status, PaymentStatus::Pending);
    assert_eq!(
        (link.amount_minor, link.currency.as_str()),
        (150_000, "SAR")
    );
    let url = link.url.expect("a pending payment has a link");
    assert!(
        url.starts_with(&server.url("/sandbox/pay/")),
        "the sandbox's page is served by the server: {url}"
    );

    let page = reqwest::get(&url).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let reference = server_case(&server.db, case_id).await.reference.unwrap();
    assert!(
        html.contains("SAR 1,500.00"),
        "the page shows the amount: {html}"
    );
    assert!(html.contains(&reference), "and the case reference: {html}");

    let mut synced = app.watch_synced();
    let (status, html) = press(&url, "pay").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    // The callback lands on its own; the desktop hears the nudge and pulls.
    let moved = tokio::time::timeout(WAIT, async {
        while app.get_case(case_id).await.unwrap().summary.status != CaseStatus::PaymentSuccessful {
            synced.changed().await.unwrap();
        }
    })
    .await;
    assert!(
        moved.is_ok(),
        "the desktop did not see the payment: server {:?}, desktop {:?}",
        server.status(case_id).await,
        app.get_case(case_id).await.unwrap().summary.status
    );

    assert_eq!(server.status(case_id).await, CaseStatus::PaymentSuccessful);
    assert_eq!(
        server.timeline_labels(case_id, "Payment received").await,
        vec!["system".to_string()],
        "one 'Payment received', by the system user"
    );
    assert!(app
        .get_case(case_id)
        .await
        .unwrap()
        .timeline
        .iter()
        .any(|t| t.label == "Payment received"));
    let applied: Vec<String> = sqlx::query_scalar("SELECT result FROM payment_events")
        .fetch_all(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(applied, vec!["applied".to_string()]);
    let info = server.info(&token, case_id).await;
    assert_eq!((info.status, info.url), (PaymentStatus::Paid, None));

    // A second click on the page shows how it ended (an HTML page, not an API error) and
    // sends nothing; a made-up link is not a page.
    let (status, html) = press(&url, "decline").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("used already"), "{html}");
    let forged = reqwest::get(server.url("/sandbox/pay/made.up"))
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);
    assert!(
        info.reference
            .as_deref()
            .is_some_and(|r| r.starts_with("sbx_pay_")),
        "{:?}",
        info.reference
    );
}

#[tokio::test]
async fn a_declined_payment_fails_the_case_for_good() {
    let server = PayServer::start().await;
    let (requester, admin, case_id) = awaiting_payment(&server).await;
    let token = requester.token().await;
    let url = server.info(&token, case_id).await.url.unwrap();

    let mut live = server.live(&token).await;
    let (status, html) = press(&url, "decline").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Payment failed"), "{html}");
    server
        .reaches(&mut live, case_id, CaseStatus::PaymentFailed)
        .await;
    assert_eq!(
        server
            .timeline_labels(case_id, "Payment failed")
            .await
            .len(),
        1
    );
    let info = server.info(&token, case_id).await;
    assert_eq!((info.status, info.url), (PaymentStatus::Failed, None));

    // Terminal: a later success (signed, a new event) is received but changes nothing, and
    // the admin can no longer cancel the case.
    let body = event("evt_late_success", case_id, 150_000, true);
    let header = signature::sign(&server.secret, Utc::now(), &body);
    let (status, answer) = server.callback(Some(&header), &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["result"], "refused", "{answer}");
    assert_eq!(server.status(case_id).await, CaseStatus::PaymentFailed);
    let admin_token = admin.token().await;
    let outcome = server
        .push(
            &admin_token,
            CaseCommand::Cancel {
                case_id,
                reason: Some("Try again".into()),
            },
        )
        .await;
    assert!(
        matches!(&outcome, Outcome::Refused { refusal } if refusal.code == domain::RefusalCode::InvalidStatus),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn tampered_stale_and_replayed_callbacks_change_nothing_twice() {
    let server = PayServer::start().await;
    let (requester, _admin, case_id) = awaiting_payment(&server).await;
    let token = requester.token().await;
    let commands_before = server.db.count("commands").await;

    let body = event("evt_test_1", case_id, 150_000, true);
    let now = Utc::now();
    let header = signature::sign(&server.secret, now, &body);

    // Tampered: one byte of the body changed under the same signature.
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("sbx_pay_test", "sbx_pay_tesT");
    let (status, answer) = server.callback(Some(&header), tampered.as_bytes()).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_signature")),
        "{answer}"
    );
    // No signature; another secret's; a malformed header.
    let (status, answer) = server.callback(None, &body).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_signature"))
    );
    let forged = signature::sign(&Secret::new("not-the-servers-secret").unwrap(), now, &body);
    let (status, answer) = server.callback(Some(&forged), &body).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_signature"))
    );
    let (status, answer) = server.callback(Some("t=soon,v1=nope"), &body).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_signature"))
    );
    // Stale: correctly signed, six minutes ago.
    let stale = signature::sign(&server.secret, now - TimeDelta::minutes(6), &body);
    let (status, answer) = server.callback(Some(&stale), &body).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("stale_callback")),
        "{answer}"
    );

    assert_eq!(server.status(case_id).await, CaseStatus::AwaitingPayment);
    assert_eq!(
        server.db.count("payment_events").await,
        0,
        "nothing was kept"
    );
    assert_eq!(
        server.db.count("commands").await,
        commands_before,
        "nothing was decided"
    );

    // Signed, but for another amount than the case asks: kept, not applied.
    let cheap = event("evt_test_cheap", case_id, 1, true);
    let cheap_header = signature::sign(&server.secret, now, &cheap);
    let (status, answer) = server.callback(Some(&cheap_header), &cheap).await;
    assert_eq!(
        (status, answer["result"].as_str()),
        (StatusCode::OK, Some("amount_mismatch"))
    );
    assert_eq!(server.status(case_id).await, CaseStatus::AwaitingPayment);

    // The genuine callback is applied...
    let mut live = server.live(&token).await;
    let (status, answer) = server.callback(Some(&header), &body).await;
    assert_eq!(
        (status, answer["result"].as_str()),
        (StatusCode::OK, Some("applied")),
        "{answer}"
    );
    server
        .reaches(&mut live, case_id, CaseStatus::PaymentSuccessful)
        .await;

    // ...and its replay (the same request, byte for byte) is harmless.
    let (status, answer) = server.callback(Some(&header), &body).await;
    assert_eq!(
        (status, answer["result"].as_str()),
        (StatusCode::OK, Some("duplicate")),
        "{answer}"
    );
    // So is another success event for the same case: the rules refuse it.
    let again = event("evt_test_2", case_id, 150_000, true);
    let again_header = signature::sign(&server.secret, Utc::now(), &again);
    let (status, answer) = server.callback(Some(&again_header), &again).await;
    assert_eq!(
        (status, answer["result"].as_str()),
        (StatusCode::OK, Some("refused")),
        "{answer}"
    );

    assert_eq!(
        server
            .timeline_labels(case_id, "Payment received")
            .await
            .len(),
        1,
        "exactly one payment, however often it is told"
    );
    let results: Vec<(String, String)> = sqlx::query_as(
        "SELECT event_id, result FROM payment_events ORDER BY received_at, event_id",
    )
    .fetch_all(&server.db.pool)
    .await
    .unwrap();
    assert_eq!(
        results,
        vec![
            ("evt_test_cheap".to_string(), "amount_mismatch".to_string()),
            ("evt_test_1".to_string(), "applied".to_string()),
            ("evt_test_2".to_string(), "refused".to_string()),
        ]
    );
    assert_eq!(
        server.db.count("commands").await,
        commands_before + 2,
        "one command per applied or refused event, none for the replay"
    );
}

#[tokio::test]
async fn only_the_requester_and_admins_get_the_link() {
    let server = PayServer::start().await;
    let (requester, admin, case_id) = awaiting_payment(&server).await;
    let token = requester.token().await;
    let url = server.info(&token, case_id).await.url.unwrap();
    assert_eq!(
        server
            .info(&admin.token().await, case_id)
            .await
            .url
            .as_deref(),
        Some(url.as_str()),
        "an admin sees the same link"
    );

    for email in [
        support::COORDINATOR,
        support::PROVIDER,
        "requester2@demo.hospital",
    ] {
        let other = server.db.sign_in(email).await;
        let response = server.payment(Some(&other), case_id).await;
        support::expect_error(response, StatusCode::NOT_FOUND, server::ErrorCode::NotFound).await;
    }
    let response = server
        .payment(Some(&token), CaseId(uuid::Uuid::now_v7()))
        .await;
    support::expect_error(response, StatusCode::NOT_FOUND, server::ErrorCode::NotFound).await;
    let response = server.payment(None, case_id).await;
    support::expect_error(
        response,
        StatusCode::UNAUTHORIZED,
        server::ErrorCode::Unauthorized,
    )
    .await;

    // Before a coordinator is assigned nothing is to be paid.
    let submitted = requester_work(&requester.app).await;
    requester.app.sync_once().await.unwrap();
    let response = server.payment(Some(&token), submitted).await;
    support::expect_error(response, StatusCode::CONFLICT, server::ErrorCode::Conflict).await;
}

#[tokio::test]
async fn changing_the_coordinator_keeps_the_link() {
    let server = PayServer::start().await;
    let (requester, admin, case_id) = awaiting_payment(&server).await;
    let token = requester.token().await;
    let first = server.info(&token, case_id).await.url.unwrap();

    // A second cardiology coordinator, so there is someone to change to.
    sqlx::query("INSERT INTO user_specialties (user_id, specialty_id) VALUES ($1, $2)")
        .bind(demo::COORDINATOR_2.as_uuid())
        .bind(demo::CARDIOLOGY.as_uuid())
        .execute(&server.db.pool)
        .await
        .unwrap();
    let outcome = server
        .push(
            &admin.token().await,
            CaseCommand::AssignCoordinator {
                case_id,
                coordinator_id: demo::COORDINATOR_2,
                replacing: Some(demo::COORDINATOR),
            },
        )
        .await;
    assert!(matches!(outcome, Outcome::Accepted { .. }), "{outcome:?}");
    let case = server_case(&server.db, case_id).await;
    assert_eq!(case.status, CaseStatus::AwaitingPayment);
    assert_eq!(case.coordinator(), Some(demo::COORDINATOR_2));
    assert_eq!(
        case.coordinators
            .iter()
            .map(|c| c.active)
            .collect::<Vec<_>>(),
        vec![false, true],
        "the old assignment row is deactivated, a new one made"
    );

    let second = server.info(&token, case_id).await.url.unwrap();
    assert_eq!(second, first, "the same link after the change");
    assert_eq!(server.db.count("payment_links").await, 1);

    // And it still pays the case.
    let mut live = server.live(&token).await;
    let (status, _) = press(&second, "pay").await;
    assert_eq!(status, StatusCode::OK);
    server
        .reaches(&mut live, case_id, CaseStatus::PaymentSuccessful)
        .await;
}

/// The path of a payment link (`/sandbox/pay/<token>`), to ask another instance for it.
fn path_of(url: &str) -> String {
    let at = url.find("/sandbox/pay/").expect("a sandbox link");
    url[at..].to_string()
}

async fn links_stored(server: &PayServer) -> Vec<String> {
    sqlx::query_scalar("SELECT url FROM payment_links")
        .fetch_all(&server.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn without_a_provider_no_sandbox_route_exists_and_no_link_is_made() {
    let server = PayServer::start_with(None).await;
    let (requester, _admin, case_id) = awaiting_payment(&server).await;
    let token = requester.token().await;

    // A link made by a sandbox elsewhere is no page here, nor is any /sandbox path.
    for path in ["/sandbox/pay/abc.def", "/sandbox/pay/", "/sandbox"] {
        let page = reqwest::get(server.url(path)).await.unwrap();
        expect_error(page, StatusCode::NOT_FOUND, server::ErrorCode::NotFound).await;
        let (status, _) = press(&server.url(path), "pay").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "POST {path}");
    }

    // Asking for the link: a stable code, a message for people, nothing stored.
    let refused = expect_error(
        server.payment(Some(&token), case_id).await,
        StatusCode::SERVICE_UNAVAILABLE,
        server::ErrorCode::PaymentsUnavailable,
    )
    .await;
    assert!(
        refused.message.contains("no payment provider"),
        "{}",
        refused.message
    );
    assert!(links_stored(&server).await.is_empty(), "no link is stored");
    assert_eq!(server.status(case_id).await, CaseStatus::AwaitingPayment);
    // Someone who may not see the case still gets the 404 of a missing case.
    let coordinator = server.db.sign_in(support::COORDINATOR).await;
    expect_error(
        server.payment(Some(&coordinator), case_id).await,
        StatusCode::NOT_FOUND,
        server::ErrorCode::NotFound,
    )
    .await;

    // A callback, even a well-formed one, has no provider to verify it: nothing changes.
    let body = event("evt_no_provider", case_id, 150_000, true);
    let header = signature::sign(&Secret::new(SECRET).unwrap(), Utc::now(), &body);
    let response = server
        .http
        .post(server.url("/v1/payments/callback"))
        .header("content-type", "application/json")
        .header(signature::HEADER, header)
        .body(body)
        .send()
        .await
        .unwrap();
    expect_error(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        server::ErrorCode::PaymentsUnavailable,
    )
    .await;
    assert_eq!(server.db.count("payment_events").await, 0);
    assert_eq!(server.status(case_id).await, CaseStatus::AwaitingPayment);
}

#[tokio::test]
async fn a_link_expires_after_a_day_and_then_pays_nothing() {
    let hours = Arc::new(AtomicI64::new(0));
    let moved = hours.clone();
    let clock: Clock =
        Arc::new(move || Utc::now() + TimeDelta::hours(moved.load(Ordering::SeqCst)));
    let server = PayServer::start_with(Some(clock)).await;
    let (requester, _admin, case_id) = awaiting_payment(&server).await;
    let token = requester.token().await;
    let url = server.info(&token, case_id).await.url.unwrap();
    assert_eq!(
        server.info(&token, case_id).await.url.as_deref(),
        Some(url.as_str()),
        "the same link while it is good"
    );

    hours.store(25, Ordering::SeqCst);
    let page = reqwest::get(&url).await.unwrap();
    assert_eq!(page.status(), StatusCode::GONE);
    let html = page.text().await.unwrap();
    assert!(html.contains("expired"), "a page that says so: {html}");
    for action in ["pay", "decline"] {
        let (status, html) = press(&url, action).await;
        assert_eq!(
            status,
            StatusCode::GONE,
            "{action} on an expired link: {html}"
        );
    }
    assert_eq!(
        server.db.count("payment_events").await,
        0,
        "no callback was sent"
    );
    assert_eq!(server.status(case_id).await, CaseStatus::AwaitingPayment);

    // Asked again, the requester gets a new link, stored in place of the old one.
    let renewed = server.info(&token, case_id).await.url.unwrap();
    assert_ne!(renewed, url, "an expired link is not handed out again");
    assert_eq!(links_stored(&server).await, vec![renewed.clone()]);

    // Back on the real clock (the new link is good for another 48 hours), it pays.
    hours.store(0, Ordering::SeqCst);
    let mut live = server.live(&token).await;
    let (status, html) = press(&renewed, "pay").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    server
        .reaches(&mut live, case_id, CaseStatus::PaymentSuccessful)
        .await;
}

#[tokio::test]
async fn a_link_works_once_also_on_another_instance_and_after_a_restart() {
    let server = PayServer::start().await;
    let (requester, _admin, case_id) = awaiting_payment(&server).await;
    let token = requester.token().await;
    let url = server.info(&token, case_id).await.url.unwrap();
    let mut live = server.live(&token).await;
    let (status, html) = press(&url, "pay").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    server
        .reaches(&mut live, case_id, CaseStatus::PaymentSuccessful)
        .await;
    let reference = server_case(&server.db, case_id)
        .await
        .payment
        .and_then(|p| p.reference)
        .expect("a payment reference");

    // The same instance: how it ended, nothing sent again.
    let (status, html) = press(&url, "decline").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("used already") && html.contains(&reference),
        "{html}"
    );

    // An instance whose sandbox never saw the link (a restart, another server): it reads
    // the received callbacks, shows the link as used and settles nothing.
    let (other, _other_server) = server.another_instance().await;
    let elsewhere = format!("http://{other}{}", path_of(&url));
    let page = reqwest::get(&elsewhere).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Paid.") && html.contains(&reference),
        "{html}"
    );
    assert!(!html.contains("<form"), "no buttons on a used link: {html}");
    for action in ["pay", "decline"] {
        let (status, html) = press(&elsewhere, action).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(
            html.contains("used already") && html.contains(&reference),
            "{action} a second time: {html}"
        );
    }
    let events: Vec<String> = sqlx::query_scalar("SELECT result FROM payment_events")
        .fetch_all(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(
        events,
        vec!["applied".to_string()],
        "one payment, applied once"
    );
    assert_eq!(server.status(case_id).await, CaseStatus::PaymentSuccessful);
}
