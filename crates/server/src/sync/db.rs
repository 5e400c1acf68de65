//! The authoritative state's queries (PostgreSQL). Nothing else in the sync module
//! writes SQL; nothing here decides anything.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use domain::{
    Actor, Case, CaseId, Catalog, CommandId, DiseaseCategory, Patient, PatientId, ReviewType, Role,
    Specialty, TimelineLabel, User, UserId,
};
use protocol::{CaseSnapshot, Outcome, TimelineLine};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

pub type Db = sqlx::Result<()>;

fn corrupt(e: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored data could not be read: {e}").into())
}

fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> sqlx::Result<T> {
    serde_json::from_value(value).map_err(corrupt)
}

fn to_json<T: serde::Serialize>(value: &T) -> sqlx::Result<serde_json::Value> {
    serde_json::to_value(value).map_err(corrupt)
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

/// Writes the configuration (users must exist already) and bumps its version.
pub async fn insert_configuration(conn: &mut PgConnection, catalog: &Catalog) -> Db {
    for s in &catalog.specialties {
        sqlx::query("INSERT INTO specialties (id, name_en, name_ar) VALUES ($1, $2, $3)")
            .bind(s.id.as_uuid())
            .bind(&s.name_en)
            .bind(&s.name_ar)
            .execute(&mut *conn)
            .await?;
    }
    for u in &catalog.users {
        for s in &u.specialty_ids {
            sqlx::query(
                "INSERT INTO user_specialties (user_id, specialty_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(u.id.as_uuid())
            .bind(s.as_uuid())
            .execute(&mut *conn)
            .await?;
        }
    }
    for r in &catalog.review_types {
        sqlx::query(
            "INSERT INTO review_types (id, name_en, name_ar, price_minor, currency,
               expected_review_days, specialty_id, active)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
    for c in &catalog.disease_categories {
        sqlx::query(
            "INSERT INTO disease_categories (id, label_en, label_ar, specialty_id, active)
             VALUES ($1, $2, $3, $4, $5)",
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
    config_changed(conn).await
}

/// Bumps the configuration's version, so every client's next pull carries it.
pub async fn config_changed(conn: &mut PgConnection) -> Db {
    next(conn, "config").await?;
    Ok(())
}

pub async fn command_outcome(
    conn: &mut PgConnection,
    command_id: CommandId,
) -> sqlx::Result<Option<(UserId, Outcome)>> {
    let row = sqlx::query("SELECT user_id, outcome FROM commands WHERE command_id = $1")
        .bind(command_id.as_uuid())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok((UserId(r.get("user_id")), from_json(r.get("outcome"))?)))
        .transpose()
}

pub async fn record_command(
    conn: &mut PgConnection,
    actor: Actor,
    pushed: &protocol::PushedCommand,
    received_at: DateTime<Utc>,
    outcome: &Outcome,
) -> Db {
    sqlx::query(
        "INSERT INTO commands (command_id, user_id, issued_at, received_at, command, outcome)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(pushed.command_id.as_uuid())
    .bind(actor.id.as_uuid())
    .bind(pushed.issued_at)
    .bind(received_at)
    .bind(to_json(&pushed.command)?)
    .bind(to_json(outcome)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Appends an event to the global log and returns its sequence number.
pub async fn append_event(
    conn: &mut PgConnection,
    command_id: CommandId,
    at: DateTime<Utc>,
    actor: Actor,
    event: &protocol::Event,
) -> sqlx::Result<i64> {
    let seq = next(conn, "events").await?;
    let (aggregate, id) = match event {
        protocol::Event::Case { case_id, .. } => ("case", case_id.as_uuid()),
        protocol::Event::Patient { patient_id, .. } => ("patient", patient_id.as_uuid()),
    };
    sqlx::query(
        "INSERT INTO events (seq, command_id, aggregate, aggregate_id, at, actor_id, actor_role,
           event)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(command_id.as_uuid())
    .bind(aggregate)
    .bind(id)
    .bind(at)
    .bind(actor.id.as_uuid())
    .bind(actor.role.as_str())
    .bind(to_json(event)?)
    .execute(&mut *conn)
    .await?;
    Ok(seq)
}

pub async fn get_patient(conn: &mut PgConnection, id: PatientId) -> sqlx::Result<Option<Patient>> {
    let state: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT state FROM patients WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&mut *conn)
            .await?;
    state.map(from_json).transpose()
}

pub async fn save_patient(conn: &mut PgConnection, p: &Patient, seq: i64) -> Db {
    sqlx::query(
        "INSERT INTO patients (id, owner_id, state, seq) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, seq = excluded.seq",
    )
    .bind(p.id.as_uuid())
    .bind(p.owner_id.as_uuid())
    .bind(to_json(p)?)
    .bind(seq)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_case(conn: &mut PgConnection, id: CaseId) -> sqlx::Result<Option<Case>> {
    let state: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT state FROM cases WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&mut *conn)
            .await?;
    state.map(from_json).transpose()
}

pub async fn save_case(conn: &mut PgConnection, case: &Case, seq: i64) -> Db {
    sqlx::query(
        "INSERT INTO cases (id, reference, requester_id, patient_id, coordinator_id, status, state,
           seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET reference = excluded.reference,
           patient_id = excluded.patient_id, coordinator_id = excluded.coordinator_id,
           status = excluded.status, state = excluded.state, seq = excluded.seq",
    )
    .bind(case.id.as_uuid())
    .bind(&case.reference)
    .bind(case.requester_id.as_uuid())
    .bind(case.patient_id.as_uuid())
    .bind(case.coordinator().map(|c| c.as_uuid()))
    .bind(case.status.as_str())
    .bind(to_json(case)?)
    .bind(seq)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn append_timeline(
    conn: &mut PgConnection,
    case_id: CaseId,
    seq: i64,
    at: DateTime<Utc>,
    actor: Actor,
    line: &TimelineLabel,
    command_id: CommandId,
) -> Db {
    sqlx::query(
        "INSERT INTO timeline (case_id, seq, at, actor_id, actor_role, label, detail, command_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(case_id.as_uuid())
    .bind(seq)
    .bind(at)
    .bind(actor.id.as_uuid())
    .bind(actor.role.as_str())
    .bind(line.label)
    .bind(&line.detail)
    .bind(command_id.as_uuid())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records who (besides admins) may see the case after `seq`: new viewers are granted,
/// those who lost it are marked so their next pull drops it.
pub async fn update_access(
    conn: &mut PgConnection,
    case_id: CaseId,
    viewers: &BTreeSet<UserId>,
    seq: i64,
) -> Db {
    let rows: Vec<(Uuid, bool)> =
        sqlx::query_as("SELECT user_id, granted FROM case_access WHERE case_id = $1")
            .bind(case_id.as_uuid())
            .fetch_all(&mut *conn)
            .await?;
    for (user, granted) in &rows {
        if *granted && !viewers.contains(&UserId(*user)) {
            sqlx::query(
                "UPDATE case_access SET granted = false, seq = $3 WHERE case_id = $1 AND user_id = $2",
            )
            .bind(case_id.as_uuid())
            .bind(user)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
        }
    }
    for viewer in viewers {
        let had = rows.iter().any(|(u, g)| *u == viewer.as_uuid() && *g);
        if !had {
            sqlx::query(
                "INSERT INTO case_access (case_id, user_id, granted, seq) VALUES ($1, $2, true, $3)
                 ON CONFLICT (case_id, user_id) DO UPDATE SET granted = true, seq = excluded.seq",
            )
            .bind(case_id.as_uuid())
            .bind(viewer.as_uuid())
            .bind(seq)
            .execute(&mut *conn)
            .await?;
        }
    }
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
    let rows = sqlx::query("SELECT seq, state FROM cases WHERE seq > $1 ORDER BY seq LIMIT $2")
        .bind(cursor)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.get("seq"), from_json(r.get("state"))?)))
        .collect()
}

/// Patients changed after `cursor`, oldest change first, at most `limit`.
pub async fn patients_after(
    conn: &mut PgConnection,
    cursor: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, Patient)>> {
    let rows = sqlx::query("SELECT seq, state FROM patients WHERE seq > $1 ORDER BY seq LIMIT $2")
        .bind(cursor)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.get("seq"), from_json(r.get("state"))?)))
        .collect()
}

pub async fn timeline(conn: &mut PgConnection, case_id: CaseId) -> sqlx::Result<Vec<TimelineLine>> {
    let rows = sqlx::query(
        "SELECT at, actor_id, actor_role, label, detail, command_id FROM timeline
         WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id.as_uuid())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(TimelineLine {
                at: r.get("at"),
                actor_id: UserId(r.get("actor_id")),
                actor_role: role(r.get("actor_role"))?,
                label: r.get("label"),
                detail: r.get("detail"),
                command_id: CommandId(r.get("command_id")),
            })
        })
        .collect()
}

pub async fn snapshot(conn: &mut PgConnection, seq: i64, case: Case) -> sqlx::Result<CaseSnapshot> {
    let timeline = timeline(conn, case.id).await?;
    Ok(CaseSnapshot {
        seq,
        case,
        timeline,
    })
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

/// The patients of the cases `user` may see now, in one query: `case_access` is kept equal
/// to `domain::decide::viewers` by `update_access`.
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

/// The content, if `actor` uploaded it or may see a case with a document of this hash.
pub async fn readable_blob(
    conn: &mut PgConnection,
    sha256: &str,
    actor: Actor,
) -> sqlx::Result<Option<Vec<u8>>> {
    let row = sqlx::query("SELECT content, uploaded_by FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut allowed = UserId(row.get("uploaded_by")) == actor.id;
    if !allowed {
        let states: Vec<serde_json::Value> = sqlx::query_scalar(
            "SELECT state FROM cases
             WHERE state->'documents' @> jsonb_build_array(jsonb_build_object('sha256', $1::text))",
        )
        .bind(sha256)
        .fetch_all(&mut *conn)
        .await?;
        for state in states {
            let case: Case = from_json(state)?;
            if domain::decide::can_see(&case, actor) {
                allowed = true;
                break;
            }
        }
    }
    Ok(allowed.then(|| row.get("content")))
}
