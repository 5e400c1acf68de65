//! Paying for a case: the link the requester opens in the system browser.
//!
//! With a server, the server makes the link and records the provider's callback
//! (`GET /v1/cases/{id}/payment`); the status then arrives with the next sync, at once while
//! the live channel is open.
//!
//! Standalone there is no server, so the same sandbox provider (`payments::Sandbox`) runs in
//! this process: on first need it starts serving the same hosted page on a localhost
//! listener (127.0.0.1, a free port), and its signed callback comes back in-process, is
//! verified exactly as the server verifies it, and is recorded as `RecordPayment` by the
//! system user through the standalone authority. Then the UI is told the data changed, as
//! after a sync.
//!
//! Refunds: with a server, the server's refund job makes them and the desktop gets them by
//! pull; the desktop never asks a provider. Standalone, [`App::run_due_refunds`] does what
//! the server's job does, through the in-process sandbox: every refund a cancelled case owes
//! that is due, asked with the case's id as the idempotency key, the answer recorded as the
//! system user's `RecordRefund` (a failure is tried again after its back-off). It runs from
//! a background task ([`App::start_sync`] starts it): at once after a cancel, and every
//! [`REFUND_EVERY`] while the app runs.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use domain::{Actor, CaseCommand, CaseId, Command, RefundOutcome, Role};
use payments::sandbox::{CallbackRequest, CallbackTarget, DeliveryError, Retries, Sandbox};
use payments::{
    Amount, DueRefund, LinkRequest, PaymentInfo, PaymentProvider, PaymentStatus, RefundRun, Secret,
};
use serde::Serialize;
use store::{cases, catalog};
use ts_rs::TS;

use crate::app::App;
use crate::authority::Authority;
use crate::error::{ApiError, ErrorCode, Result, SyncError};
use crate::remote::{check, send, ServerLink};

/// A case's payment, for the requester's "Pay now".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentLinkView {
    /// The page to pay on (open it in the system browser); `null` unless pending.
    pub url: Option<String>,
    pub amount_minor: u32,
    pub currency: String,
    pub status: PaymentStatus,
}

impl From<PaymentInfo> for PaymentLinkView {
    fn from(info: PaymentInfo) -> Self {
        PaymentLinkView {
            url: info.url,
            amount_minor: info.amount_minor,
            currency: info.currency,
            status: info.status,
        }
    }
}

/// The standalone sandbox of one app: the provider, the task serving its page, and the
/// callback events already recorded (a retried delivery is applied once).
struct LocalSandbox {
    app: Weak<App>,
    sandbox: Arc<Sandbox>,
    pages: tokio::task::JoinHandle<()>,
    seen: Mutex<HashSet<String>>,
    /// One refund run at a time (the background task and a direct call).
    refunding: tokio::sync::Mutex<()>,
}

/// How often the standalone desktop looks for refunds that are due (besides right after a
/// cancel).
pub const REFUND_EVERY: Duration = Duration::from_secs(30);

/// The local sandboxes of the apps open in this process (one in the desktop; tests open
/// many). Kept here, beside the rest of the payment code, rather than as a field of `App`;
/// an entry whose app is gone is dropped, and its page stops, on the next look.
static LOCAL: Mutex<Vec<Arc<LocalSandbox>>> = Mutex::new(Vec::new());

fn no_payment_yet() -> ApiError {
    ApiError::new(
        ErrorCode::Conflict,
        "No payment has been asked for on this case yet.",
    )
}

impl App {
    /// The payment of a case: its state and, while pending, the link to pay on — the same
    /// link on every ask. Only the case's requester and admins; anyone else gets
    /// `not_found`, as for a case that does not exist.
    pub async fn payment_link(self: &Arc<Self>, case_id: CaseId) -> Result<PaymentLinkView> {
        let actor = self.current_actor().ok_or_else(ApiError::not_signed_in)?;
        match self.authority() {
            Authority::Server(server) => self.server_payment_link(&server, case_id).await,
            Authority::Standalone => self.local_payment_link(actor, case_id).await,
        }
    }

    async fn server_payment_link(
        &self,
        server: &ServerLink,
        case_id: CaseId,
    ) -> Result<PaymentLinkView> {
        let credentials = self
            .tokens()
            .load(&server.url)
            .await
            .map_err(SyncError::from)?
            .ok_or_else(ApiError::not_signed_in)?;
        let response = send(
            self.sync_runtime()
                .http
                .get(format!("{}/v1/cases/{case_id}/payment", server.url))
                .bearer_auth(&credentials.token),
        )
        .await
        .map_err(SyncError::from)?;
        match response.status() {
            reqwest::StatusCode::NOT_FOUND => return Err(ApiError::not_found("Case")),
            reqwest::StatusCode::CONFLICT => return Err(no_payment_yet()),
            _ => {}
        }
        let response = check(response).await?;
        let info: PaymentInfo = response.json().await.map_err(SyncError::from)?;
        Ok(info.into())
    }

    async fn local_payment_link(
        self: &Arc<Self>,
        actor: Actor,
        case_id: CaseId,
    ) -> Result<PaymentLinkView> {
        let case = {
            let mut conn = self.store().read().await?;
            cases::get(&mut conn, case_id).await?
        }
        .filter(|c| match actor.role {
            Role::Admin => true,
            Role::Requester => c.requester_id == actor.id,
            Role::Coordinator | Role::Provider | Role::System => false,
        })
        .ok_or_else(|| ApiError::not_found("Case"))?;
        let (Some(status), Some(asked)) = (PaymentStatus::of(&case), case.payment.as_ref()) else {
            return Err(no_payment_yet());
        };
        let url = match status {
            PaymentStatus::Pending => {
                let sandbox = self.local_sandbox()?;
                let link = sandbox
                    .create_link(&LinkRequest {
                        case_id,
                        case_reference: case.reference.clone().unwrap_or_default(),
                        amount: Amount {
                            minor: asked.amount_minor,
                            currency: asked.currency.clone(),
                        },
                        existing: None,
                    })
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "the local payment sandbox made no link");
                        ApiError::internal()
                    })?;
                Some(link.url)
            }
            PaymentStatus::Paid | PaymentStatus::Failed | PaymentStatus::Cancelled => None,
        };
        Ok(PaymentLinkView {
            url,
            amount_minor: asked.amount_minor,
            currency: asked.currency.clone(),
            status,
        })
    }

    /// This app's local sandbox, started on first need.
    fn local_sandbox(self: &Arc<Self>) -> Result<Arc<Sandbox>> {
        Ok(self.local()?.sandbox.clone())
    }

    /// The standalone payment provider (the sandbox, in this process), started on first
    /// need: for tests and manual trials (`Sandbox::set_refund_outage`,
    /// `Sandbox::refunds_of`).
    pub fn payment_sandbox(self: &Arc<Self>) -> Result<Arc<Sandbox>> {
        self.local_sandbox()
    }

    fn local(self: &Arc<Self>) -> Result<Arc<LocalSandbox>> {
        let mut local = LOCAL.lock().unwrap_or_else(|e| e.into_inner());
        local.retain(|l| {
            let open = l.app.strong_count() > 0;
            if !open {
                l.pages.abort();
            }
            open
        });
        let me = Arc::downgrade(self);
        if let Some(l) = local.iter().find(|l| Weak::ptr_eq(&l.app, &me)) {
            return Ok(l.clone());
        }
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .and_then(tokio::net::TcpListener::from_std)
            .map_err(|e| {
                tracing::error!(error = %e, "cannot listen on localhost for the payment page");
                ApiError::internal()
            })?;
        let addr = listener.local_addr().map_err(|e| {
            tracing::error!(error = %e, "the payment page's listener has no address");
            ApiError::internal()
        })?;
        // Signed and verified on this app's clock; a secret of this process only.
        let clock_app = me.clone();
        let sandbox = Arc::new(Sandbox::with_clock(
            Secret::generate(),
            Arc::new(move || {
                clock_app
                    .upgrade()
                    .map_or_else(chrono::Utc::now, |app| app.now())
            }),
            Retries::default(),
        ));
        sandbox.set_site(&format!("http://{addr}"));
        sandbox.set_refund_outage(payments::sandbox::refund_outage_from_env());
        let (app, verifier) = (me.clone(), Arc::downgrade(&sandbox));
        sandbox.set_callback(CallbackTarget::InProcess(Arc::new(move |request| {
            let (app, verifier) = (app.clone(), verifier.clone());
            Box::pin(async move {
                match (app.upgrade(), verifier.upgrade()) {
                    (Some(app), Some(sandbox)) => app.receive_payment(&sandbox, request).await,
                    _ => Err(DeliveryError {
                        retry: false,
                        message: "the app has closed".into(),
                    }),
                }
            })
        })));
        let pages = sandbox.serve(listener);
        tracing::info!(%addr, "payment sandbox serving its page on localhost");
        let made = Arc::new(LocalSandbox {
            app: me,
            sandbox,
            pages,
            seen: Mutex::new(HashSet::new()),
            refunding: tokio::sync::Mutex::new(()),
        });
        local.push(made.clone());
        Ok(made)
    }

    /// The sandbox's callback, in-process: verified like the server verifies it, then
    /// recorded once as the system user's `RecordPayment`.
    async fn receive_payment(
        self: &Arc<Self>,
        sandbox: &Sandbox,
        request: CallbackRequest,
    ) -> Result<(), DeliveryError> {
        let refused = |message: String| DeliveryError {
            retry: false,
            message,
        };
        let event = sandbox
            .verify_callback(&request.headers, &request.body, self.now())
            .map_err(|e| refused(format!("{}: {e}", e.code())))?;
        let local = LOCAL
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|l| std::ptr::eq(l.app.as_ptr(), Arc::as_ptr(self)))
            .cloned()
            .ok_or_else(|| refused("no local sandbox".into()))?;
        if local
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&event.event_id)
        {
            return Ok(());
        }
        if self.authority() != Authority::Standalone {
            // Connected to a server meanwhile: the demo case this was for is gone.
            return Err(refused(
                "this desktop works with a server now; the payment was not recorded".into(),
            ));
        }
        let system = self
            .catalog_system_user()
            .await
            .map_err(|e| DeliveryError {
                retry: true,
                message: e.message,
            })?
            .ok_or_else(|| refused("no system user".into()))?;
        let case = {
            let mut conn = self.store().read().await.map_err(|e| DeliveryError {
                retry: true,
                message: e.to_string(),
            })?;
            cases::get(&mut conn, event.case_id).await.ok().flatten()
        };
        let asked = case
            .as_ref()
            .and_then(|c| c.payment.as_ref())
            .map(|p| (p.amount_minor, p.currency.as_str()));
        if asked != Some((event.amount.minor, event.amount.currency.as_str())) {
            tracing::warn!("a sandbox payment of another amount than the case asks; not recorded");
            return Err(refused("the amount is not the case's".into()));
        }
        let command = Command::Case(CaseCommand::RecordPayment {
            case_id: event.case_id,
            outcome: event.outcome.clone(),
        });
        let result = self.execute_at(system, command, self.now()).await;
        match result {
            Ok(_) => {
                local
                    .seen
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(event.event_id);
                self.sync_runtime().data_changed();
                Ok(())
            }
            Err(e) if e.code == ErrorCode::Internal => Err(DeliveryError {
                retry: true,
                message: e.message,
            }),
            Err(e) => {
                // The rules refused it (the case was cancelled meanwhile): final.
                local
                    .seen
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(event.event_id);
                tracing::warn!(code = ?e.code, "a sandbox payment the rules refused (a refund may be owed)");
                Err(refused(e.message))
            }
        }
    }
}

impl App {
    /// Standalone: asks the in-process sandbox for every refund a cancelled case owes that
    /// is due now (on this app's clock) and records each answer as the system user's
    /// `RecordRefund` — what the server's refund job does (`server::payments::refunds`).
    /// With a server configured it does nothing: the server refunds. Needs no one signed
    /// in. Errors are the store's; what was recorded before stays recorded.
    pub async fn run_due_refunds(self: &Arc<Self>) -> Result<RefundRun> {
        if self.authority() != Authority::Standalone || self.due_refunds().await?.is_empty() {
            return Ok(RefundRun::default());
        }
        let local = self.local()?;
        let _one_run = local.refunding.lock().await;
        // Read again under the lock: a run that held it has recorded what it did.
        let now = self.now();
        let due = self.due_refunds().await?;
        let system = self.catalog_system_user().await?.ok_or_else(|| {
            tracing::error!("no system user to record refunds as");
            ApiError::internal()
        })?;
        let mut run = RefundRun::default();
        for due in due {
            run.due += 1;
            if let Some(reference) = &due.refund.payment_reference {
                // The sandbox keeps payments in memory: one paid before this app started
                // (or seeded with the demo data) is told to it from the case's record.
                local.sandbox.remember_payment(reference, &due.amount());
            }
            let outcome = due.ask(local.sandbox.as_ref()).await;
            let succeeded = matches!(outcome, RefundOutcome::Succeeded { .. });
            let command = Command::Case(CaseCommand::RecordRefund {
                case_id: due.case_id,
                outcome,
            });
            match self.execute_at(system, command, now).await {
                Ok(_) if succeeded => run.refunded += 1,
                Ok(_) => {
                    tracing::warn!(
                        failures = due.refund.failures + 1,
                        "refund failed; it will be tried again"
                    );
                    run.failed += 1;
                }
                Err(e) if e.code == ErrorCode::Conflict => run.already_recorded += 1,
                Err(e) if e.code == ErrorCode::Internal => return Err(e),
                Err(e) => {
                    tracing::warn!(code = ?e.code, "the rules refused a refund's recording");
                    run.refused += 1;
                }
            }
        }
        if run.refunded + run.failed > 0 {
            self.sync_runtime().data_changed();
        }
        Ok(run)
    }

    /// The refunds due now, standalone.
    async fn due_refunds(&self) -> Result<Vec<DueRefund>> {
        let now = self.now();
        let mut conn = self.store().read().await?;
        Ok(cases::refunds_due(&mut conn, now)
            .await?
            .iter()
            .filter_map(|case| DueRefund::of(case, now))
            .collect())
    }

    /// The system user, who records what the payment provider says (payments, refunds).
    async fn catalog_system_user(&self) -> Result<Option<Actor>> {
        let mut conn = self.store().read().await?;
        Ok(catalog::load(&mut conn)
            .await?
            .users
            .iter()
            .find(|u| u.role == Role::System && u.active)
            .map(|u| Actor::new(u.id, Role::System)))
    }

    /// The standalone refund task: runs [`App::run_due_refunds`] at once, when a cancel
    /// lands (`SyncRuntime::refunds` is notified), and every [`REFUND_EVERY`]; idle while a
    /// server is configured. Ends when the app is dropped.
    pub(crate) fn start_refunds(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let app = Arc::downgrade(self);
        let wake = self.sync_runtime().refunds.clone();
        tokio::spawn(async move {
            loop {
                let Some(strong) = app.upgrade() else { return };
                if let Err(e) = strong.run_due_refunds().await {
                    tracing::warn!(code = ?e.code, "standalone refunds: the next run tries again");
                }
                drop(strong);
                tokio::select! {
                    _ = tokio::time::sleep(REFUND_EVERY) => {}
                    _ = wake.notified() => {}
                }
            }
        })
    }
}
