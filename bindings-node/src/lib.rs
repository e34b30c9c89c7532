//! The native half of the `cinetpay` npm package.
//!
//! Thin by design: the JavaScript layer turns the payload into JSON text, the core parses,
//! validates and sends it, and errors travel back as a JSON object in the error's message, which
//! `errors.js` turns into the `CinetPayError` classes.

use cinetpay::{Client, ClientConfig, Error as CoreError, bridge};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

/// Client settings, already type-checked by `index.js`.
#[napi(object)]
pub struct NativeConfig {
    /// apikey (back-office, menu Intégration).
    pub api_key: Option<String>,
    /// site_id.
    pub site_id: Option<String>,
    /// Secret key, for notifications.
    pub secret_key: Option<String>,
    /// API base URL.
    pub base_url: Option<String>,
    /// Per-attempt timeout in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Connect timeout in milliseconds.
    pub connect_timeout_ms: Option<f64>,
    /// Retries of connections that failed before sending.
    pub max_retries: Option<f64>,
    /// Appended to the User-Agent.
    pub app_info: Option<String>,
}

/// The core's error as the JSON object `errors.js` reads, carried in the JS error's message
/// (for the synchronous constructors, which can only throw).
fn to_napi(e: &CoreError) -> Error {
    Error::new(Status::GenericFailure, format!("cinetpay:{}", e.to_json()))
}

/// A call's outcome as the object `index.js` reads: the error travels as an object.
fn outcome(result: cinetpay::Result<Value>) -> Value {
    match result {
        Ok(value) => serde_json::json!({ "ok": true, "value": value }),
        Err(e) => serde_json::json!({ "ok": false, "error": e.to_json() }),
    }
}

/// What `NativeClient.call` resolves to.
#[napi(object)]
pub struct CallOutcome {
    /// Whether the call succeeded.
    pub ok: bool,
    /// The operation's result, when `ok`.
    pub value: Option<serde_json::Value>,
    /// The core's error object, when not `ok`.
    pub error: Option<serde_json::Value>,
}

fn millis(
    field: &str,
    ms: Option<f64>,
    default: std::time::Duration,
) -> cinetpay::Result<std::time::Duration> {
    match ms {
        None => Ok(default),
        Some(ms) => std::time::Duration::try_from_secs_f64(ms / 1000.0)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                CoreError::validation(
                    field,
                    format!("must be a positive number of milliseconds, got {ms}"),
                )
            }),
    }
}

fn build(base: ClientConfig, c: NativeConfig) -> cinetpay::Result<Client> {
    let mut config = base;
    if let Some(k) = c.secret_key {
        config = config.secret_key(k);
    }
    if let Some(u) = c.base_url {
        config = config.base_url(u);
    }
    config.timeout = millis("timeoutMs", c.timeout_ms, config.timeout)?;
    config.connect_timeout = millis(
        "connectTimeoutMs",
        c.connect_timeout_ms,
        config.connect_timeout,
    )?;
    if let Some(r) = c.max_retries {
        if r.fract() != 0.0 || !(0.0..=f64::from(cinetpay::MAX_RETRIES_LIMIT)).contains(&r) {
            return Err(CoreError::validation(
                "maxRetries",
                format!(
                    "must be an integer from 0 to {}, got {r}",
                    cinetpay::MAX_RETRIES_LIMIT
                ),
            ));
        }
        config.max_retries = r as u32;
    }
    config.app_info = c.app_info;
    Client::new(config)
}

/// The native client; `index.js` wraps it as `Client`.
#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    /// A client from explicit settings.
    #[napi(constructor, catch_unwind)]
    pub fn new(config: NativeConfig) -> Result<Self> {
        let base = ClientConfig::new(
            config.api_key.clone().unwrap_or_default(),
            config.site_id.clone().unwrap_or_default(),
        );
        build(base, config)
            .map(|inner| NativeClient { inner })
            .map_err(|e| to_napi(&e))
    }

    /// A client from the `CINETPAY_*` environment variables, with optional overrides.
    #[napi(factory, catch_unwind)]
    pub fn from_env(config: NativeConfig) -> Result<Self> {
        ClientConfig::from_env()
            .and_then(|base| build(base, config))
            .map(|inner| NativeClient { inner })
            .map_err(|e| to_napi(&e))
    }

    /// Calls `operation` (one of `operations()`) with a JSON object. Returns
    /// `{ ok: true, value }` through a promise, or `{ ok: false, error }` with the core's error
    /// object; a request refused by a local rule gets that answer at once, with no promise.
    //
    // The payload is parsed and validated here, on the JavaScript thread, so a bad request never
    // costs a hop to another thread. The spawned future owns a clone of the core client (an
    // `Arc`) and nothing else: it never borrows this object. An `async fn(&self)` would, and
    // when a worker thread is terminated its objects are finalized while such futures still run
    // on the runtime's threads, which then read freed memory (issue 8).
    #[napi(catch_unwind, ts_return_type = "Promise<CallOutcome> | CallOutcome")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        operation: String,
        payload_json: String,
    ) -> Result<Either<PromiseRaw<'env, Value>, Value>> {
        let prepared = serde_json::from_str::<Value>(&payload_json)
            .map_err(|e| CoreError::validation("request", format!("is not a JSON object ({e})")))
            .and_then(|input| bridge::prepare(&self.inner, &operation, &input));
        let prepared = match prepared {
            Ok(p) => p,
            Err(e) => return Ok(Either::B(outcome(Err(e)))),
        };
        let client = self.inner.clone();
        env.spawn_future(async move { Ok(outcome(prepared.send(&client).await)) })
            .map(Either::A)
    }

    /// The site_id this client sends.
    #[napi(getter)]
    pub fn site_id(&self) -> String {
        self.inner.config().site_id.clone()
    }

    /// The API base URL.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url.clone()
    }

    /// The User-Agent this client sends.
    #[napi(getter)]
    pub fn user_agent(&self) -> String {
        self.inner.user_agent().to_owned()
    }
}

/// The core's schema (operations, fields, required fields, currencies, channels, langs), which
/// the tests hold `index.d.ts` to.
#[napi]
pub fn schema() -> Value {
    bridge::schema()
}

/// The operations `NativeClient.call` accepts, from the core's table.
#[napi]
pub fn operations() -> Vec<&'static str> {
    bridge::operations()
}

/// The stable error codes, in the core's order.
#[napi]
pub fn error_codes() -> Vec<&'static str> {
    cinetpay::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect()
}

/// The family of each stable error code, from the core's error table (`errors.js` picks the
/// class by family).
#[napi]
pub fn error_families() -> std::collections::HashMap<&'static str, &'static str> {
    cinetpay::ERROR_TABLE
        .iter()
        .map(|row| (row.name, row.family.as_str()))
        .collect()
}

/// The payload field names CinetPay's docs define.
#[napi]
pub fn fields() -> Vec<&'static str> {
    cinetpay::FIELDS.to_vec()
}

/// The core's version.
#[napi]
pub fn core_version() -> &'static str {
    cinetpay::VERSION
}
