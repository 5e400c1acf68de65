// The app's config lives at the top of the repository; both tauri-build (here) and
// `generate_context!` (main.rs) are pointed at the same file.
//
// Every app command (src/command_list.rs, the one list) is given to tauri-build, which
// generates an `allow-<command>` permission for each; only the commands the capability
// grants (capabilities/default.json, checked against the list by tests/surface.rs) can be
// called from the web UI.
include!("src/command_list.rs");

macro_rules! names {
    ($($name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = with_commands!(names);

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
