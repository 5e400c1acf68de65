//! Sync throughput on this machine, printed as numbers (a benchmark, not a test):
//! commands pushed per second over HTTP, and the time of a first pull of 100k events.
//!
//!     cargo bench -p server --bench sync            (release build; ~1 min to run)
//!     SO_BENCH_EVENTS=20000 cargo bench -p server --bench sync
//!
//! It runs against the same throw-away PostgreSQL cluster as the tests (a fresh database).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use domain::{Command, CommandId, PatientCommand, PatientId, PatientInput, Sex};
use protocol::{PullResponse, PushRequest, PushResponse, PushedCommand, MAX_PUSH_COMMANDS};
use uuid::Uuid;

fn patient(n: usize) -> PushedCommand {
    PushedCommand {
        command_id: CommandId(Uuid::now_v7()),
        issued_at: chrono::Utc::now(),
        command: Command::Patient(PatientCommand::Create {
            patient_id: PatientId(Uuid::now_v7()),
            input: PatientInput {
                full_name: format!("Bench Patient {n}"),
                date_of_birth: "1970-01-01".into(),
                sex: if n % 2 == 0 { Sex::Female } else { Sex::Male },
                medical_record_number: Some(format!("MRN-{n}")),
                phone: None,
            },
        }),
    }
}

#[tokio::main]
async fn main() {
    let events: usize = std::env::var("SO_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let app = support::spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;

    let start = Instant::now();
    let mut pushed = 0;
    while pushed < events {
        let batch: Vec<PushedCommand> = (pushed..(pushed + MAX_PUSH_COMMANDS).min(events))
            .map(patient)
            .collect();
        let body = serde_json::to_value(PushRequest { commands: batch }).unwrap();
        let response: PushResponse = app
            .post_json("/v1/push", &body, Some(&token))
            .await
            .json()
            .await
            .expect("a push response");
        pushed += response.results.len();
    }
    let push_secs = start.elapsed().as_secs_f64();
    println!(
        "push: {pushed} commands in {push_secs:.2} s = {:.0} commands/s ({} per push, one HTTP round trip each)",
        pushed as f64 / push_secs,
        MAX_PUSH_COMMANDS
    );

    // A new desktop of the same requester pulls everything from the start.
    let start = Instant::now();
    let (mut cursor, mut received, mut pages) = (0i64, 0usize, 0usize);
    loop {
        let page: PullResponse = app
            .get(&format!("/v1/pull?cursor={cursor}&config=0"), Some(&token))
            .await
            .json()
            .await
            .expect("a pull response");
        received += page.patients.len();
        pages += 1;
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    let pull_secs = start.elapsed().as_secs_f64();
    println!(
        "pull: {received} patients ({cursor} events) in {pages} pages, {pull_secs:.2} s from cursor 0"
    );
    assert_eq!(received, events, "every pushed patient comes back");
}
