//! How the desktop's reads and commands cost with the size of the store (a benchmark,
//! not a test), through `so_core::App` on real SQLite files:
//!
//!     cargo bench -p so-core --bench reads                        (release; a few minutes)
//!     SO_BENCH_CASES=1000,10000 cargo bench -p so-core --bench reads
//!
//! For each size in `SO_BENCH_CASES` (default 1,000, 10,000 and 100,000) a fresh store gets
//! the demo data, then that many cases written straight through `store` in one transaction
//! (not through the commands: seeding 100,000 takes seconds, not hours). Each is a copy of
//! one of the demo's cases — every status the commands make, with their coordinators,
//! providers, appointments, payments, invoices and refunds — with its own id, reference,
//! patient (spread over 100 requesters) and times, three documents, opinions of ~2 KB,
//! the template's timeline and five chat messages. Then, as an admin (who sees every case:
//! the worst case for a list), a coordinator and a requester, it measures p50 and p95 of:
//! opening one case, the first and a later page of the case list (with a filter), a
//! search, the badges, the appointment list, and a case created through the commands.
//! Criterion then times the same operations on the largest store (median, for comparing
//! runs).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Span, TimeZone, Utc};
use criterion::Criterion;
use domain::case::Opinion;
use domain::{
    demo, Case, CaseId, CaseStatus, ChatMessage, DocumentId, MessageId, Patient, PatientId, Role,
    Sex, User, UserId,
};
use so_core::views::{AppointmentFilter, CaseInput, CaseListQuery};
use so_core::{App, SystemClock};
use store::{cases, catalog, chat, patients};
use tokio::runtime::Runtime;
use uuid::Uuid;

/// The people the seeded cases are spread over, each role's first being the demo's.
const REQUESTERS: u128 = 100;
const COORDINATORS: u128 = 20;
const PROVIDERS: u128 = 40;

fn requester(n: u128) -> UserId {
    if n == 0 {
        demo::REQUESTER
    } else {
        UserId(Uuid::from_u128(0xB000_0000 + n))
    }
}

fn coordinator(n: u128) -> UserId {
    if n == 0 {
        demo::COORDINATOR
    } else {
        UserId(Uuid::from_u128(0xC000_0000 + n))
    }
}

fn provider(n: u128) -> UserId {
    if n == 0 {
        demo::PROVIDER
    } else {
        UserId(Uuid::from_u128(0xD000_0000 + n))
    }
}

fn padded(text: &str, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + text.len());
    while s.len() < bytes {
        s.push_str(text);
        s.push(' ');
    }
    s
}

/// Writes `n` cases copied from the demo's (see the module comment), in one transaction.
async fn seed(app: &App, n: usize) -> Duration {
    let started = Instant::now();
    let store = app.store();
    let (templates, mut config) = {
        let mut conn = store.read().await.unwrap();
        (
            cases::all(&mut conn).await.unwrap(),
            catalog::load(&mut conn).await.unwrap(),
        )
    };
    let people = (1..REQUESTERS)
        .map(|r| (requester(r), Role::Requester))
        .chain((1..COORDINATORS).map(|r| (coordinator(r), Role::Coordinator)))
        .chain((1..PROVIDERS).map(|r| (provider(r), Role::Provider)));
    for (id, role) in people {
        config.users.push(User {
            id,
            name: format!("{} {id}", role.as_str()),
            email: format!("{id}@bench.hospital"),
            role,
            specialty_ids: Vec::new(),
            active: true,
        });
    }
    let base = Utc.with_ymd_and_hms(2023, 1, 1, 8, 0, 0).unwrap();
    let mut tx = store.begin().await.unwrap();
    catalog::replace(&mut tx, &config).await.unwrap();
    let names = [
        "Huda", "Omar", "Layla", "Karim", "Sara", "Ahmed", "نورة", "سمير",
    ];
    for i in 0..n {
        let template: &Case = &templates[i % templates.len()];
        let owner = requester(i as u128 % REQUESTERS);
        // The template's people, spread: a coordinator holds a twentieth of the cases.
        let mut people = std::collections::HashMap::new();
        people.insert(template.requester_id, owner);
        for c in &template.coordinators {
            let k =
                (i as u128 + u128::from(c.coordinator_id == demo::COORDINATOR_2)) % COORDINATORS;
            people.insert(c.coordinator_id, coordinator(k));
        }
        for (k, a) in template.assignments.iter().enumerate() {
            people.insert(
                a.provider_id,
                provider((i as u128 * 3 + k as u128) % PROVIDERS),
            );
        }
        let person = |id: UserId| people.get(&id).copied().unwrap_or(id);
        let at = base + Span::minutes(i as i64 * 15);
        let patient = Patient {
            id: PatientId(Uuid::now_v7()),
            owner_id: owner,
            full_name: format!("{} Bench {i:06}", names[i % names.len()]),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1960 + (i % 40) as i32, 5, 17).unwrap(),
            sex: if i % 2 == 0 { Sex::Female } else { Sex::Male },
            medical_record_number: Some(format!("MRN-{i:07}")),
            phone: None,
            created_at: at,
            updated_at: at,
        };
        patients::save(&mut tx, &patient).await.unwrap();
        let mut case = template.clone();
        let shift = at - template.created_at;
        case.id = CaseId(Uuid::now_v7());
        case.reference = Some(format!("SO-{}-{i:06}", 2023 + i / 40_000));
        case.requester_id = owner;
        case.patient_id = patient.id;
        case.question = padded("Is surgery the better option at this stage?", 300);
        case.clinical_summary = padded("Three-vessel disease, preserved ejection fraction.", 1500);
        case.created_at = at;
        case.updated_at = template.updated_at + shift;
        if let Some(doc) = template.documents.first() {
            case.documents = (0..3)
                .map(|k| domain::Document {
                    id: DocumentId(Uuid::now_v7()),
                    name: format!("report-{k}.pdf"),
                    uploaded_at: at,
                    ..doc.clone()
                })
                .collect();
        }
        for a in &mut case.assignments {
            a.provider_id = person(a.provider_id);
            a.assigned_at += shift;
            if let Some(o) = &mut a.opinion {
                *o = Opinion {
                    assessment: padded("Assessment of the coronary anatomy.", 800),
                    diagnosis: padded("Three-vessel coronary artery disease.", 300),
                    recommendations: padded("Surgical revascularisation is advised.", 600),
                    answers: padded("Yes, surgery is the better option.", 200),
                    references: padded("ESC/EACTS 2018 guidelines.", 100),
                    submitted_at: o.submitted_at + shift,
                };
            }
        }
        for c in &mut case.coordinators {
            c.coordinator_id = person(c.coordinator_id);
            c.assigned_at += shift;
        }
        for a in &mut case.appointments {
            a.id = domain::AppointmentId(Uuid::now_v7());
            // Past ones: the reminder jobs owe nothing, as in a store of years.
            a.starts_at += shift;
            a.created_at += shift;
            a.updated_at += shift;
            for who in [
                &mut a.created_by,
                &mut a.invitee_id,
                &mut a.proposed_by,
                &mut a.changed_by,
            ] {
                if *who == template.requester_id {
                    *who = owner;
                }
            }
        }
        if let Some(invoice) = &mut case.invoice {
            invoice.number = format!("INV-{}-{i:06}", 2023 + i / 40_000);
            invoice.issued_at += shift;
        }
        if let Some(refund) = &mut case.refund {
            refund.due_since += shift;
        }
        case.submitted_at = case.submitted_at.map(|t| t + shift);
        case.completed_at = case.completed_at.map(|t| t + shift);
        cases::save(&mut tx, &case).await.unwrap();
        sqlx::query(
            "INSERT INTO timeline (case_id, at, actor_id, actor_role, label, detail, command_id,
               pending)
             SELECT ?, at, actor_id, actor_role, label, detail, command_id, 0
             FROM timeline WHERE case_id = ? ORDER BY id",
        )
        .bind(case.id.to_string())
        .bind(template.id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
        if case.status != CaseStatus::Draft {
            let talkers: Vec<(UserId, Role)> = std::iter::once((owner, Role::Requester))
                .chain(case.coordinator().map(|c| (c, Role::Coordinator)))
                .collect();
            for k in 0..5 {
                let (author_id, author_role) = talkers[k % talkers.len()];
                let message = ChatMessage {
                    id: MessageId(Uuid::now_v7()),
                    case_id: case.id,
                    author_id,
                    author_role,
                    body: padded("Could you send the latest echocardiogram?", 120),
                    attachment: None,
                    sent_at: at + Span::hours(k as i64 + 1),
                };
                chat::save(&mut tx, &message, Some(i as i64 * 5 + k as i64), false)
                    .await
                    .unwrap();
            }
        }
    }
    tx.commit().await.unwrap();
    started.elapsed()
}

struct Percentiles {
    p50: Duration,
    p95: Duration,
}

fn percentiles(mut samples: Vec<Duration>) -> Percentiles {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Percentiles {
        p50: at(0.50),
        p95: at(0.95),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `op` a few times to warm up, then `runs` times, and gives p50 and p95.
fn measure<F, Fut>(rt: &Runtime, runs: usize, mut op: F) -> Percentiles
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for i in 0..3 {
        rt.block_on(op(i));
    }
    let samples = (0..runs)
        .map(|i| {
            let start = Instant::now();
            rt.block_on(op(i));
            start.elapsed()
        })
        .collect();
    percentiles(samples)
}

fn later_page_query() -> CaseListQuery {
    CaseListQuery {
        status: Some(CaseStatus::DoctorsAssigned),
        ..Default::default()
    }
}

fn search_query() -> CaseListQuery {
    CaseListQuery {
        search: Some("Bench 0042".into()),
        ..Default::default()
    }
}

async fn case_input(app: &App, n: usize) -> CaseInput {
    let patient = app
        .create_patient(domain::PatientInput {
            full_name: format!("New Patient {n}"),
            date_of_birth: "1970-05-17".into(),
            sex: Sex::Female,
            medical_record_number: None,
            phone: None,
        })
        .await
        .unwrap();
    let staged = app
        .stage_document("echo.pdf", "application/pdf", b"%PDF-1.4 echo")
        .await
        .unwrap();
    CaseInput {
        patient_id: patient.id,
        review_type_id: demo::CARDIOLOGY_REVIEW,
        disease_category_id: demo::CORONARY,
        question: "Is surgery needed?".into(),
        clinical_summary: "Three-vessel disease.".into(),
        documents: vec![domain::DocumentInput {
            name: staged.name,
            kind: domain::DocumentKind::MedicalReport,
            media_type: staged.media_type,
            sha256: staged.sha256,
            size_bytes: staged.size_bytes,
        }],
    }
}

fn one_size(rt: &Runtime, dir: &Path, n: usize) -> App {
    let app = rt
        .block_on(App::open_with_clock(dir, Arc::new(SystemClock)))
        .unwrap();
    let took = rt.block_on(seed(&app, n));
    let file = dir.join(so_core::DATABASE_FILE);
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "\n== {n} cases: seeded in {:.1} s, {} MB ==",
        took.as_secs_f64(),
        size / 1_000_000
    );
    println!("| what | as | p50 | p95 |");
    println!("|---|---|---|---|");
    let row = |what: &str, who: &str, p: Percentiles| {
        println!("| {what} | {who} | {} | {} |", ms(p.p50), ms(p.p95));
    };

    rt.block_on(app.sign_in_as(demo::ADMIN)).unwrap();
    let ids: Vec<CaseId> = {
        let mut conn = rt.block_on(app.store().read()).unwrap();
        let mut ids = Vec::new();
        let mut after = None;
        while ids.len() < 500 {
            let page = rt
                .block_on(cases::page(
                    &mut conn,
                    domain::Actor::new(demo::ADMIN, Role::Admin),
                    &cases::PageQuery {
                        after: after.clone(),
                        limit: Some(97),
                        ..Default::default()
                    },
                ))
                .unwrap();
            let Some(last) = page.last() else { break };
            after = Some(cases::After {
                key: last.key.clone(),
                id: last.id,
            });
            ids.extend(page.iter().step_by(7).map(|s| s.id));
        }
        ids
    };
    row(
        "open one case (`get_case`)",
        "admin",
        measure(rt, 200, |i| {
            let id = ids[i % ids.len()];
            let app = &app;
            async move {
                app.get_case(id).await.unwrap();
            }
        }),
    );
    row(
        "case list, first page",
        "admin",
        measure(rt, 100, |_| {
            let app = &app;
            async move {
                app.case_page(Default::default()).await.unwrap();
            }
        }),
    );
    row(
        "the whole list (`list_cases`, what the UI calls today)",
        "admin",
        measure(rt, if n > 20_000 { 5 } else { 30 }, |_| {
            let app = &app;
            async move {
                app.list_cases(Default::default()).await.unwrap();
            }
        }),
    );
    let later = {
        let mut cursor = None;
        for _ in 0..5 {
            let page = rt
                .block_on(app.case_page(CaseListQuery {
                    cursor: cursor.clone(),
                    ..later_page_query()
                }))
                .unwrap();
            cursor = page.next_cursor.or(cursor);
        }
        cursor
    };
    row(
        "case list, 6th page, status filter",
        "admin",
        measure(rt, 100, |_| {
            let app = &app;
            let cursor = later.clone();
            async move {
                app.case_page(CaseListQuery {
                    cursor,
                    ..later_page_query()
                })
                .await
                .unwrap();
            }
        }),
    );
    row(
        "search (reference or patient name)",
        "admin",
        measure(rt, 50, |_| {
            let app = &app;
            async move {
                app.case_page(search_query()).await.unwrap();
            }
        }),
    );
    row(
        "badges",
        "admin",
        measure(rt, 200, |_| {
            let app = &app;
            async move {
                app.badges().await.unwrap();
            }
        }),
    );
    for (who, name) in [
        (demo::COORDINATOR, "coordinator"),
        (demo::REQUESTER, "requester"),
    ] {
        rt.block_on(app.sign_in_as(who)).unwrap();
        let theirs = rt
            .block_on(app.case_page(Default::default()))
            .unwrap()
            .total;
        println!("| ({name}: {theirs} cases) | | | |");
        row(
            "case list, first page",
            name,
            measure(rt, 100, |_| {
                let app = &app;
                async move {
                    app.case_page(Default::default()).await.unwrap();
                }
            }),
        );
        row(
            "badges",
            name,
            measure(rt, 100, |_| {
                let app = &app;
                async move {
                    app.badges().await.unwrap();
                }
            }),
        );
        row(
            "appointment list",
            name,
            measure(rt, 30, |_| {
                let app = &app;
                async move {
                    app.list_appointments(AppointmentFilter::default())
                        .await
                        .unwrap();
                }
            }),
        );
    }
    // Case creations through the commands (patient and document made beforehand).
    rt.block_on(app.sign_in_as(demo::REQUESTER)).unwrap();
    let inputs: Vec<CaseInput> = (0..103).map(|k| rt.block_on(case_input(&app, k))).collect();
    let mut inputs = inputs.into_iter();
    let started = Instant::now();
    let created = measure(rt, 100, |_| {
        let app = &app;
        let input = inputs.next().expect("an input per creation");
        async move {
            app.create_case(input, true).await.unwrap();
        }
    });
    let per_second = 103.0 / started.elapsed().as_secs_f64();
    row("create and submit a case (a command)", "requester", created);
    println!("case creations through the commands: {per_second:.0}/s");
    app
}

fn main() {
    let rt = Runtime::new().unwrap();
    // Pooled connections are handed back on the runtime, also when dropped outside it.
    let _enter = rt.enter();
    let sizes: Vec<usize> = std::env::var("SO_BENCH_CASES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let mut last = None;
    for &n in &sizes {
        let dir = tempfile::tempdir().unwrap();
        let app = one_size(&rt, dir.path(), n);
        last = Some((app, dir, n));
    }
    let Some((app, _dir, n)) = last else { return };
    // Criterion on the largest store: medians to compare runs with.
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    rt.block_on(app.sign_in_as(demo::ADMIN)).unwrap();
    let some_case = rt.block_on(app.case_page(Default::default())).unwrap().rows[7].id;
    c.bench_function(&format!("get_case, {n} cases"), |b| {
        b.iter(|| rt.block_on(app.get_case(some_case)).unwrap())
    });
    c.bench_function(&format!("case list first page, {n} cases"), |b| {
        b.iter(|| rt.block_on(app.case_page(Default::default())).unwrap())
    });
    c.bench_function(&format!("badges, {n} cases"), |b| {
        b.iter(|| rt.block_on(app.badges()).unwrap())
    });
    c.final_summary();
}
