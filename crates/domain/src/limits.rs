//! How long a text may be, in characters (Unicode scalar values, after trimming), and the
//! other bounds an input is checked against. One place: the rules use these, and the UI's
//! copy is generated from them (`ui/src/bindings/limits.ts`, by `crates/core/src/bindings.rs`).

use chrono::NaiveDate;

pub const FULL_NAME: usize = 200;
/// A specialty's, review type's or disease category's name, in each language.
pub const CATALOG_NAME: usize = 120;
/// A review type's expected review time, in days.
pub const MIN_REVIEW_DAYS: i64 = 1;
pub const MAX_REVIEW_DAYS: i64 = 365;
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

/// The earliest date of birth a patient record takes; the latest is today.
pub const EARLIEST_DATE_OF_BIRTH: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date");
