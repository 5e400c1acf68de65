//! The configuration's rules (`domain::config`): admins only, every validation refusal with
//! its code and field, and what an accepted change leaves — nothing deleted, inactive items
//! kept, and the eligible lists following at once.

use domain::demo::{self, ADMIN, CARDIOLOGY, CARDIOLOGY_REVIEW, COORDINATOR, CORONARY, PROVIDER};
use domain::{
    decide_config, Actor, Catalog, ConfigCommand, DiseaseCategoryId, DiseaseCategoryInput,
    RefusalCode, ReviewTypeId, ReviewTypeInput, Role, SpecialtyId, SpecialtyInput, UserId,
};
use uuid::Uuid;

fn admin() -> Actor {
    Actor::new(ADMIN, Role::Admin)
}

fn new_id() -> Uuid {
    Uuid::now_v7()
}

fn review_type(name_en: &str) -> ReviewTypeInput {
    ReviewTypeInput {
        name_en: name_en.into(),
        name_ar: format!("{name_en} (ar)"),
        price_minor: 150_000,
        currency: "sar".into(),
        expected_review_days: 7,
        specialty_id: CARDIOLOGY,
    }
}

fn category(label_en: &str, providers: Vec<UserId>) -> DiseaseCategoryInput {
    DiseaseCategoryInput {
        label_en: label_en.into(),
        label_ar: format!("{label_en} (ar)"),
        specialty_id: CARDIOLOGY,
        provider_ids: providers,
    }
}

/// One of each command, valid for an admin on the demo configuration.
fn every_command() -> Vec<ConfigCommand> {
    vec![
        ConfigCommand::SaveSpecialty {
            specialty_id: SpecialtyId(new_id()),
            input: SpecialtyInput {
                name_en: "Nephrology".into(),
                name_ar: "أمراض الكلى".into(),
            },
        },
        ConfigCommand::SaveReviewType {
            review_type_id: ReviewTypeId(new_id()),
            input: review_type("Valve review"),
        },
        ConfigCommand::SetReviewTypeActive {
            review_type_id: CARDIOLOGY_REVIEW,
            active: false,
        },
        ConfigCommand::SaveDiseaseCategory {
            category_id: DiseaseCategoryId(new_id()),
            input: category("Valve disease", vec![PROVIDER]),
        },
        ConfigCommand::SetDiseaseCategoryActive {
            category_id: CORONARY,
            active: false,
        },
        ConfigCommand::SetUserSpecialties {
            user_id: COORDINATOR,
            specialty_ids: vec![CARDIOLOGY],
        },
    ]
}

#[test]
fn only_admins_change_the_configuration() {
    let catalog = demo::catalog();
    for command in every_command() {
        assert!(
            decide_config(admin(), &catalog, &command).is_ok(),
            "{command:?}"
        );
        for role in [
            Role::Requester,
            Role::Coordinator,
            Role::Provider,
            Role::System,
        ] {
            let someone = Actor::new(UserId(new_id()), role);
            let refusal = decide_config(someone, &catalog, &command).unwrap_err();
            assert_eq!(refusal.code, RefusalCode::Forbidden, "{role:?} {command:?}");
        }
    }
}

fn refused(catalog: &Catalog, command: ConfigCommand) -> (RefusalCode, Option<String>) {
    let r = decide_config(admin(), catalog, &command).expect_err("refused");
    (r.code, r.field)
}

fn save_review_type(input: ReviewTypeInput) -> ConfigCommand {
    ConfigCommand::SaveReviewType {
        review_type_id: ReviewTypeId(new_id()),
        input,
    }
}

#[test]
fn bad_input_is_refused_with_its_code_and_field() {
    let catalog = demo::catalog();
    let existing_name = catalog
        .review_type(CARDIOLOGY_REVIEW)
        .unwrap()
        .name_en
        .clone();
    let cases: Vec<(ConfigCommand, RefusalCode, &str)> = vec![
        (
            save_review_type(ReviewTypeInput {
                name_en: "   ".into(),
                ..review_type("x")
            }),
            RefusalCode::InvalidInput,
            "nameEn",
        ),
        (
            save_review_type(ReviewTypeInput {
                name_ar: "ع".repeat(121),
                ..review_type("Long Arabic")
            }),
            RefusalCode::InvalidInput,
            "nameAr",
        ),
        (
            save_review_type(ReviewTypeInput {
                name_en: existing_name.to_uppercase(),
                ..review_type("x")
            }),
            RefusalCode::Conflict,
            "nameEn",
        ),
        (
            save_review_type(ReviewTypeInput {
                price_minor: -1,
                ..review_type("Negative")
            }),
            RefusalCode::InvalidInput,
            "priceMinor",
        ),
        (
            save_review_type(ReviewTypeInput {
                currency: "XYZ".into(),
                ..review_type("Odd money")
            }),
            RefusalCode::InvalidInput,
            "currency",
        ),
        (
            save_review_type(ReviewTypeInput {
                expected_review_days: 0,
                ..review_type("Too fast")
            }),
            RefusalCode::InvalidInput,
            "expectedReviewDays",
        ),
        (
            save_review_type(ReviewTypeInput {
                expected_review_days: 400,
                ..review_type("Too slow")
            }),
            RefusalCode::InvalidInput,
            "expectedReviewDays",
        ),
        (
            save_review_type(ReviewTypeInput {
                specialty_id: SpecialtyId(new_id()),
                ..review_type("Nowhere")
            }),
            RefusalCode::NotFound,
            "specialtyId",
        ),
        (
            ConfigCommand::SaveDiseaseCategory {
                category_id: DiseaseCategoryId(new_id()),
                // A coordinator is not a provider.
                input: category("Wrong people", vec![COORDINATOR]),
            },
            RefusalCode::NotEligible,
            "providerIds",
        ),
        (
            ConfigCommand::SaveSpecialty {
                specialty_id: SpecialtyId(new_id()),
                input: SpecialtyInput {
                    name_en: String::new(),
                    name_ar: "قلب".into(),
                },
            },
            RefusalCode::InvalidInput,
            "nameEn",
        ),
        (
            ConfigCommand::SetUserSpecialties {
                user_id: ADMIN,
                specialty_ids: vec![CARDIOLOGY],
            },
            RefusalCode::InvalidInput,
            "userId",
        ),
        (
            ConfigCommand::SetUserSpecialties {
                user_id: COORDINATOR,
                specialty_ids: vec![SpecialtyId(new_id())],
            },
            RefusalCode::NotFound,
            "specialtyIds",
        ),
    ];
    for (command, code, field) in cases {
        assert_eq!(
            refused(&catalog, command.clone()),
            (code, Some(field.to_string())),
            "{command:?}"
        );
    }
    // Unknown items, and a change that changes nothing.
    let unknown = ConfigCommand::SetReviewTypeActive {
        review_type_id: ReviewTypeId(new_id()),
        active: false,
    };
    assert_eq!(refused(&catalog, unknown).0, RefusalCode::NotFound);
    let already = ConfigCommand::SetDiseaseCategoryActive {
        category_id: CORONARY,
        active: true,
    };
    assert_eq!(refused(&catalog, already).0, RefusalCode::Conflict);
}

#[test]
fn a_new_item_is_added_active_and_an_edit_keeps_its_state() {
    let catalog = demo::catalog();
    let id = ReviewTypeId(new_id());
    let created = decide_config(
        admin(),
        &catalog,
        &ConfigCommand::SaveReviewType {
            review_type_id: id,
            input: review_type("Valve review"),
        },
    )
    .unwrap();
    let added = created.review_type(id).expect("added");
    assert!(added.active);
    assert_eq!(added.currency, "SAR", "codes are kept in capitals");
    assert_eq!(
        created.review_types.len(),
        catalog.review_types.len() + 1,
        "nothing else changes"
    );

    let off = decide_config(
        admin(),
        &created,
        &ConfigCommand::SetReviewTypeActive {
            review_type_id: id,
            active: false,
        },
    )
    .unwrap();
    let edited = decide_config(
        admin(),
        &off,
        &ConfigCommand::SaveReviewType {
            review_type_id: id,
            input: ReviewTypeInput {
                price_minor: 99,
                ..review_type("Valve review")
            },
        },
    )
    .unwrap();
    let kept = edited.review_type(id).unwrap();
    assert!(!kept.active, "an edit does not reactivate");
    assert_eq!(kept.price_minor, 99);
    // Its own name is not a duplicate of itself.
    assert_eq!(edited.review_types.len(), created.review_types.len());
}

#[test]
fn the_eligible_lists_follow_the_mapping_at_once() {
    let catalog = demo::catalog();
    let id = DiseaseCategoryId(new_id());
    let mapped = decide_config(
        admin(),
        &catalog,
        &ConfigCommand::SaveDiseaseCategory {
            category_id: id,
            input: category("Valve disease", vec![PROVIDER, PROVIDER]),
        },
    )
    .unwrap();
    let eligible: Vec<UserId> = mapped.eligible_providers(id).iter().map(|u| u.id).collect();
    assert_eq!(eligible, vec![PROVIDER], "named twice, mapped once");

    // A coordinator without cardiology is no longer eligible for a cardiology review.
    assert!(catalog.coordinator_eligible(COORDINATOR, CARDIOLOGY_REVIEW));
    let moved = decide_config(
        admin(),
        &catalog,
        &ConfigCommand::SetUserSpecialties {
            user_id: COORDINATOR,
            specialty_ids: vec![],
        },
    )
    .unwrap();
    assert!(!moved.coordinator_eligible(COORDINATOR, CARDIOLOGY_REVIEW));
}

#[test]
fn a_provider_who_left_stays_mapped_until_removed_but_cannot_be_newly_mapped() {
    let mut catalog = demo::catalog();
    let coronary = catalog.disease_category(CORONARY).unwrap().clone();
    let gone = coronary.provider_ids[0];
    catalog
        .users
        .iter_mut()
        .find(|u| u.id == gone)
        .unwrap()
        .active = false;
    let renamed = DiseaseCategoryInput {
        label_en: "Coronary artery disease (CAD)".into(),
        label_ar: coronary.label_ar.clone(),
        specialty_id: coronary.specialty_id,
        provider_ids: coronary.provider_ids.clone(),
    };
    let after = decide_config(
        admin(),
        &catalog,
        &ConfigCommand::SaveDiseaseCategory {
            category_id: CORONARY,
            input: renamed,
        },
    )
    .expect("renaming keeps the mapping as it is");
    assert_eq!(
        after.disease_category(CORONARY).unwrap().provider_ids,
        coronary.provider_ids
    );
    assert!(
        !after.provider_eligible(gone, CORONARY),
        "still not eligible"
    );
    let refused = refused(
        &catalog,
        ConfigCommand::SaveDiseaseCategory {
            category_id: DiseaseCategoryId(new_id()),
            input: category("Angina", vec![gone]),
        },
    );
    assert_eq!(
        refused,
        (RefusalCode::NotEligible, Some("providerIds".into()))
    );
}
