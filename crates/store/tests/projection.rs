//! The cases' projection (migration 0006): on randomized stores — many cases in every
//! status, with random people, coordinators, provider assignments, appointments, refunds
//! and chat — every SQL selection of `store::cases` equals the `domain` rule it stands for,
//! for every role and several users of each. And a store made before the projection is
//! projected when it opens.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::case::{
    AssignmentStatus, CoordinatorAssignment, Invoice, Payment, ProviderAssignment, Refund,
    RefundStatus,
};
use domain::visibility::{can_read_chat, can_see, can_see_billing};
use domain::{
    Actor, Appointment, AppointmentId, AppointmentStatus, Case, CaseId, CaseStatus, Catalog,
    ChatMessage, MessageId, Patient, PatientId, Role, Sex, User, UserId,
};
use store::cases::{self, After, AppointmentQuery, CaseQuery, Direction, PageQuery, Sort};
use store::{catalog, chat, notifications, patients, Store};
use uuid::Uuid;

/// SplitMix64: a small deterministic generator (the seed is in every failure message).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
    fn uuid(&mut self) -> Uuid {
        Uuid::from_u128(u128::from(self.next()) << 64 | u128::from(self.next()))
    }
    /// Somewhere in the 60 days around the base, to the nanosecond (sometimes on a whole
    /// second, so ties and every width of RFC 3339 fraction occur).
    fn time(&mut self) -> DateTime<Utc> {
        let base = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let secs = (self.next() % (60 * 86_400)) as i64 - 30 * 86_400;
        let nanos = match self.below(4) {
            0 => 0,
            1 => (self.next() % 1000) as i64 * 1_000_000,
            _ => (self.next() % 1_000_000_000) as i64,
        };
        base + Duration::seconds(secs) + Duration::nanoseconds(nanos)
    }
}

/// The demo catalog with more people of every role.
fn people() -> Catalog {
    let mut catalog = domain::demo::catalog();
    for (n, role) in [
        (1, Role::Requester),
        (2, Role::Requester),
        (3, Role::Coordinator),
        (4, Role::Provider),
        (5, Role::Provider),
    ] {
        catalog.users.push(User {
            id: UserId(Uuid::from_u128(0xE000 + n)),
            name: format!("Extra {n}"),
            email: format!("extra{n}@test.hospital"),
            role,
            specialty_ids: Vec::new(),
            active: true,
        });
    }
    catalog
}

fn of_role(catalog: &Catalog, role: Role) -> Vec<UserId> {
    catalog
        .users
        .iter()
        .filter(|u| u.role == role)
        .map(|u| u.id)
        .collect()
}

const NAMES: [&str; 8] = [
    "Huda Saleh",
    "huda saleh",
    "Omar 100% Haddad",
    "Lina_Khoury",
    "نورة الحربي",
    "Back\\slash Zed",
    "Ahmed Al-Rashid",
    "zaid ABBAS",
];

struct World {
    catalog: Catalog,
    patients: Vec<Patient>,
    cases: Vec<Case>,
}

fn random_world(rng: &mut Rng, n: usize) -> World {
    let catalog = people();
    let requesters = of_role(&catalog, Role::Requester);
    let coordinators = of_role(&catalog, Role::Coordinator);
    let providers = of_role(&catalog, Role::Provider);
    let everyone: Vec<UserId> = catalog.users.iter().map(|u| u.id).collect();
    let patients: Vec<Patient> = (0..12)
        .map(|i| Patient {
            id: PatientId(rng.uuid()),
            owner_id: rng.pick(&requesters),
            full_name: format!("{} {i}", NAMES[i % NAMES.len()]),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(),
            sex: Sex::Female,
            medical_record_number: None,
            phone: None,
            created_at: rng.time(),
            updated_at: rng.time(),
        })
        .collect();
    let mut cases = Vec::new();
    for i in 0..n {
        let status = CaseStatus::ALL[i % CaseStatus::ALL.len()];
        let requester = rng.pick(&requesters);
        let created_at = rng.time();
        let coordinators_on: Vec<CoordinatorAssignment> = (0..rng.below(3))
            .map(|_| CoordinatorAssignment {
                coordinator_id: rng.pick(&coordinators),
                active: rng.chance(60),
                assigned_by: domain::demo::ADMIN,
                assigned_at: rng.time(),
            })
            .collect();
        let mut on_case = BTreeSet::new();
        let assignments: Vec<ProviderAssignment> = (0..rng.below(4))
            .filter_map(|_| {
                let provider = rng.pick(&providers);
                on_case.insert(provider).then(|| ProviderAssignment {
                    provider_id: provider,
                    status: rng.pick(&AssignmentStatus::ALL),
                    assigned_at: rng.time(),
                    decline_reason: None,
                    opinion: None,
                })
            })
            .collect();
        let mut parties: Vec<UserId> = vec![requester];
        parties.extend(coordinators_on.iter().map(|c| c.coordinator_id));
        parties.extend(assignments.iter().map(|a| a.provider_id));
        let appointments: Vec<Appointment> = (0..rng.below(4))
            .map(|_| {
                let created_by = rng.pick(&parties);
                let invitee = if rng.chance(85) {
                    rng.pick(&parties)
                } else {
                    rng.pick(&everyone)
                };
                let changed_by = if rng.chance(50) { created_by } else { invitee };
                Appointment {
                    id: AppointmentId(rng.uuid()),
                    created_by,
                    creator_role: Role::Requester,
                    invitee_id: invitee,
                    proposed_by: created_by,
                    starts_at: rng.time(),
                    duration_minutes: [5, 30, 60, 480][rng.below(4)],
                    time_zone: "UTC".into(),
                    purpose: None,
                    status: rng.pick(&AppointmentStatus::ALL),
                    reason: None,
                    created_at,
                    updated_at: rng.time(),
                    changed_by,
                    version: 1 + rng.below(4) as u32,
                }
            })
            .collect();
        let refund = (status == CaseStatus::Cancelled && rng.chance(70)).then(|| Refund {
            amount_minor: 100,
            currency: "SAR".into(),
            payment_reference: None,
            status: [
                RefundStatus::Pending,
                RefundStatus::Failed,
                RefundStatus::Refunded,
            ][rng.below(3)],
            failures: rng.below(8) as u32,
            last_error: None,
            last_attempt_at: rng.chance(70).then(|| rng.time()),
            reference: None,
            refunded_at: None,
            due_since: rng.time(),
        });
        let invoice = (status == CaseStatus::Completed && rng.chance(80)).then(|| Invoice {
            number: format!("INV-2026-{i:05}"),
            amount_minor: 100,
            currency: "SAR".into(),
            payment_reference: None,
            issued_at: rng.time(),
        });
        cases.push(Case {
            id: CaseId(rng.uuid()),
            reference: rng
                .chance(90)
                .then(|| format!("SO-2026-{:05}", rng.below(100_000))),
            requester_id: requester,
            patient_id: rng.pick(&patients).id,
            review_type_id: rng.pick(&catalog.review_types).id,
            disease_category_id: rng.pick(&catalog.disease_categories).id,
            question: String::new(),
            clinical_summary: String::new(),
            status,
            documents: Vec::new(),
            coordinators: coordinators_on,
            payment: rng.chance(50).then(|| Payment {
                amount_minor: 100,
                currency: "SAR".into(),
                reference: None,
                paid_at: None,
            }),
            assignments,
            document_requests: Vec::new(),
            return_issues: Vec::new(),
            final_summary: None,
            cancel_reason: None,
            reject_reason: None,
            refund_due: false,
            refund,
            invoice,
            appointments,
            issues: Vec::new(),
            created_at,
            // Ties on the sort keys happen: the id breaks them.
            updated_at: if rng.chance(10) {
                created_at
            } else {
                rng.time()
            },
            submitted_at: None,
            completed_at: None,
        });
    }
    World {
        catalog,
        patients,
        cases,
    }
}

async fn open(dir: &Path) -> Store {
    Store::open(&dir.join("test.sqlite3")).await.unwrap()
}

async fn write(store: &Store, world: &World) {
    let mut tx = store.begin().await.unwrap();
    catalog::replace(&mut tx, &world.catalog).await.unwrap();
    for p in &world.patients {
        patients::save(&mut tx, p).await.unwrap();
    }
    for c in &world.cases {
        cases::save(&mut tx, c).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Everyone who may read, by role, including someone the store has never heard of.
fn readers(catalog: &Catalog) -> Vec<Actor> {
    let mut actors: Vec<Actor> = catalog
        .users
        .iter()
        .map(|u| Actor::new(u.id, u.role))
        .collect();
    for role in [
        Role::Requester,
        Role::Coordinator,
        Role::Provider,
        Role::Admin,
    ] {
        actors.push(Actor::new(UserId(Uuid::from_u128(0xDEAD)), role));
    }
    actors
}

fn ids<'a>(cases: impl IntoIterator<Item = &'a Case>) -> BTreeSet<CaseId> {
    cases.into_iter().map(|c| c.id).collect()
}

fn every_row(filter: CaseQuery) -> PageQuery {
    PageQuery {
        filter,
        ..Default::default()
    }
}

/// The order a sort stands for, in Rust: the key as the list compares it, then the id.
fn rust_key(sort: Sort, case: &Case, patient_name: &str) -> (String, String) {
    let key = match sort {
        Sort::Updated => case
            .updated_at
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
        Sort::Created => case
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
        Sort::Reference => case.reference.clone().unwrap_or_default(),
        // NOCASE: ASCII letters fold, nothing else does.
        Sort::PatientName => patient_name.to_ascii_lowercase(),
    };
    (key, case.id.to_string())
}

#[tokio::test]
async fn sql_selections_equal_the_domain_rules_on_randomized_stores() {
    for seed in [1_u64, 2, 3] {
        let mut rng = Rng(seed);
        let world = random_world(&mut rng, 360);
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path()).await;
        write(&store, &world).await;
        let mut conn = store.read().await.unwrap();
        let name_of: HashMap<PatientId, String> = world
            .patients
            .iter()
            .map(|p| (p.id, p.full_name.clone()))
            .collect();
        let (review_types, categories) = (
            world.catalog.review_types.clone(),
            world.catalog.disease_categories.clone(),
        );
        let users: Vec<UserId> = world.catalog.users.iter().map(|u| u.id).collect();
        for actor in readers(&world.catalog) {
            let who = format!("seed {seed}, {:?} {}", actor.role, actor.id);
            let visible: Vec<&Case> = world.cases.iter().filter(|c| can_see(c, actor)).collect();

            // Who may see what.
            let listed = cases::page(&mut conn, actor, &every_row(CaseQuery::default()))
                .await
                .unwrap();
            assert_eq!(
                listed.iter().map(|s| s.id).collect::<BTreeSet<_>>(),
                ids(visible.iter().copied()),
                "{who}: the visible cases"
            );
            assert_eq!(listed.len(), visible.len(), "{who}: each case once");
            assert_eq!(
                cases::count_visible(&mut conn, actor, &CaseQuery::default())
                    .await
                    .unwrap(),
                visible.len() as u64,
                "{who}: the count"
            );

            // Every order, page by page, is the whole list in the rule's order.
            // (With a search too: it is ordered another way, to the same order.)
            for (sort, search) in [
                (Sort::Updated, None),
                (Sort::Created, None),
                (Sort::Reference, None),
                (Sort::PatientName, None),
                (Sort::PatientName, Some("a")),
                (Sort::Updated, Some("SO-2026-0")),
            ] {
                for direction in [Direction::Asc, Direction::Desc] {
                    let mut expected: Vec<&Case> = visible
                        .iter()
                        .copied()
                        .filter(|c| {
                            search.is_none_or(|n: &str| {
                                let n = n.to_ascii_lowercase();
                                c.reference
                                    .as_deref()
                                    .is_some_and(|r| r.to_ascii_lowercase().contains(&n))
                                    || name_of[&c.patient_id].to_ascii_lowercase().contains(&n)
                            })
                        })
                        .collect();
                    expected.sort_by_key(|c| rust_key(sort, c, &name_of[&c.patient_id]));
                    if direction == Direction::Desc {
                        expected.reverse();
                    }
                    let mut paged = Vec::new();
                    let mut after = None;
                    loop {
                        let page = cases::page(
                            &mut conn,
                            actor,
                            &PageQuery {
                                filter: CaseQuery {
                                    search: search.map(str::to_string),
                                    ..Default::default()
                                },
                                sort,
                                direction,
                                after: after.clone(),
                                limit: Some(7),
                            },
                        )
                        .await
                        .unwrap();
                        assert!(page.len() <= 7);
                        let Some(last) = page.last() else { break };
                        after = Some(After {
                            key: last.key.clone(),
                            id: last.id,
                        });
                        paged.extend(page.iter().map(|s| s.id));
                    }
                    assert_eq!(
                        paged,
                        expected.iter().map(|c| c.id).collect::<Vec<_>>(),
                        "{who}: pages sorted by {sort:?} {direction:?}, search {search:?}"
                    );
                }
            }

            // Filters, one at a time and together, against the rules in Rust.
            for round in 0..12 {
                let now = rng.time();
                let (a, b) = (rng.time(), rng.time());
                let (from, before) = (a.min(b), a.max(b));
                let needle = ["huda", "SO-2026-0", "100%", "_", "\\", "نورة", "zz"][rng.below(7)];
                let filter = CaseQuery {
                    status: rng.chance(30).then(|| rng.pick(&CaseStatus::ALL)),
                    review_type: rng.chance(30).then(|| rng.pick(&review_types).id),
                    disease_category: rng.chance(20).then(|| rng.pick(&categories).id),
                    coordinator: rng.chance(20).then(|| rng.pick(&users)),
                    provider: rng.chance(20).then(|| rng.pick(&users)),
                    created_from: rng.chance(30).then_some(from),
                    created_before: rng.chance(30).then_some(before),
                    updated_from: rng.chance(20).then_some(from),
                    updated_before: rng.chance(20).then_some(before),
                    overdue_at: (round % 3 == 0).then_some(now),
                    search: rng.chance(30).then(|| needle.to_string()),
                };
                let contains = |text: &str, needle: &str| {
                    // LIKE: ASCII letters case-insensitively, the rest as it is.
                    text.to_ascii_lowercase()
                        .contains(&needle.to_ascii_lowercase())
                };
                let expected: BTreeSet<CaseId> = visible
                    .iter()
                    .filter(|c| filter.status.is_none_or(|s| c.status == s))
                    .filter(|c| filter.review_type.is_none_or(|t| c.review_type_id == t))
                    .filter(|c| {
                        filter
                            .disease_category
                            .is_none_or(|d| c.disease_category_id == d)
                    })
                    .filter(|c| {
                        filter
                            .coordinator
                            .is_none_or(|u| c.coordinator() == Some(u))
                    })
                    .filter(|c| {
                        filter.provider.is_none_or(|u| {
                            c.assignment(u)
                                .is_some_and(|a| a.status != AssignmentStatus::Declined)
                        })
                    })
                    .filter(|c| filter.created_from.is_none_or(|t| c.created_at >= t))
                    .filter(|c| filter.created_before.is_none_or(|t| c.created_at < t))
                    .filter(|c| filter.updated_from.is_none_or(|t| c.updated_at >= t))
                    .filter(|c| filter.updated_before.is_none_or(|t| c.updated_at < t))
                    .filter(|c| {
                        filter
                            .overdue_at
                            .is_none_or(|now| domain::notice::is_overdue(c, &world.catalog, now))
                    })
                    .filter(|c| {
                        filter.search.as_deref().is_none_or(|n| {
                            c.reference.as_deref().is_some_and(|r| contains(r, n))
                                || contains(&name_of[&c.patient_id], n)
                        })
                    })
                    .map(|c| c.id)
                    .collect();
                let got = cases::page(&mut conn, actor, &every_row(filter.clone()))
                    .await
                    .unwrap();
                assert_eq!(
                    got.iter().map(|s| s.id).collect::<BTreeSet<_>>(),
                    expected,
                    "{who}: filter {filter:?}"
                );
                assert_eq!(
                    cases::count_visible(&mut conn, actor, &filter)
                        .await
                        .unwrap(),
                    expected.len() as u64,
                    "{who}: count with {filter:?}"
                );
            }

            // Invoices: completed cases whose billing the reader sees.
            let billed = cases::billed(&mut conn, actor).await.unwrap();
            assert_eq!(
                ids(billed.iter().map(|(c, _)| c)),
                ids(visible.iter().copied().filter(|c| {
                    c.status == CaseStatus::Completed && can_see_billing(c, actor)
                })),
                "{who}: invoices"
            );
            for (c, name) in &billed {
                assert_eq!(name, &name_of[&c.patient_id]);
            }

            // Service records: completed cases whose assignment of this provider is done.
            let served = cases::served(&mut conn, actor.id).await.unwrap();
            assert_eq!(
                ids(served.iter().map(|(c, _, _)| c)),
                ids(world.cases.iter().filter(|c| {
                    c.status == CaseStatus::Completed
                        && c.assignment(actor.id)
                            .is_some_and(|a| a.status == AssignmentStatus::Done)
                })),
                "{who}: service records"
            );

            // Appointments: the list's cases, conflicts and the unread badge.
            for _ in 0..4 {
                let (a, b) = (rng.time(), rng.time());
                let q = AppointmentQuery {
                    status: rng.chance(50).then(|| rng.pick(&AppointmentStatus::ALL)),
                    starts_from: rng.chance(50).then_some(a.min(b)),
                    starts_before: rng.chance(50).then_some(a.max(b)),
                    case: None,
                    case_id: None,
                };
                let expected = ids(visible.iter().copied().filter(|c| {
                    c.appointments.iter().any(|x| {
                        q.status.is_none_or(|s| x.status == s)
                            && q.starts_from.is_none_or(|t| x.starts_at >= t)
                            && q.starts_before.is_none_or(|t| x.starts_at < t)
                    })
                }));
                let got = cases::with_appointments(&mut conn, actor, &q)
                    .await
                    .unwrap();
                assert_eq!(ids(&got), expected, "{who}: appointments {q:?}");

                let until = a.max(b) + Duration::hours(2);
                let from = a.min(b);
                let got = cases::accepted_overlapping(&mut conn, actor.id, from, until)
                    .await
                    .unwrap();
                let expected = ids(world.cases.iter().filter(|c| {
                    c.appointments.iter().any(|x| {
                        x.status == AppointmentStatus::Accepted
                            && x.is_party(actor.id)
                            && x.starts_at < until
                            && x.ends_at() > from
                    })
                }));
                assert_eq!(ids(&got), expected, "{who}: accepted and overlapping");
            }
        }

        // Unread appointments, before and after some are seen, and after all are.
        drop(conn);
        for actor in readers(&world.catalog) {
            let mut tx = store.begin().await.unwrap();
            for c in &world.cases {
                for a in &c.appointments {
                    if rng.chance(30) {
                        let version = rng.below(a.version as usize + 1) as u32;
                        notifications::mark_appointment_seen(&mut tx, actor.id, a.id, version)
                            .await
                            .unwrap();
                    }
                }
            }
            tx.commit().await.unwrap();
            let mut conn = store.read().await.unwrap();
            let all_ids: Vec<AppointmentId> = world
                .cases
                .iter()
                .flat_map(|c| c.appointments.iter().map(|a| a.id))
                .collect();
            let seen = notifications::appointments_seen(&mut conn, actor.id, &all_ids)
                .await
                .unwrap();
            let expected = world
                .cases
                .iter()
                .filter(|c| can_see(c, actor))
                .flat_map(|c| c.appointments.iter())
                .filter(|a| a.unread_for(actor.id, seen.get(&a.id).copied()))
                .count() as u32;
            assert_eq!(
                cases::unread_appointments(&mut conn, actor).await.unwrap(),
                expected,
                "seed {seed}: unread appointments of {actor:?}"
            );
            drop(conn);
            let mut tx = store.begin().await.unwrap();
            cases::mark_appointments_seen(&mut tx, actor, None)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let mut conn = store.read().await.unwrap();
            assert_eq!(
                cases::unread_appointments(&mut conn, actor).await.unwrap(),
                0,
                "seed {seed}: {actor:?} saw them all"
            );
        }

        // Chat: unread messages of the cases whose chat the reader may read.
        let mut tx = store.begin().await.unwrap();
        let mut marks: BTreeMap<(UserId, CaseId), i64> = BTreeMap::new();
        for (n, c) in world.cases.iter().enumerate().filter(|(n, _)| n % 3 == 0) {
            for k in 0..3 {
                let author = rng.pick(&users);
                let message = ChatMessage {
                    id: MessageId(rng.uuid()),
                    case_id: c.id,
                    author_id: author,
                    author_role: Role::Requester,
                    body: format!("message {n}.{k}"),
                    attachment: None,
                    sent_at: rng.time(),
                };
                chat::save(&mut tx, &message, None, false).await.unwrap();
                if rng.chance(30) {
                    let reader = rng.pick(&users);
                    chat::mark_read(&mut tx, reader, c.id).await.unwrap();
                    let last = chat::list(&mut tx, c.id)
                        .await
                        .unwrap()
                        .iter()
                        .map(|m| m.ord)
                        .max()
                        .unwrap_or(0);
                    marks.insert((reader, c.id), last);
                }
            }
        }
        tx.commit().await.unwrap();
        let mut conn = store.read().await.unwrap();
        for actor in readers(&world.catalog) {
            let mut expected = Vec::new();
            for c in world.cases.iter().filter(|c| can_read_chat(c, actor)) {
                let read = marks.get(&(actor.id, c.id)).copied().unwrap_or(0);
                let n = chat::list(&mut conn, c.id)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|m| m.message.author_id != actor.id && m.ord > read)
                    .count() as u32;
                if n > 0 {
                    expected.push((c.id, n));
                }
            }
            expected.sort_by_key(|(id, _)| id.to_string());
            assert_eq!(
                chat::unread_by_case(&mut conn, actor, None).await.unwrap(),
                expected,
                "seed {seed}: unread chat of {actor:?}"
            );
        }

        // The jobs' scans: everything the rules owe is among what SQL selects, and SQL
        // does not select the whole store.
        for _ in 0..20 {
            let now = rng.time();
            let owing = cases::owing(
                &mut conn,
                now - Duration::hours(domain::notice::DRAFT_REMINDER_AFTER_HOURS),
                now,
                now + Duration::hours(24),
            )
            .await
            .unwrap();
            let owed = ids(world.cases.iter().filter(|c| {
                !domain::notice::due_reminders(c, &world.catalog, now).is_empty()
                    || !domain::decide::appointment::completions(c, now).is_empty()
            }));
            let selected = ids(&owing);
            assert!(
                owed.is_subset(&selected),
                "seed {seed}: the jobs would miss {:?}",
                owed.difference(&selected).collect::<Vec<_>>()
            );
            assert!(selected.len() < world.cases.len(), "seed {seed}: not all");

            let due = cases::refunds_due(&mut conn, now).await.unwrap();
            let expected = ids(world.cases.iter().filter(|c| {
                c.status == CaseStatus::Cancelled
                    && c.refund
                        .as_ref()
                        .and_then(Refund::next_attempt_at)
                        .is_some_and(|t| t <= now)
            }));
            assert_eq!(ids(&due), expected, "seed {seed}: refunds due at {now}");
        }
    }
}

#[tokio::test]
async fn a_renamed_patient_and_a_forgotten_case_update_the_projection() {
    let mut rng = Rng(7);
    let world = random_world(&mut rng, 40);
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path()).await;
    write(&store, &world).await;
    let admin = Actor::new(domain::demo::ADMIN, Role::Admin);
    let mut renamed = world.patients[0].clone();
    renamed.full_name = "Zubaida Quux".into();
    let mut tx = store.begin().await.unwrap();
    patients::save(&mut tx, &renamed).await.unwrap();
    tx.commit().await.unwrap();
    let mut conn = store.read().await.unwrap();
    let search = |s: &str| {
        every_row(CaseQuery {
            search: Some(s.into()),
            ..Default::default()
        })
    };
    let found = cases::page(&mut conn, admin, &search("zubaida"))
        .await
        .unwrap();
    let expected = ids(world.cases.iter().filter(|c| c.patient_id == renamed.id));
    assert!(!expected.is_empty(), "the patient has cases");
    assert_eq!(
        found.iter().map(|s| s.id).collect::<BTreeSet<_>>(),
        expected
    );
    assert!(found.iter().all(|s| s.patient_name == "Zubaida Quux"));
    drop(conn);

    // A case the user may no longer see leaves with its projection.
    let gone = world
        .cases
        .iter()
        .find(|c| !c.assignments.is_empty() && !c.appointments.is_empty())
        .expect("a case with providers and appointments");
    let mut tx = store.begin().await.unwrap();
    store::confirmed::remove_case(&mut tx, gone.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut conn = store.read().await.unwrap();
    for provider in gone.assignments.iter().map(|a| a.provider_id) {
        let served = cases::served(&mut conn, provider).await.unwrap();
        assert!(served.iter().all(|(c, _, _)| c.id != gone.id));
    }
    let everything = cases::with_appointments(&mut conn, admin, &AppointmentQuery::default())
        .await
        .unwrap();
    assert!(everything.iter().all(|c| c.id != gone.id));
    assert_eq!(
        everything.len(),
        world
            .cases
            .iter()
            .filter(|c| c.id != gone.id && !c.appointments.is_empty())
            .count()
    );
}

/// A store made by the migrations before the projection (0001–0005), with cases in it,
/// is projected when the app opens it: the selections see every case as the rules do.
#[tokio::test]
async fn a_store_from_before_the_projection_is_projected_when_it_opens() {
    let mut rng = Rng(11);
    let world = random_world(&mut rng, 120);
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old-migrations");
    std::fs::create_dir(&old).unwrap();
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/desktop");
    for entry in std::fs::read_dir(&all).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.as_str() < "0006" {
            std::fs::copy(&path, old.join(&name)).unwrap();
        }
    }
    let file = dir.path().join("test.sqlite3");
    {
        use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
        let options = SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::migrate::Migrator::new(old.as_path())
            .await
            .unwrap()
            .run(&pool)
            .await
            .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        catalog::replace(&mut conn, &world.catalog).await.unwrap();
        for p in &world.patients {
            sqlx::query(
                "INSERT INTO patients (id, owner_id, full_name, date_of_birth, sex,
                   created_at, updated_at) VALUES (?, ?, ?, ?, 'female', ?, ?)",
            )
            .bind(p.id.to_string())
            .bind(p.owner_id.to_string())
            .bind(&p.full_name)
            .bind(p.date_of_birth.to_string())
            .bind(p.created_at)
            .bind(p.updated_at)
            .execute(&mut *conn)
            .await
            .unwrap();
        }
        // The rows as the code before the projection wrote them.
        for c in &world.cases {
            sqlx::query(
                "INSERT INTO cases (id, reference, requester_id, patient_id, review_type_id,
                   disease_category_id, coordinator_id, status, created_at, updated_at, state)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(c.id.to_string())
            .bind(&c.reference)
            .bind(c.requester_id.to_string())
            .bind(c.patient_id.to_string())
            .bind(c.review_type_id.to_string())
            .bind(c.disease_category_id.to_string())
            .bind(c.coordinator().map(|u| u.to_string()))
            .bind(c.status.as_str())
            .bind(c.created_at)
            .bind(c.updated_at)
            .bind(serde_json::to_string(c).unwrap())
            .execute(&mut *conn)
            .await
            .unwrap();
        }
        drop(conn);
        pool.close().await;
    }
    let store = Store::open(&file).await.unwrap();
    let mut conn = store.read().await.unwrap();
    for actor in readers(&world.catalog) {
        let listed = cases::page(&mut conn, actor, &every_row(CaseQuery::default()))
            .await
            .unwrap();
        assert_eq!(
            listed.iter().map(|s| s.id).collect::<BTreeSet<_>>(),
            ids(world.cases.iter().filter(|c| can_see(c, actor))),
            "{actor:?} after the upgrade"
        );
        let names: HashMap<PatientId, &str> = world
            .patients
            .iter()
            .map(|p| (p.id, p.full_name.as_str()))
            .collect();
        let by_id: HashMap<CaseId, &Case> = world.cases.iter().map(|c| (c.id, c)).collect();
        for s in &listed {
            assert_eq!(s.patient_name, names[&by_id[&s.id].patient_id]);
        }
    }
    let provider = Actor::new(domain::demo::PROVIDER, Role::Provider);
    assert!(
        world.cases.iter().any(|c| can_see(c, provider)),
        "the provider has cases, found through the projected assignments"
    );
}
