//! Cases: the aggregate as JSON, plus its projection — the columns and rows SQL selects
//! on (migration `0006_case_projection.sql`) — written together by [`save`], the one place
//! a case is written.
//!
//! Every read here selects in SQL what a rule of `domain` would accept, so that it costs
//! what it returns, not what the store holds. The rules stay in `domain`; each selection
//! names the rule it mirrors, and the store's tests check it against that rule on a
//! randomized store (`tests/projection.rs`).

use chrono::{DateTime, Utc};
use domain::case::AssignmentStatus;
use domain::{Actor, Case, CaseId, CaseStatus, DiseaseCategoryId, ReviewTypeId, Role, UserId};
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::{from_json, json, parse_id, Conn, Result, StoreError};

/// The version of the projection [`save`] writes; a store whose `PRAGMA user_version` is
/// lower is projected again when it opens ([`reproject`]).
pub const PROJECTION_VERSION: i64 = 1;

/// Nanoseconds since 1970 UTC: how the projection keeps the times the rules compare.
pub fn ns(t: DateTime<Utc>) -> i64 {
    // Out of range only after the year 2262.
    t.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

pub async fn get(conn: &mut Conn, id: CaseId) -> Result<Option<Case>> {
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM cases WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    state.as_deref().map(from_json).transpose()
}

/// The cases of `ids` that exist, in no particular order.
pub async fn get_many(conn: &mut Conn, ids: &[CaseId]) -> Result<Vec<Case>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let states: Vec<String> = sqlx::query_scalar(
        "SELECT state FROM cases WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
    )
    .bind(json(&ids)?)
    .fetch_all(&mut *conn)
    .await?;
    states.iter().map(|s| from_json(s)).collect()
}

/// Every case in the replica. Reads the whole store: for tests and upgrades only — the
/// app's reads select what they show.
pub async fn all(conn: &mut Conn) -> Result<Vec<Case>> {
    let states: Vec<String> = sqlx::query_scalar("SELECT state FROM cases ORDER BY created_at, id")
        .fetch_all(&mut *conn)
        .await?;
    states.iter().map(|s| from_json(s)).collect()
}

/// Writes `case` and its projection: its row of `case_rows` (no JSON: what lists show,
/// filter and sort on), its rows of `case_providers` and `case_appointments`.
pub async fn save(conn: &mut Conn, case: &Case) -> Result<()> {
    let id = case.id.to_string();
    let refund_next = match case.status {
        CaseStatus::Cancelled => case
            .refund
            .as_ref()
            .and_then(domain::Refund::next_attempt_at),
        _ => None,
    };
    sqlx::query(
        "INSERT INTO cases (id, reference, requester_id, patient_id, review_type_id,
           disease_category_id, coordinator_id, status, created_at, updated_at, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET reference = excluded.reference,
           patient_id = excluded.patient_id, review_type_id = excluded.review_type_id,
           disease_category_id = excluded.disease_category_id,
           coordinator_id = excluded.coordinator_id, status = excluded.status,
           updated_at = excluded.updated_at, state = excluded.state",
    )
    .bind(&id)
    .bind(&case.reference)
    .bind(case.requester_id.to_string())
    .bind(case.patient_id.to_string())
    .bind(case.review_type_id.to_string())
    .bind(case.disease_category_id.to_string())
    .bind(case.coordinator().map(|c| c.to_string()))
    .bind(case.status.as_str())
    .bind(case.created_at)
    .bind(case.updated_at)
    .bind(json(case)?)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO case_rows (id, reference, requester_id, coordinator_id, status,
           review_type_id, disease_category_id, patient_id, patient_name, created_at,
           updated_at, overdue_basis_ns, refund_next_ns)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
           COALESCE((SELECT full_name FROM patients WHERE id = ?8), ''), ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET reference = excluded.reference,
           requester_id = excluded.requester_id, coordinator_id = excluded.coordinator_id,
           status = excluded.status, review_type_id = excluded.review_type_id,
           disease_category_id = excluded.disease_category_id,
           patient_id = excluded.patient_id, patient_name = excluded.patient_name,
           created_at = excluded.created_at, updated_at = excluded.updated_at,
           overdue_basis_ns = excluded.overdue_basis_ns,
           refund_next_ns = excluded.refund_next_ns",
    )
    .bind(&id)
    .bind(&case.reference)
    .bind(case.requester_id.to_string())
    .bind(case.coordinator().map(|c| c.to_string()))
    .bind(case.status.as_str())
    .bind(case.review_type_id.to_string())
    .bind(case.disease_category_id.to_string())
    .bind(case.patient_id.to_string())
    .bind(case.created_at)
    .bind(case.updated_at)
    .bind(domain::notice::overdue_basis(case).map(ns))
    .bind(refund_next.map(ns))
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM case_providers WHERE case_id = ?")
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    for a in &case.assignments {
        sqlx::query("INSERT INTO case_providers (case_id, provider_id, status) VALUES (?, ?, ?)")
            .bind(&id)
            .bind(a.provider_id.to_string())
            .bind(a.status.as_str())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM case_appointments WHERE case_id = ?")
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    for a in &case.appointments {
        sqlx::query(
            "INSERT INTO case_appointments (case_id, appointment_id, status, created_by,
               invitee_id, changed_by, version, starts_ns, ends_ns)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(a.id.to_string())
        .bind(a.status.as_str())
        .bind(a.created_by.to_string())
        .bind(a.invitee_id.to_string())
        .bind(a.changed_by.to_string())
        .bind(i64::from(a.version))
        .bind(ns(a.starts_at))
        .bind(ns(a.ends_at()))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Writes the projection of every stored case again, a thousand at a time (a store made
/// before the projection existed, or by an older version of it).
pub async fn reproject(conn: &mut Conn) -> Result<u64> {
    let mut after: i64 = 0;
    let mut done = 0;
    loop {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT rowid, state FROM cases WHERE rowid > ? ORDER BY rowid LIMIT 1000",
        )
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
        let Some((last, _)) = rows.last() else {
            return Ok(done);
        };
        after = *last;
        for (_, state) in &rows {
            save(conn, &from_json(state)?).await?;
            done += 1;
        }
    }
}

// ----- who may see what, in SQL ---------------------------------------------------------

/// `FROM` the cases `actor` may see (alias `c`), then `WHERE` — the SQL form of
/// `domain::visibility::can_see`: admins (and the system) every case, a requester their
/// own, a coordinator those they are the active coordinator of, a provider those they are
/// assigned to and have not declined. The caller continues with `AND …`.
///
/// A provider's cases are found from their assignments (`case_providers`), the others'
/// through the indexes of `cases`.
pub(crate) fn push_visible<'a>(qb: &mut QueryBuilder<'a, Sqlite>, actor: Actor) {
    match actor.role {
        Role::Admin | Role::System => {
            qb.push(" FROM case_rows c WHERE 1");
        }
        Role::Requester => {
            qb.push(" FROM case_rows c WHERE c.requester_id = ")
                .push_bind(actor.id.to_string());
        }
        Role::Coordinator => {
            qb.push(" FROM case_rows c WHERE c.coordinator_id = ")
                .push_bind(actor.id.to_string());
        }
        Role::Provider => {
            qb.push(" FROM case_providers v CROSS JOIN case_rows c ON c.id = v.case_id WHERE v.provider_id = ")
                .push_bind(actor.id.to_string())
                .push(" AND v.status <> 'declined'");
        }
    }
}

/// ` AND ` the case `c` has `user` as a party — its requester, its active coordinator or
/// a provider who has not declined (`domain::visibility::parties`).
pub(crate) fn push_party<'a>(qb: &mut QueryBuilder<'a, Sqlite>, user: UserId) {
    let user = user.to_string();
    qb.push(" AND c.id IN (SELECT id FROM case_rows WHERE requester_id = ")
        .push_bind(user.clone())
        .push(" UNION ALL SELECT id FROM case_rows WHERE coordinator_id = ")
        .push_bind(user.clone())
        .push(" UNION ALL SELECT case_id FROM case_providers WHERE provider_id = ")
        .push_bind(user)
        .push(" AND status <> 'declined')");
}

/// ` AND ` `actor` may see the case whose id is the SQL `case_id` — [`push_visible`] as a
/// condition on a row that names a case (an appointment, a message): one lookup per row.
fn push_sees<'a>(qb: &mut QueryBuilder<'a, Sqlite>, actor: Actor, case_id: &str) {
    match actor.role {
        Role::Admin | Role::System => {}
        Role::Requester => {
            qb.push(format!(
                " AND EXISTS (SELECT 1 FROM case_rows s WHERE s.id = {case_id} AND s.requester_id = "
            ))
            .push_bind(actor.id.to_string())
            .push(")");
        }
        Role::Coordinator => {
            qb.push(format!(
                " AND EXISTS (SELECT 1 FROM case_rows s WHERE s.id = {case_id} AND s.coordinator_id = "
            ))
            .push_bind(actor.id.to_string())
            .push(")");
        }
        Role::Provider => {
            qb.push(format!(
                " AND EXISTS (SELECT 1 FROM case_providers s WHERE s.case_id = {case_id}
                   AND s.provider_id = "
            ))
            .push_bind(actor.id.to_string())
            .push(" AND s.status <> 'declined')");
        }
    }
}

/// `%text%` for `LIKE … ESCAPE '\\'`, the user's `%`, `_` and `\\` taken literally.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The case's JSON, for a selection over `case_rows c`.
const STATE: &str = "(SELECT state FROM cases j WHERE j.id = c.id) AS state";

fn states(rows: &[sqlx::sqlite::SqliteRow]) -> Result<Vec<Case>> {
    rows.iter()
        .map(|row| from_json(row.get::<&str, _>("state")))
        .collect()
}

// ----- the case list ------------------------------------------------------------------

/// What the case list sorts on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Updated,
    Created,
    Reference,
    PatientName,
}

impl Sort {
    /// The key's SQL; each index on it ends in the id.
    fn key(self) -> &'static str {
        match self {
            Sort::Updated => "c.updated_at",
            Sort::Created => "c.created_at",
            Sort::Reference => "IFNULL(c.reference, '')",
            Sort::PatientName => "c.patient_name",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    Asc,
    #[default]
    Desc,
}

/// Which cases a list shows, besides who may see them. Every field is `None` for "any".
#[derive(Clone, Debug, Default)]
pub struct CaseQuery {
    pub status: Option<CaseStatus>,
    pub review_type: Option<ReviewTypeId>,
    pub disease_category: Option<DiseaseCategoryId>,
    pub coordinator: Option<UserId>,
    /// Cases this provider is on and has not declined.
    pub provider: Option<UserId>,
    /// Created at or after / before (exclusive).
    pub created_from: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    pub updated_from: Option<DateTime<Utc>>,
    pub updated_before: Option<DateTime<Utc>>,
    /// Only the cases overdue at this instant (`domain::notice::is_overdue`).
    pub overdue_at: Option<DateTime<Utc>>,
    /// Matches the reference or the patient's name, case-insensitively (ASCII).
    pub search: Option<String>,
}

/// Where a page starts: after the row with this sort key and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct After {
    pub key: String,
    pub id: CaseId,
}

#[derive(Clone, Debug, Default)]
pub struct PageQuery {
    pub filter: CaseQuery,
    pub sort: Sort,
    pub direction: Direction,
    pub after: Option<After>,
    /// `None`: every row.
    pub limit: Option<u32>,
}

/// A case as a list shows it, with the names it needs; no JSON decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub id: CaseId,
    pub reference: Option<String>,
    pub status: CaseStatus,
    pub patient_name: String,
    pub review_type_name: String,
    pub disease_category_label: String,
    pub coordinator_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The row's key in the order it was listed in (for the next page's [`After`]).
    pub key: String,
}

fn push_filter<'a>(qb: &mut QueryBuilder<'a, Sqlite>, f: &'a CaseQuery) {
    if let Some(status) = f.status {
        qb.push(" AND c.status = ").push_bind(status.as_str());
    }
    if let Some(id) = f.review_type {
        qb.push(" AND c.review_type_id = ")
            .push_bind(id.to_string());
    }
    if let Some(id) = f.disease_category {
        qb.push(" AND c.disease_category_id = ")
            .push_bind(id.to_string());
    }
    if let Some(id) = f.coordinator {
        qb.push(" AND c.coordinator_id = ")
            .push_bind(id.to_string());
    }
    if let Some(id) = f.provider {
        qb.push(" AND c.id IN (SELECT case_id FROM case_providers WHERE provider_id = ")
            .push_bind(id.to_string())
            .push(" AND status <> 'declined')");
    }
    for (column, from, before) in [
        ("c.created_at", f.created_from, f.created_before),
        ("c.updated_at", f.updated_from, f.updated_before),
    ] {
        // Stored as RFC 3339 in UTC, which sorts as time does.
        if let Some(t) = from {
            qb.push(format!(" AND {column} >= ")).push_bind(t);
        }
        if let Some(t) = before {
            qb.push(format!(" AND {column} < ")).push_bind(t);
        }
    }
    if let Some(now) = f.overdue_at {
        qb.push(
            " AND c.status = 'doctors_assigned' AND c.overdue_basis_ns
                 + (SELECT expected_review_days FROM review_types r WHERE r.id = c.review_type_id)
                   * 86400000000000 <= ",
        )
        .push_bind(ns(now));
    }
    if let Some(search) = &f.search {
        let pattern = like_pattern(search.trim());
        qb.push(" AND (c.reference LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR c.patient_name LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
}

/// One page of the cases `actor` may see that match `q.filter`, in `q.sort` order, after
/// `q.after` (keyset: the page costs what it shows, wherever it starts).
pub async fn page(conn: &mut Conn, actor: Actor, q: &PageQuery) -> Result<Vec<Summary>> {
    let key = q.sort.key();
    let mut qb = QueryBuilder::new(format!(
        "SELECT c.id, c.reference, c.status, c.patient_name, c.created_at, c.updated_at,
           {key} AS sort_key,
           COALESCE((SELECT name_en FROM review_types WHERE id = c.review_type_id), '')
             AS review_type_name,
           COALESCE((SELECT label_en FROM disease_categories WHERE id = c.disease_category_id), '')
             AS disease_category_label,
           (SELECT name FROM users WHERE id = c.coordinator_id) AS coordinator_name"
    ));
    push_visible(&mut qb, actor);
    push_filter(&mut qb, &q.filter);
    let (cmp, order) = match q.direction {
        Direction::Asc => (">", "ASC"),
        Direction::Desc => ("<", "DESC"),
    };
    if let Some(after) = &q.after {
        qb.push(format!(" AND ({key}, c.id) {cmp} ("))
            .push_bind(after.key.clone())
            .push(", ")
            .push_bind(after.id.to_string())
            .push(")");
    }
    // A search matches few rows anywhere in the order: SQLite is told not to walk the
    // order's index (`+`), looking up every row, but to scan the narrow rows and sort the
    // matches.
    let unindexed = if q.filter.search.is_some() { "+" } else { "" };
    qb.push(format!(
        " ORDER BY {unindexed}{key} {order}, {unindexed}c.id {order}"
    ));
    if let Some(limit) = q.limit {
        qb.push(" LIMIT ").push_bind(i64::from(limit));
    }
    let rows = qb.build().fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            let status: String = row.get("status");
            Ok(Summary {
                id: parse_id(row.get("id"))?,
                reference: row.get("reference"),
                status: CaseStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("case status {status}")))?,
                patient_name: row.get("patient_name"),
                review_type_name: row.get("review_type_name"),
                disease_category_label: row.get("disease_category_label"),
                coordinator_name: row.get("coordinator_name"),
                created_at: row.get("created_at"),
                updated_at: row.get("updated_at"),
                key: row.get("sort_key"),
            })
        })
        .collect()
}

/// How many cases `actor` may see match `filter`.
pub async fn count_visible(conn: &mut Conn, actor: Actor, filter: &CaseQuery) -> Result<u64> {
    let mut qb = QueryBuilder::new("SELECT COUNT(*)");
    push_visible(&mut qb, actor);
    push_filter(&mut qb, filter);
    let n: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    Ok(n as u64)
}

// ----- the other selections -------------------------------------------------------------

/// The completed cases whose billing `actor` sees (`domain::visibility::can_see_billing`
/// on a case they see): a requester's own, every one for admins, none for coordinators and
/// providers. Each with its patient's name.
pub async fn billed(conn: &mut Conn, actor: Actor) -> Result<Vec<(Case, String)>> {
    let mut qb = QueryBuilder::new(format!("SELECT {STATE}, c.patient_name"));
    match actor.role {
        Role::Admin | Role::System | Role::Requester => push_visible(&mut qb, actor),
        Role::Coordinator | Role::Provider => return Ok(Vec::new()),
    }
    qb.push(" AND c.status = 'completed'");
    let rows = qb.build().fetch_all(&mut *conn).await?;
    let names = rows.iter().map(|r| r.get::<String, _>("patient_name"));
    Ok(states(&rows)?.into_iter().zip(names).collect())
}

/// The completed cases on which `provider`'s assignment is done (their service records),
/// each with its review type's and disease category's names.
pub async fn served(conn: &mut Conn, provider: UserId) -> Result<Vec<(Case, String, String)>> {
    let rows = sqlx::query(
        "SELECT (SELECT state FROM cases j WHERE j.id = c.id) AS state,
           COALESCE((SELECT name_en FROM review_types WHERE id = c.review_type_id), '')
             AS review_type_name,
           COALESCE((SELECT label_en FROM disease_categories WHERE id = c.disease_category_id), '')
             AS disease_category_label
         FROM case_providers v CROSS JOIN case_rows c ON c.id = v.case_id
         WHERE v.provider_id = ? AND v.status = ? AND c.status = 'completed'",
    )
    .bind(provider.to_string())
    .bind(AssignmentStatus::Done.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let names = rows.iter().map(|r| {
        (
            r.get::<String, _>("review_type_name"),
            r.get::<String, _>("disease_category_label"),
        )
    });
    Ok(states(&rows)?
        .into_iter()
        .zip(names)
        .map(|(c, (t, d))| (c, t, d))
        .collect())
}

/// The cancelled cases whose open refund is due at `now` (`Refund::next_attempt_at`).
pub async fn refunds_due(conn: &mut Conn, now: DateTime<Utc>) -> Result<Vec<Case>> {
    let rows = sqlx::query(
        "SELECT (SELECT state FROM cases j WHERE j.id = c.id) AS state FROM case_rows c
         WHERE refund_next_ns IS NOT NULL AND refund_next_ns <= ?
         ORDER BY refund_next_ns, id",
    )
    .bind(ns(now))
    .fetch_all(&mut *conn)
    .await?;
    states(&rows)
}

/// The cases the scheduled jobs may owe something at `now` (`domain::notice::due_reminders`,
/// `domain::decide::appointment::completions`): drafts created at or before
/// `drafts_before`, cases overdue at `now`, and cases with an accepted appointment that
/// starts at or before `appointments_before` (reminders ahead of it, or its completion once
/// it has ended). A superset: the rules decide on each.
pub async fn owing(
    conn: &mut Conn,
    drafts_before: DateTime<Utc>,
    now: DateTime<Utc>,
    appointments_before: DateTime<Utc>,
) -> Result<Vec<Case>> {
    let rows = sqlx::query(
        "SELECT state FROM cases WHERE id IN (
           SELECT id FROM case_rows WHERE status = 'draft' AND created_at <= ?1
           UNION SELECT id FROM case_rows c WHERE status = 'doctors_assigned'
             AND overdue_basis_ns + (SELECT expected_review_days FROM review_types r
                                     WHERE r.id = c.review_type_id) * 86400000000000 <= ?2
           UNION SELECT case_id FROM case_appointments
             WHERE status = 'accepted' AND starts_ns <= ?3)
         ORDER BY created_at, id",
    )
    .bind(drafts_before)
    .bind(ns(now))
    .bind(ns(appointments_before))
    .fetch_all(&mut *conn)
    .await?;
    states(&rows)
}

// ----- appointments ---------------------------------------------------------------------

/// Which appointments a list asks for; `None` for any.
#[derive(Clone, Debug, Default)]
pub struct AppointmentQuery {
    pub status: Option<domain::AppointmentStatus>,
    /// Starting at or after / before (exclusive).
    pub starts_from: Option<DateTime<Utc>>,
    pub starts_before: Option<DateTime<Utc>>,
    /// A case whose reference contains this (ASCII, case-insensitively) or whose id it is.
    pub case: Option<String>,
    /// Only this case.
    pub case_id: Option<CaseId>,
}

/// The cases `actor` may see with at least one appointment matching `q`.
pub async fn with_appointments(
    conn: &mut Conn,
    actor: Actor,
    q: &AppointmentQuery,
) -> Result<Vec<Case>> {
    fn push_appointment<'a>(qb: &mut QueryBuilder<'a, Sqlite>, q: &'a AppointmentQuery) {
        if let Some(status) = q.status {
            qb.push(" AND a.status = ").push_bind(status.as_str());
        }
        if let Some(t) = q.starts_from {
            qb.push(" AND a.starts_ns >= ").push_bind(ns(t));
        }
        if let Some(t) = q.starts_before {
            qb.push(" AND a.starts_ns < ").push_bind(ns(t));
        }
    }
    let mut qb = QueryBuilder::new(format!("SELECT {STATE}"));
    match actor.role {
        // Every case: found from the appointments.
        Role::Admin | Role::System => {
            qb.push(
                " FROM case_rows c WHERE c.id IN
                   (SELECT a.case_id FROM case_appointments a WHERE 1",
            );
            push_appointment(&mut qb, q);
            qb.push(")");
        }
        // Their own cases: found from the cases, each asked for its appointments.
        Role::Requester | Role::Coordinator | Role::Provider => {
            push_visible(&mut qb, actor);
            qb.push(" AND EXISTS (SELECT 1 FROM case_appointments a WHERE a.case_id = c.id");
            push_appointment(&mut qb, q);
            qb.push(")");
        }
    }
    if let Some(id) = q.case_id {
        qb.push(" AND c.id = ").push_bind(id.to_string());
    }
    if let Some(needle) = &q.case {
        qb.push(" AND (c.reference LIKE ")
            .push_bind(like_pattern(needle))
            .push(" ESCAPE '\\' OR c.id = ")
            .push_bind(needle.clone())
            .push(")");
    }
    qb.push(" ORDER BY c.id");
    let rows = qb.build().fetch_all(&mut *conn).await?;
    states(&rows)
}

/// The cases with an accepted appointment `user` is a party of whose time overlaps
/// [`from`, `until`): what an appointment of theirs there may conflict with
/// (`domain::decide::appointment::conflicts`). The caller keeps those it may see.
pub async fn accepted_overlapping(
    conn: &mut Conn,
    user: UserId,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Case>> {
    let rows = sqlx::query(
        "SELECT state FROM cases WHERE id IN (
           SELECT case_id FROM case_appointments
             WHERE created_by = ?1 AND status = 'accepted' AND starts_ns < ?3 AND ends_ns > ?2
           UNION SELECT case_id FROM case_appointments
             WHERE invitee_id = ?1 AND status = 'accepted' AND starts_ns < ?3 AND ends_ns > ?2)
         ORDER BY id",
    )
    .bind(user.to_string())
    .bind(ns(from))
    .bind(ns(until))
    .fetch_all(&mut *conn)
    .await?;
    states(&rows)
}

/// How many appointments on cases `actor` may see are unread for them
/// (`domain::Appointment::unread_for`: they are a party, someone else changed it last, and
/// they have not seen this version).
pub async fn unread_appointments(conn: &mut Conn, actor: Actor) -> Result<u32> {
    let me = actor.id.to_string();
    let mut qb = QueryBuilder::new(
        "SELECT COUNT(*) FROM case_appointments a
         LEFT JOIN appointment_reads r ON r.user_id = ",
    );
    qb.push_bind(me.clone())
        .push(" AND r.appointment_id = a.appointment_id WHERE (a.created_by = ")
        .push_bind(me.clone())
        .push(" OR a.invitee_id = ")
        .push_bind(me.clone())
        .push(") AND a.changed_by <> ")
        .push_bind(me)
        .push(" AND COALESCE(r.version, 0) < a.version");
    push_sees(&mut qb, actor, "a.case_id");
    let n: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    Ok(n as u32)
}

/// Marks every appointment `actor` is a party of, on the cases they may see (only
/// `case_id`'s when given), as seen in its current version. Only a party's copy is ever
/// unread, so nobody else's marks are kept.
pub async fn mark_appointments_seen(
    conn: &mut Conn,
    actor: Actor,
    case_id: Option<CaseId>,
) -> Result<()> {
    let me = actor.id.to_string();
    let mut qb = QueryBuilder::new(
        "INSERT INTO appointment_reads (user_id, appointment_id, version) SELECT ",
    );
    qb.push_bind(me.clone())
        .push(", a.appointment_id, a.version FROM case_appointments a WHERE (a.created_by = ")
        .push_bind(me.clone())
        .push(" OR a.invitee_id = ")
        .push_bind(me)
        .push(")");
    if let Some(id) = case_id {
        qb.push(" AND a.case_id = ").push_bind(id.to_string());
    }
    push_sees(&mut qb, actor, "a.case_id");
    qb.push(
        " ON CONFLICT (user_id, appointment_id)
         DO UPDATE SET version = MAX(version, excluded.version)",
    );
    qb.build().execute(&mut *conn).await?;
    Ok(())
}

/// How many cases the replica holds (for "nothing changed" tests).
pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(&mut *conn)
        .await?)
}
