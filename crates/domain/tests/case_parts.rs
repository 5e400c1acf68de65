//! The parts of a case around its review: issues (who reports, edits, deletes, resolves),
//! chat (who reads and writes — never an admin), the notices each event owes and the
//! reminders the scheduled jobs owe at a simulated time.

mod support;

use chrono::{DateTime, Duration, Utc};
use domain::chat::ChatCommand;
use domain::decide_chat;
use domain::notice::{case_notices, chat_notices, due_reminders, NoticeKind};
use domain::visibility::can_read_chat;
use domain::{
    decide_case, Actor, AppointmentCommand, AppointmentId, AppointmentInput, Case, CaseCommand,
    CaseEvent, IssueCommand, IssueId, IssueInput, MessageId, RefusalCode, UserId,
};
use support::*;
use uuid::Uuid;

const ISSUE: IssueId = IssueId(Uuid::from_u128(0x401));
const MSG: MessageId = MessageId(Uuid::from_u128(0x501));

fn code<T>(r: Result<T, domain::Refusal>) -> Option<RefusalCode> {
    r.err().map(|r| r.code)
}

fn decide_at(
    s: &Story,
    case: &Case,
    actor: Actor,
    command: &CaseCommand,
    at: DateTime<Utc>,
) -> Result<Vec<CaseEvent>, domain::Refusal> {
    decide_case(s.view_of(Some(case), actor), actor, command, at)
}

fn step(s: &Story, case: Case, actor: Actor, command: &CaseCommand) -> Case {
    let events = decide_at(s, &case, actor, command, s.now())
        .unwrap_or_else(|r| panic!("{actor:?} {command:?} refused: {r:?}"));
    fold(Some(case), &events, s.now(), actor).expect("folds")
}

fn report(id: IssueId) -> CaseCommand {
    CaseCommand::Issue(IssueCommand::Report {
        case_id: CASE,
        issue_id: id,
        input: IssueInput {
            title: "Wrong laterality in the MRI report".into(),
            description: "The report says left; the images show right.".into(),
        },
    })
}

fn edit() -> CaseCommand {
    CaseCommand::Issue(IssueCommand::Edit {
        case_id: CASE,
        issue_id: ISSUE,
        input: IssueInput {
            title: "Laterality".into(),
            description: String::new(),
        },
    })
}

fn delete() -> CaseCommand {
    CaseCommand::Issue(IssueCommand::Delete {
        case_id: CASE,
        issue_id: ISSUE,
    })
}

fn resolve() -> CaseCommand {
    CaseCommand::Issue(IssueCommand::Resolve {
        case_id: CASE,
        issue_id: ISSUE,
    })
}

// ---- issues ------------------------------------------------------------------------------

#[test]
fn providers_coordinators_and_admins_report_issues_requesters_view_them() {
    let s = under_review();
    let case = s.case().clone();
    for (who, expected) in [
        (P_IN_PROGRESS, None),
        (P_ASSIGNED, None),
        (COORD, None),
        (ADMIN, None),
        (OWNER, Some(RefusalCode::Forbidden)),
        (SYSTEM, Some(RefusalCode::Forbidden)),
        (P_DECLINED, Some(RefusalCode::NotFound)),
        (P_OUTSIDER, Some(RefusalCode::NotFound)),
        (OTHER_REQUESTER, Some(RefusalCode::NotFound)),
    ] {
        assert_eq!(
            code(decide_at(&s, &case, who, &report(ISSUE), s.now())),
            expected,
            "{who:?}"
        );
    }
    // The requester sees the issues (its copy of the case holds them).
    let case = step(&s, case, P_IN_PROGRESS, &report(ISSUE));
    assert_eq!(
        domain::visibility::redact_for(case.clone(), OWNER).issues,
        case.issues
    );
}

#[test]
fn a_provider_manages_only_its_own_issues() {
    let s = under_review();
    let case = step(&s, s.case().clone(), P_IN_PROGRESS, &report(ISSUE));
    for command in [edit(), delete(), resolve()] {
        for (who, expected) in [
            (P_IN_PROGRESS, None),
            (COORD, None),
            (ADMIN, None),
            (P_ACCEPTED, Some(RefusalCode::Forbidden)),
            (OWNER, Some(RefusalCode::Forbidden)),
        ] {
            assert_eq!(
                code(decide_at(&s, &case, who, &command, s.now())),
                expected,
                "{who:?} {command:?}"
            );
        }
    }
    let edited = step(&s, case.clone(), COORD, &edit());
    assert_eq!(edited.issues[0].title, "Laterality");
    let resolved = step(&s, edited, P_IN_PROGRESS, &resolve());
    let issue = &resolved.issues[0];
    assert!(issue.resolved);
    assert_eq!(issue.resolved_by, Some(P_IN_PROGRESS.id));
    assert_eq!(
        code(decide_at(&s, &resolved, COORD, &edit(), s.now())),
        Some(RefusalCode::InvalidStatus)
    );
    assert_eq!(
        code(decide_at(&s, &resolved, COORD, &resolve(), s.now())),
        Some(RefusalCode::InvalidStatus)
    );
    let deleted = step(&s, resolved, ADMIN, &delete());
    assert!(deleted.issues.is_empty());
    assert_eq!(
        code(decide_at(&s, &deleted, ADMIN, &delete(), s.now())),
        Some(RefusalCode::NotFound)
    );
}

#[test]
fn issue_input_is_checked_and_ids_are_not_reused() {
    let s = under_review();
    let case = s.case().clone();
    let blank = CaseCommand::Issue(IssueCommand::Report {
        case_id: CASE,
        issue_id: ISSUE,
        input: IssueInput {
            title: "   ".into(),
            description: String::new(),
        },
    });
    let r = decide_at(&s, &case, COORD, &blank, s.now()).unwrap_err();
    assert_eq!(
        (r.code, r.field.as_deref()),
        (RefusalCode::InvalidInput, Some("title"))
    );
    // A return issue's id is taken too.
    assert_eq!(
        code(decide_at(&s, &case, COORD, &report(ISSUE_OPEN), s.now())),
        Some(RefusalCode::Conflict)
    );
}

#[test]
fn closed_cases_take_no_issues_completed_ones_do() {
    for fixture in Fixture::ALL {
        let s = fixture.story();
        let got = code(decide_at(&s, s.case(), ADMIN, &report(ISSUE), s.now()));
        let expected = match fixture {
            Fixture::Draft | Fixture::PaymentFailed | Fixture::Cancelled | Fixture::Rejected => {
                Some(RefusalCode::InvalidStatus)
            }
            _ => None,
        };
        assert_eq!(got, expected, "{fixture:?}");
    }
}

// ---- chat --------------------------------------------------------------------------------

fn post(body: &str) -> ChatCommand {
    ChatCommand::Post {
        message_id: MSG,
        case_id: CASE,
        body: body.into(),
        attachment: None,
    }
}

#[test]
fn chat_is_for_the_people_on_the_case_never_admins() {
    let s = under_review();
    let case = s.case();
    for (who, readable, expected) in [
        (OWNER, true, None),
        (COORD, true, None),
        (P_ASSIGNED, true, None),
        (P_IN_PROGRESS, true, None),
        (P_DONE, true, None),
        (ADMIN, false, Some(RefusalCode::Forbidden)),
        (SYSTEM, false, Some(RefusalCode::Forbidden)),
        (P_DECLINED, false, Some(RefusalCode::NotFound)),
        (P_OUTSIDER, false, Some(RefusalCode::NotFound)),
        (FORMER_COORD, false, Some(RefusalCode::NotFound)),
        (OTHER_REQUESTER, false, Some(RefusalCode::NotFound)),
    ] {
        assert_eq!(can_read_chat(case, who), readable, "{who:?} reads");
        assert_eq!(
            code(decide_chat(Some(case), who, &post("Hello"), s.now())),
            expected,
            "{who:?} writes"
        );
    }
    let message = decide_chat(
        Some(case),
        P_IN_PROGRESS,
        &post("  The MRI is in.  "),
        s.now(),
    )
    .unwrap();
    assert_eq!(
        (message.body.as_str(), message.author_id),
        ("The MRI is in.", P_IN_PROGRESS.id)
    );
    assert_eq!(
        code(decide_chat(Some(case), OWNER, &post("  "), s.now())),
        Some(RefusalCode::InvalidInput)
    );
    assert_eq!(
        code(decide_chat(
            Some(case),
            OWNER,
            &post(&"x".repeat(4_001)),
            s.now()
        )),
        Some(RefusalCode::InvalidInput)
    );
}

#[test]
fn a_closed_case_keeps_its_chat_readable_but_takes_no_messages() {
    for fixture in Fixture::ALL {
        let s = fixture.story();
        let got = code(decide_chat(
            s.case.as_ref(),
            OWNER,
            &post("Any news?"),
            s.now(),
        ));
        let expected = match fixture {
            Fixture::Draft | Fixture::PaymentFailed | Fixture::Cancelled | Fixture::Rejected => {
                Some(RefusalCode::InvalidStatus)
            }
            _ => None,
        };
        assert_eq!(got, expected, "{fixture:?}");
        if fixture == Fixture::Cancelled {
            assert!(can_read_chat(s.case(), OWNER));
            assert!(!can_read_chat(s.case(), ADMIN));
        }
    }
}

// ---- notices -----------------------------------------------------------------------------

fn told(notices: &[domain::Notice]) -> Vec<(UserId, NoticeKind)> {
    let mut v: Vec<_> = notices.iter().map(|n| (n.user_id, n.kind)).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<(UserId, NoticeKind)>) -> Vec<(UserId, NoticeKind)> {
    v.sort();
    v
}

#[test]
fn each_event_tells_the_right_people_and_never_the_actor() {
    let mut s = payment_successful();
    // The authority numbers cases; the fixtures' have none yet.
    s.case.as_mut().unwrap().reference = Some("SO-2026-00007".into());
    let before = s.case().clone();
    let events = s.step(COORD, &assign_providers(&[P_ASSIGNED, P_ACCEPTED]));
    let notices = case_notices(Some(&before), s.case(), &events[0], COORD);
    assert_eq!(
        told(&notices),
        sorted(vec![
            (P_ASSIGNED.id, NoticeKind::DoctorsAssigned),
            (P_ACCEPTED.id, NoticeKind::DoctorsAssigned),
            (OWNER.id, NoticeKind::DoctorsAssigned),
        ])
    );
    // Titles carry the reference and what happened, never patient data.
    let reference = s.case().reference.clone().unwrap();
    for n in &notices {
        assert!(n.title.starts_with(&reference), "{}", n.title);
        assert!(!n.title.contains("Amina") && !n.body.contains("Amina"));
    }

    let before = s.case().clone();
    let events = s.step(P_ACCEPTED, &decline(Some("Away")));
    assert_eq!(
        told(&case_notices(
            Some(&before),
            s.case(),
            &events[0],
            P_ACCEPTED
        )),
        vec![(COORD.id, NoticeKind::AssignmentDeclined)]
    );

    // An appointment: the invitee is told of the request, the proposer of the answer.
    let request = CaseCommand::Appointment(AppointmentCommand::Request {
        case_id: CASE,
        appointment_id: AppointmentId(Uuid::from_u128(0x601)),
        with_id: P_ASSIGNED.id,
        input: AppointmentInput {
            starts_at: (s.now() + Duration::days(2)).to_rfc3339(),
            duration_minutes: 30,
            time_zone: "UTC".into(),
            purpose: None,
        },
    });
    let before = s.case().clone();
    let events = s.step(OWNER, &request);
    assert_eq!(
        told(&case_notices(Some(&before), s.case(), &events[0], OWNER)),
        vec![(P_ASSIGNED.id, NoticeKind::AppointmentCreated)]
    );

    // Cancelling the case tells everyone on it, and the appointment's other party of that.
    let before = s.case().clone();
    let events = s.step(OWNER, &cancel(None));
    assert_eq!(
        told(&case_notices(Some(&before), s.case(), &events[0], OWNER)),
        sorted(vec![
            (COORD.id, NoticeKind::CaseCancelled),
            (P_ASSIGNED.id, NoticeKind::CaseCancelled),
            (P_ASSIGNED.id, NoticeKind::AppointmentCanceled),
        ])
    );
}

#[test]
fn a_chat_message_tells_the_other_parties_without_its_text() {
    let s = under_review();
    let message = decide_chat(
        s.case.as_ref(),
        OWNER,
        &post("Her potassium is 6.1"),
        s.now(),
    )
    .unwrap();
    let notices = chat_notices(s.case(), &message);
    let mut who: Vec<UserId> = notices.iter().map(|n| n.user_id).collect();
    who.sort();
    let mut expected = vec![
        COORD.id,
        P_ASSIGNED.id,
        P_ACCEPTED.id,
        P_IN_PROGRESS.id,
        P_RETURNED.id,
        P_DONE.id,
    ];
    expected.sort();
    assert_eq!(
        who, expected,
        "everyone on the case but the author; never an admin"
    );
    assert!(notices
        .iter()
        .all(|n| !n.body.contains("potassium") && !n.title.contains("potassium")));
}

// ---- reminders under a simulated clock -----------------------------------------------------

fn keys(case: &Case, s: &Story, at: DateTime<Utc>) -> Vec<String> {
    let mut k: Vec<String> = due_reminders(case, &s.catalog, at)
        .into_iter()
        .map(|r| r.key)
        .collect();
    k.sort();
    k
}

#[test]
fn a_draft_is_reminded_once_after_a_day() {
    let s = draft();
    let created = s.case().created_at;
    assert!(keys(s.case(), &s, created + Duration::hours(23)).is_empty());
    let day = keys(s.case(), &s, created + Duration::hours(24));
    assert_eq!(day, vec![format!("draft:{CASE}:{}", OWNER.id)]);
    // The same key later: the job records it and never sends it twice.
    assert_eq!(keys(s.case(), &s, created + Duration::days(5)), day);
    let submitted = submitted();
    assert!(keys(submitted.case(), &submitted, created + Duration::days(5)).is_empty());
}

#[test]
fn overdue_opinions_and_summaries_are_alerted_against_the_review_days() {
    // Review type: 5 expected days.
    let s = under_review();
    let assigned = s.case().assignments[0].assigned_at;
    assert!(keys(
        s.case(),
        &s,
        assigned + Duration::days(5) - Duration::minutes(1)
    )
    .is_empty());
    let due = due_reminders(s.case(), &s.catalog, assigned + Duration::days(5));
    let overdue: Vec<UserId> =
        domain::notice::overdue_providers(s.case(), &s.catalog, assigned + Duration::days(5));
    // Everyone not done and not declined is overdue.
    let mut expected = vec![
        P_ASSIGNED.id,
        P_ACCEPTED.id,
        P_IN_PROGRESS.id,
        P_RETURNED.id,
    ];
    expected.sort();
    let mut got = overdue.clone();
    got.sort();
    assert_eq!(got, expected);
    for p in &overdue {
        assert!(due
            .iter()
            .any(|r| r.notice.user_id == *p && r.notice.kind == NoticeKind::OpinionOverdue));
    }
    assert!(due.iter().any(|r| r.notice.user_id == COORD.id));
    // The coordinator's manual reminder: only once something is overdue.
    let manual = CaseCommand::SendOverdueReminder { case_id: CASE };
    assert_eq!(
        code(decide_at(&s, s.case(), COORD, &manual, s.now())),
        Some(RefusalCode::InvalidStatus)
    );
    let events = decide_at(&s, s.case(), COORD, &manual, assigned + Duration::days(6)).unwrap();
    assert!(
        matches!(&events[0], CaseEvent::OverdueReminderSent { provider_ids } if provider_ids.len() == 4)
    );
    assert_eq!(
        code(decide_at(
            &s,
            s.case(),
            P_DONE,
            &manual,
            assigned + Duration::days(6)
        )),
        Some(RefusalCode::Forbidden)
    );
    assert_eq!(
        code(decide_at(
            &s,
            s.case(),
            ADMIN,
            &manual,
            assigned + Duration::days(6)
        )),
        Some(RefusalCode::Forbidden)
    );

    // Every opinion in, past the due day: the coordinator's summary is overdue.
    let s = opinions_in();
    let assigned = s.case().assignments[0].assigned_at;
    assert!(keys(s.case(), &s, assigned + Duration::days(4)).is_empty());
    assert_eq!(
        keys(s.case(), &s, assigned + Duration::days(5)),
        vec![format!("summary-overdue:{CASE}:{}", COORD.id)]
    );
}

#[test]
fn accepted_appointments_are_reminded_a_day_and_an_hour_ahead() {
    let s = under_review();
    let start = s.now() + Duration::days(3);
    let id = AppointmentId(Uuid::from_u128(0x701));
    let request = CaseCommand::Appointment(AppointmentCommand::Request {
        case_id: CASE,
        appointment_id: id,
        with_id: P_IN_PROGRESS.id,
        input: AppointmentInput {
            starts_at: start.to_rfc3339(),
            duration_minutes: 45,
            time_zone: "Europe/Berlin".into(),
            purpose: None,
        },
    });
    let case = step(&s, s.case().clone(), OWNER, &request);
    let appointment_keys = |case: &Case, at| -> Vec<String> {
        keys(case, &s, at)
            .into_iter()
            .filter(|k| k.starts_with("appointment"))
            .collect()
    };
    // Pending: no reminder.
    assert!(appointment_keys(&case, start - Duration::hours(2)).is_empty());
    let accept = CaseCommand::Appointment(AppointmentCommand::Answer {
        case_id: CASE,
        appointment_id: id,
        accept: true,
        reason: None,
    });
    let case = step(&s, case, P_IN_PROGRESS, &accept);
    assert!(appointment_keys(&case, start - Duration::hours(25)).is_empty());
    let day = appointment_keys(&case, start - Duration::hours(24));
    assert_eq!(day.len(), 2, "both parties: {day:?}");
    assert!(day.iter().all(|k| k.starts_with("appointment-24h")));
    let hour = appointment_keys(&case, start - Duration::minutes(59));
    assert_eq!(hour.len(), 2);
    assert!(hour.iter().all(|k| k.starts_with("appointment-1h")));
    assert!(
        appointment_keys(&case, start).is_empty(),
        "none once it has begun"
    );
}
