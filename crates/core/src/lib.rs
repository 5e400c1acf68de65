//! The use cases of the desktop app: what the Tauri shell and the tests call.
//!
//! It owns the path of a command — signed-in actor → `domain` rules → local store — and
//! who decides it (`Authority`: in-process standalone today, the central server later).
//! It must never contain a rule of the domain (those live in `domain`), SQL (in `store`),
//! or anything about windows and webviews (in `src-tauri`).

// The ground floor: what `App` is made of. None of these imports a module above it.
pub mod clock;
mod days;
pub mod error;
pub mod notices;
mod remote;
pub mod tokens;
pub mod views;

pub mod authority;

// The running desktop, and its use cases grouped by topic (each an `impl App`), from the
// ones others build on to the ones nothing calls back.
pub mod app;
mod detail;

pub mod calendar;
mod cases;
mod config;
pub mod documents;
pub mod live;
pub mod notify;
mod open;
mod patients;
pub mod payment;
mod review;
pub mod seed;
mod session;
pub mod sync;
mod talk;
mod transfer;

#[cfg(test)]
mod bindings;

pub use app::{App, AppOptions, DATABASE_FILE};
pub use authority::Authority;
pub use cases::CASE_PAGE_SIZE;
pub use clock::{Clock, ManualClock, SystemClock};
pub use detail::{actions, cancel_terms};
pub use error::{ApiError, ErrorCode, Result};
pub use error::{SyncError, SyncErrorCode};
pub use notices::{DesktopNotifier, OsNotifier};
pub use payment::PaymentLinkView;
pub use remote::ServerLink;
pub use session::capabilities;
pub use sync::{Attention, SyncReport, SyncStatus};
pub use tokens::{Credentials, MemoryTokens, TokenStore};
pub use views::{
    ActionAvailability, CancelTerms, Capabilities, CaseDetail, CaseFilter, CaseInput,
    CaseListQuery, CasePage, CaseSummary, CatalogView, ConfigurationView, InvoiceRow, InvoiceView,
    RefundView, SavedFile, ServiceRecord, StagedDocument, TimelineEntry, UserSummary,
};
