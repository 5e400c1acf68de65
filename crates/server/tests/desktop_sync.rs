//! Real desktop cores (`so_core::App`, each on its own SQLite file) syncing with the real
//! server on a real PostgreSQL. "Offline" and cut connections come from a small TCP
//! proxy between a desktop and the server that the test switches; no sleeps — every sync
//! is an explicit `sync_once()`.

mod support;

use domain::{demo, Actor, CaseStatus, PatientInput, Role, Sex};
use protocol::{PushRequest, PushResponse, PushedCommand};
use reqwest::StatusCode;
use so_core::{App, MemoryTokens, SyncErrorCode, TokenStore};
use support::desktop::{desk, displayed_case, open, pay, requester_work, server_case, Net, Proxy};
use support::{spawn_app, DEMO_PASSWORD};

// --- the scenarios ------------------------------------------------------------------

#[tokio::test]
async fn offline_work_syncs_and_the_admins_assignment_comes_back_with_the_servers_reference() {
    let server = spawn_app().await;
    let proxy = Proxy::start(server.addr).await;
    let requester = desk(&proxy.url(), support::REQUESTER).await;
    let admin = desk(&server.url(""), support::ADMIN).await;

    // Offline: the work is decided locally, displayed at once, and queued.
    proxy.set(Net::Down);
    let case_id = requester_work(&requester.app).await;
    let shown = requester.app.get_case(case_id).await.unwrap();
    assert_eq!(
        shown.summary.status,
        CaseStatus::Submitted,
        "applied optimistically"
    );
    assert_eq!(
        shown.summary.reference, None,
        "only the server numbers cases"
    );
    assert!(
        requester.pending_timeline_lines(case_id).await > 0,
        "the timeline marks what the server has not confirmed"
    );
    let err = requester.app.sync_once().await.unwrap_err();
    assert_eq!(err.code, SyncErrorCode::Offline);
    let status = requester.app.sync_status().await.unwrap();
    assert!(!status.online, "a failed sync shows offline");
    assert_eq!(
        status.pending, 2,
        "the patient and the submitted case: nothing lost offline"
    );
    assert_eq!(
        server.count("commands").await,
        0,
        "nothing reached the server"
    );

    // Back online: the blob goes up, the two commands are accepted, the pull brings
    // the server's version with its reference.
    proxy.set(Net::Up);
    let report = requester.app.sync_once().await.expect("sync");
    assert_eq!((report.accepted, report.refused), (2, 0));
    let status = requester.app.sync_status().await.unwrap();
    assert!(status.online && status.pending == 0 && status.last_sync_at.is_some());
    let shown = requester.app.get_case(case_id).await.unwrap();
    let reference = shown
        .summary
        .reference
        .clone()
        .expect("the server's reference");
    assert_eq!(
        requester.pending_timeline_lines(case_id).await,
        0,
        "all confirmed now"
    );

    // The admin pulls it (with the document's content) and assigns a coordinator.
    admin.app.sync_once().await.expect("admin sync");
    let seen = admin
        .app
        .get_case(case_id)
        .await
        .expect("the admin sees the case");
    assert_eq!(seen.summary.reference.as_deref(), Some(reference.as_str()));
    let doc = &seen.documents[0];
    assert_eq!(
        admin.app.document_content(case_id, doc.id).await.unwrap(),
        b"%PDF-1.4 referral letter",
        "the document's content was downloaded and checked"
    );
    admin
        .app
        .assign_coordinator(case_id, demo::COORDINATOR)
        .await
        .expect("assign");
    let report = admin.app.sync_once().await.expect("admin sync");
    assert_eq!(report.accepted, 1);

    requester.app.sync_once().await.expect("requester sync");
    let shown = requester.app.get_case(case_id).await.unwrap();
    assert_eq!(shown.summary.status, CaseStatus::AwaitingPayment);
    assert_eq!(shown.summary.reference.as_deref(), Some(reference.as_str()));
    assert_eq!(
        displayed_case(&requester, case_id).await.unwrap(),
        server_case(&server, case_id).await,
        "the requester's replica equals the server's case"
    );
}

#[tokio::test]
async fn retries_after_cut_pushes_lost_answers_and_restarts_apply_each_command_once() {
    let server = spawn_app().await;
    let proxy = Proxy::start(server.addr).await;
    let requester = desk(&proxy.url(), support::REQUESTER).await;

    // 1. A push cut off mid-way: the server never had the whole request.
    let case_id = requester_work(&requester.app).await;
    proxy.set(Net::CutRequests);
    let err = requester.app.sync_once().await.unwrap_err();
    assert_eq!(
        err.code,
        SyncErrorCode::Offline,
        "a cut connection is 'not now'"
    );
    assert_eq!(
        server.count("commands").await,
        0,
        "a cut push applies nothing"
    );
    assert_eq!(requester.app.sync_status().await.unwrap().pending, 2);
    proxy.set(Net::Up);
    let report = requester.app.sync_once().await.expect("sync");
    assert_eq!((report.accepted, report.refused), (2, 0));
    assert_eq!(server.count("commands").await, 2);

    // 2. The answer is lost after the server committed: the row stays pending, and
    // pushing it again (twice) applies nothing more.
    requester
        .app
        .cancel_case(case_id, Some("Duplicate request".into()))
        .await
        .expect("cancel locally");
    proxy.set(Net::LoseAnswers);
    for _ in 0..2 {
        let err = requester.app.sync_once().await.unwrap_err();
        assert_eq!(err.code, SyncErrorCode::Offline);
    }
    assert_eq!(
        server.count("commands").await,
        3,
        "the server decided the cancel once"
    );
    let events = server.count("events").await;
    assert_eq!(
        requester.app.sync_status().await.unwrap().pending,
        1,
        "an unacknowledged command stays pending"
    );

    // 3. The client restarts and pushes again: the first answer, nothing applied twice.
    let requester = requester.restart().await;
    assert_eq!(
        requester.app.sync_status().await.unwrap().pending,
        1,
        "the outbox survived"
    );
    proxy.set(Net::Up);
    let report = requester.app.sync_once().await.expect("sync after restart");
    assert_eq!((report.accepted, report.refused), (1, 0));
    assert_eq!(server.count("commands").await, 3);
    assert_eq!(server.count("events").await, events, "no event twice");
    assert_eq!(
        server_case(&server, case_id).await.status,
        CaseStatus::Cancelled
    );
    assert_eq!(
        displayed_case(&requester, case_id).await.unwrap(),
        server_case(&server, case_id).await
    );

    // 4. The same push sent twice by hand (a client killed after sending, before it
    // recorded the answer), then by the core: one application, the same answers.
    let patient = requester.app.get_case(case_id).await.unwrap().patient;
    requester
        .app
        .update_patient(
            patient.id,
            PatientInput {
                full_name: "Salma N. Nour".into(),
                date_of_birth: "1980-02-03".into(),
                sex: Sex::Female,
                medical_record_number: None,
                phone: Some("+20 100 000 0000".into()),
            },
        )
        .await
        .expect("update locally");
    let pending = {
        let mut conn = requester.app.store().read().await.unwrap();
        store::outbox::pending(&mut conn, 10).await.unwrap()
    };
    let request = PushRequest {
        commands: pending
            .iter()
            .map(|e| PushedCommand {
                command_id: e.command_id,
                issued_at: e.issued_at,
                command: e.command.clone(),
            })
            .collect(),
    };
    let token = requester.token().await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = server
            .client
            .post(server.url("/v1/push"))
            .bearer_auth(&token)
            .json(&request)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        answers.push(response.json::<PushResponse>().await.unwrap());
    }
    assert_eq!(answers[0], answers[1], "a retry gets the first answer");
    let events = server.count("events").await;
    let report = requester.app.sync_once().await.expect("sync");
    assert_eq!(report.accepted, 1);
    assert_eq!(
        server.count("events").await,
        events,
        "the core's push applied nothing new"
    );
    let shown = requester.app.list_patients().await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].full_name, "Salma N. Nour");
}

#[tokio::test]
async fn a_command_refused_by_the_server_needs_attention_and_the_replica_follows_the_server() {
    let server = spawn_app().await;
    let proxy = Proxy::start(server.addr).await;
    let requester = desk(&proxy.url(), support::REQUESTER).await;
    let admin = desk(&server.url(""), support::ADMIN).await;
    let case_id = requester_work(&requester.app).await;
    requester.app.sync_once().await.expect("sync");
    admin.app.sync_once().await.expect("admin sync");

    // The requester cancels offline; meanwhile the admin rejects online.
    proxy.set(Net::Down);
    let shown = requester
        .app
        .cancel_case(case_id, Some("Patient changed hospital".into()))
        .await
        .expect("the rules allow it on what the requester sees");
    assert_eq!(shown.summary.status, CaseStatus::Cancelled, "optimistic");
    admin
        .app
        .reject_case(case_id, "Outside our scope.".into())
        .await
        .expect("reject");
    admin.app.sync_once().await.expect("admin sync");

    proxy.set(Net::Up);
    let report = requester.app.sync_once().await.expect("sync");
    assert_eq!(
        (report.accepted, report.refused),
        (0, 1),
        "the cancel is refused"
    );
    let attention = requester.app.needs_attention().await.unwrap();
    assert_eq!(attention.len(), 1, "the refusal reaches its author");
    assert_eq!(attention[0].code, "invalid_status");
    assert_eq!(attention[0].case_id, Some(case_id));
    assert!(!attention[0].message.is_empty());
    let status = requester.app.sync_status().await.unwrap();
    assert_eq!((status.pending, status.needs_attention), (0, 1));

    let shown = requester.app.get_case(case_id).await.unwrap();
    assert_eq!(
        shown.summary.status,
        CaseStatus::Rejected,
        "the server's decision shows"
    );
    assert_eq!(
        displayed_case(&requester, case_id).await.unwrap(),
        server_case(&server, case_id).await,
        "nothing of the refused cancel is mixed in"
    );
    assert_eq!(requester.pending_timeline_lines(case_id).await, 0);

    // Dismissed, it leaves the list; the outbox keeps the record.
    requester
        .app
        .dismiss_attention(attention[0].command_id)
        .await
        .unwrap();
    assert!(requester.app.needs_attention().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_restart_while_offline_keeps_the_pending_work_and_the_session() {
    let server = spawn_app().await;
    let proxy = Proxy::start(server.addr).await;
    let requester = desk(&server.url(""), support::REQUESTER).await;
    let admin = desk(&proxy.url(), support::ADMIN).await;
    let case_id = requester_work(&requester.app).await;
    requester.app.sync_once().await.expect("sync");
    admin.app.sync_once().await.expect("admin sync");

    // The admin assigns offline.
    proxy.set(Net::Down);
    admin
        .app
        .assign_coordinator(case_id, demo::COORDINATOR)
        .await
        .unwrap();
    assert_eq!(
        admin.app.get_case(case_id).await.unwrap().summary.status,
        CaseStatus::AwaitingPayment
    );
    // A restart while offline keeps the pending command and its displayed effect.
    let admin = admin.restart().await;
    assert_eq!(admin.app.sync_status().await.unwrap().pending, 1);
    assert!(
        admin.app.sync_status().await.unwrap().signed_in,
        "session restored"
    );
    assert_eq!(
        admin.app.get_case(case_id).await.unwrap().summary.status,
        CaseStatus::AwaitingPayment
    );
    proxy.set(Net::Up);
    admin.app.sync_once().await.expect("sync");
    assert_eq!(
        displayed_case(&admin, case_id).await.unwrap(),
        server_case(&server, case_id).await
    );
}

#[tokio::test]
async fn sign_in_stores_the_session_in_the_token_store_and_sign_out_forgets_it() {
    let server = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = MemoryTokens::default();
    let app = open(dir.path(), &tokens).await;
    assert!(matches!(app.authority(), so_core::Authority::Standalone));
    let err = app.sync_once().await.unwrap_err();
    assert_eq!(
        err.code,
        SyncErrorCode::NotConnected,
        "standalone does not sync"
    );

    app.connect(&server.url("/")).await.unwrap();
    let wrong = app.sign_in(support::REQUESTER, "not the password").await;
    assert_eq!(wrong.unwrap_err().code, SyncErrorCode::InvalidCredentials);
    app.sign_in(support::REQUESTER, DEMO_PASSWORD)
        .await
        .unwrap();
    let store = TokenStore::Memory(tokens.clone());
    let url = server.url("");
    let saved = store
        .load(&url)
        .await
        .unwrap()
        .expect("the session is kept");
    assert_eq!(saved.user_id, demo::REQUESTER);
    assert!(
        file_free_of(&app, &saved.token).await,
        "the token is never written to the SQLite file"
    );
    let me = app.current_user().await.unwrap().expect("signed in");
    assert_eq!(me.id, demo::REQUESTER);
    assert!(
        app.list_cases(Default::default()).await.unwrap().is_empty(),
        "the standalone demo cases are gone: the data is the server's"
    );

    app.sign_out();
    assert_eq!(
        store.load(&url).await.unwrap(),
        None,
        "sign-out forgets the token"
    );
    assert_eq!(
        app.sync_once().await.unwrap_err().code,
        SyncErrorCode::NotSignedIn
    );
}

/// Whether no table of the desktop's SQLite file holds `token` anywhere.
async fn file_free_of(app: &App, token: &str) -> bool {
    let path = app_db_path(app).await;
    let bytes = std::fs::read(&path).unwrap_or_default();
    let wal = std::fs::read(format!("{}-wal", path.display())).unwrap_or_default();
    let needle = token.as_bytes();
    !bytes.windows(needle.len()).any(|w| w == needle)
        && !wal.windows(needle.len()).any(|w| w == needle)
}

async fn app_db_path(app: &App) -> std::path::PathBuf {
    use sqlx::Row;
    let mut conn = app.store().read().await.unwrap();
    let row = sqlx::query("PRAGMA database_list")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    std::path::PathBuf::from(row.get::<String, _>("file"))
}

#[tokio::test]
async fn two_admins_offline_assign_the_same_case_one_wins_the_other_is_told() {
    let server = spawn_app().await;
    let (net_a, net_b) = (
        Proxy::start(server.addr).await,
        Proxy::start(server.addr).await,
    );
    let requester = desk(&server.url(""), support::REQUESTER).await;
    let case_id = requester_work(&requester.app).await;
    requester.app.sync_once().await.expect("sync");
    let admin_a = desk(&net_a.url(), support::ADMIN).await;
    let admin_b = desk(&net_b.url(), support::ADMIN).await;

    // Both offline, both assign (the demo has one cardiology coordinator, so both pick
    // them; the rule refuses any change made meanwhile, whoever it names).
    net_a.set(Net::Down);
    net_b.set(Net::Down);
    for admin in [&admin_a, &admin_b] {
        let shown = admin
            .app
            .assign_coordinator(case_id, demo::COORDINATOR)
            .await
            .expect("allowed on what each admin sees");
        assert_eq!(shown.summary.status, CaseStatus::AwaitingPayment);
    }

    net_b.set(Net::Up);
    let report = admin_b.app.sync_once().await.expect("b syncs first");
    assert_eq!((report.accepted, report.refused), (1, 0));
    net_a.set(Net::Up);
    let report = admin_a.app.sync_once().await.expect("a syncs second");
    assert_eq!((report.accepted, report.refused), (0, 1));

    let attention = admin_a.app.needs_attention().await.unwrap();
    assert_eq!(attention.len(), 1, "the refusal reaches its author");
    assert_eq!(attention[0].code, "conflict");
    assert!(admin_b.app.needs_attention().await.unwrap().is_empty());
    let truth = server_case(&server, case_id).await;
    for admin in [&admin_a, &admin_b] {
        admin.app.sync_once().await.expect("sync");
        assert_eq!(
            displayed_case(admin, case_id).await.unwrap(),
            truth,
            "every replica shows the server's case, nothing of the refused command"
        );
    }
}

#[tokio::test]
async fn two_providers_and_a_coordinator_work_offline_and_converge_in_any_order() {
    use domain::{CaseCommand, OpinionInput};
    let server = spawn_app().await;
    let requester = desk(&server.url(""), support::REQUESTER).await;
    let case_id = requester_work(&requester.app).await;
    requester.app.sync_once().await.expect("sync");
    let admin = desk(&server.url(""), support::ADMIN).await;
    admin
        .app
        .assign_coordinator(case_id, demo::COORDINATOR)
        .await
        .expect("assign");
    admin.app.sync_once().await.expect("sync");
    pay(&server, case_id).await;

    let (net_c, net_1, net_2) = (
        Proxy::start(server.addr).await,
        Proxy::start(server.addr).await,
        Proxy::start(server.addr).await,
    );
    let coordinator = desk(&net_c.url(), support::COORDINATOR).await;
    coordinator
        .app
        .case_command(CaseCommand::AssignProviders {
            case_id,
            provider_ids: vec![demo::PROVIDER, demo::PROVIDER_2],
        })
        .await
        .expect("assign providers");
    coordinator.app.sync_once().await.expect("sync");
    let provider_1 = desk(&net_1.url(), support::PROVIDER).await;
    let provider_2 = desk(&net_2.url(), "provider2@demo.hospital").await;

    // Everyone offline; each provider accepts, reviews and writes an opinion on the plane.
    for net in [&net_c, &net_1, &net_2] {
        net.set(Net::Down);
    }
    for (provider, diagnosis) in [
        (&provider_1, "Three-vessel CAD"),
        (&provider_2, "Multivessel CAD"),
    ] {
        for command in [
            CaseCommand::RespondToAssignment {
                case_id,
                accept: true,
                reason: None,
            },
            CaseCommand::StartReview { case_id },
            CaseCommand::SubmitOpinion {
                case_id,
                opinion: OpinionInput {
                    assessment: "Reviewed the angiogram.".into(),
                    diagnosis: diagnosis.into(),
                    recommendations: "Heart-team discussion.".into(),
                    answers: "Bypass is preferable.".into(),
                    references: String::new(),
                },
            },
        ] {
            provider
                .app
                .case_command(command)
                .await
                .expect("allowed offline");
        }
        assert_eq!(provider.app.sync_status().await.unwrap().pending, 3);
    }

    // They come back in the other order than they went away.
    net_2.set(Net::Up);
    let report = provider_2.app.sync_once().await.expect("provider 2 syncs");
    assert_eq!((report.accepted, report.refused), (3, 0));
    net_1.set(Net::Up);
    let report = provider_1.app.sync_once().await.expect("provider 1 syncs");
    assert_eq!((report.accepted, report.refused), (3, 0));

    // The coordinator sees both opinions once online and completes the case.
    net_c.set(Net::Up);
    coordinator.app.sync_once().await.expect("sync");
    coordinator
        .app
        .case_command(CaseCommand::SubmitFinalSummary {
            case_id,
            summary: "Both reviewers recommend bypass surgery.".into(),
        })
        .await
        .expect("every opinion is in");
    coordinator.app.sync_once().await.expect("sync");

    let truth = server_case(&server, case_id).await;
    assert_eq!(truth.status, CaseStatus::Completed);
    assert_eq!(
        truth
            .assignments
            .iter()
            .filter(|a| a.opinion.is_some())
            .count(),
        2,
        "both offline opinions reached the server"
    );
    // Each replica holds what the server shows its user: a provider only its own opinion,
    // billing only for the requester (domain::visibility::redact_for).
    for (desk, id, role) in [
        (&requester, demo::REQUESTER, Role::Requester),
        (&coordinator, demo::COORDINATOR, Role::Coordinator),
        (&provider_1, demo::PROVIDER, Role::Provider),
        (&provider_2, demo::PROVIDER_2, Role::Provider),
    ] {
        desk.app.sync_once().await.expect("sync");
        let actor = Actor::new(id, role);
        assert_eq!(
            displayed_case(desk, case_id).await.unwrap(),
            domain::visibility::redact_for(truth.clone(), actor),
            "every replica converges to what the server's case shows its user"
        );
        let held = displayed_case(desk, case_id).await.unwrap();
        let opinions = held
            .assignments
            .iter()
            .filter(|a| a.opinion.is_some())
            .count();
        let expected = if role == Role::Provider { 1 } else { 2 };
        assert_eq!(opinions, expected, "{role:?} holds {expected} opinion(s)");
        assert_eq!(held.invoice.is_some(), role == Role::Requester);
        assert!(desk.app.needs_attention().await.unwrap().is_empty());
    }
}
