//! Appointments, issues, chat and notifications through the core, standalone (the
//! in-process authority on a real SQLite file): what each role's screens show, seed 004's
//! permissions table row by row, the `.ics` export read back by an iCalendar parser, the
//! notification centre and its settings, desktop notifications, and the standalone jobs
//! under a simulated clock.

mod common;

use std::sync::{Arc, Mutex};

use chrono::{Duration, TimeZone, Utc};
use domain::{
    Actor, AppointmentInput, AppointmentStatus, CaseCommand, CaseId, Channel, Command, CommandId,
    IssueInput, NoticeKind, PaymentOutcome, RefusalCode, Role, UserId,
};
use so_core::views::CaseDetail;
use so_core::views::{AppointmentFilter, AppointmentView};
use so_core::DesktopNotifier;
use so_core::{seed, App, AppOptions, ErrorCode, ManualClock, MemoryTokens, TokenStore};
use uuid::Uuid;

/// Runs `attempt`, asserts it fails with `code` and that no row of the store changed.
macro_rules! refused {
    ($t:expr, $attempt:expr, $code:expr) => {{
        let before = $t.app.store().fingerprint().await.unwrap();
        let err = $attempt.await.expect_err("this must be refused");
        assert_eq!(err.code, $code, "{}", err.message);
        assert!(!err.message.is_empty());
        assert_eq!(
            $t.app.store().fingerprint().await.unwrap(),
            before,
            "{}",
            err.message
        );
        err
    }};
}

async fn as_user(t: &common::TestApp, who: UserId) {
    t.clock.advance(Duration::minutes(1));
    t.sign_in(who).await;
}

/// A case under review: submitted, coordinator assigned, paid, the demo provider assigned
/// and reviewing.
async fn case_under_review(t: &common::TestApp) -> CaseId {
    let id = t.new_case(true).await.summary.id;
    as_user(t, seed::ADMIN).await;
    t.app
        .assign_coordinator(id, seed::COORDINATOR)
        .await
        .unwrap();
    t.app
        .authority()
        .apply(
            t.app.store(),
            Actor::new(seed::SYSTEM, Role::System),
            CommandId(Uuid::now_v7()),
            &Command::Case(CaseCommand::RecordPayment {
                case_id: id,
                outcome: PaymentOutcome::Succeeded {
                    reference: "PAY-T".into(),
                },
            }),
            t.app.now(),
        )
        .await
        .unwrap();
    as_user(t, seed::COORDINATOR).await;
    t.app
        .assign_providers(id, vec![seed::PROVIDER])
        .await
        .unwrap();
    as_user(t, seed::PROVIDER).await;
    t.app.respond_to_assignment(id, true, None).await.unwrap();
    t.app.start_review(id).await.unwrap();
    id
}

fn tomorrow(t: &common::TestApp, hours: i64) -> AppointmentInput {
    AppointmentInput {
        starts_at: (t.app.now() + Duration::hours(hours)).to_rfc3339(),
        duration_minutes: 30,
        time_zone: "Asia/Riyadh".into(),
        purpose: Some("Discuss the angiogram".into()),
    }
}

fn only(d: &CaseDetail) -> &AppointmentView {
    assert_eq!(d.talk.appointments.len(), 1, "{:?}", d.talk.appointments);
    &d.talk.appointments[0]
}

/// Seed 004, "Permissions Summary", every row for requester, provider and admin (and the
/// coordinator, whom DOMAIN.md adds), through the use cases the screens call.
#[tokio::test]
async fn seed_004_permissions_table_through_the_core() {
    let t = common::open().await;
    let id = case_under_review(&t).await;

    // Create Appointment — requester ✅ provider ✅ admin 🔒.
    as_user(&t, seed::ADMIN).await;
    let admin_view = t.app.get_case(id).await.unwrap();
    assert!(
        admin_view.talk.invitees.is_empty(),
        "admins are offered no request form"
    );
    refused!(
        t,
        t.app
            .request_appointment(id, seed::PROVIDER, tomorrow(&t, 24)),
        ErrorCode::Forbidden
    );
    as_user(&t, seed::PROVIDER).await;
    let d = t
        .app
        .request_appointment(id, seed::REQUESTER, tomorrow(&t, 24))
        .await
        .unwrap();
    assert_eq!(only(&d).kind, Role::Provider);
    as_user(&t, seed::REQUESTER).await;
    let invitees: Vec<UserId> = t
        .app
        .get_case(id)
        .await
        .unwrap()
        .talk
        .invitees
        .iter()
        .map(|p| p.id)
        .collect();
    assert!(invitees.contains(&seed::PROVIDER) && invitees.contains(&seed::COORDINATOR));
    let d = t
        .app
        .request_appointment(id, seed::PROVIDER, tomorrow(&t, 48))
        .await
        .unwrap();
    assert_eq!(d.talk.appointments.len(), 2);
    let mine = d
        .talk
        .appointments
        .iter()
        .find(|a| a.kind == Role::Requester)
        .unwrap()
        .id;
    let theirs = d
        .talk
        .appointments
        .iter()
        .find(|a| a.kind == Role::Provider)
        .unwrap()
        .id;

    // Accept / Reject — by the receiver; the creator and admins 🔒.
    refused!(
        t,
        t.app.answer_appointment(id, mine, true, None),
        ErrorCode::Forbidden
    );
    as_user(&t, seed::ADMIN).await;
    refused!(
        t,
        t.app.answer_appointment(id, theirs, true, None),
        ErrorCode::Forbidden
    );
    as_user(&t, seed::REQUESTER).await;
    let d = t
        .app
        .answer_appointment(id, theirs, false, Some("Clinic day".into()))
        .await
        .unwrap();
    let rejected = d.talk.appointments.iter().find(|a| a.id == theirs).unwrap();
    assert_eq!(
        (rejected.status, rejected.reason.as_deref()),
        (AppointmentStatus::Rejected, Some("Clinic day"))
    );

    // Edit — the creator only; admins 🔒.
    as_user(&t, seed::PROVIDER).await;
    refused!(
        t,
        t.app.change_appointment(id, mine, tomorrow(&t, 50)),
        ErrorCode::Forbidden
    );
    as_user(&t, seed::ADMIN).await;
    refused!(
        t,
        t.app.change_appointment(id, mine, tomorrow(&t, 50)),
        ErrorCode::Forbidden
    );
    as_user(&t, seed::REQUESTER).await;
    t.app
        .change_appointment(id, mine, tomorrow(&t, 50))
        .await
        .unwrap();

    // Cancel — either party; admins 🔒.
    as_user(&t, seed::ADMIN).await;
    refused!(
        t,
        t.app.cancel_appointment(id, mine, None),
        ErrorCode::Forbidden
    );

    // View case-based and the global list — all three roles (and the coordinator).
    for who in [
        seed::REQUESTER,
        seed::PROVIDER,
        seed::ADMIN,
        seed::COORDINATOR,
    ] {
        as_user(&t, who).await;
        let case_list = t.app.get_case(id).await.unwrap().talk.appointments;
        assert_eq!(case_list.len(), 2, "{who:?} sees the case's appointments");
        let global: Vec<_> = t
            .app
            .list_appointments(AppointmentFilter::default())
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.case_id == id)
            .collect();
        assert_eq!(global.len(), 2, "{who:?} sees them in My appointments");
        if who == seed::ADMIN {
            assert!(
                global.iter().all(|a| a.actions == Default::default()),
                "admins change nothing"
            );
            assert!(global
                .iter()
                .all(|a| a.participant_name.contains('\u{2194}')));
        }
    }

    // Cancel by the other party works.
    as_user(&t, seed::PROVIDER).await;
    let d = t
        .app
        .cancel_appointment(id, mine, Some("Travelling".into()))
        .await
        .unwrap();
    assert_eq!(
        d.talk
            .appointments
            .iter()
            .find(|a| a.id == mine)
            .unwrap()
            .status,
        AppointmentStatus::Canceled
    );
}

#[tokio::test]
async fn my_appointments_filters_badges_and_flags_overlaps() {
    let t = common::open().await;
    let id = case_under_review(&t).await;
    as_user(&t, seed::COORDINATOR).await;
    t.app
        .request_appointment(id, seed::PROVIDER, tomorrow(&t, 24))
        .await
        .unwrap();
    as_user(&t, seed::REQUESTER).await;
    let d = t
        .app
        .request_appointment(id, seed::PROVIDER, tomorrow(&t, 24))
        .await
        .unwrap();
    let (first, second) = {
        let by_coord = d
            .talk
            .appointments
            .iter()
            .find(|a| a.kind == Role::Coordinator)
            .unwrap()
            .id;
        let by_req = d
            .talk
            .appointments
            .iter()
            .find(|a| a.kind == Role::Requester)
            .unwrap()
            .id;
        (by_coord, by_req)
    };

    // The provider has two new appointments: badged until seen.
    as_user(&t, seed::PROVIDER).await;
    assert_eq!(t.app.badges().await.unwrap().appointments, 2);
    t.app
        .answer_appointment(id, first, true, None)
        .await
        .unwrap();
    // Before accepting the second, it is flagged: it overlaps the accepted one.
    let list = t
        .app
        .list_appointments(AppointmentFilter::default())
        .await
        .unwrap();
    let pending = list.iter().find(|a| a.id == second).unwrap();
    assert_eq!(pending.conflicts.len(), 1);
    assert_eq!(pending.conflicts[0].appointment_id, first);
    assert!(pending.unread);
    t.app.mark_appointments_seen(Some(id)).await.unwrap();
    assert_eq!(t.app.badges().await.unwrap().appointments, 0);

    // Filters: status, date range, case.
    let by_status = |s| AppointmentFilter {
        status: Some(s),
        ..Default::default()
    };
    let accepted = t
        .app
        .list_appointments(by_status(AppointmentStatus::Accepted))
        .await
        .unwrap();
    assert_eq!(
        accepted.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![first]
    );
    let day = (t.app.now() + Duration::hours(24))
        .format("%Y-%m-%d")
        .to_string();
    let on_day = AppointmentFilter {
        from: Some(day.clone()),
        to: Some(day.clone()),
        ..Default::default()
    };
    assert_eq!(t.app.list_appointments(on_day).await.unwrap().len(), 2);
    // Days are the viewer's: 09:00 UTC on that day is 23:00 the day before in Honolulu.
    let in_honolulu = |day: String| AppointmentFilter {
        from: Some(day.clone()),
        to: Some(day),
        time_zone: Some("Pacific/Honolulu".into()),
        ..Default::default()
    };
    assert!(t
        .app
        .list_appointments(in_honolulu(day))
        .await
        .unwrap()
        .is_empty());
    let day_before = t.app.now().format("%Y-%m-%d").to_string();
    assert_eq!(
        t.app
            .list_appointments(in_honolulu(day_before))
            .await
            .unwrap()
            .len(),
        2
    );
    let after = (t.app.now() + Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    let later = AppointmentFilter {
        from: Some(after),
        ..Default::default()
    };
    assert!(t.app.list_appointments(later).await.unwrap().is_empty());
    let reference = t.app.get_case(id).await.unwrap().summary.reference.unwrap();
    let by_case = AppointmentFilter {
        case: Some(reference.to_lowercase()),
        ..Default::default()
    };
    assert_eq!(t.app.list_appointments(by_case).await.unwrap().len(), 2);
    let bad = AppointmentFilter {
        from: Some("23/11/2026".into()),
        ..Default::default()
    };
    let err = t.app.list_appointments(bad).await.unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::InvalidInput, Some("from"))
    );
    // A zone the runtime could not name (WebKit says "Etc/Unknown") fails only a filter by
    // dates, which would need it.
    let unknown_zone = |from: Option<String>| AppointmentFilter {
        from,
        time_zone: Some("Etc/Unknown".into()),
        ..Default::default()
    };
    assert_eq!(
        t.app
            .list_appointments(unknown_zone(None))
            .await
            .unwrap()
            .len(),
        2
    );
    let err = t
        .app
        .list_appointments(unknown_zone(Some("2026-11-24".into())))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::InvalidInput, Some("timeZone"))
    );
}

#[tokio::test]
async fn ics_export_reads_back_with_an_icalendar_parser() {
    let t = common::open().await;
    let id = case_under_review(&t).await;
    as_user(&t, seed::REQUESTER).await;
    let d = t
        .app
        .request_appointment(id, seed::PROVIDER, tomorrow(&t, 26))
        .await
        .unwrap();
    let a = only(&d).clone();
    as_user(&t, seed::PROVIDER).await;
    t.app
        .answer_appointment(id, a.id, true, None)
        .await
        .unwrap();
    let text = t.app.appointment_ics(id, a.id).await.unwrap();

    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    assert!(calendars.next().is_none());
    assert_eq!(calendar.events.len(), 1);
    let prop = |name: &str| {
        calendar.events[0]
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_else(|| panic!("{name} in {text}"))
    };
    assert_eq!(prop("UID"), format!("{}@second-opinion", a.id));
    assert_eq!(
        prop("DTSTART"),
        a.starts_at.format("%Y%m%dT%H%M%SZ").to_string()
    );
    assert_eq!(
        prop("DTEND"),
        a.ends_at.format("%Y%m%dT%H%M%SZ").to_string()
    );
    assert_eq!(prop("STATUS"), "CONFIRMED");
    let reference = d.summary.reference.clone().unwrap();
    assert!(prop("SUMMARY").contains(&reference));
    assert!(
        !text.contains("Test Patient"),
        "no patient data in a calendar"
    );
    assert!(!text.contains("angiogram"), "nor the purpose's free text");
    assert!(calendar
        .properties
        .iter()
        .any(|p| p.name == "VERSION" && p.value.as_deref() == Some("2.0")));

    // The whole list, and nothing for someone who may not see the appointment.
    let all = t
        .app
        .appointments_ics(AppointmentFilter::default())
        .await
        .unwrap();
    let parsed = ical::IcalParser::new(std::io::BufReader::new(all.as_bytes()))
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(parsed.events.len(), 1);
    as_user(&t, seed::PROVIDER_3).await;
    let err = t.app.appointment_ics(id, a.id).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn issues_by_role() {
    let t = common::open().await;
    let id = case_under_review(&t).await;
    let input = |title: &str| IssueInput {
        title: title.into(),
        description: "Details".into(),
    };
    as_user(&t, seed::REQUESTER).await;
    assert!(!t.app.get_case(id).await.unwrap().talk.can_report_issue);
    refused!(
        t,
        t.app.report_issue(id, input("Mine")),
        ErrorCode::Forbidden
    );
    as_user(&t, seed::PROVIDER).await;
    let d = t
        .app
        .report_issue(id, input("Report page 3 missing"))
        .await
        .unwrap();
    let issue = d.talk.issues.iter().find(|i| !i.is_return).unwrap().clone();
    assert!(issue.actions.edit && issue.actions.delete && issue.actions.resolve);
    as_user(&t, seed::ADMIN).await;
    t.app
        .edit_issue(id, issue.id, input("Report page 3 is missing"))
        .await
        .unwrap();
    as_user(&t, seed::REQUESTER).await;
    let seen = t.app.get_case(id).await.unwrap();
    let i = seen.talk.issues.iter().find(|i| i.id == issue.id).unwrap();
    assert_eq!(i.title, "Report page 3 is missing");
    assert_eq!(i.actions, Default::default(), "requesters view only");
    refused!(t, t.app.resolve_issue(id, issue.id), ErrorCode::Forbidden);
    as_user(&t, seed::COORDINATOR).await;
    let d = t.app.resolve_issue(id, issue.id).await.unwrap();
    assert!(d.talk.issues.iter().any(|i| i.id == issue.id && i.resolved));
    assert!(d
        .timeline
        .iter()
        .any(|l| l.label == "Issue resolved" && l.actor_name == "Dr. Layla Mansour"));
}

#[tokio::test]
async fn chat_for_the_case_people_never_admins() {
    let t = common::open().await;
    let id = case_under_review(&t).await;
    as_user(&t, seed::REQUESTER).await;
    let doc = t.stage("ecg.pdf", b"%PDF-1.4 ecg strip").await;
    t.app
        .post_message(id, "The ECG is attached.".into(), Some(doc))
        .await
        .unwrap();
    as_user(&t, seed::PROVIDER).await;
    t.app
        .post_message(id, "Thank you, reviewing now.".into(), None)
        .await
        .unwrap();
    as_user(&t, seed::COORDINATOR).await;
    assert_eq!(t.app.badges().await.unwrap().chat, 2);
    assert_eq!(t.app.get_case(id).await.unwrap().talk.chat_unread, 2);
    let thread = t.app.chat_thread(id).await.unwrap();
    let bodies: Vec<&str> = thread.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["The ECG is attached.", "Thank you, reviewing now."]
    );
    assert_eq!(
        t.app.badges().await.unwrap().chat,
        0,
        "reading clears the badge"
    );
    let attachment = thread.messages[0]
        .attachment
        .clone()
        .expect("the attachment");
    assert_eq!(
        t.app.document_content(id, attachment.id).await.unwrap(),
        b"%PDF-1.4 ecg strip"
    );

    // The admin: no chat anywhere — the case screen, the thread, posting, the attachment.
    as_user(&t, seed::ADMIN).await;
    let d = t.app.get_case(id).await.unwrap();
    assert!(!d.talk.chat_available);
    assert_eq!(d.talk.chat_unread, 0);
    assert!(d.timeline.iter().all(|l| !l.label.contains("message")));
    refused!(t, t.app.chat_thread(id), ErrorCode::NotFound);
    refused!(
        t,
        t.app.post_message(id, "Hello".into(), None),
        ErrorCode::Forbidden
    );
    refused!(
        t,
        t.app.document_content(id, attachment.id),
        ErrorCode::NotFound
    );
    assert_eq!(t.app.badges().await.unwrap().chat, 0);
    let centre = t.app.notifications().await.unwrap();
    assert!(centre
        .items
        .iter()
        .all(|n| n.kind != NoticeKind::ChatMessage));
    // Someone not on the case: not found.
    as_user(&t, seed::PROVIDER_3).await;
    refused!(t, t.app.chat_thread(id), ErrorCode::NotFound);
}

#[tokio::test]
async fn notices_reach_the_right_people_and_channels_turn_off() {
    let t = common::open().await;
    let id = case_under_review(&t).await;
    // The provider was told of the assignment; the coordinator of the payment.
    as_user(&t, seed::PROVIDER).await;
    let centre = t.app.notifications().await.unwrap();
    assert!(centre
        .items
        .iter()
        .any(|n| n.kind == NoticeKind::DoctorsAssigned && n.case_id == id));
    // The provider turns chat notifications off in the app (and on the desktop).
    t.app
        .set_notification_channel(NoticeKind::ChatMessage, Channel::InApp, false)
        .await
        .unwrap();
    t.app
        .set_notification_channel(NoticeKind::ChatMessage, Channel::Desktop, false)
        .await
        .unwrap();
    let settings = t.app.notification_settings().await.unwrap();
    let chat = settings
        .iter()
        .find(|s| s.kind == NoticeKind::ChatMessage)
        .unwrap();
    assert!(!chat.in_app && !chat.desktop && chat.email);

    as_user(&t, seed::REQUESTER).await;
    t.app
        .post_message(id, "Any news?".into(), None)
        .await
        .unwrap();
    t.app
        .request_appointment(id, seed::PROVIDER, tomorrow(&t, 30))
        .await
        .unwrap();

    as_user(&t, seed::PROVIDER).await;
    let centre = t.app.notifications().await.unwrap();
    assert!(
        centre
            .items
            .iter()
            .all(|n| n.kind != NoticeKind::ChatMessage),
        "turned off"
    );
    let appt = centre
        .items
        .iter()
        .find(|n| n.kind == NoticeKind::AppointmentCreated)
        .expect("told of the request");
    assert!(!appt.read);
    assert!(!appt.body.contains("Test Patient") && !appt.title.contains("Test Patient"));
    let unread = centre.unread;
    let centre = t.app.mark_notifications_read(Some(appt.id)).await.unwrap();
    assert_eq!(centre.unread, unread - 1);
    let centre = t.app.mark_notifications_read(None).await.unwrap();
    assert_eq!(centre.unread, 0);
    assert_eq!(t.app.badges().await.unwrap().notifications, 0);
    refused!(
        t,
        t.app.mark_notifications_read(Some(Uuid::now_v7())),
        ErrorCode::NotFound
    );
    // The coordinator got the chat message (its channels are on); the author never.
    as_user(&t, seed::COORDINATOR).await;
    assert!(t
        .app
        .notifications()
        .await
        .unwrap()
        .items
        .iter()
        .any(|n| n.kind == NoticeKind::ChatMessage));
    as_user(&t, seed::REQUESTER).await;
    assert!(t
        .app
        .notifications()
        .await
        .unwrap()
        .items
        .iter()
        .all(|n| n.kind != NoticeKind::ChatMessage));
}

/// What the OS was asked to show. The OS itself cannot run in a test; the real notifier
/// is exercised by `a_failing_desktop_notification_never_breaks_anything` below.
#[derive(Default)]
struct Shown(Mutex<Vec<String>>);

impl DesktopNotifier for Shown {
    fn show(&self, title: &str, _body: &str) -> Result<(), String> {
        self.0.lock().unwrap().push(title.to_string());
        Ok(())
    }
}

async fn open_with(
    notifier: Arc<dyn DesktopNotifier>,
    dir: &std::path::Path,
    clock: Arc<ManualClock>,
) -> App {
    App::open_with(
        dir,
        AppOptions {
            clock,
            tokens: TokenStore::Memory(MemoryTokens::default()),
            notifier,
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn desktop_notifications_only_while_unfocused_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
    ));
    let shown = Arc::new(Shown::default());
    let app = open_with(shown.clone(), dir.path(), clock.clone()).await;
    let t = common::TestApp { app, clock, dir };
    let id = case_under_review(&t).await;
    as_user(&t, seed::REQUESTER).await;
    t.app
        .request_appointment(id, seed::PROVIDER, tomorrow(&t, 30))
        .await
        .unwrap();
    as_user(&t, seed::PROVIDER).await;
    t.app.set_window_focused(true);
    assert_eq!(
        t.app.offer_desktop_notifications().await.unwrap(),
        0,
        "focused: the app shows it"
    );
    t.app.post_message(id, "x".into(), None).await.unwrap();
    as_user(&t, seed::REQUESTER).await;
    t.app
        .post_message(id, "A question".into(), None)
        .await
        .unwrap();
    t.app
        .set_notification_channel(NoticeKind::CaseCancelled, Channel::Desktop, false)
        .await
        .unwrap();
    as_user(&t, seed::PROVIDER).await;
    t.app.set_window_focused(false);
    assert_eq!(t.app.offer_desktop_notifications().await.unwrap(), 1);
    assert_eq!(
        t.app.offer_desktop_notifications().await.unwrap(),
        0,
        "each once"
    );
    let titles = shown.0.lock().unwrap().clone();
    assert_eq!(titles.len(), 1);
    assert!(titles[0].ends_with("new message"), "{titles:?}");
}

#[tokio::test]
async fn a_failing_desktop_notification_never_breaks_anything() {
    // The real OS notifier, on a machine without a notification service (no session bus).
    std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");
    let t = common::open().await;
    let id = case_under_review(&t).await;
    as_user(&t, seed::REQUESTER).await;
    t.app.post_message(id, "Hello".into(), None).await.unwrap();
    as_user(&t, seed::PROVIDER).await;
    t.app.set_window_focused(false);
    assert_eq!(
        t.app.offer_desktop_notifications().await.unwrap(),
        0,
        "nothing shown, no error"
    );
    // The action and the centre are untouched.
    assert!(t
        .app
        .notifications()
        .await
        .unwrap()
        .items
        .iter()
        .any(|n| n.kind == NoticeKind::ChatMessage));
    assert_eq!(t.app.chat_thread(id).await.unwrap().messages.len(), 1);
}

/// How many notifications of `kind` about `case` `who` has.
async fn count_of(app: &App, who: UserId, kind: NoticeKind, case: CaseId) -> usize {
    app.sign_in_as(who).await.unwrap();
    app.notifications()
        .await
        .unwrap()
        .items
        .iter()
        .filter(|n| n.kind == kind && n.case_id == case)
        .count()
}

#[tokio::test]
async fn standalone_jobs_under_a_simulated_clock() {
    let t = common::open().await;
    // A draft left alone: one reminder after 24 hours, never twice — not even after a restart.
    let draft = t.new_case(false).await.summary.id;
    t.clock.advance(Duration::hours(23));
    t.app.run_jobs().await.unwrap();
    assert_eq!(
        count_of(&t.app, seed::REQUESTER, NoticeKind::DraftReminder, draft).await,
        0
    );
    t.clock.advance(Duration::hours(1));
    t.app.run_jobs().await.unwrap();
    assert_eq!(
        count_of(&t.app, seed::REQUESTER, NoticeKind::DraftReminder, draft).await,
        1
    );
    t.app.run_jobs().await.unwrap();
    assert_eq!(
        count_of(&t.app, seed::REQUESTER, NoticeKind::DraftReminder, draft).await,
        1
    );
    let reopened = App::open_with_clock(t.dir.path(), t.clock.clone())
        .await
        .unwrap();
    t.clock.advance(Duration::hours(5));
    reopened.run_jobs().await.unwrap();
    assert_eq!(
        count_of(&reopened, seed::REQUESTER, NoticeKind::DraftReminder, draft).await,
        1,
        "a restart never sends it again"
    );
    drop(reopened);

    // An accepted appointment: reminded 24 h and 1 h ahead, completed once it has ended.
    let id = case_under_review(&t).await;
    as_user(&t, seed::REQUESTER).await;
    let d = t
        .app
        .request_appointment(id, seed::PROVIDER, tomorrow(&t, 48))
        .await
        .unwrap();
    let a = only(&d).clone();
    as_user(&t, seed::PROVIDER).await;
    t.app
        .answer_appointment(id, a.id, true, None)
        .await
        .unwrap();
    let until = |at: chrono::DateTime<Utc>| at - t.app.now();
    t.clock.advance(until(a.starts_at - Duration::hours(25)));
    t.app.run_jobs().await.unwrap();
    assert_eq!(
        count_of(&t.app, seed::PROVIDER, NoticeKind::AppointmentReminder, id).await,
        0
    );
    t.clock.advance(Duration::hours(1));
    t.app.run_jobs().await.unwrap();
    assert_eq!(
        count_of(&t.app, seed::PROVIDER, NoticeKind::AppointmentReminder, id).await,
        1,
        "24 hours ahead"
    );
    t.clock.advance(Duration::hours(23) + Duration::minutes(1));
    t.app.run_jobs().await.unwrap();
    t.app.run_jobs().await.unwrap();
    assert_eq!(
        count_of(&t.app, seed::PROVIDER, NoticeKind::AppointmentReminder, id).await,
        2,
        "and 1 hour ahead, once"
    );
    t.clock.advance(until(a.ends_at));
    let run = t.app.run_jobs().await.unwrap();
    assert!(run.completed >= 1);
    let d = t.app.get_case(id).await.unwrap();
    assert_eq!(only(&d).status, AppointmentStatus::Completed);
    assert!(d
        .timeline
        .iter()
        .any(|l| l.label == "Appointment completed" && l.actor_role == Role::System));
    assert_eq!(t.app.run_jobs().await.unwrap().completed, 0);
}

#[tokio::test]
async fn overdue_alerts_and_the_manual_reminder() {
    let t = common::open().await;
    let id = case_under_review(&t).await;
    as_user(&t, seed::COORDINATOR).await;
    assert!(
        !t.app
            .get_case(id)
            .await
            .unwrap()
            .talk
            .can_send_overdue_reminder
    );
    let err = refused!(t, t.app.send_overdue_reminder(id), ErrorCode::InvalidStatus);
    assert!(err.message.contains("overdue"));
    // The demo cardiology review expects its opinions within its expected review days.
    let days = t
        .app
        .get_case(id)
        .await
        .unwrap()
        .review_type
        .expected_review_days;
    t.clock.advance(Duration::days(i64::from(days)));
    t.app.run_jobs().await.unwrap();
    assert_eq!(
        count_of(&t.app, seed::PROVIDER, NoticeKind::OpinionOverdue, id).await,
        1
    );
    assert_eq!(
        count_of(&t.app, seed::COORDINATOR, NoticeKind::OpinionOverdue, id).await,
        1
    );
    assert!(
        t.app
            .get_case(id)
            .await
            .unwrap()
            .talk
            .can_send_overdue_reminder
    );
    let d = t.app.send_overdue_reminder(id).await.unwrap();
    assert!(d
        .timeline
        .iter()
        .any(|l| l.label == "Overdue reminder sent"));
    assert_eq!(
        count_of(&t.app, seed::PROVIDER, NoticeKind::OpinionOverdue, id).await,
        2,
        "the job's alert and the coordinator's reminder"
    );
    as_user(&t, seed::PROVIDER).await;
    refused!(t, t.app.send_overdue_reminder(id), ErrorCode::Forbidden);
    let _ = RefusalCode::Forbidden;
}
