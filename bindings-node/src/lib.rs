//! The native half of the `cinetpay` npm package.
//!
//! Thin by design: the JavaScript layer turns the payload into JSON text, the core parses,
//! validates and sends it, and a call's errors travel back as the core's error object in its
//! outcome (`{ ok: false, error }`), which `errors.js` turns into the `CinetPayError` classes. Only
//! the constructor, which can only throw, carries the object as JSON in the error's message.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
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

/// An outcome known at once (a refusal by a local rule, a local operation's result) as JSON
/// text, which `index.js` parses: V8 builds the error object (12 fields) from text faster than
/// napi builds it property by property, and a refusal must cost well under 20 µs (issue 10:
/// the native `begin` of a refusal went from 8 to 11 µs to 5 to 6.5 µs, BENCHMARKS.md).
fn outcome_text(result: cinetpay::Result<Value>) -> String {
    outcome(result).to_string()
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
    /// The calls `transport.js` is running, by id. Held here rather than as one JS object each:
    /// a wrapped object per call costs napi a reference and a finalizer, several µs on every
    /// call's path. A call leaves when its last step is taken (or it is abandoned).
    calls: HashMap<u32, bridge::Exchange, BuildHasherDefault<IdHasher>>,
    next_id: u32,
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
            .map(|inner| NativeClient {
                inner,
                calls: HashMap::default(),
                next_id: 0,
            })
            .map_err(|e| to_napi(&e))
    }

    /// Parses the payload `index.js` turned into JSON text and applies every local rule: the
    /// first step of both transports (`call` and `begin`), on the JavaScript thread.
    fn prepare(&self, operation: &str, payload_json: &str) -> cinetpay::Result<bridge::Prepared> {
        let input = serde_json::from_str::<Value>(payload_json)
            .map_err(|e| CoreError::validation("request", format!("is not a JSON object ({e})")))?;
        bridge::prepare(&self.inner, operation, &input)
    }

    /// Calls `operation` (one of `operations()`) with a JSON object. Returns
    /// `{ ok: true, value }` through a promise, or `{ ok: false, error }` with the core's error
    /// object; a request refused by a local rule, or a local operation, gets that outcome at
    /// once as JSON text, with no promise.
    //
    // The payload is parsed and validated here, on the JavaScript thread, so a bad request never
    // costs a hop to another thread. The spawned future owns a clone of the core client (an
    // `Arc`) and nothing else: it never borrows this object. An `async fn(&self)` would, and
    // when a worker thread is terminated its objects are finalized while such futures still run
    // on the runtime's threads, which then read freed memory (issue 8).
    #[napi(catch_unwind, ts_return_type = "Promise<CallOutcome> | string")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        operation: String,
        payload_json: String,
    ) -> Result<Either<PromiseRaw<'env, Value>, String>> {
        let prepared = match self.prepare(&operation, &payload_json) {
            Ok(p) => p,
            Err(e) => return Ok(Either::B(outcome_text(Err(e)))),
        };
        // A local operation (notifications) is answered at once, with no promise.
        if let Some(value) = prepared.ready() {
            return Ok(Either::B(outcome_text(Ok(value.clone()))));
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

    /// Like `call`, for the transport of `transport.js`, which moves the bytes on the
    /// JavaScript thread: a local operation's outcome (or a refusal) at once as JSON text, else
    /// the id of the call to run with the methods below. No thread of the SDK is involved (see
    /// the core's `exchange` module).
    #[napi(ts_return_type = "number | string")]
    pub fn begin(&mut self, operation: String, payload_json: String) -> Either<u32, String> {
        // A panic (a bug of the core) is the `internal` error object, as on every other path,
        // rather than a bare Error thrown at the caller.
        std::panic::catch_unwind(AssertUnwindSafe(|| self.start(&operation, &payload_json)))
            .unwrap_or_else(|_| {
                Either::B(outcome_text(Err(CoreError::new(
                    cinetpay::ErrorCode::Internal,
                    "the call panicked; please report this bug",
                ))))
            })
    }

    fn start(&mut self, operation: &str, payload_json: &str) -> Either<u32, String> {
        match self.prepare(operation, payload_json) {
            Err(e) => Either::B(outcome_text(Err(e))),
            Ok(prepared) => match prepared.start(&self.inner) {
                bridge::Start::Ready(value) => Either::B(outcome_text(Ok(value))),
                bridge::Start::Exchange(exchange) => {
                    let id = self.next_id;
                    self.next_id = self.next_id.wrapping_add(1);
                    self.calls.insert(id, *exchange);
                    Either::A(id)
                }
            },
        }
    }

    /// Where `begin`'s calls connect: `{ host, port, connect_timeout_ms, timeout_ms }`
    /// (the same for every operation: they share `base_url`).
    #[napi(
        getter,
        ts_return_type = "{ host: string; port: number; connect_timeout_ms: number; timeout_ms: number }"
    )]
    pub fn target(&self) -> Value {
        let target = bridge::Target::of(&self.inner);
        serde_json::json!({
            "host": target.host,
            "port": target.port,
            "connect_timeout_ms": target.connect_timeout.as_millis() as u64,
            "timeout_ms": target.timeout.as_millis() as u64,
        })
    }

    /// A new connection's state for call `id`, or the step (JSON text) after failing to set
    /// it up.
    #[napi(catch_unwind)]
    pub fn wire(&mut self, id: u32) -> Either<NativeWire, String> {
        let step = match self.calls.get_mut(&id) {
            None => unknown_call(id),
            Some(call) => match call.wire() {
                Ok(inner) => return Either::A(NativeWire { inner }),
                Err(failure) => call.failed(failure),
            },
        };
        Either::B(self.step(id, step, false))
    }

    /// What to write on `wire` to send call `id`'s request: the request itself, as text (the
    /// fastest way to a socket), or TLS records (a Buffer). Throws only if rustls refuses
    /// plaintext, which it does not for a request of this size (a bug, reported as `internal`).
    #[napi(catch_unwind)]
    pub fn send(&mut self, id: u32, wire: &mut NativeWire) -> Result<Either<String, Buffer>> {
        let call = self
            .calls
            .get(&id)
            .ok_or_else(|| Error::new(Status::InvalidArg, format!("no call {id}")))?;
        match wire.inner.send(call.request()) {
            Ok(bridge::Outgoing::Request) => Ok(Either::A(
                // Built from JSON text and ASCII headers: always UTF-8.
                String::from_utf8_lossy(call.request()).into_owned(),
            )),
            Ok(bridge::Outgoing::Records(bytes)) => Ok(Either::B(bytes.into())),
            Err(failure) => Err(Error::new(
                Status::GenericFailure,
                format!("rustls refused the request: {failure:?}"),
            )),
        }
    }

    /// The first `length` bytes of `buffer` arrived on `wire` for call `id`: the step (JSON
    /// text) once the answer is complete or the connection failed, else null (see
    /// `wire.outgoing()` during a TLS handshake).
    //
    // A length beside the buffer, because `transport.js` reads into one buffer it reuses
    // (`onread`): no Buffer view is made per read.
    #[napi(catch_unwind)]
    pub fn receive(
        &mut self,
        id: u32,
        wire: &mut NativeWire,
        buffer: &[u8],
        length: u32,
    ) -> Option<String> {
        let chunk = &buffer[..buffer.len().min(length as usize)];
        let (step, keep) = match self.calls.get_mut(&id) {
            None => (unknown_call(id), false),
            Some(call) => call.receive(&mut wire.inner, chunk, false)?,
        };
        Some(self.step(id, step, keep))
    }

    /// The server closed `wire` during call `id`: the step (a close-delimited answer ends
    /// here).
    #[napi(catch_unwind)]
    pub fn closed(&mut self, id: u32, wire: &mut NativeWire) -> String {
        let step = match self.calls.get_mut(&id) {
            None => unknown_call(id),
            Some(call) => match call.receive(&mut wire.inner, &[], true) {
                Some((step, keep)) => return self.step(id, step, keep),
                // An end of stream always settles the answer; should it not, a broken connection.
                None => call.failed(bridge::Failure::Broken("the connection closed".into())),
            },
        };
        self.step(id, step, false)
    }

    /// Call `id`'s attempt failed in JavaScript's hands. `kind`: `connect` (with its cause),
    /// `connect_timeout`, `timeout`, `broken` (with its cause).
    #[napi(catch_unwind)]
    pub fn failed(&mut self, id: u32, kind: String, cause: String) -> String {
        let failure = match kind.as_str() {
            "connect" => bridge::Failure::Connect(cause),
            "connect_timeout" => bridge::Failure::ConnectTimeout,
            "timeout" => bridge::Failure::Timeout,
            _ => bridge::Failure::Broken(cause),
        };
        let step = match self.calls.get_mut(&id) {
            None => unknown_call(id),
            Some(call) => call.failed(failure),
        };
        self.step(id, step, false)
    }

    /// Forgets call `id` (`transport.js` gave up on it after an internal error).
    #[napi]
    pub fn abandon(&mut self, id: u32) {
        self.calls.remove(&id);
    }

    /// How many calls are running (for the tests: none may be left behind).
    #[napi(getter)]
    pub fn calls_running(&self) -> u32 {
        self.calls.len() as u32
    }

    /// A step as JSON text; a finished call leaves the table.
    fn step(&mut self, id: u32, step: bridge::Step, keep: bool) -> String {
        if matches!(step, bridge::Step::Done(_)) {
            self.calls.remove(&id);
        }
        step_json(step, keep)
    }

    /// Whether calls must use `call` (the SDK's runtime) rather than `begin`: a proxy set in the
    /// environment, which only that path honours.
    #[napi(getter)]
    pub fn needs_runtime(&self) -> bool {
        bridge::needs_runtime(&self.inner)
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

/// A step of a call as `transport.js` reads it: `{ ok, value | error, keep }` when the call is
/// over, `{ retry_ms, keep }` when another attempt follows; `keep` says whether the connection
/// may carry another call.
///
/// As JSON text, which `transport.js` parses: V8 builds the object from text several times
/// faster than napi builds it property by property (about 1 µs against 5 for a created payment),
/// and this is on every call's path.
fn step_json(step: bridge::Step, keep: bool) -> String {
    match step {
        // Written directly: no map is built for the envelope.
        bridge::Step::Done(Ok(value)) => format!(r#"{{"ok":true,"keep":{keep},"value":{value}}}"#),
        bridge::Step::Done(Err(e)) => {
            format!(r#"{{"ok":false,"keep":{keep},"error":{}}}"#, e.to_json())
        }
        bridge::Step::Retry(delay) => {
            format!(r#"{{"retry_ms":{},"keep":{keep}}}"#, delay.as_millis())
        }
    }
}

/// Hashes a call id as itself: ids are a counter, unique among running calls, so SipHash's
/// protection against chosen keys buys nothing on every call's path.
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }

    fn write_u32(&mut self, id: u32) {
        self.0 = u64::from(id);
    }
}

/// The step for a call id that is not running: a bug of `transport.js`.
fn unknown_call(id: u32) -> bridge::Step {
    bridge::Step::Done(Err(CoreError::new(
        cinetpay::ErrorCode::Internal,
        format!("the transport asked for call {id}, which is not running; please report this bug"),
    )))
}

/// One connection's state for `transport.js` (the core's `bridge::Wire`).
#[napi]
pub struct NativeWire {
    inner: bridge::Wire,
}

#[napi]
impl NativeWire {
    /// Whether a request may be sent (the TLS handshake, if any, is done).
    #[napi(getter)]
    pub fn ready(&self) -> bool {
        self.inner.ready()
    }

    /// TLS records to write now, or null.
    #[napi(catch_unwind)]
    pub fn outgoing(&mut self) -> Option<Buffer> {
        let out = self.inner.outgoing();
        (!out.is_empty()).then(|| out.into())
    }
}
