//! The authoritative state's queries (PostgreSQL). Nothing else in the sync module
//! writes SQL; nothing here decides anything.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{
    Actor, Case, CaseId, Catalog, CommandId, DiseaseCategory, Patient, PatientId, ReviewType, Role,
    Specialty, TimelineLabel, User, UserId,
};
use protocol::{Outcome, TimelineLine};
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

pub type Db = sqlx::Result<()>;

fn corrupt(e: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored data could not be read: {e}").into())
}

fn role(text: &str) -> sqlx::Result<Role> {
    Role::parse(text).ok_or_else(|| corrupt(format!("role {text}")))
}

/// Takes the push lock until the transaction ends: commands are decided one at a time,
/// so event numbers are gap-free and increase in commit order.
pub async fn lock_log(conn: &mut PgConnection) -> Db {
    sqlx::query("SELECT pg_advisory_xact_lock(7203001)")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn next(conn: &mut PgConnection, counter: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO counters (name, value) VALUES ($1, 1)
         ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .bind(counter)
    .fetch_one(&mut *conn)
    .await
}

pub async fn current(conn: &mut PgConnection, counter: &str) -> sqlx::Result<i64> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT value FROM counters WHERE name = $1")
            .bind(counter)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0),
    )
}

pub async fn load_catalog(conn: &mut PgConnection) -> sqlx::Result<Catalog> {
    let links: Vec<(Uuid, Uuid)> =
        sqlx::query_as("SELECT user_id, specialty_id FROM user_specialties ORDER BY specialty_id")
            .fetch_all(&mut *conn)
            .await?;
    let providers: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT category_id, provider_id FROM disease_category_providers ORDER BY provider_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut catalog = Catalog::default();
    for row in sqlx::query("SELECT id, name, email, role, active FROM users ORDER BY role, name")
        .fetch_all(&mut *conn)
        .await?
    {
        let id: Uuid = row.get("id");
        catalog.users.push(User {
            id: UserId(id),
            name: row.get("name"),
            email: row.get("email"),
            role: role(row.get("role"))?,
            specialty_ids: links
                .iter()
                .filter(|(u, _)| *u == id)
                .map(|(_, s)| domain::SpecialtyId(*s))
                .collect(),
            active: row.get("active"),
        });
    }
    for row in sqlx::query("SELECT id, name_en, name_ar FROM specialties ORDER BY name_en")
        .fetch_all(&mut *conn)
        .await?
    {
        catalog.specialties.push(Specialty {
            id: domain::SpecialtyId(row.get("id")),
            name_en: row.get("name_en"),
            name_ar: row.get("name_ar"),
        });
    }
    for row in sqlx::query(
        "SELECT id, name_en, name_ar, price_minor, currency, expected_review_days, specialty_id,
                active
         FROM review_types ORDER BY name_en",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        catalog.review_types.push(ReviewType {
            id: domain::ReviewTypeId(row.get("id")),
            name_en: row.get("name_en"),
            name_ar: row.get("name_ar"),
            price_minor: u32::try_from(row.get::<i64, _>("price_minor")).map_err(corrupt)?,
            currency: row.get("currency"),
            expected_review_days: u32::try_from(row.get::<i32, _>("expected_review_days"))
                .map_err(corrupt)?,
            specialty_id: domain::SpecialtyId(row.get("specialty_id")),
            active: row.get("active"),
        });
    }
    for row in sqlx::query(
        "SELECT id, label_en, label_ar, specialty_id, active FROM disease_categories
         ORDER BY label_en",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let id: Uuid = row.get("id");
        catalog.disease_categories.push(DiseaseCategory {
            id: domain::DiseaseCategoryId(id),
            label_en: row.get("label_en"),
            label_ar: row.get("label_ar"),
            specialty_id: domain::SpecialtyId(row.get("specialty_id")),
            provider_ids: providers
                .iter()
                .filter(|(c, _)| *c == id)
                .map(|(_, p)| UserId(*p))
                .collect(),
            active: row.get("active"),
        });
    }
    Ok(catalog)
}

/// Writes the configuration — the demo's into an empty database, or an admin's change —
/// and bumps its version (the users must exist already): specialties, review types and
/// disease categories updated in place (cases point at them; nothing is deleted), the
/// mappings (categories' providers, users' specialties) written whole. Accounts
/// themselves are `crate::accounts`'.
pub async fn save_configuration(conn: &mut PgConnection, catalog: &Catalog) -> Db {
    for s in &catalog.specialties {
        sqlx::query(
            "INSERT INTO specialties (id, name_en, name_ar) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en, name_ar = excluded.name_ar",
        )
        .bind(s.id.as_uuid())
        .bind(&s.name_en)
        .bind(&s.name_ar)
        .execute(&mut *conn)
        .await?;
    }
    for r in &catalog.review_types {
        sqlx::query(
            "INSERT INTO review_types (id, name_en, name_ar, price_minor, currency,
               expected_review_days, specialty_id, active)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en,
               name_ar = excluded.name_ar, price_minor = excluded.price_minor,
               currency = excluded.currency,
               expected_review_days = excluded.expected_review_days,
               specialty_id = excluded.specialty_id, active = excluded.active",
        )
        .bind(r.id.as_uuid())
        .bind(&r.name_en)
        .bind(&r.name_ar)
        .bind(i64::from(r.price_minor))
        .bind(&r.currency)
        .bind(i32::try_from(r.expected_review_days).map_err(corrupt)?)
        .bind(r.specialty_id.as_uuid())
        .bind(r.active)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM disease_category_providers")
        .execute(&mut *conn)
        .await?;
    for c in &catalog.disease_categories {
        sqlx::query(
            "INSERT INTO disease_categories (id, label_en, label_ar, specialty_id, active)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET label_en = excluded.label_en,
               label_ar = excluded.label_ar, specialty_id = excluded.specialty_id,
               active = excluded.active",
        )
        .bind(c.id.as_uuid())
        .bind(&c.label_en)
        .bind(&c.label_ar)
        .bind(c.specialty_id.as_uuid())
        .bind(c.active)
        .execute(&mut *conn)
        .await?;
        for p in &c.provider_ids {
            sqlx::query(
                "INSERT INTO disease_category_providers (category_id, provider_id) VALUES ($1, $2)",
            )
            .bind(c.id.as_uuid())
            .bind(p.as_uuid())
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::query("DELETE FROM user_specialties")
        .execute(&mut *conn)
        .await?;
    for u in &catalog.users {
        for s in &u.specialty_ids {
            sqlx::query("INSERT INTO user_specialties (user_id, specialty_id) VALUES ($1, $2)")
                .bind(u.id.as_uuid())
                .bind(s.as_uuid())
                .execute(&mut *conn)
                .await?;
        }
    }
    config_changed(conn).await
}

/// Bumps the configuration's version, so every client's next pull carries it.
pub async fn config_changed(conn: &mut PgConnection) -> Db {
    next(conn, "config").await?;
    Ok(())
}

/// The first answers to any of `ids` already answered, with who gave each command.
pub async fn command_outcomes(
    conn: &mut PgConnection,
    ids: &[CommandId],
) -> sqlx::Result<HashMap<CommandId, (UserId, Outcome)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<Uuid> = ids.iter().map(CommandId::as_uuid).collect();
    let rows =
        sqlx::query("SELECT command_id, user_id, outcome FROM commands WHERE command_id = ANY($1)")
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|r| {
            let Json(outcome) = r.try_get("outcome")?;
            let answer = (UserId(r.get("user_id")), outcome);
            Ok((CommandId(r.get("command_id")), answer))
        })
        .collect()
}

/// Stores `commands` with their answers, given by `actor`, in one statement.
pub async fn record_commands(
    conn: &mut PgConnection,
    actor: Actor,
    received_at: DateTime<Utc>,
    commands: &[(&protocol::PushedCommand, &Outcome)],
) -> Db {
    if commands.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = commands
        .iter()
        .map(|(p, _)| p.command_id.as_uuid())
        .collect();
    let issued: Vec<DateTime<Utc>> = commands.iter().map(|(p, _)| p.issued_at).collect();
    let bodies: Vec<Json<&domain::Command>> =
        commands.iter().map(|(p, _)| Json(&p.command)).collect();
    let outcomes: Vec<Json<&Outcome>> = commands.iter().map(|(_, o)| Json(*o)).collect();
    sqlx::query(
        "INSERT INTO commands (command_id, user_id, issued_at, received_at, command, outcome)
         SELECT c.command_id, $2, c.issued_at, $3, c.command, c.outcome
         FROM UNNEST($1::uuid[], $4::timestamptz[], $5::jsonb[], $6::jsonb[])
           AS c (command_id, issued_at, command, outcome)",
    )
    .bind(&ids)
    .bind(actor.id.as_uuid())
    .bind(received_at)
    .bind(&issued)
    .bind(&bodies)
    .bind(&outcomes)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Stores one command with its answer (`record_commands` of one).
pub async fn record_command(
    conn: &mut PgConnection,
    actor: Actor,
    pushed: &protocol::PushedCommand,
    received_at: DateTime<Utc>,
    outcome: &Outcome,
) -> Db {
    record_commands(conn, actor, received_at, &[(pushed, outcome)]).await
}

/// An event for the global log; its `seq` was handed out under the push lock.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub seq: i64,
    pub command_id: CommandId,
    pub event: protocol::Event,
}

/// Appends `events`, all given by `actor` at `at`, to the global log in one statement.
pub async fn append_events(
    conn: &mut PgConnection,
    at: DateTime<Utc>,
    actor: Actor,
    events: &[NewEvent],
) -> Db {
    if events.is_empty() {
        return Ok(());
    }
    let mut seqs = Vec::with_capacity(events.len());
    let mut command_ids = Vec::with_capacity(events.len());
    let mut aggregates = Vec::with_capacity(events.len());
    let mut aggregate_ids = Vec::with_capacity(events.len());
    let mut bodies = Vec::with_capacity(events.len());
    for e in events {
        let (aggregate, id) = match &e.event {
            protocol::Event::Case { case_id, .. } => ("case", case_id.as_uuid()),
            protocol::Event::Patient { patient_id, .. } => ("patient", patient_id.as_uuid()),
            // Chat messages are kept in `chat_messages`, never in the log admins read.
            protocol::Event::Chat { .. } => {
                return Err(sqlx::Error::Protocol(
                    "a chat message was handed to the event log".into(),
                ))
            }
        };
        seqs.push(e.seq);
        command_ids.push(e.command_id.as_uuid());
        aggregates.push(aggregate);
        aggregate_ids.push(id);
        bodies.push(Json(&e.event));
    }
    sqlx::query(
        "INSERT INTO events (seq, command_id, aggregate, aggregate_id, at, actor_id, actor_role,
           event)
         SELECT e.seq, e.command_id, e.aggregate, e.aggregate_id, $6, $7, $8, e.event
         FROM UNNEST($1::int8[], $2::uuid[], $3::text[], $4::uuid[], $5::jsonb[])
           AS e (seq, command_id, aggregate, aggregate_id, event)",
    )
    .bind(&seqs)
    .bind(&command_ids)
    .bind(&aggregates)
    .bind(&aggregate_ids)
    .bind(&bodies)
    .bind(at)
    .bind(actor.id.as_uuid())
    .bind(actor.role.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets counters to the values handed out in memory under the push lock.
pub async fn set_counters(conn: &mut PgConnection, counters: &[(&str, i64)]) -> Db {
    if counters.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = counters.iter().map(|(n, _)| *n).collect();
    let values: Vec<i64> = counters.iter().map(|(_, v)| *v).collect();
    sqlx::query(
        "INSERT INTO counters (name, value) SELECT * FROM UNNEST($1::text[], $2::int8[])
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(&names)
    .bind(&values)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The patients of `ids` that exist (in no particular order).
pub async fn get_patients(
    conn: &mut PgConnection,
    ids: &[PatientId],
) -> sqlx::Result<Vec<Patient>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = ids.iter().map(PatientId::as_uuid).collect();
    let states: Vec<Json<Patient>> =
        sqlx::query_scalar("SELECT state FROM patients WHERE id = ANY($1)")
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?;
    Ok(states.into_iter().map(|Json(p)| p).collect())
}

/// Writes each patient's state and the number of the latest event that changed it; an id
/// may appear once.
pub async fn save_patients(conn: &mut PgConnection, patients: &[(&Patient, i64)]) -> Db {
    if patients.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = patients.iter().map(|(p, _)| p.id.as_uuid()).collect();
    let owners: Vec<Uuid> = patients.iter().map(|(p, _)| p.owner_id.as_uuid()).collect();
    let states: Vec<Json<&Patient>> = patients.iter().map(|(p, _)| Json(*p)).collect();
    let seqs: Vec<i64> = patients.iter().map(|(_, s)| *s).collect();
    sqlx::query(
        "INSERT INTO patients (id, owner_id, state, seq)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::jsonb[], $4::int8[])
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, seq = excluded.seq",
    )
    .bind(&ids)
    .bind(&owners)
    .bind(&states)
    .bind(&seqs)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The cases of `ids` that exist (in no particular order).
pub async fn get_cases(conn: &mut PgConnection, ids: &[CaseId]) -> sqlx::Result<Vec<Case>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = ids.iter().map(CaseId::as_uuid).collect();
    let states: Vec<Json<Case>> = sqlx::query_scalar("SELECT state FROM cases WHERE id = ANY($1)")
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await?;
    Ok(states.into_iter().map(|Json(c)| c).collect())
}

/// Writes each case's state and the number of the latest event that changed it; an id
/// may appear once. The patients they name must be saved already.
pub async fn save_cases(conn: &mut PgConnection, cases: &[(&Case, i64)]) -> Db {
    if cases.is_empty() {
        return Ok(());
    }
    let n = cases.len();
    let (mut ids, mut references, mut requesters, mut patients) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut coordinators, mut statuses, mut states, mut seqs) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (case, seq) in cases {
        ids.push(case.id.as_uuid());
        references.push(case.reference.as_deref());
        requesters.push(case.requester_id.as_uuid());
        patients.push(case.patient_id.as_uuid());
        coordinators.push(case.coordinator().map(|c| c.as_uuid()));
        statuses.push(case.status.as_str());
        states.push(Json(*case));
        seqs.push(*seq);
    }
    sqlx::query(
        "INSERT INTO cases (id, reference, requester_id, patient_id, coordinator_id, status, state,
           seq)
         SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[],
           $6::text[], $7::jsonb[], $8::int8[])
         ON CONFLICT (id) DO UPDATE SET reference = excluded.reference,
           patient_id = excluded.patient_id, coordinator_id = excluded.coordinator_id,
           status = excluded.status, state = excluded.state, seq = excluded.seq",
    )
    .bind(&ids)
    .bind(&references)
    .bind(&requesters)
    .bind(&patients)
    .bind(&coordinators)
    .bind(&statuses)
    .bind(&states)
    .bind(&seqs)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A line for a case's timeline: `seq` is the last event of the command that wrote it.
#[derive(Clone, Debug)]
pub struct NewTimelineLine {
    pub case_id: CaseId,
    pub seq: i64,
    pub command_id: CommandId,
    pub line: TimelineLabel,
}

/// Appends `lines`, all written by `actor` at `at`, in one statement and in their order
/// (a timeline reads in `id` order).
pub async fn append_timeline(
    conn: &mut PgConnection,
    at: DateTime<Utc>,
    actor: Actor,
    lines: &[NewTimelineLine],
) -> Db {
    if lines.is_empty() {
        return Ok(());
    }
    let case_ids: Vec<Uuid> = lines.iter().map(|l| l.case_id.as_uuid()).collect();
    let seqs: Vec<i64> = lines.iter().map(|l| l.seq).collect();
    let labels: Vec<&str> = lines.iter().map(|l| l.line.label).collect();
    let details: Vec<Option<&str>> = lines.iter().map(|l| l.line.detail.as_deref()).collect();
    let command_ids: Vec<Uuid> = lines.iter().map(|l| l.command_id.as_uuid()).collect();
    // `ORDER BY n`: rows are inserted, and take their `id`s, in the order given.
    sqlx::query(
        "INSERT INTO timeline (case_id, seq, at, actor_id, actor_role, label, detail, command_id)
         SELECT t.case_id, t.seq, $6, $7, $8, t.label, t.detail, t.command_id
         FROM UNNEST($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::uuid[])
           WITH ORDINALITY AS t (case_id, seq, label, detail, command_id, n)
         ORDER BY t.n",
    )
    .bind(&case_ids)
    .bind(&seqs)
    .bind(&labels)
    .bind(&details)
    .bind(&command_ids)
    .bind(at)
    .bind(actor.id.as_uuid())
    .bind(actor.role.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One row of `case_access`: whether the user may see the case, and since which event
/// that holds (granted, or lost).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub granted: bool,
    pub seq: i64,
}

/// The access rows of `cases`.
pub async fn case_access(
    conn: &mut PgConnection,
    cases: &[CaseId],
) -> sqlx::Result<Vec<(CaseId, UserId, Access)>> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = cases.iter().map(CaseId::as_uuid).collect();
    let rows = sqlx::query(
        "SELECT case_id, user_id, granted, seq FROM case_access WHERE case_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let access = Access {
                granted: r.get("granted"),
                seq: r.get("seq"),
            };
            (CaseId(r.get("case_id")), UserId(r.get("user_id")), access)
        })
        .collect())
}

/// Writes access rows (new or changed); a (case, user) pair may appear once.
pub async fn save_access(conn: &mut PgConnection, rows: &[(CaseId, UserId, Access)]) -> Db {
    if rows.is_empty() {
        return Ok(());
    }
    let cases: Vec<Uuid> = rows.iter().map(|(c, _, _)| c.as_uuid()).collect();
    let users: Vec<Uuid> = rows.iter().map(|(_, u, _)| u.as_uuid()).collect();
    let granted: Vec<bool> = rows.iter().map(|(_, _, a)| a.granted).collect();
    let seqs: Vec<i64> = rows.iter().map(|(_, _, a)| a.seq).collect();
    sqlx::query(
        "INSERT INTO case_access (case_id, user_id, granted, seq)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::bool[], $4::int8[])
         ON CONFLICT (case_id, user_id) DO UPDATE SET granted = excluded.granted,
           seq = excluded.seq",
    )
    .bind(&cases)
    .bind(&users)
    .bind(&granted)
    .bind(&seqs)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn blob_size(conn: &mut PgConnection, sha256: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT size_bytes FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&mut *conn)
        .await
}

/// Cases changed after `cursor`, oldest change first, at most `limit`.
pub async fn cases_after(
    conn: &mut PgConnection,
    cursor: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, Case)>> {
    let rows: Vec<(i64, Json<Case>)> =
        sqlx::query_as("SELECT seq, state FROM cases WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(cursor)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, Json(state))| (seq, state))
        .collect())
}

/// Patients changed after `cursor`, oldest change first, at most `limit`.
pub async fn patients_after(
    conn: &mut PgConnection,
    cursor: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, Patient)>> {
    let rows: Vec<(i64, Json<Patient>)> =
        sqlx::query_as("SELECT seq, state FROM patients WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(cursor)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, Json(state))| (seq, state))
        .collect())
}

/// The timelines of `cases`, each in order, in one query.
pub async fn timelines(
    conn: &mut PgConnection,
    cases: &[CaseId],
) -> sqlx::Result<HashMap<CaseId, Vec<TimelineLine>>> {
    let mut out: HashMap<CaseId, Vec<TimelineLine>> = HashMap::with_capacity(cases.len());
    if cases.is_empty() {
        return Ok(out);
    }
    let ids: Vec<Uuid> = cases.iter().map(CaseId::as_uuid).collect();
    let rows = sqlx::query(
        "SELECT case_id, at, actor_id, actor_role, label, detail, command_id FROM timeline
         WHERE case_id = ANY($1) ORDER BY case_id, id",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        out.entry(CaseId(r.get("case_id")))
            .or_default()
            .push(TimelineLine {
                at: r.get("at"),
                actor_id: UserId(r.get("actor_id")),
                actor_role: role(r.get("actor_role"))?,
                label: r.get("label"),
                detail: r.get("detail"),
                command_id: CommandId(r.get("command_id")),
            });
    }
    Ok(out)
}

/// Cases `user` lost access to after `cursor`, up to `upto`.
pub async fn revoked_after(
    conn: &mut PgConnection,
    user: UserId,
    cursor: i64,
    upto: i64,
) -> sqlx::Result<Vec<CaseId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT case_id FROM case_access
         WHERE user_id = $1 AND NOT granted AND seq > $2 AND seq <= $3 ORDER BY seq",
    )
    .bind(user.as_uuid())
    .bind(cursor)
    .bind(upto)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(CaseId).collect())
}

/// Cases that became `user`'s after `cursor`, up to `upto` (granted, or granted again).
pub async fn granted_after(
    conn: &mut PgConnection,
    user: UserId,
    cursor: i64,
    upto: i64,
) -> sqlx::Result<Vec<CaseId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT case_id FROM case_access
         WHERE user_id = $1 AND granted AND seq > $2 AND seq <= $3 ORDER BY seq",
    )
    .bind(user.as_uuid())
    .bind(cursor)
    .bind(upto)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(CaseId).collect())
}

/// The patients of the cases `user` may see now, in one query: `case_access` is kept equal
/// to `domain::visibility::viewers` by `update_access`.
pub async fn patients_seen_through_cases(
    conn: &mut PgConnection,
    user: UserId,
) -> sqlx::Result<std::collections::HashSet<PatientId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT c.patient_id FROM case_access a JOIN cases c ON c.id = a.case_id
         WHERE a.user_id = $1 AND a.granted",
    )
    .bind(user.as_uuid())
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(PatientId).collect())
}

pub async fn put_blob(
    conn: &mut PgConnection,
    sha256: &str,
    content: &[u8],
    by: UserId,
    at: DateTime<Utc>,
) -> Db {
    sqlx::query(
        "INSERT INTO blobs (sha256, size_bytes, content, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(content.len() as i64)
    .bind(content)
    .bind(by.as_uuid())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
