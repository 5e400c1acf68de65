//! Chat through the real server: messages pushed like any command (a desktop's outbox of
//! several at once), numbered with the events so pull cursors cover them, pulled by the
//! case's other people in order and once each, never stored twice; a provider assigned
//! later gets the history, one who declined gets nothing new; an attachment is read by
//! the parties and never by an admin.

mod support;

use domain::{AssignmentStatus, CaseCommand, CaseId, RefusalCode};
use protocol::Outcome;
use reqwest::StatusCode;
use support::api::{
    case, case_with_doctors, document, paid_case, post, pushed, refusal, sent, People,
};
use support::{spawn_app, TestApp};

async fn stored_messages(app: &TestApp) -> i64 {
    app.count("chat_messages").await
}

#[tokio::test]
async fn messages_reach_the_other_parties_in_order_and_once_each() {
    let app = spawn_app().await;
    let people = People::sign_in(&app).await;
    let case_id = case_with_doctors(&app, &people, &[&people.provider]).await;
    let provider_cursor = app.pull_all(&people.provider, 0).await.cursor;

    // Back online with an outbox of three messages: one push.
    let outbox = vec![
        pushed(post(
            case_id,
            "First: the angiogram is attached to the case.",
            None,
        )),
        pushed(post(case_id, "Second: the patient is 46.", None)),
        pushed(post(case_id, "Third: any questions?", None)),
    ];
    let first = app.push(&people.requester, &outbox).await;
    let seqs: Vec<i64> = first
        .results
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Accepted { events } => events[0].seq,
            Outcome::Refused { refusal } => panic!("a message is refused: {refusal:?}"),
        })
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "the messages take consecutive numbers of the event sequence: {seqs:?}"
    );
    let fourth = app
        .push_one(&people.requester, post(case_id, "Fourth, later.", None))
        .await;
    assert_eq!(sent(&fourth).author_id, people.requester.id);
    assert_eq!(stored_messages(&app).await, 4);
    let in_order = [
        "First: the angiogram is attached to the case.",
        "Second: the patient is 46.",
        "Third: any questions?",
        "Fourth, later.",
    ];

    // The provider, from where it was: all four, in order.
    let since = app.pull_all(&people.provider, provider_cursor).await;
    assert_eq!(
        since.bodies(),
        in_order,
        "new messages come in the order sent"
    );
    // From scratch: the same four, each once.
    let all = app.pull_all(&people.provider, 0).await;
    assert_eq!(
        all.bodies(),
        in_order,
        "a pull from 0 has each message once"
    );
    assert_eq!(all.messages, since.messages, "the same messages either way");
    assert_eq!(
        &all.messages[..3],
        &first
            .results
            .iter()
            .map(|r| sent(&r.outcome).clone())
            .collect::<Vec<_>>()[..],
        "everyone gets the message exactly as its author got it back"
    );
    // From the last cursor: nothing again.
    let again = app.pull_all(&people.provider, all.cursor).await;
    assert!(again.messages.is_empty(), "nothing is pulled twice");
    // The coordinator reads them too; the author pulls their own messages back.
    assert_eq!(
        app.pull_all(&people.coordinator, 0).await.bodies(),
        in_order
    );
    assert_eq!(app.pull_all(&people.requester, 0).await.bodies(), in_order);

    // The outbox pushed again (the answer was lost): the first answers, nothing stored.
    let retry = app.push(&people.requester, &outbox).await;
    assert_eq!(retry, first, "a retried push gets its first answers");
    assert_eq!(stored_messages(&app).await, 4, "no message is stored twice");
    // The same message under another command id is refused, not stored again.
    let copy = pushed(outbox[0].command.clone());
    let answer = app.push(&people.requester, &[copy]).await;
    assert_eq!(refusal(&answer.results[0].outcome), RefusalCode::Conflict);
    assert_eq!(stored_messages(&app).await, 4);
    assert_eq!(
        app.pull_all(&people.provider, 0).await.bodies(),
        in_order,
        "a retry changes nothing anyone pulls"
    );

    // Messages are not events: the log and the timeline know nothing of them.
    let logged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE event::text LIKE '%Fourth, later.%'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(logged, 0, "a message never enters the event log");
    let snapshot = all.cases.iter().find(|c| c.case.id == case_id).unwrap();
    assert!(
        snapshot
            .timeline
            .iter()
            .all(|l| !l.label.contains("message")),
        "nor the timeline: {:?}",
        snapshot.timeline
    );
}

#[tokio::test]
async fn a_chat_message_sees_what_earlier_commands_of_its_push_did() {
    let app = spawn_app().await;
    let people = People::sign_in(&app).await;
    let case_id = paid_case(&app, &people).await;
    // One push: a message, the cancellation, another message. The last one is decided on
    // the case the cancellation left: closed, no more messages.
    let answer = app
        .push(
            &people.requester,
            &[
                pushed(post(case_id, "We are cancelling, sorry.", None)),
                pushed(case(CaseCommand::Cancel {
                    case_id,
                    reason: Some("Treated elsewhere".into()),
                })),
                pushed(post(case_id, "One more thing", None)),
            ],
        )
        .await;
    sent(&answer.results[0].outcome);
    assert!(matches!(
        answer.results[1].outcome,
        Outcome::Accepted { .. }
    ));
    assert_eq!(
        refusal(&answer.results[2].outcome),
        RefusalCode::InvalidStatus,
        "a message after the cancellation in the same push sees the case cancelled"
    );
    assert_eq!(
        app.pull_all(&people.coordinator, 0).await.bodies(),
        ["We are cancelling, sorry."],
        "a closed case's chat stays readable"
    );
    // A draft has no chat; a case that does not exist is not found.
    let draft = support::api::new_case(&app, &people.requester, false).await;
    let on_draft = app
        .push_one(&people.requester, post(draft, "Too early", None))
        .await;
    assert_eq!(refusal(&on_draft), RefusalCode::InvalidStatus);
    let nowhere = app
        .push_one(
            &people.requester,
            post(CaseId(uuid::Uuid::now_v7()), "Nowhere", None),
        )
        .await;
    assert_eq!(refusal(&nowhere), RefusalCode::NotFound);
    assert_eq!(app.count("chat_messages").await, 1);
}

#[tokio::test]
async fn a_provider_assigned_later_gets_the_history_and_one_who_declined_gets_nothing_new() {
    let app = spawn_app().await;
    let people = People::sign_in(&app).await;
    let case_id = paid_case(&app, &people).await;
    let before = app.pull_all(&people.provider_2, 0).await;
    assert!(before.cases.is_empty() && before.messages.is_empty());

    // Requester and coordinator talk before anyone reviews.
    for (who, body) in [
        (&people.requester, "Is anything missing?"),
        (&people.coordinator, "No, assigning specialists now."),
    ] {
        sent(&app.push_one(who, post(case_id, body, None)).await);
    }
    support::api::assign_providers(
        &app,
        &people.coordinator,
        case_id,
        &[&people.provider, &people.provider_2],
    )
    .await;

    // Their next pull, from where they were, brings the whole chat so far.
    let joined = app.pull_all(&people.provider_2, before.cursor).await;
    assert_eq!(
        joined.bodies(),
        ["Is anything missing?", "No, assigning specialists now."],
        "a newly assigned provider gets the case's history"
    );
    let joined_too = app.pull_all(&people.provider, 0).await;
    assert_eq!(joined_too.bodies(), joined.bodies());

    // provider_2 declines: it loses the case and its chat.
    app.push_ok(
        &people.provider_2,
        case(CaseCommand::RespondToAssignment {
            case_id,
            accept: false,
            reason: Some("Conflict of interest".into()),
        }),
    )
    .await;
    assert_eq!(
        app.case(case_id)
            .await
            .assignment(people.provider_2.id)
            .map(|a| a.status),
        Some(AssignmentStatus::Declined)
    );
    sent(
        &app.push_one(&people.requester, post(case_id, "After the decline.", None))
            .await,
    );
    let after = app.pull_all(&people.provider_2, joined.cursor).await;
    assert!(
        after.messages.is_empty(),
        "a provider who declined gets no new message: {:?}",
        after.bodies()
    );
    assert_eq!(
        after.removed_cases,
        [case_id],
        "and is told to drop the case"
    );
    let from_scratch = app.pull_all(&people.provider_2, 0).await;
    assert!(from_scratch.messages.is_empty() && from_scratch.cases.is_empty());
    // It can not write there either (the case is not theirs: not found).
    let refused = app
        .push_one(&people.provider_2, post(case_id, "Still here?", None))
        .await;
    assert_eq!(refusal(&refused), RefusalCode::NotFound);
    // The provider who stayed gets it.
    let stayed = app.pull_all(&people.provider, joined_too.cursor).await;
    assert_eq!(stayed.bodies(), ["After the decline."]);
}

#[tokio::test]
async fn a_chat_attachment_is_read_by_the_parties_and_never_by_an_admin() {
    let app = spawn_app().await;
    let people = People::sign_in(&app).await;
    let case_id = case_with_doctors(&app, &people, &[&people.provider]).await;
    let content = b"%PDF-1.4 echo report shared in the chat".to_vec();

    // Not uploaded yet: refused, nothing stored.
    let sha = support::api::document("echo.pdf", &hex_sha(&content), content.len() as u32);
    let early = app
        .push_one(
            &people.requester,
            post(case_id, "The echo report.", Some(sha.clone())),
        )
        .await;
    assert_eq!(refusal(&early), RefusalCode::InvalidInput);
    assert_eq!(app.count("chat_messages").await, 0);

    let (sha256, size) = app.upload(&people.requester, &content).await;
    let outcome = app
        .push_one(
            &people.requester,
            post(
                case_id,
                "The echo report.",
                Some(document("echo.pdf", &sha256, size)),
            ),
        )
        .await;
    let message = sent(&outcome);
    assert_eq!(
        message.attachment.as_ref().map(|d| d.sha256.as_str()),
        Some(sha256.as_str())
    );
    let pulled = app.pull_all(&people.provider, 0).await;
    assert_eq!(pulled.messages[0].attachment, message.attachment);

    let download = |token: String| {
        let app = &app;
        let sha256 = sha256.clone();
        async move {
            app.client
                .get(app.url(&format!("/v1/blobs/{sha256}")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    for who in [&people.provider, &people.coordinator, &people.requester] {
        let response = download(who.token.clone()).await;
        assert_eq!(response.status(), StatusCode::OK, "{} reads it", who.email);
        assert_eq!(response.bytes().await.unwrap().as_ref(), &content[..]);
    }
    let admin = download(people.admin.token.clone()).await;
    support::expect_error(admin, StatusCode::NOT_FOUND, server::ErrorCode::NotFound).await;
    let stranger = app.person(support::api::REQUESTER_2).await;
    let other = download(stranger.token.clone()).await;
    support::expect_error(other, StatusCode::NOT_FOUND, server::ErrorCode::NotFound).await;
    // provider_2, never on the case, neither.
    let outsider = download(people.provider_2.token.clone()).await;
    assert_eq!(outsider.status(), StatusCode::NOT_FOUND);
}

fn hex_sha(content: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(content))
}

#[tokio::test]
async fn a_long_chat_is_pulled_over_several_pages_without_a_gap() {
    let app = spawn_app().await;
    let people = People::sign_in(&app).await;
    let case_id = case_with_doctors(&app, &people, &[&people.provider]).await;
    // More messages than a page holds, each telling the provider (so its notifications
    // span pages too).
    let total = protocol::MAX_PULL_ITEMS + 300;
    let bodies: Vec<String> = (0..total).map(|i| format!("message {i}")).collect();
    for chunk in bodies.chunks(protocol::MAX_PUSH_COMMANDS) {
        let outbox: Vec<_> = chunk
            .iter()
            .map(|b| pushed(post(case_id, b, None)))
            .collect();
        let answer = app.push(&people.requester, &outbox).await;
        assert!(answer
            .results
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Accepted { .. })));
    }

    let mut cursor = 0;
    let mut pages = 0;
    let (mut messages, mut notifications) = (Vec::new(), Vec::new());
    loop {
        let (_, page) = app.pull_text(&people.provider, cursor).await;
        pages += 1;
        assert!(
            page.messages.len() <= protocol::MAX_PULL_ITEMS
                && page.notifications.len() <= protocol::MAX_PULL_ITEMS,
            "a page holds at most a page of each"
        );
        messages.extend(page.messages.into_iter().map(|m| m.body));
        notifications.extend(page.notifications.into_iter().map(|n| (n.seq, n.id)));
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert!(pages >= 2, "the chat needed more than one page");
    assert_eq!(
        messages, bodies,
        "every message once, in order, across the pages"
    );
    let chat_notices = notifications.len() - 1; // and "you are asked to review"
    assert_eq!(
        chat_notices, total,
        "every notification once across the pages"
    );
    let mut ids: Vec<_> = notifications.iter().map(|(_, id)| *id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), notifications.len(), "no notification twice");
    assert!(notifications.windows(2).all(|w| w[0].0 < w[1].0));
}
