//! A case's papers, made on this computer: the report of a completed case and its invoice
//! as PDF (laid out by the `report` crate), saved where the user chose or under the data
//! directory for a viewer to open; and the lists behind them: a requester's (or an
//! admin's) invoices, a provider's service records.
//!
//! Who may have which paper is decided by `domain` (`check_report`, `check_invoice`,
//! `can_see_billing`); this module reads the case and fills the `report` crate's model. A
//! PDF is built from the case alone, with its own dates and never the clock, so the same
//! case always gives the same bytes.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use domain::decide::{check_invoice, check_report};
use domain::visibility::{can_read_opinion, can_see, can_see_billing};
use domain::{
    Actor, AssignmentStatus, Case, CaseId, Catalog, DocumentKind, Patient, Refusal, Role, Sex,
};
use report::{
    BilledTo, CaseReport, DocumentLine, InvoiceDoc, OpinionBlock, PatientBlock, ReportError,
    SummaryBlock,
};
use store::{cases, patients};

use crate::app::{corrupt, App};
use crate::error::{ApiError, ErrorCode, Result};
use crate::views::{provider_summary, InvoiceRow, ServiceRecord};

/// The service's name, printed in every page's header.
pub const SERVICE_NAME: &str = "Second Opinion";

/// The folder, under the data directory, that PDFs opened for reading are written to.
pub const REPORTS_DIR: &str = "reports";

/// A PDF and the name to save it under.
struct PdfFile {
    file_name: String,
    bytes: Vec<u8>,
}

impl App {
    // ----- the case report ---------------------------------------------------------------

    /// What the report of a completed case shows, for its requester, its coordinator and
    /// admins (`domain::decide::check_report`): a provider gets `forbidden`, someone who
    /// does not see the case `not_found`, a case not completed yet `invalid_status`.
    pub async fn case_report_model(&self, case_id: CaseId) -> Result<CaseReport> {
        let actor = self.actor()?;
        let catalog = self.catalog().await?;
        let mut conn = self.store().read().await?;
        let case = cases::get(&mut conn, case_id).await?;
        let case = check_report(case.as_ref(), actor)?;
        let patient = patients::get(&mut conn, case.patient_id)
            .await?
            .ok_or_else(corrupt)?;
        report_model(case, &patient, &catalog, actor)
    }

    /// The report of a completed case as PDF bytes: the same case gives the same bytes.
    pub async fn case_report_pdf(&self, case_id: CaseId) -> Result<Vec<u8>> {
        Ok(self.case_report_file(case_id).await?.bytes)
    }

    /// Writes the case report to `path`, the place the user chose in a Save dialog.
    pub async fn save_case_report(&self, case_id: CaseId, path: &Path) -> Result<()> {
        let file = self.case_report_file(case_id).await?;
        write_chosen(path, &file.bytes).await
    }

    /// Writes the case report under the data directory (`reports/SO-2026-00001-report.pdf`)
    /// for a viewer to open, and says where.
    pub async fn export_case_report(&self, case_id: CaseId) -> Result<PathBuf> {
        let file = self.case_report_file(case_id).await?;
        self.write_for_reading(&file).await
    }

    async fn case_report_file(&self, case_id: CaseId) -> Result<PdfFile> {
        let model = self.case_report_model(case_id).await?;
        let file_name = format!("{}-report.pdf", file_stem(&model.case_reference, case_id));
        let bytes = render(model, report::case_report_pdf).await?;
        Ok(PdfFile { file_name, bytes })
    }

    // ----- the invoice -------------------------------------------------------------------

    /// What a case's invoice shows, for its requester and admins
    /// (`domain::decide::check_invoice`): someone who does not see the case gets
    /// `not_found`, someone who sees it but not its billing `forbidden`, a case not invoiced
    /// yet `invalid_status`.
    pub async fn invoice_model(&self, case_id: CaseId) -> Result<InvoiceDoc> {
        let actor = self.actor()?;
        let catalog = self.catalog().await?;
        let mut conn = self.store().read().await?;
        let case = cases::get(&mut conn, case_id).await?;
        let (case, invoice) = check_invoice(case.as_ref(), actor)?;
        let patient = patients::get(&mut conn, case.patient_id)
            .await?
            .ok_or_else(corrupt)?;
        let review_type = catalog
            .review_type(case.review_type_id)
            .ok_or_else(corrupt)?;
        Ok(InvoiceDoc {
            service_name: SERVICE_NAME.into(),
            number: invoice.number.clone(),
            issued_at: invoice.issued_at,
            billed_to: BilledTo {
                name: catalog.name_of(case.requester_id),
                organisation: None,
            },
            case_reference: reference(case),
            patient_name: patient.full_name.clone(),
            description: review_type.name_en.clone(),
            amount_minor: invoice.amount_minor,
            currency: invoice.currency.clone(),
            payment_reference: invoice
                .payment_reference
                .clone()
                .unwrap_or_else(|| "Not recorded".into()),
        })
    }

    /// The invoice as PDF bytes: the same invoice gives the same bytes.
    pub async fn invoice_pdf(&self, case_id: CaseId) -> Result<Vec<u8>> {
        Ok(self.invoice_file(case_id).await?.bytes)
    }

    /// Writes the invoice to `path`, the place the user chose in a Save dialog.
    pub async fn save_invoice(&self, case_id: CaseId, path: &Path) -> Result<()> {
        let file = self.invoice_file(case_id).await?;
        write_chosen(path, &file.bytes).await
    }

    /// Writes the invoice under the data directory (`reports/INV-2026-00001.pdf`) for a
    /// viewer to open, and says where.
    pub async fn export_invoice(&self, case_id: CaseId) -> Result<PathBuf> {
        let file = self.invoice_file(case_id).await?;
        self.write_for_reading(&file).await
    }

    async fn invoice_file(&self, case_id: CaseId) -> Result<PdfFile> {
        let model = self.invoice_model(case_id).await?;
        let file_name = format!("{}.pdf", file_stem(&model.number, case_id));
        let bytes = render(model, report::invoice_pdf).await?;
        Ok(PdfFile { file_name, bytes })
    }

    // ----- the lists -----------------------------------------------------------------------

    /// The invoices the user sees: a requester those of their own cases, an admin every
    /// one; newest first. Coordinators and providers see no billing (`forbidden`).
    pub async fn list_invoices(&self) -> Result<Vec<InvoiceRow>> {
        let actor = self.actor()?;
        check_invoices(actor)?;
        let mut conn = self.store().read().await?;
        let mut rows: Vec<InvoiceRow> = cases::billed(&mut conn, actor)
            .await?
            .into_iter()
            .filter(|(case, _)| can_see(case, actor) && can_see_billing(case, actor))
            .filter_map(|(case, patient_name)| {
                let invoice = case.invoice.as_ref()?;
                Some(InvoiceRow {
                    number: invoice.number.clone(),
                    case_id: case.id,
                    case_reference: case.reference.clone(),
                    patient_name,
                    amount_minor: invoice.amount_minor,
                    currency: invoice.currency.clone(),
                    amount: domain::money::format(invoice.amount_minor, &invoice.currency),
                    issued_at: invoice.issued_at,
                    payment_reference: invoice.payment_reference.clone(),
                })
            })
            .collect();
        rows.sort_by(|a, b| (b.issued_at, &b.number).cmp(&(a.issued_at, &a.number)));
        Ok(rows)
    }

    /// A provider's service records: the completed cases they gave an opinion on, most
    /// recently completed first; no money and nothing of the other specialists' work.
    /// Only providers have them (`forbidden` for the other roles).
    pub async fn service_records(&self) -> Result<Vec<ServiceRecord>> {
        let actor = self.actor()?;
        check_service_records(actor)?;
        let mut conn = self.store().read().await?;
        let mut records: Vec<ServiceRecord> = cases::served(&mut conn, actor.id)
            .await?
            .into_iter()
            .filter(|(case, _, _)| can_see(case, actor))
            .filter_map(|(case, review_type_name, disease_category_label)| {
                let mine = case.assignment(actor.id)?;
                let opinion = mine.opinion.as_ref()?;
                (mine.status == AssignmentStatus::Done).then(|| ServiceRecord {
                    case_id: case.id,
                    case_reference: case.reference.clone(),
                    review_type_name,
                    disease_category_label,
                    opinion_submitted_at: opinion.submitted_at,
                    completed_at: case.completed_at.unwrap_or(case.updated_at),
                })
            })
            .collect();
        records.sort_by(|a, b| {
            (b.completed_at, b.case_id.as_uuid()).cmp(&(a.completed_at, a.case_id.as_uuid()))
        });
        Ok(records)
    }

    // ----- files -----------------------------------------------------------------------------

    /// Writes `file` into the data directory's `reports/`, replacing an older copy (the
    /// same case gives the same bytes, so nothing is lost).
    async fn write_for_reading(&self, file: &PdfFile) -> Result<PathBuf> {
        let dir = self.data_dir().join(REPORTS_DIR);
        let path = dir.join(&file.file_name);
        let written = async {
            tokio::fs::create_dir_all(&dir).await?;
            tokio::fs::write(&path, &file.bytes).await
        };
        written.await.map_err(|e| {
            tracing::error!(kind = %e.kind(), "a PDF could not be written to the data directory");
            ApiError::internal()
        })?;
        Ok(path)
    }

    /// Deletes the PDFs written for reading: they hold the server's data, which leaves this
    /// computer when it disconnects.
    pub(crate) async fn forget_exported(&self) {
        match tokio::fs::remove_dir_all(self.data_dir().join(REPORTS_DIR)).await {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(kind = %e.kind(), "could not delete the PDFs written for reading")
            }
        }
    }
}

/// Lays out a PDF off the async threads (tens of milliseconds of CPU).
async fn render<T: Send + 'static>(
    model: T,
    build: fn(&T) -> Result<Vec<u8>, ReportError>,
) -> Result<Vec<u8>> {
    let built = tokio::task::spawn_blocking(move || build(&model))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "the PDF task did not finish");
            ApiError::internal()
        })?;
    built.map_err(|e| {
        // The error names a font or the writer, never the document's text.
        tracing::error!(error = %e, "a PDF could not be made");
        ApiError::internal()
    })
}

/// Writes `bytes` where the user chose. The place is theirs, so what went wrong is said in
/// words (and logged without the path).
async fn write_chosen(path: &Path, bytes: &[u8]) -> Result<()> {
    let chosen = |message: String| ApiError {
        code: ErrorCode::InvalidInput,
        message,
        field: Some("path".into()),
    };
    if !path.is_absolute() || path.file_name().is_none() {
        return Err(chosen("Choose a folder and a file name to save to.".into()));
    }
    tokio::fs::write(path, bytes).await.map_err(|e| {
        tracing::warn!(kind = %e.kind(), "a PDF could not be saved where the user chose");
        chosen(format!(
            "The file could not be saved there: {}. Choose another folder or name.",
            why(e.kind())
        ))
    })
}

fn why(kind: ErrorKind) -> String {
    match kind {
        ErrorKind::PermissionDenied => "you may not write in that folder".into(),
        ErrorKind::NotFound => "that folder does not exist".into(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".into(),
        ErrorKind::StorageFull => "the disk is full".into(),
        ErrorKind::IsADirectory => "that is a folder".into(),
        other => other.to_string(),
    }
}

/// The report's model from the case as `actor` may read it.
fn report_model(
    case: &Case,
    patient: &Patient,
    catalog: &Catalog,
    actor: Actor,
) -> Result<CaseReport> {
    let review_type = catalog
        .review_type(case.review_type_id)
        .ok_or_else(corrupt)?;
    let category = catalog
        .disease_category(case.disease_category_id)
        .ok_or_else(corrupt)?;
    // A completed case has its completion time; the report is dated by it, so that a
    // rebuild is byte-identical.
    let completed_at = case.completed_at.ok_or_else(corrupt)?;
    let opinions = case
        .assignments
        .iter()
        .filter(|a| can_read_opinion(case, actor, a.provider_id))
        .filter_map(|a| {
            let opinion = a.opinion.as_ref()?;
            let provider = provider_summary(catalog, a.provider_id);
            Some(OpinionBlock {
                provider_name: provider.name,
                specialty: if provider.specialties.is_empty() {
                    "Specialist".into()
                } else {
                    provider.specialties.join(", ")
                },
                submitted_at: opinion.submitted_at,
                assessment: opinion.assessment.clone(),
                diagnosis: opinion.diagnosis.clone(),
                recommendations: opinion.recommendations.clone(),
                answers: opinion.answers.clone(),
                references: opinion.references.clone(),
            })
        })
        .collect();
    let final_summary = case.final_summary.as_ref().map(|text| SummaryBlock {
        coordinator_name: case
            .coordinator()
            .map_or_else(|| "The coordinator".into(), |id| catalog.name_of(id)),
        submitted_at: completed_at,
        text: text.clone(),
    });
    Ok(CaseReport {
        service_name: SERVICE_NAME.into(),
        case_reference: reference(case),
        patient: PatientBlock {
            full_name: patient.full_name.clone(),
            date_of_birth: patient.date_of_birth,
            sex: sex_label(patient.sex).into(),
            medical_record_number: patient.medical_record_number.clone(),
        },
        review_type: with_arabic(&review_type.name_en, &review_type.name_ar),
        disease_category: with_arabic(&category.label_en, &category.label_ar),
        question: case.question.clone(),
        clinical_summary: case.clinical_summary.clone(),
        documents: case
            .documents
            .iter()
            .map(|d| DocumentLine {
                name: d.name.clone(),
                kind: kind_label(d.kind).into(),
                size_bytes: u64::from(d.size_bytes),
                added_at: d.uploaded_at,
            })
            .collect(),
        opinions,
        final_summary,
        submitted_at: case.submitted_at.unwrap_or(case.created_at),
        completed_at: Some(completed_at),
        generated_at: completed_at,
    })
}

fn reference(case: &Case) -> String {
    case.reference
        .clone()
        .unwrap_or_else(|| "No reference yet".into())
}

/// "Coronary artery disease (مرض الشريان التاجي)": the English name, and the Arabic one
/// as the case screen shows it too.
fn with_arabic(english: &str, arabic: &str) -> String {
    match arabic.trim() {
        "" => english.to_string(),
        arabic => format!("{english} ({arabic})"),
    }
}

/// A file name made of the reference's letters, digits and dashes only, so no reference
/// can reach outside the folder; the case id when nothing is left.
fn file_stem(reference: &str, case_id: CaseId) -> String {
    let safe: String = reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if safe.trim_matches('-').is_empty() {
        format!("case-{case_id}")
    } else {
        safe
    }
}

fn sex_label(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "Female",
        Sex::Male => "Male",
    }
}

fn kind_label(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::MedicalReport => "Medical report",
        DocumentKind::Imaging => "Imaging",
        DocumentKind::LabResult => "Lab result",
        DocumentKind::Prescription => "Prescription",
        DocumentKind::Other => "Other",
    }
}

/// Who has an Invoices list: requesters (their own cases') and admins. Coordinators and
/// providers see no billing.
pub(crate) fn check_invoices(actor: Actor) -> std::result::Result<(), Refusal> {
    match actor.role {
        Role::Requester | Role::Admin => Ok(()),
        Role::Coordinator | Role::Provider | Role::System => Err(Refusal::forbidden(
            "Invoices are for the cases' requesters and admins.",
        )),
    }
}

/// Who has service records: providers, of their own completed reviews.
pub(crate) fn check_service_records(actor: Actor) -> std::result::Result<(), Refusal> {
    match actor.role {
        Role::Provider => Ok(()),
        Role::Requester | Role::Coordinator | Role::Admin | Role::System => {
            Err(Refusal::forbidden(
                "Service records are a provider's record of their own completed reviews.",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn file_names_keep_only_safe_characters() {
        let id = CaseId(Uuid::nil());
        assert_eq!(file_stem("SO-2026-00001", id), "SO-2026-00001");
        assert_eq!(file_stem("INV-2026-00007", id), "INV-2026-00007");
        assert_eq!(
            file_stem("../../etc/passwd", id),
            "etcpasswd",
            "no separator or dot survives"
        );
        assert_eq!(file_stem("—", id), format!("case-{id}"));
    }

    #[test]
    fn labels_keep_the_arabic_name_when_there_is_one() {
        assert_eq!(
            with_arabic("Arrhythmia", "اضطراب النظم"),
            "Arrhythmia (اضطراب النظم)"
        );
        assert_eq!(with_arabic("Arrhythmia", "  "), "Arrhythmia");
    }
}
