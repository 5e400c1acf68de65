//! The PDF documents a hospital files: the case report and the invoice.
//!
//! This crate owns their layout and their bytes: A4 pages with a header (service name,
//! reference) and a "Page n of m" footer on every page, wrapped text that flows across
//! pages, Noto Sans and Noto Sans Arabic embedded (subset) and Arabic shaped (joining
//! forms, ligatures, right-to-left order), so names print as written.
//!
//! Its input is plain data, already read and checked by the caller. It must never read
//! a clock, a random number, a file, the database or the network: every date and id in
//! the PDF (creation date, trailer ID) comes from the input, so the same input gives
//! byte-identical output and a report can be rebuilt and compared later.

mod case_report;
mod compose;
mod fonts;
mod invoice;
mod pdf;
mod text;

use chrono::{DateTime, NaiveDate, Utc};

/// Everything the case report shows. Labels (sex, review type, document kind) arrive as
/// the words to print, in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseReport {
    /// The second-opinion service, printed in every page's header.
    pub service_name: String,
    /// The case's human reference (`SO-2026-00042`), in every page's header.
    pub case_reference: String,
    pub patient: PatientBlock,
    pub review_type: String,
    pub disease_category: String,
    pub question: String,
    pub clinical_summary: String,
    pub documents: Vec<DocumentLine>,
    pub opinions: Vec<OpinionBlock>,
    /// `None` until the coordinator has written it.
    pub final_summary: Option<SummaryBlock>,
    pub submitted_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// When the report was made; also the PDF's creation date. Passed in, never read
    /// from the clock, so a rebuild is byte-identical.
    pub generated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientBlock {
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    /// "Female", "Male", or the reader's language's word.
    pub sex: String,
    pub medical_record_number: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentLine {
    pub name: String,
    /// "Medical report", "Imaging", …
    pub kind: String,
    pub size_bytes: u64,
    pub added_at: DateTime<Utc>,
}

/// One specialist's opinion. Empty parts print as "Not provided." rather than vanish, so
/// a reader can tell an empty answer from a missing page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpinionBlock {
    pub provider_name: String,
    pub specialty: String,
    pub submitted_at: DateTime<Utc>,
    pub assessment: String,
    pub diagnosis: String,
    pub recommendations: String,
    pub answers: String,
    pub references: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryBlock {
    pub coordinator_name: String,
    pub submitted_at: DateTime<Utc>,
    pub text: String,
}

/// An invoice for one case's review, numbered by the server (`INV-2026-00017`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceDoc {
    pub service_name: String,
    pub number: String,
    pub issued_at: DateTime<Utc>,
    pub billed_to: BilledTo,
    pub case_reference: String,
    pub patient_name: String,
    /// What was bought: the review type's name.
    pub description: String,
    /// In the currency's minor unit (halalas, cents), as `domain` prices things.
    pub amount_minor: u32,
    /// ISO 4217 code.
    pub currency: String,
    /// The payment provider's reference for the payment that settled it.
    pub payment_reference: String,
}

/// Who pays: the requester, and the organisation they request for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BilledTo {
    pub name: String,
    pub organisation: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// An embedded font could not be subset or re-read; a bug, not bad input.
    #[error("font {face}: {reason}")]
    Font { face: &'static str, reason: String },
    /// printpdf or lopdf refused to write the document.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// The case report as PDF bytes. Same input, same bytes.
pub fn case_report_pdf(report: &CaseReport) -> Result<Vec<u8>, ReportError> {
    case_report::build(report)
}

/// The invoice as PDF bytes. Same input, same bytes.
pub fn invoice_pdf(invoice: &InvoiceDoc) -> Result<Vec<u8>, ReportError> {
    invoice::build(invoice)
}

/// `2026-03-14T10:30:00Z` → "14 Mar 2026, 10:30 UTC": day first and the month in
/// letters, which no reader can misread as month-first.
fn date_time(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

fn date(day: NaiveDate) -> String {
    day.format("%-d %b %Y").to_string()
}

/// A fingerprint of the whole input, for the trailer ID: `Debug` prints every field, so
/// any change to the input changes it.
fn fingerprint(kind: &str, input: &impl std::fmt::Debug) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(kind.as_bytes());
    hasher.update(format!("{input:?}").as_bytes());
    hasher.finalize().into()
}
