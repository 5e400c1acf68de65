//! `so-server`: the central server. With no arguments it serves; configuration comes from
//! the environment (see `server::config`); logs are JSON lines on stdout.
//! `so-server admin create --email … --name …` makes an admin (`server::cli`).

use std::process::ExitCode;

use clap::Parser;
use server::accounts::Account;
use server::cli::{self, AdminCommand, Cli, Command};
use server::config::{Config, PaymentProvider};
use server::mail::Mailer;
use server::payments::Payments;
use server::{db, demo, AppState};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    // A usage error exits here, with clap's message and status 2.
    let cli = Cli::parse();
    match cli.command {
        None => serve().await,
        Some(Command::Admin {
            action: AdminCommand::Create { email, name },
        }) => admin_create(&email, &name).await,
    }
}

async fn serve() -> ExitCode {
    server::telemetry::init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the server stopped on an error");
            ExitCode::FAILURE
        }
    }
}

/// `so-server admin create`: messages for the operator on stderr (no JSON log), the
/// account made on stdout.
async fn admin_create(email: &str, name: &str) -> ExitCode {
    match create_admin(email, name).await {
        Ok(account) => {
            println!(
                "Created the admin {} <{}> (id {}): they can sign in now.",
                account.name, account.email, account.id
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("so-server admin create: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn create_admin(email: &str, name: &str) -> Result<Account, Box<dyn std::error::Error>> {
    // The fields first, then the database, then the password: nobody types a password
    // for an account that cannot be made.
    let new = cli::parse_admin(email, name)?;
    let config = Config::from_env()?;
    let pool = db::connect(&config.database_url, 2)
        .await
        .map_err(|e| format!("cannot connect to the database (DATABASE_URL): {e}"))?;
    db::migrate(&pool)
        .await
        .map_err(|e| format!("cannot bring the database schema up to date: {e}"))?;
    cli::ensure_free(&pool, &new.email).await?;
    let password = cli::read_password(&new.email)?;
    let account = cli::create_admin(&pool, &new, &password).await?;
    pool.close().await;
    Ok(account)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), addr = %config.addr, demo = config.demo, "starting");
    if config.demo {
        tracing::warn!(
            "demo mode (SO_SERVER_DEMO=1): demo accounts with a published password; \
             for development only, never for real patient data"
        );
    }

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
    } else {
        let left = demo::accounts_signing_in(&pool).await?;
        if left > 0 {
            tracing::warn!(
                accounts = left,
                "demo accounts from an earlier demo run can still sign in on this database \
                 (SO_SERVER_DEMO is off): remove them or start from an empty database"
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
    match config.payment_provider {
        Some(PaymentProvider::Sandbox) => {
            let payments = Payments::from_env();
            payments.remember_used_links_in(&pool);
            tracing::warn!(
                "payments through the sandbox provider (SO_PAYMENT_PROVIDER=sandbox): \
                 no money moves; for development and tests only"
            );
            state.payments = Some(payments);
        }
        None => tracing::info!(
            "this server takes no payments (SO_PAYMENT_PROVIDER is not set): no payment \
             links, no refunds"
        ),
    }
    if !config.trusted_proxies.is_empty() {
        tracing::info!("X-Forwarded-For is believed from the proxies in SO_TRUSTED_PROXIES");
    }
    state.trusted_proxies = std::sync::Arc::new(config.trusted_proxies.clone());
    state.jobs.every = config.jobs_every;
    if config.jobs_every.is_none() {
        tracing::info!("the scheduled jobs are off in this instance (SO_JOBS_EVERY_SECONDS=0)");
    }
    server::serve(listener, state, server::shutdown_signal()).await?;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}
