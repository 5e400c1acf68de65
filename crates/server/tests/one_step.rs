//! The desktop's standalone authority and the server decide alike: the same scripted
//! commands — every role, acceptances and refusals — run through both give the same
//! answers (codes, messages and fields), the same events, the same states, timelines,
//! chat and notification settings. Both run `domain::step`; this test holds them to it,
//! so a drift in what either side loads or stores around the step shows here.

mod support;

use chrono::{DateTime, Duration, Utc};
use domain::demo;
use domain::{
    Actor, AppointmentCommand, AppointmentId, AppointmentInput, CaseCommand, CaseFields, CaseId,
    Channel, ChatCommand, Command, CommandId, DocumentId, DocumentInput, DocumentKind,
    IssueCommand, IssueId, IssueInput, MessageId, NoticeKind, OpinionInput, PatientCommand,
    PatientId, PatientInput, PaymentOutcome, PreferenceCommand, Sex, UserId,
};
use protocol::{Event, Outcome};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use so_core::Authority;
use sqlx::Row;
use uuid::Uuid;

const REFERRAL: &[u8] = b"%PDF-1.4 one step referral";

fn id() -> Uuid {
    Uuid::now_v7()
}

fn actor(id: UserId) -> Actor {
    let role = demo::catalog()
        .user(id)
        .map(|u| u.role)
        .expect("a demo user");
    Actor::new(id, role)
}

fn document(sha256: &str, size: usize, name: &str) -> DocumentInput {
    DocumentInput {
        name: name.into(),
        kind: DocumentKind::MedicalReport,
        media_type: "application/pdf".into(),
        sha256: sha256.into(),
        size_bytes: size as u32,
    }
}

fn fields(patient_id: PatientId) -> CaseFields {
    CaseFields {
        patient_id,
        review_type_id: demo::CARDIOLOGY_REVIEW,
        disease_category_id: demo::CORONARY,
        question: "Stent or bypass?".into(),
        clinical_summary: "Three-vessel disease.".into(),
    }
}

/// The script: who gives which command, in order. Refusals are mixed in where each role
/// would meet one.
fn script(sha: &str) -> Vec<(UserId, Command)> {
    use CaseCommand as C;
    let (p1, c1, c2) = (PatientId(id()), CaseId(id()), CaseId(id()));
    let message = MessageId(id());
    let appointment = AppointmentId(id());
    let missing = hex::encode(Sha256::digest(b"never staged"));
    let case = |c: CaseCommand| Command::Case(c);
    let post = |body: &str, message_id| {
        Command::Chat(ChatCommand::Post {
            message_id,
            case_id: c1,
            body: body.into(),
            attachment: None,
        })
    };
    vec![
        (
            demo::REQUESTER,
            Command::Patient(PatientCommand::Create {
                patient_id: p1,
                input: PatientInput {
                    full_name: "Omar Haddad".into(),
                    date_of_birth: "1975-06-07".into(),
                    sex: Sex::Male,
                    medical_record_number: Some("MRN-1".into()),
                    phone: None,
                },
            }),
        ),
        (
            demo::PROVIDER,
            Command::Patient(PatientCommand::Create {
                patient_id: PatientId(id()),
                input: PatientInput {
                    full_name: "Not Theirs".into(),
                    date_of_birth: "1980-01-01".into(),
                    sex: Sex::Female,
                    medical_record_number: None,
                    phone: None,
                },
            }),
        ),
        (
            demo::COORDINATOR,
            case(C::Create {
                case_id: CaseId(id()),
                fields: fields(p1),
                documents: Vec::new(),
                submit: false,
            }),
        ),
        (
            demo::REQUESTER,
            case(C::Create {
                case_id: c1,
                fields: fields(p1),
                documents: vec![(
                    DocumentId(id()),
                    document(sha, REFERRAL.len(), "referral.pdf"),
                )],
                submit: false,
            }),
        ),
        (
            demo::REQUESTER,
            case(C::AddDocument {
                case_id: c1,
                document_id: DocumentId(id()),
                document: document(&missing, 12, "scan.pdf"),
            }),
        ),
        (demo::REQUESTER, case(C::Submit { case_id: c1 })),
        (demo::REQUESTER, case(C::Submit { case_id: c1 })),
        (
            demo::PROVIDER,
            case(C::AssignCoordinator {
                case_id: c1,
                coordinator_id: demo::COORDINATOR,
                replacing: None,
            }),
        ),
        (
            demo::ADMIN,
            case(C::Reject {
                case_id: c1,
                reason: "  ".into(),
            }),
        ),
        (
            demo::ADMIN,
            case(C::AssignCoordinator {
                case_id: c1,
                coordinator_id: demo::COORDINATOR,
                replacing: None,
            }),
        ),
        (
            demo::SYSTEM,
            case(C::RecordPayment {
                case_id: c1,
                outcome: PaymentOutcome::Succeeded {
                    reference: "PAY-ONE-STEP".into(),
                },
            }),
        ),
        (
            demo::COORDINATOR,
            case(C::AssignProviders {
                case_id: c1,
                provider_ids: vec![demo::PROVIDER, demo::PROVIDER_2],
            }),
        ),
        (
            demo::PROVIDER,
            case(C::RespondToAssignment {
                case_id: c1,
                accept: true,
                reason: None,
            }),
        ),
        (
            demo::PROVIDER_2,
            case(C::RespondToAssignment {
                case_id: c1,
                accept: false,
                reason: Some("On leave this month.".into()),
            }),
        ),
        (demo::PROVIDER_2, case(C::StartReview { case_id: c1 })),
        (demo::PROVIDER, case(C::StartReview { case_id: c1 })),
        (demo::REQUESTER, post("Is anything missing?", message)),
        (demo::REQUESTER, post("Twice with one id", message)),
        (demo::ADMIN, post("Admins read no chat", MessageId(id()))),
        (demo::COORDINATOR, post("", MessageId(id()))),
        (
            demo::COORDINATOR,
            case(C::Appointment(AppointmentCommand::Request {
                case_id: c1,
                appointment_id: appointment,
                with_id: demo::REQUESTER,
                input: AppointmentInput {
                    starts_at: "2027-01-11T09:30:00+01:00".into(),
                    duration_minutes: 30,
                    time_zone: "Europe/Berlin".into(),
                    purpose: Some("Go through the question".into()),
                },
            })),
        ),
        (
            demo::REQUESTER,
            case(C::Appointment(AppointmentCommand::Answer {
                case_id: c1,
                appointment_id: appointment,
                accept: true,
                reason: None,
            })),
        ),
        (
            demo::PROVIDER,
            case(C::Issue(IssueCommand::Report {
                case_id: c1,
                issue_id: IssueId(id()),
                input: IssueInput {
                    title: "Echo report unreadable".into(),
                    description: "Page 2 is cut off.".into(),
                },
            })),
        ),
        (
            demo::REQUESTER,
            case(C::SubmitFinalSummary {
                case_id: c1,
                summary: "Not mine to write.".into(),
            }),
        ),
        (
            demo::PROVIDER,
            case(C::SubmitOpinion {
                case_id: c1,
                opinion: OpinionInput {
                    assessment: "Severe three-vessel disease.".into(),
                    diagnosis: "CAD".into(),
                    recommendations: "Bypass surgery.".into(),
                    answers: "Bypass.".into(),
                    references: String::new(),
                },
            }),
        ),
        (
            demo::COORDINATOR,
            case(C::SubmitFinalSummary {
                case_id: c1,
                summary: "Bypass is recommended.".into(),
            }),
        ),
        (
            demo::REQUESTER,
            Command::Preference(PreferenceCommand::SetChannel {
                kind: NoticeKind::ALL[0],
                channel: Channel::Email,
                enabled: false,
            }),
        ),
        (
            demo::SYSTEM,
            Command::Preference(PreferenceCommand::SetChannel {
                kind: NoticeKind::ALL[0],
                channel: Channel::Email,
                enabled: false,
            }),
        ),
        (
            demo::REQUESTER,
            case(C::Create {
                case_id: c2,
                fields: fields(p1),
                documents: vec![(DocumentId(id()), document(sha, REFERRAL.len(), "again.pdf"))],
                submit: true,
            }),
        ),
        (
            demo::ADMIN,
            case(C::Cancel {
                case_id: c2,
                reason: None,
            }),
        ),
        (
            demo::REQUESTER,
            case(C::Cancel {
                case_id: c2,
                reason: Some("Treated locally.".into()),
            }),
        ),
    ]
}

/// One command's answer, the same shape on both sides: accepted with its events as
/// `(aggregate, id, event)`, or refused with `{code, message, field}`.
#[derive(Debug, PartialEq)]
enum Answer {
    Accepted(Vec<(String, Uuid, Value)>),
    Refused(Value),
}

fn server_answer(outcome: Outcome) -> Answer {
    match outcome {
        Outcome::Refused { refusal } => Answer::Refused(json!({
            "code": refusal.code,
            "message": refusal.message,
            "field": refusal.field,
        })),
        Outcome::Accepted { events } => Answer::Accepted(
            events
                .into_iter()
                .filter_map(|e| match e.event {
                    Event::Case { case_id, event } => Some((
                        "case".to_string(),
                        case_id.as_uuid(),
                        serde_json::to_value(event).unwrap(),
                    )),
                    Event::Patient { patient_id, event } => Some((
                        "patient".to_string(),
                        patient_id.as_uuid(),
                        serde_json::to_value(event).unwrap(),
                    )),
                    // Messages are compared with the desktop's chat table below.
                    Event::Chat { .. } => None,
                })
                .collect(),
        ),
    }
}

async fn desktop_answer(
    store: &store::Store,
    command_id: CommandId,
    result: so_core::Result<()>,
) -> Answer {
    match result {
        Err(e) => Answer::Refused(json!({
            "code": e.code,
            "message": e.message,
            "field": e.field,
        })),
        Ok(()) => {
            let mut conn = store.read().await.unwrap();
            let rows = sqlx::query(
                "SELECT aggregate, aggregate_id, event FROM events WHERE command_id = ?
                 ORDER BY seq",
            )
            .bind(command_id.to_string())
            .fetch_all(&mut *conn)
            .await
            .unwrap();
            Answer::Accepted(
                rows.iter()
                    .map(|r| {
                        let id: String = r.get("aggregate_id");
                        let event: String = r.get("event");
                        (
                            r.get("aggregate"),
                            id.parse().unwrap(),
                            serde_json::from_str(&event).unwrap(),
                        )
                    })
                    .collect(),
            )
        }
    }
}

#[tokio::test]
async fn the_standalone_desktop_and_the_server_decide_every_command_alike() {
    let server = support::spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let desktop = store::Store::open(&dir.path().join("so.db")).await.unwrap();
    let start: DateTime<Utc> = "2026-12-03T10:00:00Z".parse().unwrap();

    // The same configuration and the same staged content on both sides.
    let mut tx = desktop.begin().await.unwrap();
    store::catalog::replace(&mut tx, &demo::catalog())
        .await
        .unwrap();
    let sha = store::blobs::put(&mut tx, REFERRAL, start).await.unwrap();
    tx.commit().await.unwrap();
    let mut conn = server.pool.acquire().await.unwrap();
    server::sync::db::put_blob(&mut conn, &sha, REFERRAL, demo::REQUESTER, start)
        .await
        .unwrap();
    drop(conn);

    let script = script(&sha);
    let mut answers = Vec::new();
    for (i, (who, command)) in script.iter().enumerate() {
        let now = start + Duration::minutes(i as i64);
        let (actor, command_id) = (actor(*who), CommandId(id()));

        let decided = Authority::Standalone
            .apply(&desktop, actor, command_id, command, now)
            .await;
        let on_desktop = desktop_answer(&desktop, command_id, decided).await;

        let mut tx = server.pool.begin().await.unwrap();
        server::sync::db::lock_log(&mut tx).await.unwrap();
        let pushed = protocol::PushedCommand {
            command_id,
            issued_at: now,
            command: command.clone(),
        };
        let outcome = server::sync::apply::apply_and_record(&mut tx, actor, &pushed, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let on_server = server_answer(outcome);

        assert_eq!(
            on_desktop, on_server,
            "command {i} ({who:?}): the desktop and the server answer alike"
        );
        answers.push(on_server);
    }

    // The script means something: both kinds of answer, every refusal code it aims at.
    let refused: Vec<String> = answers
        .iter()
        .filter_map(|a| match a {
            Answer::Refused(r) => Some(r["code"].as_str().unwrap().to_string()),
            Answer::Accepted(_) => None,
        })
        .collect();
    assert_eq!(
        refused,
        [
            "forbidden",       // a provider creates a patient
            "forbidden",       // a coordinator creates a case
            "invalid_input",   // a document whose content never arrived
            "invalid_status",  // submitted twice
            "not_found",       // a provider off the case
            "reason_required", // an admin rejects without a reason
            "not_found",       // a provider who declined no longer sees the case
            "conflict",        // one message id twice
            "forbidden",       // admins write no chat
            "invalid_input",   // an empty message
            "forbidden",       // a requester writes the summary
            "forbidden",       // the system has no settings
            "reason_required", // an admin cancels without a reason
        ],
        "the refusals the script aims at, in order"
    );

    // The same stored state: cases, patients, timelines, chat, settings and counters.
    let mut local = desktop.read().await.unwrap();
    let mut remote = server.pool.acquire().await.unwrap();
    let case_ids: Vec<CaseId> = script
        .iter()
        .filter_map(|(_, c)| match c {
            Command::Case(c) => Some(c.case_id()),
            _ => None,
        })
        .collect();
    let mut on_server = server::sync::db::get_cases(&mut remote, &case_ids)
        .await
        .unwrap();
    on_server.sort_by_key(|c| c.id);
    let mut on_desktop = Vec::new();
    for id in &case_ids {
        if let Some(case) = store::cases::get(&mut local, *id).await.unwrap() {
            if !on_desktop.iter().any(|c: &domain::Case| c.id == case.id) {
                on_desktop.push(case);
            }
        }
    }
    on_desktop.sort_by_key(|c| c.id);
    assert_eq!(on_desktop.len(), 2, "two cases were created");
    assert_eq!(on_desktop, on_server, "the same cases");
    assert!(
        on_desktop.iter().any(|c| c.invoice.is_some()),
        "the completed case has its invoice on both sides"
    );

    for case in &on_server {
        let local_lines: Vec<(String, Option<String>)> = store::timeline::list(&mut local, case.id)
            .await
            .unwrap()
            .into_iter()
            .map(|l| (l.label, l.detail))
            .collect();
        let remote_lines: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT label, detail FROM timeline WHERE case_id = $1 ORDER BY id")
                .bind(case.id.as_uuid())
                .fetch_all(&mut *remote)
                .await
                .unwrap();
        assert_eq!(
            local_lines, remote_lines,
            "the same timeline of {:?}",
            case.id
        );

        let local_chat: Vec<domain::ChatMessage> = store::chat::list(&mut local, case.id)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.message)
            .collect();
        let remote_chat: Vec<domain::ChatMessage> =
            server::sync::chat_db::history(&mut remote, &[case.id], i64::MAX)
                .await
                .unwrap()
                .into_iter()
                .map(|(_, m)| m)
                .collect();
        assert_eq!(local_chat, remote_chat, "the same chat on {:?}", case.id);
    }

    let patient_ids: Vec<PatientId> = script
        .iter()
        .filter_map(|(_, c)| match c {
            Command::Patient(p) => Some(p.patient_id()),
            _ => None,
        })
        .collect();
    let remote_patients = server::sync::db::get_patients(&mut remote, &patient_ids)
        .await
        .unwrap();
    let mut local_patients = Vec::new();
    for id in &patient_ids {
        local_patients.extend(store::patients::get(&mut local, *id).await.unwrap());
    }
    assert_eq!(local_patients.len(), 1, "one patient was created");
    assert_eq!(local_patients, remote_patients, "the same patients");

    let local_off = store::notifications::channels_off(&mut local, demo::REQUESTER)
        .await
        .unwrap();
    let remote_off: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, channel FROM notification_settings WHERE user_id = $1 AND NOT enabled",
    )
    .bind(demo::REQUESTER.as_uuid())
    .fetch_all(&mut *remote)
    .await
    .unwrap();
    let local_off: Vec<(String, String)> = local_off
        .iter()
        .map(|o| (o.kind.as_str().to_string(), o.channel.as_str().to_string()))
        .collect();
    assert_eq!(local_off, remote_off, "the same notification settings");

    let local_counters: Vec<(String, i64)> =
        sqlx::query_as("SELECT name, value FROM counters ORDER BY name")
            .fetch_all(&mut *local)
            .await
            .unwrap();
    let remote_counters: Vec<(String, i64)> = sqlx::query_as(
        "SELECT name, value FROM counters WHERE name <> 'events' AND name NOT LIKE 'config%'
         ORDER BY name",
    )
    .fetch_all(&mut *remote)
    .await
    .unwrap();
    assert_eq!(
        local_counters, remote_counters,
        "the same case references and invoice numbers were taken"
    );
}
