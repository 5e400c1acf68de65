//! The use cases of the desktop app: what the Tauri shell and the tests call.
//!
//! It owns the path of a command — signed-in actor → `domain` rules → local store — and
//! who decides it (`Authority`: in-process standalone today, the central server later).
//! It must never contain a rule of the domain (those live in `domain`), SQL (in `store`),
//! or anything about windows and webviews (in `src-tauri`).

pub mod app;
pub mod authority;
pub mod calendar;
pub mod clock;
pub mod documents;
pub mod error;
pub mod live;
pub mod notify;
pub mod payment;
mod review;
pub mod seed;
pub mod sync;
pub mod talk;
pub mod tokens;
mod transfer;
pub mod views;

#[cfg(test)]
mod bindings;

pub use app::{actions, cancel_terms, capabilities, App, AppOptions, DATABASE_FILE};
pub use authority::{Authority, ServerLink};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ApiError, ErrorCode, Result};
pub use payment::PaymentLinkView;
pub use sync::{Attention, SyncError, SyncErrorCode, SyncReport, SyncStatus};
pub use tokens::{Credentials, MemoryTokens, TokenStore};
pub use views::{
    ActionAvailability, CancelTerms, Capabilities, CaseDetail, CaseFilter, CaseInput, CaseSummary,
    CatalogView, InvoiceRow, InvoiceView, RefundView, SavedFile, ServiceRecord, StagedDocument,
    TimelineEntry, UserSummary,
};
