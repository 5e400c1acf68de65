//! A client of the HTTP API without a desktop core: people signed in with their tokens,
//! pushes of raw commands (one, or a whole outbox at once), pulls page by page, uploads;
//! and the steps that take a case to a given status, each a real push (the payment as the
//! callback records it). For the chat, notification and scheduled-job tests.

use chrono::{DateTime, Utc};
use domain::{
    demo, AppointmentCommand, AppointmentId, AppointmentInput, CaseCommand, CaseFields, CaseId,
    ChatCommand, ChatMessage, Command, CommandId, DocumentId, DocumentInput, DocumentKind,
    MessageId, PatientCommand, PatientId, PatientInput, PaymentOutcome, Sex, UserId,
};
use protocol::{
    Notification, Outcome, PullResponse, PushRequest, PushResponse, PushedCommand, SequencedEvent,
};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::TestApp;

pub const REQUESTER_2: &str = "requester2@demo.hospital";
pub const PROVIDER_2: &str = "provider2@demo.hospital";

/// A signed-in person.
#[derive(Clone, Debug)]
pub struct Person {
    pub email: String,
    pub id: UserId,
    pub token: String,
}

impl TestApp {
    /// Signs the demo person with this e-mail address in.
    pub async fn person(&self, email: &str) -> Person {
        Person {
            email: email.to_string(),
            id: super::desk::demo_actor(email).id,
            token: self.sign_in(email).await,
        }
    }

    /// Pushes `commands` as `who`; the server's answer (the push itself must be taken).
    pub async fn push(&self, who: &Person, commands: &[PushedCommand]) -> PushResponse {
        let body = serde_json::to_value(PushRequest {
            commands: commands.to_vec(),
        })
        .unwrap();
        let response = self.post_json("/v1/push", &body, Some(&who.token)).await;
        assert_eq!(response.status(), StatusCode::OK, "a push answers 200");
        response.json().await.expect("a push answer")
    }

    /// Pushes one command as `who`; its outcome.
    pub async fn push_one(&self, who: &Person, command: Command) -> Outcome {
        self.push(who, &[pushed(command)])
            .await
            .results
            .remove(0)
            .outcome
    }

    /// Pushes one command as `who`, which the server must accept; its events.
    pub async fn push_ok(&self, who: &Person, command: Command) -> Vec<SequencedEvent> {
        let what = format!("{command:?}");
        match self.push_one(who, command).await {
            Outcome::Accepted { events } => events,
            Outcome::Refused { refusal } => panic!("{what} by {} refused: {refusal:?}", who.email),
        }
    }

    /// One pull page from `cursor`, as the raw JSON text and as read.
    pub async fn pull_text(&self, who: &Person, cursor: i64) -> (String, PullResponse) {
        let response = self
            .get(
                &format!("/v1/pull?cursor={cursor}&config=0"),
                Some(&who.token),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "a pull answers 200");
        let text = response.text().await.unwrap();
        let page = serde_json::from_str(&text).expect("a pull answer");
        (text, page)
    }

    /// Pulls from `cursor` page by page until nothing more waits.
    pub async fn pull_all(&self, who: &Person, cursor: i64) -> Pulled {
        let mut pulled = Pulled {
            cursor,
            ..Pulled::default()
        };
        loop {
            let (text, page) = self.pull_text(who, pulled.cursor).await;
            pulled.texts.push(text);
            pulled.messages.extend(page.messages);
            pulled.notifications.extend(page.notifications);
            pulled.removed_cases.extend(page.removed_cases);
            for snapshot in page.cases {
                pulled.cases.push(snapshot);
            }
            pulled.cursor = page.cursor;
            if !page.more {
                return pulled;
            }
        }
    }

    /// Stores `content` as `who` (the whole at once); its hash and size.
    pub async fn upload(&self, who: &Person, content: &[u8]) -> (String, u32) {
        let sha = hex::encode(Sha256::digest(content));
        let response = self
            .client
            .put(self.url(&format!("/v1/blobs/{sha}")))
            .bearer_auth(&who.token)
            .body(content.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::NO_CONTENT,
            "the upload is taken"
        );
        (sha, content.len() as u32)
    }

    /// The server's case as stored.
    pub async fn case(&self, id: CaseId) -> domain::Case {
        super::desktop::server_case(self, id).await
    }
}

/// What pulls from a cursor brought, page after page.
#[derive(Debug, Default)]
pub struct Pulled {
    pub cursor: i64,
    pub texts: Vec<String>,
    pub cases: Vec<protocol::CaseSnapshot>,
    pub removed_cases: Vec<CaseId>,
    pub messages: Vec<ChatMessage>,
    pub notifications: Vec<Notification>,
}

impl Pulled {
    pub fn bodies(&self) -> Vec<&str> {
        self.messages.iter().map(|m| m.body.as_str()).collect()
    }

    pub fn kinds(&self) -> Vec<domain::NoticeKind> {
        self.notifications.iter().map(|n| n.kind).collect()
    }
}

pub fn pushed(command: Command) -> PushedCommand {
    PushedCommand {
        command_id: CommandId(Uuid::now_v7()),
        issued_at: Utc::now(),
        command,
    }
}

pub fn case(command: CaseCommand) -> Command {
    Command::Case(command)
}

/// A chat message `body` on `case_id`, with an attachment when given.
pub fn post(case_id: CaseId, body: &str, attachment: Option<DocumentInput>) -> Command {
    Command::Chat(ChatCommand::Post {
        message_id: MessageId(Uuid::now_v7()),
        case_id,
        body: body.into(),
        attachment: attachment.map(|d| (DocumentId(Uuid::now_v7()), d)),
    })
}

pub fn document(name: &str, sha256: &str, size_bytes: u32) -> DocumentInput {
    DocumentInput {
        name: name.into(),
        kind: DocumentKind::Other,
        media_type: "application/pdf".into(),
        sha256: sha256.into(),
        size_bytes,
    }
}

/// The message an accepted chat post answered with.
pub fn sent(outcome: &Outcome) -> &ChatMessage {
    match outcome {
        Outcome::Accepted { events } => match events.as_slice() {
            [SequencedEvent {
                event: protocol::Event::Chat { message },
                ..
            }] => message,
            other => panic!("a chat post answers one chat event: {other:?}"),
        },
        Outcome::Refused { refusal } => panic!("refused: {refusal:?}"),
    }
}

pub fn refusal(outcome: &Outcome) -> domain::RefusalCode {
    match outcome {
        Outcome::Refused { refusal } => refusal.code,
        Outcome::Accepted { events } => panic!("accepted: {events:?}"),
    }
}

// --- a case, step by step ---------------------------------------------------------------

/// The people of the demo who work on cases: requester, admin, coordinator, two providers.
pub struct People {
    pub requester: Person,
    pub admin: Person,
    pub coordinator: Person,
    pub provider: Person,
    pub provider_2: Person,
}

impl People {
    pub async fn sign_in(app: &TestApp) -> People {
        People {
            requester: app.person(super::REQUESTER).await,
            admin: app.person(super::ADMIN).await,
            coordinator: app.person(super::COORDINATOR).await,
            provider: app.person(super::PROVIDER).await,
            provider_2: app.person(PROVIDER_2).await,
        }
    }
}

/// A requester's patient and cardiology case with one document: a draft, or submitted.
pub async fn new_case(app: &TestApp, requester: &Person, submit: bool) -> CaseId {
    let (sha256, size) = app.upload(requester, b"%PDF-1.4 referral letter").await;
    let patient_id = PatientId(Uuid::now_v7());
    let case_id = CaseId(Uuid::now_v7());
    let commands = [
        pushed(Command::Patient(PatientCommand::Create {
            patient_id,
            input: PatientInput {
                full_name: "Salma Nour".into(),
                date_of_birth: "1980-02-03".into(),
                sex: Sex::Female,
                medical_record_number: None,
                phone: None,
            },
        })),
        pushed(case(CaseCommand::Create {
            case_id,
            fields: CaseFields {
                patient_id,
                review_type_id: demo::CARDIOLOGY_REVIEW,
                disease_category_id: demo::CORONARY,
                question: "Stent or bypass?".into(),
                clinical_summary: "Three-vessel disease.".into(),
            },
            documents: vec![(
                DocumentId(Uuid::now_v7()),
                DocumentInput {
                    kind: DocumentKind::MedicalReport,
                    ..document("referral.pdf", &sha256, size)
                },
            )],
            submit,
        })),
    ];
    for result in app.push(requester, &commands).await.results {
        assert!(
            matches!(result.outcome, Outcome::Accepted { .. }),
            "the requester's case is taken: {:?}",
            result.outcome
        );
    }
    case_id
}

/// The admin assigns the demo coordinator: awaiting payment.
pub async fn assign_coordinator(app: &TestApp, admin: &Person, case_id: CaseId) {
    app.push_ok(
        admin,
        case(CaseCommand::AssignCoordinator {
            case_id,
            coordinator_id: demo::COORDINATOR,
            replacing: None,
        }),
    )
    .await;
}

/// The payment succeeds, recorded as the provider's callback records it.
pub async fn pay(app: &TestApp, case_id: CaseId) {
    let outcome = super::record_system(
        &app.pool,
        case(CaseCommand::RecordPayment {
            case_id,
            outcome: PaymentOutcome::Succeeded {
                reference: "SANDBOX-0001".into(),
            },
        }),
    )
    .await;
    assert!(
        matches!(outcome, Outcome::Accepted { .. }),
        "payment recorded: {outcome:?}"
    );
}

/// The coordinator assigns `providers`: doctors assigned.
pub async fn assign_providers(
    app: &TestApp,
    coordinator: &Person,
    case_id: CaseId,
    providers: &[&Person],
) {
    app.push_ok(
        coordinator,
        case(CaseCommand::AssignProviders {
            case_id,
            provider_ids: providers.iter().map(|p| p.id).collect(),
        }),
    )
    .await;
}

/// A submitted case, its coordinator assigned and paid: payment successful.
pub async fn paid_case(app: &TestApp, people: &People) -> CaseId {
    let case_id = new_case(app, &people.requester, true).await;
    assign_coordinator(app, &people.admin, case_id).await;
    pay(app, case_id).await;
    case_id
}

/// A paid case with `providers` assigned: doctors assigned.
pub async fn case_with_doctors(app: &TestApp, people: &People, providers: &[&Person]) -> CaseId {
    let case_id = paid_case(app, people).await;
    assign_providers(app, &people.coordinator, case_id, providers).await;
    case_id
}

/// An appointment `by` proposes to `with` on `case_id` at `starts_at`, for `minutes`.
pub fn request_appointment(
    case_id: CaseId,
    with: &Person,
    starts_at: DateTime<Utc>,
    minutes: u32,
) -> (AppointmentId, Command) {
    let appointment_id = AppointmentId(Uuid::now_v7());
    let command = case(CaseCommand::Appointment(AppointmentCommand::Request {
        case_id,
        appointment_id,
        with_id: with.id,
        input: AppointmentInput {
            starts_at: starts_at.to_rfc3339(),
            duration_minutes: minutes,
            time_zone: "Asia/Riyadh".into(),
            purpose: Some("Discuss the angiogram".into()),
        },
    }));
    (appointment_id, command)
}

pub fn answer_appointment(case_id: CaseId, appointment_id: AppointmentId, accept: bool) -> Command {
    case(CaseCommand::Appointment(AppointmentCommand::Answer {
        case_id,
        appointment_id,
        accept,
        reason: (!accept).then(|| "Not available then".into()),
    }))
}
