// The app's config lives at the top of the repository; both tauri-build (here) and
// `generate_context!` (main.rs) are pointed at the same file.
//
// Every app command is listed here, so tauri-build generates an `allow-<command>`
// permission for each, and only the commands the capability grants
// (capabilities/default.json) can be called from the web UI.
const COMMANDS: &[&str] = &[
    "list_users",
    "current_user",
    "capabilities",
    "sign_in_as",
    "sign_out",
    "catalog",
    "list_patients",
    "create_patient",
    "update_patient",
    "list_cases",
    "get_case",
    "stage_document",
    "create_case",
    "update_draft",
    "add_document",
    "remove_document",
    "submit_case",
    "assign_coordinator",
    "reject_case",
    "cancel_case",
    "assign_providers",
    "respond_to_assignment",
    "start_review",
    "request_documents",
    "return_case",
    "resolve_return",
    "submit_opinion",
    "submit_final_summary",
    "save_opinion_draft",
    "opinion_draft",
    "connect_server",
    "server_sign_in",
    "sync_status",
    "sync_now",
    "disconnect_server",
    "needs_attention",
    "dismiss_attention",
    "payment_link",
    "save_case_report",
    "save_invoice",
    "open_case_report",
    "open_invoice",
    "list_invoices",
    "service_records",
    "request_appointment",
    "change_appointment",
    "answer_appointment",
    "cancel_appointment",
    "complete_appointment",
    "list_appointments",
    "mark_appointments_seen",
    "save_appointment_ics",
    "save_appointments_ics",
    "report_issue",
    "edit_issue",
    "delete_issue",
    "resolve_issue",
    "send_overdue_reminder",
    "chat_thread",
    "post_message",
    "notifications",
    "mark_notifications_read",
    "notification_settings",
    "set_notification_channel",
    "badges",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
