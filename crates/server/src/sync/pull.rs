//! `GET /v1/pull`: what changed after the client's cursor that this user may see now.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::{Query, State};
use domain::visibility::{can_read_timeline_line, can_see, can_see_patient, redact_for};
use domain::{can_read_chat, Actor, CaseId, ChatMessage, MessageId, Patient, PatientId, Role};
use protocol::{CaseSnapshot, PullQuery, PullResponse, MAX_PULL_ITEMS};
use sqlx::PgConnection;

use super::{chat_db, db};
use crate::{notify, ApiError, AppState, AuthUser};

/// Changed aggregates as snapshots, filtered by `domain::visibility::can_see` and each case
/// cut to what the user may hold (`redact_for`: others' opinions, billing; and the
/// timeline's billing lines, `can_read_timeline_line`). A case the
/// user may not see leaves no trace; one they saw and lost is named in `removedCases`.
///
/// Chat messages numbered in the page on cases whose chat the user may read now
/// (`domain::can_read_chat`: never an admin), and the whole chat of a case that became
/// theirs in the page; the user's own notifications numbered in the page. A page holds at
/// most `MAX_PULL_ITEMS` new messages and as many notifications (besides a new case's
/// history), cut like the other pages: nothing is skipped between pages.
#[utoipa::path(get, path = "/v1/pull", tag = "sync", security(("bearer" = [])),
    params(
        ("cursor" = i64, Query, description = "The `cursor` of the previous pull; 0 at first"),
        ("config" = Option<i64>, Query, description = "The `configVersion` the client has"),
    ),
    responses(
        (status = 200, description = "`PullResponse` (crate `protocol`): `{cursor, more, \
            configVersion, catalog, patients, cases, removedCases, messages, notifications}`; \
            `messages` never reach an admin", body = Object),
        (status = 400, description = "Bad cursor (`invalid_input`)", body = crate::error::ErrorBody),
        (status = 401, description = "No valid session (`unauthorized`)", body = crate::error::ErrorBody),
    ))]
pub async fn pull(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::Json<PullResponse>, ApiError> {
    let Query(query) = query.map_err(|_| {
        ApiError::invalid_input("The query must be ?cursor=<number>&config=<number>.")
    })?;
    if query.cursor < 0 || query.config < 0 {
        return Err(ApiError::invalid_input("The cursor cannot be negative."));
    }
    let actor = Actor::new(user.id, user.role);
    let mut tx = state.pool.begin().await?;
    // One consistent picture of the state, whatever pushes commit meanwhile.
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let head = db::current(&mut tx, "events").await?;
    let config_version = db::current(&mut tx, "config").await?;
    let limit = MAX_PULL_ITEMS as i64;
    let mut cases = db::cases_after(&mut tx, query.cursor, limit).await?;
    let mut patients = db::patients_after(&mut tx, query.cursor, limit).await?;
    // A full page means more may wait: stop at the lower of the two pages' last changes
    // so that nothing between is skipped.
    let cases_full = cases.len() as i64 == limit;
    let patients_full = patients.len() as i64 == limit;
    let mut upto = head;
    if let (true, Some((last, _))) = (cases_full, cases.last()) {
        upto = upto.min(*last);
    }
    if let (true, Some((last, _))) = (patients_full, patients.last()) {
        upto = upto.min(*last);
    }
    let mut more = cases_full || patients_full;
    // Messages and notifications end a page where the page of each would be full.
    let reads_chat = match user.role {
        Role::Requester | Role::Coordinator | Role::Provider => true,
        Role::Admin | Role::System => false,
    };
    if reads_chat {
        if let Some(end) = chat_db::page_end(&mut tx, user.id, query.cursor, upto, limit).await? {
            if end < upto {
                (upto, more) = (end, true);
            }
        }
    }
    if let Some(end) = notify::page_end(&mut tx, user.id, query.cursor, upto, limit).await? {
        if end < upto {
            (upto, more) = (end, true);
        }
    }
    cases.retain(|(seq, _)| *seq <= upto);
    patients.retain(|(seq, _)| *seq <= upto);

    // The visible cases' patients and timelines are read in one query each.
    cases.retain(|(_, case)| can_see(case, actor));
    let case_ids: Vec<CaseId> = cases.iter().map(|(_, c)| c.id).collect();
    let their_patients: BTreeSet<PatientId> = cases.iter().map(|(_, c)| c.patient_id).collect();
    let their_patients: Vec<PatientId> = their_patients.into_iter().collect();
    let mut sent_patients: BTreeMap<PatientId, Patient> =
        db::get_patients(&mut tx, &their_patients)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let mut timelines = db::timelines(&mut tx, &case_ids).await?;
    let snapshots: Vec<CaseSnapshot> = cases
        .into_iter()
        .map(|(seq, case)| {
            let mut timeline = timelines.remove(&case.id).unwrap_or_default();
            timeline.retain(|line| can_read_timeline_line(&case, actor, &line.label));
            CaseSnapshot {
                seq,
                timeline,
                case: redact_for(case, actor),
            }
        })
        .collect();
    // Others' patients are visible through a case; that set is read once, and only when
    // a changed patient is not the user's own.
    let mut through_cases = None;
    for (_, patient) in patients {
        let mut visible = can_see_patient(&patient, actor);
        if !visible {
            if through_cases.is_none() {
                through_cases = Some(db::patients_seen_through_cases(&mut tx, user.id).await?);
            }
            visible = through_cases
                .as_ref()
                .is_some_and(|ids| ids.contains(&patient.id));
        }
        if visible {
            sent_patients.insert(patient.id, patient);
        }
    }
    let removed_cases = match user.role {
        Role::Admin | Role::System => Vec::new(),
        Role::Requester | Role::Coordinator | Role::Provider => {
            db::revoked_after(&mut tx, user.id, query.cursor, upto).await?
        }
    };
    let messages = if reads_chat {
        messages(&mut tx, actor, query.cursor, upto).await?
    } else {
        Vec::new()
    };
    let notifications = notify::notifications_after(&mut tx, user.id, query.cursor, upto).await?;
    let catalog = if query.config == config_version {
        None
    } else {
        Some(db::load_catalog(&mut tx).await?)
    };
    tx.commit().await?;
    Ok(axum::Json(PullResponse {
        cursor: upto.max(query.cursor),
        more,
        config_version,
        catalog,
        patients: sent_patients.into_values().collect(),
        cases: snapshots,
        removed_cases,
        messages,
        notifications,
    }))
}

/// The chat messages `actor` pulls for (`cursor`, `upto`]: those numbered there on cases
/// whose chat they may read now, and the whole chat so far of a case that became theirs
/// there; each once, oldest first.
async fn messages(
    conn: &mut PgConnection,
    actor: Actor,
    cursor: i64,
    upto: i64,
) -> sqlx::Result<Vec<ChatMessage>> {
    let granted = db::granted_after(conn, actor.id, cursor, upto).await?;
    let mut found: BTreeMap<MessageId, (i64, ChatMessage)> = BTreeMap::new();
    let history = chat_db::history(conn, &granted, upto).await?;
    let new = chat_db::after(conn, actor.id, cursor, upto).await?;
    for (seq, message) in history.into_iter().chain(new) {
        found.insert(message.id, (seq, message));
    }
    if found.is_empty() {
        return Ok(Vec::new());
    }
    // Who may read a chat is the rules' to say, on the case as it is now.
    let case_ids: BTreeSet<CaseId> = found.values().map(|(_, m)| m.case_id).collect();
    let case_ids: Vec<CaseId> = case_ids.into_iter().collect();
    let readable: HashMap<CaseId, bool> = db::get_cases(conn, &case_ids)
        .await?
        .iter()
        .map(|case| (case.id, can_read_chat(case, actor)))
        .collect();
    let mut messages: Vec<(i64, ChatMessage)> = found
        .into_values()
        .filter(|(_, m)| readable.get(&m.case_id).copied().unwrap_or(false))
        .collect();
    messages.sort_by_key(|(seq, _)| *seq);
    Ok(messages.into_iter().map(|(_, m)| m).collect())
}
