//! The scheduled jobs (`server::jobs::run_jobs`) against the real server, run by hand at
//! the `now` each test chooses (no sleeps): the draft reminder after 24 hours exactly
//! once — run twice, then on a second server on the same database (a restart); overdue
//! opinion alerts after the review type's expected days; reminders 24 hours and 1 hour
//! before an accepted appointment; an ended appointment completed by the system, with its
//! timeline line, pulled like any change.

mod support;

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, DurationRound, Utc};
use domain::{AppointmentStatus, CaseCommand, NoticeKind, OpinionInput, Role, UserId};
use futures_util::StreamExt;
use server::jobs::{self, run_jobs, JobRun};
use server::AppState;
use support::api::{
    answer_appointment, case, case_with_doctors, new_case, request_appointment, People, Person,
};
use support::{spawn_app, TestApp};

/// A server state on `app`'s database with the jobs (and refunds) off: the tests run them.
fn state_on(app: &TestApp) -> AppState {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(5)
        .connect_lazy_with((*app.pool.connect_options()).clone());
    let mut state = AppState::new(pool);
    state.jobs.every = None;
    state.refunds.every = None;
    state
}

async fn run(state: &AppState, now: DateTime<Utc>) -> JobRun {
    run_jobs(state, now).await.expect("the jobs run")
}

fn reminders(n: usize) -> JobRun {
    JobRun {
        reminders: n,
        completed: 0,
    }
}

/// The kinds of notification `who` pulls from scratch.
async fn told(app: &TestApp, who: &Person) -> Vec<NoticeKind> {
    app.pull_all(who, 0).await.kinds()
}

async fn count(app: &TestApp, who: &Person, kind: NoticeKind) -> usize {
    told(app, who).await.iter().filter(|k| **k == kind).count()
}

#[tokio::test]
async fn a_draft_is_reminded_once_after_a_day_even_across_a_restart() {
    let app = spawn_app().await;
    let state = state_on(&app);
    let requester = app.person(support::REQUESTER).await;
    let draft = new_case(&app, &requester, false).await;
    let submitted = new_case(&app, &requester, true).await;
    let created = app.case(draft).await.created_at;
    assert!(app.case(submitted).await.created_at >= created);

    assert_eq!(
        run(&state, created + Duration::hours(24) - Duration::seconds(1)).await,
        JobRun::default(),
        "not before 24 hours"
    );
    assert_eq!(count(&app, &requester, NoticeKind::DraftReminder).await, 0);

    let mut live = support::live_socket(app.addr, &requester.token).await;
    assert_eq!(
        run(&state, created + Duration::hours(24)).await,
        reminders(1),
        "one reminder, for the draft only (the submitted case owes none)"
    );
    let pulled = app.pull_all(&requester, 0).await;
    let reminder = pulled
        .notifications
        .iter()
        .find(|n| n.kind == NoticeKind::DraftReminder)
        .expect("the requester is reminded");
    assert_eq!(reminder.case_id, draft);
    // The live channel tells the requester's desktop to pull.
    let nudge = tokio::time::timeout(StdDuration::from_secs(15), live.next())
        .await
        .expect("a nudge")
        .unwrap()
        .unwrap();
    assert_eq!(
        nudge.into_text().unwrap().as_str(),
        format!("{{\"seq\":{}}}", reminder.seq)
    );

    assert_eq!(
        run(&state, created + Duration::hours(25)).await,
        JobRun::default(),
        "never twice"
    );
    // A restart: another server on the same database, a day later.
    let restarted = state_on(&app);
    let (_addr, _server) = support::serve(restarted.clone()).await;
    assert_eq!(
        run(&restarted, created + Duration::hours(48)).await,
        JobRun::default(),
        "not again after a restart"
    );
    assert_eq!(count(&app, &requester, NoticeKind::DraftReminder).await, 1);
    let coordinator = app.person(support::COORDINATOR).await;
    assert!(told(&app, &coordinator).await.is_empty());
}

#[tokio::test]
async fn an_overdue_opinion_alerts_its_provider_and_the_coordinator_once() {
    let app = spawn_app().await;
    let state = state_on(&app);
    let people = People::sign_in(&app).await;
    let case_id = case_with_doctors(&app, &people, &[&people.provider, &people.provider_2]).await;
    // provider_2 is done in time; provider is not.
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
                assessment: "Reviewed.".into(),
                diagnosis: "Three-vessel disease".into(),
                recommendations: "Bypass".into(),
                answers: "Bypass".into(),
                references: "ESC 2018".into(),
            },
        },
    ] {
        app.push_ok(&people.provider_2, case(command)).await;
    }
    let the_case = app.case(case_id).await;
    let assigned = the_case
        .assignment(people.provider.id)
        .expect("assigned")
        .assigned_at;
    let days = domain::demo::catalog()
        .review_type(the_case.review_type_id)
        .unwrap()
        .expected_review_days;
    let due = assigned + Duration::days(i64::from(days));

    assert_eq!(
        run(&state, due - Duration::minutes(1)).await,
        JobRun::default()
    );
    assert_eq!(
        run(&state, due).await,
        reminders(2),
        "the late provider and the coordinator"
    );
    assert_eq!(
        run(&state, due + Duration::days(1)).await,
        JobRun::default()
    );
    assert_eq!(
        count(&app, &people.provider, NoticeKind::OpinionOverdue).await,
        1
    );
    assert_eq!(
        count(&app, &people.coordinator, NoticeKind::OpinionOverdue).await,
        1
    );
    assert_eq!(
        count(&app, &people.provider_2, NoticeKind::OpinionOverdue).await,
        0,
        "a provider whose opinion is in is not alerted"
    );
    assert_eq!(
        count(&app, &people.requester, NoticeKind::OpinionOverdue).await,
        0
    );
}

#[tokio::test]
async fn an_accepted_appointment_is_reminded_a_day_and_an_hour_ahead_and_completed_once_ended() {
    let app = spawn_app().await;
    let state = state_on(&app);
    let people = People::sign_in(&app).await;
    let case_id = case_with_doctors(&app, &people, &[&people.provider]).await;
    let starts = (Utc::now() + Duration::days(3))
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    let (appointment_id, request) = request_appointment(case_id, &people.provider, starts, 30);
    app.push_ok(&people.requester, request).await;
    // Not yet accepted: nothing to remind of.
    assert_eq!(
        run(&state, starts - Duration::hours(24)).await,
        JobRun::default(),
        "a pending appointment is not reminded of"
    );
    app.push_ok(
        &people.provider,
        answer_appointment(case_id, appointment_id, true),
    )
    .await;

    assert_eq!(
        run(&state, starts - Duration::hours(25)).await,
        JobRun::default()
    );
    assert_eq!(
        run(&state, starts - Duration::hours(24)).await,
        reminders(2),
        "both of its people, a day ahead"
    );
    assert_eq!(
        run(&state, starts - Duration::hours(23)).await,
        JobRun::default()
    );
    assert_eq!(
        run(&state, starts - Duration::hours(1)).await,
        reminders(2),
        "and an hour ahead"
    );
    assert_eq!(
        run(&state, starts - Duration::minutes(30)).await,
        JobRun::default()
    );
    for who in [&people.requester, &people.provider] {
        assert_eq!(
            count(&app, who, NoticeKind::AppointmentReminder).await,
            2,
            "{}",
            who.email
        );
    }
    assert_eq!(
        count(&app, &people.coordinator, NoticeKind::AppointmentReminder).await,
        0,
        "not a party of the appointment"
    );

    // Under way: not completed yet. Ended: completed by the system, once.
    assert_eq!(
        run(&state, starts + Duration::minutes(10)).await,
        JobRun::default()
    );
    let ended = starts + Duration::minutes(30);
    assert_eq!(
        run(&state, ended).await,
        JobRun {
            reminders: 0,
            completed: 1
        }
    );
    assert_eq!(
        run(&state, ended + Duration::hours(1)).await,
        JobRun::default()
    );

    let pulled = app.pull_all(&people.requester, 0).await;
    let snapshot = pulled
        .cases
        .iter()
        .find(|c| c.case.id == case_id)
        .expect("the case is pulled");
    let appointment = snapshot
        .case
        .appointments
        .iter()
        .find(|a| a.id == appointment_id)
        .unwrap();
    assert_eq!(appointment.status, AppointmentStatus::Completed);
    let line = snapshot
        .timeline
        .iter()
        .find(|l| l.label == "Appointment completed")
        .expect("a timeline line");
    assert_eq!(line.actor_role, Role::System);
    assert_eq!(line.actor_id, UserId(domain::demo::SYSTEM.as_uuid()));
    assert_eq!(line.at, ended, "at the job's time");
}

#[tokio::test]
async fn runs_at_the_same_time_on_two_servers_send_a_reminder_once() {
    let app = spawn_app().await;
    let (one, two) = (state_on(&app), state_on(&app));
    let requester = app.person(support::REQUESTER).await;
    let draft = new_case(&app, &requester, false).await;
    let due = app.case(draft).await.created_at + Duration::hours(24);
    let (a, b) = tokio::join!(run(&one, due), run(&two, due));
    assert_eq!(
        a.reminders + b.reminders,
        1,
        "one of the overlapping runs sends it: {a:?} {b:?}"
    );
    assert_eq!(count(&app, &requester, NoticeKind::DraftReminder).await, 1);
}

#[tokio::test]
async fn ended_sessions_are_deleted_a_week_after_they_end() {
    let app = spawn_app().await;
    let state = state_on(&app);
    let start = Utc::now();
    let staying = app.person(support::REQUESTER).await;
    let leaving = app.person(support::ADMIN).await;
    let signed_out = app
        .post_json(
            "/v1/auth/sign-out",
            &serde_json::json!({}),
            Some(&leaving.token),
        )
        .await;
    assert!(signed_out.status().is_success(), "{}", signed_out.status());
    let sessions = |pool: sqlx::PgPool| async move {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sessions")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(sessions(app.pool.clone()).await, 2);

    // Six days on, nothing has been over for a week.
    assert_eq!(
        jobs::purge_sessions(&state, start + Duration::days(6))
            .await
            .unwrap(),
        0
    );
    // A week and a few hours after the sign-out: that session goes; the other (12 hours
    // long, ending later) stays and still works.
    let purged = jobs::purge_sessions(&state, start + Duration::days(7) + Duration::hours(6));
    assert_eq!(purged.await.unwrap(), 1);
    assert_eq!(sessions(app.pool.clone()).await, 1);
    let me = app.get("/v1/me", Some(&staying.token)).await;
    assert!(me.status().is_success(), "{}", me.status());
    let gone = app.get("/v1/me", Some(&leaving.token)).await;
    assert_eq!(gone.status(), reqwest::StatusCode::UNAUTHORIZED);
    // A week after its expiry, the other goes too.
    let purged = jobs::purge_sessions(&state, start + Duration::days(7) + Duration::hours(13));
    assert_eq!(purged.await.unwrap(), 1);
    assert_eq!(sessions(app.pool.clone()).await, 0);
}
