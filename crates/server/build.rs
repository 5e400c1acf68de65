// `sqlx::migrate!` embeds migrations/server at compile time; rebuild when a file is added.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/server");
}
