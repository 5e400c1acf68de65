//! Why a command was refused: a stable code the UI switches on, and a message for people.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The thing does not exist, or the actor may not see it (never tell which).
    NotFound,
    /// The actor sees the case but their role may not do this.
    Forbidden,
    /// The case (or assignment) is not in a status that allows this.
    InvalidStatus,
    /// An input is empty, too long or malformed; `field` names it.
    InvalidInput,
    /// A reason is required here.
    ReasonRequired,
    /// Submitting needs at least one document.
    DocumentsRequired,
    /// The chosen coordinator or provider is not eligible.
    NotEligible,
    UnknownReviewType,
    UnknownDiseaseCategory,
    /// A document over the size limit.
    TooLarge,
    /// The thing already exists, or the change changes nothing.
    Conflict,
}

impl RefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::NotFound => "not_found",
            RefusalCode::Forbidden => "forbidden",
            RefusalCode::InvalidStatus => "invalid_status",
            RefusalCode::InvalidInput => "invalid_input",
            RefusalCode::ReasonRequired => "reason_required",
            RefusalCode::DocumentsRequired => "documents_required",
            RefusalCode::NotEligible => "not_eligible",
            RefusalCode::UnknownReviewType => "unknown_review_type",
            RefusalCode::UnknownDiseaseCategory => "unknown_disease_category",
            RefusalCode::TooLarge => "too_large",
            RefusalCode::Conflict => "conflict",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    pub code: RefusalCode,
    pub message: String,
    /// The input that was wrong, when one was.
    #[serde(default)]
    pub field: Option<String>,
}

impl Refusal {
    pub fn new(code: RefusalCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn field(code: RefusalCode, field: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: Some(field.to_string()),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(RefusalCode::NotFound, format!("{what} not found."))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(RefusalCode::Forbidden, message)
    }

    pub fn invalid_status(message: impl Into<String>) -> Self {
        Self::new(RefusalCode::InvalidStatus, message)
    }
}
