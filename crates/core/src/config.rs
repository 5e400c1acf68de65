//! The admin's configuration screens: the whole configuration (inactive items included)
//! and one use case per change. The rules are `domain::config`; standalone the change is
//! stored at once, with a server it is stored when the server has accepted it and the
//! next pull (started at once by the command) brings the new configuration.

use domain::config::check_configure;
use domain::{
    ConfigCommand, DiseaseCategoryId, DiseaseCategoryInput, ReviewTypeId, ReviewTypeInput, Role,
    SpecialtyId, SpecialtyInput, UserId,
};
use uuid::Uuid;

use crate::app::App;
use crate::error::Result;
use crate::views::{ConfigurationView, UserSummary};

impl App {
    /// Everything an admin configures, inactive items included (other roles choose from
    /// `catalog_view`, which lists the active ones).
    pub async fn configuration(&self) -> Result<ConfigurationView> {
        check_configure(self.actor()?)?;
        let catalog = self.catalog().await?;
        let people = |role: Role| {
            catalog
                .users
                .iter()
                .filter(|u| u.role == role)
                .map(UserSummary::from)
                .collect()
        };
        Ok(ConfigurationView {
            coordinators: people(Role::Coordinator),
            providers: people(Role::Provider),
            specialties: catalog.specialties.clone(),
            review_types: catalog.review_types.clone(),
            disease_categories: catalog.disease_categories.clone(),
        })
    }

    /// Creates a specialty (`specialty_id` `None`) or renames one.
    pub async fn save_specialty(
        &self,
        specialty_id: Option<SpecialtyId>,
        input: SpecialtyInput,
    ) -> Result<ConfigurationView> {
        self.configure(ConfigCommand::SaveSpecialty {
            specialty_id: specialty_id.unwrap_or_else(|| SpecialtyId(Uuid::now_v7())),
            input,
        })
        .await
    }

    /// Creates a review type (`review_type_id` `None`) or changes one.
    pub async fn save_review_type(
        &self,
        review_type_id: Option<ReviewTypeId>,
        input: ReviewTypeInput,
    ) -> Result<ConfigurationView> {
        self.configure(ConfigCommand::SaveReviewType {
            review_type_id: review_type_id.unwrap_or_else(|| ReviewTypeId(Uuid::now_v7())),
            input,
        })
        .await
    }

    pub async fn set_review_type_active(
        &self,
        review_type_id: ReviewTypeId,
        active: bool,
    ) -> Result<ConfigurationView> {
        self.configure(ConfigCommand::SetReviewTypeActive {
            review_type_id,
            active,
        })
        .await
    }

    /// Creates a disease category (`category_id` `None`) or changes one.
    pub async fn save_disease_category(
        &self,
        category_id: Option<DiseaseCategoryId>,
        input: DiseaseCategoryInput,
    ) -> Result<ConfigurationView> {
        self.configure(ConfigCommand::SaveDiseaseCategory {
            category_id: category_id.unwrap_or_else(|| DiseaseCategoryId(Uuid::now_v7())),
            input,
        })
        .await
    }

    pub async fn set_disease_category_active(
        &self,
        category_id: DiseaseCategoryId,
        active: bool,
    ) -> Result<ConfigurationView> {
        self.configure(ConfigCommand::SetDiseaseCategoryActive {
            category_id,
            active,
        })
        .await
    }

    /// The specialties a coordinator coordinates, or a provider practises.
    pub async fn set_user_specialties(
        &self,
        user_id: UserId,
        specialty_ids: Vec<SpecialtyId>,
    ) -> Result<ConfigurationView> {
        self.configure(ConfigCommand::SetUserSpecialties {
            user_id,
            specialty_ids,
        })
        .await
    }

    async fn configure(&self, command: ConfigCommand) -> Result<ConfigurationView> {
        self.execute(domain::Command::Config(command)).await?;
        self.configuration().await
    }
}
