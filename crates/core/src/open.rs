//! Opening the app on a data directory: the store, who decides (standalone or a server),
//! and then either the demo data (an empty standalone store) or the saved server session.

use std::path::Path;
use std::sync::Arc;

use store::{catalog, meta, Store};

use crate::app::{App, AppOptions, DATABASE_FILE};
use crate::authority::Authority;
use crate::clock::{Clock, SystemClock};
use crate::error::{ApiError, Result};
use crate::remote::{ServerLink, SERVER_URL};
use crate::seed;

impl App {
    /// Opens the app on `data_dir` with the computer's clock; an empty store gets the
    /// demo data.
    pub async fn open(data_dir: &Path) -> Result<App> {
        App::open_with_clock(data_dir, Arc::new(SystemClock)).await
    }

    pub async fn open_with_clock(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<App> {
        App::open_with(
            data_dir,
            AppOptions {
                clock,
                ..AppOptions::default()
            },
        )
        .await
    }

    /// Opens the app on `data_dir`. Standalone (no server configured) an empty store gets
    /// the demo data; connected to a server, the session is restored from the token store
    /// and the data comes from the server.
    pub async fn open_with(data_dir: &Path, options: AppOptions) -> Result<App> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            tracing::error!(error = %e, "cannot create the data directory");
            ApiError::internal()
        })?;
        let store = Store::open(&data_dir.join(DATABASE_FILE)).await?;
        let mut conn = store.read().await?;
        let authority = match meta::get(&mut conn, SERVER_URL).await? {
            Some(url) => Authority::Server(ServerLink { url }),
            None => Authority::Standalone,
        };
        let empty = catalog::is_empty(&mut conn).await?;
        drop(conn);
        let app = App::new(store, data_dir, authority, options);
        match app.authority() {
            Authority::Standalone if empty => seed::demo(&app).await?,
            Authority::Standalone => {}
            Authority::Server(_) => {
                // Without the keyring the app still opens, signed out.
                if let Err(e) = app.restore_session().await {
                    tracing::warn!(error = %e, "could not restore the server session");
                }
            }
        }
        Ok(app)
    }
}
