//! `so-server`: the central server. Configuration comes from the environment (see
//! `server::config`); logs are JSON lines on stdout.

use std::process::ExitCode;

use server::config::Config;
use server::mail::Mailer;
use server::{db, demo, AppState};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    server::telemetry::init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the server stopped on an error");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), addr = %config.addr, demo = config.demo, "starting");

    let pool = db::connect(&config.database_url, config.db_max_connections)
        .await
        .map_err(|e| format!("cannot connect to the database (DATABASE_URL): {e}"))?;
    db::migrate(&pool)
        .await
        .map_err(|e| format!("cannot bring the database schema up to date: {e}"))?;
    tracing::info!(
        migrations = db::MIGRATOR.iter().count(),
        "schema up to date"
    );

    if config.demo {
        let created = demo::seed_accounts(&pool).await?;
        if created > 0 {
            tracing::info!(
                accounts = created,
                "demo accounts created (SO_SERVER_DEMO=1)"
            );
        }
    }

    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {} (SO_SERVER_ADDR): {e}", config.addr))?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    let mut state = AppState::new(pool.clone());
    state.refunds.every = config.refund_every;
    if config.refund_every.is_none() {
        tracing::info!("the refund job is off in this instance (SO_REFUND_EVERY_SECONDS=0)");
    }
    state.mail.every = config.mail_every;
    match &config.smtp {
        Some(smtp) => {
            state.mail.mailer = Some(Mailer::new(smtp)?);
            // The SMTP server's name only: never the login, never the From address.
            tracing::info!(host = %smtp.host, port = smtp.port, tls = ?smtp.tls, "e-mail over SMTP");
            if config.mail_every.is_none() {
                tracing::info!("the mail job is off in this instance (SO_MAIL_EVERY_SECONDS=0)");
            }
        }
        None => {
            tracing::info!("e-mail is off (SO_SMTP_HOST is not set): mails are queued, not sent")
        }
    }
    state.jobs.every = config.jobs_every;
    if config.jobs_every.is_none() {
        tracing::info!("the scheduled jobs are off in this instance (SO_JOBS_EVERY_SECONDS=0)");
    }
    server::serve(listener, state, server::shutdown_signal()).await?;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}
