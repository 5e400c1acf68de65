//! No code. See this crate's Cargo.toml: it only lists dependency features so that
//! every build of the workspace resolves the same ones.
