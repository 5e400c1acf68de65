//! The TypeScript types the UI imports are generated from the Rust types here, checked in
//! under `ui/src/bindings/`, and this test fails when they are stale. To regenerate:
//! `UPDATE_BINDINGS=1 cargo test -p so-core bindings`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

use crate::sync::{Attention, SyncStatus};
use crate::views::{
    ActionAvailability, CaseDetail, CaseFilter, CaseInput, CaseSummary, CatalogView,
    StagedDocument, TimelineEntry, UserSummary,
};
use crate::{ApiError, ErrorCode};

fn export_all(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir);
    macro_rules! export {
        ($($t:ty),* $(,)?) => {$(
            <$t>::export_all(&cfg).expect(concat!("export ", stringify!($t)));
        )*};
    }
    export!(
        UserSummary,
        CatalogView,
        CaseFilter,
        CaseSummary,
        CaseDetail,
        CaseInput,
        StagedDocument,
        TimelineEntry,
        ActionAvailability,
        ApiError,
        ErrorCode,
        SyncStatus,
        Attention,
        domain::PatientInput,
        domain::CaseFields,
        domain::DocumentInput,
        domain::OpinionInput,
        domain::ActionKind,
    );
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ts") {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            files.insert(name, std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    files
}

fn checked_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

#[test]
fn bindings_are_fresh() {
    let fresh = tempfile::tempdir().expect("temp dir");
    export_all(fresh.path());
    let generated = read_dir(fresh.path());
    assert!(
        generated.contains_key("CaseDetail.ts") && generated.len() > 20,
        "the export should produce every UI type, got {:?}",
        generated.keys()
    );
    let target = checked_in();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&target);
        std::fs::create_dir_all(&target).expect("create ui/src/bindings");
        for (name, text) in &generated {
            std::fs::write(target.join(name), text).expect("write a binding");
        }
        return;
    }
    let current = read_dir(&target);
    assert_eq!(
        current.keys().collect::<Vec<_>>(),
        generated.keys().collect::<Vec<_>>(),
        "ui/src/bindings is stale: run `UPDATE_BINDINGS=1 cargo test -p so-core bindings`"
    );
    for (name, text) in &generated {
        assert_eq!(
            &current[name], text,
            "ui/src/bindings/{name} is stale: run `UPDATE_BINDINGS=1 cargo test -p so-core bindings`"
        );
    }
}
