//! In-app notifications through the real server: each accepted event tells the people
//! `domain::notice` names (never its author), each person pulls only their own, and a
//! person who turns the in-app channel of a kind off (a `Command::Preference` push) gets
//! no more of that kind until they turn it on again; `GET /v1/notification-settings` says
//! what is off.

mod support;

use chrono::{Duration, Utc};
use domain::{Channel, ChannelOff, Command, IssueCommand, NoticeKind, PreferenceCommand};
use protocol::{NotificationSettings, Outcome};
use reqwest::StatusCode;
use support::api::{
    answer_appointment, assign_coordinator, assign_providers, new_case, pay, post,
    request_appointment, sent, People, Person,
};
use support::{spawn_app, TestApp};

/// Where each person's pulls have got to, and what they have been told so far.
struct Inbox<'a> {
    who: &'a Person,
    cursor: i64,
}

impl<'a> Inbox<'a> {
    fn of(who: &'a Person) -> Self {
        Inbox { who, cursor: 0 }
    }

    /// The kinds of the notifications pulled since the last look.
    async fn news(&mut self, app: &TestApp) -> Vec<NoticeKind> {
        let pulled = app.pull_all(self.who, self.cursor).await;
        self.cursor = pulled.cursor;
        pulled.kinds()
    }
}

fn set(kind: NoticeKind, channel: Channel, enabled: bool) -> Command {
    Command::Preference(PreferenceCommand::SetChannel {
        kind,
        channel,
        enabled,
    })
}

async fn settings(app: &TestApp, who: &Person) -> NotificationSettings {
    let response = app.get("/v1/notification-settings", Some(&who.token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_right_people_are_told_and_pull_only_their_own() {
    use NoticeKind::*;
    let app = spawn_app().await;
    let people = People::sign_in(&app).await;
    let (mut requester, mut coordinator, mut admin) = (
        Inbox::of(&people.requester),
        Inbox::of(&people.coordinator),
        Inbox::of(&people.admin),
    );
    let (mut provider, mut provider_2) =
        (Inbox::of(&people.provider), Inbox::of(&people.provider_2));

    let case_id = new_case(&app, &people.requester, true).await;
    assert_eq!(
        requester.news(&app).await,
        [],
        "nobody is told of their own work"
    );
    assign_coordinator(&app, &people.admin, case_id).await;
    assert_eq!(coordinator.news(&app).await, [CoordinatorAssigned]);
    assert_eq!(
        requester.news(&app).await,
        [CoordinatorAssigned],
        "the requester is asked to pay"
    );
    assert_eq!(
        admin.news(&app).await,
        [],
        "the admin who acted is not told"
    );

    pay(&app, case_id).await;
    assert_eq!(requester.news(&app).await, [PaymentResult]);
    assert_eq!(coordinator.news(&app).await, [PaymentResult]);

    assign_providers(
        &app,
        &people.coordinator,
        case_id,
        &[&people.provider, &people.provider_2],
    )
    .await;
    assert_eq!(provider.news(&app).await, [DoctorsAssigned]);
    assert_eq!(provider_2.news(&app).await, [DoctorsAssigned]);
    assert_eq!(requester.news(&app).await, [DoctorsAssigned]);
    assert_eq!(
        coordinator.news(&app).await,
        [],
        "the coordinator assigned them"
    );

    // An appointment between the requester and one provider: only the other party hears.
    let (appointment_id, request) = request_appointment(
        case_id,
        &people.provider,
        Utc::now() + Duration::days(2),
        30,
    );
    app.push_ok(&people.requester, request).await;
    assert_eq!(provider.news(&app).await, [AppointmentCreated]);
    assert_eq!(
        provider_2.news(&app).await,
        [],
        "not a party of the appointment"
    );
    assert_eq!(requester.news(&app).await, []);
    app.push_ok(
        &people.provider,
        answer_appointment(case_id, appointment_id, true),
    )
    .await;
    assert_eq!(requester.news(&app).await, [AppointmentAnswered]);
    assert_eq!(provider.news(&app).await, []);

    // A chat message: everyone else on the case; its text stays out of the notification.
    let text = "The CT shows a 2 cm mass in the left lobe.";
    sent(
        &app.push_one(&people.provider, post(case_id, text, None))
            .await,
    );
    for inbox in [&mut requester, &mut coordinator, &mut provider_2] {
        assert_eq!(inbox.news(&app).await, [ChatMessage], "{}", inbox.who.email);
    }
    assert_eq!(provider.news(&app).await, [], "the author is not told");
    assert_eq!(admin.news(&app).await, [], "an admin is never told of chat");

    // From scratch, each has exactly their own, oldest first, about this case.
    let all = app.pull_all(&people.requester, 0).await;
    assert_eq!(
        all.kinds(),
        [
            CoordinatorAssigned,
            PaymentResult,
            DoctorsAssigned,
            AppointmentAnswered,
            ChatMessage
        ]
    );
    let reference = app.case(case_id).await.reference.unwrap();
    for n in &all.notifications {
        assert_eq!(n.case_id, case_id);
        assert!(n.title.contains(&reference), "{n:?}");
        assert!(
            !n.title.contains("mass") && !n.body.contains("mass"),
            "{n:?}"
        );
    }
    let seqs: Vec<i64> = all.notifications.iter().map(|n| n.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {seqs:?}"
    );
    let outsider = app.person(support::api::REQUESTER_2).await;
    assert!(
        app.pull_all(&outsider, 0).await.notifications.is_empty(),
        "nobody pulls another's notifications"
    );
}

#[tokio::test]
async fn turning_a_kinds_channels_off_stops_it_until_it_is_on_again() {
    let app = spawn_app().await;
    let people = People::sign_in(&app).await;
    let case_id = support::api::case_with_doctors(&app, &people, &[&people.provider]).await;
    let mut requester = Inbox::of(&people.requester);
    let mut coordinator = Inbox::of(&people.coordinator);
    requester.news(&app).await;
    coordinator.news(&app).await;
    assert_eq!(
        settings(&app, &people.requester).await,
        NotificationSettings { off: vec![] },
        "everything is on at first"
    );

    let events = app
        .push_ok(
            &people.requester,
            set(NoticeKind::ChatMessage, Channel::InApp, false),
        )
        .await;
    assert!(events.is_empty(), "a setting is no event");
    let off = ChannelOff {
        kind: NoticeKind::ChatMessage,
        channel: Channel::InApp,
    };
    assert_eq!(settings(&app, &people.requester).await.off, [off]);
    assert_eq!(
        settings(&app, &people.coordinator).await.off,
        [],
        "settings are each person's own"
    );

    // In-app off, desktop still on: the desktop still gets it, to show through the OS (its
    // centre leaves it out).
    sent(
        &app.push_one(&people.provider, post(case_id, "Question zero", None))
            .await,
    );
    assert_eq!(requester.news(&app).await, [NoticeKind::ChatMessage]);
    app.push_ok(
        &people.requester,
        set(NoticeKind::ChatMessage, Channel::Desktop, false),
    )
    .await;
    sent(
        &app.push_one(&people.provider, post(case_id, "Question one", None))
            .await,
    );
    assert_eq!(
        requester.news(&app).await,
        [],
        "no chat notification for who turned both desktop channels off"
    );
    assert_eq!(
        coordinator.news(&app).await,
        [NoticeKind::ChatMessage, NoticeKind::ChatMessage]
    );
    // Other kinds still come.
    let (_, request) = request_appointment(
        case_id,
        &people.requester,
        Utc::now() + Duration::days(3),
        45,
    );
    app.push_ok(&people.provider, request).await;
    assert_eq!(requester.news(&app).await, [NoticeKind::AppointmentCreated]);
    // The e-mail and desktop channels are separate switches: still on.
    app.push_ok(
        &people.requester,
        set(NoticeKind::ChatMessage, Channel::Email, false),
    )
    .await;
    let mut off_now = settings(&app, &people.requester).await.off;
    off_now.sort();
    assert_eq!(off_now.len(), 3);

    // On again (in one push with another change: the last word per pair counts).
    let answer = app
        .push(
            &people.requester,
            &[
                support::api::pushed(set(NoticeKind::ChatMessage, Channel::InApp, true)),
                support::api::pushed(set(NoticeKind::ChatMessage, Channel::Desktop, true)),
                support::api::pushed(set(NoticeKind::ChatMessage, Channel::Email, true)),
            ],
        )
        .await;
    assert!(answer
        .results
        .iter()
        .all(|r| r.outcome == Outcome::Accepted { events: vec![] }));
    assert_eq!(settings(&app, &people.requester).await.off, []);
    sent(
        &app.push_one(&people.provider, post(case_id, "Question two", None))
            .await,
    );
    assert_eq!(requester.news(&app).await, [NoticeKind::ChatMessage]);

    // Without a session: 401, as every route behind one.
    let response = app.get("/v1/notification-settings", None).await;
    support::expect_error(
        response,
        StatusCode::UNAUTHORIZED,
        server::ErrorCode::Unauthorized,
    )
    .await;
}

#[tokio::test]
async fn issues_and_the_overdue_reminder_take_the_push_path_like_any_case_command() {
    let app = spawn_app().await;
    let people = People::sign_in(&app).await;
    let case_id = support::api::case_with_doctors(&app, &people, &[&people.provider]).await;
    let mut coordinator = Inbox::of(&people.coordinator);
    coordinator.news(&app).await;
    let issue_id = domain::IssueId(uuid::Uuid::now_v7());
    app.push_ok(
        &people.provider,
        support::api::case(domain::CaseCommand::Issue(IssueCommand::Report {
            case_id,
            issue_id,
            input: domain::IssueInput {
                title: "Scan unreadable".into(),
                description: "Page 3 of the CT report is blank.".into(),
            },
        })),
    )
    .await;
    assert_eq!(coordinator.news(&app).await, [NoticeKind::IssueReported]);
    let pulled = app.pull_all(&people.requester, 0).await;
    let snapshot = pulled.cases.iter().find(|c| c.case.id == case_id).unwrap();
    assert_eq!(
        snapshot.case.issues.len(),
        1,
        "the requester sees the issue"
    );
    assert!(snapshot
        .timeline
        .iter()
        .any(|l| l.label == "Issue reported"));
    // Nothing is overdue yet: the coordinator's reminder is refused, and tells no one.
    let refused = app
        .push_one(
            &people.coordinator,
            support::api::case(domain::CaseCommand::SendOverdueReminder { case_id }),
        )
        .await;
    assert_eq!(
        support::api::refusal(&refused),
        domain::RefusalCode::InvalidStatus
    );
    let mut provider = Inbox::of(&people.provider);
    assert!(!provider
        .news(&app)
        .await
        .contains(&NoticeKind::OpinionOverdue));
}

/// A notification's e-mail, end to end: the push that owes it queues it in the same
/// transaction, the mail job's `send_due` hands it to a real SMTP server (the test sink),
/// which receives it for the right person with the case's reference in the subject and no
/// patient data or message text; turning the kind's e-mail off stops the next.
#[tokio::test]
async fn a_notifications_email_reaches_the_smtp_sink() {
    use server::mail::{send_due, Mailer, SmtpConfig};
    let app = spawn_app().await;
    let sink = support::smtp_sink::SmtpSink::start().await;
    let mailer = Mailer::new(&SmtpConfig::plain("127.0.0.1", sink.port())).unwrap();
    let people = People::sign_in(&app).await;
    let case_id = support::api::case_with_doctors(&app, &people, &[&people.provider]).await;
    let reference = app.case(case_id).await.reference.unwrap();
    // What the case's earlier steps owed goes first.
    send_due(&app.pool, &mailer, Utc::now()).await.unwrap();
    let before = sink.received().len();

    let (_, request) = request_appointment(
        case_id,
        &people.provider,
        Utc::now() + Duration::days(3),
        30,
    );
    app.push_ok(&people.requester, request).await;
    sent(
        &app.push_one(&people.coordinator, post(case_id, "Potassium is 6.1", None))
            .await,
    );
    let run = send_due(&app.pool, &mailer, Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    assert!(run.sent >= 3, "{run:?}");
    let mails = sink.received()[before..].to_vec();
    let to = |email: &str, what: &str| {
        mails.iter().any(|m| {
            m.to == [email.to_string()]
                && m.subject()
                    .is_some_and(|s| s.contains(&reference) && s.contains(what))
        })
    };
    assert!(to(support::PROVIDER, "appointment requested"), "{mails:#?}");
    assert!(to(support::PROVIDER, "new message"));
    assert!(to(support::REQUESTER, "new message"));
    assert!(
        !mails
            .iter()
            .any(|m| m.to == [support::COORDINATOR.to_string()]
                && m.subject().is_some_and(|s| s.contains("new message"))),
        "never the author"
    );
    assert!(
        !mails.iter().any(|m| m.to == [support::ADMIN.to_string()]),
        "admins get no chat mail"
    );
    assert!(mails
        .iter()
        .all(|m| !m.data.contains("6.1") && !m.data.contains("Salma")));

    // The provider turns chat e-mail off: the next message sends it none.
    app.push_ok(
        &people.provider,
        set(NoticeKind::ChatMessage, Channel::Email, false),
    )
    .await;
    let seen = sink.received().len();
    sent(
        &app.push_one(&people.coordinator, post(case_id, "One more thing", None))
            .await,
    );
    send_due(&app.pool, &mailer, Utc::now() + Duration::seconds(2))
        .await
        .unwrap();
    let after = sink.received()[seen..].to_vec();
    assert!(after
        .iter()
        .any(|m| m.to == [support::REQUESTER.to_string()]));
    assert!(after
        .iter()
        .all(|m| m.to != [support::PROVIDER.to_string()]));
}
