//! The API's operations, each described once.
//!
//! The client takes each endpoint from this table and the bridge (`crate::bridge`) dispatches by
//! its names, so adding an operation is one row here, its request and response types, and a line
//! in the bridge; every binding reaches it by name without a change of its own Rust code. Each
//! binding's tests check that they cover every name listed. The retry policy documents what the
//! client's sending loop does; while `BeforeSend` is the only policy, nothing branches on it (the
//! idempotent policy arrives with the status check).

/// How an operation may be retried after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryPolicy {
    /// Only a connection that failed before the request was sent, with the same body: anything
    /// later may already have had its effect (a payment created). Backoff 0.5 s × 2ⁿ, capped at
    /// 5 s, with jitter, at most `max_retries` times.
    BeforeSend,
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

/// Every operation, in the order the docs present them.
pub const OPERATIONS: &[&Operation] = &[&INIT_PAYMENT, &VERIFY_NOTIFICATION, &SIGN_NOTIFICATION];

/// The operation called `name`.
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|op| op.name == name)
}
