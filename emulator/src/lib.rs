//! # cinetpay-emulator
//!
//! A local stand-in for CinetPay's payment API, for tests, examples and merchants' CI, in the
//! spirit of stripe-mock: a real HTTP server on loopback that answers `POST /v2/payment` and
//! `POST /v2/payment/check` the way CinetPay's documentation describes, keeps the transactions
//! it created, and serves a checkout page at each `payment_url`.
//!
//! On that page (or through `POST /_emulator/outcome`, or [`Emulator::set_outcome`]) the
//! customer pays, fails, cancels, or leaves a payment waiting for approval on the phone. Each
//! of these updates notifies the merchant as CinetPay does: a GET ping of the `notify_url`,
//! then a form POST of 16 fields signed with an `x-token` (HMAC-SHA256 with the account's
//! secret key), retried until the merchant answers 200. Accepted, refused and cancelled are
//! final; the page then sends the customer back to the `return_url` with a POST of `token` and
//! `transaction_id`. `GET /_emulator/notifications` (or [`Emulator::notifications`]) shows
//! every delivery attempt. `GET /seamless/main.js` stands in for CinetPay's Seamless browser
//! SDK: the same checkout, in an overlay over the merchant's page, reported to `waitResponse`.
//! The full route list is in [`server`].
//!
//! ```
//! use cinetpay_emulator::{DEFAULT_SITE_ID, Emulator, Outcome};
//!
//! let emulator = Emulator::start(Default::default()).expect("start");
//! println!("point your client at {}", emulator.url());
//! // ... once your code has created transaction "ORDER-1" through the emulator:
//! let paid = emulator.set_outcome(DEFAULT_SITE_ID, "ORDER-1", Outcome::Accept);
//! assert!(paid.is_err(), "no such transaction yet");
//! ```
//!
//! It shares no code with the `cinetpay` SDK crate on purpose: each models CinetPay from the
//! docs on its own, so a misreading in one shows up as a failing test against the other.

pub mod check;
mod checkout;
pub mod config;
mod control;
mod date;
pub mod fault;
mod form;
mod front;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod notify;
pub mod outcome;
pub mod payment;
pub mod reply;
mod seamless;
pub mod server;
pub mod state;
pub mod tls;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

pub use config::{Account, Config, DEFAULT_API_KEY, DEFAULT_SECRET_KEY, DEFAULT_SITE_ID};
pub use notify::{Delivery, DeliveryKind};
pub use outcome::{Outcome, PaymentState};
pub use state::{OutcomeError, Transaction};

/// A running emulator, serving on its own thread until dropped.
pub struct Emulator {
    addr: SocketAddr,
    url: String,
    state: Arc<state::State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts on `127.0.0.1` with a free port.
    pub fn start(config: Config) -> io::Result<Emulator> {
        Emulator::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Starts on `addr` (port 0 picks a free one). Returns once the socket is listening.
    pub fn start_on(config: Config, addr: SocketAddr) -> io::Result<Emulator> {
        let tls = config.tls()?;
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let url = format!("{}://{addr}", if tls.is_some() { "https" } else { "http" });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let state = Arc::new(
            state::State::new(&config, url.clone()).with_runtime(runtime.handle().clone()),
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        let log = config.log_requests;
        let thread = std::thread::Builder::new()
            .name("cinetpay-emulator".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => {
                            server::serve(listener, served, log, tls, async {
                                let _ = rx.await;
                            })
                            .await;
                        }
                        Err(e) => eprintln!("cinetpay-emulator: {e}"),
                    }
                });
                // Deliveries still under way (a retry's wait, a merchant slow to answer, a name
                // being resolved) are dropped, not awaited: stopping stays prompt.
                runtime.shutdown_background();
            })?;
        Ok(Emulator {
            addr,
            url,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The base URL to give the client, e.g. `http://127.0.0.1:38123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The socket address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The transaction a merchant created, by site_id and transaction_id.
    pub fn transaction(&self, site_id: &str, transaction_id: &str) -> Option<Transaction> {
        self.state.transaction(site_id, transaction_id)
    }

    /// How many transactions were created.
    pub fn transaction_count(&self) -> usize {
        self.state.len()
    }

    /// Plays the customer, as the checkout page's buttons do: the transaction moves on and the
    /// merchant is notified (in the background). Final transactions do not change.
    pub fn set_outcome(
        &self,
        site_id: &str,
        transaction_id: &str,
        outcome: Outcome,
    ) -> Result<Transaction, String> {
        self.state
            .set_outcome(site_id, transaction_id, outcome)
            .map_err(|e| match e {
                OutcomeError::NotFound => {
                    format!("no transaction {transaction_id} for site_id {site_id}")
                }
                final_one => final_one.to_string(),
            })
    }

    /// Every attempt at notifying the merchant of this transaction so far, oldest first.
    pub fn notifications(&self, site_id: &str, transaction_id: &str) -> Vec<Delivery> {
        self.state.deliveries(site_id, transaction_id)
    }

    /// The faults spoiling the next API answers, as `/_emulator/faults` sets them.
    pub fn faults(&self) -> &fault::Faults {
        self.state.faults()
    }

    /// Requests received on the API's paths so far (`GET /_emulator/stats`).
    pub fn api_requests(&self) -> u64 {
        self.state.api_requests()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
