//! Appointments (seed 004, DOMAIN.md "Appointments"): every row of seed 004's permissions
//! table for every role, and the appointment status machine in full — each (status ×
//! action) cell, by the right person and at the right time.

mod support;

use chrono::{DateTime, Duration, Utc};
use domain::decide::appointment::{self, AppointmentActions};
use domain::visibility::redact_for;
use domain::{
    decide_case, Actor, Appointment, AppointmentCommand, AppointmentEvent, AppointmentId,
    AppointmentInput, AppointmentStatus, Case, CaseCommand, CaseEvent, RefusalCode, UserId,
};
use support::*;
use uuid::Uuid;

use AppointmentStatus as St;

const APPT: AppointmentId = AppointmentId(Uuid::from_u128(0x301));
const APPT_2: AppointmentId = AppointmentId(Uuid::from_u128(0x302));

/// A time `hours` after the story's base time, as a proposer would type it.
fn input_at(hours: i64) -> AppointmentInput {
    AppointmentInput {
        starts_at: (base_time() + Duration::hours(hours)).to_rfc3339(),
        duration_minutes: 30,
        time_zone: "Asia/Riyadh".into(),
        purpose: Some("Discuss the MRI findings".into()),
    }
}

fn request(id: AppointmentId, with: Actor, hours: i64) -> CaseCommand {
    CaseCommand::Appointment(AppointmentCommand::Request {
        case_id: CASE,
        appointment_id: id,
        with_id: with.id,
        input: input_at(hours),
    })
}

fn answer(accept: bool) -> CaseCommand {
    CaseCommand::Appointment(AppointmentCommand::Answer {
        case_id: CASE,
        appointment_id: APPT,
        accept,
        reason: (!accept).then(|| "I am in theatre then".to_string()),
    })
}

fn change(hours: i64) -> CaseCommand {
    CaseCommand::Appointment(AppointmentCommand::Change {
        case_id: CASE,
        appointment_id: APPT,
        input: input_at(hours),
    })
}

fn cancel_appt() -> CaseCommand {
    CaseCommand::Appointment(AppointmentCommand::Cancel {
        case_id: CASE,
        appointment_id: APPT,
        reason: None,
    })
}

fn complete() -> CaseCommand {
    CaseCommand::Appointment(AppointmentCommand::Complete {
        case_id: CASE,
        appointment_id: APPT,
    })
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

fn step_at(s: &Story, case: Case, actor: Actor, command: &CaseCommand, at: DateTime<Utc>) -> Case {
    let events = decide_at(s, &case, actor, command, at)
        .unwrap_or_else(|r| panic!("{actor:?} {command:?} refused: {r:?}"));
    fold(Some(case), &events, at, actor).expect("folds")
}

fn code(r: Result<Vec<CaseEvent>, domain::Refusal>) -> Option<RefusalCode> {
    r.err().map(|r| r.code)
}

fn appt(case: &Case) -> &Appointment {
    case.appointments
        .iter()
        .find(|a| a.id == APPT)
        .expect("the appointment")
}

/// The case under review with one appointment, proposed by the requester to
/// `P_IN_PROGRESS` for 48 hours after the base time, moved to `status`.
fn with_appointment(status: St) -> (Story, Case) {
    let s = under_review();
    let t = s.now();
    let mut case = step_at(
        &s,
        s.case().clone(),
        OWNER,
        &request(APPT, P_IN_PROGRESS, 48),
        t,
    );
    match status {
        St::Pending => {}
        St::Accepted => case = step_at(&s, case, P_IN_PROGRESS, &answer(true), t),
        St::Rejected => case = step_at(&s, case, P_IN_PROGRESS, &answer(false), t),
        St::Canceled => case = step_at(&s, case, OWNER, &cancel_appt(), t),
        St::Completed => {
            case = step_at(&s, case, P_IN_PROGRESS, &answer(true), t);
            let after = base_time() + Duration::hours(49);
            case = step_at(&s, case, OWNER, &complete(), after);
        }
    }
    assert_eq!(appt(&case).status, status);
    (s, case)
}

// ---- seed 004, "8. Permissions Summary" --------------------------------------------------

/// Create Appointment: requester ✅, provider ✅, admin 🔒 (and DOMAIN.md: the coordinator
/// too; nobody outside the case).
#[test]
fn create_appointment_by_role() {
    let s = under_review();
    let case = s.case().clone();
    let t = s.now();
    let cases: [(Actor, Actor, Option<RefusalCode>); 9] = [
        (OWNER, P_IN_PROGRESS, None),
        (P_IN_PROGRESS, OWNER, None),
        (COORD, OWNER, None),
        (P_ACCEPTED, COORD, None),
        (ADMIN, OWNER, Some(RefusalCode::Forbidden)),
        (SYSTEM, OWNER, Some(RefusalCode::Forbidden)),
        (OTHER_REQUESTER, P_IN_PROGRESS, Some(RefusalCode::NotFound)),
        (P_DECLINED, OWNER, Some(RefusalCode::NotFound)),
        (P_OUTSIDER, OWNER, Some(RefusalCode::NotFound)),
    ];
    for (actor, with, expected) in cases {
        let got = code(decide_at(&s, &case, actor, &request(APPT, with, 48), t));
        assert_eq!(
            got, expected,
            "{actor:?} requests an appointment with {with:?}"
        );
    }
    // The invitee must be another person of the case.
    for with in [OWNER, P_DECLINED, P_OUTSIDER, ADMIN, FORMER_COORD] {
        let got = code(decide_at(&s, &case, OWNER, &request(APPT, with, 48), t));
        assert_eq!(got, Some(RefusalCode::NotEligible), "with {with:?}");
    }
}

/// Accept / Reject Appointment: requester ✅, provider ✅ (as the receiver), admin 🔒.
#[test]
fn accept_and_reject_by_role() {
    for (proposer, receiver) in [(OWNER, P_IN_PROGRESS), (P_IN_PROGRESS, OWNER)] {
        let s = under_review();
        let t = s.now();
        let case = step_at(
            &s,
            s.case().clone(),
            proposer,
            &request(APPT, receiver, 48),
            t,
        );
        for accept in [true, false] {
            let cmd = answer(accept);
            assert_eq!(code(decide_at(&s, &case, receiver, &cmd, t)), None);
            for (who, expected) in [
                (proposer, RefusalCode::Forbidden),
                (ADMIN, RefusalCode::Forbidden),
                (COORD, RefusalCode::Forbidden),
                (P_ACCEPTED, RefusalCode::Forbidden),
                (OTHER_REQUESTER, RefusalCode::NotFound),
                (P_OUTSIDER, RefusalCode::NotFound),
            ] {
                assert_eq!(
                    code(decide_at(&s, &case, who, &cmd, t)),
                    Some(expected),
                    "{who:?} answers ({accept}) an appointment {proposer:?} proposed"
                );
            }
        }
    }
}

/// Edit Appointment: requester ✅ (creator only), provider ✅ (creator only), admin 🔒.
#[test]
fn only_the_creator_edits_a_pending_appointment() {
    for (creator, other) in [(OWNER, P_IN_PROGRESS), (P_IN_PROGRESS, OWNER)] {
        let s = under_review();
        let t = s.now();
        let case = step_at(&s, s.case().clone(), creator, &request(APPT, other, 48), t);
        assert_eq!(code(decide_at(&s, &case, creator, &change(50), t)), None);
        for (who, expected) in [
            (other, RefusalCode::Forbidden),
            (ADMIN, RefusalCode::Forbidden),
            (COORD, RefusalCode::Forbidden),
            (OTHER_REQUESTER, RefusalCode::NotFound),
        ] {
            assert_eq!(
                code(decide_at(&s, &case, who, &change(50), t)),
                Some(expected),
                "{who:?}"
            );
        }
        let edited = step_at(&s, case, creator, &change(50), t);
        let a = appt(&edited);
        assert_eq!(a.starts_at, base_time() + Duration::hours(50));
        assert_eq!(
            (a.status, a.proposed_by, a.version),
            (St::Pending, creator.id, 2)
        );
    }
}

/// Cancel Appointment: requester ✅, provider ✅ (either party), admin 🔒.
#[test]
fn either_party_cancels() {
    for status in [St::Pending, St::Accepted] {
        let (s, case) = with_appointment(status);
        let t = s.now();
        for who in [OWNER, P_IN_PROGRESS] {
            let after = step_at(&s, case.clone(), who, &cancel_appt(), t);
            assert_eq!(appt(&after).status, St::Canceled);
        }
        for (who, expected) in [
            (ADMIN, RefusalCode::Forbidden),
            (COORD, RefusalCode::Forbidden),
            (P_ACCEPTED, RefusalCode::Forbidden),
            (OTHER_REQUESTER, RefusalCode::NotFound),
            (P_DECLINED, RefusalCode::NotFound),
        ] {
            assert_eq!(
                code(decide_at(&s, &case, who, &cancel_appt(), t)),
                Some(expected)
            );
        }
    }
}

/// View Case-Based Appointments and the Global List: requester ✅, provider ✅, admin ✅ —
/// each holds every appointment of every case it sees (the lists are built from these
/// copies; `crates/core/tests/appointments.rs` checks them), and nobody else has the case.
#[test]
fn everyone_on_the_case_and_admins_view_its_appointments() {
    let (_, case) = with_appointment(St::Accepted);
    for who in [
        OWNER,
        COORD,
        P_IN_PROGRESS,
        P_ACCEPTED,
        P_ASSIGNED,
        P_DONE,
        ADMIN,
    ] {
        assert!(
            domain::visibility::can_see(&case, who),
            "{who:?} sees the case"
        );
        let copy = redact_for(case.clone(), who);
        assert_eq!(copy.appointments, case.appointments, "{who:?}'s copy");
    }
    for who in [
        OTHER_REQUESTER,
        P_OUTSIDER,
        P_DECLINED,
        FORMER_COORD,
        OTHER_COORD,
    ] {
        assert!(
            !domain::visibility::can_see(&case, who),
            "{who:?} does not see it"
        );
    }
}

// ---- the status machine ------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Act {
    Accept,
    Reject,
    /// By the current proposer (for a pending one) or the other party (accepted).
    Change,
    Cancel,
    /// A party, once the appointment has begun.
    CompleteByParty,
    /// The system, once it has ended.
    CompleteBySystem,
}

/// Every (status × action) cell: the status it leads to, or the refusal.
#[test]
fn the_appointment_status_machine() {
    use Act::*;
    let table: [(St, Act, Result<St, RefusalCode>); 30] = [
        (St::Pending, Accept, Ok(St::Accepted)),
        (St::Pending, Reject, Ok(St::Rejected)),
        (St::Pending, Change, Ok(St::Pending)),
        (St::Pending, Cancel, Ok(St::Canceled)),
        (
            St::Pending,
            CompleteByParty,
            Err(RefusalCode::InvalidStatus),
        ),
        (
            St::Pending,
            CompleteBySystem,
            Err(RefusalCode::InvalidStatus),
        ),
        (St::Accepted, Accept, Err(RefusalCode::InvalidStatus)),
        (St::Accepted, Reject, Err(RefusalCode::InvalidStatus)),
        (St::Accepted, Change, Ok(St::Pending)),
        (St::Accepted, Cancel, Ok(St::Canceled)),
        (St::Accepted, CompleteByParty, Ok(St::Completed)),
        (St::Accepted, CompleteBySystem, Ok(St::Completed)),
        (St::Rejected, Accept, Err(RefusalCode::InvalidStatus)),
        (St::Rejected, Reject, Err(RefusalCode::InvalidStatus)),
        (St::Rejected, Change, Err(RefusalCode::InvalidStatus)),
        (St::Rejected, Cancel, Err(RefusalCode::InvalidStatus)),
        (
            St::Rejected,
            CompleteByParty,
            Err(RefusalCode::InvalidStatus),
        ),
        (
            St::Rejected,
            CompleteBySystem,
            Err(RefusalCode::InvalidStatus),
        ),
        (St::Canceled, Accept, Err(RefusalCode::InvalidStatus)),
        (St::Canceled, Reject, Err(RefusalCode::InvalidStatus)),
        (St::Canceled, Change, Err(RefusalCode::InvalidStatus)),
        (St::Canceled, Cancel, Err(RefusalCode::InvalidStatus)),
        (
            St::Canceled,
            CompleteByParty,
            Err(RefusalCode::InvalidStatus),
        ),
        (
            St::Canceled,
            CompleteBySystem,
            Err(RefusalCode::InvalidStatus),
        ),
        (St::Completed, Accept, Err(RefusalCode::InvalidStatus)),
        (St::Completed, Reject, Err(RefusalCode::InvalidStatus)),
        (St::Completed, Change, Err(RefusalCode::InvalidStatus)),
        (St::Completed, Cancel, Err(RefusalCode::InvalidStatus)),
        (
            St::Completed,
            CompleteByParty,
            Err(RefusalCode::InvalidStatus),
        ),
        (
            St::Completed,
            CompleteBySystem,
            Err(RefusalCode::InvalidStatus),
        ),
    ];
    let begun = base_time() + Duration::hours(48) + Duration::minutes(1);
    let ended = base_time() + Duration::hours(48) + Duration::minutes(30);
    for (status, act, expected) in table {
        let (s, case) = with_appointment(status);
        let now = s.now();
        let (actor, command, at) = match act {
            Accept => (P_IN_PROGRESS, answer(true), now),
            Reject => (P_IN_PROGRESS, answer(false), now),
            Change if status == St::Accepted => (P_IN_PROGRESS, change(72), now),
            Change => (OWNER, change(72), now),
            Cancel => (OWNER, cancel_appt(), now),
            CompleteByParty => (OWNER, complete(), begun),
            CompleteBySystem => (SYSTEM, complete(), ended),
        };
        let got = decide_at(&s, &case, actor, &command, at)
            .map(|events| appt(&fold(Some(case.clone()), &events, at, actor).unwrap()).status)
            .map_err(|r| r.code);
        assert_eq!(got, expected, "{status:?} × {act:?}");
    }
}

#[test]
fn an_accepted_appointment_completes_only_once_it_has_taken_place() {
    let (s, case) = with_appointment(St::Accepted);
    let start = base_time() + Duration::hours(48);
    let early = start - Duration::minutes(1);
    assert_eq!(
        code(decide_at(&s, &case, OWNER, &complete(), early)),
        Some(RefusalCode::InvalidStatus)
    );
    // The system waits for the end; a party may mark it held once it has begun.
    assert_eq!(
        code(decide_at(&s, &case, SYSTEM, &complete(), start)),
        Some(RefusalCode::InvalidStatus)
    );
    assert_eq!(
        code(decide_at(&s, &case, P_IN_PROGRESS, &complete(), start)),
        None
    );
    assert_eq!(
        appointment::ended(&case, start + Duration::minutes(29)),
        Vec::<AppointmentId>::new()
    );
    assert_eq!(
        appointment::ended(&case, start + Duration::minutes(30)),
        vec![APPT]
    );
    // An admin never; the system does nothing else.
    assert_eq!(
        code(decide_at(&s, &case, ADMIN, &complete(), start)),
        Some(RefusalCode::Forbidden)
    );
    assert_eq!(
        code(decide_at(&s, &case, SYSTEM, &cancel_appt(), start)),
        Some(RefusalCode::Forbidden)
    );
}

#[test]
fn rescheduling_an_accepted_appointment_sends_it_back_to_the_other_party() {
    let (s, case) = with_appointment(St::Accepted);
    let t = s.now();
    // The receiver reschedules: it is pending again, and now the requester answers.
    let case = step_at(&s, case, P_IN_PROGRESS, &change(72), t);
    let a = appt(&case);
    assert_eq!(
        (a.status, a.proposed_by, a.receiver()),
        (St::Pending, P_IN_PROGRESS.id, OWNER.id)
    );
    assert_eq!(a.changed_by, P_IN_PROGRESS.id);
    assert_eq!(a.created_by, OWNER.id, "the creator stays");
    assert_eq!(
        code(decide_at(&s, &case, P_IN_PROGRESS, &answer(true), t)),
        Some(RefusalCode::Forbidden)
    );
    // Only the new proposer edits it while pending.
    assert_eq!(
        code(decide_at(&s, &case, OWNER, &change(80), t)),
        Some(RefusalCode::Forbidden)
    );
    let case = step_at(&s, case, OWNER, &answer(true), t);
    assert_eq!(appt(&case).status, St::Accepted);
    assert_eq!(appt(&case).version, 4);
}

#[test]
fn a_pending_appointment_whose_time_passed_is_not_accepted() {
    let (s, case) = with_appointment(St::Pending);
    let late = base_time() + Duration::hours(48);
    assert_eq!(
        code(decide_at(&s, &case, P_IN_PROGRESS, &answer(true), late)),
        Some(RefusalCode::InvalidStatus)
    );
    // It can still be rejected or cancelled.
    assert_eq!(
        code(decide_at(&s, &case, P_IN_PROGRESS, &answer(false), late)),
        None
    );
}

#[test]
fn bad_times_are_refused_with_the_field() {
    let s = under_review();
    let case = s.case().clone();
    let t = s.now();
    let bad = |f: fn(&mut AppointmentInput)| {
        let mut input = input_at(48);
        f(&mut input);
        let r = decide_at(
            &s,
            &case,
            OWNER,
            &CaseCommand::Appointment(AppointmentCommand::Request {
                case_id: CASE,
                appointment_id: APPT,
                with_id: P_IN_PROGRESS.id,
                input,
            }),
            t,
        )
        .expect_err("refused");
        assert_eq!(r.code, RefusalCode::InvalidInput);
        r.field.expect("names the field")
    };
    assert_eq!(bad(|i| i.starts_at = String::new()), "startsAt");
    assert_eq!(bad(|i| i.starts_at = "tomorrow at nine".into()), "startsAt");
    assert_eq!(
        bad(|i| i.starts_at = (base_time() - Duration::hours(1)).to_rfc3339()),
        "startsAt"
    );
    assert_eq!(
        bad(|i| i.starts_at = (base_time() + Duration::days(400)).to_rfc3339()),
        "startsAt"
    );
    assert_eq!(bad(|i| i.duration_minutes = 0), "durationMinutes");
    assert_eq!(bad(|i| i.duration_minutes = 481), "durationMinutes");
    assert_eq!(bad(|i| i.time_zone = "Mars/Olympus".into()), "timeZone");
    assert_eq!(bad(|i| i.purpose = Some("x".repeat(2_001))), "purpose");
    // An offset is kept as the instant it names; the purpose is optional.
    let mut input = input_at(48);
    let riyadh = chrono::FixedOffset::east_opt(3 * 3600).unwrap();
    let start = base_time() + Duration::hours(48);
    input.starts_at = start.with_timezone(&riyadh).to_rfc3339();
    assert!(input.starts_at.ends_with("+03:00"));
    input.purpose = None;
    let events = decide_at(
        &s,
        &case,
        OWNER,
        &CaseCommand::Appointment(AppointmentCommand::Request {
            case_id: CASE,
            appointment_id: APPT,
            with_id: P_IN_PROGRESS.id,
            input,
        }),
        t,
    )
    .unwrap();
    let CaseEvent::Appointment(AppointmentEvent::Requested { appointment }) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(appointment.starts_at.to_rfc3339(), start.to_rfc3339());
    assert_eq!(appointment.purpose, None);
}

#[test]
fn appointments_only_while_the_case_is_open_or_completed() {
    for fixture in Fixture::ALL {
        let s = fixture.story();
        let case = s.case().clone();
        let got = code(decide_at(
            &s,
            &case,
            OWNER,
            &request(APPT, COORD, 48),
            s.now(),
        ));
        let expected = match fixture {
            Fixture::Draft | Fixture::PaymentFailed | Fixture::Cancelled | Fixture::Rejected => {
                Some(RefusalCode::InvalidStatus)
            }
            // Submitted: nobody but the requester works on it yet.
            Fixture::Submitted => Some(RefusalCode::NotEligible),
            Fixture::AwaitingPayment
            | Fixture::PaymentSuccessful
            | Fixture::UnderReview
            | Fixture::OpinionsIn
            | Fixture::Completed => None,
        };
        assert_eq!(got, expected, "{fixture:?}");
    }
}

#[test]
fn closing_the_case_or_leaving_it_cancels_open_appointments() {
    let (s, case) = with_appointment(St::Accepted);
    let t = s.now();
    let case = step_at(&s, case, P_ACCEPTED, &request(APPT_2, OWNER, 60), t);
    // The provider who declines takes its appointment with it; the other stays.
    let declined = step_at(&s, case.clone(), P_ASSIGNED, &decline(Some("Away")), t);
    assert_eq!(appt(&declined).status, St::Accepted);
    let s2 = {
        let s2 = under_review();
        let c = step_at(
            &s2,
            s2.case().clone(),
            P_ASSIGNED,
            &request(APPT_2, OWNER, 60),
            t,
        );
        let c = step_at(&s2, c, P_ASSIGNED, &decline(Some("Away")), t);
        c.appointments[0].status
    };
    assert_eq!(s2, St::Canceled);
    // Cancelling the case cancels every open one.
    let cancelled = step_at(&s, case, ADMIN, &cancel(Some("Duplicate")), t);
    assert!(cancelled
        .appointments
        .iter()
        .all(|a| a.status == St::Canceled));
}

#[test]
fn overlapping_accepted_appointments_are_flagged_before_acceptance() {
    let (s, case) = with_appointment(St::Accepted);
    let t = s.now();
    // The coordinator proposes to the same provider, overlapping by 10 minutes.
    let overlap = CaseCommand::Appointment(AppointmentCommand::Request {
        case_id: CASE,
        appointment_id: APPT_2,
        with_id: P_IN_PROGRESS.id,
        input: AppointmentInput {
            starts_at: (base_time() + Duration::hours(48) + Duration::minutes(20)).to_rfc3339(),
            ..input_at(0)
        },
    });
    let case = step_at(&s, case, COORD, &overlap, t);
    let candidate = case.appointments.iter().find(|a| a.id == APPT_2).unwrap();
    assert_eq!(
        appointment::conflicts([&case], P_IN_PROGRESS.id, candidate),
        vec![(CASE, APPT)]
    );
    // The coordinator has no other appointment; touching ends do not overlap.
    assert!(appointment::conflicts([&case], COORD.id, candidate).is_empty());
    let mut touching = candidate.clone();
    touching.starts_at = base_time() + Duration::hours(48) + Duration::minutes(30);
    assert!(appointment::conflicts([&case], P_IN_PROGRESS.id, &touching).is_empty());
}

#[test]
fn the_ui_is_offered_exactly_what_the_rules_allow() {
    let (s, case) = with_appointment(St::Pending);
    let a = appt(&case);
    let t = s.now();
    let of = |who: Actor| appointment::actions(&case, a, who, t);
    assert_eq!(
        of(P_IN_PROGRESS),
        AppointmentActions {
            accept: true,
            reject: true,
            edit: false,
            cancel: true,
            complete: false
        }
    );
    assert_eq!(
        of(OWNER),
        AppointmentActions {
            accept: false,
            reject: false,
            edit: true,
            cancel: true,
            complete: false
        }
    );
    assert_eq!(of(ADMIN), AppointmentActions::default());
    assert_eq!(of(COORD), AppointmentActions::default());
}

#[test]
fn every_change_bumps_the_version_and_names_who_changed_it() {
    let (s, case) = with_appointment(St::Pending);
    let t = s.now();
    assert_eq!((appt(&case).version, appt(&case).changed_by), (1, OWNER.id));
    let case = step_at(&s, case, P_IN_PROGRESS, &answer(true), t);
    assert_eq!(
        (appt(&case).version, appt(&case).changed_by),
        (2, P_IN_PROGRESS.id)
    );
    let case = step_at(&s, case, OWNER, &cancel_appt(), t);
    assert_eq!((appt(&case).version, appt(&case).changed_by), (3, OWNER.id));
    let _: UserId = appt(&case).other_party(OWNER.id);
}

#[test]
fn a_failed_payment_cancels_the_appointments_arranged_while_it_was_awaited() {
    let mut s = awaiting_payment();
    let t = s.now();
    let case = step_at(&s, s.case().clone(), OWNER, &request(APPT, COORD, 48), t);
    let case = step_at(&s, case, COORD, &answer(true), t);
    s.case = Some(case);
    let before = s.case().clone();
    let events = s.step(SYSTEM, &payment_failed("Card declined"));
    assert_eq!(appt(s.case()).status, St::Canceled);
    let told = domain::notice::case_notices(Some(&before), s.case(), &events[0], SYSTEM);
    let canceled: Vec<UserId> = told
        .iter()
        .filter(|n| n.kind == domain::NoticeKind::AppointmentCanceled)
        .map(|n| n.user_id)
        .collect();
    assert!(
        canceled.contains(&OWNER.id) && canceled.contains(&COORD.id),
        "{told:?}"
    );
}
