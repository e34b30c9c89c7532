//! The API's operations, each described once.
//!
//! The client takes each endpoint from this table and the bridge (`crate::bridge`) dispatches by
//! its names, so adding an operation is one row here, its request and response types, and a line
//! in the bridge; every binding reaches it by name without a change of its own Rust code. Each
//! binding's tests check that they cover every name listed. The client's sending loop retries
//! as each operation's policy says.

/// How an operation may be retried after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryPolicy {
    /// Only a connection that failed before the request was sent, with the same body: anything
    /// later may already have had its effect (a payment created). Backoff 0.5 s × 2ⁿ, capped at
    /// 5 s, with jitter, at most `max_retries` times.
    BeforeSend,
    /// A call that changes nothing (a status check): also network failures after sending,
    /// timeouts, 5xx and 429 (waiting as `Retry-After` asks, up to
    /// [`MAX_RETRY_AFTER`](crate::MAX_RETRY_AFTER)), with the same backoff.
    Idempotent,
    /// A local operation: nothing is sent, so nothing is retried.
    Never,
}

/// How an operation's request travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport {
    /// `POST` to this path under `base_url`, with a JSON body.
    PostJson(&'static str),
    /// No network: computed on the caller's thread (notifications).
    Local,
}

/// One operation of the API.
#[derive(Debug)]
pub struct Operation {
    /// Its name in every language (`init_payment`; `initPayment` in JavaScript).
    pub name: &'static str,
    /// How the request travels.
    pub transport: Transport,
    /// How a failure may be retried.
    pub retry: RetryPolicy,
    /// The Rust request type, for documentation and generated bindings.
    pub request: &'static str,
    /// The Rust response type.
    pub response: &'static str,
}

impl Operation {
    /// The path under `base_url` of an operation sent over HTTP; empty for a local one.
    pub const fn path(&self) -> &'static str {
        match self.transport {
            Transport::PostJson(path) => path,
            Transport::Local => "",
        }
    }
}

/// The path of the payment initialisation under `base_url`.
pub const INIT_PAYMENT_PATH: &str = "v2/payment";

/// Payment initialisation (CinetPay's docs: `POST https://api-checkout.cinetpay.com/v2/payment`).
pub const INIT_PAYMENT: Operation = Operation {
    name: "init_payment",
    transport: Transport::PostJson(INIT_PAYMENT_PATH),
    retry: RetryPolicy::BeforeSend,
    request: "PaymentRequest",
    response: "PaymentLink",
};

/// The path of the status check under `base_url`.
pub const CHECK_PAYMENT_PATH: &str = "v2/payment/check";

/// A payment's status (`POST https://api-checkout.cinetpay.com/v2/payment/check`), by
/// `transaction_id` or `token`. Changes nothing, so every transient failure is retried.
pub const CHECK_PAYMENT: Operation = Operation {
    name: "check_payment",
    transport: Transport::PostJson(CHECK_PAYMENT_PATH),
    retry: RetryPolicy::Idempotent,
    request: "PaymentLookup",
    response: "PaymentStatus",
};

/// CinetPay's recommended notification handling in one call: verify the `x-token` (locally,
/// before anything is sent), then check the payment and decide paid, failed or pending. Input:
/// `form` or `body`, `x_token`, and optionally `expected_amount`, `expected_currency` and
/// `order_unknown` (the shop has no such order: never paid).
pub const HANDLE_NOTIFICATION: Operation = Operation {
    name: "handle_notification",
    transport: Transport::PostJson(CHECK_PAYMENT_PATH),
    retry: RetryPolicy::Idempotent,
    request: "NotificationForm + x_token + Expected",
    response: "NotificationOutcome",
};

/// Checks a notification's `x-token` against its form with the client's secret key (CinetPay's
/// HMAC page) and returns the form's fields. Input: `form` (an object) or `body` (the raw
/// urlencoded text), and `x_token`.
pub const VERIFY_NOTIFICATION: Operation = Operation {
    name: "verify_notification",
    transport: Transport::Local,
    retry: RetryPolicy::Never,
    request: "NotificationForm + x_token",
    response: "notification fields",
};

/// Computes the `x-token` CinetPay would send for a form, to test a merchant's own handler.
/// Input: `form` or `body`. Output: `{"x_token"}`.
pub const SIGN_NOTIFICATION: Operation = Operation {
    name: "sign_notification",
    transport: Transport::Local,
    retry: RetryPolicy::Never,
    request: "NotificationForm",
    response: "x_token",
};

/// The objects a page passes to CinetPay's Seamless browser SDK (`setConfig`, `getCheckout`),
/// validated with the initialisation's rules (`return_url` optional) and recorded nowhere.
/// Output: `{script_url, set_config, get_checkout}` (see [`crate::seamless`]).
pub const SEAMLESS_CHECKOUT: Operation = Operation {
    name: "seamless_checkout",
    transport: Transport::Local,
    retry: RetryPolicy::Never,
    request: "PaymentRequest (return_url optional)",
    response: "SeamlessCheckout",
};

/// Every operation, in the order the docs present them.
pub const OPERATIONS: &[&Operation] = &[
    &INIT_PAYMENT,
    &CHECK_PAYMENT,
    &VERIFY_NOTIFICATION,
    &HANDLE_NOTIFICATION,
    &SIGN_NOTIFICATION,
    &SEAMLESS_CHECKOUT,
];

/// The operation called `name`.
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|op| op.name == name)
}
