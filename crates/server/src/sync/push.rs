//! `POST /v1/push`: the client's outbox, decided in order by the server as the authority.

use axum::extract::State;
use chrono::Utc;
use domain::{Actor, CommandId, Refusal, RefusalCode};
use protocol::{CommandResult, Outcome, PushRequest, PushResponse, MAX_PUSH_COMMANDS};

use super::{apply, db};
use crate::extract::Json;
use crate::{ApiError, AppState, AuthUser};

/// Decides every command of the push in one transaction, under the log's lock. A command
/// id seen before gets its first answer again and is not applied twice; if the
/// transaction fails (a crash, a cut connection) nothing of the push is applied and the
/// client's retry is decided afresh.
#[utoipa::path(post, path = "/v1/push", tag = "sync", security(("bearer" = [])),
    request_body(content = Object, description = "`PushRequest` (crate `protocol`): \
        `{commands: [{commandId, issuedAt, command}]}`, at most 500, oldest first."),
    responses(
        (status = 200, description = "`PushResponse`: one `{commandId, outcome}` per command, \
            in order; `outcome.status` is `accepted` (with the events and their sequence \
            numbers) or `refused` (with the rules' `{code, message, field}`)", body = Object),
        (status = 400, description = "Malformed body or unknown command (`invalid_input`)", body = crate::error::ErrorBody),
        (status = 401, description = "No valid session (`unauthorized`)", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 8 MiB (`payload_too_large`)", body = crate::error::ErrorBody),
    ))]
pub async fn push(
    State(state): State<AppState>,
    user: AuthUser,
    Json(request): Json<PushRequest>,
) -> Result<axum::Json<PushResponse>, ApiError> {
    if request.commands.len() > MAX_PUSH_COMMANDS {
        return Err(ApiError::invalid_input(format!(
            "Push at most {MAX_PUSH_COMMANDS} commands at a time."
        )));
    }
    let actor = Actor::new(user.id, user.role);
    let mut tx = state.pool.begin().await?;
    db::lock_log(&mut tx).await?;
    // Read under the lock, so that times grow with the sequence numbers: a chat message's
    // `sentAt` orders the desktops' threads as the server numbered them.
    let now = Utc::now();
    let catalog = db::load_catalog(&mut tx).await?;
    let ids: Vec<CommandId> = request.commands.iter().map(|c| c.command_id).collect();
    let mut answered = db::command_outcomes(&mut tx, &ids).await?;
    let fresh = request
        .commands
        .iter()
        .filter(|c| !answered.contains_key(&c.command_id))
        .map(|c| &c.command);
    // One batch for the push: what its commands name is read once, each command is decided
    // in order on the state the earlier ones left, and the changes, events and answers are
    // written with a few multi-row statements — a constant number of round trips per push
    // rather than several per command.
    let mut batch = apply::Batch::load(&mut tx, &catalog, actor, now, fresh).await?;
    let mut results = Vec::with_capacity(request.commands.len());
    // The commands decided now (not answered before), by their index in the push.
    let mut decided = Vec::new();
    for (i, pushed) in request.commands.iter().enumerate() {
        let outcome = match answered.get(&pushed.command_id) {
            // Answered before, or earlier in this push: the first answer again.
            Some((owner, first)) if *owner == user.id => first.clone(),
            // Someone else's command id: never reveal its answer, never apply it.
            Some(_) => Outcome::Refused {
                refusal: Refusal::new(
                    RefusalCode::Conflict,
                    "This command id is already in use; the command was not applied.",
                ),
            },
            None => {
                let outcome = batch
                    .decide(&mut tx, pushed.command_id, &pushed.command)
                    .await?;
                answered.insert(pushed.command_id, (user.id, outcome.clone()));
                decided.push(i);
                outcome
            }
        };
        results.push(CommandResult {
            command_id: pushed.command_id,
            outcome,
        });
    }
    batch.save(&mut tx).await?;
    let records: Vec<_> = decided
        .iter()
        .map(|&i| (&request.commands[i], &results[i].outcome))
        .collect();
    db::record_commands(&mut tx, actor, now, &records).await?;
    let newest = results.iter().rev().find_map(|r| match &r.outcome {
        Outcome::Accepted { events } => events.last().map(|e| e.seq),
        Outcome::Refused { .. } => None,
    });
    if let Some(seq) = newest {
        super::live::announce(&mut tx, seq).await?;
    }
    tx.commit().await?;
    Ok(axum::Json(PushResponse { results }))
}
