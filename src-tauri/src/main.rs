//! The desktop shell: opens the core on the app's data directory and hosts the web UI.
//! Everything the UI can do is a command in `commands.rs`, named once in `command_list.rs`;
//! nothing else lives here.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{Emitter, Manager};

include!("command_list.rs");

/// `tauri::generate_handler!` over every command of the list, each `commands::<name>`.
macro_rules! handler {
    ($($name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}

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
        .invoke_handler(with_commands!(handler))
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
