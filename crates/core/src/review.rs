//! The review of a paid case: the coordinator assigns providers, each provider accepts or
//! declines, reviews, may ask for documents or return the case, and submits an opinion; the
//! coordinator writes the final summary. One use case per step, each one `CaseCommand` for
//! the rules in `domain` (like `App::assign_coordinator`), plus the provider's opinion
//! draft, which stays on this computer.
//!
//! The requester's upload that answers a document request is the ordinary `add_document`:
//! the domain has no separate command for it (`CaseCommand::AddDocument` is allowed while
//! doctors are assigned only when a request is open, and the upload closes the open ones).

use domain::decide::{check_draft_fields, check_opinion_draft};
use domain::visibility::can_see;
use domain::{Actor, CaseCommand, CaseId, Command, IssueId, OpinionInput, RequestId, UserId};
use store::{cases, drafts};
use uuid::Uuid;

use crate::app::App;
use crate::error::{ApiError, Result};
use crate::views::CaseDetail;

impl App {
    /// The case's coordinator assigns providers, or adds one in place of a provider who
    /// declined. Each must be mapped to the case's disease category and not on it yet.
    pub async fn assign_providers(
        &self,
        case_id: CaseId,
        provider_ids: Vec<UserId>,
    ) -> Result<CaseDetail> {
        self.case_command(CaseCommand::AssignProviders {
            case_id,
            provider_ids,
        })
        .await
    }

    /// An assigned provider accepts, or declines with a reason (required). Declining
    /// takes the case off the provider's desk — they no longer see it — so there is no case
    /// to answer with then: `None`.
    pub async fn respond_to_assignment(
        &self,
        case_id: CaseId,
        accept: bool,
        reason: Option<String>,
    ) -> Result<Option<CaseDetail>> {
        self.execute(Command::Case(CaseCommand::RespondToAssignment {
            case_id,
            accept,
            reason,
        }))
        .await?;
        if accept {
            self.get_case(case_id).await.map(Some)
        } else {
            Ok(None)
        }
    }

    pub async fn start_review(&self, case_id: CaseId) -> Result<CaseDetail> {
        self.case_command(CaseCommand::StartReview { case_id })
            .await
    }

    /// A reviewing provider asks the requester for more documents; `note` says which.
    pub async fn request_documents(&self, case_id: CaseId, note: String) -> Result<CaseDetail> {
        self.case_command(CaseCommand::RequestDocuments {
            case_id,
            request_id: RequestId(Uuid::now_v7()),
            note,
        })
        .await
    }

    /// A reviewing provider returns the case with an issue; their review waits (`returned`)
    /// until it is resolved.
    pub async fn return_case(&self, case_id: CaseId, reason: String) -> Result<CaseDetail> {
        self.case_command(CaseCommand::ReturnCase {
            case_id,
            issue_id: IssueId(Uuid::now_v7()),
            reason,
        })
        .await
    }

    /// The coordinator (or an admin, or the provider who raised it) resolves a return issue.
    pub async fn resolve_return(&self, case_id: CaseId, issue_id: IssueId) -> Result<CaseDetail> {
        self.case_command(CaseCommand::ResolveReturn { case_id, issue_id })
            .await
    }

    /// A reviewing provider submits their opinion; their draft of it is then forgotten.
    pub async fn submit_opinion(
        &self,
        case_id: CaseId,
        opinion: OpinionInput,
    ) -> Result<CaseDetail> {
        let actor = self.signed_in()?;
        let detail = self
            .case_command(CaseCommand::SubmitOpinion { case_id, opinion })
            .await?;
        // The opinion is in: a draft left behind would only mislead. Failing to delete it
        // must not turn the accepted opinion into an error.
        let deleted = async {
            let mut tx = self.store().begin().await?;
            drafts::delete_opinion(&mut tx, actor.id, case_id).await?;
            tx.commit().await.map_err(store::StoreError::from)
        };
        if let Err(e) = deleted.await {
            tracing::error!(error = %e, "could not delete a submitted opinion's draft");
        }
        Ok(detail)
    }

    /// The case's coordinator completes the case once every provider who did not decline
    /// has submitted an opinion.
    pub async fn submit_final_summary(
        &self,
        case_id: CaseId,
        summary: String,
    ) -> Result<CaseDetail> {
        self.case_command(CaseCommand::SubmitFinalSummary { case_id, summary })
            .await
    }

    // ----- opinion drafts (this computer only) ----------------------------------------

    /// Keeps what the provider has written so far, on this computer only (never synced), so
    /// it survives going offline and closing the app. Only a provider whose review is
    /// under way (in progress, or returned) keeps a draft; each field is bounded as the
    /// opinion will be.
    pub async fn save_opinion_draft(&self, case_id: CaseId, draft: OpinionInput) -> Result<()> {
        let actor = self.signed_in()?;
        let mut tx = self.store().begin().await?;
        let case = cases::get(&mut tx, case_id).await?;
        check_opinion_draft(case.as_ref(), actor)?;
        check_draft_fields(&draft)?;
        drafts::save_opinion(&mut tx, actor.id, case_id, &draft, self.now()).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(())
    }

    /// The signed-in provider's draft opinion on the case, if they saved one.
    pub async fn opinion_draft(&self, case_id: CaseId) -> Result<Option<OpinionInput>> {
        let actor = self.signed_in()?;
        let mut conn = self.store().read().await?;
        cases::get(&mut conn, case_id)
            .await?
            .filter(|c| can_see(c, actor))
            .ok_or_else(|| ApiError::not_found("Case"))?;
        Ok(drafts::opinion(&mut conn, actor.id, case_id)
            .await?
            .map(|d| d.draft))
    }

    fn signed_in(&self) -> Result<Actor> {
        self.current_actor().ok_or_else(ApiError::not_signed_in)
    }
}
