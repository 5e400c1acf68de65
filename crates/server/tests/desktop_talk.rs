//! Appointments, chat and notifications between real desktop cores through the real
//! server on a real PostgreSQL: chat written offline reaches the others in order and
//! exactly once, also when an answer is lost on the way; an appointment requested on one
//! desktop is accepted on another; an admin's desktop never holds a message.

mod support;

use domain::{demo, AppointmentInput, AppointmentStatus, NoticeKind};
use so_core::views::AppointmentFilter;
use support::desktop::{desk, pay, requester_work, Desk, Net, Proxy};
use support::spawn_app;

async fn bodies(d: &Desk, case_id: domain::CaseId) -> Vec<(String, bool)> {
    d.app
        .chat_thread(case_id)
        .await
        .expect("the thread")
        .messages
        .into_iter()
        .map(|m| (m.body, m.pending))
        .collect()
}

async fn stored_messages(d: &Desk) -> i64 {
    let mut conn = d.app.store().read().await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM chat_messages")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn chat_written_offline_arrives_in_order_once_and_never_on_an_admins_desktop() {
    let server = spawn_app().await;
    let net = Proxy::start(server.addr).await;
    let requester = desk(&net.url(), support::REQUESTER).await;
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
    let coordinator = desk(&server.url(""), support::COORDINATOR).await;
    requester.app.sync_once().await.expect("sync");

    // On the plane: three messages, shown at once as "sending".
    net.set(Net::Down);
    for text in ["First: the referral", "Second: the ECG", "Third: any news?"] {
        requester
            .app
            .post_message(case_id, text.into(), None)
            .await
            .expect("written offline");
    }
    assert!(bodies(&requester, case_id)
        .await
        .iter()
        .all(|(_, pending)| *pending));
    assert_eq!(requester.app.sync_status().await.unwrap().pending, 3);
    // Meanwhile the coordinator, online, writes.
    coordinator
        .app
        .post_message(case_id, "Coordinator: hello".into(), None)
        .await
        .unwrap();
    coordinator.app.sync_once().await.expect("sync");

    // Back on the ground, the first answer is lost: the push reached the server, the
    // desktop never heard. It pushes again and the server answers the same.
    net.set(Net::LoseAnswers);
    assert!(requester.app.sync_once().await.is_err());
    net.set(Net::Up);
    let report = requester.app.sync_once().await.expect("sync");
    assert_eq!((report.accepted, report.refused), (3, 0));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM chat_messages WHERE case_id = $1")
        .bind(case_id.as_uuid())
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(count, 4, "each message once on the server");

    // Everyone sees the server's order: the coordinator's first (accepted first), then the
    // three in the order they were written; nobody sees a duplicate.
    let expected: Vec<(String, bool)> = [
        "Coordinator: hello",
        "First: the referral",
        "Second: the ECG",
        "Third: any news?",
    ]
    .iter()
    .map(|b| (b.to_string(), false))
    .collect();
    coordinator.app.sync_once().await.expect("sync");
    assert_eq!(bodies(&coordinator, case_id).await, expected);
    requester.app.sync_once().await.expect("sync");
    assert_eq!(bodies(&requester, case_id).await, expected);

    // The coordinator was told, by pull, without the message's text.
    let centre = coordinator.app.notifications().await.unwrap();
    let chat: Vec<_> = centre
        .items
        .iter()
        .filter(|n| n.kind == NoticeKind::ChatMessage && n.case_id == case_id)
        .collect();
    assert!(!chat.is_empty());
    assert!(chat.iter().all(|n| !n.body.contains("ECG")));

    // The admin's desktop: the case and its appointments, never a message.
    admin.app.sync_once().await.expect("sync");
    assert!(admin.app.get_case(case_id).await.is_ok());
    assert_eq!(
        stored_messages(&admin).await,
        0,
        "no message ever reaches an admin's computer"
    );
    let err = admin.app.chat_thread(case_id).await.unwrap_err();
    assert_eq!(err.code, so_core::ErrorCode::NotFound);
}

#[tokio::test]
async fn an_appointment_requested_on_one_desktop_is_accepted_on_another() {
    let server = spawn_app().await;
    let requester = desk(&server.url(""), support::REQUESTER).await;
    let case_id = requester_work(&requester.app).await;
    requester.app.sync_once().await.expect("sync");
    let admin = desk(&server.url(""), support::ADMIN).await;
    admin
        .app
        .assign_coordinator(case_id, demo::COORDINATOR)
        .await
        .unwrap();
    admin.app.sync_once().await.expect("sync");
    pay(&server, case_id).await;
    requester.app.sync_once().await.expect("sync");

    let starts = chrono::Utc::now() + chrono::Duration::days(2);
    let d = requester
        .app
        .request_appointment(
            case_id,
            demo::COORDINATOR,
            AppointmentInput {
                starts_at: starts.to_rfc3339(),
                duration_minutes: 45,
                time_zone: "Europe/Berlin".into(),
                purpose: Some("Go through the plan".into()),
            },
        )
        .await
        .expect("requested");
    let id = d.talk.appointments[0].id;
    requester.app.sync_once().await.expect("sync");

    let coordinator = desk(&server.url(""), support::COORDINATOR).await;
    let list = coordinator
        .app
        .list_appointments(AppointmentFilter::default())
        .await
        .unwrap();
    let a = list
        .iter()
        .find(|a| a.id == id)
        .expect("the coordinator has it");
    assert_eq!(a.status, AppointmentStatus::Pending);
    assert!(a.unread && a.actions.accept);
    assert!(coordinator
        .app
        .notifications()
        .await
        .unwrap()
        .items
        .iter()
        .any(|n| n.kind == NoticeKind::AppointmentCreated && n.case_id == case_id));
    coordinator
        .app
        .answer_appointment(case_id, id, true, None)
        .await
        .expect("accepted");
    coordinator.app.sync_once().await.expect("sync");

    requester.app.sync_once().await.expect("sync");
    let d = requester.app.get_case(case_id).await.unwrap();
    assert_eq!(d.talk.appointments[0].status, AppointmentStatus::Accepted);
    assert!(requester
        .app
        .notifications()
        .await
        .unwrap()
        .items
        .iter()
        .any(|n| n.kind == NoticeKind::AppointmentAnswered));
    // The admin sees it, read-only.
    admin.app.sync_once().await.expect("sync");
    let seen = admin
        .app
        .list_appointments(AppointmentFilter::default())
        .await
        .unwrap();
    let a = seen.iter().find(|a| a.id == id).unwrap();
    assert_eq!(
        (a.status, a.actions),
        (AppointmentStatus::Accepted, Default::default())
    );
}

#[tokio::test]
async fn notification_settings_follow_the_person_to_another_computer() {
    use domain::Channel;
    let server = spawn_app().await;
    let laptop = desk(&server.url(""), support::PROVIDER).await;
    laptop
        .app
        .set_notification_channel(NoticeKind::ChatMessage, Channel::Email, false)
        .await
        .unwrap();
    laptop.app.sync_once().await.expect("sync");
    // Another computer: signing in brings the choice made on the laptop.
    let workstation = desk(&server.url(""), support::PROVIDER).await;
    let chat = |settings: Vec<so_core::notify::NotificationSetting>| {
        settings
            .into_iter()
            .find(|s| s.kind == NoticeKind::ChatMessage)
            .unwrap()
    };
    let there = chat(workstation.app.notification_settings().await.unwrap());
    assert!(!there.email && there.in_app && there.desktop);
    // A change made offline is sent with the next sync (before the settings are fetched
    // again, so the fetched copy already holds it) and reaches the laptop on its next.
    let net = Proxy::start(server.addr).await;
    let offline = desk(&net.url(), support::PROVIDER).await;
    net.set(Net::Down);
    offline
        .app
        .set_notification_channel(NoticeKind::ChatMessage, Channel::Desktop, false)
        .await
        .unwrap();
    net.set(Net::Up);
    offline.app.sync_once().await.expect("sync");
    let after = chat(offline.app.notification_settings().await.unwrap());
    assert!(!after.email && !after.desktop && after.in_app);
    laptop.app.sync_once().await.expect("sync");
    let laptop_now = chat(laptop.app.notification_settings().await.unwrap());
    assert!(
        !laptop_now.desktop,
        "and it reaches the laptop on its next sync"
    );
}
