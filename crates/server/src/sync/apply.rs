//! The server as the authority: pushed commands decided by the `domain` rules on the
//! authoritative state, and their events applied — inside the push's transaction.
//!
//! A push is decided as a [`Batch`]: the aggregates its commands name are read once, every
//! command is decided in memory in order (each one sees what the earlier ones did), and the
//! result is written with a few multi-row statements. The outcome is exactly that of
//! deciding and writing the commands one by one — the push lock keeps everyone else out —
//! at a handful of database round trips per push instead of several per command.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, SubsecRound, Utc};
use domain::notice::{case_notices, chat_notices, decide_preference};
use domain::{
    decide_case, decide_chat, decide_patient, Actor, Case, CaseCommand, CaseEvent, CaseId,
    CaseView, Catalog, Channel, ChatCommand, Command, CommandId, MessageId, Notice, NoticeKind,
    Patient, PatientId, PreferenceCommand, Refusal, RefusalCode, UserId,
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
    catalog: &'a Catalog,
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
    /// Case-reference counters a new case needed: name -> (value now, value when loaded).
    /// Gap-free counters this batch moved: name → (value now, value loaded).
    references: BTreeMap<String, (i64, i64)>,
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

enum Decided {
    Patient(Vec<domain::PatientEvent>),
    Case {
        before: Option<Box<Case>>,
        list: Vec<CaseEvent>,
    },
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
            match command {
                Command::Patient(c) => {
                    patient_ids.insert(c.patient_id());
                }
                Command::Case(c) => {
                    case_ids.insert(c.case_id());
                    patient_ids.extend(c.patient_id());
                }
                Command::Chat(c) => {
                    case_ids.insert(c.case_id());
                    let ChatCommand::Post { message_id, .. } = c;
                    message_ids.insert(*message_id);
                }
                Command::Preference(_) => {}
            }
        }
        let patient_ids: Vec<PatientId> = patient_ids.into_iter().collect();
        let case_ids: Vec<CaseId> = case_ids.into_iter().collect();
        let message_ids: Vec<MessageId> = message_ids.into_iter().collect();
        let seq = db::current(conn, "events").await?;
        let mut batch = Batch {
            catalog,
            actor,
            now,
            patients: patient_ids.iter().map(|id| (*id, None)).collect(),
            cases: case_ids.iter().map(|id| (*id, None)).collect(),
            access: case_ids.iter().map(|id| (*id, BTreeMap::new())).collect(),
            blobs: HashMap::new(),
            seq,
            loaded_seq: seq,
            references: BTreeMap::new(),
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

    /// Decides `command` on the state as the batch's earlier commands left it. A refusal
    /// changes nothing; an acceptance numbers its events and applies them in memory.
    pub async fn decide(
        &mut self,
        conn: &mut PgConnection,
        command_id: CommandId,
        command: &Command,
    ) -> sqlx::Result<Outcome> {
        let decided = match command {
            Command::Patient(c) => {
                self.look_at_patient(conn, c.patient_id()).await?;
                let existing = self.patient(c.patient_id());
                decide_patient(existing, self.actor, c, self.now).map(Decided::Patient)
            }
            Command::Case(c) => self.decide_case(conn, c).await?,
            Command::Chat(c) => return self.decide_chat(conn, command_id, c).await,
            Command::Preference(c) => return Ok(self.decide_preference(c)),
        };
        let decided = match decided {
            Ok(d) => d,
            Err(refusal) => return Ok(Outcome::Refused { refusal }),
        };
        let (now, actor) = (self.now, self.actor);
        let mut events = Vec::new();
        match decided {
            Decided::Patient(list) => {
                for event in list {
                    let patient = event.evolve();
                    let wire = Event::Patient {
                        patient_id: patient.id,
                        event,
                    };
                    let seq = self.append(command_id, &wire);
                    self.changed_patients.insert(patient.id, seq);
                    self.patients.insert(patient.id, Some(patient));
                    events.push(sequenced(seq, now, actor, wire));
                }
            }
            Decided::Case { before, list } => {
                let mut state = before.map(|b| *b);
                let mut lines = Vec::new();
                let mut last = 0;
                for event in list {
                    let previous = state.clone();
                    state = event.evolve(state, now, actor);
                    let Some(after) = state.as_ref() else {
                        return Err(sqlx::Error::Protocol(
                            "an event did not fold into a case".into(),
                        ));
                    };
                    let case_id = after.id;
                    let notices = case_notices(previous.as_ref(), after, &event, actor);
                    if let Some(line) = event.timeline_line(self.catalog) {
                        lines.push(line);
                    }
                    let wire = Event::Case { case_id, event };
                    last = self.append(command_id, &wire);
                    self.tell(last, notices);
                    events.push(sequenced(last, now, actor, wire));
                }
                let Some(case) = state else {
                    return Err(sqlx::Error::Protocol("a command produced no case".into()));
                };
                self.timeline
                    .extend(lines.into_iter().map(|line| NewTimelineLine {
                        case_id: case.id,
                        seq: last,
                        command_id,
                        line,
                    }));
                self.look_at_access(conn, case.id).await?;
                let viewers = domain::decide::viewers(&case);
                let rows = self.access.entry(case.id).or_default();
                for user in update_access(rows, &viewers, last) {
                    self.changed_access.insert((case.id, user));
                }
                self.changed_cases.insert(case.id, last);
                self.cases.insert(case.id, Some(case));
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
        let mut counters = Vec::new();
        if self.seq != self.loaded_seq {
            counters.push(("events", self.seq));
        }
        for (name, (value, loaded)) in &self.references {
            if value != loaded {
                counters.push((name.as_str(), *value));
            }
        }
        db::set_counters(conn, &counters).await
    }

    /// Decides a chat message on the case as the batch's earlier commands left it. An
    /// accepted message takes the next number of the event counter (so pull cursors cover
    /// it) but is kept in its own table, never in the log or the timeline; its author gets
    /// it back as an `Event::Chat`.
    async fn decide_chat(
        &mut self,
        conn: &mut PgConnection,
        command_id: CommandId,
        command: &ChatCommand,
    ) -> sqlx::Result<Outcome> {
        let case_id = command.case_id();
        self.look_at_case(conn, case_id).await?;
        let case = self.cases.get(&case_id).and_then(Option::as_ref);
        let mut message = match decide_chat(case, self.actor, command, self.now) {
            Ok(message) => message,
            Err(refusal) => return Ok(Outcome::Refused { refusal }),
        };
        if self.message_taken(conn, message.id).await? {
            return Ok(Outcome::Refused {
                refusal: Refusal::new(RefusalCode::Conflict, "This message was sent already."),
            });
        }
        // The content must be on the server before a message may point at it.
        for doc in command.documents() {
            if self.blob_size(conn, &doc.sha256).await? != Some(i64::from(doc.size_bytes)) {
                return Ok(Outcome::Refused {
                    refusal: Refusal::field(
                        RefusalCode::InvalidInput,
                        "attachment",
                        format!(
                            "The content of \u{201c}{}\u{201d} has not been uploaded.",
                            doc.name
                        ),
                    ),
                });
            }
        }
        // As stored (PostgreSQL keeps microseconds): the author's copy equals everyone's.
        message.sent_at = message.sent_at.trunc_subsecs(6);
        let seq = self.take_seq();
        if let Some(case) = self.cases.get(&case_id).and_then(Option::as_ref) {
            let notices = chat_notices(case, &message);
            self.tell(seq, notices);
        }
        self.message_ids.insert(message.id, true);
        self.messages.push(NewMessage {
            seq,
            command_id,
            message: message.clone(),
        });
        let at = message.sent_at;
        Ok(Outcome::Accepted {
            events: vec![sequenced(seq, at, self.actor, Event::Chat { message })],
        })
    }

    /// A person's own notification settings: accepted with no events.
    fn decide_preference(&mut self, command: &PreferenceCommand) -> Outcome {
        if let Err(refusal) = decide_preference(self.actor, command) {
            return Outcome::Refused { refusal };
        }
        let PreferenceCommand::SetChannel {
            kind,
            channel,
            enabled,
        } = command;
        self.settings.push((*kind, *channel, *enabled));
        Outcome::Accepted { events: Vec::new() }
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

    async fn decide_case(
        &mut self,
        conn: &mut PgConnection,
        command: &CaseCommand,
    ) -> sqlx::Result<Result<Decided, Refusal>> {
        let case_id = command.case_id();
        self.look_at_case(conn, case_id).await?;
        if let Some(id) = command.patient_id() {
            self.look_at_patient(conn, id).await?;
        }
        let case = self.cases.get(&case_id).and_then(Option::as_ref);
        let view = CaseView {
            case,
            patient: command.patient_id().and_then(|id| self.patient(id)),
            catalog: self.catalog,
        };
        let mut list = match decide_case(view, self.actor, command, self.now) {
            Ok(list) => list,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let before = case.cloned().map(Box::new);
        // The content must be on the server before a document may point at it.
        for doc in command.documents() {
            if self.blob_size(conn, &doc.sha256).await? != Some(i64::from(doc.size_bytes)) {
                return Ok(Err(Refusal::field(
                    RefusalCode::InvalidInput,
                    "documents",
                    format!(
                        "The content of \u{201c}{}\u{201d} has not been uploaded.",
                        doc.name
                    ),
                )));
            }
        }
        let year = self.now.year();
        match &before {
            None => {
                let n = self
                    .next_number(conn, domain::case_reference_counter(year))
                    .await?;
                domain::number_new_case(&mut list, year, n);
            }
            Some(case) if domain::completes(&list) => {
                let n = self
                    .next_number(conn, domain::invoice_counter(year))
                    .await?;
                domain::invoice_completed_case(&mut list, case, year, n);
            }
            Some(_) => {}
        }
        Ok(Ok(Decided::Case { before, list }))
    }

    fn patient(&self, id: PatientId) -> Option<&Patient> {
        self.patients.get(&id).and_then(Option::as_ref)
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

    /// The next value of the gap-free counter `name` (case references, invoice numbers of
    /// a year): only accepted commands take one, and it is written with the batch.
    async fn next_number(&mut self, conn: &mut PgConnection, name: String) -> sqlx::Result<i64> {
        if !self.references.contains_key(&name) {
            let value = db::current(conn, &name).await?;
            self.references.insert(name.clone(), (value, value));
        }
        let counter = self.references.entry(name).or_insert((0, 0));
        counter.0 += 1;
        Ok(counter.0)
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
