//! # cinetpay-emulator
//!
//! A local stand-in for CinetPay's payment API, for tests, examples and merchants' CI, in the
//! spirit of stripe-mock: a real HTTP server on loopback that answers `POST /v2/payment` the way
//! CinetPay's documentation describes, keeps the transactions it created, and serves a checkout
//! page at each `payment_url`.
//!
//! ```
//! let emulator = cinetpay_emulator::Emulator::start(Default::default()).expect("start");
//! println!("point your client at {}", emulator.url());
//! ```
//!
//! It shares no code with the `cinetpay` SDK crate on purpose: each models CinetPay from the
//! docs on its own, so a misreading in one shows up as a failing test against the other.

mod checkout;
pub mod config;
pub mod payment;
pub mod server;
pub mod state;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

pub use config::{Account, Config, DEFAULT_API_KEY, DEFAULT_SECRET_KEY, DEFAULT_SITE_ID};
pub use state::Transaction;

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
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let url = format!("http://{addr}");
        let state = Arc::new(state::State::new(&config, url.clone()));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        let log = config.log_requests;
        let thread = std::thread::Builder::new()
            .name("cinetpay-emulator".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => {
                            server::serve(listener, served, log, async {
                                let _ = rx.await;
                            })
                            .await;
                        }
                        Err(e) => eprintln!("cinetpay-emulator: {e}"),
                    }
                });
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
