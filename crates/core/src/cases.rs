//! The cases a user may see, and the requester's and admin's steps on them: the list,
//! documents, a new case, its draft, submitting, assigning the coordinator, rejecting and
//! cancelling. The case screen each step answers with is `crate::detail`.

use chrono::{DateTime, Utc};
use domain::document::{check_document_size, parse_document};
use domain::visibility::can_see;
use domain::{
    CaseCommand, CaseFields, CaseId, DocumentId, DocumentInput, Refusal, RefusalCode, UserId,
};
use serde::{Deserialize, Serialize};
use store::{blobs, cases};
use uuid::Uuid;

use crate::app::App;
use crate::days::{day_start, parse_day, parse_zone};
use crate::error::{ApiError, Result};
use crate::views::{
    CaseDetail, CaseFilter, CaseInput, CaseListQuery, CasePage, CaseSummary, StagedDocument,
};

const SEARCH_MAX: usize = 200;

/// The rows of a page of the case list.
pub const CASE_PAGE_SIZE: u32 = 50;

/// The search text, trimmed; `invalid_input` on `search` when too long.
fn parse_search(search: Option<String>) -> Result<Option<String>> {
    let search = search
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
    Ok(search)
}

fn invalid(field: &str, message: &str) -> ApiError {
    Refusal::field(RefusalCode::InvalidInput, field, message).into()
}

fn summary(row: cases::Summary) -> CaseSummary {
    CaseSummary {
        id: row.id,
        reference: row.reference,
        status: row.status,
        patient_name: row.patient_name,
        review_type_name: row.review_type_name,
        disease_category_label: row.disease_category_label,
        coordinator_name: row.coordinator_name,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Where the next page starts, as the UI holds it: opaque (hex of a small JSON), bound to
/// the order it was made for.
#[derive(Serialize, Deserialize)]
struct Cursor {
    sort: String,
    direction: String,
    key: String,
    id: CaseId,
}

impl Cursor {
    fn encode(&self) -> String {
        hex::encode(serde_json::to_vec(self).unwrap_or_default())
    }

    fn decode(text: &str, sort: &str, direction: &str) -> Result<cases::After> {
        let bad = || invalid("cursor", "The cursor is not one this list gave.");
        let bytes = hex::decode(text.trim()).map_err(|_| bad())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if cursor.sort != sort || cursor.direction != direction {
            return Err(invalid(
                "cursor",
                "The cursor belongs to another order of the list: start from the first page.",
            ));
        }
        Ok(cases::After {
            key: cursor.key,
            id: cursor.id,
        })
    }
}

/// From (inclusive) and before (exclusive), each open when `None`.
type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// `[from, to]` days of `field_from`/`field_to` as instants `[start, end)` in `zone`.
fn day_range(
    (field_from, from): (&str, Option<&str>),
    (field_to, to): (&str, Option<&str>),
    zone: chrono_tz::Tz,
) -> Result<Span> {
    let from = parse_day(field_from, from)?;
    let to = parse_day(field_to, to)?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(invalid(field_to, "The last day is before the first."));
        }
    }
    Ok((
        from.map(|d| day_start(zone, d)),
        to.and_then(|d| d.succ_opt()).map(|d| day_start(zone, d)),
    ))
}

impl App {
    /// The cases the user may see, filtered, most recently changed first. Every one of
    /// them: the paged list is [`App::case_page`].
    pub async fn list_cases(&self, filter: CaseFilter) -> Result<Vec<CaseSummary>> {
        let actor = self.actor()?;
        let query = cases::PageQuery {
            filter: cases::CaseQuery {
                status: filter.status,
                search: parse_search(filter.search)?,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut conn = self.store().read().await?;
        Ok(cases::page(&mut conn, actor, &query)
            .await?
            .into_iter()
            .map(summary)
            .collect())
    }

    /// One page of the cases the user may see ([`CASE_PAGE_SIZE`] rows), filtered and
    /// sorted, with how many match; `nextCursor` asks for the page after it (keyset: every
    /// page costs the same, however far into the list). Bad input is `invalid_input` with
    /// its `field`.
    pub async fn case_page(&self, query: CaseListQuery) -> Result<CasePage> {
        let actor = self.actor()?;
        let sort_name = query.sort.as_deref().map(str::trim).unwrap_or("updated");
        let sort = match sort_name {
            "updated" => cases::Sort::Updated,
            "created" => cases::Sort::Created,
            "reference" => cases::Sort::Reference,
            "patientName" => cases::Sort::PatientName,
            _ => {
                return Err(invalid(
                    "sort",
                    "Sort by updated, created, reference or patientName.",
                ))
            }
        };
        let direction_name = match query.direction.as_deref().map(str::trim) {
            Some(d) => d,
            None => match sort {
                cases::Sort::Updated | cases::Sort::Created => "desc",
                cases::Sort::Reference | cases::Sort::PatientName => "asc",
            },
        };
        let direction = match direction_name {
            "asc" => cases::Direction::Asc,
            "desc" => cases::Direction::Desc,
            _ => return Err(invalid("direction", "The direction is asc or desc.")),
        };
        let after = match query.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(text) => Some(Cursor::decode(text, sort_name, direction_name)?),
            None => None,
        };
        let any_day = [
            &query.created_from,
            &query.created_to,
            &query.updated_from,
            &query.updated_to,
        ]
        .iter()
        .any(|d| d.as_deref().is_some_and(|d| !d.trim().is_empty()));
        // The zone matters only for dates: a list without them never fails on it.
        let zone = if any_day {
            parse_zone(query.time_zone.as_deref())?
        } else {
            chrono_tz::UTC
        };
        let (created_from, created_before) = day_range(
            ("createdFrom", query.created_from.as_deref()),
            ("createdTo", query.created_to.as_deref()),
            zone,
        )?;
        let (updated_from, updated_before) = day_range(
            ("updatedFrom", query.updated_from.as_deref()),
            ("updatedTo", query.updated_to.as_deref()),
            zone,
        )?;
        let filter = cases::CaseQuery {
            status: query.status,
            review_type: query.review_type_id,
            disease_category: query.disease_category_id,
            coordinator: query.coordinator_id,
            provider: query.provider_id,
            created_from,
            created_before,
            updated_from,
            updated_before,
            overdue_at: query.overdue.then(|| self.now()),
            search: parse_search(query.search)?,
        };
        let page = cases::PageQuery {
            filter,
            sort,
            direction,
            after,
            // One more than a page: whether there is a next one.
            limit: Some(CASE_PAGE_SIZE + 1),
        };
        let mut conn = self.store().read().await?;
        let mut rows = cases::page(&mut conn, actor, &page).await?;
        let total = cases::count_visible(&mut conn, actor, &page.filter).await?;
        let next_cursor = if rows.len() > CASE_PAGE_SIZE as usize {
            rows.truncate(CASE_PAGE_SIZE as usize);
            rows.last().map(|last| {
                Cursor {
                    sort: sort_name.to_string(),
                    direction: direction_name.to_string(),
                    key: last.key.clone(),
                    id: last.id,
                }
                .encode()
            })
        } else {
            None
        };
        Ok(CasePage {
            rows: rows.into_iter().map(summary).collect(),
            total: u32::try_from(total).unwrap_or(u32::MAX),
            next_cursor,
        })
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
