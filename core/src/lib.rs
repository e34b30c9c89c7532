//! # cinetpay
//!
//! A client for CinetPay's payment API (`https://api-checkout.cinetpay.com/v2/payment` and
//! `/v2/payment/check`, and the signed notifications):
//! every request is validated against CinetPay's documented rules before it is sent, errors are
//! typed with CinetPay's own codes plus the documented cause and fix, TLS uses bundled roots,
//! and retries never risk a double payment.
//!
//! ```no_run
//! # async fn run() -> cinetpay::Result<()> {
//! use cinetpay::{Client, ClientConfig, Currency, PaymentRequest};
//!
//! let client = Client::new(ClientConfig::new("YOUR_APIKEY", "YOUR_SITE_ID"))?;
//! let request = PaymentRequest::new("ORDER-1", 100, Currency::Xof, "Order 1")
//!     .notify_url("https://shop.example/notify")
//!     .return_url("https://shop.example/return");
//! match client.init_payment(&request).await {
//!     Ok(link) => println!("send the customer to {}", link.payment_url),
//!     Err(e) => eprintln!("{e} (hint: {})", e.hint().unwrap_or("-")),
//! }
//! # Ok(()) }
//! ```
//!
//! Without an async runtime, use [`blocking::Client`]. To test without a CinetPay account, run
//! the `cinetpay-emulator` crate and point [`ClientConfig::base_url`] at it.

pub mod blocking;
#[doc(hidden)]
pub mod bridge;
mod client;
mod config;
mod direct;
mod error;
mod exchange;
mod framing;
pub mod notification;
pub mod operation;
pub mod outcome;
mod payload;
mod payment;
pub mod response;
pub mod seamless;
pub mod settings;
pub mod status;
pub mod validate;

pub use client::{Client, MAX_RETRY_AFTER, PreparedPayment, USER_AGENT_PREFIX};
pub use config::{
    ClientConfig, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
    MAX_RETRIES_LIMIT, Secret,
};
pub use error::{ApiDetails, ERROR_TABLE, Error, ErrorCode, ErrorFamily, ErrorInfo, Result};
pub use notification::NotificationForm;
pub use outcome::{Expected, NotificationOutcome, Outcome};
pub use payload::{FIELDS, PaymentPayload, REQUIRED_FIELDS};
pub use payment::{Channels, Currency, InvoiceData, Lang, PaymentLink, PaymentRequest};
pub use seamless::{SeamlessCheckout, SeamlessConfig, SeamlessMode};
pub use status::{PaymentLookup, PaymentState, PaymentStatus};

/// This crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
