//! Configuration by admins: the specialties, the review types and disease categories a
//! case is filed under, and who coordinates or practises which specialty. A command here
//! returns the whole configuration as it is after the change; the deciders store it
//! (desktop: `store::catalog::replace`, server: `sync::db::save_configuration`) and the
//! server bumps the configuration's version, so every desktop gets it on its next pull.
//!
//! Nothing is ever deleted: a review type or disease category that cases use is
//! deactivated instead — a new case or assignment can no longer choose it, old cases keep
//! showing it. Refusals use the stable codes of [`RefusalCode`], with the input's field.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::catalog::{Catalog, DiseaseCategory, ReviewType, Specialty};
use crate::ids::{DiseaseCategoryId, ReviewTypeId, SpecialtyId, UserId};
use crate::refusal::{Refusal, RefusalCode};
use crate::{limits, text};

/// A specialty's names, as an admin types them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SpecialtyInput {
    pub name_en: String,
    pub name_ar: String,
}

/// A review type, as an admin types it. Numbers are taken wide so that a negative price
/// or a day count out of range is refused with its field, not as unreadable input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewTypeInput {
    pub name_en: String,
    pub name_ar: String,
    /// In the currency's minor unit (halalas, cents).
    #[ts(type = "number")]
    pub price_minor: i64,
    /// ISO 4217 code, e.g. `SAR`.
    pub currency: String,
    #[ts(type = "number")]
    pub expected_review_days: i64,
    pub specialty_id: SpecialtyId,
}

/// A disease category, as an admin types it, with the providers mapped to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiseaseCategoryInput {
    pub label_en: String,
    pub label_ar: String,
    pub specialty_id: SpecialtyId,
    pub provider_ids: Vec<UserId>,
}

/// What an admin changes in the configuration. A wire format like every command: add
/// variants, never change the meaning of one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConfigCommand {
    /// Creates the specialty (a new id) or renames it.
    SaveSpecialty {
        specialty_id: SpecialtyId,
        input: SpecialtyInput,
    },
    /// Creates the review type (a new id, active) or changes it; cases already paid
    /// keep the price they were asked.
    SaveReviewType {
        review_type_id: ReviewTypeId,
        input: ReviewTypeInput,
    },
    SetReviewTypeActive {
        review_type_id: ReviewTypeId,
        active: bool,
    },
    /// Creates the disease category (a new id, active) or changes it, its providers
    /// included.
    SaveDiseaseCategory {
        category_id: DiseaseCategoryId,
        input: DiseaseCategoryInput,
    },
    SetDiseaseCategoryActive {
        category_id: DiseaseCategoryId,
        active: bool,
    },
    /// The specialties a coordinator coordinates, or a provider practises.
    SetUserSpecialties {
        user_id: UserId,
        specialty_ids: Vec<SpecialtyId>,
    },
}

/// Whether `actor` may see and change the configuration: admins.
pub fn check_configure(actor: Actor) -> Result<(), Refusal> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::Requester | Role::Coordinator | Role::Provider | Role::System => {
            Err(Refusal::forbidden("Only admins change the configuration."))
        }
    }
}

/// Decides a configuration command: the configuration after it, or why not.
pub fn decide_config(
    actor: Actor,
    catalog: &Catalog,
    command: &ConfigCommand,
) -> Result<Catalog, Refusal> {
    check_configure(actor)?;
    let mut next = catalog.clone();
    match command {
        ConfigCommand::SaveSpecialty {
            specialty_id,
            input,
        } => save_specialty(&mut next, *specialty_id, input)?,
        ConfigCommand::SaveReviewType {
            review_type_id,
            input,
        } => save_review_type(&mut next, *review_type_id, input)?,
        ConfigCommand::SetReviewTypeActive {
            review_type_id,
            active,
        } => {
            let r = next
                .review_types
                .iter_mut()
                .find(|r| r.id == *review_type_id)
                .ok_or_else(|| Refusal::not_found("Review type"))?;
            set_active(&mut r.active, *active, "review type")?;
        }
        ConfigCommand::SaveDiseaseCategory { category_id, input } => {
            save_disease_category(&mut next, *category_id, input)?
        }
        ConfigCommand::SetDiseaseCategoryActive {
            category_id,
            active,
        } => {
            let c = next
                .disease_categories
                .iter_mut()
                .find(|c| c.id == *category_id)
                .ok_or_else(|| Refusal::not_found("Disease category"))?;
            set_active(&mut c.active, *active, "disease category")?;
        }
        ConfigCommand::SetUserSpecialties {
            user_id,
            specialty_ids,
        } => set_user_specialties(&mut next, *user_id, specialty_ids)?,
    }
    Ok(next)
}

fn save_specialty(
    next: &mut Catalog,
    specialty_id: SpecialtyId,
    input: &SpecialtyInput,
) -> Result<(), Refusal> {
    let catalog = &*next;
    let name_en = name("nameEn", "The English name", &input.name_en)?;
    let name_ar = name("nameAr", "The Arabic name", &input.name_ar)?;
    let others = catalog.specialties.iter().filter(|s| s.id != specialty_id);
    for s in others {
        unique("nameEn", &s.name_en, &name_en, "specialty")?;
        unique("nameAr", &s.name_ar, &name_ar, "specialty")?;
    }
    let specialty = Specialty {
        id: specialty_id,
        name_en,
        name_ar,
    };
    match next.specialties.iter_mut().find(|s| s.id == specialty_id) {
        Some(s) => *s = specialty,
        None => next.specialties.push(specialty),
    }
    Ok(())
}

fn save_review_type(
    next: &mut Catalog,
    review_type_id: ReviewTypeId,
    input: &ReviewTypeInput,
) -> Result<(), Refusal> {
    let catalog = &*next;
    let name_en = name("nameEn", "The English name", &input.name_en)?;
    let name_ar = name("nameAr", "The Arabic name", &input.name_ar)?;
    let price_minor = u32::try_from(input.price_minor).map_err(|_| {
        Refusal::field(
            RefusalCode::InvalidInput,
            "priceMinor",
            "The price must be zero or more (and at most 42,949,672.95).",
        )
    })?;
    let currency = currency(&input.currency)?;
    let days = input.expected_review_days;
    if !(limits::MIN_REVIEW_DAYS..=limits::MAX_REVIEW_DAYS).contains(&days) {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "expectedReviewDays",
            format!(
                "The expected review time is between {} and {} days.",
                limits::MIN_REVIEW_DAYS,
                limits::MAX_REVIEW_DAYS
            ),
        ));
    }
    let expected_review_days = days as u32;
    specialty(catalog, input.specialty_id)?;
    let same_specialty = catalog
        .review_types
        .iter()
        .filter(|r| r.id != review_type_id && r.specialty_id == input.specialty_id);
    for r in same_specialty {
        unique(
            "nameEn",
            &r.name_en,
            &name_en,
            "review type in this specialty",
        )?;
        unique(
            "nameAr",
            &r.name_ar,
            &name_ar,
            "review type in this specialty",
        )?;
    }
    let existing = next
        .review_types
        .iter_mut()
        .find(|r| r.id == review_type_id);
    let review_type = ReviewType {
        id: review_type_id,
        name_en,
        name_ar,
        price_minor,
        currency,
        expected_review_days,
        specialty_id: input.specialty_id,
        active: existing.as_ref().is_none_or(|r| r.active),
    };
    match existing {
        Some(r) => *r = review_type,
        None => next.review_types.push(review_type),
    }
    Ok(())
}

fn save_disease_category(
    next: &mut Catalog,
    category_id: DiseaseCategoryId,
    input: &DiseaseCategoryInput,
) -> Result<(), Refusal> {
    let catalog = &*next;
    let label_en = name("labelEn", "The English label", &input.label_en)?;
    let label_ar = name("labelAr", "The Arabic label", &input.label_ar)?;
    specialty(catalog, input.specialty_id)?;
    let same_specialty = catalog
        .disease_categories
        .iter()
        .filter(|c| c.id != category_id && c.specialty_id == input.specialty_id);
    for c in same_specialty {
        unique(
            "labelEn",
            &c.label_en,
            &label_en,
            "disease category in this specialty",
        )?;
        unique(
            "labelAr",
            &c.label_ar,
            &label_ar,
            "disease category in this specialty",
        )?;
    }
    let mut provider_ids: Vec<UserId> = Vec::new();
    for id in &input.provider_ids {
        // One mapped already may stay while inactive (the admin is editing something
        // else); a new one must be an active provider.
        let mapped_already = catalog
            .disease_category(category_id)
            .is_some_and(|c| c.provider_ids.contains(id));
        let provider = catalog
            .user(*id)
            .filter(|u| u.role == Role::Provider && (u.active || mapped_already));
        if provider.is_none() {
            return Err(Refusal::field(
                RefusalCode::NotEligible,
                "providerIds",
                "Only active providers can be newly mapped to a disease category.",
            ));
        }
        if !provider_ids.contains(id) {
            provider_ids.push(*id);
        }
    }
    let existing = next
        .disease_categories
        .iter_mut()
        .find(|c| c.id == category_id);
    let category = DiseaseCategory {
        id: category_id,
        label_en,
        label_ar,
        specialty_id: input.specialty_id,
        provider_ids,
        active: existing.as_ref().is_none_or(|c| c.active),
    };
    match existing {
        Some(c) => *c = category,
        None => next.disease_categories.push(category),
    }
    Ok(())
}

fn set_user_specialties(
    next: &mut Catalog,
    user_id: UserId,
    specialty_ids: &[SpecialtyId],
) -> Result<(), Refusal> {
    let catalog = &*next;
    let mut chosen = BTreeSet::new();
    for id in specialty_ids {
        specialty(catalog, *id).map_err(|_| {
            Refusal::field(
                RefusalCode::NotFound,
                "specialtyIds",
                "A chosen specialty does not exist.",
            )
        })?;
        chosen.insert(*id);
    }
    let user = next
        .users
        .iter_mut()
        .find(|u| u.id == user_id)
        .ok_or_else(|| Refusal::not_found("User"))?;
    if !matches!(user.role, Role::Coordinator | Role::Provider) {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "userId",
            "Only coordinators and providers have specialties.",
        ));
    }
    // In the order the admin chose them.
    user.specialty_ids = specialty_ids
        .iter()
        .filter(|id| chosen.remove(id))
        .copied()
        .collect();
    Ok(())
}

/// A required name of the configuration, trimmed and bounded.
fn name(field: &str, label: &str, value: &str) -> Result<String, Refusal> {
    text::required(field, label, value, limits::CATALOG_NAME)
}

/// Refuses `new` when it equals `taken` (ignoring case): names are unique where people
/// choose among them.
fn unique(field: &str, taken: &str, new: &str, what: &str) -> Result<(), Refusal> {
    if taken.to_lowercase() == new.to_lowercase() {
        return Err(Refusal::field(
            RefusalCode::Conflict,
            field,
            format!("Another {what} is already called “{new}”."),
        ));
    }
    Ok(())
}

fn specialty(catalog: &Catalog, id: SpecialtyId) -> Result<&Specialty, Refusal> {
    catalog
        .specialties
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| {
            Refusal::field(
                RefusalCode::NotFound,
                "specialtyId",
                "That specialty does not exist.",
            )
        })
}

/// An ISO 4217 code, in capitals.
fn currency(value: &str) -> Result<String, Refusal> {
    let code = value.trim().to_uppercase();
    match iso_currency::Currency::from_code(&code) {
        Some(_) => Ok(code),
        None => Err(Refusal::field(
            RefusalCode::InvalidInput,
            "currency",
            "The currency must be an ISO 4217 code, such as SAR or USD.",
        )),
    }
}

fn set_active(current: &mut bool, active: bool, what: &str) -> Result<(), Refusal> {
    if *current == active {
        let state = if active { "active" } else { "inactive" };
        return Err(Refusal::new(
            RefusalCode::Conflict,
            format!("This {what} is already {state}."),
        ));
    }
    *current = active;
    Ok(())
}
