//! Sync throughput on this machine, printed as numbers (a benchmark, not a test): commands
//! pushed per second over HTTP, and the time of a first pull of all the events.
//!
//!     cargo bench -p server --bench sync            (bench profile = release; ~1 min)
//!     SO_BENCH_EVENTS=20000 cargo bench -p server --bench sync
//!
//! `SO_BENCH_EVENTS` (default 100,000) events are made by one requester in two parts, half
//! each: new patients (one command, one event each), then cases (a patient, and a case
//! created with a document and submitted: two commands, four events), pushed
//! `MAX_PUSH_COMMANDS` at a time as the desktop does. Then a new desktop of the same
//! requester pulls everything from cursor 0, page by page; and a provider who sees none
//! of it does the same (the pages are read and filtered all the same).
//!
//! It runs against the same throw-away PostgreSQL cluster as the tests (a fresh database).

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashSet;
use std::time::Instant;

use domain::{
    demo, CaseCommand, CaseFields, CaseId, Command, CommandId, DocumentId, DocumentInput,
    DocumentKind, PatientCommand, PatientId, PatientInput, Sex,
};
use protocol::{PullResponse, PushRequest, PushResponse, PushedCommand, MAX_PUSH_COMMANDS};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const REFERRAL: &[u8] = b"%PDF-1.4 benchmark referral";

fn pushed(command: Command) -> PushedCommand {
    PushedCommand {
        command_id: CommandId(Uuid::now_v7()),
        issued_at: chrono::Utc::now(),
        command,
    }
}

fn patient(n: usize) -> (PatientId, PushedCommand) {
    let patient_id = PatientId(Uuid::now_v7());
    let command = pushed(Command::Patient(PatientCommand::Create {
        patient_id,
        input: PatientInput {
            full_name: format!("Bench Patient {n}"),
            date_of_birth: "1970-01-01".into(),
            sex: if n % 2 == 0 { Sex::Female } else { Sex::Male },
            medical_record_number: Some(format!("MRN-{n}")),
            phone: None,
        },
    }));
    (patient_id, command)
}

fn submitted_case(patient_id: PatientId, sha256: &str) -> PushedCommand {
    pushed(Command::Case(CaseCommand::Create {
        case_id: CaseId(Uuid::now_v7()),
        fields: CaseFields {
            patient_id,
            review_type_id: demo::CARDIOLOGY_REVIEW,
            disease_category_id: demo::CORONARY,
            question: "Stent or bypass?".into(),
            clinical_summary: "Three-vessel disease, preserved ejection fraction.".into(),
        },
        documents: vec![(
            DocumentId(Uuid::now_v7()),
            DocumentInput {
                name: "referral.pdf".into(),
                kind: DocumentKind::MedicalReport,
                media_type: "application/pdf".into(),
                sha256: sha256.into(),
                size_bytes: REFERRAL.len() as u32,
            },
        )],
        submit: true,
    }))
}

/// Pushes `commands` in pushes of at most `MAX_PUSH_COMMANDS`; the seconds it took. What
/// is timed is the server's side: the bodies are serialized before the clock starts and
/// the answers read after it stops (the client shares the machine's two cores).
async fn push_all(app: &support::TestApp, token: &str, commands: Vec<PushedCommand>) -> f64 {
    let bodies: Vec<(usize, Vec<u8>)> = commands
        .chunks(MAX_PUSH_COMMANDS)
        .map(|batch| {
            let request = PushRequest {
                commands: batch.to_vec(),
            };
            (batch.len(), serde_json::to_vec(&request).unwrap())
        })
        .collect();
    let start = Instant::now();
    let mut answers = Vec::with_capacity(bodies.len());
    for (count, body) in bodies {
        let response = app
            .client
            .post(app.url("/v1/push"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send a push");
        assert!(response.status().is_success(), "push answers 200");
        answers.push((count, response.bytes().await.expect("a push answer")));
    }
    let secs = start.elapsed().as_secs_f64();
    for (count, answer) in answers {
        let response: PushResponse = serde_json::from_slice(&answer).expect("a push response");
        assert_eq!(response.results.len(), count);
        if let Some(refused) = response
            .results
            .iter()
            .find(|r| matches!(r.outcome, protocol::Outcome::Refused { .. }))
        {
            panic!("the benchmark's commands are all valid: {refused:?}");
        }
    }
    secs
}

struct Pulled {
    secs: f64,
    pages: usize,
    bytes: usize,
    /// Distinct ones: a case's patient comes with the case, maybe again.
    patients: HashSet<PatientId>,
    cases: HashSet<CaseId>,
    cursor: i64,
}

/// A first pull: from cursor 0 until `more` is false.
async fn pull_all(app: &support::TestApp, token: &str) -> Pulled {
    let start = Instant::now();
    let mut p = Pulled {
        secs: 0.0,
        pages: 0,
        bytes: 0,
        patients: HashSet::new(),
        cases: HashSet::new(),
        cursor: 0,
    };
    let mut config = 0;
    loop {
        let body = app
            .get(
                &format!("/v1/pull?cursor={}&config={config}", p.cursor),
                Some(token),
            )
            .await
            .bytes()
            .await
            .expect("a pull response");
        let page: PullResponse = serde_json::from_slice(&body).expect("a pull response");
        p.pages += 1;
        p.bytes += body.len();
        p.patients.extend(page.patients.iter().map(|x| x.id));
        p.cases.extend(page.cases.iter().map(|x| x.case.id));
        p.cursor = page.cursor;
        config = page.config_version;
        if !page.more {
            break;
        }
    }
    p.secs = start.elapsed().as_secs_f64();
    p
}

#[tokio::main]
async fn main() {
    let events: usize = std::env::var("SO_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!("sync benchmark: {events} events, {cpus} CPUs, {profile} build");
    let app = support::spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;

    // Half the events: new patients, one command and one event each.
    let patients = events / 2;
    let commands: Vec<PushedCommand> = (0..patients).map(|n| patient(n).1).collect();
    let secs = push_all(&app, &token, commands).await;
    println!(
        "push, patients:  {patients} commands ({patients} events) in {secs:.2} s = {:.0} commands/s",
        patients as f64 / secs
    );

    // The other half: a patient and a submitted case (Created, ReferenceAssigned,
    // Submitted): two commands, four events.
    let sha = hex::encode(Sha256::digest(REFERRAL));
    let uploaded = app
        .client
        .put(app.url(&format!("/v1/blobs/{sha}")))
        .bearer_auth(&token)
        .body(REFERRAL.to_vec())
        .send()
        .await
        .expect("upload");
    assert!(
        uploaded.status().is_success(),
        "the document's content is stored"
    );
    let cases = (events - patients) / 4;
    let mut commands = Vec::with_capacity(2 * cases);
    for n in 0..cases {
        let (patient_id, create) = patient(patients + n);
        commands.push(create);
        commands.push(submitted_case(patient_id, &sha));
    }
    let secs = push_all(&app, &token, commands).await;
    println!(
        "push, cases:     {} commands ({} events) in {secs:.2} s = {:.0} commands/s",
        2 * cases,
        4 * cases,
        (2 * cases) as f64 / secs
    );
    let total_events = patients + 4 * cases;

    // A new desktop of the same requester: everything, from the start.
    let p = pull_all(&app, &token).await;
    println!(
        "pull, requester: {} events as {} patients + {} cases in {} pages, {:.1} MB, {:.2} s \
         from cursor 0",
        p.cursor,
        p.patients.len(),
        p.cases.len(),
        p.pages,
        p.bytes as f64 / 1e6,
        p.secs
    );
    assert_eq!(
        p.cursor as usize, total_events,
        "the cursor reaches the last event"
    );
    assert_eq!(
        (p.patients.len(), p.cases.len()),
        (patients + cases, cases),
        "everything comes back"
    );

    // A provider on none of these cases: every page is read and filtered to nothing.
    let provider = app.sign_in(support::PROVIDER).await;
    let p = pull_all(&app, &provider).await;
    println!(
        "pull, provider:  {} events, none visible, in {} pages, {:.2} s from cursor 0",
        p.cursor, p.pages, p.secs
    );
    assert_eq!(
        p.patients.len() + p.cases.len(),
        0,
        "a provider off the cases sees none of them"
    );
}
