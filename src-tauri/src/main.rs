//! The desktop shell: opens the core on the app's data directory and hosts the web UI.
//! Everything the UI can do is a command in `commands.rs`; nothing else lives here.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{Emitter, Manager};

/// `SO_DATA_DIR` overrides where the local store lives (tests, several demo desktops
/// side by side); otherwise the OS's app-data directory.
fn data_dir(handle: &tauri::AppHandle) -> Result<PathBuf, Box<dyn std::error::Error>> {
    match std::env::var_os("SO_DATA_DIR") {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => Ok(handle.path().app_data_dir()?),
    }
}

/// After every sync, tells the UI to refresh what it shows (`ui/src/api/events.ts`).
fn tell_ui_about_syncs(handle: tauri::AppHandle, core: &so_core::App) {
    let mut synced = core.watch_synced();
    tauri::async_runtime::spawn(async move {
        while synced.changed().await.is_ok() {
            if let Err(e) = handle.emit(DATA_CHANGED, ()) {
                tracing::warn!(error = %e, "could not tell the UI about a sync");
            }
        }
    });
}

/// The event's name, as `ui/src/api/events.ts` listens for it.
const DATA_CHANGED: &str = "data-changed";

fn main() {
    // stderr: WebKitWebDriver (e2e tests) discards the app's stdout.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SO_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    tauri::Builder::default()
        // Opens the payment page in the system browser (the capability allows http(s) only
        // from the UI) and, from the shell, a saved PDF in the system's viewer.
        .plugin(tauri_plugin_opener::init())
        // The Save dialog for a case report or an invoice (the capability allows `save` only).
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            // A failed start must end the process: returning the error from here makes
            // Tauri panic on the main thread while GTK keeps the process alive.
            let opened = data_dir(app.handle())
                .map_err(|e| e.to_string())
                .and_then(|dir| {
                    tauri::async_runtime::block_on(so_core::App::open(&dir)).map_err(|e| e.message)
                });
            match opened {
                Ok(core) => {
                    tracing::info!("local store opened");
                    let core = Arc::new(core);
                    // The background sync (idle while standalone); it needs the runtime's
                    // context to spawn on, and ends when the app is dropped.
                    tauri::async_runtime::block_on(async { drop(core.start_sync()) });
                    tell_ui_about_syncs(app.handle().clone(), &core);
                    app.manage(core);
                    Ok(())
                }
                Err(message) => {
                    tracing::error!(%message, "could not open the local store");
                    eprintln!("Second Opinion could not start: {message}");
                    std::process::exit(1);
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::list_users,
            commands::current_user,
            commands::capabilities,
            commands::sign_in_as,
            commands::sign_out,
            commands::catalog,
            commands::list_patients,
            commands::create_patient,
            commands::update_patient,
            commands::list_cases,
            commands::get_case,
            commands::stage_document,
            commands::create_case,
            commands::update_draft,
            commands::add_document,
            commands::remove_document,
            commands::submit_case,
            commands::assign_coordinator,
            commands::reject_case,
            commands::cancel_case,
            commands::assign_providers,
            commands::respond_to_assignment,
            commands::start_review,
            commands::request_documents,
            commands::return_case,
            commands::resolve_return,
            commands::submit_opinion,
            commands::submit_final_summary,
            commands::save_opinion_draft,
            commands::opinion_draft,
            commands::connect_server,
            commands::server_sign_in,
            commands::sync_status,
            commands::sync_now,
            commands::disconnect_server,
            commands::needs_attention,
            commands::dismiss_attention,
            commands::payment_link,
            commands::save_case_report,
            commands::save_invoice,
            commands::open_case_report,
            commands::open_invoice,
            commands::list_invoices,
            commands::service_records,
            commands::request_appointment,
            commands::change_appointment,
            commands::answer_appointment,
            commands::cancel_appointment,
            commands::complete_appointment,
            commands::list_appointments,
            commands::mark_appointments_seen,
            commands::save_appointment_ics,
            commands::save_appointments_ics,
            commands::report_issue,
            commands::edit_issue,
            commands::delete_issue,
            commands::resolve_issue,
            commands::send_overdue_reminder,
            commands::chat_thread,
            commands::post_message,
            commands::notifications,
            commands::mark_notifications_read,
            commands::notification_settings,
            commands::set_notification_channel,
            commands::badges,
        ])
        // Desktop notifications are shown only while the window does not have the focus.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::Focused(focused) = event {
                if let Some(core) = window.try_state::<Arc<so_core::App>>() {
                    core.set_window_focused(*focused);
                }
            }
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running the app");
}
