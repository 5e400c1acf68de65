//! Refunds against the real server and real desktops: a paid case cancelled by its
//! requester is refunded by the server's refund job through the sandbox provider, the
//! answer recorded on the case as the system user's `RecordRefund`, and pulled by the
//! desktops that may see billing. A provider that is down: the failure is on the case and
//! its timeline, tried again after the back-off (simulated `now`), refunded once. Runs at
//! once and runs again record once. Waits are on the server's live channel, bounded.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use domain::{demo, Case, CaseId, CaseStatus, RefundStatus};
use futures_util::StreamExt;
use payments::{PaymentInfo, RefundRun};
use reqwest::StatusCode;
use server::payments::refunds::run_due_refunds;
use server::AppState;
use so_core::App;
use support::desktop::{desk, displayed_case, requester_work, server_case, Desk};
use support::{spawn_app, TestApp};

const WAIT: Duration = Duration::from_secs(15);

/// The real server with the refund job off (tests run it by hand at the `now` they choose),
/// or on at a short interval; `state` is the one it serves, sandbox included.
struct Server {
    db: TestApp,
    state: AppState,
    addr: std::net::SocketAddr,
    _server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(job_every: Option<Duration>) -> Server {
        let db = spawn_app().await;
        // A pool of its own: the test's (5 connections) is shared with the idle server of
        // `spawn_app` and the test's own queries.
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(10)
            .connect_lazy_with((*db.pool.connect_options()).clone());
        let mut state = AppState::new(pool);
        support::with_sandbox(&mut state, None);
        state.refunds.every = job_every;
        state.jobs.every = None;
        let (addr, server) = support::serve(state.clone()).await;
        Server {
            db,
            state,
            addr,
            _server: server,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn case(&self, id: CaseId) -> Case {
        server_case(&self.db, id).await
    }

    async fn run(&self, now: DateTime<Utc>) -> RefundRun {
        run_due_refunds(&self.state, now)
            .await
            .expect("the refund job runs")
    }

    /// The case's timeline lines with `label`: (who, detail).
    async fn lines(&self, id: CaseId, label: &str) -> Vec<(String, Option<String>)> {
        sqlx::query_as(
            "SELECT actor_role, detail FROM timeline WHERE case_id = $1 AND label = $2 ORDER BY id",
        )
        .bind(id.as_uuid())
        .bind(label)
        .fetch_all(&self.db.pool)
        .await
        .unwrap()
    }

    async fn refund_commands(&self) -> i64 {
        sqlx::query_scalar(
            "SELECT count(*) FROM commands WHERE command ->> 'type' = 'record_refund'",
        )
        .fetch_one(&self.db.pool)
        .await
        .unwrap()
    }

    async fn live(&self, token: &str) -> support::LiveSocket {
        support::live_socket(self.addr, token).await
    }

    /// Waits, nudge by nudge, until the server's case satisfies `done`.
    async fn until(
        &self,
        live: &mut support::LiveSocket,
        id: CaseId,
        what: &str,
        done: impl Fn(&Case) -> bool,
    ) {
        let waited = tokio::time::timeout(WAIT, async {
            while !done(&self.case(id).await) {
                live.next().await.expect("the socket is open").unwrap();
            }
        })
        .await;
        assert!(waited.is_ok(), "{what}: {:?}", self.case(id).await);
    }
}

/// A requester's case submitted from a desktop, its coordinator assigned from an admin's:
/// awaiting payment. The requester's and the coordinator's desktops.
async fn awaiting_payment(server: &Server) -> (Desk, Desk, CaseId) {
    let requester = desk(&server.url(""), support::REQUESTER).await;
    let admin = desk(&server.url(""), support::ADMIN).await;
    let case_id = requester_work(&requester.app).await;
    requester.app.sync_once().await.expect("push the case");
    admin.app.sync_once().await.expect("pull the case");
    admin
        .app
        .assign_coordinator(case_id, demo::COORDINATOR)
        .await
        .expect("assign");
    admin.app.sync_once().await.expect("push the assignment");
    assert_eq!(
        server.case(case_id).await.status,
        CaseStatus::AwaitingPayment
    );
    let coordinator = desk(&server.url(""), support::COORDINATOR).await;
    (requester, coordinator, case_id)
}

/// Pays on the sandbox's hosted page, as the requester's browser does, and waits for the
/// callback to land.
async fn pay_on_the_page(server: &Server, requester: &Desk, case_id: CaseId) -> String {
    let token = requester.token().await;
    let info: PaymentInfo = reqwest::Client::new()
        .get(server.url(&format!("/v1/cases/{case_id}/payment")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut live = server.live(&token).await;
    let response = reqwest::Client::new()
        .post(info.url.expect("a pending payment has a link"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=pay")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    server
        .until(&mut live, case_id, "the payment lands", |c| {
            c.status == CaseStatus::PaymentSuccessful
        })
        .await;
    server
        .case(case_id)
        .await
        .payment
        .and_then(|p| p.reference)
        .expect("the sandbox's payment reference")
}

/// The requester cancels the case on the desktop; the push lands.
async fn cancel(requester: &Desk, case_id: CaseId) {
    requester
        .app
        .cancel_case(case_id, Some("The patient was treated elsewhere.".into()))
        .await
        .expect("the requester cancels");
    requester.app.sync_once().await.expect("push the cancel");
}

/// A paid, cancelled case: paid as the callback records a payment, with a reference the
/// server's sandbox never saw (as after a restart of the server).
async fn paid_and_cancelled(server: &Server) -> (Desk, CaseId) {
    let (requester, _coordinator, case_id) = awaiting_payment(server).await;
    support::desktop::pay(&server.db, case_id).await;
    requester.app.sync_once().await.expect("pull the payment");
    cancel(&requester, case_id).await;
    (requester, case_id)
}

fn refund(case: &Case) -> &domain::Refund {
    case.refund.as_ref().expect("the case owes a refund")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_case_cancelled_by_its_requester_is_refunded_once_and_the_requester_sees_it() {
    let server = Server::start(None).await;
    let (requester, coordinator, case_id) = awaiting_payment(&server).await;
    let paid = pay_on_the_page(&server, &requester, case_id).await;
    requester.app.sync_once().await.expect("pull the payment");
    cancel(&requester, case_id).await;

    let case = server.case(case_id).await;
    assert_eq!(case.status, CaseStatus::Cancelled);
    assert_eq!(refund(&case).status, RefundStatus::Pending);
    assert_eq!(
        refund(&case).payment_reference.as_deref(),
        Some(paid.as_str())
    );

    // The requester's desktop, connected to the server, never refunds: the server does.
    let Desk {
        app,
        tokens: _tokens,
        dir: _dir,
    } = requester;
    let app = Arc::new(app);
    assert_eq!(app.run_due_refunds().await.unwrap(), RefundRun::default());

    let run = server.run(Utc::now()).await;
    assert_eq!(
        run,
        RefundRun {
            due: 1,
            refunded: 1,
            ..RefundRun::default()
        }
    );
    let sandbox = server
        .state
        .payments
        .as_ref()
        .expect("the sandbox")
        .sandbox_provider();
    let made = sandbox.refunds_of(&paid);
    assert_eq!(made.len(), 1, "one refund at the provider: {made:?}");
    assert_eq!(made[0].key, case_id.to_string(), "keyed by the case");
    assert_eq!(
        (made[0].amount.minor, made[0].amount.currency.as_str()),
        (150_000, "SAR")
    );

    let case = server.case(case_id).await;
    let done = refund(&case);
    assert_eq!(done.status, RefundStatus::Refunded);
    assert_eq!(
        done.reference.as_deref(),
        Some(made[0].reference.0.as_str())
    );
    assert!(done.refunded_at.is_some());
    assert_eq!(
        server.lines(case_id, "Refund issued").await,
        vec![("system".to_string(), None)]
    );

    // Nothing is due any more: running again asks nothing and records nothing.
    assert_eq!(server.run(Utc::now()).await, RefundRun::default());
    assert_eq!(
        server.run(Utc::now() + TimeDelta::hours(2)).await,
        RefundRun::default()
    );
    assert_eq!(sandbox.refunds_of(&paid).len(), 1);
    assert_eq!(server.refund_commands().await, 1);

    // The requester's desktop gets it by pull; the coordinator's replica holds no refund.
    app.sync_once().await.expect("the requester pulls");
    let mine = app.get_case(case_id).await.unwrap();
    assert!(
        mine.timeline.iter().any(|t| t.label == "Refund issued"),
        "{:?}",
        mine.timeline
    );
    let mut conn = app.store().read().await.unwrap();
    let displayed = store::cases::get(&mut conn, case_id)
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    assert_eq!(
        displayed.refund, case.refund,
        "the requester holds the refund"
    );
    coordinator
        .app
        .sync_once()
        .await
        .expect("the coordinator pulls");
    let theirs = displayed_case(&coordinator, case_id)
        .await
        .expect("the coordinator still sees the cancelled case");
    assert_eq!(theirs.status, CaseStatus::Cancelled);
    assert_eq!(theirs.refund, None, "billing is not the coordinator's");
    assert_eq!(
        app_refund_status(&app, case_id).await,
        Some(RefundStatus::Refunded)
    );
}

async fn app_refund_status(app: &App, case_id: CaseId) -> Option<RefundStatus> {
    let mut conn = app.store().read().await.unwrap();
    store::cases::get(&mut conn, case_id)
        .await
        .unwrap()?
        .refund
        .map(|r| r.status)
}

#[tokio::test]
async fn a_provider_outage_is_recorded_and_retried_after_the_back_off_then_refunded_once() {
    let server = Server::start(None).await;
    let (requester, case_id) = paid_and_cancelled(&server).await;
    let sandbox = server
        .state
        .payments
        .as_ref()
        .expect("the sandbox")
        .sandbox_provider();
    sandbox.set_refund_outage(1);

    let t0 = Utc::now();
    let run = server.run(t0).await;
    assert_eq!(
        run,
        RefundRun {
            due: 1,
            failed: 1,
            ..RefundRun::default()
        }
    );
    let case = server.case(case_id).await;
    let failed = refund(&case);
    assert_eq!(failed.status, RefundStatus::Failed);
    assert_eq!(failed.failures, 1);
    let reason = failed
        .last_error
        .clone()
        .expect("the reason is on the case");
    assert!(reason.contains("not reachable"), "{reason}");
    assert_eq!(failed.next_attempt_at(), Some(t0 + TimeDelta::minutes(1)));
    assert_eq!(
        server.lines(case_id, "Refund failed, will retry").await,
        vec![("system".to_string(), Some(reason.clone()))]
    );
    assert!(sandbox.refunds_of("SANDBOX-0001").is_empty());

    // The requester sees the failure too.
    requester.app.sync_once().await.unwrap();
    let mine = requester.app.get_case(case_id).await.unwrap();
    assert!(
        mine.timeline
            .iter()
            .any(|t| t.label == "Refund failed, will retry" && t.detail.as_deref() == Some(&reason)),
        "{:?}",
        mine.timeline
    );

    // Not before the back-off.
    assert_eq!(
        server.run(t0 + TimeDelta::seconds(30)).await,
        RefundRun::default()
    );
    assert_eq!(refund(&server.case(case_id).await).failures, 1);

    // After it: refunded, once.
    let t1 = t0 + TimeDelta::seconds(61);
    assert_eq!(
        server.run(t1).await,
        RefundRun {
            due: 1,
            refunded: 1,
            ..RefundRun::default()
        }
    );
    let case = server.case(case_id).await;
    let done = refund(&case);
    assert_eq!(done.status, RefundStatus::Refunded);
    assert_eq!(done.failures, 1, "the failure stays on the record");
    assert_eq!(done.refunded_at, Some(t1));
    let made = sandbox.refunds_of("SANDBOX-0001");
    assert_eq!(made.len(), 1);
    assert_eq!(
        done.reference.as_deref(),
        Some(made[0].reference.0.as_str())
    );
    assert_eq!(server.lines(case_id, "Refund issued").await.len(), 1);
    assert_eq!(
        server.run(t1 + TimeDelta::hours(3)).await,
        RefundRun::default()
    );
    assert_eq!(
        server.refund_commands().await,
        2,
        "one failure, one success"
    );
}

/// Two runs of the job at `now` that both find the refund due and ask the provider before
/// either records: the push lock is held until both wait for it (as two server instances
/// whose runs overlap).
async fn two_runs_at_once(server: &Server, now: DateTime<Utc>) -> (RefundRun, RefundRun) {
    let mut hold = server.db.pool.begin().await.unwrap();
    server::sync::db::lock_log(&mut hold).await.unwrap();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let state = server.state.clone();
            tokio::spawn(async move { run_due_refunds(&state, now).await.unwrap() })
        })
        .collect();
    let both_wait = tokio::time::timeout(WAIT, async {
        loop {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            )
            .fetch_one(&server.db.pool)
            .await
            .unwrap();
            if waiting == 2 {
                return;
            }

            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(both_wait.is_ok(), "both runs reach the recording");
    hold.commit().await.unwrap();
    let mut answers = Vec::new();
    for run in runs {
        answers.push(run.await.unwrap());
    }
    (answers[0], answers[1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_at_once_record_once_whether_the_provider_answers_or_is_down() {
    let server = Server::start(None).await;
    let (_requester, case_id) = paid_and_cancelled(&server).await;
    let sandbox = server
        .state
        .payments
        .as_ref()
        .expect("the sandbox")
        .sandbox_provider();

    // Both find it due and ask the provider, which is down for both: one failure recorded.
    sandbox.set_refund_outage(2);
    let t0 = Utc::now();
    let (a, b) = two_runs_at_once(&server, t0).await;
    assert_eq!((a.due, b.due), (1, 1));
    assert_eq!(
        (a.failed + b.failed, a.already_recorded + b.already_recorded),
        (1, 1),
        "{a:?} {b:?}"
    );
    assert_eq!(
        refund(&server.case(case_id).await).failures,
        1,
        "one try, one failure"
    );
    assert_eq!(
        server
            .lines(case_id, "Refund failed, will retry")
            .await
            .len(),
        1
    );

    // After the back-off, both again: the provider answers both with the same refund (the
    // key); one success is recorded, the other run records nothing.
    let t1 = t0 + TimeDelta::minutes(2);
    let (a, b) = two_runs_at_once(&server, t1).await;
    assert_eq!(
        (
            a.refunded + b.refunded,
            a.already_recorded + b.already_recorded
        ),
        (1, 1),
        "{a:?} {b:?}"
    );
    assert_eq!(a.refused + b.refused, 0, "{a:?} {b:?}");
    assert_eq!(sandbox.refunds_of("SANDBOX-0001").len(), 1);
    assert_eq!(server.lines(case_id, "Refund issued").await.len(), 1);
    assert_eq!(
        refund(&server.case(case_id).await).status,
        RefundStatus::Refunded
    );
    assert_eq!(
        server.refund_commands().await,
        2,
        "nothing recorded for the runs that lost"
    );

    // And one run after another, with the refund recorded, asks nothing.
    assert_eq!(
        server.run(t1 + TimeDelta::hours(1)).await,
        RefundRun::default()
    );
}

#[tokio::test]
async fn a_case_cancelled_before_payment_owes_nothing() {
    let server = Server::start(None).await;
    let (requester, _coordinator, case_id) = awaiting_payment(&server).await;
    cancel(&requester, case_id).await;
    let case = server.case(case_id).await;
    assert_eq!(case.status, CaseStatus::Cancelled);
    assert_eq!((case.refund_due, case.refund), (false, None));
    assert_eq!(server.run(Utc::now()).await, RefundRun::default());
    assert_eq!(server.refund_commands().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_background_job_refunds_a_cancelled_case_on_its_own() {
    let server = Server::start(Some(Duration::from_millis(200))).await;
    let (requester, case_id) = paid_and_cancelled(&server).await;
    let mut live = server.live(&requester.token().await).await;
    server
        .until(&mut live, case_id, "the job refunds the case", |c| {
            c.refund
                .as_ref()
                .is_some_and(|r| r.status == RefundStatus::Refunded)
        })
        .await;
    // It keeps running, and records nothing more.
    let nudge = tokio::time::timeout(Duration::from_millis(700), live.next()).await;
    assert!(nudge.is_err(), "no further change: {nudge:?}");
    assert_eq!(server.refund_commands().await, 1);
    assert_eq!(server.lines(case_id, "Refund issued").await.len(), 1);
}
