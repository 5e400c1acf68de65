//! The commands and events are a wire format (outbox rows, pushes, the server's log): the
//! parts nested in memory (`CaseCommand::Appointment`, `CaseEvent::Issue`, …) stay flat on
//! the wire, exactly as they were before they were nested, and read back the same.

use chrono::{TimeZone, Utc};
use domain::{
    AppointmentCommand, AppointmentEvent, AppointmentId, AppointmentInput, CaseCommand, CaseEvent,
    CaseId, Command, IssueCommand, IssueEvent, IssueId, IssueInput, UserId,
};
use serde_json::{json, Value};
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn round_trip<T>(value: &T, wire: Value)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::to_value(value).unwrap(), wire);
    let back: T = serde_json::from_value(wire).unwrap();
    assert_eq!(&back, value);
}

#[test]
fn nested_commands_are_flat_on_the_wire() {
    let request = Command::Case(CaseCommand::Appointment(AppointmentCommand::Request {
        case_id: CaseId(id(1)),
        appointment_id: AppointmentId(id(2)),
        with_id: UserId(id(3)),
        input: AppointmentInput {
            starts_at: "2026-12-10T09:00:00Z".into(),
            duration_minutes: 30,
            time_zone: "Asia/Riyadh".into(),
            purpose: None,
        },
    }));
    round_trip(
        &request,
        json!({
            "aggregate": "case",
            "type": "request_appointment",
            "case_id": id(1),
            "appointment_id": id(2),
            "with_id": id(3),
            "input": {
                "startsAt": "2026-12-10T09:00:00Z",
                "durationMinutes": 30,
                "timeZone": "Asia/Riyadh",
                "purpose": null
            }
        }),
    );
    let resolve = Command::Case(CaseCommand::Issue(IssueCommand::Resolve {
        case_id: CaseId(id(1)),
        issue_id: IssueId(id(4)),
    }));
    round_trip(
        &resolve,
        json!({"aggregate": "case", "type": "resolve_issue", "case_id": id(1), "issue_id": id(4)}),
    );
    let report = CaseCommand::Issue(IssueCommand::Report {
        case_id: CaseId(id(1)),
        issue_id: IssueId(id(4)),
        input: IssueInput {
            title: "Scan missing".into(),
            description: String::new(),
        },
    });
    assert_eq!(
        serde_json::to_value(&report).unwrap()["type"],
        "report_issue"
    );
    // A lifecycle command beside them is unchanged.
    round_trip(
        &CaseCommand::Submit {
            case_id: CaseId(id(1)),
        },
        json!({"type": "submit", "case_id": id(1)}),
    );
}

#[test]
fn nested_events_are_flat_on_the_wire() {
    round_trip(
        &CaseEvent::Appointment(AppointmentEvent::Canceled {
            appointment_id: AppointmentId(id(2)),
            reason: Some("Travelling".into()),
        }),
        json!({"type": "appointment_canceled", "appointment_id": id(2), "reason": "Travelling"}),
    );
    round_trip(
        &CaseEvent::Issue(IssueEvent::Deleted {
            issue_id: IssueId(id(4)),
            title: "Scan missing".into(),
        }),
        json!({"type": "issue_deleted", "issue_id": id(4), "title": "Scan missing"}),
    );
    let changed = CaseEvent::Appointment(AppointmentEvent::Changed {
        appointment_id: AppointmentId(id(2)),
        starts_at: Utc.with_ymd_and_hms(2026, 12, 10, 9, 0, 0).unwrap(),
        duration_minutes: 45,
        time_zone: "UTC".into(),
        purpose: None,
    });
    assert_eq!(
        serde_json::to_value(&changed).unwrap()["type"],
        "appointment_changed"
    );
}

#[test]
fn an_unknown_or_incomplete_command_is_refused_when_read() {
    for wire in [
        json!({"type": "request_appointment", "case_id": id(1)}),
        json!({"type": "no_such_command", "case_id": id(1)}),
    ] {
        assert!(serde_json::from_value::<CaseCommand>(wire).is_err());
    }
}
