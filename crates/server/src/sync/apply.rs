//! The server as the authority: pushed commands decided by the `domain` rules on the
//! authoritative state, and their events applied — inside the push's transaction.
//!
//! A push is decided as a [`Batch`]: the aggregates its commands name are read once, every
//! command is decided in memory in order (each one sees what the earlier ones did), and the
//! result is written with a few multi-row statements. The outcome is exactly that of
//! deciding and writing the commands one by one — the push lock keeps everyone else out —
//! at a handful of database round trips per push instead of several per command.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Utc};
use domain::{
    Actor, Case, CaseId, Catalog, Channel, Command, CommandId, Counters, Decider, Given, MessageId,
    Notice, NoticeKind, Patient, PatientId, Step, StepError, UserId,
};
use protocol::{Event, Outcome, PushedCommand, SequencedEvent};
use sqlx::PgConnection;

use super::chat_db::{self, NewMessage};
use super::db::{self, Access, NewEvent, NewTimelineLine};
use crate::notify::{self, Delivery};

/// Decides one `command` as `actor` at `now` and writes what it changed: a [`Batch`] of one.
/// The caller holds the push lock (`db::lock_log`) and records the command's answer.
pub async fn apply(
    conn: &mut PgConnection,
    catalog: &Catalog,
    actor: Actor,
    command_id: CommandId,
    command: &Command,
    now: DateTime<Utc>,
) -> sqlx::Result<Outcome> {
    let mut batch = Batch::load(conn, catalog, actor, now, [command]).await?;
    let outcome = batch.decide(conn, command_id, command).await?;
    batch.save(conn).await?;
    Ok(outcome)
}

/// One command the server itself gives (the system's: a payment result), taken the way a
/// push takes one: decided on the catalog, its answer recorded under its id, and the live
/// channel told. The caller holds the push lock in `conn`'s transaction and commits.
pub async fn apply_and_record(
    conn: &mut PgConnection,
    actor: Actor,
    pushed: &PushedCommand,
    now: DateTime<Utc>,
) -> sqlx::Result<Outcome> {
    let catalog = db::load_catalog(conn).await?;
    let outcome = apply(
        conn,
        &catalog,
        actor,
        pushed.command_id,
        &pushed.command,
        now,
    )
    .await?;
    db::record_command(conn, actor, pushed, now, &outcome).await?;
    if let Outcome::Accepted { events } = &outcome {
        if let Some(last) = events.last() {
            super::live::announce(conn, last.seq).await?;
        }
    }
    Ok(outcome)
}

/// The authoritative state a push works on, and what its accepted commands changed, until
/// [`Batch::save`] writes it. Only valid under the push lock: nobody else may change the
/// aggregates, the log or the counters meanwhile.
pub struct Batch<'a> {
    /// The configuration as the batch's commands see it: an admin's change in the batch
    /// is seen by the commands after it, and written by [`Batch::save`].
    catalog: Cow<'a, Catalog>,
    config_changed: bool,
    actor: Actor,
    now: DateTime<Utc>,
    /// Every patient and case looked at so far; `None`: it does not exist (yet).
    patients: HashMap<PatientId, Option<Patient>>,
    cases: HashMap<CaseId, Option<Case>>,
    /// `case_access` rows of the cases looked at so far.
    access: HashMap<CaseId, BTreeMap<UserId, Access>>,
    /// Stored content sizes by hash, asked once per push.
    blobs: HashMap<String, Option<i64>>,
    /// The last event number handed out (`counters('events')`), and its value when loaded.
    seq: i64,
    loaded_seq: i64,
    /// The gap-free counters of the batch's year (case references, invoice numbers).
    counters: Counters,
    // What to write: the changed aggregates with their latest event, the log, the
    // timelines and the access rows.
    changed_patients: BTreeMap<PatientId, i64>,
    changed_cases: BTreeMap<CaseId, i64>,
    changed_access: BTreeSet<(CaseId, UserId)>,
    events: Vec<NewEvent>,
    timeline: Vec<NewTimelineLine>,
    /// Chat message ids looked up so far: whether each is taken (stored, or accepted
    /// earlier in this batch).
    message_ids: HashMap<MessageId, bool>,
    /// Accepted chat messages: their own table, never the log.
    messages: Vec<NewMessage>,
    /// The actor's notification settings, in the order given.
    settings: Vec<(NoticeKind, Channel, bool)>,
    /// What the accepted case events and messages owe others (`domain::notice`).
    notices: Vec<Delivery>,
}

impl<'a> Batch<'a> {
    /// Reads, in a few queries, everything `commands` will look at: their patients and
    /// cases, those cases' access rows, and the event counter. (Anything a command looks
    /// at that was not named here is read when it is needed.)
    pub async fn load<'c>(
        conn: &mut PgConnection,
        catalog: &'a Catalog,
        actor: Actor,
        now: DateTime<Utc>,
        commands: impl IntoIterator<Item = &'c Command>,
    ) -> sqlx::Result<Batch<'a>> {
        let mut patient_ids = BTreeSet::new();
        let mut case_ids = BTreeSet::new();
        let mut message_ids = BTreeSet::new();
        for command in commands {
            let named = command.names();
            patient_ids.extend(named.patient);
            case_ids.extend(named.case);
            message_ids.extend(named.message);
        }
        let patient_ids: Vec<PatientId> = patient_ids.into_iter().collect();
        let case_ids: Vec<CaseId> = case_ids.into_iter().collect();
        let message_ids: Vec<MessageId> = message_ids.into_iter().collect();
        let seq = db::current(conn, "events").await?;
        let year = now.year();
        let [a, b] = Counters::names(year);
        let counters = Counters::loaded(
            year,
            [db::current(conn, &a).await?, db::current(conn, &b).await?],
        );
        let mut batch = Batch {
            catalog: Cow::Borrowed(catalog),
            config_changed: false,
            actor,
            now,
            patients: patient_ids.iter().map(|id| (*id, None)).collect(),
            cases: case_ids.iter().map(|id| (*id, None)).collect(),
            access: case_ids.iter().map(|id| (*id, BTreeMap::new())).collect(),
            blobs: HashMap::new(),
            seq,
            loaded_seq: seq,
            counters,
            changed_patients: BTreeMap::new(),
            changed_cases: BTreeMap::new(),
            changed_access: BTreeSet::new(),
            events: Vec::new(),
            timeline: Vec::new(),
            message_ids: message_ids.iter().map(|id| (*id, false)).collect(),
            messages: Vec::new(),
            settings: Vec::new(),
            notices: Vec::new(),
        };
        for id in chat_db::existing(conn, &message_ids).await? {
            batch.message_ids.insert(id, true);
        }
        for patient in db::get_patients(conn, &patient_ids).await? {
            batch.patients.insert(patient.id, Some(patient));
        }
        for case in db::get_cases(conn, &case_ids).await? {
            batch.cases.insert(case.id, Some(case));
        }
        for (case_id, user, access) in db::case_access(conn, &case_ids).await? {
            batch
                .access
                .entry(case_id)
                .or_default()
                .insert(user, access);
        }
        Ok(batch)
    }

    /// Decides `command` on the state as the batch's earlier commands left it
    /// (`domain::step`, the one step every decider takes). A refusal changes nothing; an
    /// acceptance numbers its events and applies them in memory.
    pub async fn decide(
        &mut self,
        conn: &mut PgConnection,
        command_id: CommandId,
        command: &Command,
    ) -> sqlx::Result<Outcome> {
        let named = command.names();
        if let Some(id) = named.case {
            self.look_at_case(conn, id).await?;
        }
        if let Some(id) = named.patient {
            self.look_at_patient(conn, id).await?;
        }
        let mut content = BTreeMap::new();
        for doc in &named.documents {
            if let Some(size) = self.blob_size(conn, &doc.sha256).await? {
                content.insert(doc.sha256.clone(), size);
            }
        }
        let message_taken = match named.message {
            Some(id) => self.message_taken(conn, id).await?,
            None => false,
        };
        let given = Given {
            actor: self.actor,
            now: self.now,
            catalog: &self.catalog,
            case: named.case.and_then(|id| self.cases.get(&id)?.as_ref()),
            patient: named
                .patient
                .and_then(|id| self.patients.get(&id)?.as_ref()),
            content: &content,
            message_taken,
        };
        let step = match domain::step(given, command, Decider::Authority(&mut self.counters)) {
            Ok(step) => step,
            Err(StepError::Refused(refusal)) => return Ok(Outcome::Refused { refusal }),
            Err(StepError::Unfolded) => {
                return Err(sqlx::Error::Protocol(
                    "an event did not fold into a case".into(),
                ))
            }
        };
        let (now, actor) = (self.now, self.actor);
        let mut events = Vec::new();
        match step {
            Step::Patient {
                events: list,
                patient,
            } => {
                for event in list {
                    let wire = Event::Patient {
                        patient_id: patient.id,
                        event,
                    };
                    let seq = self.append(command_id, &wire);
                    self.changed_patients.insert(patient.id, seq);
                    events.push(sequenced(seq, now, actor, wire));
                }
                self.patients.insert(patient.id, Some(patient));
            }
            Step::Case {
                events: list,
                case,
                timeline,
            } => {
                let mut last = 0;
                for folded in list {
                    let wire = Event::Case {
                        case_id: case.id,
                        event: folded.event,
                    };
                    last = self.append(command_id, &wire);
                    self.tell(last, folded.notices);
                    events.push(sequenced(last, now, actor, wire));
                }
                self.timeline
                    .extend(timeline.into_iter().map(|line| NewTimelineLine {
                        case_id: case.id,
                        seq: last,
                        command_id,
                        line,
                    }));
                self.look_at_access(conn, case.id).await?;
                let viewers = domain::visibility::viewers(&case);
                let rows = self.access.entry(case.id).or_default();
                for user in update_access(rows, &viewers, last) {
                    self.changed_access.insert((case.id, user));
                }
                self.changed_cases.insert(case.id, last);
                self.cases.insert(case.id, Some(*case));
            }
            Step::Chat { message, notices } => {
                // A message takes the next number of the event counter (so pull cursors
                // cover it) but is kept in its own table, never in the log or the
                // timeline; its author gets it back as an `Event::Chat`.
                let seq = self.take_seq();
                self.tell(seq, notices);
                self.message_ids.insert(message.id, true);
                self.messages.push(NewMessage {
                    seq,
                    command_id,
                    message: message.clone(),
                });
                let at = message.sent_at;
                events.push(sequenced(seq, at, actor, Event::Chat { message }));
            }
            Step::Preference {
                kind,
                channel,
                enabled,
            } => self.settings.push((kind, channel, enabled)),
            Step::Config { catalog } => {
                self.catalog = Cow::Owned(*catalog);
                self.config_changed = true;
            }
        }
        Ok(Outcome::Accepted { events })
    }

    /// Writes everything the accepted commands changed, in a few statements (in the order
    /// the foreign keys need: patients, cases, then what points at cases).
    pub async fn save(self, conn: &mut PgConnection) -> db::Db {
        let patients: Vec<(&Patient, i64)> = self
            .changed_patients
            .iter()
            .filter_map(|(id, seq)| Some((self.patients.get(id)?.as_ref()?, *seq)))
            .collect();
        db::save_patients(conn, &patients).await?;
        let cases: Vec<(&Case, i64)> = self
            .changed_cases
            .iter()
            .filter_map(|(id, seq)| Some((self.cases.get(id)?.as_ref()?, *seq)))
            .collect();
        db::save_cases(conn, &cases).await?;
        db::append_events(conn, self.now, self.actor, &self.events).await?;
        db::append_timeline(conn, self.now, self.actor, &self.timeline).await?;
        let access: Vec<(CaseId, UserId, Access)> = self
            .changed_access
            .iter()
            .filter_map(|(case, user)| Some((*case, *user, *self.access.get(case)?.get(user)?)))
            .collect();
        db::save_access(conn, &access).await?;
        chat_db::save(conn, &self.messages).await?;
        notify::save_settings(conn, self.actor.id, &self.settings, self.now).await?;
        notify::deliver_all(conn, &self.notices, self.now).await?;
        if self.config_changed {
            db::save_configuration(conn, &self.catalog).await?;
        }
        let mut counters = Vec::new();
        if self.seq != self.loaded_seq {
            counters.push(("events", self.seq));
        }
        counters.extend(self.counters.moved());
        db::set_counters(conn, &counters).await
    }

    async fn message_taken(
        &mut self,
        conn: &mut PgConnection,
        id: MessageId,
    ) -> sqlx::Result<bool> {
        if let Some(taken) = self.message_ids.get(&id) {
            return Ok(*taken);
        }
        let taken = !chat_db::existing(conn, &[id]).await?.is_empty();
        self.message_ids.insert(id, taken);
        Ok(taken)
    }

    /// Queues `notices`, caused by what took number `seq`, for delivery with the batch.
    fn tell(&mut self, seq: i64, notices: Vec<Notice>) {
        self.notices
            .extend(notices.into_iter().map(|notice| Delivery {
                seq,
                notice,
                dedupe_key: None,
            }));
    }

    async fn look_at_patient(&mut self, conn: &mut PgConnection, id: PatientId) -> db::Db {
        if let Entry::Vacant(slot) = self.patients.entry(id) {
            slot.insert(db::get_patients(conn, &[id]).await?.pop());
        }
        Ok(())
    }

    async fn look_at_case(&mut self, conn: &mut PgConnection, id: CaseId) -> db::Db {
        if let Entry::Vacant(slot) = self.cases.entry(id) {
            slot.insert(db::get_cases(conn, &[id]).await?.pop());
        }
        Ok(())
    }

    async fn look_at_access(&mut self, conn: &mut PgConnection, id: CaseId) -> db::Db {
        if let Entry::Vacant(slot) = self.access.entry(id) {
            let rows = db::case_access(conn, &[id]).await?;
            slot.insert(rows.into_iter().map(|(_, user, a)| (user, a)).collect());
        }
        Ok(())
    }

    async fn blob_size(
        &mut self,
        conn: &mut PgConnection,
        sha256: &str,
    ) -> sqlx::Result<Option<i64>> {
        if let Some(size) = self.blobs.get(sha256) {
            return Ok(*size);
        }
        let size = db::blob_size(conn, sha256).await?;
        self.blobs.insert(sha256.to_string(), size);
        Ok(size)
    }

    /// Hands out the next event number and queues the event for the log.
    fn append(&mut self, command_id: CommandId, event: &Event) -> i64 {
        let seq = self.take_seq();
        self.events.push(NewEvent {
            seq,
            command_id,
            event: event.clone(),
        });
        seq
    }

    /// Hands out the next number of the event counter.
    fn take_seq(&mut self) -> i64 {
        self.seq += 1;
        self.seq
    }
}

/// Brings a case's access rows in line with who may see it after event `seq`: those who
/// lost it are marked (their next pull drops the case), new viewers are granted. Returns
/// the users whose rows changed.
fn update_access(
    rows: &mut BTreeMap<UserId, Access>,
    viewers: &BTreeSet<UserId>,
    seq: i64,
) -> Vec<UserId> {
    let mut changed = Vec::new();
    for (user, access) in rows.iter_mut() {
        if access.granted && !viewers.contains(user) {
            *access = Access {
                granted: false,
                seq,
            };
            changed.push(*user);
        }
    }
    for viewer in viewers {
        if !rows.get(viewer).is_some_and(|a| a.granted) {
            rows.insert(*viewer, Access { granted: true, seq });
            changed.push(*viewer);
        }
    }
    changed
}

fn sequenced(seq: i64, at: DateTime<Utc>, actor: Actor, event: Event) -> SequencedEvent {
    SequencedEvent {
        seq,
        at,
        actor_id: actor.id,
        actor_role: actor.role,
        event,
    }
}
