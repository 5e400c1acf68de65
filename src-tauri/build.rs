// The app's config lives at the top of the repository; both tauri-build (here) and
// `generate_context!` (main.rs) are pointed at the same file.
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri-build failed");
}
