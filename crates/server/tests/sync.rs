//! Push and pull against a real PostgreSQL, through the real HTTP API.

mod support;

use domain::demo;
use domain::{
    CaseCommand, CaseFields, CaseId, CaseStatus, Command, CommandId, DocumentId, DocumentInput,
    DocumentKind, PatientCommand, PatientId, PatientInput, RefusalCode, Sex,
};
use protocol::{Outcome, PullResponse, PushRequest, PushResponse, PushedCommand};
use reqwest::StatusCode;
use server::error::ErrorCode;
use sha2::{Digest, Sha256};
use support::{expect_error, spawn_app, TestApp};
use uuid::Uuid;

fn pushed(command: Command) -> PushedCommand {
    PushedCommand {
        command_id: CommandId(Uuid::now_v7()),
        issued_at: chrono::Utc::now(),
        command,
    }
}

async fn push(app: &TestApp, token: &str, commands: &[PushedCommand]) -> PushResponse {
    let body = serde_json::to_value(PushRequest {
        commands: commands.to_vec(),
    })
    .unwrap();
    let response = app.post_json("/v1/push", &body, Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "push answers 200");
    response.json().await.expect("a push response")
}

async fn pull(app: &TestApp, token: &str, cursor: i64, config: i64) -> PullResponse {
    let response = app
        .get(
            &format!("/v1/pull?cursor={cursor}&config={config}"),
            Some(token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "pull answers 200");
    response.json().await.expect("a pull response")
}

async fn upload(app: &TestApp, token: &str, content: &[u8]) -> String {
    let sha = hex::encode(Sha256::digest(content));
    let response = app
        .client
        .put(app.url(&format!("/v1/blobs/{sha}")))
        .bearer_auth(token)
        .body(content.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "upload accepted");
    sha
}

fn accepted(outcome: &Outcome) -> &[protocol::SequencedEvent] {
    match outcome {
        Outcome::Accepted { events } => events,
        Outcome::Refused { refusal } => panic!("refused: {refusal:?}"),
    }
}

/// A requester's offline work: a patient, a case with one document, submitted.
async fn requester_work(app: &TestApp, token: &str) -> (CaseId, Vec<PushedCommand>) {
    let sha = upload(app, token, b"%PDF-1.4 referral").await;
    let patient_id = PatientId(Uuid::now_v7());
    let case_id = CaseId(Uuid::now_v7());
    let commands = vec![
        pushed(Command::Patient(PatientCommand::Create {
            patient_id,
            input: PatientInput {
                full_name: "Salma Nour".into(),
                date_of_birth: "1980-02-03".into(),
                sex: Sex::Female,
                medical_record_number: None,
                phone: None,
            },
        })),
        pushed(Command::Case(CaseCommand::Create {
            case_id,
            fields: CaseFields {
                patient_id,
                review_type_id: demo::CARDIOLOGY_REVIEW,
                disease_category_id: demo::CORONARY,
                question: "Stent or bypass?".into(),
                clinical_summary: "Three-vessel disease.".into(),
            },
            documents: vec![(
                DocumentId(Uuid::now_v7()),
                DocumentInput {
                    name: "referral.pdf".into(),
                    kind: DocumentKind::MedicalReport,
                    media_type: "application/pdf".into(),
                    sha256: sha,
                    size_bytes: 17,
                },
            )],
            submit: false,
        })),
        pushed(Command::Case(CaseCommand::Submit { case_id })),
    ];
    (case_id, commands)
}

#[tokio::test]
async fn a_push_is_decided_in_order_numbered_and_applied_once() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let (case_id, commands) = requester_work(&app, &token).await;
    let first = push(&app, &token, &commands).await;
    assert_eq!(first.results.len(), 3);
    let seqs: Vec<i64> = first
        .results
        .iter()
        .flat_map(|r| accepted(&r.outcome).iter().map(|e| e.seq))
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "events are numbered without gaps, in order: {seqs:?}"
    );
    let events = app.count("events").await;

    // The same push again: the same answers, nothing applied twice.
    let again = push(&app, &token, &commands).await;
    assert_eq!(again, first, "a retry gets the first answers");
    assert_eq!(
        app.count("events").await,
        events,
        "no event is applied twice"
    );

    // A second submit is a new command: refused with the rules' code, nothing stored.
    let resubmit = push(
        &app,
        &token,
        &[pushed(Command::Case(CaseCommand::Submit { case_id }))],
    )
    .await;
    match &resubmit.results[0].outcome {
        Outcome::Refused { refusal } => assert_eq!(refusal.code, RefusalCode::InvalidStatus),
        other => panic!("a second submit must be refused, got {other:?}"),
    }
    assert_eq!(app.count("events").await, events);

    let pulled = pull(&app, &token, 0, 0).await;
    assert!(
        pulled.catalog.is_some(),
        "the first pull carries the configuration"
    );
    let case = &pulled
        .cases
        .iter()
        .find(|c| c.case.id == case_id)
        .unwrap()
        .case;
    assert_eq!(case.status, CaseStatus::Submitted);
    assert!(
        case.reference
            .as_deref()
            .is_some_and(|r| r.starts_with("SO-")),
        "only the server numbers cases"
    );
    assert_eq!(pulled.patients.len(), 1, "the requester's own patient");
    let labels: Vec<&str> = pulled.cases[0]
        .timeline
        .iter()
        .map(|l| l.label.as_str())
        .collect();
    assert_eq!(labels, ["New case created", "Submitted for review"]);

    // Nothing new after the cursor; the configuration is not sent again.
    let next = pull(&app, &token, pulled.cursor, pulled.config_version).await;
    assert!(next.cases.is_empty() && next.patients.is_empty() && next.catalog.is_none());
}

#[tokio::test]
async fn a_pull_shows_only_what_the_user_may_see() {
    let app = spawn_app().await;
    let requester = app.sign_in(support::REQUESTER).await;
    let (case_id, commands) = requester_work(&app, &requester).await;
    push(&app, &requester, &commands).await;

    let provider = app.sign_in(support::PROVIDER).await;
    let theirs = pull(&app, &provider, 0, 0).await;
    assert!(
        theirs.cases.is_empty() && theirs.patients.is_empty() && theirs.removed_cases.is_empty(),
        "a provider not on the case gets no trace of it"
    );
    let other = app.sign_in("requester2@demo.hospital").await;
    assert!(pull(&app, &other, 0, 0).await.cases.is_empty());

    // Acting on it is "not found", exactly like a case that does not exist.
    let admin = app.sign_in(support::ADMIN).await;
    let assign = push(
        &app,
        &admin,
        &[pushed(Command::Case(CaseCommand::AssignCoordinator {
            case_id,
            coordinator_id: demo::COORDINATOR,
            replacing: None,
        }))],
    )
    .await;
    accepted(&assign.results[0].outcome);
    let coordinator = app.sign_in(support::COORDINATOR).await;
    let seen = pull(&app, &coordinator, 0, 0).await;
    assert_eq!(
        seen.cases.len(),
        1,
        "the assigned coordinator now sees the case"
    );
    assert_eq!(seen.patients.len(), 1, "and its patient");
    assert_eq!(seen.cases[0].case.status, CaseStatus::AwaitingPayment);

    // The requester corrects the patient's record: the coordinator hears of it through
    // the case; a provider off the case still hears nothing.
    let patient = seen.patients[0].clone();
    let edit = push(
        &app,
        &requester,
        &[pushed(Command::Patient(PatientCommand::Update {
            patient_id: patient.id,
            input: PatientInput {
                full_name: "Salma Nour Haddad".into(),
                date_of_birth: "1980-02-03".into(),
                sex: Sex::Female,
                medical_record_number: None,
                phone: None,
            },
        }))],
    )
    .await;
    accepted(&edit.results[0].outcome);
    let update = pull(&app, &coordinator, seen.cursor, seen.config_version).await;
    assert_eq!(update.cases.len(), 0, "the case itself did not change");
    assert_eq!(
        update
            .patients
            .iter()
            .map(|p| p.full_name.as_str())
            .collect::<Vec<_>>(),
        ["Salma Nour Haddad"],
        "a patient's edit reaches the coordinator of its case"
    );
    let still = pull(&app, &provider, 0, 0).await;
    assert!(still.patients.is_empty(), "and not a provider off the case");

    // A change to an ineligible coordinator is refused; the coordinator keeps the case.
    let change = push(
        &app,
        &admin,
        &[pushed(Command::Case(CaseCommand::AssignCoordinator {
            case_id,
            coordinator_id: demo::COORDINATOR_2,
            replacing: Some(demo::COORDINATOR),
        }))],
    )
    .await;
    match &change.results[0].outcome {
        // The demo's second coordinator covers oncology, not cardiology.
        Outcome::Refused { refusal } => assert_eq!(refusal.code, RefusalCode::NotEligible),
        other => panic!("an ineligible coordinator must be refused: {other:?}"),
    }
    let later = pull(&app, &coordinator, seen.cursor, seen.config_version).await;
    assert!(
        later.removed_cases.is_empty(),
        "nothing changed for the coordinator"
    );

    let ghost = pushed(Command::Case(CaseCommand::Submit {
        case_id: CaseId(Uuid::now_v7()),
    }));
    let hidden = push(
        &app,
        &provider,
        &[
            pushed(Command::Case(CaseCommand::StartReview { case_id })),
            ghost,
        ],
    )
    .await;
    for result in &hidden.results {
        match &result.outcome {
            Outcome::Refused { refusal } => assert_eq!(refusal.code, RefusalCode::NotFound),
            other => panic!("must be not found: {other:?}"),
        }
    }
}

#[tokio::test]
async fn documents_are_checked_against_their_hash_and_read_only_by_who_may_see_them() {
    let app = spawn_app().await;
    let requester = app.sign_in(support::REQUESTER).await;
    let wrong = hex::encode(Sha256::digest(b"something else"));
    let response = app
        .client
        .put(app.url(&format!("/v1/blobs/{wrong}")))
        .bearer_auth(&requester)
        .body(b"the real content".to_vec())
        .send()
        .await
        .unwrap();
    expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::InvalidInput).await;
    assert_eq!(
        app.count("blobs").await,
        0,
        "a mismatched upload stores nothing"
    );

    let (_case, commands) = requester_work(&app, &requester).await;
    push(&app, &requester, &commands).await;
    let sha = hex::encode(Sha256::digest(b"%PDF-1.4 referral"));
    let mine = app.get(&format!("/v1/blobs/{sha}"), Some(&requester)).await;
    assert_eq!(mine.status(), StatusCode::OK);
    assert_eq!(mine.bytes().await.unwrap().as_ref(), b"%PDF-1.4 referral");

    let provider = app.sign_in(support::PROVIDER).await;
    let theirs = app.get(&format!("/v1/blobs/{sha}"), Some(&provider)).await;
    expect_error(theirs, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let admin = app.sign_in(support::ADMIN).await;
    assert_eq!(
        app.get(&format!("/v1/blobs/{sha}"), Some(&admin))
            .await
            .status(),
        StatusCode::OK,
        "admins see every case, so its documents"
    );
}

#[tokio::test]
async fn bad_pushes_and_pulls_are_refused_and_store_nothing() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let before = (app.count("events").await, app.count("commands").await);
    let cases = [
        serde_json::json!({ "commands": [{ "commandId": "not-a-uuid" }] }),
        serde_json::json!({ "commands": [{
            "commandId": Uuid::now_v7(), "issuedAt": "2026-11-23T10:00:00Z",
            "command": { "type": "teleport_case", "case_id": Uuid::now_v7() } }] }),
        serde_json::json!({ "commands": "all of them" }),
        serde_json::json!({}),
    ];
    for body in cases {
        let response = app.post_json("/v1/push", &body, Some(&token)).await;
        expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::InvalidInput).await;
    }
    let raw = app
        .client
        .post(app.url("/v1/push"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"commands\": [")
        .send()
        .await
        .unwrap();
    expect_error(raw, StatusCode::BAD_REQUEST, ErrorCode::InvalidInput).await;
    let unauthenticated = app
        .post_json("/v1/push", &serde_json::json!({ "commands": [] }), None)
        .await;
    expect_error(
        unauthenticated,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
    )
    .await;
    for query in ["?cursor=-1", "?cursor=abc", ""] {
        let response = app.get(&format!("/v1/pull{query}"), Some(&token)).await;
        expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::InvalidInput).await;
    }
    assert_eq!(
        (app.count("events").await, app.count("commands").await),
        before,
        "nothing stored"
    );
}

#[tokio::test]
async fn two_admins_offline_assign_different_coordinators_and_the_second_is_refused() {
    let app = spawn_app().await;
    // A second cardiology coordinator, and a second admin.
    sqlx::query("INSERT INTO user_specialties (user_id, specialty_id) VALUES ($1, $2)")
        .bind(demo::COORDINATOR_2.as_uuid())
        .bind(demo::CARDIOLOGY.as_uuid())
        .execute(&app.pool)
        .await
        .unwrap();
    let admin = app.sign_in(support::ADMIN).await;
    let created = app
        .post_json(
            "/v1/admin/users",
            &serde_json::json!({
                "email": "second.admin@demo.hospital", "name": "Second Admin",
                "role": "admin", "password": "a long enough password"
            }),
            Some(&admin),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let admin_2 = app
        .sign_in_as("second.admin@demo.hospital", "a long enough password")
        .await;
    let admin_2: serde_json::Value = admin_2.json().await.unwrap();
    let admin_2 = admin_2["token"].as_str().unwrap().to_string();

    let requester = app.sign_in(support::REQUESTER).await;
    let (case_id, commands) = requester_work(&app, &requester).await;
    push(&app, &requester, &commands).await;

    // Both saw the case with no coordinator while offline, and chose differently.
    let choose = |coordinator_id| {
        pushed(Command::Case(CaseCommand::AssignCoordinator {
            case_id,
            coordinator_id,
            replacing: None,
        }))
    };
    let first = push(&app, &admin, &[choose(demo::COORDINATOR)]).await;
    accepted(&first.results[0].outcome);
    let events = app.count("events").await;
    let second = push(&app, &admin_2, &[choose(demo::COORDINATOR_2)]).await;
    match &second.results[0].outcome {
        Outcome::Refused { refusal } => {
            assert_eq!(refusal.code, RefusalCode::Conflict);
            assert_eq!(refusal.field.as_deref(), Some("coordinatorId"));
        }
        other => panic!("the second choice must be refused, not applied: {other:?}"),
    }
    assert_eq!(
        app.count("events").await,
        events,
        "the refused choice left no event"
    );

    let seen = pull(&app, &admin_2, 0, 0).await;
    let case = &seen
        .cases
        .iter()
        .find(|c| c.case.id == case_id)
        .unwrap()
        .case;
    assert_eq!(
        case.coordinator(),
        Some(demo::COORDINATOR),
        "the first choice stands"
    );
    assert_eq!(case.coordinators.len(), 1, "no trace of the refused choice");
}

#[tokio::test]
async fn a_connected_client_hears_that_there_is_something_to_pull() {
    use futures_util::StreamExt;

    let app = spawn_app().await;
    let admin = app.sign_in(support::ADMIN).await;
    let mut socket = support::live_socket(app.addr, &admin).await;

    let requester = app.sign_in(support::REQUESTER).await;
    let (_case, commands) = requester_work(&app, &requester).await;
    let pushed = push(&app, &requester, &commands).await;
    let last = accepted(&pushed.results[2].outcome).last().unwrap().seq;

    // Bounded wait for the nudge (no sleep): it names the newest event, nothing else.
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("a nudge within 10 s")
        .expect("the socket is open")
        .expect("a message");
    let body: serde_json::Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "seq": last }),
        "only a number, no data"
    );

    let refused = app.get("/v1/live", None).await;
    expect_error(refused, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
}
