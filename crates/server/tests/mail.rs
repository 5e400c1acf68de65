//! E-mail against a real SMTP server (the test support's sink, on 127.0.0.1) and a real
//! database: mails queued in the caller's transaction, sent by `send_due` over lettre,
//! tried again after the back-off when the server refuses them or is down, given up after
//! ten tries, sent once by two senders at once, and sent by the job the server runs.
//! `send_due` is run by hand at the `now` each test chooses; no sleeps.

mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use domain::{demo, UserId};
use server::mail::{self, Mail, MailRun, Mailer, SmtpConfig, MAX_ATTEMPTS};
use server::AppState;
use sqlx::PgPool;
use support::smtp_sink::{decode_words, SmtpSink, Step};
use support::{spawn_app, spawn_app_without_accounts};
use uuid::Uuid;

const TRY_LATER: &str = "451 4.3.0 try later";

/// A Monday morning: every test's clock starts here.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn minutes(n: i64) -> TimeDelta {
    TimeDelta::minutes(n)
}

/// A mailer for the sink on `port`: plain SMTP, the default From.
fn mailer(port: u16) -> Mailer {
    Mailer::new(&SmtpConfig::plain("127.0.0.1", port)).expect("a mailer for 127.0.0.1")
}

fn mail_to(to: &str, subject: &str) -> Mail {
    Mail {
        user_id: None,
        to: to.to_string(),
        subject: subject.to_string(),
        body: "Case R-2026-0042 has news. Sign in to Second Opinion to read it.".to_string(),
        dedupe_key: None,
    }
}

/// Queues `mail` at `now` in a transaction of its own; whether it was queued.
async fn enqueue(pool: &PgPool, mail: &Mail, now: DateTime<Utc>) -> bool {
    let mut tx = pool.begin().await.unwrap();
    let queued = mail::enqueue(&mut tx, mail, now).await.expect("enqueue");
    tx.commit().await.unwrap();
    queued
}

async fn send_due(pool: &PgPool, mailer: &Mailer, now: DateTime<Utc>) -> MailRun {
    mail::send_due(pool, mailer, now)
        .await
        .expect("send_due runs")
}

fn run(sent: u32, failed: u32, gave_up: u32) -> MailRun {
    MailRun {
        sent,
        failed,
        gave_up,
    }
}

/// A queue row, as the job left it.
#[derive(Debug, sqlx::FromRow)]
struct Row {
    user_id: Option<Uuid>,
    to_address: String,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    gave_up_at: Option<DateTime<Utc>>,
}

async fn rows(pool: &PgPool) -> Vec<Row> {
    sqlx::query_as(
        "SELECT user_id, to_address, attempts, next_attempt_at, last_error, sent_at,
                gave_up_at
         FROM mail_queue ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn only_row(pool: &PgPool) -> Row {
    let mut all = rows(pool).await;
    assert_eq!(all.len(), 1, "one mail queued: {all:?}");
    all.pop().unwrap()
}

#[tokio::test]
async fn a_queued_mail_reaches_the_smtp_server_once() {
    let app = spawn_app_without_accounts().await;
    let sink = SmtpSink::start().await;
    let mailer = mailer(sink.port());
    let mut mail = mail_to("ada@example.org", "Case R-2026-0042: a new opinion");
    mail.body = "Hello,\n.a line that starts with a dot\nSign in to read it.\n".into();
    assert!(
        enqueue(&app.pool, &mail, t0()).await,
        "a new mail is queued"
    );

    assert_eq!(send_due(&app.pool, &mailer, t0()).await, run(1, 0, 0));
    let received = sink.received();
    assert_eq!(received.len(), 1, "the sink got the mail");
    let got = &received[0];
    assert_eq!(
        got.from, "no-reply@localhost",
        "the envelope's sender is the From"
    );
    assert_eq!(got.to, ["ada@example.org"], "the envelope's recipient");
    assert_eq!(
        got.subject().as_deref(),
        Some("Case R-2026-0042: a new opinion")
    );
    assert_eq!(
        got.header("From").as_deref(),
        Some("\"Second Opinion\" <no-reply@localhost>")
    );
    assert_eq!(got.header("To").as_deref(), Some("ada@example.org"));
    assert_eq!(
        got.header("Date").as_deref(),
        Some("Mon, 02 Mar 2026 09:00:00 +0000"),
        "dated by the run's clock, not the machine's"
    );
    let message_id = got.header("Message-ID").expect("a Message-ID");
    assert!(
        message_id.starts_with("<1.") && message_id.ends_with("@localhost>"),
        "the Message-ID names the queue row, on the From's domain: {message_id}"
    );
    assert!(
        got.body()
            .contains("\r\n.a line that starts with a dot\r\n"),
        "dot-stuffing is undone and lines end in CRLF: {:?}",
        got.body()
    );

    let row = only_row(&app.pool).await;
    assert_eq!(
        (row.sent_at, row.attempts),
        (Some(t0()), 0),
        "marked sent: {row:?}"
    );
    assert_eq!(
        send_due(&app.pool, &mailer, t0() + minutes(90)).await,
        MailRun::default(),
        "a sent mail is never sent again"
    );
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn a_non_ascii_subject_arrives_intact() {
    let app = spawn_app_without_accounts().await;
    let sink = SmtpSink::start().await;
    let mut mail = mail_to(
        "zoe@example.org",
        "Rückfrage zu Fall R-2026-0042 — bitte prüfen",
    );
    mail.body = "Grüße: bitte melden Sie sich an.".into();
    enqueue(&app.pool, &mail, t0()).await;
    assert_eq!(
        send_due(&app.pool, &mailer(sink.port()), t0()).await,
        run(1, 0, 0)
    );
    let got = &sink.received()[0];
    assert_eq!(
        got.subject().as_deref(),
        Some("Rückfrage zu Fall R-2026-0042 — bitte prüfen"),
        "an RFC 2047 subject decodes to what was queued"
    );
    assert!(
        got.data.is_ascii(),
        "headers and body are encoded for 7-bit transport"
    );
    // The decoder itself, on the two encodings a mailer may pick.
    assert_eq!(decode_words("=?utf-8?b?UsO8Y2tmcmFnZQ==?="), "Rückfrage");
    assert_eq!(
        decode_words("=?utf-8?q?R=C3=BCck_frage?= zu"),
        "Rück frage zu"
    );
    assert_eq!(
        decode_words("=?utf-8?b?UsO8Y2s=?= =?utf-8?b?ZnJhZ2U=?="),
        "Rückfrage"
    );
}

#[tokio::test]
async fn a_dedupe_key_queues_one_mail() {
    let app = spawn_app_without_accounts().await;
    let sink = SmtpSink::start().await;
    let mailer = mailer(sink.port());
    let mut reminder = mail_to("ada@example.org", "Reminder: case R-2026-0042 is due");
    reminder.dedupe_key = Some("reminder:R-2026-0042:2026-03-02".into());

    assert!(enqueue(&app.pool, &reminder, t0()).await);
    assert!(
        !enqueue(&app.pool, &reminder, t0() + minutes(1)).await,
        "the same key again (a restart) queues nothing"
    );
    assert_eq!(
        send_due(&app.pool, &mailer, t0() + minutes(1)).await,
        run(1, 0, 0)
    );
    assert!(
        !enqueue(&app.pool, &reminder, t0() + minutes(2)).await,
        "nor once the first is sent"
    );
    assert_eq!(
        send_due(&app.pool, &mailer, t0() + minutes(2)).await,
        MailRun::default()
    );
    assert_eq!(sink.received().len(), 1, "one mail for one key");

    let plain = mail_to("ada@example.org", "No key");
    assert!(enqueue(&app.pool, &plain, t0()).await);
    assert!(
        enqueue(&app.pool, &plain, t0()).await,
        "without a key, nothing is deduped"
    );
    assert_eq!(rows(&app.pool).await.len(), 3);
}

#[tokio::test]
async fn a_mail_is_queued_only_when_its_transaction_commits() {
    let app = spawn_app_without_accounts().await;
    let mut tx = app.pool.begin().await.unwrap();
    let queued = mail::enqueue(&mut tx, &mail_to("ada@example.org", "Rolled back"), t0())
        .await
        .unwrap();
    assert!(queued);
    tx.rollback().await.unwrap();
    assert!(
        rows(&app.pool).await.is_empty(),
        "what the caller rolls back is not sent"
    );
}

#[tokio::test]
async fn enqueue_for_user_writes_to_the_users_address() {
    let app = spawn_app().await;
    let sink = SmtpSink::start().await;
    let for_user = |user: UserId, key: Option<&'static str>| {
        let pool = app.pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            let queued = mail::enqueue_for_user(
                &mut tx,
                user,
                "Case R-2026-0042: a question for you",
                "Sign in to Second Opinion to answer it.",
                key,
                t0(),
            )
            .await
            .expect("enqueue_for_user");
            tx.commit().await.unwrap();
            queued
        }
    };

    assert!(for_user(demo::REQUESTER, Some("question:1")).await);
    assert!(
        !for_user(demo::REQUESTER, Some("question:1")).await,
        "the dedupe key holds for users too"
    );
    assert!(
        !for_user(demo::SYSTEM, None).await,
        "the system user gets no mail"
    );
    sqlx::query("UPDATE users SET active = false WHERE id = $1")
        .bind(demo::PROVIDER.0)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(
        !for_user(demo::PROVIDER, None).await,
        "an inactive user gets no mail"
    );
    assert!(
        !for_user(UserId(Uuid::now_v7()), None).await,
        "nobody to write to: nothing queued"
    );

    let row = only_row(&app.pool).await;
    assert_eq!(row.user_id, Some(demo::REQUESTER.0));
    assert_eq!(
        row.to_address,
        support::REQUESTER,
        "the address of the users table"
    );
    assert_eq!(
        send_due(&app.pool, &mailer(sink.port()), t0()).await,
        run(1, 0, 0)
    );
    assert_eq!(sink.received()[0].to, [support::REQUESTER]);
}

#[tokio::test]
async fn a_refusing_server_is_tried_again_after_the_back_off() {
    let app = spawn_app_without_accounts().await;
    let sink = SmtpSink::start().await;
    let mailer = mailer(sink.port());
    enqueue(
        &app.pool,
        &mail_to("ada@example.org", "Try, try again"),
        t0(),
    )
    .await;

    // Two refusals at RCPT TO, then one after the data was sent; then it is accepted.
    sink.fail_next(2, Step::Rcpt, TRY_LATER);
    let mut now = t0();
    for (attempts, wait) in [(1, 1), (2, 2), (3, 4)] {
        if attempts == 3 {
            sink.fail_next(1, Step::EndOfData, TRY_LATER);
        }
        assert_eq!(send_due(&app.pool, &mailer, now).await, run(0, 1, 0));
        let row = only_row(&app.pool).await;
        assert_eq!(row.attempts, attempts, "{row:?}");
        assert_eq!(
            row.next_attempt_at,
            now + minutes(wait),
            "try {attempts} failed: the next after {wait} min"
        );
        assert_eq!(
            row.last_error.as_deref(),
            Some("smtp 451 transient"),
            "the class only"
        );
        assert_eq!(sink.refused(), attempts as u32);

        assert_eq!(
            send_due(
                &app.pool,
                &mailer,
                row.next_attempt_at - TimeDelta::seconds(1)
            )
            .await,
            MailRun::default(),
            "nothing is tried before it is due"
        );
        assert_eq!(sink.refused(), attempts as u32, "the server was not asked");
        now = row.next_attempt_at;
    }
    assert!(
        sink.received().is_empty(),
        "refused after its data is not received"
    );

    assert_eq!(send_due(&app.pool, &mailer, now).await, run(1, 0, 0));
    let row = only_row(&app.pool).await;
    assert_eq!((row.sent_at, row.attempts), (Some(now), 3), "{row:?}");
    assert_eq!(
        send_due(&app.pool, &mailer, now + TimeDelta::days(1)).await,
        MailRun::default()
    );
    assert_eq!(sink.received().len(), 1, "delivered exactly once");
}

#[tokio::test]
async fn a_permanent_answer_is_tried_again_and_a_mail_that_cannot_be_sent_is_given_up() {
    let app = spawn_app_without_accounts().await;
    let sink = SmtpSink::start().await;
    let mailer = mailer(sink.port());
    enqueue(&app.pool, &mail_to("not an address", "Never"), t0()).await;
    enqueue(&app.pool, &mail_to("ada@example.org", "Refused once"), t0()).await;
    sink.fail_next(1, Step::Rcpt, "550 5.7.1 relaying denied");

    assert_eq!(
        send_due(&app.pool, &mailer, t0()).await,
        run(0, 1, 1),
        "the bad address is given up, the 5xx tried again"
    );
    let all = rows(&app.pool).await;
    let (bad, refused) = (&all[0], &all[1]);
    assert_eq!(
        bad.gave_up_at,
        Some(t0()),
        "no try could ever send it: {bad:?}"
    );
    assert_eq!(bad.last_error.as_deref(), Some("not an e-mail address"));
    assert_eq!(
        refused.gave_up_at, None,
        "a 5xx may be the server's set-up: {refused:?}"
    );
    assert_eq!(refused.last_error.as_deref(), Some("smtp 550 permanent"));

    assert_eq!(
        send_due(&app.pool, &mailer, t0() + minutes(1)).await,
        run(1, 0, 0)
    );
    assert_eq!(sink.received().len(), 1);
    assert_eq!(sink.received()[0].to, ["ada@example.org"]);
}

#[tokio::test]
async fn a_mail_is_given_up_after_ten_failed_tries() {
    let app = spawn_app_without_accounts().await;
    let sink = SmtpSink::start().await;
    let mailer = mailer(sink.port());
    enqueue(&app.pool, &mail_to("ada@example.org", "Hopeless"), t0()).await;
    sink.fail_next(100, Step::EndOfData, TRY_LATER);

    let mut now = t0();
    for attempt in 1..=MAX_ATTEMPTS {
        let ran = send_due(&app.pool, &mailer, now).await;
        let row = only_row(&app.pool).await;
        assert_eq!(row.attempts, attempt);
        if attempt < MAX_ATTEMPTS {
            assert_eq!(ran, run(0, 1, 0), "try {attempt}");
            assert_eq!(row.next_attempt_at, now + mail::retry_after(attempt));
            now = row.next_attempt_at;
        } else {
            assert_eq!(ran, run(0, 0, 1), "the tenth failure gives up");
            assert_eq!(row.gave_up_at, Some(now), "{row:?}");
            assert_eq!(row.sent_at, None);
        }
    }
    assert_eq!(
        now - t0(),
        minutes(1 + 2 + 4 + 8 + 16 + 32 + 60 + 60 + 60),
        "ten tries span about four hours"
    );
    assert_eq!(
        send_due(&app.pool, &mailer, now + TimeDelta::days(7)).await,
        MailRun::default(),
        "a given-up mail is not tried again"
    );
    assert_eq!(sink.refused(), 10);
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_server_that_is_down_ends_the_run_and_gets_the_mail_later() {
    let app = spawn_app_without_accounts().await;
    let port = SmtpSink::start().await.stop().await;
    let mailer = mailer(port);
    enqueue(&app.pool, &mail_to("ada@example.org", "First"), t0()).await;
    enqueue(&app.pool, &mail_to("bob@example.org", "Second"), t0()).await;

    assert_eq!(
        send_due(&app.pool, &mailer, t0()).await,
        run(0, 1, 0),
        "the first try finds the server down; the run stops there"
    );
    let all = rows(&app.pool).await;
    assert_eq!(
        all[0].last_error.as_deref(),
        Some("smtp server unreachable: connection")
    );
    assert_eq!(
        (all[0].attempts, all[0].next_attempt_at),
        (1, t0() + minutes(1))
    );
    assert_eq!(
        (all[1].attempts, all[1].last_error.as_deref()),
        (0, None),
        "the second was not tried against a server known to be down"
    );

    let sink = SmtpSink::start_on(port).await;
    assert_eq!(
        send_due(&app.pool, &mailer, t0()).await,
        run(1, 0, 0),
        "the second, still due"
    );
    assert_eq!(
        send_due(&app.pool, &mailer, t0() + minutes(1)).await,
        run(1, 0, 0)
    );
    let subjects: Vec<_> = sink.received().iter().filter_map(|m| m.subject()).collect();
    assert_eq!(subjects, ["Second", "First"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_senders_at_once_send_each_mail_once() {
    let app = spawn_app_without_accounts().await;
    let sink = SmtpSink::start().await;
    // A slow server, so that the two runs overlap for certain.
    sink.answer_slowly(Duration::from_millis(20));
    let count = 25;
    for i in 0..count {
        enqueue(
            &app.pool,
            &mail_to("ada@example.org", &format!("Mail {i:02}")),
            t0(),
        )
        .await;
    }

    // Two server instances: a mailer (and SMTP connections) each, one database.
    let (first, second) = (mailer(sink.port()), mailer(sink.port()));
    let (a, b) = tokio::join!(
        mail::send_due(&app.pool, &first, t0()),
        mail::send_due(&app.pool, &second, t0()),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, count, "{a:?} {b:?}");
    assert!(a.sent > 0 && b.sent > 0, "both ran at once: {a:?} {b:?}");

    let mut subjects: Vec<_> = sink.received().iter().filter_map(|m| m.subject()).collect();
    subjects.sort();
    let expected: Vec<_> = (0..count).map(|i| format!("Mail {i:02}")).collect();
    assert_eq!(subjects, expected, "every mail once, none twice");
    assert!(rows(&app.pool).await.iter().all(|r| r.sent_at.is_some()));
}

#[tokio::test]
async fn the_server_runs_the_mail_job() {
    let app = spawn_app_without_accounts().await;
    let sink = SmtpSink::start().await;
    assert!(
        mail::start(AppState::new(app.pool.clone())).is_none(),
        "without an SMTP server the job does not run"
    );

    let now = t0() + minutes(5);
    let mut state = AppState::new(app.pool.clone());
    state.refunds.every = None;
    state.mail.every = Some(Duration::from_millis(50));
    state.mail.clock = Arc::new(move || now);
    state.mail.mailer = Some(mailer(sink.port()));
    enqueue(&app.pool, &mail_to("ada@example.org", "From the job"), t0()).await;
    let (_, server) = support::serve(state).await;

    let received = sink.until_received(1, Duration::from_secs(15)).await;
    assert_eq!(received[0].subject().as_deref(), Some("From the job"));
    // The sink has the mail as soon as it answered 250; the job records it just after.
    // Wait for that record (at most 15 s) before stopping the server, or the stop could
    // land between the two.
    let recorded = tokio::time::timeout(Duration::from_secs(15), async {
        while only_row(&app.pool).await.sent_at.is_none() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(recorded.is_ok(), "the job records the mail as sent");
    // Stop the server in this runtime: it holds the mailer, whose pool cleans up on drop.
    server.abort();
    let _ = server.await;
    let row = only_row(&app.pool).await;
    assert_eq!(row.sent_at, Some(now), "sent at the job's clock");
    assert_eq!(
        sink.received().len(),
        1,
        "and only once, however often the job ran"
    );
}
