// The app's config lives at the top of the repository; both tauri-build (here) and
// `generate_context!` (main.rs) are pointed at the same file.
//
// Every app command is listed here, so tauri-build generates an `allow-<command>`
// permission for each, and only the commands the capability grants
// (capabilities/default.json) can be called from the web UI.
const COMMANDS: &[&str] = &[
    "list_users",
    "current_user",
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
    "connect_server",
    "server_sign_in",
    "sync_status",
    "sync_now",
    "needs_attention",
    "dismiss_attention",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
