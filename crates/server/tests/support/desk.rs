//! Real desktop cores (`so_core::App`, each on its own SQLite file, a memory token store)
//! and the checks that compare them with the server: the replica against what the server
//! sends that user from scratch, and the server's log against its own state.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, SubsecRound, Utc};
use domain::visibility::can_see_patient;
use domain::{Actor, Case, CaseEvent, CaseId, CommandId, Patient, Role, UserId};
use protocol::{CaseSnapshot, Event, Outcome, PullResponse};
use serde_json::Value;
use so_core::{App, CaseFilter, MemoryTokens, TokenStore};
use sqlx::{PgPool, Row};
use uuid::Uuid;

use super::desktop::open;
use super::DEMO_PASSWORD;

pub struct Desk {
    pub app: App,
    pub tokens: MemoryTokens,
    pub dir: tempfile::TempDir,
    /// Who is signed in on it.
    pub actor: Actor,
    pub email: String,
}

/// The demo person with this e-mail address.
pub fn demo_actor(email: &str) -> Actor {
    let user = domain::demo::catalog()
        .users
        .into_iter()
        .find(|u| u.email == email)
        .unwrap_or_else(|| panic!("{email} is a demo user"));
    Actor::new(user.id, user.role)
}

impl Desk {
    /// A desktop connected to `url`, signed in as `email` (and synced once by sign-in).
    pub async fn sign_in(url: &str, email: &str) -> Desk {
        let dir = tempfile::tempdir().expect("a data directory");
        let tokens = MemoryTokens::default();
        let app = open(dir.path(), &tokens).await;
        app.connect(url).await.expect("connect");
        app.sign_in(email, DEMO_PASSWORD).await.expect("sign in");
        Desk {
            app,
            tokens,
            dir,
            actor: demo_actor(email),
            email: email.to_string(),
        }
    }

    /// Closes this desktop and opens it again on the same SQLite file and token store.
    pub async fn restart(&mut self) {
        self.app.store().close().await;
        let app = open(self.dir.path(), &self.tokens).await;
        drop(std::mem::replace(&mut self.app, app));
    }

    /// The session token the desktop keeps.
    pub async fn token(&self) -> String {
        let url = match self.app.authority() {
            so_core::Authority::Server(link) => link.url,
            so_core::Authority::Standalone => panic!("not connected"),
        };
        TokenStore::Memory(self.tokens.clone())
            .load(&url)
            .await
            .expect("token store")
            .expect("a stored session")
            .token
    }

    /// Every command in the outbox, in the order issued.
    pub async fn outbox(&self) -> Vec<store::outbox::Entry> {
        let mut conn = self.app.store().read().await.expect("read");
        store::outbox::list(&mut conn).await.expect("outbox")
    }
}

// --- the server's view -----------------------------------------------------------------

/// What the server sends a user who starts from nothing: every case and patient they may
/// see now.
#[derive(Debug, Default)]
pub struct ServerView {
    pub cases: BTreeMap<CaseId, CaseSnapshot>,
    pub patients: BTreeMap<domain::PatientId, Patient>,
}

/// Pulls from cursor 0 as the holder of `token`, straight from the server at `base`.
pub async fn server_view(client: &reqwest::Client, base: &str, token: &str) -> ServerView {
    let mut view = ServerView::default();
    let mut cursor = 0;
    loop {
        let response = client
            .get(format!("{base}/v1/pull?cursor={cursor}&config=0"))
            .bearer_auth(token)
            .send()
            .await
            .expect("pull");
        assert!(
            response.status().is_success(),
            "pull: {}",
            response.status()
        );
        let page: PullResponse = response.json().await.expect("a pull answer");
        for snapshot in page.cases {
            view.cases.insert(snapshot.case.id, snapshot);
        }
        for patient in page.patients {
            view.patients.insert(patient.id, patient);
        }
        for id in page.removed_cases {
            view.cases.remove(&id);
        }
        cursor = page.cursor;
        if !page.more {
            return view;
        }
    }
}

/// Where the desktop's replica differs from `view` (the server's, for the same user):
/// the cases it shows and keeps, each case's state and timeline (of the cases in
/// `detail`, or all), the patients it shows. `None` when they are equal.
pub async fn replica_mismatch(
    desk: &Desk,
    view: &ServerView,
    detail: Option<&[CaseId]>,
) -> Option<String> {
    let who = &desk.email;
    let shown: BTreeSet<CaseId> = desk
        .app
        .list_cases(CaseFilter::default())
        .await
        .expect("list cases")
        .into_iter()
        .map(|c| c.id)
        .collect();
    let truth: BTreeSet<CaseId> = view.cases.keys().copied().collect();
    if shown != truth {
        return Some(format!(
            "{who}: shows cases {shown:?}, the server gives them {truth:?}"
        ));
    }
    let mut conn = desk.app.store().read().await.expect("read");
    let kept: BTreeSet<CaseId> = sqlx::query_scalar::<_, String>("SELECT id FROM cases")
        .fetch_all(&mut *conn)
        .await
        .expect("case ids")
        .iter()
        .map(|id| CaseId(id.parse().expect("a uuid")))
        .collect();
    if kept != truth {
        return Some(format!(
            "{who}: keeps cases {kept:?} in its replica, may see {truth:?}"
        ));
    }
    let detailed = || {
        view.cases
            .iter()
            .filter(|(id, _)| detail.is_none_or(|ids| ids.contains(id)))
    };
    for (id, snapshot) in detailed() {
        let displayed = store::cases::get(&mut conn, *id).await.expect("case");
        if displayed.as_ref() != Some(&snapshot.case) {
            return Some(format!(
                "{who}: case {id} is\n{displayed:#?}\non the desktop, the server has\n{:#?}",
                snapshot.case
            ));
        }
        let lines: Vec<_> = store::timeline::list(&mut conn, *id)
            .await
            .expect("timeline")
            .into_iter()
            .map(|l| (l.at, l.actor_id, l.actor_role, l.label, l.detail, l.pending))
            .collect();
        let server_lines: Vec<_> = snapshot
            .timeline
            .iter()
            .map(|l| {
                (
                    l.at,
                    l.actor_id,
                    l.actor_role,
                    l.label.clone(),
                    l.detail.clone(),
                    false,
                )
            })
            .collect();
        if lines != server_lines {
            return Some(format!(
                "{who}: the timeline of case {id} is\n{lines:#?}\non the desktop, the server \
                 has\n{server_lines:#?}"
            ));
        }
    }
    drop(conn);
    for (id, snapshot) in detailed() {
        let detail = desk.app.get_case(*id).await.expect("the case shows");
        let patient = view.patients.get(&snapshot.case.patient_id);
        if Some(&detail.patient) != patient {
            return Some(format!(
                "{who}: case {id} shows patient {:?}, the server has {patient:?}{}",
                detail.patient,
                known_patient_bug(&detail.patient, patient)
            ));
        }
    }
    let mut patients = desk.app.list_patients().await.expect("patients");
    patients.sort_by_key(|p| p.id);
    let visible: Vec<Patient> = view
        .patients
        .values()
        .filter(|p| can_see_patient(p, desk.actor))
        .cloned()
        .collect();
    if patients != visible {
        let known = patients
            .iter()
            .zip(&visible)
            .map(|(shown, server)| known_patient_bug(shown, Some(server)))
            .find(|k| !k.is_empty())
            .unwrap_or_default();
        return Some(format!(
            "{who}: lists patients\n{patients:#?}\nthe server gives them\n{visible:#?}{known}"
        ));
    }
    None
}

/// KNOWN BUG, reported with these tests (not fixed here: it is in `crates/store`):
/// `store::patients::save` upserts with `ON CONFLICT (id) DO UPDATE SET …` that leaves
/// `created_at` out, so a patient created on the desktop keeps the desktop's own
/// creation time after the server's record (created at the server's time) arrives: the
/// replica never equals the server. Names that case in the failure message; the check
/// itself stays strict.
fn known_patient_bug(shown: &Patient, server: Option<&Patient>) -> &'static str {
    match server {
        Some(server)
            if shown.created_at != server.created_at
                && Patient {
                    created_at: server.created_at,
                    ..shown.clone()
                } == *server =>
        {
            "\n(only `created_at` differs: the known bug of `store::patients::save`, whose \
             upsert keeps the desktop's creation time instead of the server's)"
        }
        _ => "",
    }
}

// --- the server's log ------------------------------------------------------------------

/// A command as the server recorded it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub user_id: UserId,
    pub outcome: Outcome,
    /// Events in the log with this command id.
    pub events: i64,
}

impl Recorded {
    pub fn refusal_code(&self) -> Option<&'static str> {
        match &self.outcome {
            Outcome::Accepted { .. } => None,
            Outcome::Refused { refusal } => Some(refusal.code.as_str()),
        }
    }
}

/// How the server recorded each of `ids` (absent: never received). The primary key
/// makes a second row for one id impossible; what this shows besides is whether each
/// accepted command's events are in the log exactly once.
pub async fn recorded(pool: &PgPool, ids: &[CommandId]) -> HashMap<CommandId, Recorded> {
    let uuids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    let events: HashMap<Uuid, i64> = sqlx::query(
        "SELECT command_id, count(*) AS n FROM events WHERE command_id = ANY($1)
         GROUP BY command_id",
    )
    .bind(&uuids)
    .fetch_all(pool)
    .await
    .expect("count events")
    .iter()
    .map(|r| (r.get("command_id"), r.get("n")))
    .collect();
    sqlx::query("SELECT command_id, user_id, outcome FROM commands WHERE command_id = ANY($1)")
        .bind(&uuids)
        .fetch_all(pool)
        .await
        .expect("read commands")
        .iter()
        .map(|r| {
            let id: Uuid = r.get("command_id");
            let outcome: Value = r.get("outcome");
            (
                CommandId(id),
                Recorded {
                    user_id: UserId(r.get("user_id")),
                    outcome: serde_json::from_value(outcome).expect("a stored outcome"),
                    events: events.get(&id).copied().unwrap_or(0),
                },
            )
        })
        .collect()
}

/// Where the server's stored state of each case differs from its event log folded from
/// the start (an event applied twice, or lost, shows here). `None` when they agree.
pub async fn log_mismatch(pool: &PgPool, cases: &[CaseId]) -> Option<String> {
    for id in cases {
        let rows = sqlx::query(
            "SELECT at, actor_id, actor_role, event FROM events
             WHERE aggregate = 'case' AND aggregate_id = $1 ORDER BY seq",
        )
        .bind(id.0)
        .fetch_all(pool)
        .await
        .expect("read the log");
        let mut folded: Option<Case> = None;
        for row in &rows {
            let at: DateTime<Utc> = row.get("at");
            let role: String = row.get("actor_role");
            let by = Actor::new(
                UserId(row.get("actor_id")),
                Role::parse(&role).expect("a role"),
            );
            let event: Event = serde_json::from_value(row.get("event")).expect("an event");
            let Event::Case { event, .. } = event else {
                return Some(format!("case {id}: a patient event in its log"));
            };
            folded = CaseEvent::evolve(&event, folded, at, by);
        }
        let stored: Option<Value> = sqlx::query_scalar("SELECT state FROM cases WHERE id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await
            .expect("read the case");
        let folded = folded.map(|c| micros(serde_json::to_value(c).expect("json")));
        let stored = stored.map(micros);
        if folded != stored {
            return Some(format!(
                "case {id}: the log folds to\n{folded:#?}\nthe server stores\n{stored:#?}"
            ));
        }
    }
    None
}

/// The log keeps times to the microsecond (PostgreSQL), a stored state to the nanosecond
/// (JSON): compare at the log's precision.
fn micros(value: Value) -> Value {
    match value {
        Value::String(s) => match DateTime::parse_from_rfc3339(&s) {
            Ok(t) => Value::String(
                t.with_timezone(&Utc)
                    .trunc_subsecs(6)
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            ),
            Err(_) => Value::String(s),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(micros).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, micros(v))).collect()),
        other => other,
    }
}

/// Records a payment result as the system user, the way the payment callback will:
/// decided by the same rules, inside the push lock. The rules may refuse it (the case was
/// cancelled meanwhile); the outcome says.
pub async fn record_payment(pool: &PgPool, case_id: CaseId, succeeded: bool) -> Outcome {
    use domain::{CaseCommand, Command, PaymentOutcome};
    let outcome = if succeeded {
        PaymentOutcome::Succeeded {
            reference: "SANDBOX-0001".into(),
        }
    } else {
        PaymentOutcome::Failed {
            reason: "Card declined".into(),
        }
    };
    super::record_system(
        pool,
        Command::Case(CaseCommand::RecordPayment { case_id, outcome }),
    )
    .await
}
