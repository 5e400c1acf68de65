//! The configuration the rules consult: users, specialties, review types, disease
//! categories and who is eligible for what. Admins maintain it; the rules only read it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Role;
use crate::ids::{DiseaseCategoryId, ReviewTypeId, SpecialtyId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Specialty {
    pub id: SpecialtyId,
    pub name_en: String,
    pub name_ar: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewType {
    pub id: ReviewTypeId,
    pub name_en: String,
    pub name_ar: String,
    /// Price in the currency's minor unit (e.g. halalas, cents).
    pub price_minor: u32,
    /// ISO 4217 code.
    pub currency: String,
    pub expected_review_days: u32,
    pub specialty_id: SpecialtyId,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiseaseCategory {
    pub id: DiseaseCategoryId,
    pub label_en: String,
    pub label_ar: String,
    pub specialty_id: SpecialtyId,
    /// Providers mapped to this category: the eligible pool for its cases.
    pub provider_ids: Vec<UserId>,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// For coordinators: the specialties they coordinate. For providers: their specialties.
    pub specialty_ids: Vec<SpecialtyId>,
    pub active: bool,
}

/// Everything configured, as the rules need it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub users: Vec<User>,
    pub specialties: Vec<Specialty>,
    pub review_types: Vec<ReviewType>,
    pub disease_categories: Vec<DiseaseCategory>,
}

/// What [`Catalog::name_of`] shows for a person the catalog does not know.
pub const UNKNOWN_USER: &str = "Unknown user";

impl Catalog {
    pub fn user(&self, id: UserId) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The name a screen or a paper shows for a person: "Unknown user" for one the
    /// catalog does not know (e.g. removed since), never their id.
    pub fn name_of(&self, id: UserId) -> String {
        self.user(id)
            .map_or_else(|| UNKNOWN_USER.to_string(), |u| u.name.clone())
    }

    pub fn review_type(&self, id: ReviewTypeId) -> Option<&ReviewType> {
        self.review_types.iter().find(|r| r.id == id)
    }

    pub fn disease_category(&self, id: DiseaseCategoryId) -> Option<&DiseaseCategory> {
        self.disease_categories.iter().find(|c| c.id == id)
    }

    /// A coordinator is eligible for a review type when they are an active coordinator
    /// configured for the review type's specialty.
    pub fn coordinator_eligible(&self, coordinator: UserId, review_type: ReviewTypeId) -> bool {
        let (Some(user), Some(rt)) = (self.user(coordinator), self.review_type(review_type)) else {
            return false;
        };
        user.active
            && user.role == Role::Coordinator
            && user.specialty_ids.contains(&rt.specialty_id)
    }

    /// A provider is eligible for a case when they are an active provider mapped to the
    /// case's disease category.
    pub fn provider_eligible(&self, provider: UserId, category: DiseaseCategoryId) -> bool {
        let (Some(user), Some(cat)) = (self.user(provider), self.disease_category(category)) else {
            return false;
        };
        user.active && user.role == Role::Provider && cat.provider_ids.contains(&provider)
    }

    pub fn eligible_coordinators(&self, review_type: ReviewTypeId) -> Vec<&User> {
        self.users
            .iter()
            .filter(|u| self.coordinator_eligible(u.id, review_type))
            .collect()
    }

    pub fn eligible_providers(&self, category: DiseaseCategoryId) -> Vec<&User> {
        self.users
            .iter()
            .filter(|u| self.provider_eligible(u.id, category))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_named_and_an_unknown_one_is_never_shown_by_id() {
        let known = UserId(uuid::Uuid::now_v7());
        let catalog = Catalog {
            users: vec![User {
                id: known,
                name: "Layla Mansour".into(),
                email: "layla@example.org".into(),
                role: Role::Coordinator,
                specialty_ids: Vec::new(),
                active: true,
            }],
            ..Catalog::default()
        };
        assert_eq!(catalog.name_of(known), "Layla Mansour");
        let stranger = UserId(uuid::Uuid::now_v7());
        assert_eq!(catalog.name_of(stranger), UNKNOWN_USER);
        assert!(!catalog.name_of(stranger).contains(&stranger.0.to_string()));
    }
}
