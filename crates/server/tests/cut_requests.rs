//! Clients that go away mid-request (a timeout, a closed laptop) never harm the requests
//! after them: hundreds of pulls and pushes are cut at random points on the real server and
//! PostgreSQL, then every request answers as it should — no 5xx — and every pushed command
//! is stored at most once, and exactly once after its retry.
//!
//! What it does not do: reproduce sqlx's cancelled-`BEGIN` window on demand (it is well
//! under a millisecond here; with the server's `to_completion` layer removed this test
//! still passed three runs of three). That bug was seen in `live_sync` and is closed by
//! running every request to its end (`crates/server/src/lib.rs`); this test guards the
//! invariants around it.

mod support;

use std::time::Duration;

use domain::{Command, PatientCommand, PatientId, PatientInput, Sex};
use protocol::{PushRequest, PushedCommand};
use support::api::pushed;
use support::spawn_app;
use uuid::Uuid;

fn new_patient(n: usize) -> PushedCommand {
    pushed(Command::Patient(PatientCommand::Create {
        patient_id: PatientId(Uuid::now_v7()),
        input: PatientInput {
            full_name: format!("Cut Patient {n}"),
            date_of_birth: "1980-02-03".into(),
            sex: Sex::Male,
            medical_record_number: None,
            phone: None,
        },
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_cut_mid_flight_leave_nothing_behind() {
    let app = spawn_app().await;
    let token = app.sign_in(support::REQUESTER).await;
    let commands: Vec<PushedCommand> = (0..120).map(new_patient).collect();

    // Cut at random points: a timeout from 1 to 30 ms, well inside a push or a pull here.
    let mut cut = tokio::task::JoinSet::new();
    for (n, command) in commands.iter().enumerate() {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(1 + (n as u64 * 7) % 30))
            .build()
            .unwrap();
        let (push, pull) = (app.url("/v1/push"), app.url("/v1/pull?cursor=0&config=0"));
        let (token, body) = (
            token.clone(),
            PushRequest {
                commands: vec![command.clone()],
            },
        );
        cut.spawn(async move {
            let pushed = client.post(push).bearer_auth(&token).json(&body).send();
            let pulled = client.get(pull).bearer_auth(&token).send();
            let (pushed, pulled) = tokio::join!(pushed, pulled);
            [
                pushed.ok().map(|r| r.status()),
                pulled.ok().map(|r| r.status()),
            ]
        });
    }
    while let Some(answers) = cut.join_next().await {
        for status in answers.unwrap().into_iter().flatten() {
            assert!(
                !status.is_server_error(),
                "a cut neighbour answered {status}"
            );
        }
    }

    // Afterwards: the pool serves every request, and no command is stored twice.
    let client = reqwest::Client::new();
    for _ in 0..40 {
        let pulled = client
            .get(app.url("/v1/pull?cursor=0&config=0"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(pulled.status(), reqwest::StatusCode::OK);
    }
    let stored_more_than_once: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT command_id FROM commands GROUP BY command_id
         HAVING count(*) > 1) AS twice",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored_more_than_once, 0);

    // Retried, every command is taken exactly once: the ones that landed answer as before.
    let retried = client
        .post(app.url("/v1/push"))
        .bearer_auth(&token)
        .json(&PushRequest {
            commands: commands.clone(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), reqwest::StatusCode::OK);
    assert_eq!(app.count("commands").await, commands.len() as i64);
    assert_eq!(app.count("patients").await, commands.len() as i64);
}
