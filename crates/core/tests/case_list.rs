//! The paged case list (`App::case_page`): keyset pages through everything the user may
//! see and nothing else, in each order, with the filters; bad input is `invalid_input`
//! with its field. And the reads that left `cases::all` behind still answer as before.

mod common;

use std::collections::BTreeSet;

use chrono::Duration;
use domain::{CaseId, CaseStatus};
use so_core::views::{CaseListQuery, CasePage};
use so_core::{seed, ErrorCode, CASE_PAGE_SIZE};

/// Every page of `query`, first to last.
async fn all_pages(t: &common::TestApp, query: CaseListQuery) -> Vec<CasePage> {
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let page = t
            .app
            .case_page(CaseListQuery {
                cursor: cursor.clone(),
                ..query.clone()
            })
            .await
            .expect("a page");
        cursor = page.next_cursor.clone();
        pages.push(page);
        if cursor.is_none() {
            return pages;
        }
        assert!(pages.len() < 100, "the pages end");
    }
}

fn ids(pages: &[CasePage]) -> Vec<CaseId> {
    pages
        .iter()
        .flat_map(|p| p.rows.iter().map(|r| r.id))
        .collect()
}

/// More cases than a page: the demo's and `n` more of the demo requester, one patient
/// name each (some differing only in case).
async fn many_cases(n: usize) -> common::TestApp {
    let t = common::open().await;
    t.sign_in(seed::REQUESTER).await;
    let doc = t.stage("echo.pdf", b"%PDF-1.4 echo").await;
    for i in 0..n {
        let name = if i % 2 == 0 {
            format!("patient {i:03}")
        } else {
            format!("Patient {i:03}")
        };
        let patient = t
            .app
            .create_patient(common::patient_input(&name))
            .await
            .unwrap();
        t.app
            .create_case(
                so_core::views::CaseInput {
                    patient_id: patient.id,
                    review_type_id: seed::CARDIOLOGY_REVIEW,
                    disease_category_id: seed::CORONARY,
                    question: "Is surgery needed?".into(),
                    clinical_summary: "Three-vessel disease.".into(),
                    documents: vec![doc.clone()],
                },
                i % 3 != 0,
            )
            .await
            .unwrap();
        // Distinct times, so that created and updated orders are not all ties.
        t.clock.advance(Duration::seconds(61));
    }
    t
}

#[tokio::test]
async fn pages_go_through_everything_the_user_sees_once_in_every_order() {
    let t = many_cases(70).await;
    for who in [
        seed::REQUESTER,
        seed::ADMIN,
        seed::COORDINATOR,
        seed::PROVIDER,
    ] {
        t.sign_in(who).await;
        let everything: BTreeSet<CaseId> = t
            .app
            .list_cases(Default::default())
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        for sort in ["updated", "created", "reference", "patientName"] {
            for direction in ["asc", "desc"] {
                let pages = all_pages(
                    &t,
                    CaseListQuery {
                        sort: Some(sort.into()),
                        direction: Some(direction.into()),
                        ..Default::default()
                    },
                )
                .await;
                let listed = ids(&pages);
                assert_eq!(
                    listed.iter().copied().collect::<BTreeSet<_>>(),
                    everything,
                    "{who:?} by {sort} {direction}: everything they see"
                );
                assert_eq!(listed.len(), everything.len(), "each case once");
                for page in &pages {
                    assert_eq!(page.total as usize, everything.len(), "the total");
                    assert!(page.rows.len() <= CASE_PAGE_SIZE as usize);
                }
                if everything.len() > CASE_PAGE_SIZE as usize {
                    assert_eq!(pages[0].rows.len(), CASE_PAGE_SIZE as usize, "a full page");
                }
                // In order.
                let rows: Vec<_> = pages.iter().flat_map(|p| p.rows.iter()).collect();
                for pair in rows.windows(2) {
                    let ordered = match sort {
                        "updated" => pair[0].updated_at.cmp(&pair[1].updated_at),
                        "created" => pair[0].created_at.cmp(&pair[1].created_at),
                        "reference" => pair[0].reference.cmp(&pair[1].reference),
                        _ => pair[0]
                            .patient_name
                            .to_lowercase()
                            .cmp(&pair[1].patient_name.to_lowercase()),
                    };
                    let wrong = if direction == "asc" {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Less
                    };
                    assert_ne!(ordered, wrong, "{sort} {direction}: {pair:?}");
                }
            }
        }
    }
    // The requester's list crosses a page; a provider sees only their few.
    t.sign_in(seed::REQUESTER).await;
    let first = t.app.case_page(Default::default()).await.unwrap();
    assert!(first.total as usize > CASE_PAGE_SIZE as usize + 10);
    assert!(first.next_cursor.is_some());
}

#[tokio::test]
async fn filters_select_what_they_say() {
    let t = many_cases(12).await;
    t.sign_in(seed::ADMIN).await;
    let all = t.app.list_cases(Default::default()).await.unwrap();
    for status in CaseStatus::ALL {
        let page = t
            .app
            .case_page(CaseListQuery {
                status: Some(status),
                ..Default::default()
            })
            .await
            .unwrap();
        let expected: BTreeSet<CaseId> = all
            .iter()
            .filter(|c| c.status == status)
            .map(|c| c.id)
            .collect();
        assert_eq!(
            page.rows.iter().map(|r| r.id).collect::<BTreeSet<_>>(),
            expected,
            "{status:?}"
        );
        assert_eq!(page.total as usize, expected.len());
    }
    // The cases of a coordinator and of a provider, as they see them themselves.
    for (who, query) in [
        (
            seed::COORDINATOR,
            CaseListQuery {
                coordinator_id: Some(seed::COORDINATOR),
                ..Default::default()
            },
        ),
        (
            seed::PROVIDER,
            CaseListQuery {
                provider_id: Some(seed::PROVIDER),
                ..Default::default()
            },
        ),
    ] {
        t.sign_in(seed::ADMIN).await;
        let by_admin: BTreeSet<CaseId> = ids(&all_pages(&t, query.clone()).await)
            .into_iter()
            .collect();
        t.sign_in(who).await;
        let theirs: BTreeSet<CaseId> = t
            .app
            .list_cases(Default::default())
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert!(!theirs.is_empty(), "{who:?} has cases in the demo");
        assert_eq!(by_admin, theirs, "{who:?}'s cases");
    }

    // Days on the viewer's calendar: the cases made today (09:00 UTC onwards).
    t.sign_in(seed::REQUESTER).await;
    let today = |zone: &str, from: &str, to: &str| CaseListQuery {
        created_from: Some(from.into()),
        created_to: Some(to.into()),
        time_zone: Some(zone.into()),
        ..Default::default()
    };
    let made_here = 12;
    let page = t
        .app
        .case_page(today("UTC", "2026-11-23", "2026-11-23"))
        .await
        .unwrap();
    assert_eq!(page.total, made_here, "made on 23 November, UTC");
    // Made from 09:00 UTC, a minute apart: 23:00 on the same day at +14, the 22nd at -10.
    let page = t
        .app
        .case_page(today("Pacific/Kiritimati", "2026-11-23", "2026-11-23"))
        .await
        .unwrap();
    assert_eq!(page.total, made_here, "23:00 to 23:12 at +14");
    let page = t
        .app
        .case_page(today("Pacific/Kiritimati", "2026-11-24", "2026-11-24"))
        .await
        .unwrap();
    assert_eq!(page.total, 0, "none on the 24th at +14");
    let page = t
        .app
        .case_page(today("Pacific/Honolulu", "2026-11-22", "2026-11-22"))
        .await
        .unwrap();
    assert_eq!(page.total, made_here, "the 22nd in Honolulu");
    let page = t
        .app
        .case_page(today("UTC", "2026-11-24", "2026-11-30"))
        .await
        .unwrap();
    assert_eq!(page.total, 0);

    // Search: a reference, and a patient's name whatever its case.
    let page = t
        .app
        .case_page(CaseListQuery {
            search: Some("PATIENT 00".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 10, "patient 000 … 009");
}

async fn overdue(t: &common::TestApp) -> BTreeSet<CaseId> {
    t.app
        .case_page(CaseListQuery {
            overdue: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.id)
        .collect()
}

async fn by_the_rules(t: &common::TestApp) -> BTreeSet<CaseId> {
    let mut conn = t.app.store().read().await.unwrap();
    let catalog = store::catalog::load(&mut conn).await.unwrap();
    store::cases::all(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| domain::notice::is_overdue(c, &catalog, t.app.now()))
        .map(|c| c.id)
        .collect()
}

#[tokio::test]
async fn overdue_cases_are_those_the_rules_call_overdue() {
    let t = common::open().await;
    t.sign_in(seed::ADMIN).await;
    assert_eq!(overdue(&t).await, by_the_rules(&t).await, "now");
    t.clock.advance(Duration::days(60));
    let later = overdue(&t).await;
    assert!(
        !later.is_empty(),
        "the demo's review is overdue two months on"
    );
    assert_eq!(later, by_the_rules(&t).await, "two months on");
}

#[tokio::test]
async fn bad_list_input_is_invalid_input_with_its_field() {
    let t = common::open().await;
    t.sign_in(seed::ADMIN).await;
    let other_order = {
        let t = many_cases(55).await;
        t.sign_in(seed::ADMIN).await;
        t.app
            .case_page(Default::default())
            .await
            .unwrap()
            .next_cursor
            .expect("a second page")
    };
    let cases: Vec<(&str, CaseListQuery)> = vec![
        (
            "sort",
            CaseListQuery {
                sort: Some("priority".into()),
                ..Default::default()
            },
        ),
        (
            "direction",
            CaseListQuery {
                direction: Some("up".into()),
                ..Default::default()
            },
        ),
        (
            "cursor",
            CaseListQuery {
                cursor: Some("not a cursor".into()),
                ..Default::default()
            },
        ),
        (
            "cursor",
            CaseListQuery {
                cursor: Some(hex::encode(b"{\"sort\":\"updated\"}")),
                ..Default::default()
            },
        ),
        (
            // Made for "updated, desc": not for another order.
            "cursor",
            CaseListQuery {
                sort: Some("patientName".into()),
                cursor: Some(other_order),
                ..Default::default()
            },
        ),
        (
            "createdFrom",
            CaseListQuery {
                created_from: Some("2026-13-01".into()),
                ..Default::default()
            },
        ),
        (
            "updatedTo",
            CaseListQuery {
                updated_to: Some("yesterday".into()),
                ..Default::default()
            },
        ),
        (
            "createdTo",
            CaseListQuery {
                created_from: Some("2026-11-23".into()),
                created_to: Some("2026-11-01".into()),
                ..Default::default()
            },
        ),
        (
            "timeZone",
            CaseListQuery {
                created_from: Some("2026-11-23".into()),
                time_zone: Some("Mars/Olympus".into()),
                ..Default::default()
            },
        ),
        (
            "search",
            CaseListQuery {
                search: Some("x".repeat(201)),
                ..Default::default()
            },
        ),
    ];
    for (field, query) in cases {
        let err = t.app.case_page(query.clone()).await.expect_err("refused");
        assert_eq!(
            err.code,
            ErrorCode::InvalidInput,
            "{query:?}: {}",
            err.message
        );
        assert_eq!(err.field.as_deref(), Some(field), "{query:?}");
        assert!(!err.message.is_empty());
    }
    // A zone without dates is not looked at.
    t.app
        .case_page(CaseListQuery {
            time_zone: Some("Mars/Olympus".into()),
            ..Default::default()
        })
        .await
        .expect("no dates, no zone needed");
}
