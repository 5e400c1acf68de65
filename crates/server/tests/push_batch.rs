//! A push is decided as one batch (read once, decide in memory in order, write with a few
//! multi-row statements). These tests hold it to the one-command-at-a-time semantics:
//! each command sees the earlier ones' effects, a refusal leaves nothing behind for the
//! later ones, a command id is applied at most once even twice in one push, and the
//! stored state is exactly what pushing the same commands one by one leaves.

mod support;

use chrono::{DateTime, Datelike, Utc};
use domain::demo;
use domain::{
    Actor, CaseCommand, CaseFields, CaseId, CaseStatus, Command, CommandId, DocumentId,
    DocumentInput, DocumentKind, PatientCommand, PatientId, PatientInput, PaymentOutcome,
    RefusalCode, Role, Sex, UserId,
};
use protocol::{Outcome, PullResponse, PushRequest, PushResponse, PushedCommand};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::{spawn_app, TestApp};
use uuid::Uuid;

const REFERRAL: &[u8] = b"%PDF-1.4 batch referral";

fn pushed(command: Command) -> PushedCommand {
    PushedCommand {
        command_id: CommandId(Uuid::now_v7()),
        issued_at: "2026-11-23T10:00:00Z".parse().unwrap(),
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

async fn pull(app: &TestApp, token: &str) -> PullResponse {
    let response = app.get("/v1/pull?cursor=0&config=0", Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "pull answers 200");
    let page: PullResponse = response.json().await.expect("a pull response");
    assert!(!page.more, "these tests stay within one page");
    page
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

fn seqs(outcome: &Outcome) -> Vec<i64> {
    match outcome {
        Outcome::Accepted { events } => events.iter().map(|e| e.seq).collect(),
        Outcome::Refused { refusal } => panic!("expected accepted, got refused: {refusal:?}"),
    }
}

fn refusal(outcome: &Outcome) -> RefusalCode {
    match outcome {
        Outcome::Refused { refusal } => refusal.code,
        Outcome::Accepted { events } => panic!("expected refused, got accepted: {events:?}"),
    }
}

fn new_patient(patient_id: PatientId, name: &str) -> Command {
    Command::Patient(PatientCommand::Create {
        patient_id,
        input: PatientInput {
            full_name: name.into(),
            date_of_birth: "1975-06-07".into(),
            sex: Sex::Male,
            medical_record_number: None,
            phone: None,
        },
    })
}

fn new_case(case_id: CaseId, patient_id: PatientId, sha256: &str, submit: bool) -> Command {
    Command::Case(CaseCommand::Create {
        case_id,
        fields: CaseFields {
            patient_id,
            review_type_id: demo::CARDIOLOGY_REVIEW,
            disease_category_id: demo::CORONARY,
            question: "Stent or bypass?".into(),
            clinical_summary: "Three-vessel disease.".into(),
        },
        documents: vec![(
            // Per case: a document id is unique within its case only.
            DocumentId(Uuid::now_v7()),
            DocumentInput {
                name: "referral.pdf".into(),
                kind: DocumentKind::MedicalReport,
                media_type: "application/pdf".into(),
                sha256: sha256.into(),
                size_bytes: REFERRAL.len() as u32,
            },
        )],
        submit,
    })
}

fn case(command: CaseCommand) -> Command {
    Command::Case(command)
}

fn assign(case_id: CaseId, coordinator_id: UserId, replacing: Option<UserId>) -> Command {
    case(CaseCommand::AssignCoordinator {
        case_id,
        coordinator_id,
        replacing,
    })
}

/// The event numbers handed out over all `responses`, first appearances only (a replayed
/// answer repeats its numbers), are 1, 2, 3, … in order, without a gap.
fn assert_gap_free(responses: &[&PushResponse]) {
    let mut numbers: Vec<i64> = Vec::new();
    for result in responses.iter().flat_map(|r| r.results.iter()) {
        if let Outcome::Accepted { events } = &result.outcome {
            for seq in events.iter().map(|e| e.seq) {
                if !numbers.contains(&seq) {
                    numbers.push(seq);
                }
            }
        }
    }
    let expected: Vec<i64> = (1..=numbers.len() as i64).collect();
    assert_eq!(numbers, expected, "event numbers are gap-free and in order");
}

#[tokio::test]
async fn a_later_command_in_a_push_sees_what_the_earlier_ones_did() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let sha = upload(&app, &token, REFERRAL).await;
    let (patient_id, case_id) = (PatientId(Uuid::now_v7()), CaseId(Uuid::now_v7()));
    let commands = [
        pushed(new_patient(patient_id, "Omar Haddad")),
        // Names the patient created just before, in the same push.
        pushed(new_case(case_id, patient_id, &sha, false)),
        // Needs the draft created just before.
        pushed(case(CaseCommand::Submit { case_id })),
        // Now the case is submitted: a second submit breaks the rules.
        pushed(case(CaseCommand::Submit { case_id })),
    ];
    let answer = push(&app, &token, &commands).await;
    let [patient, created, submitted, again] = &answer.results[..] else {
        panic!("one answer per command: {answer:?}");
    };
    assert_eq!(seqs(&patient.outcome), [1]);
    assert_eq!(
        seqs(&created.outcome),
        [2, 3],
        "Created, then the server's ReferenceAssigned"
    );
    assert_eq!(seqs(&submitted.outcome), [4]);
    assert_eq!(
        refusal(&again.outcome),
        RefusalCode::InvalidStatus,
        "the second submit is decided on the state the first one left"
    );
    assert_eq!(app.count("events").await, 4, "the refusal added no event");

    let pulled = pull(&app, &token).await;
    let snapshot = &pulled.cases[0];
    assert_eq!(snapshot.case.status, CaseStatus::Submitted);
    assert_eq!(snapshot.seq, 4, "the case's seq is its latest event");
    assert_eq!(
        snapshot.case.reference.as_deref(),
        Some(domain::case_reference(Utc::now().year(), 1).as_str())
    );
    let labels: Vec<&str> = snapshot.timeline.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(
        labels,
        ["New case created", "Submitted for review"],
        "timeline lines of one push keep their order"
    );
    assert_eq!(pulled.cursor, 4);
}

#[tokio::test]
async fn a_refusal_mid_push_leaves_nothing_for_the_commands_after_it() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let sha = upload(&app, &token, REFERRAL).await;
    let missing = hex::encode(Sha256::digest(b"never uploaded"));
    let patient_id = PatientId(Uuid::now_v7());
    let (first, second) = (CaseId(Uuid::now_v7()), CaseId(Uuid::now_v7()));
    let commands = [
        pushed(new_patient(patient_id, "Lina Aziz")),
        // Refused (its document's content is not on the server)…
        pushed(new_case(first, patient_id, &missing, true)),
        // …so the same case id is still free: were anything of the refusal kept, this
        // would be refused as "already exists".
        pushed(new_case(first, patient_id, &sha, true)),
        // Refused: a case that does not exist for this requester.
        pushed(case(CaseCommand::Submit { case_id: second })),
        pushed(new_case(second, patient_id, &sha, false)),
    ];
    let answer = push(&app, &token, &commands).await;
    let outcomes: Vec<&Outcome> = answer.results.iter().map(|r| &r.outcome).collect();
    assert_eq!(refusal(outcomes[1]), RefusalCode::InvalidInput);
    assert_eq!(seqs(outcomes[2]), [2, 3, 4]);
    assert_eq!(refusal(outcomes[3]), RefusalCode::NotFound);
    assert_eq!(seqs(outcomes[4]), [5, 6]);
    assert_gap_free(&[&answer]);

    let year = Utc::now().year();
    let pulled = pull(&app, &token).await;
    let reference = |id: CaseId| {
        pulled
            .cases
            .iter()
            .find(|c| c.case.id == id)
            .and_then(|c| c.case.reference.clone())
    };
    assert_eq!(
        (reference(first), reference(second)),
        (
            Some(domain::case_reference(year, 1)),
            Some(domain::case_reference(year, 2))
        ),
        "a refused case takes no reference number"
    );
    let counters: Vec<(String, i64)> =
        sqlx::query_as("SELECT name, value FROM counters WHERE name <> 'config' ORDER BY name")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        counters,
        [
            (domain::case_reference_counter(year), 2),
            ("events".to_string(), 6)
        ],
        "the counters end where the accepted commands left them"
    );
    assert_eq!(
        app.count("commands").await,
        5,
        "every command's answer is kept, refusals too"
    );
}

#[tokio::test]
async fn a_command_id_twice_in_one_push_is_decided_once() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let create = pushed(new_patient(PatientId(Uuid::now_v7()), "Sara Khalil"));
    let ghost = pushed(case(CaseCommand::Submit {
        case_id: CaseId(Uuid::now_v7()),
    }));
    let answer = push(
        &app,
        &token,
        &[create.clone(), ghost.clone(), create.clone(), ghost.clone()],
    )
    .await;
    let results = &answer.results;
    assert_eq!(
        results[0].outcome, results[2].outcome,
        "the first answer again"
    );
    assert_eq!(results[1].outcome, results[3].outcome, "a refusal too");
    assert_eq!(seqs(&results[0].outcome), [1]);
    assert_eq!(refusal(&results[1].outcome), RefusalCode::NotFound);
    assert_eq!(
        (app.count("events").await, app.count("commands").await),
        (1, 2),
        "each id applied and recorded once"
    );

    // A retry with one new command: the old answers, and the new one numbered next.
    let more = pushed(new_patient(PatientId(Uuid::now_v7()), "Sara Khalil Jr"));
    let retry = push(&app, &token, &[create.clone(), more.clone(), create]).await;
    assert_eq!(retry.results[0].outcome, results[0].outcome);
    assert_eq!(seqs(&retry.results[1].outcome), [2]);
    assert_eq!(retry.results[2].outcome, results[0].outcome);
    assert_gap_free(&[&answer, &retry]);

    // Another user's ids inside a push: refused without their answer, the rest applied.
    let other = app.sign_in("requester2@demo.hospital").await;
    let own = pushed(new_patient(PatientId(Uuid::now_v7()), "Nadia Saleh"));
    let theirs = push(&app, &other, &[more.clone(), own, ghost]).await;
    for stolen in [&theirs.results[0], &theirs.results[2]] {
        match &stolen.outcome {
            Outcome::Refused { refusal } => {
                assert_eq!(refusal.code, RefusalCode::Conflict);
                assert!(
                    refusal.message.contains("already in use"),
                    "says why, not what the first answer was: {refusal:?}"
                );
            }
            other => panic!("someone else's id must be refused: {other:?}"),
        }
    }
    assert_eq!(
        seqs(&theirs.results[1].outcome),
        [3],
        "their own command is applied"
    );
    assert_eq!(app.count("events").await, 3);
}

// --- the same commands, one by one and in batches -----------------------------------

/// Who pushes what, in order: each entry is one push in batch mode.
struct Script {
    sha: String,
    pushes: Vec<(&'static str, Vec<PushedCommand>)>,
    /// The case paid for: the system records it after the push `payment_at`.
    paid: CaseId,
    payment: PushedCommand,
    payment_at: usize,
}

fn script() -> Script {
    let sha = hex::encode(Sha256::digest(REFERRAL));
    let missing = hex::encode(Sha256::digest(b"not uploaded"));
    let patient = PatientId(Uuid::now_v7());
    let [c1, c2, c3] = [(); 3].map(|_| CaseId(Uuid::now_v7()));
    let submit_c1 = pushed(case(CaseCommand::Submit { case_id: c1 }));
    let requester = vec![
        pushed(new_patient(patient, "Huda Mansour")),
        pushed(new_case(c1, patient, &sha, false)),
        submit_c1.clone(),
        pushed(case(CaseCommand::Submit { case_id: c1 })),
        pushed(new_case(c2, patient, &missing, true)),
        pushed(new_case(c3, patient, &sha, true)),
        pushed(Command::Patient(PatientCommand::Update {
            patient_id: patient,
            input: PatientInput {
                full_name: "Huda Mansour Saleh".into(),
                date_of_birth: "1975-06-07".into(),
                sex: Sex::Female,
                medical_record_number: Some("MRN-7".into()),
                phone: None,
            },
        })),
        submit_c1.clone(),
        pushed(new_case(
            CaseId(Uuid::now_v7()),
            PatientId(Uuid::now_v7()),
            &sha,
            true,
        )),
    ];
    let admin = vec![
        pushed(assign(c1, demo::COORDINATOR, None)),
        pushed(assign(c1, demo::COORDINATOR_2, Some(demo::COORDINATOR))),
        pushed(assign(c1, demo::COORDINATOR, None)),
        pushed(assign(c1, demo::COORDINATOR, Some(demo::COORDINATOR_2))),
        pushed(assign(c3, demo::COORDINATOR_2, None)),
        pushed(assign(c3, demo::COORDINATOR, Some(demo::COORDINATOR_2))),
    ];
    let coordinator = vec![
        pushed(case(CaseCommand::AssignProviders {
            case_id: c1,
            provider_ids: vec![demo::PROVIDER, demo::PROVIDER_2],
        })),
        pushed(case(CaseCommand::AssignProviders {
            case_id: c1,
            provider_ids: vec![demo::PROVIDER],
        })),
    ];
    let provider = vec![
        pushed(case(CaseCommand::RespondToAssignment {
            case_id: c1,
            accept: false,
            reason: Some("On leave".into()),
        })),
        pushed(case(CaseCommand::StartReview { case_id: c1 })),
    ];
    let provider_2 = vec![
        pushed(case(CaseCommand::RespondToAssignment {
            case_id: c1,
            accept: true,
            reason: None,
        })),
        pushed(case(CaseCommand::StartReview { case_id: c1 })),
        // The requester's id: refused, never applied.
        submit_c1,
    ];
    Script {
        sha,
        pushes: vec![
            (support::REQUESTER, requester),
            (support::ADMIN, admin),
            (support::COORDINATOR, coordinator),
            (support::PROVIDER, provider),
            ("provider2@demo.hospital", provider_2),
        ],
        paid: c1,
        payment: pushed(case(CaseCommand::RecordPayment {
            case_id: c1,
            outcome: PaymentOutcome::Succeeded {
                reference: "SANDBOX-0001".into(),
            },
        })),
        payment_at: 1,
    }
}

/// Runs `script` on a fresh server, each push whole (`batched`) or one command per push;
/// the answers, in command order.
async fn run(script: &Script, batched: bool) -> (TestApp, Vec<Outcome>) {
    let app = spawn_app().await;
    // A second cardiology coordinator, so the coordinator can be changed.
    sqlx::query("INSERT INTO user_specialties (user_id, specialty_id) VALUES ($1, $2)")
        .bind(demo::COORDINATOR_2.as_uuid())
        .bind(demo::CARDIOLOGY.as_uuid())
        .execute(&app.pool)
        .await
        .unwrap();
    let mut outcomes = Vec::new();
    for (i, (email, commands)) in script.pushes.iter().enumerate() {
        let token = app.sign_in(email).await;
        if i == 0 {
            assert_eq!(upload(&app, &token, REFERRAL).await, script.sha);
        }
        if batched {
            let answer = push(&app, &token, commands).await;
            outcomes.extend(answer.results.into_iter().map(|r| r.outcome));
        } else {
            for command in commands {
                let answer = push(&app, &token, std::slice::from_ref(command)).await;
                outcomes.extend(answer.results.into_iter().map(|r| r.outcome));
            }
        }
        if i == script.payment_at {
            record_payment(&app, &script.payment).await;
        }
    }
    (app, outcomes)
}

/// The payment callback's way in: one command decided by `apply::apply` as the system.
async fn record_payment(app: &TestApp, payment: &PushedCommand) {
    let system = Actor::new(demo::SYSTEM, Role::System);
    let mut tx = app.pool.begin().await.unwrap();
    server::sync::db::lock_log(&mut tx).await.unwrap();
    let outcome = server::sync::apply::apply_and_record(&mut tx, system, payment, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    seqs(&outcome);
}

/// Timestamps differ between two runs (the server decides at its own `now`); everything
/// else must not.
fn without_times(value: Value) -> Value {
    match value {
        Value::String(s) if s.parse::<DateTime<Utc>>().is_ok() => Value::String("<time>".into()),
        Value::Array(items) => Value::Array(items.into_iter().map(without_times).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, without_times(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Every table a push writes, timestamps aside, as JSON rows in a stable order.
async fn stored(app: &TestApp) -> Vec<(String, Value)> {
    let queries = [
        (
            "events",
            "SELECT seq, command_id, aggregate, aggregate_id, actor_id, actor_role, event
             FROM events ORDER BY seq",
        ),
        (
            "commands",
            "SELECT command_id, user_id, command, outcome FROM commands ORDER BY command_id",
        ),
        (
            "patients",
            "SELECT id, owner_id, state, seq FROM patients ORDER BY id",
        ),
        (
            "cases",
            "SELECT id, reference, requester_id, patient_id, coordinator_id, status, state, seq
             FROM cases ORDER BY id",
        ),
        (
            "timeline",
            "SELECT id, case_id, seq, actor_id, actor_role, label, detail, command_id
             FROM timeline ORDER BY id",
        ),
        (
            "case_access",
            "SELECT case_id, user_id, granted, seq FROM case_access ORDER BY case_id, user_id",
        ),
        ("counters", "SELECT name, value FROM counters ORDER BY name"),
    ];
    let mut out = Vec::new();
    for (table, query) in queries {
        let all: Value = sqlx::query_scalar(&format!(
            "SELECT coalesce(jsonb_agg(to_jsonb(r)), '[]') FROM ({query}) r"
        ))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        out.push((table.to_string(), without_times(all)));
    }
    out
}

#[tokio::test]
async fn a_batch_stores_exactly_what_the_same_commands_pushed_one_by_one_store() {
    let script = script();
    let (one_by_one, singles) = run(&script, false).await;
    let (batched, batch) = run(&script, true).await;

    let singles: Vec<Value> = singles
        .iter()
        .map(|o| without_times(serde_json::to_value(o).unwrap()))
        .collect();
    let batch_json: Vec<Value> = batch
        .iter()
        .map(|o| without_times(serde_json::to_value(o).unwrap()))
        .collect();
    assert_eq!(batch_json, singles, "the same answers, command by command");
    let (expected, got) = (stored(&one_by_one).await, stored(&batched).await);
    for ((table, want), (_, have)) in expected.iter().zip(&got) {
        assert_eq!(have, want, "table {table}: batch and one-by-one differ");
    }

    // And the answers are the ones the rules call for.
    let codes: Vec<Option<RefusalCode>> = batch
        .iter()
        .map(|o| match o {
            Outcome::Accepted { .. } => None,
            Outcome::Refused { refusal } => Some(refusal.code),
        })
        .collect();
    use RefusalCode::{Conflict, InvalidInput, InvalidStatus, NotFound};
    assert_eq!(
        codes,
        [
            // requester: patient, case, submit, submit again, case without its content,
            // case submitted at once, patient update, the first submit's id again, a case
            // for a patient that does not exist
            None,
            None,
            None,
            Some(InvalidStatus),
            Some(InvalidInput),
            None,
            None,
            None,
            Some(NotFound),
            // admin: assign, change, a stale "assign" (someone changed it), change back,
            // assign on the other case, change it
            None,
            None,
            Some(Conflict),
            None,
            None,
            None,
            // coordinator: two providers, then one of them again
            None,
            Some(Conflict),
            // provider: declines, then cannot start (the case is gone for them)
            None,
            Some(NotFound),
            // second provider: accepts, starts; someone else's command id
            None,
            None,
            Some(Conflict),
        ]
    );
    assert_eq!(batch[7], batch[2], "a repeated id gets its first answer");

    // Access as the batch left it: the coordinator who was replaced and came back sees
    // the case; the one replaced for good and the provider who declined are told to drop it.
    let pull_as = |email: &'static str| {
        let app = &batched;
        async move {
            let token = app.sign_in(email).await;
            pull(app, &token).await
        }
    };
    let coordinator = pull_as(support::COORDINATOR).await;
    assert_eq!(coordinator.cases.len(), 2, "both cases are theirs now");
    let coordinator_2 = pull_as("coordinator2@demo.hospital").await;
    assert!(coordinator_2.cases.is_empty());
    assert_eq!(
        coordinator_2.removed_cases.len(),
        2,
        "replaced on both cases: both to drop"
    );
    let provider = pull_as(support::PROVIDER).await;
    assert!(provider.cases.is_empty());
    assert_eq!(provider.removed_cases, [script.paid], "declined: to drop");
    let provider_2 = pull_as("provider2@demo.hospital").await;
    assert_eq!(provider_2.cases.len(), 1);
    assert_eq!(provider_2.cases[0].case.status, CaseStatus::DoctorsAssigned);
}
