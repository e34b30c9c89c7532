//! The native half of the `cinetpay` npm package.
//!
//! Thin by design: the JavaScript layer turns the payload into JSON text, the core parses,
//! validates and sends it, and a call's errors travel back as the core's error object in its
//! outcome (`{ ok: false, error }`), which `errors.js` turns into the `CinetPayError` classes. Only
//! the constructor, which can only throw, carries the object as JSON in the error's message.

use std::panic::AssertUnwindSafe;

use cinetpay::{Client, Error as CoreError, bridge};
use futures_util::FutureExt;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

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

/// The native client; `index.js` wraps it as `Client`.
#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    /// A client from a settings object as JSON text, in the core's one schema
    /// (`cinetpay::settings`); `index.js` maps its camelCase options onto it one to one.
    #[napi(constructor, catch_unwind)]
    pub fn new(settings_json: String) -> Result<Self> {
        Self::build(&settings_json, false)
    }

    /// Like the constructor, on top of the `CINETPAY_*` environment variables.
    #[napi(factory, catch_unwind)]
    pub fn from_env(settings_json: String) -> Result<Self> {
        Self::build(&settings_json, true)
    }

    fn build(settings_json: &str, from_env: bool) -> Result<Self> {
        bridge::parse_input(settings_json)
            .and_then(|settings| bridge::client_from_settings(&settings, from_env))
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
        // A local operation (notifications) is answered at once, with no promise.
        if let Some(value) = prepared.ready() {
            return Ok(Either::B(outcome(Ok(value.clone()))));
        }
        let client = self.inner.clone();
        env.spawn_future(async move {
            // A panic (a bug of the core) settles the promise as an `internal` error, the same
            // object as on every other path, rather than napi's bare "Panic in async function".
            let sent = AssertUnwindSafe(prepared.send(&client))
                .catch_unwind()
                .await
                .unwrap_or_else(|_| {
                    Err(CoreError::new(
                        cinetpay::ErrorCode::Internal,
                        "the request task panicked; please report this bug",
                    ))
                });
            Ok(outcome(sent))
        })
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
