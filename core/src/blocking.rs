//! A blocking client for Rust code without an async runtime, and the runtimes of the blocking
//! calls that need one.
//!
//! This client's calls, like the bindings' blocking calls (Python's `Client`, C, PHP, through
//! `bridge::call_blocking`), run on the calling thread's own kept-alive socket, with no runtime
//! (`Client::post_blocking`): no hand-off to another thread and back, which on these VMs costs
//! tens of µs per call.
//!
//! Only a call through a proxy (which only reqwest honours) needs a runtime. It runs on one owned
//! by the calling thread: a current-thread tokio runtime and a connection pool per thread, built
//! on the thread's first such call. A pool is never shared between runtimes (`Client::http`).
//!
//! A thread that is already inside a tokio runtime cannot block on another one. Its proxied
//! calls go to one process-wide runtime with two workers (built on first use, and also the
//! runtime of the Python binding's asyncio calls), and the caller waits on a channel.
//!
//! After `fork()`, a child's first call builds a new runtime and new pools: the ones inherited
//! from the parent are left alone, since the parent still uses their sockets.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};

use tokio::runtime::Runtime;

use crate::client::{Decoder, Outbound};
use crate::config::ClientConfig;
use crate::error::{Error, ErrorCode, Result};
use crate::notification::NotificationForm;
use crate::outcome::{Expected, NotificationOutcome};
use crate::payload::PaymentPayload;
use crate::payment::{PaymentLink, PaymentRequest};
use crate::response::{decode_check_response, decode_payment_response};
use crate::status::{PaymentLookup, PaymentStatus};

/// The runtime shared by every blocking client, and by bindings that need one (the Python
/// binding runs its asyncio client on it too).
///
/// One per process: a child of `fork()` (gunicorn --preload, multiprocessing) inherits the
/// parent's runtime without its worker threads, so a task spawned there would never run. The
/// child builds its own on its first call and leaves the inherited one alone (leaked: dropping
/// it would wait for threads that do not exist in the child).
pub fn runtime() -> Result<&'static Runtime> {
    static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    match *slot {
        Some((owner, runtime)) if owner == pid => Ok(runtime),
        _ => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("cinetpay-runtime")
                .enable_all()
                .build()
                .map_err(|e| {
                    Error::new(
                        ErrorCode::Internal,
                        format!("could not start the SDK runtime: {e}"),
                    )
                })?;
            let runtime: &'static Runtime = Box::leak(Box::new(runtime));
            *slot = Some((pid, runtime));
            Ok(runtime)
        }
    }
}

/// The blocking twin of [`crate::Client`]: same configuration, same behaviour. Each call runs
/// on the calling thread, on its own kept-alive connection (one per thread and client).
/// Called from async code it blocks that task's thread, as any blocking call would: use
/// [`crate::Client`] there.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
}

impl Client {
    /// Builds a client after checking every setting. Does no I/O.
    pub fn new(config: ClientConfig) -> Result<Client> {
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
        request.validate()?;
        self.send(|c| c.outbound_payment(request), decode_payment_response)
    }

    /// See [`crate::Client::init_payment_payload`].
    pub fn init_payment_payload(&self, payload: &PaymentPayload) -> Result<PaymentLink> {
        let prepared = self.inner.prepare_payload(payload.clone())?;
        self.send(
            |c| c.outbound_payment(prepared.request()),
            decode_payment_response,
        )
    }

    /// Sends the request `out` makes from a validated input: on this thread's own socket, or,
    /// through a proxy (which only reqwest honours), on the thread's runtime. A panic is an
    /// `internal` error, never a panic of the caller.
    fn send<T: Send + 'static>(
        &self,
        out: impl FnOnce(&crate::Client) -> Outbound,
        decode: Decoder<T>,
    ) -> Result<T> {
        on_this_thread(|| {
            let out = out(&self.inner);
            if self.inner.via_proxy() {
                let client = self.inner.clone();
                return run(async move { client.send_outbound(out, decode).await });
            }
            self.inner.send_blocking(&out, decode)
        })
    }
}

impl Client {
    /// See [`crate::Client::seamless_checkout`]: local, nothing is sent.
    pub fn seamless_checkout(
        &self,
        request: &PaymentRequest,
    ) -> Result<crate::seamless::SeamlessCheckout> {
        self.inner.seamless_checkout(request)
    }

    /// See [`crate::Client::check_payment`].
    pub fn check_payment(&self, lookup: &PaymentLookup) -> Result<PaymentStatus> {
        lookup.validate()?;
        self.send(|c| c.outbound_check(lookup), decode_check_response)
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
        let status = self.send(|c| c.outbound_check(&lookup), decode_check_response)?;
        on_this_thread(|| Ok(NotificationOutcome::decide(form.clone(), status, expected)))
    }
}

/// Runs `call` on this thread: a panic is an `internal` error, never a panic of the caller.
fn on_this_thread<T>(call: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|_| Err(panicked()))
}

/// Runs `fut` and waits for it on the calling thread: on the thread's own runtime, or on the
/// shared one when the thread is inside a runtime already. A panic in `fut` is an `internal`
/// error, never a panic of the caller. The SDK's own blocking calls come here only through a
/// proxy, which only reqwest honours; the others need no runtime (`Client::post_blocking`).
pub fn run<T: Send + 'static>(fut: impl Future<Output = Result<T>> + Send + 'static) -> Result<T> {
    if tokio::runtime::Handle::try_current().is_err() && thread_runtime_ready() {
        return run_on_thread(fut);
    }
    let (tx, rx) = mpsc::sync_channel(1);
    runtime()?.spawn(async move {
        let _ = tx.send(fut.await);
    });
    // A panic inside the task drops `tx`: report it instead of propagating it to the caller.
    rx.recv().unwrap_or_else(|_| Err(panicked()))
}

pub(crate) fn panicked() -> Error {
    Error::new(
        ErrorCode::Internal,
        "the request panicked; please report this bug",
    )
}

/// A thread's own runtime, with the process that built it. Dropped with the thread without
/// waiting for anything: a resolver thread still blocked in `getaddrinfo` must not hold up the
/// thread's exit.
struct ThreadRuntime(Option<(Runtime, u32)>);

impl ThreadRuntime {
    /// Stops the runtime without waiting for its blocking threads.
    fn stop(&mut self) {
        if let Some((runtime, _)) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Drop for ThreadRuntime {
    fn drop(&mut self) {
        self.stop();
    }
}

thread_local! {
    static THREAD_RUNTIME: RefCell<ThreadRuntime> = const { RefCell::new(ThreadRuntime(None)) };
    static ON_THREAD_RUNTIME: Cell<bool> = const { Cell::new(false) };
}

/// Whether the code running now is a blocking call on its thread's own runtime.
pub(crate) fn on_thread_runtime() -> bool {
    ON_THREAD_RUNTIME.try_with(Cell::get).unwrap_or(false)
}

/// Whether this thread has built its runtime.
#[cfg(test)]
pub(crate) fn thread_runtime_built() -> bool {
    THREAD_RUNTIME.with(|cell| cell.borrow().0.is_some())
}

/// Builds this thread's runtime if needed; false when that cannot be done (the thread is
/// exiting, or the OS refused), and the shared runtime serves the call instead.
fn thread_runtime_ready() -> bool {
    THREAD_RUNTIME
        .try_with(|cell| {
            let Ok(mut slot) = cell.try_borrow_mut() else {
                return false;
            };
            let pid = std::process::id();
            if slot.0.as_ref().is_some_and(|(_, owner)| *owner != pid) {
                // A child of `fork()` (multiprocessing, gunicorn --preload) inherited the
                // parent's runtime, with its epoll instance and kept-alive sockets, which the
                // parent still uses: answers could cross between the processes. Leave them to the
                // parent untouched (dropping them would deregister the parent's sockets) and
                // start afresh.
                if let Some(inherited) = slot.0.take() {
                    std::mem::forget(inherited);
                }
                crate::client::forget_thread_pools();
            }
            if slot.0.is_none() {
                slot.0 = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()
                    .map(|runtime| (runtime, pid));
            }
            slot.0.is_some()
        })
        .unwrap_or(false)
}

fn run_on_thread<T>(fut: impl Future<Output = Result<T>>) -> Result<T> {
    THREAD_RUNTIME.with(|cell| {
        let mut slot = cell.borrow_mut();
        let Some((runtime, _)) = slot.0.as_ref() else {
            return Err(panicked());
        };
        // The thread's reqwest connections (a proxied client's) were idle while it was away:
        // let their tasks see what happened meanwhile (a server closing a kept-alive
        // connection) before one is reused. Direct connections check for themselves.
        if crate::client::thread_has_pools() {
            runtime.block_on(async {
                tokio::task::yield_now().await;
                tokio::task::yield_now().await;
            });
        }
        ON_THREAD_RUNTIME.set(true);
        let result = catch_unwind(AssertUnwindSafe(|| runtime.block_on(fut)));
        ON_THREAD_RUNTIME.set(false);
        result.unwrap_or_else(|_| {
            // Start afresh: the panic may have left the runtime's tasks half-done. Its pools go
            // with it, since a pool never outlives the runtime its connections belong to.
            slot.stop();
            crate::client::drop_thread_pools();
            Err(panicked())
        })
    })
}
