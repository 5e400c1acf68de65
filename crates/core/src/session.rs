//! Who is signed in and what they may do: the people one may sign in as (standalone), the
//! signed-in user, the screens their navigation offers, and the catalog they choose from.

use chrono::{DateTime, Utc};
use domain::config::check_configure;
use domain::visibility::can_see_patient;
use domain::{
    decide_case, decide_patient, Actor, CaseCommand, CaseFields, CaseId, CaseView, Catalog,
    DiseaseCategoryId, Patient, PatientCommand, PatientId, PatientInput, Refusal, RefusalCode,
    ReviewTypeId, Role, Sex, UserId,
};
use uuid::Uuid;

use crate::app::App;
use crate::authority::Authority;
use crate::documents::{check_invoices, check_service_records};
use crate::error::{ApiError, ErrorCode, Result};
use crate::views::{Capabilities, CatalogView, UserSummary};

impl App {
    /// The people one may sign in as (standalone: the demo users).
    pub async fn list_users(&self) -> Result<Vec<UserSummary>> {
        let catalog = self.catalog().await?;
        Ok(catalog
            .users
            .iter()
            .filter(|u| u.active && u.role != Role::System)
            .map(UserSummary::from)
            .collect())
    }

    /// The screens the signed-in user's navigation offers ([`capabilities`]).
    pub async fn capabilities(&self) -> Result<Capabilities> {
        let actor = self.actor()?;
        let catalog = self.catalog().await?;
        Ok(capabilities(actor, &catalog, self.now()))
    }

    pub async fn current_user(&self) -> Result<Option<UserSummary>> {
        let Some(actor) = self.current_actor() else {
            return Ok(None);
        };
        let catalog = self.catalog().await?;
        Ok(catalog.user(actor.id).map(UserSummary::from))
    }

    /// Standalone: picks who one is. With a server, one signs in with e-mail address and
    /// password instead (`App::sign_in`).
    pub async fn sign_in_as(&self, user_id: UserId) -> Result<UserSummary> {
        if matches!(self.authority(), Authority::Server(_)) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "Sign in with your e-mail address and password.",
            ));
        }
        let catalog = self.catalog().await?;
        let user = catalog
            .user(user_id)
            .filter(|u| u.active && u.role != Role::System)
            .ok_or_else(|| ApiError::not_found("User"))?;
        self.set_session(Some(Actor::new(user.id, user.role)));
        Ok(UserSummary::from(user))
    }

    /// Signs out; with a server, also forgets the session token (the keyring entry).
    pub fn sign_out(&self) {
        self.set_session(None);
        if let Authority::Server(server) = self.authority() {
            if let Err(e) = self.tokens().delete(&server.url) {
                tracing::error!(error = %e, "could not delete the session from the keyring");
            }
        }
    }

    // ----- configuration -------------------------------------------------------------

    pub async fn catalog_view(&self) -> Result<CatalogView> {
        self.actor()?;
        let catalog = self.catalog().await?;
        Ok(CatalogView {
            specialties: catalog.specialties.clone(),
            review_types: catalog
                .review_types
                .iter()
                .filter(|r| r.active)
                .cloned()
                .collect(),
            disease_categories: catalog
                .disease_categories
                .iter()
                .filter(|c| c.active)
                .cloned()
                .collect(),
            coordinators: catalog
                .users
                .iter()
                .filter(|u| u.active && u.role == Role::Coordinator)
                .map(UserSummary::from)
                .collect(),
        })
    }
}

/// The screens `actor`'s navigation offers, each asked of the rule that refuses it
/// otherwise. Where that rule is a domain decision, a dry run of it with an empty input: a
/// refusal other than `forbidden` (no such patient, an empty name) is about the input, so
/// the role has the screen — the same reading as the case actions' (`forbidden`: never).
pub fn capabilities(actor: Actor, catalog: &Catalog, now: DateTime<Utc>) -> Capabilities {
    fn allowed<T>(decided: std::result::Result<T, Refusal>) -> bool {
        decided
            .err()
            .is_none_or(|r| r.code != RefusalCode::Forbidden)
    }
    let empty_patient = PatientInput {
        full_name: String::new(),
        date_of_birth: String::new(),
        sex: Sex::Female,
        medical_record_number: None,
        phone: None,
    };
    let own_patient = Patient {
        id: PatientId(Uuid::nil()),
        owner_id: actor.id,
        full_name: String::new(),
        date_of_birth: domain::limits::EARLIEST_DATE_OF_BIRTH,
        sex: Sex::Female,
        medical_record_number: None,
        phone: None,
        created_at: now,
        updated_at: now,
    };
    let new_case = CaseCommand::Create {
        case_id: CaseId(Uuid::nil()),
        fields: CaseFields {
            patient_id: PatientId(Uuid::nil()),
            review_type_id: ReviewTypeId(Uuid::nil()),
            disease_category_id: DiseaseCategoryId(Uuid::nil()),
            question: String::new(),
            clinical_summary: String::new(),
        },
        documents: Vec::new(),
        submit: false,
    };
    let no_case = CaseView {
        case: None,
        patient: None,
        catalog,
    };
    Capabilities {
        // The Patients screen lists the patients the user may see: one they registered
        // themselves is the first they would (requesters their own, admins every one).
        patients: can_see_patient(&own_patient, actor),
        manage_patients: allowed(decide_patient(
            None,
            actor,
            &PatientCommand::Create {
                patient_id: PatientId(Uuid::nil()),
                input: empty_patient,
            },
            now,
        )),
        create_cases: allowed(decide_case(no_case, actor, &new_case, now)),
        invoices: check_invoices(actor).is_ok(),
        service_records: check_service_records(actor).is_ok(),
        configure: check_configure(actor).is_ok(),
    }
}
