//! How long a text may be, in characters (Unicode scalar values, after trimming). One
//! place: the rules use these, and the UI's copy is generated from them
//! (`ui/src/bindings/limits.ts`, by `crates/core/src/bindings.rs`).

pub const FULL_NAME: usize = 200;
pub const MEDICAL_RECORD_NUMBER: usize = 64;
pub const PHONE: usize = 32;
pub const QUESTION: usize = 2_000;
pub const CLINICAL_SUMMARY: usize = 10_000;
/// Reasons (cancel, reject, decline, return) and document-request notes.
pub const REASON: usize = 2_000;
/// Opinions and the final summary.
pub const LONG_TEXT: usize = 20_000;
pub const DOCUMENT_NAME: usize = 255;
pub const MEDIA_TYPE: usize = 127;
pub const PAYMENT_REFERENCE: usize = 200;
