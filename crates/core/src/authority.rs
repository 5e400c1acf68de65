//! Who decides a command.
//!
//! Every use case builds a `domain::Command` and hands it to the authority. Standalone
//! (no server configured) the authority is in-process: it decides the command with the
//! `domain` rules on the local store and applies the events, all in one SQLite
//! transaction that also appends the command to the outbox as `accepted`. With a server
//! configured, `Server` decides with the same rules on the displayed state, applies
//! optimistically, queues the command as `pending` (one transaction again) and lets the
//! central server decide (`crate::sync` pushes it); the use cases, the shell and the UI
//! stay as they are.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use domain::{Actor, Command, CommandId, Counters, Decider, Given, Step, StepError};
use store::{
    blobs, cases, catalog, chat, counters, events, notifications, outbox, patients, timeline, Conn,
    Store,
};

use crate::error::{ApiError, Result};
use crate::notices::keep;
use crate::remote::ServerLink;

/// The decider of commands; see the module comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Authority {
    /// Decides in-process over the local store.
    Standalone,
    /// The central server at this address decides; this desktop decides with the same
    /// rules on what it displays, applies optimistically and queues the command for the
    /// sync client (`crate::sync`).
    Server(ServerLink),
}

/// Where the authoritative server is.
/// How a command's events land in the local store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Landing {
    /// This store is the authority: it numbers new cases and keeps the event log.
    Authoritative,
    /// The server will decide: no reference number, no event log, timeline lines marked
    /// pending until the server's own lines replace them.
    Optimistic,
}

impl Authority {
    /// Decides and applies `command`, or refuses it and changes nothing.
    pub async fn apply(
        &self,
        store: &Store,
        actor: Actor,
        command_id: CommandId,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (landing, state) = match self {
            Authority::Standalone => (Landing::Authoritative, outbox::State::Accepted),
            Authority::Server(_) => (Landing::Optimistic, outbox::State::Pending),
        };
        // Dropping `tx` on any early return rolls everything back: a refusal leaves no trace.
        let mut tx = store.begin().await?;
        apply_locally(&mut tx, actor, command_id, command, now, landing).await?;
        outbox::append(&mut tx, command_id, actor, now, command, state).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(())
    }
}

/// Decides `command` with the `domain` rules on the displayed state and applies its
/// events to it. A refusal writes nothing. Also used by the sync client to re-apply the
/// commands the server has not confirmed on top of the confirmed state.
///
/// The deciding itself is `domain::step`, the same step the server takes; this only loads
/// what the command names and stores what the step returns.
pub(crate) async fn apply_locally(
    conn: &mut Conn,
    actor: Actor,
    command_id: CommandId,
    command: &Command,
    now: DateTime<Utc>,
    landing: Landing,
) -> Result<()> {
    let named = command.names();
    let catalog = catalog::load(conn).await?;
    let case = match named.case {
        Some(id) => cases::get(conn, id).await?,
        None => None,
    };
    let patient = match named.patient {
        Some(id) => patients::get(conn, id).await?,
        None => None,
    };
    let mut content = BTreeMap::new();
    for doc in &named.documents {
        if let Some(size) = blobs::size(conn, &doc.sha256).await? {
            content.insert(doc.sha256.clone(), size);
        }
    }
    let message_taken = match named.message {
        Some(id) => chat::exists(conn, id).await?,
        None => false,
    };
    let given = Given {
        actor,
        now,
        catalog: &catalog,
        case: case.as_ref(),
        patient: patient.as_ref(),
        content: &content,
        message_taken,
    };
    let mut counters = match landing {
        Landing::Authoritative => {
            let year = now.year();
            let [a, b] = Counters::names(year);
            let values = [
                counters::current(conn, &a).await?,
                counters::current(conn, &b).await?,
            ];
            Some(Counters::loaded(year, values))
        }
        Landing::Optimistic => None,
    };
    let decider = match counters.as_mut() {
        Some(c) => Decider::Authority(c),
        None => Decider::Provisional,
    };
    let step = domain::step(given, command, decider).map_err(|e| match e {
        StepError::Refused(refusal) => ApiError::from(refusal),
        StepError::Unfolded => {
            tracing::error!("an event did not fold into a case");
            ApiError::internal()
        }
    })?;
    for (name, value) in counters.iter().flat_map(Counters::moved) {
        counters::set(conn, name, value).await?;
    }
    let authoritative = landing == Landing::Authoritative;
    let pending = landing == Landing::Optimistic;
    match step {
        Step::Patient { events, patient } => {
            patients::save(conn, &patient).await?;
            if authoritative {
                for event in &events {
                    let id = patient.id.as_uuid();
                    let aggregate = events::Aggregate::Patient;
                    events::append(conn, command_id, aggregate, id, now, actor, event).await?;
                }
            }
        }
        Step::Case {
            events,
            case,
            timeline: lines,
        } => {
            cases::save(conn, &case).await?;
            if authoritative {
                for folded in &events {
                    let (id, aggregate) = (case.id.as_uuid(), events::Aggregate::Case);
                    events::append(conn, command_id, aggregate, id, now, actor, &folded.event)
                        .await?;
                }
            }
            for line in &lines {
                timeline::append(conn, case.id, now, actor, line, command_id, pending).await?;
            }
            let notices: Vec<_> = events.into_iter().flat_map(|f| f.notices).collect();
            keep(conn, &notices, now).await?;
        }
        Step::Chat { message, notices } => {
            chat::save(conn, &message, None, pending).await?;
            keep(conn, &notices, now).await?;
        }
        Step::Preference {
            kind,
            channel,
            enabled,
        } => {
            notifications::set_channel(conn, actor.id, kind, channel, enabled).await?;
        }
        // Standalone, the configuration changes here. With a server it changes when the
        // server has accepted the command: the next pull brings it whole (a refused
        // change must leave nothing behind, and the configuration has no confirmed layer
        // to rebuild from).
        Step::Config {
            catalog: configured,
        } => {
            if authoritative {
                catalog::replace(conn, &configured).await?;
            }
        }
    }
    Ok(())
}
