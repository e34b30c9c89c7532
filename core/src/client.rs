//! The client: connections (a shared pool for async calls, a kept-alive socket per blocking
//! thread), validation before sending, retries as each operation allows.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use url::Url;

use crate::config::ClientConfig;
use crate::error::{Error, ErrorCode, Result};
use crate::notification::{self, NotificationForm};
use crate::operation::{CHECK_PAYMENT, INIT_PAYMENT, Operation, RetryPolicy};
use crate::outcome::{Expected, NotificationOutcome};
use crate::payload::PaymentPayload;
use crate::payment::{PaymentLink, PaymentRequest};
use crate::response::{
    MAX_RESPONSE_BYTES, decode_check_response, decode_payment_response, parse_retry_after,
};
use crate::seamless::SeamlessCheckout;
use crate::status::{PaymentLookup, PaymentStatus};

/// A payment request that passed every local rule, made by [`Client::prepare_payload`].
///
/// Only the client can make one, so holding it proves the request was validated.
#[derive(Debug, Clone)]
pub struct PreparedPayment {
    request: PaymentRequest,
}

impl PreparedPayment {
    /// The validated request.
    pub fn request(&self) -> &PaymentRequest {
        &self.request
    }
}

/// The SDK's own `User-Agent` product token; bindings append theirs through `app_info`.
pub const USER_AGENT_PREFIX: &str = concat!("cinetpay-rust/", env!("CARGO_PKG_VERSION"));

/// The longest delay between two retries.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);

/// The CinetPay client. Cheap to clone (an `Arc`), safe to share across threads and tasks.
/// Async calls share one connection pool; blocking calls ([`crate::blocking`]) use one
/// kept-alive connection per calling thread (and a pool per thread only through a proxy).
///
/// ```no_run
/// # async fn run() -> cinetpay::Result<()> {
/// use cinetpay::{Client, ClientConfig, Currency, PaymentRequest};
///
/// let client = Client::new(ClientConfig::from_env()?)?;
/// let request = PaymentRequest::new("ORDER-1", 100, Currency::Xof, "Order 1")
///     .notify_url("https://shop.example/notify")
///     .return_url("https://shop.example/return");
/// let link = client.init_payment(&request).await?;
/// println!("{}", link.payment_url);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// The pool for calls on the shared runtime, in the process that built the client.
    http: reqwest::Client,
    /// The process `http` belongs to, and the pool of a `fork()` child, built on its first
    /// call: the inherited pool's connections are the parent's sockets.
    pid: u32,
    child_http: std::sync::Mutex<Option<(u32, reqwest::Client)>>,
    /// The TLS settings of the blocking callers' own connections (`crate::direct`), the same
    /// as reqwest's.
    tls: Arc<rustls::ClientConfig>,
    /// Whether blocking calls go through reqwest after all: a proxy in the environment, which
    /// only reqwest honours (never for the loopback emulator).
    via_proxy: bool,
    config: ClientConfig,
    payment: Endpoint,
    check: Endpoint,
    /// Where Seamless pages load the script from.
    seamless_script: crate::seamless::Script,
    user_agent: HeaderValue,
}

/// One of the API's URLs, with the head of a request to it.
struct Endpoint {
    url: Url,
    /// The head up to the value of its `content-length`, built once
    /// (`crate::framing::request_head`) for the transports that write HTTP themselves.
    head: Vec<u8>,
}

impl Endpoint {
    fn new(url: Url, user_agent: &str) -> Endpoint {
        let head = crate::framing::request_head(&url, user_agent);
        Endpoint { url, head }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("site_id", &self.inner.config.site_id)
            .field("base_url", &self.inner.config.base_url)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client after checking every setting (a bad one is a `validation_error` naming
    /// it). Does no I/O.
    pub fn new(config: ClientConfig) -> Result<Client> {
        let payment_endpoint = config.validate()?;
        let check_endpoint = crate::config::endpoint(&config.base_url, CHECK_PAYMENT.path())?;
        let seamless_script = crate::seamless::Script::for_base_url(&config.base_url)?;
        let mut ua = USER_AGENT_PREFIX.to_owned();
        if let Some(info) = config.app_info.as_deref().filter(|i| !i.trim().is_empty()) {
            ua.push(' ');
            ua.push_str(info.trim());
        }
        let user_agent = HeaderValue::from_str(&ua)
            .map_err(|_| Error::validation("app_info", "must be printable ASCII"))?;
        let loopback_http = payment_endpoint.scheme() == "http";
        // Built once: reqwest's pools and the blocking path's sockets share it.
        let tls = Arc::new(tls_config(&config)?);
        let http = build_http(&config, &tls, loopback_http)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                tls,
                via_proxy: !loopback_http && crate::direct::proxy_configured(),
                pid: std::process::id(),
                child_http: std::sync::Mutex::new(None),
                config,
                payment: Endpoint::new(payment_endpoint, &ua),
                check: Endpoint::new(check_endpoint, &ua),
                seamless_script,
                user_agent,
            }),
        })
    }

    /// A client configured from `CINETPAY_*` environment variables
    /// (see [`ClientConfig::from_env`]).
    pub fn from_env() -> Result<Client> {
        Client::new(ClientConfig::from_env()?)
    }

    /// The HTTP client for the runtime this code runs on: the shared one, or, on a blocking
    /// caller's own runtime (see [`crate::blocking`]), that thread's. A connection belongs to the
    /// runtime that opened it, so one pool never serves two runtimes.
    fn http(&self) -> Result<reqwest::Client> {
        let inner = &*self.inner;
        let build = || {
            build_http(
                &inner.config,
                &inner.tls,
                inner.payment.url.scheme() == "http",
            )
        };
        if !crate::blocking::on_thread_runtime() {
            let pid = std::process::id();
            if pid == inner.pid {
                return Ok(inner.http.clone());
            }
            // A child of fork(): a pool of its own, the parent's left untouched (leaked).
            let mut child = inner
                .child_http
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((_, http)) = child.as_ref().filter(|(owner, _)| *owner == pid) {
                return Ok(http.clone());
            }
            if let Some(inherited) = child.take() {
                std::mem::forget(inherited);
            }
            let http = build()?;
            *child = Some((pid, http.clone()));
            return Ok(http);
        }
        THREAD_HTTP
            .try_with(|cell| {
                let mut clients = cell.borrow_mut();
                let me = Arc::as_ptr(&self.inner);
                // Pools of clients dropped since are released on this thread's next call.
                clients.retain(|(owner, _)| owner.strong_count() > 0);
                if let Some((_, http)) = clients.iter().find(|(owner, _)| owner.as_ptr() == me) {
                    return Ok(http.clone());
                }
                let http = build()?;
                clients.push((Arc::downgrade(&self.inner), http.clone()));
                Ok(http)
            })
            // The thread is exiting and its pools are gone (a call from another thread-local's
            // destructor): a client of its own, for this call only.
            .unwrap_or_else(|_| build())
    }

    /// The configuration this client was built with (its `Debug` masks the keys).
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The `User-Agent` this client sends.
    pub fn user_agent(&self) -> &str {
        self.inner.user_agent.to_str().unwrap_or(USER_AGENT_PREFIX)
    }

    /// Creates a payment and returns the link to send the customer to.
    ///
    /// The request is validated first; nothing is sent if it fails. A connection that fails
    /// before the request is sent is retried (same `transaction_id`) up to `max_retries` times
    /// with exponential backoff and jitter. Nothing else is retried: after a timeout the payment
    /// may exist, and the error says so ([`Error::request_sent`]).
    pub async fn init_payment(&self, request: &PaymentRequest) -> Result<PaymentLink> {
        request.validate()?;
        self.send_validated(request).await
    }

    /// `init_payment` without the validation, for callers that have just validated.
    pub(crate) async fn send_validated(&self, request: &PaymentRequest) -> Result<PaymentLink> {
        self.send_outbound(self.outbound_payment(request), decode_payment_response)
            .await
    }

    /// Asks CinetPay for a payment's status (`POST /v2/payment/check`), by `transaction_id` or
    /// payment token.
    ///
    /// A failed or pending payment is a status, not an error: see [`PaymentStatus::is_paid`] and
    /// [`PaymentStatus::is_final`]. Errors are for the request itself (a wrong apikey, an
    /// unknown payment: [`ErrorCode::PaymentNotFound`]). Checking changes nothing, so network
    /// failures, timeouts, 5xx and 429 are retried up to `max_retries` times with backoff and
    /// jitter, waiting as long as `Retry-After` asks when that is at most 10 s.
    pub async fn check_payment(&self, lookup: &PaymentLookup) -> Result<PaymentStatus> {
        lookup.validate()?;
        self.send_check(lookup).await
    }

    /// `check_payment` without the validation.
    pub(crate) async fn send_check(&self, lookup: &PaymentLookup) -> Result<PaymentStatus> {
        self.send_outbound(self.outbound_check(lookup), decode_check_response)
            .await
    }

    /// The handler flow for a notification, as CinetPay recommends it: verify the `x-token`
    /// (with the client's secret key), check that it is for this site_id, ask
    /// [`Client::check_payment`] for the status of record (never the notification's own
    /// fields), and decide whether the order is paid, failed or still pending, comparing the
    /// amount and currency with `expected`.
    ///
    /// A forged or altered notification is an error (`invalid_notification`) and nothing is
    /// checked. Notifications repeat: stop before calling this when the order is already paid.
    pub async fn handle_notification(
        &self,
        form: &NotificationForm,
        x_token: &str,
        expected: &Expected,
    ) -> Result<NotificationOutcome> {
        let lookup = self.verified_lookup(form, x_token)?;
        self.check_and_decide(form.clone(), &lookup, expected).await
    }

    /// The second half of [`Client::handle_notification`], for a notification already verified
    /// by [`Client::verified_lookup`]: the status of record, then the decision.
    pub(crate) async fn check_and_decide(
        &self,
        form: NotificationForm,
        lookup: &PaymentLookup,
        expected: &Expected,
    ) -> Result<NotificationOutcome> {
        let status = self.send_check(lookup).await?;
        Ok(NotificationOutcome::decide(form, status, expected))
    }

    /// Verifies a notification and returns the lookup of its transaction (no I/O).
    pub(crate) fn verified_lookup(
        &self,
        form: &NotificationForm,
        x_token: &str,
    ) -> Result<PaymentLookup> {
        let config = &self.inner.config;
        notification::verify(
            form,
            x_token,
            config.secret_key.as_ref().map(|s| s.expose()),
        )?;
        let site_id = form.get("cpm_site_id");
        if site_id != config.site_id {
            return Err(Error::new(
                ErrorCode::InvalidNotification,
                format!(
                    "the notification is for site_id {site_id:?}, not this client's ({:?}): \
                     it was sent for another account",
                    config.site_id
                ),
            ));
        }
        let lookup = PaymentLookup::TransactionId(form.get("cpm_trans_id").to_owned());
        lookup.validate().map_err(|_| {
            Error::validation(
                "cpm_trans_id",
                "is missing from the notification: CinetPay always sends it; pass the form \
                 as received",
            )
        })?;
        Ok(lookup)
    }

    /// Like [`Client::init_payment`], for a payload with CinetPay's field names (as in the
    /// docs). Its `apikey`/`site_id`, when present, must equal the client's: a payload cannot
    /// switch accounts, and the error does not echo either value.
    pub async fn init_payment_payload(&self, payload: &PaymentPayload) -> Result<PaymentLink> {
        self.check_payload_credentials(payload)?;
        self.init_payment(&payload.request).await
    }

    /// The objects a page passes to CinetPay's Seamless browser SDK (`CinetPay.setConfig` and
    /// `CinetPay.getCheckout`), after the initialisation's rules; `return_url` may be left
    /// empty (Seamless has no redirect back). Nothing is sent or recorded: store the order
    /// under its `transaction_id` before showing the page, and trust only the verified
    /// notification and [`Client::check_payment`], never the page's `waitResponse`. See
    /// [`crate::seamless`] for the script to load and why the apikey is visible in the page.
    pub fn seamless_checkout(&self, request: &PaymentRequest) -> Result<SeamlessCheckout> {
        crate::validate::seamless_request(request)?;
        let config = &self.inner.config;
        Ok(crate::seamless::checkout(
            request,
            &config.api_key,
            &config.site_id,
            &self.inner.seamless_script,
        ))
    }

    /// Like [`Client::seamless_checkout`], for a payload with CinetPay's field names (parsed
    /// by [`PaymentPayload::from_seamless_value`]); its `apikey`/`site_id`, when present, must
    /// equal the client's.
    pub fn seamless_checkout_payload(&self, payload: &PaymentPayload) -> Result<SeamlessCheckout> {
        self.check_payload_credentials(payload)?;
        self.seamless_checkout(&payload.request)
    }

    /// Applies every local rule to `payload` now, on the caller's thread, and returns it ready
    /// for [`Client::send_prepared`].
    ///
    /// Bindings use this split so that bad input is refused before any task is spawned: an
    /// asyncio or JavaScript caller gets its validation error without the runtime ever being
    /// involved.
    ///
    /// Takes the payload by value: a binding that has just parsed it hands it over without a
    /// copy.
    pub fn prepare_payload(&self, payload: PaymentPayload) -> Result<PreparedPayment> {
        self.check_payload_credentials(&payload)?;
        payload.request.validate()?;
        Ok(PreparedPayment {
            request: payload.request,
        })
    }

    /// Sends a payment that [`Client::prepare_payload`] accepted (see [`Client::init_payment`]
    /// for retries and errors).
    pub async fn send_prepared(&self, prepared: &PreparedPayment) -> Result<PaymentLink> {
        self.send_validated(&prepared.request).await
    }

    /// Checks a payload's `apikey`/`site_id` against the client's.
    pub fn check_payload_credentials(&self, payload: &PaymentPayload) -> Result<()> {
        let config = &self.inner.config;
        if payload
            .apikey
            .as_ref()
            .is_some_and(|k| k.expose() != config.api_key.expose())
        {
            return Err(Error::validation(
                "apikey",
                "differs from the client's api_key: remove apikey from the payload (the client \
                 sends its own) or build a client for that account",
            ));
        }
        if payload
            .site_id
            .as_ref()
            .is_some_and(|s| *s != config.site_id)
        {
            return Err(Error::validation(
                "site_id",
                "differs from the client's site_id: remove site_id from the payload (the client \
                 sends its own) or build a client for that account",
            ));
        }
        Ok(())
    }

    /// The request of a payment initialisation, for any transport.
    pub(crate) fn outbound_payment(&self, request: &PaymentRequest) -> Outbound {
        let config = &self.inner.config;
        Outbound {
            op: &INIT_PAYMENT,
            subject: format!("transaction {:?}", request.transaction_id),
            body: request.to_json(config.api_key.expose(), &config.site_id),
        }
    }

    /// The request of a status check, for any transport.
    pub(crate) fn outbound_check(&self, lookup: &PaymentLookup) -> Outbound {
        let config = &self.inner.config;
        Outbound {
            op: &CHECK_PAYMENT,
            subject: lookup.describe(),
            body: lookup.to_json(config.api_key.expose(), &config.site_id),
        }
    }

    /// The whole HTTP request of `op` with `body`, for the transports that write it themselves.
    pub(crate) fn request_bytes(&self, op: &Operation, body: &[u8]) -> Vec<u8> {
        crate::framing::request_with(&self.endpoint_of(op).head, body)
    }

    /// The URL of an operation sent over HTTP.
    pub(crate) fn endpoint(&self, op: &Operation) -> &Url {
        &self.endpoint_of(op).url
    }

    fn endpoint_of(&self, op: &Operation) -> &Endpoint {
        if op.path() == CHECK_PAYMENT.path() {
            &self.inner.check
        } else {
            &self.inner.payment
        }
    }

    /// The TLS settings every transport of this client uses.
    pub(crate) fn tls(&self) -> &Arc<rustls::ClientConfig> {
        &self.inner.tls
    }

    /// Whether calls must go through reqwest, the only transport that honours a proxy set in
    /// the environment.
    pub(crate) fn via_proxy(&self) -> bool {
        self.inner.via_proxy
    }

    /// What the sending loop does after one attempt: the result, or a retry after a delay as the
    /// operation's [`RetryPolicy`] allows. Every transport goes through here, so retries and
    /// the redaction of the apikey from errors are the same whichever moved the bytes.
    pub(crate) fn after_attempt<T>(
        &self,
        op: &'static Operation,
        result: Result<T>,
        attempt: u32,
    ) -> std::result::Result<Result<T>, Duration> {
        let config = &self.inner.config;
        let error = match result {
            Ok(value) => return Ok(Ok(value)),
            Err(e) => e.redact(config.api_key.expose()),
        };
        match retry_delay(op.retry, &error, attempt, config) {
            Some(delay) => Err(delay),
            None => Ok(Err(error)),
        }
    }

    /// Sends one operation's request through reqwest, retrying as its [`RetryPolicy`] allows.
    async fn post<T>(&self, call: &Call<'_>, body: Bytes, decode: Decoder<T>) -> Result<T> {
        let inner = &*self.inner;
        let mut attempt: u32 = 0;
        loop {
            let sent = self
                .http()?
                .post(call.url.clone())
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .header(USER_AGENT, inner.user_agent.clone())
                .body(body.clone())
                .send()
                .await;
            let result = match sent {
                Ok(response) => self.read(response, call, decode).await,
                Err(e) => Err(self.transport_error(e, call, attempt)),
            };
            match self.after_attempt(call.op, result, attempt) {
                Ok(done) => return done,
                Err(delay) => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Sends `out` through reqwest (see [`Client::post`]).
    pub(crate) async fn send_outbound<T>(&self, out: Outbound, decode: Decoder<T>) -> Result<T> {
        self.post(&out.call(self), Bytes::from(out.body), decode)
            .await
    }

    /// Sends `out` on the calling thread, blocking (see [`Client::post_blocking`]).
    pub(crate) fn send_blocking<T>(&self, out: &Outbound, decode: Decoder<T>) -> Result<T> {
        let request = self.request_bytes(out.op, &out.body);
        self.post_blocking(&out.call(self), &request, decode)
    }

    /// Sends one operation's request on the calling thread, blocking, retrying as its
    /// [`RetryPolicy`] allows: each attempt on the thread's kept connection for this client
    /// (`crate::direct`, with `request`'s bytes built once for every attempt), a retry's delay
    /// slept. No runtime and no other thread is involved, so a call costs no cross-thread
    /// wake-up. The blocking callers' transport: the Rust [`crate::blocking::Client`], and,
    /// through [`crate::bridge::Exchange`], Python's `Client`, C and PHP. Not with a proxy,
    /// which only reqwest honours ([`Client::via_proxy`]).
    pub(crate) fn post_blocking<T>(
        &self,
        call: &Call<'_>,
        request: &[u8],
        decode: impl Fn(u16, Option<Duration>, &[u8]) -> Result<T>,
    ) -> Result<T> {
        let mut attempt: u32 = 0;
        loop {
            let result = match self.post_direct(call.url, request) {
                Ok(answer) => decode(answer.status, answer.retry_after, &answer.body),
                Err(failure) => Err(self.failure_error(failure, call, attempt)),
            };
            match self.after_attempt(call.op, result, attempt) {
                Ok(done) => return done,
                Err(delay) => {
                    std::thread::sleep(delay);
                    attempt += 1;
                }
            }
        }
    }

    async fn read<T>(
        &self,
        mut response: reqwest::Response,
        call: &Call<'_>,
        decode: Decoder<T>,
    ) -> Result<T> {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        // The same error as the blocking path's (`failure_error`).
        let too_large = || self.failure_error(crate::direct::Failure::TooLarge(status), call, 0);
        let declared = response.content_length().unwrap_or(0);
        if declared > MAX_RESPONSE_BYTES as u64 {
            return Err(too_large());
        }
        // The declared length is at most the cap here, so this cannot allocate more than 1 MiB.
        let mut body = Vec::with_capacity(declared as usize);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(self.transport_error(e, call, 0).with_http_status(status));
                }
            }
        }
        decode(status, retry_after, &body)
    }

    /// One attempt on this thread's kept-alive connection for this client.
    pub(crate) fn post_direct(
        &self,
        url: &Url,
        request: &[u8],
    ) -> std::result::Result<crate::direct::Answer, crate::direct::Failure> {
        let inner = &*self.inner;
        let target = crate::direct::Target {
            url,
            tls: &inner.tls,
            connect_timeout: inner.config.connect_timeout,
            timeout: inner.config.timeout,
        };
        let me = Arc::as_ptr(&self.inner);
        let kept = THREAD_CONNECTIONS
            .try_with(|cell| {
                let (owner_pid, conns) = &mut *cell.borrow_mut();
                let pid = std::process::id();
                if *owner_pid != pid {
                    // A child of `fork()` (multiprocessing, gunicorn --preload): the inherited
                    // connections are the parent's, which it still uses. Closing the child's
                    // copies of plain sockets leaves the parent's open; nothing is sent.
                    conns.clear();
                    *owner_pid = pid;
                }
                // Connections of clients dropped since are closed on this thread's next call.
                conns.retain(|(owner, _)| owner.strong_count() > 0);
                conns
                    .iter_mut()
                    .find(|(owner, _)| owner.as_ptr() == me)
                    .and_then(|(_, conn)| conn.take())
            })
            .ok()
            .flatten();
        let (result, keep) = crate::direct::post(&target, kept, request);
        if let Some(conn) = keep {
            let _ = THREAD_CONNECTIONS.try_with(|cell| {
                let (_, conns) = &mut *cell.borrow_mut();
                match conns.iter_mut().find(|(owner, _)| owner.as_ptr() == me) {
                    Some((_, slot)) => *slot = Some(conn),
                    None => conns.push((Arc::downgrade(&self.inner), Some(conn))),
                }
            });
        }
        result
    }

    fn transport_error(&self, e: reqwest::Error, call: &Call<'_>, retries: u32) -> Error {
        use crate::direct::Failure;
        let cause = root_cause(&e);
        let failure = if let Some(tls) = tls_failure(&e) {
            Failure::Tls(tls)
        } else if e.is_connect() {
            if e.is_timeout() || cause.contains("timed out") {
                Failure::ConnectTimeout
            } else {
                Failure::Connect(cause)
            }
        } else if e.is_timeout() {
            Failure::Timeout
        } else {
            Failure::Broken(cause)
        };
        self.failure_error(failure, call, retries)
            .with_source(e.without_url())
    }

    /// The error for a failed attempt, the same from either path: what happened, on which
    /// host, whether the request was sent, and what to do now.
    pub(crate) fn failure_error(
        &self,
        failure: crate::direct::Failure,
        call: &Call<'_>,
        retries: u32,
    ) -> Error {
        use crate::direct::Failure;
        let config = &self.inner.config;
        // Name the host tried: "could not connect" alone does not tell a wrong base_url from a
        // firewall.
        let host = match (call.url.host_str(), call.url.port_or_known_default()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => call.url.as_str().to_owned(),
        };
        let retried = if retries > 0 {
            format!(" after {} attempts", retries + 1)
        } else {
            String::new()
        };
        // What the caller should do now depends on whether the operation changes anything.
        let (not_sent, maybe_done) = match call.op.retry {
            RetryPolicy::BeforeSend => (
                "the request was not sent, so retrying with the same transaction_id is safe"
                    .to_owned(),
                format!(
                    "the payment may have been created: check {} before initialising it again",
                    call.subject
                ),
            ),
            _ => (
                "the request was not sent; calling again is safe".to_owned(),
                format!(
                    "{} changes nothing at CinetPay, so calling it again is safe",
                    call.op.name
                ),
            ),
        };
        match failure {
            Failure::Tls(tls) => Error::new(
                ErrorCode::Tls,
                format!("TLS with {host} failed: {tls}{retried}; {not_sent}"),
            )
            .with_request_sent(false),
            Failure::ConnectTimeout => Error::new(
                ErrorCode::Timeout,
                format!(
                    "could not connect to {host} within {:?}{retried}; {not_sent}",
                    config.connect_timeout
                ),
            )
            .with_request_sent(false),
            Failure::Connect(cause) => Error::new(
                ErrorCode::Network,
                format!("could not connect to {host} ({cause}){retried}; {not_sent}"),
            )
            .with_request_sent(false),
            Failure::Timeout => Error::new(
                ErrorCode::Timeout,
                format!(
                    "no complete response from {host} within {:?}{retried}; {maybe_done}",
                    config.timeout
                ),
            )
            .with_request_sent(true),
            Failure::Broken(cause) => Error::new(
                ErrorCode::Network,
                format!(
                    "the connection to {host} broke after the request was sent{retried} \
                     ({cause}); {maybe_done}"
                ),
            )
            .with_request_sent(true),
            Failure::TooLarge(status) => Error::new(
                ErrorCode::ResponseTooLarge,
                format!("HTTP {status}: the response is larger than {MAX_RESPONSE_BYTES} bytes"),
            )
            .with_http_status(status)
            .with_request_sent(true),
        }
    }
}

/// Decodes one response of an operation: HTTP status, `Retry-After`, body.
pub(crate) type Decoder<T> = fn(u16, Option<Duration>, &[u8]) -> Result<T>;

/// One HTTP call, for the retry loop and its messages.
pub(crate) struct Call<'a> {
    op: &'static Operation,
    url: &'a Url,
    /// What the call is about, for messages: `transaction "ORDER-1"`.
    subject: String,
}

/// An operation's request before any transport: what it is, what it is about, its JSON body.
pub(crate) struct Outbound {
    pub op: &'static Operation,
    pub subject: String,
    pub body: Vec<u8>,
}

impl Outbound {
    /// The call as the retry loop and the error messages see it.
    pub(crate) fn call<'a>(&self, client: &'a Client) -> Call<'a> {
        Call {
            op: self.op,
            url: client.endpoint(self.op),
            subject: self.subject.clone(),
        }
    }
}

/// The longest `Retry-After` an idempotent call waits for; a longer one ends the call with the
/// `too_many_requests` error, which carries the delay.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// How long to wait before retrying after `error`, or `None` to give up.
fn retry_delay(
    policy: RetryPolicy,
    error: &Error,
    attempt: u32,
    config: &ClientConfig,
) -> Option<Duration> {
    if attempt >= config.max_retries {
        return None;
    }
    let initial = config.retry_initial_delay;
    match policy {
        // Only a request that never left: anything later may have created the payment.
        RetryPolicy::BeforeSend => (error.request_sent() == Some(false)
            && matches!(error.code(), ErrorCode::Network | ErrorCode::Timeout))
        .then(|| backoff(initial, attempt)),
        RetryPolicy::Idempotent => match error.code() {
            ErrorCode::Network | ErrorCode::Timeout | ErrorCode::ServerError => {
                Some(backoff(initial, attempt))
            }
            ErrorCode::TooManyRequests => match error.retry_after() {
                Some(wait) if wait > MAX_RETRY_AFTER => None,
                Some(wait) => Some(wait.max(backoff(initial, attempt))),
                None => Some(backoff(initial, attempt)),
            },
            _ => None,
        },
        _ => None,
    }
}

thread_local! {
    /// The HTTP clients of the blocking callers' own runtimes, one per client used on this
    /// thread (see [`Client::http`]).
    static THREAD_HTTP: std::cell::RefCell<Vec<(std::sync::Weak<Inner>, reqwest::Client)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

thread_local! {
    /// The blocking callers' kept-alive connections, one per client used on this thread (see
    /// [`Client::post_direct`]), with the process they belong to.
    #[allow(clippy::type_complexity)]
    static THREAD_CONNECTIONS: std::cell::RefCell<(u32, Vec<(std::sync::Weak<Inner>, Option<crate::direct::Connection>)>)> =
        const { std::cell::RefCell::new((0, Vec::new())) };
}

/// Whether this thread's runtime holds reqwest pools (whose idle connections need a moment to
/// notice a close before reuse).
pub(crate) fn thread_has_pools() -> bool {
    THREAD_HTTP
        .try_with(|cell| cell.try_borrow().is_ok_and(|pools| !pools.is_empty()))
        .unwrap_or(false)
}

/// Drops this thread's pools (their runtime is being replaced after a panic).
pub(crate) fn drop_thread_pools() {
    let _ = THREAD_HTTP.try_with(|cell| cell.borrow_mut().clear());
    let _ = THREAD_CONNECTIONS.try_with(|cell| cell.borrow_mut().1.clear());
}

/// Leaves this thread's pools to the parent process after a `fork()`: their sockets are the
/// parent's, and closing them here would deregister them from the parent's epoll instance.
pub(crate) fn forget_thread_pools() {
    let _ = THREAD_HTTP.try_with(|cell| std::mem::forget(std::mem::take(&mut *cell.borrow_mut())));
    // Plain sockets: closing the child's copies leaves the parent's connections open.
    let _ = THREAD_CONNECTIONS.try_with(|cell| cell.borrow_mut().1.clear());
}

/// An HTTP client with the SDK's settings: bundled roots, the timeouts, no redirects, and no
/// proxy for the loopback `http://` base URLs (the emulator).
fn build_http(
    config: &ClientConfig,
    tls: &rustls::ClientConfig,
    loopback_http: bool,
) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls.clone())
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(60))
        // A redirect would re-send the body, apikey included, to another URL.
        .redirect(reqwest::redirect::Policy::none());
    if loopback_http {
        builder = builder.no_proxy();
    }
    builder.build().map_err(|e| {
        Error::new(
            ErrorCode::Internal,
            format!("could not build the HTTP client: {e}"),
        )
    })
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Stripe's schedule: `initial × 2^attempt`, capped, then jittered into [50 %, 100 %] but never
/// under `initial`.
fn backoff(initial: Duration, attempt: u32) -> Duration {
    let base = initial
        .saturating_mul(1u32 << attempt.min(16))
        .min(MAX_RETRY_DELAY);
    base.mul_f64(0.5 * (1.0 + fastrand::f64()))
        .max(initial.min(base))
}

/// rustls with the ring provider and Mozilla's roots bundled in the binary: stale system CA
/// stores are the documented cause of "certificate has expired" failures, and no
/// process-global crypto provider is installed that could clash with the host application's.
/// `ca_certificates` adds authorities to those roots, for that client only.
fn tls_config(config: &ClientConfig) -> Result<rustls::ClientConfig> {
    static TLS: OnceLock<std::result::Result<rustls::ClientConfig, String>> = OnceLock::new();
    let build = |extra: Vec<rustls::pki_types::CertificateDer<'static>>| {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for cert in extra {
            roots.add(cert).map_err(|e| e.to_string())?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    };
    let extra = config.extra_roots()?;
    let built = if extra.is_empty() {
        TLS.get_or_init(|| build(Vec::new())).clone()
    } else {
        build(extra)
    };
    built.map_err(|e| Error::new(ErrorCode::Internal, format!("could not set up TLS: {e}")))
}

/// The TLS failure somewhere in `e`'s chain, if the handshake is what failed. rustls's error
/// travels inside `io::Error`s (nested ones, with reqwest's connector), whose `source()` skips
/// the error they wrap, so an `io::Error` is opened with `get_ref` instead.
fn tls_failure(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        cur = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let initial = Duration::from_millis(500);
        for attempt in 0..20 {
            let d = backoff(initial, attempt);
            assert!(d >= initial && d <= MAX_RETRY_DELAY, "{attempt}: {d:?}");
        }
        let d = backoff(initial, 3);
        assert!(
            d >= Duration::from_secs(2) && d <= Duration::from_secs(4),
            "{d:?}"
        );
    }

    #[test]
    fn user_agent_names_sdk_and_app_info() {
        let c = Client::new(
            ClientConfig::new("k", "1").app_info("cinetpay-python/0.1.0 CPython/3.11.7"),
        )
        .expect("client");
        assert_eq!(
            c.user_agent(),
            format!("{USER_AGENT_PREFIX} cinetpay-python/0.1.0 CPython/3.11.7")
        );
        assert!(Client::new(ClientConfig::new("k", "1").app_info("é")).is_err());
    }

    #[test]
    fn a_bad_ca_certificates_is_refused_naming_the_field() {
        for pem in [
            "/etc/ssl/ca.pem",
            "-----BEGIN CERTIFICATE-----\nnot base64\n",
        ] {
            let e = Client::new(ClientConfig::new("k", "1").ca_certificates(pem)).expect_err(pem);
            assert_eq!(e.code(), ErrorCode::Validation, "{pem}: {e}");
            assert_eq!(e.field(), Some("ca_certificates"), "{pem}: {e}");
        }
    }

    #[test]
    fn debug_hides_keys() {
        let c = Client::new(ClientConfig::new("APIKEY-XYZ", "445160").secret_key("SEC-XYZ"))
            .expect("client");
        let dbg = format!("{c:?} {:?}", c.config());
        assert!(
            !dbg.contains("APIKEY-XYZ") && !dbg.contains("SEC-XYZ"),
            "{dbg}"
        );
    }
}
