//! The real `so-server` process killed (SIGKILL) while a desktop pushes hundreds of
//! offline commands, then started again on the same database and port: no command lost,
//! none applied twice, and the desktop ends up equal to the server.
//!
//! Each test kills at one point of the push, each detected from a real signal rather than
//! a guess of how long things take:
//! - the request half sent (the proxy holds the rest of the body and says so);
//! - mid-transaction: the server has decided part of the push in its open transaction
//!   and waits on a row lock this test holds (PostgreSQL's `pg_stat_activity` says so);
//! - after the commit, before the desktop got the answer (the proxy holds the answer's
//!   first bytes back and says so).

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use domain::{CommandId, DocumentKind, PatientId, PatientInput, Sex};
use so_core::{CaseInput, SyncErrorCode};
use support::desk::{log_mismatch, recorded, replica_mismatch, server_view, Desk};
use support::net::{Net, Proxy};
use support::process::ServerProcess;
use support::{fresh_test_database, TestDb};

/// Blocks of offline work queued: four commands each (new patient, its update, a case
/// for them, its cancellation), so more than one push (`protocol::MAX_PUSH_COMMANDS`).
const BLOCKS: usize = 150;
/// After this many blocks, the update of the patient made online (the row the
/// mid-transaction test locks), so that it falls inside the first push.
const LOCKED_AFTER: usize = 62;
const QUEUED: usize = BLOCKS * 4 + 1;
const _: () = assert!(LOCKED_AFTER * 4 < protocol::MAX_PUSH_COMMANDS);

/// Bound on every wait for a signal.
const LIMIT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KillPoint {
    RequestHalfSent,
    MidTransaction,
    AfterCommit,
}

struct Bench {
    db: TestDb,
    server: ServerProcess,
    proxy: Proxy,
    desk: Desk,
    /// The patient made online, whose row the mid-transaction test locks.
    locked: PatientId,
    /// Commands and events on the server before the offline work.
    commands_before: i64,
    events_before: i64,
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&db.pool)
        .await
        .expect("count")
}

fn patient(name: String) -> PatientInput {
    PatientInput {
        full_name: name,
        date_of_birth: "1975-06-01".into(),
        sex: Sex::Male,
        medical_record_number: None,
        phone: None,
    }
}

/// The server process on a fresh database, a requester's desktop behind a proxy with
/// some work synced, then `QUEUED` commands queued offline.
async fn bench() -> Bench {
    let db = fresh_test_database().await;
    let server = ServerProcess::start(&db.url, "127.0.0.1:0".parse().unwrap()).await;
    let proxy = Proxy::start(server.addr).await;
    let desk = Desk::sign_in(&proxy.url(), support::REQUESTER).await;
    let app = &desk.app;

    // Online: a patient and a case with a document, so the content is on the server and
    // the offline cases' documents need no upload (the first request of the sync is the
    // push).
    let staged = app
        .stage_document("referral.pdf", "application/pdf", b"%PDF-1.4 referral")
        .await
        .expect("stage");
    let document = domain::DocumentInput {
        name: staged.name,
        kind: DocumentKind::MedicalReport,
        media_type: staged.media_type,
        sha256: staged.sha256,
        size_bytes: staged.size_bytes,
    };
    let locked = app
        .create_patient(patient("Youssef Adel".into()))
        .await
        .expect("create a patient")
        .id;
    let case = |patient_id| CaseInput {
        patient_id,
        review_type_id: domain::demo::CARDIOLOGY_REVIEW,
        disease_category_id: domain::demo::CORONARY,
        question: "Is surgery needed?".into(),
        clinical_summary: "Stable angina.".into(),
        documents: vec![document.clone()],
    };
    app.create_case(case(locked), true)
        .await
        .expect("create a case");
    let report = app.sync_once().await.expect("sync online");
    assert_eq!((report.accepted, report.refused), (2, 0));

    proxy.set(Net::Down);
    for block in 0..BLOCKS {
        if block == LOCKED_AFTER {
            app.update_patient(locked, patient("Youssef A. Adel".into()))
                .await
                .expect("update the online patient");
        }
        let id = app
            .create_patient(patient(format!("Patient {block}")))
            .await
            .expect("create a patient offline")
            .id;
        app.update_patient(id, patient(format!("Patient {block} (updated)")))
            .await
            .expect("update it");
        let case_id = app
            .create_case(case(id), true)
            .await
            .expect("create a case offline")
            .summary
            .id;
        app.cancel_case(case_id, None)
            .await
            .expect("cancel it offline");
    }
    assert_eq!(
        app.sync_status().await.unwrap().pending,
        QUEUED as i64,
        "all queued offline"
    );
    Bench {
        commands_before: count(&db, "SELECT count(*) FROM commands").await,
        events_before: count(&db, "SELECT count(*) FROM events").await,
        db,
        server,
        proxy,
        desk,
        locked,
    }
}

/// Polls PostgreSQL's own view of who waits on a lock in this database until a backend
/// does (the server's push, blocked on the test's row lock); its pid.
async fn backend_waiting_on_a_lock(db: &TestDb) -> i32 {
    let started = Instant::now();
    loop {
        let waiting: Option<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND pid <> pg_backend_pid() AND query ILIKE '%patients%'",
        )
        .fetch_optional(&db.pool)
        .await
        .expect("read pg_stat_activity");
        if let Some(pid) = waiting {
            return pid;
        }
        assert!(
            started.elapsed() < LIMIT,
            "the push never reached the locked row"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Polls until the backend `pid` is gone (PostgreSQL ends it, and rolls its transaction
/// back, once it finds its client gone).
async fn backend_gone(db: &TestDb, pid: i32) {
    let started = Instant::now();
    loop {
        let alive: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)")
                .bind(pid)
                .fetch_one(&db.pool)
                .await
                .expect("read pg_stat_activity");
        if !alive {
            return;
        }
        assert!(
            started.elapsed() < LIMIT,
            "the dead server's backend lives on"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn kill_mid_push_then_restart(point: KillPoint) {
    let bench = bench().await;
    let addr: SocketAddr = bench.server.addr;
    let outbox: Vec<CommandId> = bench.desk.outbox().await[2..]
        .iter()
        .map(|e| e.command_id)
        .collect();
    assert_eq!(outbox.len(), QUEUED);
    // The desktop pushes at most `MAX_PUSH_COMMANDS` at a time.
    let first_push = &outbox[..protocol::MAX_PUSH_COMMANDS.min(QUEUED)];

    // The row lock that stops the push mid-transaction.
    let mut lock = bench.db.pool.begin().await.expect("begin");
    if point == KillPoint::MidTransaction {
        sqlx::query("SELECT 1 FROM patients WHERE id = $1 FOR UPDATE")
            .bind(bench.locked.0)
            .execute(&mut *lock)
            .await
            .expect("lock the patient's row");
    }
    bench.proxy.set(match point {
        KillPoint::RequestHalfSent => Net::HoldPushHalfway,
        KillPoint::MidTransaction => Net::Up,
        KillPoint::AfterCommit => Net::HoldPushAnswer,
    });

    // The desktop syncs; meanwhile, at the kill point, the server is killed.
    let server = bench.server;
    let kill = async {
        let mut blocked = None;
        match point {
            KillPoint::RequestHalfSent => {
                bench
                    .proxy
                    .wait_for("half a push", LIMIT, |s| s.pushes_held_halfway > 0)
                    .await;
            }
            KillPoint::MidTransaction => {
                blocked = Some(backend_waiting_on_a_lock(&bench.db).await);
            }
            KillPoint::AfterCommit => {
                bench
                    .proxy
                    .wait_for("the push's answer", LIMIT, |s| s.push_answers_held > 0)
                    .await;
            }
        }
        server.kill().await;
        blocked
    };
    let (synced, blocked) = tokio::join!(bench.desk.app.sync_once(), kill);
    let err = synced.expect_err("the server died during the sync");
    assert_eq!(
        err.code,
        SyncErrorCode::Offline,
        "a server that dies is 'not now': {err:?}"
    );
    assert_eq!(
        bench.desk.app.sync_status().await.unwrap().pending,
        QUEUED as i64,
        "without an answer every command stays pending"
    );
    if point == KillPoint::MidTransaction {
        assert!(
            bench.proxy.seen().request_bytes > 100_000,
            "the push's body went through before the kill: {:?}",
            bench.proxy.seen()
        );
    }
    lock.rollback().await.expect("release the row");
    if let Some(pid) = blocked {
        backend_gone(&bench.db, pid).await;
    }

    let commands_at_kill = count(&bench.db, "SELECT count(*) FROM commands").await;
    let first_push_ids: Vec<uuid::Uuid> = first_push.iter().map(|c| c.0).collect();
    let first_push_events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE command_id = ANY($1)")
            .bind(&first_push_ids)
            .fetch_one(&bench.db.pool)
            .await
            .unwrap();
    match point {
        KillPoint::RequestHalfSent | KillPoint::MidTransaction => assert_eq!(
            commands_at_kill, bench.commands_before,
            "a push killed before its commit applies nothing"
        ),
        KillPoint::AfterCommit => {
            assert_eq!(
                commands_at_kill,
                bench.commands_before + first_push.len() as i64,
                "the first push was committed before its answer was held"
            );
            assert!(first_push_events > 0);
        }
    }

    // A new server on the same database and port; the desktop syncs to the end.
    let server = ServerProcess::start(&bench.db.url, addr).await;
    bench.proxy.set(Net::Up);
    let report = bench
        .desk
        .app
        .sync_once()
        .await
        .unwrap_or_else(|e| panic!("sync after the restart: {e:?}\n{}", server.log()));
    assert_eq!(
        (report.accepted, report.refused),
        (QUEUED, 0),
        "every queued command is accepted"
    );

    // Exactly once: every command once, with its events once, and nothing else.
    let server_side = recorded(&bench.db.pool, &outbox).await;
    assert_eq!(server_side.len(), QUEUED, "no command lost");
    let mut events = 0;
    for id in &outbox {
        let rec = &server_side[id];
        let protocol::Outcome::Accepted { events: answer } = &rec.outcome else {
            panic!("command {id} refused: {:?}", rec.outcome);
        };
        assert_eq!(
            rec.events,
            answer.len() as i64,
            "the events of command {id} are in the log once"
        );
        events += rec.events;
    }
    assert_eq!(
        count(&bench.db, "SELECT count(*) FROM commands").await,
        bench.commands_before + QUEUED as i64,
        "no command besides the queued ones"
    );
    assert_eq!(
        count(&bench.db, "SELECT count(*) FROM events").await,
        bench.events_before + events,
        "no event besides theirs"
    );
    let first_push_events_now: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE command_id = ANY($1)")
            .bind(&first_push_ids)
            .fetch_one(&bench.db.pool)
            .await
            .unwrap();
    if point == KillPoint::AfterCommit {
        assert_eq!(
            first_push_events_now, first_push_events,
            "the retried push got the first answers and applied nothing again"
        );
    }
    let cases: Vec<domain::CaseId> = sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM cases")
        .fetch_all(&bench.db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(domain::CaseId)
        .collect();
    assert_eq!(cases.len(), BLOCKS + 1);
    if let Some(problem) = log_mismatch(&bench.db.pool, &cases).await {
        panic!("{problem}");
    }

    // The desktop equals the server, with nothing to fix.
    let status = bench.desk.app.sync_status().await.unwrap();
    assert_eq!((status.pending, status.needs_attention), (0, 0));
    let view = server_view(
        &reqwest::Client::new(),
        &format!("http://{}", server.addr),
        &bench.desk.token().await,
    )
    .await;
    assert_eq!(view.cases.len(), BLOCKS + 1);
    if let Some(problem) = replica_mismatch(&bench.desk, &view, None).await {
        panic!("{problem}");
    }
    server.kill().await;
}

#[tokio::test]
async fn killed_while_the_push_is_half_sent_the_restarted_server_applies_each_command_once() {
    kill_mid_push_then_restart(KillPoint::RequestHalfSent).await;
}

#[tokio::test]
async fn killed_mid_transaction_the_restarted_server_applies_each_command_once() {
    kill_mid_push_then_restart(KillPoint::MidTransaction).await;
}

#[tokio::test]
async fn killed_after_the_commit_before_the_answer_the_retry_gets_the_first_answers() {
    kill_mid_push_then_restart(KillPoint::AfterCommit).await;
}
