//! The running desktop: its store, who decides commands, the clock and who is signed in,
//! and the one way every change goes (`App::execute`). The use cases are grouped by topic
//! in the modules above this one (`open`, `session`, `patients`, `cases`, `detail`,
//! `review`, `talk`, `payment`, `documents`, `notify`, `sync`, ...), each an `impl App`;
//! this file imports none of them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use domain::{Actor, CaseCommand, Catalog, Command, CommandId};
use store::{catalog, Store};
use uuid::Uuid;

use crate::authority::Authority;
use crate::clock::{Clock, SystemClock};
use crate::error::{ApiError, Result};
use crate::notices::{Desktop, DesktopNotifier, OsNotifier};
use crate::remote::SyncRuntime;
use crate::tokens::TokenStore;

/// The file the local store lives in, inside the data directory.
pub const DATABASE_FILE: &str = "second-opinion.sqlite3";

pub struct App {
    pub(crate) store: Store,
    /// Where the store lives; the PDFs opened for reading go under it (`reports/`).
    data_dir: PathBuf,
    authority: RwLock<Authority>,
    clock: Arc<dyn Clock>,
    session: Mutex<Option<Actor>>,
    tokens: TokenStore,
    sync: SyncRuntime,
    desktop: Desktop,
}

/// How to build an `App`: the clock, where the server session is kept, and how desktop
/// notifications are shown.
#[derive(Clone)]
pub struct AppOptions {
    pub clock: Arc<dyn Clock>,
    pub tokens: TokenStore,
    pub notifier: Arc<dyn DesktopNotifier>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            clock: Arc::new(SystemClock),
            tokens: TokenStore::Keyring,
            notifier: Arc::new(OsNotifier),
        }
    }
}

impl App {
    /// A desktop on an opened store, signed out (`crate::open` opens one).
    pub(crate) fn new(
        store: Store,
        data_dir: &Path,
        authority: Authority,
        options: AppOptions,
    ) -> App {
        App {
            store,
            data_dir: data_dir.to_path_buf(),
            authority: RwLock::new(authority),
            clock: options.clock,
            session: Mutex::new(None),
            tokens: options.tokens,
            sync: SyncRuntime::new(),
            desktop: Desktop::new(options.notifier),
        }
    }

    /// The local store, for tests and diagnostics.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The data directory the app was opened on.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Who decides commands now.
    pub fn authority(&self) -> Authority {
        self.authority
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set_authority(&self, authority: Authority) {
        *self.authority.write().unwrap_or_else(|e| e.into_inner()) = authority;
        self.sync.session_changed();
    }

    pub(crate) fn tokens(&self) -> &TokenStore {
        &self.tokens
    }

    pub(crate) fn sync_runtime(&self) -> &SyncRuntime {
        &self.sync
    }

    pub(crate) fn desktop(&self) -> &Desktop {
        &self.desktop
    }

    pub(crate) fn current_actor(&self) -> Option<Actor> {
        *self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn actor(&self) -> Result<Actor> {
        self.session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .ok_or_else(ApiError::not_signed_in)
    }

    pub(crate) fn set_session(&self, actor: Option<Actor>) {
        *self.session.lock().unwrap_or_else(|e| e.into_inner()) = actor;
        self.sync.session_changed();
    }

    pub(crate) async fn catalog(&self) -> Result<Catalog> {
        let mut conn = self.store.read().await?;
        Ok(catalog::load(&mut conn).await?)
    }

    /// Hands a command to the authority as the signed-in user. Every change goes here.
    pub async fn execute(&self, command: Command) -> Result<CommandId> {
        let actor = self.actor()?;
        self.execute_at(actor, command, self.clock.now()).await
    }

    /// Seeding and (later) scheduled jobs act as a given actor at a given time.
    pub(crate) async fn execute_at(
        &self,
        actor: Actor,
        command: Command,
        at: DateTime<Utc>,
    ) -> Result<CommandId> {
        let command_id = CommandId(Uuid::now_v7());
        let authority = self.authority();
        authority
            .apply(&self.store, actor, command_id, &command, at)
            .await?;
        if matches!(authority, Authority::Server(_)) {
            // A command waits to be pushed: wake the background sync.
            self.sync.wake.notify_one();
        } else if matches!(command, Command::Case(CaseCommand::Cancel { .. })) {
            // A paid case cancelled standalone owes a refund: the refund task tries at once.
            self.sync.refunds.notify_one();
        }
        Ok(command_id)
    }
}

pub(crate) fn corrupt() -> ApiError {
    tracing::error!("a case refers to a record the store does not have");
    ApiError::internal()
}
