//! One Tauri command per use case: convert the arguments, call `so_core`, return. No
//! rules here. Errors cross as `{ code, message, field }` (`so_core::ApiError`).

use domain::{
    AppointmentId, AppointmentInput, CaseFields, CaseId, Channel, DiseaseCategoryId,
    DiseaseCategoryInput, DocumentId, DocumentInput, IssueId, IssueInput, NoticeKind, OpinionInput,
    Patient, PatientId, PatientInput, ReviewTypeId, ReviewTypeInput, SpecialtyId, SpecialtyInput,
    UserId,
};
use so_core::notify::{NotificationCentre, NotificationSetting};
use so_core::views::{AppointmentFilter, AppointmentView, Badges, ChatThread};
use std::path::PathBuf;
use std::sync::Arc;

use domain::CommandId;
use so_core::{
    ApiError, App, Attention, Capabilities, CaseDetail, CaseFilter, CaseInput, CaseListQuery,
    CasePage, CaseSummary, CatalogView, ConfigurationView, ErrorCode, InvoiceRow, SavedFile,
    ServiceRecord, StagedDocument, SyncStatus, UserSummary,
};
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

type Answer<T> = Result<T, ApiError>;

#[tauri::command]
pub async fn list_users(app: State<'_, Arc<App>>) -> Answer<Vec<UserSummary>> {
    app.list_users().await
}

#[tauri::command]
pub async fn current_user(app: State<'_, Arc<App>>) -> Answer<Option<UserSummary>> {
    app.current_user().await
}

#[tauri::command]
pub async fn capabilities(app: State<'_, Arc<App>>) -> Answer<Capabilities> {
    app.capabilities().await
}

#[tauri::command]
pub async fn sign_in_as(app: State<'_, Arc<App>>, user_id: UserId) -> Answer<UserSummary> {
    app.sign_in_as(user_id).await
}

#[tauri::command]
pub fn sign_out(app: State<'_, Arc<App>>) {
    app.sign_out();
}

#[tauri::command]
pub async fn catalog(app: State<'_, Arc<App>>) -> Answer<CatalogView> {
    app.catalog_view().await
}

#[tauri::command]
pub async fn configuration(app: State<'_, Arc<App>>) -> Answer<ConfigurationView> {
    app.configuration().await
}

#[tauri::command]
pub async fn save_specialty(
    app: State<'_, Arc<App>>,
    specialty_id: Option<SpecialtyId>,
    input: SpecialtyInput,
) -> Answer<ConfigurationView> {
    app.save_specialty(specialty_id, input).await
}

#[tauri::command]
pub async fn save_review_type(
    app: State<'_, Arc<App>>,
    review_type_id: Option<ReviewTypeId>,
    input: ReviewTypeInput,
) -> Answer<ConfigurationView> {
    app.save_review_type(review_type_id, input).await
}

#[tauri::command]
pub async fn set_review_type_active(
    app: State<'_, Arc<App>>,
    review_type_id: ReviewTypeId,
    active: bool,
) -> Answer<ConfigurationView> {
    app.set_review_type_active(review_type_id, active).await
}

#[tauri::command]
pub async fn save_disease_category(
    app: State<'_, Arc<App>>,
    category_id: Option<DiseaseCategoryId>,
    input: DiseaseCategoryInput,
) -> Answer<ConfigurationView> {
    app.save_disease_category(category_id, input).await
}

#[tauri::command]
pub async fn set_disease_category_active(
    app: State<'_, Arc<App>>,
    category_id: DiseaseCategoryId,
    active: bool,
) -> Answer<ConfigurationView> {
    app.set_disease_category_active(category_id, active).await
}

#[tauri::command]
pub async fn set_user_specialties(
    app: State<'_, Arc<App>>,
    user_id: UserId,
    specialty_ids: Vec<SpecialtyId>,
) -> Answer<ConfigurationView> {
    app.set_user_specialties(user_id, specialty_ids).await
}

#[tauri::command]
pub async fn list_patients(app: State<'_, Arc<App>>) -> Answer<Vec<Patient>> {
    app.list_patients().await
}

#[tauri::command]
pub async fn create_patient(app: State<'_, Arc<App>>, input: PatientInput) -> Answer<Patient> {
    app.create_patient(input).await
}

#[tauri::command]
pub async fn update_patient(
    app: State<'_, Arc<App>>,
    patient_id: PatientId,
    input: PatientInput,
) -> Answer<Patient> {
    app.update_patient(patient_id, input).await
}

#[tauri::command]
pub async fn list_cases(app: State<'_, Arc<App>>, filter: CaseFilter) -> Answer<Vec<CaseSummary>> {
    app.list_cases(filter).await
}

#[tauri::command]
pub async fn case_page(app: State<'_, Arc<App>>, query: CaseListQuery) -> Answer<CasePage> {
    app.case_page(query).await
}

#[tauri::command]
pub async fn get_case(app: State<'_, Arc<App>>, case_id: CaseId) -> Answer<CaseDetail> {
    app.get_case(case_id).await
}

/// The file's bytes arrive as the raw request body (no JSON number arrays); its name
/// (percent-encoded, so any script survives a header) and media type as headers.
#[tauri::command]
pub async fn stage_document(
    app: State<'_, Arc<App>>,
    request: Request<'_>,
) -> Answer<StagedDocument> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(bad_upload("The file content must be sent as raw bytes."));
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let name = percent_encoding::percent_decode_str(header("x-file-name"))
        .decode_utf8()
        .map_err(|_| bad_upload("The file name is not valid text."))?;
    app.stage_document(&name, header("x-media-type"), bytes)
        .await
}

fn bad_upload(message: &str) -> ApiError {
    ApiError {
        code: ErrorCode::InvalidInput,
        message: message.to_string(),
        field: Some("document".to_string()),
    }
}

#[tauri::command]
pub async fn create_case(
    app: State<'_, Arc<App>>,
    input: CaseInput,
    submit: bool,
) -> Answer<CaseDetail> {
    app.create_case(input, submit).await
}

#[tauri::command]
pub async fn update_draft(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    input: CaseFields,
) -> Answer<CaseDetail> {
    app.update_draft(case_id, input).await
}

#[tauri::command]
pub async fn add_document(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    document: DocumentInput,
) -> Answer<CaseDetail> {
    app.add_document(case_id, document).await
}

#[tauri::command]
pub async fn remove_document(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    document_id: DocumentId,
) -> Answer<CaseDetail> {
    app.remove_document(case_id, document_id).await
}

#[tauri::command]
pub async fn submit_case(app: State<'_, Arc<App>>, case_id: CaseId) -> Answer<CaseDetail> {
    app.submit_case(case_id).await
}

#[tauri::command]
pub async fn assign_coordinator(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    coordinator_id: UserId,
) -> Answer<CaseDetail> {
    app.assign_coordinator(case_id, coordinator_id).await
}

#[tauri::command]
pub async fn reject_case(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    reason: String,
) -> Answer<CaseDetail> {
    app.reject_case(case_id, reason).await
}

#[tauri::command]
pub async fn cancel_case(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    reason: Option<String>,
) -> Answer<CaseDetail> {
    app.cancel_case(case_id, reason).await
}

// ----- the review -------------------------------------------------------------------------

#[tauri::command]
pub async fn assign_providers(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    provider_ids: Vec<UserId>,
) -> Answer<CaseDetail> {
    app.assign_providers(case_id, provider_ids).await
}

/// `null` after declining: the case is no longer the provider's to see.
#[tauri::command]
pub async fn respond_to_assignment(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    accept: bool,
    reason: Option<String>,
) -> Answer<Option<CaseDetail>> {
    app.respond_to_assignment(case_id, accept, reason).await
}

#[tauri::command]
pub async fn start_review(app: State<'_, Arc<App>>, case_id: CaseId) -> Answer<CaseDetail> {
    app.start_review(case_id).await
}

#[tauri::command]
pub async fn request_documents(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    note: String,
) -> Answer<CaseDetail> {
    app.request_documents(case_id, note).await
}

#[tauri::command]
pub async fn return_case(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    reason: String,
) -> Answer<CaseDetail> {
    app.return_case(case_id, reason).await
}

#[tauri::command]
pub async fn resolve_return(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    issue_id: IssueId,
) -> Answer<CaseDetail> {
    app.resolve_return(case_id, issue_id).await
}

#[tauri::command]
pub async fn submit_opinion(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    opinion: OpinionInput,
) -> Answer<CaseDetail> {
    app.submit_opinion(case_id, opinion).await
}

#[tauri::command]
pub async fn submit_final_summary(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    summary: String,
) -> Answer<CaseDetail> {
    app.submit_final_summary(case_id, summary).await
}

#[tauri::command]
pub async fn save_opinion_draft(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    draft: OpinionInput,
) -> Answer<()> {
    app.save_opinion_draft(case_id, draft).await
}

#[tauri::command]
pub async fn opinion_draft(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
) -> Answer<Option<OpinionInput>> {
    app.opinion_draft(case_id).await
}

// ----- server mode ---------------------------------------------------------------------

#[tauri::command]
pub async fn connect_server(app: State<'_, Arc<App>>, url: String) -> Answer<()> {
    Ok(app.connect(&url).await?)
}

#[tauri::command]
pub async fn server_sign_in(
    app: State<'_, Arc<App>>,
    email: String,
    password: String,
) -> Answer<()> {
    Ok(app.sign_in(&email, &password).await?)
}

#[tauri::command]
pub async fn sync_status(app: State<'_, Arc<App>>) -> Answer<SyncStatus> {
    app.sync_status().await
}

#[tauri::command]
pub async fn sync_now(app: State<'_, Arc<App>>) -> Answer<()> {
    app.sync_once().await?;
    Ok(())
}

#[tauri::command]
pub async fn disconnect_server(app: State<'_, Arc<App>>) -> Answer<()> {
    app.disconnect().await?;
    Ok(())
}

#[tauri::command]
pub async fn needs_attention(app: State<'_, Arc<App>>) -> Answer<Vec<Attention>> {
    app.needs_attention().await
}

#[tauri::command]
pub async fn dismiss_attention(app: State<'_, Arc<App>>, command_id: CommandId) -> Answer<()> {
    app.dismiss_attention(command_id).await
}

// ----- payment ---------------------------------------------------------------------------

/// The UI opens the link in the system browser (the opener plugin).
#[tauri::command]
pub async fn payment_link(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
) -> Answer<so_core::PaymentLinkView> {
    app.payment_link(case_id).await
}

// ----- a case's papers: the report, the invoice, the lists --------------------------------

/// Writes the case report to `path`, which the UI got from the Save dialog.
#[tauri::command]
pub async fn save_case_report(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    path: PathBuf,
) -> Answer<()> {
    app.save_case_report(case_id, &path).await
}

/// Writes the invoice to `path`, which the UI got from the Save dialog.
#[tauri::command]
pub async fn save_invoice(app: State<'_, Arc<App>>, case_id: CaseId, path: PathBuf) -> Answer<()> {
    app.save_invoice(case_id, &path).await
}

/// Writes the case report under the data directory and opens the system's PDF viewer on it.
#[tauri::command]
pub async fn open_case_report(
    app: State<'_, Arc<App>>,
    shell: AppHandle,
    case_id: CaseId,
) -> Answer<SavedFile> {
    let path = app.export_case_report(case_id).await?;
    Ok(open_in_viewer(&shell, path))
}

/// Writes the invoice under the data directory and opens the system's PDF viewer on it.
#[tauri::command]
pub async fn open_invoice(
    app: State<'_, Arc<App>>,
    shell: AppHandle,
    case_id: CaseId,
) -> Answer<SavedFile> {
    let path = app.export_invoice(case_id).await?;
    Ok(open_in_viewer(&shell, path))
}

/// With no launcher to start (a machine without a desktop), the file is still there: the
/// answer says so (`opened: false`) and the UI tells the user where it is. `opened: true`
/// means the OS's launcher started; the UI gives the path either way.
fn open_in_viewer(shell: &AppHandle, path: PathBuf) -> SavedFile {
    let path = path.to_string_lossy().into_owned();
    let opened = match shell.opener().open_path(path.as_str(), None::<&str>) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "no PDF viewer could be opened");
            false
        }
    };
    SavedFile { path, opened }
}

#[tauri::command]
pub async fn list_invoices(app: State<'_, Arc<App>>) -> Answer<Vec<InvoiceRow>> {
    app.list_invoices().await
}

#[tauri::command]
pub async fn service_records(app: State<'_, Arc<App>>) -> Answer<Vec<ServiceRecord>> {
    app.service_records().await
}

// ----- appointments, issues, chat, notifications (so_core::{talk, notify, calendar}) -----

#[tauri::command]
pub async fn request_appointment(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    with_id: UserId,
    input: AppointmentInput,
) -> Answer<CaseDetail> {
    app.request_appointment(case_id, with_id, input).await
}

#[tauri::command]
pub async fn change_appointment(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    appointment_id: AppointmentId,
    input: AppointmentInput,
) -> Answer<CaseDetail> {
    app.change_appointment(case_id, appointment_id, input).await
}

#[tauri::command]
pub async fn answer_appointment(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    appointment_id: AppointmentId,
    accept: bool,
    reason: Option<String>,
) -> Answer<CaseDetail> {
    app.answer_appointment(case_id, appointment_id, accept, reason)
        .await
}

#[tauri::command]
pub async fn cancel_appointment(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    appointment_id: AppointmentId,
    reason: Option<String>,
) -> Answer<CaseDetail> {
    app.cancel_appointment(case_id, appointment_id, reason)
        .await
}

#[tauri::command]
pub async fn complete_appointment(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    appointment_id: AppointmentId,
) -> Answer<CaseDetail> {
    app.complete_appointment(case_id, appointment_id).await
}

#[tauri::command]
pub async fn list_appointments(
    app: State<'_, Arc<App>>,
    filter: AppointmentFilter,
) -> Answer<Vec<AppointmentView>> {
    app.list_appointments(filter).await
}

#[tauri::command]
pub async fn mark_appointments_seen(
    app: State<'_, Arc<App>>,
    case_id: Option<CaseId>,
) -> Answer<()> {
    app.mark_appointments_seen(case_id).await
}

/// Writes one appointment as `.ics` to `path` (from the Save dialog).
#[tauri::command]
pub async fn save_appointment_ics(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    appointment_id: AppointmentId,
    path: PathBuf,
) -> Answer<()> {
    let text = app.appointment_ics(case_id, appointment_id).await?;
    app.save_ics(&text, &path).await
}

/// Writes the filtered appointment list as `.ics` to `path` (from the Save dialog).
#[tauri::command]
pub async fn save_appointments_ics(
    app: State<'_, Arc<App>>,
    filter: AppointmentFilter,
    path: PathBuf,
) -> Answer<()> {
    let text = app.appointments_ics(filter).await?;
    app.save_ics(&text, &path).await
}

#[tauri::command]
pub async fn report_issue(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    input: IssueInput,
) -> Answer<CaseDetail> {
    app.report_issue(case_id, input).await
}

#[tauri::command]
pub async fn edit_issue(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    issue_id: IssueId,
    input: IssueInput,
) -> Answer<CaseDetail> {
    app.edit_issue(case_id, issue_id, input).await
}

#[tauri::command]
pub async fn delete_issue(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    issue_id: IssueId,
) -> Answer<CaseDetail> {
    app.delete_issue(case_id, issue_id).await
}

#[tauri::command]
pub async fn resolve_issue(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    issue_id: IssueId,
) -> Answer<CaseDetail> {
    app.resolve_issue(case_id, issue_id).await
}

#[tauri::command]
pub async fn send_overdue_reminder(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
) -> Answer<CaseDetail> {
    app.send_overdue_reminder(case_id).await
}

#[tauri::command]
pub async fn chat_thread(app: State<'_, Arc<App>>, case_id: CaseId) -> Answer<ChatThread> {
    app.chat_thread(case_id).await
}

#[tauri::command]
pub async fn post_message(
    app: State<'_, Arc<App>>,
    case_id: CaseId,
    body: String,
    attachment: Option<DocumentInput>,
) -> Answer<ChatThread> {
    app.post_message(case_id, body, attachment).await
}

#[tauri::command]
pub async fn notifications(app: State<'_, Arc<App>>) -> Answer<NotificationCentre> {
    app.notifications().await
}

/// Marks one notification read, or all of them when `id` is null.
#[tauri::command]
pub async fn mark_notifications_read(
    app: State<'_, Arc<App>>,
    id: Option<String>,
) -> Answer<NotificationCentre> {
    let id = match id.as_deref().map(str::parse) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Err(ApiError::not_found("Notification")),
    };
    app.mark_notifications_read(id).await
}

#[tauri::command]
pub async fn notification_settings(app: State<'_, Arc<App>>) -> Answer<Vec<NotificationSetting>> {
    app.notification_settings().await
}

#[tauri::command]
pub async fn set_notification_channel(
    app: State<'_, Arc<App>>,
    kind: NoticeKind,
    channel: Channel,
    enabled: bool,
) -> Answer<Vec<NotificationSetting>> {
    app.set_notification_channel(kind, channel, enabled).await
}

#[tauri::command]
pub async fn badges(app: State<'_, Arc<App>>) -> Answer<Badges> {
    app.badges().await
}
