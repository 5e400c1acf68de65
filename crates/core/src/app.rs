//! The use cases: one async method per thing a user does. The Tauri shell and the tests
//! call these and nothing else.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use domain::decide::check_report;
use domain::document::{check_document_size, parse_document};
use domain::visibility::{can_see, can_see_billing, can_see_patient};
use domain::{
    check_action, decide_case, decide_patient, ActionKind, Actor, Case, CaseCommand, CaseEvent,
    CaseFields, CaseId, CaseView, Catalog, Command, CommandId, DiseaseCategoryId, DocumentId,
    DocumentInput, Patient, PatientCommand, PatientId, PatientInput, Refusal, RefusalCode,
    ReviewTypeId, Role, Sex, UserId,
};
use store::{blobs, cases, catalog, meta, patients, timeline, Store};
use uuid::Uuid;

use crate::authority::{Authority, ServerLink};
use crate::clock::{Clock, SystemClock};
use crate::error::{ApiError, Result};
use crate::seed;
use crate::sync::{SyncRuntime, SERVER_URL};
use crate::tokens::TokenStore;
use crate::views::{
    ActionAvailability, CancelTerms, Capabilities, CaseDetail, CaseFilter, CaseInput, CaseSummary,
    CatalogView, InvoiceView, RefundView, StagedDocument, TimelineEntry, UserSummary,
};

/// The file the local store lives in, inside the data directory.
pub const DATABASE_FILE: &str = "second-opinion.sqlite3";

const SEARCH_MAX: usize = 200;

/// One running desktop: its store, who decides commands, the clock, and who is signed in.
pub struct App {
    store: Store,
    /// Where the store lives; the PDFs opened for reading go under it (`reports/`).
    data_dir: PathBuf,
    authority: RwLock<Authority>,
    clock: Arc<dyn Clock>,
    session: Mutex<Option<Actor>>,
    tokens: TokenStore,
    sync: SyncRuntime,
    desktop: crate::notify::Desktop,
}

/// How to build an `App`: the clock, where the server session is kept, and how desktop
/// notifications are shown.
#[derive(Clone)]
pub struct AppOptions {
    pub clock: Arc<dyn Clock>,
    pub tokens: TokenStore,
    pub notifier: Arc<dyn crate::notify::DesktopNotifier>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            clock: Arc::new(SystemClock),
            tokens: TokenStore::Keyring,
            notifier: Arc::new(crate::notify::OsNotifier),
        }
    }
}

impl App {
    /// Opens the app on `data_dir` with the computer's clock; an empty store gets the
    /// demo data.
    pub async fn open(data_dir: &Path) -> Result<App> {
        App::open_with_clock(data_dir, Arc::new(SystemClock)).await
    }

    pub async fn open_with_clock(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<App> {
        App::open_with(
            data_dir,
            AppOptions {
                clock,
                ..AppOptions::default()
            },
        )
        .await
    }

    /// Opens the app on `data_dir`. Standalone (no server configured) an empty store gets
    /// the demo data; connected to a server, the session is restored from the token store
    /// and the data comes from the server.
    pub async fn open_with(data_dir: &Path, options: AppOptions) -> Result<App> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            tracing::error!(error = %e, "cannot create the data directory");
            ApiError::internal()
        })?;
        let store = Store::open(&data_dir.join(DATABASE_FILE)).await?;
        let mut conn = store.read().await?;
        let authority = match meta::get(&mut conn, SERVER_URL).await? {
            Some(url) => Authority::Server(ServerLink { url }),
            None => Authority::Standalone,
        };
        let empty = catalog::is_empty(&mut conn).await?;
        drop(conn);
        let app = App {
            store,
            data_dir: data_dir.to_path_buf(),
            authority: RwLock::new(authority),
            clock: options.clock,
            session: Mutex::new(None),
            tokens: options.tokens,
            sync: SyncRuntime::new(),
            desktop: crate::notify::Desktop::new(options.notifier),
        };
        match app.authority() {
            Authority::Standalone if empty => seed::demo(&app).await?,
            Authority::Standalone => {}
            Authority::Server(_) => {
                // Without the keyring the app still opens, signed out.
                if let Err(e) = app.restore_session().await {
                    tracing::warn!(error = %e, "could not restore the server session");
                }
            }
        }
        Ok(app)
    }

    /// The local store, for tests and diagnostics.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The data directory the app was opened on.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Who decides commands now.
    pub fn authority(&self) -> Authority {
        self.authority
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_authority(&self, authority: Authority) {
        *self.authority.write().unwrap_or_else(|e| e.into_inner()) = authority;
        self.sync.session_changed();
    }

    pub(crate) fn tokens(&self) -> &TokenStore {
        &self.tokens
    }

    pub(crate) fn sync_runtime(&self) -> &SyncRuntime {
        &self.sync
    }

    pub(crate) fn desktop(&self) -> &crate::notify::Desktop {
        &self.desktop
    }

    pub(crate) fn current_actor(&self) -> Option<Actor> {
        *self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn actor(&self) -> Result<Actor> {
        self.session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .ok_or_else(ApiError::not_signed_in)
    }

    pub(crate) fn set_session(&self, actor: Option<Actor>) {
        *self.session.lock().unwrap_or_else(|e| e.into_inner()) = actor;
        self.sync.session_changed();
    }

    pub(crate) async fn catalog(&self) -> Result<Catalog> {
        let mut conn = self.store.read().await?;
        Ok(catalog::load(&mut conn).await?)
    }

    /// Hands a command to the authority as the signed-in user. Every change goes here.
    pub async fn execute(&self, command: Command) -> Result<CommandId> {
        let actor = self.actor()?;
        self.execute_at(actor, command, self.clock.now()).await
    }

    /// Seeding and (later) scheduled jobs act as a given actor at a given time.
    pub(crate) async fn execute_at(
        &self,
        actor: Actor,
        command: Command,
        at: DateTime<Utc>,
    ) -> Result<CommandId> {
        let command_id = CommandId(Uuid::now_v7());
        let authority = self.authority();
        authority
            .apply(&self.store, actor, command_id, &command, at)
            .await?;
        if matches!(authority, Authority::Server(_)) {
            // A command waits to be pushed: wake the background sync.
            self.sync.wake.notify_one();
        } else if matches!(command, Command::Case(CaseCommand::Cancel { .. })) {
            // A paid case cancelled standalone owes a refund: the refund task tries at once.
            self.sync.refunds.notify_one();
        }
        Ok(command_id)
    }

    // ----- who you are ---------------------------------------------------------------

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
        let Some(actor) = *self.session.lock().unwrap_or_else(|e| e.into_inner()) else {
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
                crate::ErrorCode::Forbidden,
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
            if let Err(e) = self.tokens.delete(&server.url) {
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

    // ----- patients ------------------------------------------------------------------

    pub async fn list_patients(&self) -> Result<Vec<Patient>> {
        let actor = self.actor()?;
        let mut conn = self.store.read().await?;
        Ok(patients::list(&mut conn)
            .await?
            .into_iter()
            .filter(|p| can_see_patient(p, actor))
            .collect())
    }

    pub async fn create_patient(&self, input: PatientInput) -> Result<Patient> {
        let patient_id = PatientId(Uuid::now_v7());
        self.execute(Command::Patient(PatientCommand::Create {
            patient_id,
            input,
        }))
        .await?;
        self.patient(patient_id).await
    }

    pub async fn update_patient(
        &self,
        patient_id: PatientId,
        input: PatientInput,
    ) -> Result<Patient> {
        self.execute(Command::Patient(PatientCommand::Update {
            patient_id,
            input,
        }))
        .await?;
        self.patient(patient_id).await
    }

    async fn patient(&self, id: PatientId) -> Result<Patient> {
        let actor = self.actor()?;
        let mut conn = self.store.read().await?;
        patients::get(&mut conn, id)
            .await?
            .filter(|p| can_see_patient(p, actor))
            .ok_or_else(|| ApiError::not_found("Patient"))
    }

    // ----- cases ---------------------------------------------------------------------

    /// The cases the user may see, filtered, most recently changed first.
    pub async fn list_cases(&self, filter: CaseFilter) -> Result<Vec<CaseSummary>> {
        let actor = self.actor()?;
        let search = filter
            .search
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if search
            .as_ref()
            .is_some_and(|s| s.chars().count() > SEARCH_MAX)
        {
            return Err(Refusal::field(
                RefusalCode::InvalidInput,
                "search",
                format!("Search for at most {SEARCH_MAX} characters."),
            )
            .into());
        }
        let mut conn = self.store.read().await?;
        let query = cases::CaseQuery {
            status: filter.status,
            search,
        };
        Ok(cases::list(&mut conn, &query)
            .await?
            .into_iter()
            .filter(|row| can_see(&row.case, actor))
            .map(|row| CaseSummary {
                id: row.case.id,
                reference: row.case.reference.clone(),
                status: row.case.status,
                patient_name: row.patient_name,
                review_type_name: row.review_type_name,
                disease_category_label: row.disease_category_label,
                coordinator_name: row.coordinator_name,
                created_at: row.case.created_at,
                updated_at: row.case.updated_at,
            })
            .collect())
    }

    /// One case, with what the user may do to it. A case the user may not see is
    /// "not found", exactly like a missing one.
    pub async fn get_case(&self, case_id: CaseId) -> Result<CaseDetail> {
        let actor = self.actor()?;
        let catalog = self.catalog().await?;
        let mut conn = self.store.read().await?;
        let case = cases::get(&mut conn, case_id)
            .await?
            .filter(|c| can_see(c, actor))
            .ok_or_else(|| ApiError::not_found("Case"))?;
        let patient = patients::get(&mut conn, case.patient_id)
            .await?
            .ok_or_else(corrupt)?;
        let review_type = catalog
            .review_type(case.review_type_id)
            .cloned()
            .ok_or_else(corrupt)?;
        let disease_category = catalog
            .disease_category(case.disease_category_id)
            .cloned()
            .ok_or_else(corrupt)?;
        let coordinator = case
            .coordinator()
            .and_then(|id| catalog.user(id))
            .map(UserSummary::from);
        let timeline = timeline::list(&mut conn, case.id)
            .await?
            .into_iter()
            .filter(|t| domain::visibility::can_read_timeline_line(&case, actor, &t.label))
            .map(|t| TimelineEntry {
                at: t.at,
                actor_name: t.actor_name,
                actor_role: t.actor_role,
                label: t.label,
                detail: t.detail,
            })
            .collect();
        Ok(CaseDetail {
            summary: CaseSummary {
                id: case.id,
                reference: case.reference.clone(),
                status: case.status,
                patient_name: patient.full_name.clone(),
                review_type_name: review_type.name_en.clone(),
                disease_category_label: disease_category.label_en.clone(),
                coordinator_name: coordinator.as_ref().map(|c| c.name.clone()),
                created_at: case.created_at,
                updated_at: case.updated_at,
            },
            actions: actions(&case, actor),
            patient,
            review_type,
            disease_category,
            question: case.question.clone(),
            clinical_summary: case.clinical_summary.clone(),
            documents: case.documents.clone(),
            coordinator,
            timeline,
            cancel_reason: case.cancel_reason.clone(),
            reject_reason: case.reject_reason.clone(),
            review: crate::review::review_detail(&case, actor, &catalog),
            report_available: check_report(Some(&case), actor).is_ok(),
            invoice: case
                .invoice
                .as_ref()
                .filter(|_| can_see_billing(&case, actor))
                .map(InvoiceView::from),
            refund: case
                .refund
                .as_ref()
                .filter(|_| can_see_billing(&case, actor))
                .map(RefundView::from),
            talk: crate::talk::case_talk(&mut conn, &case, actor, &catalog, self.now()).await?,
            cancel_terms: cancel_terms(
                CaseView {
                    case: Some(&case),
                    patient: None,
                    catalog: &catalog,
                },
                actor,
                self.now(),
            ),
            payment_due: crate::payment::payment_due(&case, actor),
        })
    }

    /// Puts a file's content in the local content store (once per SHA-256) so that a case
    /// can point at it. Too large or empty files are refused before anything is stored.
    pub async fn stage_document(
        &self,
        name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<StagedDocument> {
        let actor = self.actor()?;
        check_document_size(bytes.len() as u64)?;
        let media_type = match media_type.trim() {
            "" => "application/octet-stream",
            m => m,
        };
        let size_bytes = u32::try_from(bytes.len()).map_err(|_| ApiError::internal())?;
        let input = DocumentInput {
            name: name.to_string(),
            kind: domain::DocumentKind::Other,
            media_type: media_type.to_string(),
            sha256: blobs::sha256_hex(bytes),
            size_bytes,
        };
        // The same checks a document gets when it is attached, before storing a byte.
        let checked = parse_document(DocumentId(Uuid::nil()), &input, actor, self.now())?;
        let mut tx = self.store.begin().await?;
        blobs::put(&mut tx, bytes, self.now()).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(StagedDocument {
            name: checked.name,
            media_type: checked.media_type,
            sha256: checked.sha256,
            size_bytes,
        })
    }

    /// A stored document's content, for the people who may see its case.
    pub async fn document_content(
        &self,
        case_id: CaseId,
        document_id: DocumentId,
    ) -> Result<Vec<u8>> {
        let actor = self.actor()?;
        let mut conn = self.store.read().await?;
        let case = cases::get(&mut conn, case_id)
            .await?
            .filter(|c| can_see(c, actor))
            .ok_or_else(|| ApiError::not_found("Case"))?;
        let attached;
        let doc = match case.documents.iter().find(|d| d.id == document_id) {
            Some(doc) => doc,
            // A chat attachment, for those who may read the case's chat (never an admin).
            None if domain::can_read_chat(&case, actor) => {
                attached = store::chat::list(&mut conn, case_id)
                    .await?
                    .into_iter()
                    .filter_map(|m| m.message.attachment)
                    .find(|d| d.id == document_id)
                    .ok_or_else(|| ApiError::not_found("Document"))?;
                &attached
            }
            None => return Err(ApiError::not_found("Document")),
        };
        blobs::get(&mut conn, &doc.sha256)
            .await?
            .ok_or_else(|| ApiError::not_found("Document"))
    }

    pub async fn create_case(&self, input: CaseInput, submit: bool) -> Result<CaseDetail> {
        let case_id = CaseId(Uuid::now_v7());
        let documents = input
            .documents
            .into_iter()
            .map(|d| (DocumentId(Uuid::now_v7()), d))
            .collect();
        let fields = CaseFields {
            patient_id: input.patient_id,
            review_type_id: input.review_type_id,
            disease_category_id: input.disease_category_id,
            question: input.question,
            clinical_summary: input.clinical_summary,
        };
        self.case_command(CaseCommand::Create {
            case_id,
            fields,
            documents,
            submit,
        })
        .await
    }

    pub async fn update_draft(&self, case_id: CaseId, fields: CaseFields) -> Result<CaseDetail> {
        self.case_command(CaseCommand::UpdateDraft { case_id, fields })
            .await
    }

    pub async fn add_document(
        &self,
        case_id: CaseId,
        document: DocumentInput,
    ) -> Result<CaseDetail> {
        self.case_command(CaseCommand::AddDocument {
            case_id,
            document_id: DocumentId(Uuid::now_v7()),
            document,
        })
        .await
    }

    pub async fn remove_document(
        &self,
        case_id: CaseId,
        document_id: DocumentId,
    ) -> Result<CaseDetail> {
        self.case_command(CaseCommand::RemoveDocument {
            case_id,
            document_id,
        })
        .await
    }

    pub async fn submit_case(&self, case_id: CaseId) -> Result<CaseDetail> {
        self.case_command(CaseCommand::Submit { case_id }).await
    }

    /// Assigns (or, before payment, changes) the coordinator. The command names the
    /// coordinator this desktop shows now, so a change someone else made meanwhile is
    /// refused instead of overridden.
    pub async fn assign_coordinator(
        &self,
        case_id: CaseId,
        coordinator_id: UserId,
    ) -> Result<CaseDetail> {
        let replacing = self.get_case(case_id).await?.coordinator.map(|c| c.id);
        self.case_command(CaseCommand::AssignCoordinator {
            case_id,
            coordinator_id,
            replacing,
        })
        .await
    }

    pub async fn reject_case(&self, case_id: CaseId, reason: String) -> Result<CaseDetail> {
        self.case_command(CaseCommand::Reject { case_id, reason })
            .await
    }

    pub async fn cancel_case(&self, case_id: CaseId, reason: Option<String>) -> Result<CaseDetail> {
        self.case_command(CaseCommand::Cancel { case_id, reason })
            .await
    }

    /// Any case command, answered with the case as it now is. The review steps of the
    /// next issue (providers, opinions, summary) go through here too.
    pub async fn case_command(&self, command: CaseCommand) -> Result<CaseDetail> {
        let case_id = command.case_id();
        self.execute(Command::Case(command)).await?;
        self.get_case(case_id).await
    }
}

/// The actions the actor's role has on the case, each allowed or refused with the reason
/// the rules give. Actions the role never has are left out rather than shown disabled.
pub fn actions(case: &Case, actor: Actor) -> Vec<ActionAvailability> {
    ActionKind::ALL
        .into_iter()
        .filter_map(|action| match check_action(Some(case), actor, action) {
            Ok(_) => Some(ActionAvailability {
                action,
                allowed: true,
                reason: None,
            }),
            Err(r) if matches!(r.code, RefusalCode::Forbidden | RefusalCode::NotFound) => None,
            Err(r) => Some(ActionAvailability {
                action,
                allowed: false,
                reason: Some(r),
            }),
        })
        .collect()
}

/// What cancelling the case would ask of `actor` and set off, from a dry run of the
/// decision: whether it is refused for want of a reason, and whether the cancellation it
/// decides makes a refund due. Nothing is stored.
pub fn cancel_terms(view: CaseView<'_>, actor: Actor, now: DateTime<Utc>) -> CancelTerms {
    let Some(case) = view.case else {
        return CancelTerms::default();
    };
    let cancel = |reason: Option<&str>| {
        let command = CaseCommand::Cancel {
            case_id: case.id,
            reason: reason.map(str::to_string),
        };
        decide_case(view, actor, &command, now)
    };
    let (reason_required, decided) = match cancel(None) {
        Err(r) if r.code == RefusalCode::ReasonRequired => (true, cancel(Some("A reason."))),
        decided => (false, decided),
    };
    let refund_due = decided.is_ok_and(|events| {
        events.iter().any(|e| {
            matches!(
                e,
                CaseEvent::Cancelled {
                    refund_due: true,
                    ..
                }
            )
        })
    });
    CancelTerms {
        reason_required,
        refund_due,
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
        invoices: crate::documents::check_invoices(actor).is_ok(),
        service_records: crate::documents::check_service_records(actor).is_ok(),
    }
}

pub(crate) fn corrupt() -> ApiError {
    tracing::error!("a case refers to a record the store does not have");
    ApiError::internal()
}
