//! Configuration through the server: an admin's desktop changes it, the server decides
//! with the same rules, stores it and bumps the configuration's version, and every other
//! desktop gets it on its next pull; a refused change and a non-admin's change store
//! nothing. Real desktops on real SQLite files, a real server on a real PostgreSQL.

mod support;

use domain::{ReviewTypeInput, SpecialtyInput};
use so_core::ErrorCode;
use support::desktop::desk;
use support::spawn_app;

#[tokio::test]
async fn an_admins_configuration_reaches_every_desktop_through_the_server() {
    let server = spawn_app().await;
    let admin = desk(&server.url(""), support::ADMIN).await;
    let requester = desk(&server.url(""), support::REQUESTER).await;
    let version = || async {
        let mut conn = server.pool.acquire().await.unwrap();
        server::sync::db::current(&mut conn, "config")
            .await
            .unwrap()
    };
    let before = version().await;

    // With a server the change waits for it: decided here (a bad one is refused at once),
    // stored there, and back with the pull.
    let refused = admin
        .app
        .save_specialty(
            None,
            SpecialtyInput {
                name_en: " ".into(),
                name_ar: "كلى".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code, refused.field.as_deref()),
        (ErrorCode::InvalidInput, Some("nameEn"))
    );
    admin
        .app
        .save_specialty(
            None,
            SpecialtyInput {
                name_en: "Nephrology".into(),
                name_ar: "أمراض الكلى".into(),
            },
        )
        .await
        .expect("decided here, queued for the server");
    let report = admin.app.sync_once().await.expect("sync");
    assert_eq!((report.accepted, report.refused), (1, 0));
    assert_eq!(version().await, before + 1, "the version moved");
    let config = admin.app.configuration().await.unwrap();
    let nephrology = config
        .specialties
        .iter()
        .find(|s| s.name_en == "Nephrology")
        .expect("the pull brought it")
        .id;
    admin
        .app
        .save_review_type(
            None,
            ReviewTypeInput {
                name_en: "Kidney review".into(),
                name_ar: "مراجعة الكلى".into(),
                price_minor: 90_000,
                currency: "SAR".into(),
                expected_review_days: 5,
                specialty_id: nephrology,
            },
        )
        .await
        .unwrap();
    admin.app.sync_once().await.unwrap();

    // The requester's next pull brings the new review type, offered for a new case.
    requester.app.sync_once().await.unwrap();
    let offered = requester.app.catalog_view().await.unwrap();
    let kidney = offered
        .review_types
        .iter()
        .find(|r| r.name_en == "Kidney review")
        .expect("offered to the requester");
    assert_eq!(
        (kidney.price_minor, kidney.currency.as_str()),
        (90_000, "SAR")
    );

    // A requester's desktop refuses to configure, and the server would too: nothing stored.
    let at = version().await;
    let refused = requester
        .app
        .save_specialty(
            None,
            SpecialtyInput {
                name_en: "Dermatology".into(),
                name_ar: "الأمراض الجلدية".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden);
    requester.app.sync_once().await.unwrap();
    assert_eq!(version().await, at);
    assert_eq!(
        server.count("specialties").await,
        4,
        "three demo ones and nephrology"
    );
}
