//! The cases a user may see, and the requester's and admin's steps on them: the list,
//! documents, a new case, its draft, submitting, assigning the coordinator, rejecting and
//! cancelling. The case screen each step answers with is `crate::detail`.

use domain::document::{check_document_size, parse_document};
use domain::visibility::can_see;
use domain::{
    CaseCommand, CaseFields, CaseId, DocumentId, DocumentInput, Refusal, RefusalCode, UserId,
};
use store::{blobs, cases};
use uuid::Uuid;

use crate::app::App;
use crate::error::{ApiError, Result};
use crate::views::{CaseDetail, CaseFilter, CaseInput, CaseSummary, StagedDocument};

const SEARCH_MAX: usize = 200;

impl App {
    /// The cases the user may see, filtered, most recently changed first.
    pub async fn list_cases(&self, filter: CaseFilter) -> Result<Vec<CaseSummary>> {
        let actor = self.actor()?;
        let search = filter
            .search
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if search
            .as_ref()
            .is_some_and(|s| s.chars().count() > SEARCH_MAX)
        {
            return Err(Refusal::field(
                RefusalCode::InvalidInput,
                "search",
                format!("Search for at most {SEARCH_MAX} characters."),
            )
            .into());
        }
        let mut conn = self.store().read().await?;
        let query = cases::CaseQuery {
            status: filter.status,
            search,
        };
        Ok(cases::list(&mut conn, &query)
            .await?
            .into_iter()
            .filter(|row| can_see(&row.case, actor))
            .map(|row| CaseSummary {
                id: row.case.id,
                reference: row.case.reference.clone(),
                status: row.case.status,
                patient_name: row.patient_name,
                review_type_name: row.review_type_name,
                disease_category_label: row.disease_category_label,
                coordinator_name: row.coordinator_name,
                created_at: row.case.created_at,
                updated_at: row.case.updated_at,
            })
            .collect())
    }

    /// Puts a file's content in the local content store (once per SHA-256) so that a case
    /// can point at it. Too large or empty files are refused before anything is stored.
    pub async fn stage_document(
        &self,
        name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<StagedDocument> {
        let actor = self.actor()?;
        check_document_size(bytes.len() as u64)?;
        let media_type = match media_type.trim() {
            "" => "application/octet-stream",
            m => m,
        };
        let size_bytes = u32::try_from(bytes.len()).map_err(|_| ApiError::internal())?;
        let input = DocumentInput {
            name: name.to_string(),
            kind: domain::DocumentKind::Other,
            media_type: media_type.to_string(),
            sha256: blobs::sha256_hex(bytes),
            size_bytes,
        };
        // The same checks a document gets when it is attached, before storing a byte.
        let checked = parse_document(DocumentId(Uuid::nil()), &input, actor, self.now())?;
        let mut tx = self.store().begin().await?;
        blobs::put(&mut tx, bytes, self.now()).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(StagedDocument {
            name: checked.name,
            media_type: checked.media_type,
            sha256: checked.sha256,
            size_bytes,
        })
    }

    /// A stored document's content, for the people who may see its case.
    pub async fn document_content(
        &self,
        case_id: CaseId,
        document_id: DocumentId,
    ) -> Result<Vec<u8>> {
        let actor = self.actor()?;
        let mut conn = self.store().read().await?;
        let case = cases::get(&mut conn, case_id)
            .await?
            .filter(|c| can_see(c, actor))
            .ok_or_else(|| ApiError::not_found("Case"))?;
        let attached;
        let doc = match case.documents.iter().find(|d| d.id == document_id) {
            Some(doc) => doc,
            // A chat attachment, for those who may read the case's chat (never an admin).
            None if domain::can_read_chat(&case, actor) => {
                attached = store::chat::list(&mut conn, case_id)
                    .await?
                    .into_iter()
                    .filter_map(|m| m.message.attachment)
                    .find(|d| d.id == document_id)
                    .ok_or_else(|| ApiError::not_found("Document"))?;
                &attached
            }
            None => return Err(ApiError::not_found("Document")),
        };
        blobs::get(&mut conn, &doc.sha256)
            .await?
            .ok_or_else(|| ApiError::not_found("Document"))
    }

    pub async fn create_case(&self, input: CaseInput, submit: bool) -> Result<CaseDetail> {
        let case_id = CaseId(Uuid::now_v7());
        let documents = input
            .documents
            .into_iter()
            .map(|d| (DocumentId(Uuid::now_v7()), d))
            .collect();
        let fields = CaseFields {
            patient_id: input.patient_id,
            review_type_id: input.review_type_id,
            disease_category_id: input.disease_category_id,
            question: input.question,
            clinical_summary: input.clinical_summary,
        };
        self.case_command(CaseCommand::Create {
            case_id,
            fields,
            documents,
            submit,
        })
        .await
    }

    pub async fn update_draft(&self, case_id: CaseId, fields: CaseFields) -> Result<CaseDetail> {
        self.case_command(CaseCommand::UpdateDraft { case_id, fields })
            .await
    }

    pub async fn add_document(
        &self,
        case_id: CaseId,
        document: DocumentInput,
    ) -> Result<CaseDetail> {
        self.case_command(CaseCommand::AddDocument {
            case_id,
            document_id: DocumentId(Uuid::now_v7()),
            document,
        })
        .await
    }

    pub async fn remove_document(
        &self,
        case_id: CaseId,
        document_id: DocumentId,
    ) -> Result<CaseDetail> {
        self.case_command(CaseCommand::RemoveDocument {
            case_id,
            document_id,
        })
        .await
    }

    pub async fn submit_case(&self, case_id: CaseId) -> Result<CaseDetail> {
        self.case_command(CaseCommand::Submit { case_id }).await
    }

    /// Assigns (or, before payment, changes) the coordinator. The command names the
    /// coordinator this desktop shows now, so a change someone else made meanwhile is
    /// refused instead of overridden.
    pub async fn assign_coordinator(
        &self,
        case_id: CaseId,
        coordinator_id: UserId,
    ) -> Result<CaseDetail> {
        let replacing = self.get_case(case_id).await?.coordinator.map(|c| c.id);
        self.case_command(CaseCommand::AssignCoordinator {
            case_id,
            coordinator_id,
            replacing,
        })
        .await
    }

    pub async fn reject_case(&self, case_id: CaseId, reason: String) -> Result<CaseDetail> {
        self.case_command(CaseCommand::Reject { case_id, reason })
            .await
    }

    pub async fn cancel_case(&self, case_id: CaseId, reason: Option<String>) -> Result<CaseDetail> {
        self.case_command(CaseCommand::Cancel { case_id, reason })
            .await
    }
}
