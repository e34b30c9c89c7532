//! The native half of the `cinetpay` npm package.
//!
//! Thin by design: the JavaScript layer turns the payload into JSON text, the core parses,
//! validates and sends it, and errors travel back as a JSON object in the error's message, which
//! `errors.js` turns into the `CinetPayError` classes.

use cinetpay::{Client, ClientConfig, Error as CoreError, PaymentPayload};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// A created payment: send the customer to `payment_url`.
#[napi(object)]
pub struct PaymentLink {
    /// CinetPay's token for this payment.
    #[napi(js_name = "payment_token")]
    pub payment_token: String,
    /// The hosted checkout page to redirect the customer to.
    #[napi(js_name = "payment_url")]
    pub payment_url: String,
    /// CinetPay's id for this API response (quote it to CinetPay support).
    #[napi(js_name = "api_response_id")]
    pub api_response_id: Option<String>,
}

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

/// The core's error as the JSON object `errors.js` reads, carried in the JS error's message.
fn to_napi(e: &CoreError) -> Error {
    Error::new(Status::GenericFailure, format!("cinetpay:{}", e.to_json()))
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

    /// Creates a payment from a JSON object with CinetPay's field names.
    //
    // The payload is parsed and validated here, on the JavaScript thread: a bad one throws
    // before anything is spawned. The spawned future owns a clone of the core client (an `Arc`)
    // and nothing else: it never borrows this object. An `async fn(&self)` would, and when a
    // worker thread is terminated its objects are finalized while such futures still run on the
    // runtime's threads, which then read freed memory (issue 8).
    #[napi(catch_unwind, ts_return_type = "Promise<PaymentLink>")]
    pub fn init_payment<'env>(
        &self,
        env: &'env Env,
        payload_json: String,
    ) -> Result<PromiseRaw<'env, PaymentLink>> {
        let payload = PaymentPayload::from_json_str(&payload_json).map_err(|e| to_napi(&e))?;
        let prepared = self
            .inner
            .prepare_payload(&payload)
            .map_err(|e| to_napi(&e))?;
        let client = self.inner.clone();
        env.spawn_future(async move {
            let link = client
                .send_prepared(&prepared)
                .await
                .map_err(|e| to_napi(&e))?;
            Ok(PaymentLink {
                payment_token: link.payment_token,
                payment_url: link.payment_url,
                api_response_id: link.api_response_id,
            })
        })
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
