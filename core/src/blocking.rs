//! A blocking client, for code without an async runtime (Django views, scripts, C callers).
//!
//! Every blocking client runs its requests on one process-wide tokio runtime, built on first use
//! with two worker threads, so connections are pooled across calls and threads and a
//! `reqwest::Client` never moves between runtimes. Calls may come from any thread, including
//! one that is itself inside an async runtime: the caller waits on a channel, never on
//! `Runtime::block_on`.

use std::sync::OnceLock;
use std::sync::mpsc;

use tokio::runtime::Runtime;

use crate::config::ClientConfig;
use crate::error::{Error, ErrorCode, Result};
use crate::notification::NotificationForm;
use crate::outcome::{Expected, NotificationOutcome};
use crate::payload::PaymentPayload;
use crate::payment::{PaymentLink, PaymentRequest};
use crate::status::{PaymentLookup, PaymentStatus};

/// The runtime shared by every blocking client, and by bindings that need one (the Python
/// binding runs its asyncio client on it too).
pub fn runtime() -> Result<&'static Runtime> {
    static RUNTIME: OnceLock<std::result::Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("cinetpay-runtime")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            Error::new(
                ErrorCode::Internal,
                format!("could not start the SDK runtime: {e}"),
            )
        })
}

/// The blocking twin of [`crate::Client`]: same configuration, same behaviour.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
}

impl Client {
    /// Builds a client after checking every setting. Does no I/O.
    pub fn new(config: ClientConfig) -> Result<Client> {
        runtime()?;
        Ok(Client {
            inner: crate::Client::new(config)?,
        })
    }

    /// A client configured from `CINETPAY_*` environment variables.
    pub fn from_env() -> Result<Client> {
        Client::new(ClientConfig::from_env()?)
    }

    /// The async client this one drives.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// See [`crate::Client::init_payment`].
    pub fn init_payment(&self, request: &PaymentRequest) -> Result<PaymentLink> {
        // Validate on the caller's thread: bad input costs no hop to the runtime.
        request.validate()?;
        let client = self.inner.clone();
        let request = request.clone();
        run(async move { client.send_validated(&request).await })
    }

    /// See [`crate::Client::init_payment_payload`].
    pub fn init_payment_payload(&self, payload: &PaymentPayload) -> Result<PaymentLink> {
        // Validated on the caller's thread, as above.
        let prepared = self.inner.prepare_payload(payload.clone())?;
        let client = self.inner.clone();
        run(async move { client.send_prepared(&prepared).await })
    }
}

impl Client {
    /// See [`crate::Client::check_payment`].
    pub fn check_payment(&self, lookup: &PaymentLookup) -> Result<PaymentStatus> {
        lookup.validate()?;
        let client = self.inner.clone();
        let lookup = lookup.clone();
        run(async move { client.send_check(&lookup).await })
    }

    /// See [`crate::Client::handle_notification`]. The `x-token` is verified on the caller's
    /// thread, before anything is sent.
    pub fn handle_notification(
        &self,
        form: &NotificationForm,
        x_token: &str,
        expected: &Expected,
    ) -> Result<NotificationOutcome> {
        let lookup = self.inner.verified_lookup(form, x_token)?;
        let client = self.inner.clone();
        let (form, expected) = (form.clone(), expected.clone());
        run(async move {
            let status = client.send_check(&lookup).await?;
            Ok(NotificationOutcome::decide(form, status, &expected))
        })
    }
}

/// Runs `fut` on the shared runtime and waits for it on the calling thread.
pub fn run<T: Send + 'static>(fut: impl Future<Output = Result<T>> + Send + 'static) -> Result<T> {
    let (tx, rx) = mpsc::sync_channel(1);
    runtime()?.spawn(async move {
        let _ = tx.send(fut.await);
    });
    // A panic inside the task drops `tx`: report it instead of propagating it to the caller.
    rx.recv().unwrap_or_else(|_| {
        Err(Error::new(
            ErrorCode::Internal,
            "the request task panicked; please report this bug",
        ))
    })
}
