//! **For the SDK's bindings only; not a stable Rust API.** Rust code should use
//! [`Client`](crate::Client) and [`blocking::Client`](crate::blocking::Client).
//!
//! Every operation of [`crate::operation::OPERATIONS`] by name, JSON object in, JSON object out,
//! in two steps so that a binding can refuse bad input on the caller's thread before anything is
//! spawned: [`prepare`] parses and validates (no I/O), and [`Prepared::send`] does the network
//! part. Errors are the core's [`Error`], which bindings hand over as [`Error::to_json`].

use serde_json::{Value, json};

use crate::client::{Client, PreparedPayment};
use crate::error::{Error, Result};
use crate::notification::{self, NotificationForm};
use crate::operation::{
    self, CHECK_PAYMENT, HANDLE_NOTIFICATION, INIT_PAYMENT, SEAMLESS_CHECKOUT, SIGN_NOTIFICATION,
    VERIFY_NOTIFICATION,
};
use crate::outcome::Expected;
use crate::payload::PaymentPayload;
use crate::payment::{Currency, PaymentLink};
use crate::status::PaymentLookup;

pub use crate::exchange::{Exchange, Outgoing, Step, Target, Wire};
pub use crate::framing::{Answer, Failure};

/// The names of every operation a binding can call.
pub fn operations() -> Vec<&'static str> {
    operation::OPERATIONS.iter().map(|op| op.name).collect()
}

/// What the host languages' type files must say, for their tests to hold them to the core: the
/// operations, the client settings, the payload's field names (and which are required), the
/// accepted currencies, channels and languages, and the error table.
pub fn schema() -> Value {
    fn strings<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|v| f(*v)).collect()
    }
    json!({
        "operations": operations(),
        "settings": crate::settings::SETTINGS,
        "fields": crate::payload::FIELDS,
        "required": crate::payload::REQUIRED_FIELDS,
        "currencies": strings(crate::payment::Currency::ALL, crate::payment::Currency::as_str),
        "channels": strings(crate::payment::Channels::ALL, crate::payment::Channels::as_str),
        "langs": strings(crate::payment::Lang::ALL, crate::payment::Lang::as_str),
        "errors": crate::error::ERROR_TABLE.iter().map(|row| json!({
            "code": row.name,
            "family": row.family.as_str(),
            "c_status": row.c_status,
            "hint": row.hint,
        })).collect::<Vec<_>>(),
    })
}

/// A client from a settings object (see [`crate::settings`]), after checking every setting;
/// with `from_env`, the `CINETPAY_*` variables come first and the settings given override them.
pub fn client_from_settings(settings: &Value, from_env: bool) -> Result<Client> {
    let base = if from_env {
        Some(crate::ClientConfig::from_env()?)
    } else {
        None
    };
    Client::new(crate::settings::config_from_settings(settings, base)?)
}

/// Parses a binding's JSON text (C, PHP and Node hand over text), with the same error in every
/// language.
pub fn parse_input(json: &str) -> Result<Value> {
    serde_json::from_str(json).map_err(|e| {
        Error::validation(
            "request",
            format!("is not valid JSON ({e}): send a JSON object"),
        )
    })
}

/// A call that passed every local rule, ready to send.
pub struct Prepared {
    call: Call,
}

/// Only the kind of call: a local result may hold the apikey (Seamless's `set_config`).
impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.call {
            Call::InitPayment(_) => "InitPayment",
            Call::CheckPayment(_) => "CheckPayment",
            Call::HandleNotification { .. } => "HandleNotification",
            Call::Ready(_) => "Ready",
            #[cfg(debug_assertions)]
            Call::Panic => "Panic",
        };
        f.debug_struct("Prepared").field("call", &kind).finish()
    }
}

enum Call {
    InitPayment(Box<PreparedPayment>),
    CheckPayment(PaymentLookup),
    HandleNotification {
        form: NotificationForm,
        lookup: PaymentLookup,
        expected: Expected,
    },
    /// A local operation, already computed in `prepare`.
    Ready(Value),
    /// Debug builds only: panics when sent, so that each binding's tests can show that a panic
    /// becomes an `internal` error on every path (sync, async, C).
    #[cfg(debug_assertions)]
    Panic,
}

/// The operation that panics when sent, in debug builds only (never listed by `operations()`).
#[cfg(debug_assertions)]
pub const PANIC_FOR_TESTS: &str = "_panic_for_tests";

/// Parses and validates `input` for `operation`, with no I/O.
pub fn prepare(client: &Client, operation: &str, input: &Value) -> Result<Prepared> {
    #[cfg(debug_assertions)]
    if operation == PANIC_FOR_TESTS {
        return Ok(Prepared { call: Call::Panic });
    }
    let Some(op) = operation::find(operation) else {
        return Err(Error::validation(
            "operation",
            format!(
                "{operation:?} is not an operation of this SDK (operations: {})",
                operations().join(", ")
            ),
        ));
    };
    let secret = client.config().secret_key.as_ref().map(|s| s.expose());
    let call = match op.name {
        name if name == INIT_PAYMENT.name => Call::InitPayment(Box::new(
            client.prepare_payload(PaymentPayload::from_value(input)?)?,
        )),
        name if name == CHECK_PAYMENT.name => Call::CheckPayment(PaymentLookup::from_value(input)?),
        name if name == HANDLE_NOTIFICATION.name => {
            let form = notification_form(input)?;
            // Verified here, on the caller's thread: a forged notification costs no request.
            let lookup = client.verified_lookup(&form, x_token(input)?)?;
            Call::HandleNotification {
                form,
                lookup,
                expected: expected(input)?,
            }
        }
        name if name == VERIFY_NOTIFICATION.name => {
            let form = notification_form(input)?;
            notification::verify(&form, x_token(input)?, secret)?;
            Call::Ready(form.to_json())
        }
        name if name == SIGN_NOTIFICATION.name => {
            let form = notification_form(input)?;
            Call::Ready(json!({ "x_token": notification::sign(&form, secret)? }))
        }
        name if name == SEAMLESS_CHECKOUT.name => Call::Ready(
            client
                .seamless_checkout_payload(&PaymentPayload::from_seamless_value(input)?)?
                .to_json(),
        ),
        name => unreachable_operation(name)?,
    };
    Ok(Prepared { call })
}

/// An operation listed in the table but not dispatched here is a bug of this module, reported as
/// `internal` rather than a panic across an FFI boundary.
fn unreachable_operation(name: &str) -> Result<Call> {
    Err(Error::new(
        crate::error::ErrorCode::Internal,
        format!("operation {name} is listed but not dispatched; please report this bug"),
    ))
}

impl Prepared {
    /// The result, when the operation needed no network (nothing to spawn or wait for).
    pub fn ready(&self) -> Option<&Value> {
        match &self.call {
            Call::Ready(value) => Some(value),
            _ => None,
        }
    }

    /// Sends the call and returns its result as a JSON object.
    pub async fn send(self, client: &Client) -> Result<Value> {
        match self.call {
            Call::InitPayment(p) => client.send_prepared(&p).await.map(|l| link_json(&l)),
            Call::CheckPayment(lookup) => client.send_check(&lookup).await.map(|s| s.to_json()),
            Call::HandleNotification {
                form,
                lookup,
                expected,
            } => client
                .check_and_decide(form, &lookup, &expected)
                .await
                .map(|outcome| outcome.to_json()),
            Call::Ready(value) => Ok(value),
            #[cfg(debug_assertions)]
            #[allow(clippy::panic)]
            Call::Panic => panic!("a panic asked for by a test ({PANIC_FOR_TESTS})"),
        }
    }
}

/// The form of a notification input: `form` (an object, as frameworks parse it) or `body` (the
/// raw `application/x-www-form-urlencoded` text).
fn notification_form(input: &Value) -> Result<NotificationForm> {
    match (input.get("form"), input.get("body")) {
        (Some(form), None) if !form.is_null() => NotificationForm::from_value(form),
        (None, Some(Value::String(body))) => NotificationForm::from_urlencoded(body.as_bytes()),
        _ => Err(Error::validation(
            "form",
            "give either form (the POSTed fields, as an object) or body (the raw urlencoded text)",
        )),
    }
}

/// A notification's `x_token` (absent: empty, which fails verification with its own message).
fn x_token(input: &Value) -> Result<&str> {
    match input.get("x_token") {
        Some(Value::String(t)) => Ok(t.as_str()),
        None | Some(Value::Null) => Ok(""),
        Some(_) => Err(Error::validation("x_token", "must be a string")),
    }
}

/// `expected_amount` and `expected_currency` of a `handle_notification` input.
fn expected(input: &Value) -> Result<Expected> {
    let amount = match input.get("expected_amount") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64().ok_or_else(|| {
            Error::validation(
                "expected_amount",
                "must be a whole number (the order's amount)",
            )
        })?),
        Some(_) => {
            return Err(Error::validation(
                "expected_amount",
                "must be a whole number (the order's amount)",
            ));
        }
    };
    let currency = match input.get("expected_currency") {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) => match c.trim().parse::<Currency>() {
            Ok(c) => Some(c.as_str().to_owned()),
            Err(e) => return Err(Error::validation("expected_currency", e.message())),
        },
        Some(_) => return Err(Error::validation("expected_currency", "must be a string")),
    };
    let order_unknown = match input.get("order_unknown") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Error::validation("order_unknown", "must be a boolean")),
    };
    Ok(Expected {
        amount,
        currency,
        order_unknown,
    })
}

/// How a host that moves the bytes itself runs a prepared call.
pub enum Start {
    /// A local operation's result: nothing to send.
    Ready(Value),
    /// A network call for the host's event loop.
    Exchange(Box<Exchange>),
}

/// A local result may hold the apikey (Seamless's `set_config`): not shown.
impl std::fmt::Debug for Start {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Start::Ready(_) => f.write_str("Ready(..)"),
            Start::Exchange(exchange) => f.debug_tuple("Exchange").field(exchange).finish(),
        }
    }
}

impl Prepared {
    /// The call for a host's own event loop (see [`crate::exchange`]).
    pub fn start(self, client: &Client) -> Start {
        use crate::exchange::Decode;
        let (out, decode) = match self.call {
            Call::Ready(value) => return Start::Ready(value),
            Call::InitPayment(p) => (client.outbound_payment(p.request()), Decode::Payment),
            Call::CheckPayment(lookup) => (client.outbound_check(&lookup), Decode::Check),
            Call::HandleNotification {
                form,
                lookup,
                expected,
            } => (
                client.outbound_check(&lookup),
                Decode::Notification { form, expected },
            ),
            #[cfg(debug_assertions)]
            #[allow(clippy::panic)]
            Call::Panic => panic!("a panic asked for by a test ({PANIC_FOR_TESTS})"),
        };
        Start::Exchange(Box::new(Exchange::new(client, out, decode)))
    }
}

/// Whether `client`'s calls must go through the SDK's runtime rather than a host's own
/// transport: a proxy set in the environment, which only that path honours.
pub fn needs_runtime(client: &Client) -> bool {
    client.via_proxy()
}

/// Prepares and sends, on the calling thread: its own socket (see [`Exchange`]), or, when a
/// proxy is set, reqwest on the thread's runtime (see [`crate::blocking::run`]). A panic is an
/// `internal` error, never a panic of the caller.
pub fn call_blocking(client: &Client, operation: &str, input: &Value) -> Result<Value> {
    let prepared = prepare(client, operation, input)?;
    // A local operation needs no runtime, proxy or not.
    if needs_runtime(client) && prepared.ready().is_none() {
        let client = client.clone();
        return crate::blocking::run(async move { prepared.send(&client).await });
    }
    let run = std::panic::AssertUnwindSafe(|| match prepared.start(client) {
        Start::Ready(value) => Ok(value),
        Start::Exchange(exchange) => exchange.run_blocking(),
    });
    std::panic::catch_unwind(run).unwrap_or_else(|_| Err(crate::blocking::panicked()))
}

/// A created payment as the bridge returns it.
pub(crate) fn link_json(link: &PaymentLink) -> Value {
    json!({
        "payment_token": link.payment_token,
        "payment_url": link.payment_url,
        "api_response_id": link.api_response_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClientConfig, ErrorCode};

    fn client() -> Client {
        Client::new(ClientConfig::new("k-0000000000", "1").base_url("http://127.0.0.1:9"))
            .expect("client")
    }

    /// A payment created, the check endpoint busy, and a payment paid: what the blocking tests'
    /// server answers in turn.
    const CREATED: &str = r#"{"code":"201","message":"CREATED","description":"ok","data":{"payment_token":"tok","payment_url":"https://checkout.example/p/tok"},"api_response_id":"1.2"}"#;
    const BUSY: &str = r#"{"code":"503","message":"BUSY","description":"try later"}"#;
    const PAID: &str = r#"{"code":"00","message":"SUCCES","data":{"amount":"100","currency":"XOF","status":"ACCEPTED","payment_method":"OM","description":"d","metadata":null,"operator_id":"1","payment_date":"2026-11-28 08:00:00"},"api_response_id":"1.3"}"#;

    /// A server that answers `answers` in turn, each on the connection it is given (one
    /// connection, kept alive), and counts the requests it read.
    fn serve(answers: Vec<&'static str>) -> (String, std::thread::JoinHandle<usize>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().expect("accept");
            let mut seen = Vec::new();
            let mut requests = 0;
            for answer in answers {
                // Until the head and the body of the next request are in.
                loop {
                    let text = String::from_utf8_lossy(&seen).into_owned();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len: usize = text[..end]
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length: "))
                            .and_then(|n| n.trim().parse().ok())
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + len {
                            seen.drain(..end + 4 + len);
                            break;
                        }
                    }
                    let mut buf = [0u8; 4096];
                    let n = socket.read(&mut buf).expect("read");
                    assert_ne!(n, 0, "the client closed the connection");
                    seen.extend_from_slice(&buf[..n]);
                }
                requests += 1;
                let head = format!(
                    "HTTP/1.1 {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    if answer.contains("\"201\"") || answer.contains("\"00\"") {
                        "200 OK"
                    } else {
                        "503 Service Unavailable"
                    },
                    answer.len()
                );
                socket.write_all(head.as_bytes()).expect("write");
                socket.write_all(answer.as_bytes()).expect("write");
            }
            requests
        });
        (url, server)
    }

    #[test]
    fn blocking_calls_run_on_the_calling_thread_without_a_runtime() {
        let (url, server) = serve(vec![CREATED, BUSY, PAID]);
        let caller = std::thread::spawn(move || {
            let client =
                Client::new(ClientConfig::new("k-0000000000", "1").base_url(&url)).expect("client");
            let link = call_blocking(
                &client,
                "init_payment",
                &valid_input("init_payment", &client),
            )
            .expect("created");
            // The retry of an idempotent check (the 503) is slept on this thread too.
            let status = call_blocking(&client, "check_payment", &json!({"transaction_id": "T-1"}))
                .expect("checked");
            (link, status, crate::blocking::thread_runtime_built())
        });
        let (link, status, runtime) = caller.join().expect("no panic");
        assert_eq!(link["payment_token"], "tok");
        assert_eq!(status["status"], "ACCEPTED", "{status}");
        assert!(
            !runtime,
            "a blocking bridge call built a runtime on its thread"
        );
        // Three requests on one kept connection.
        assert_eq!(server.join().expect("server"), 3);
    }

    #[test]
    fn the_rust_blocking_client_runs_on_the_calling_thread_without_a_runtime() {
        let (url, server) = serve(vec![CREATED, BUSY, PAID]);
        let caller = std::thread::spawn(move || {
            let client =
                crate::blocking::Client::new(ClientConfig::new("k-0000000000", "1").base_url(&url))
                    .expect("client");
            let request = crate::PaymentRequest::new("T-1", 100, crate::Currency::Xof, "Order")
                .notify_url("https://shop.example/notify")
                .return_url("https://shop.example/return");
            let link = client.init_payment(&request);
            let runtime = crate::blocking::thread_runtime_built();
            // The check's retry after the 503 is slept on this thread too.
            let status = client.check_payment(&crate::PaymentLookup::TransactionId("T-1".into()));
            (
                link,
                status,
                runtime || crate::blocking::thread_runtime_built(),
            )
        });
        let (link, status, runtime) = caller.join().expect("no panic");
        assert!(
            !runtime,
            "the blocking client built a runtime on its thread"
        );
        assert_eq!(link.expect("created").payment_token, "tok");
        assert!(status.expect("checked").is_paid());
        // Three requests on one kept connection.
        assert_eq!(server.join().expect("server"), 3);
    }

    #[test]
    fn every_listed_operation_is_dispatched() {
        for name in operations() {
            // An empty object fails validation (a missing field), never the dispatch.
            let e = prepare(&client(), name, &json!({})).expect_err(name);
            assert_eq!(e.code(), ErrorCode::Validation, "{name}: {e}");
            assert_ne!(e.field(), Some("operation"), "{name}");
        }
    }

    #[test]
    fn notifications_sign_and_verify_through_the_bridge() {
        let client = Client::new(
            ClientConfig::new("k-0000000000", "1")
                .base_url("http://127.0.0.1:9")
                .secret_key("s3cret"),
        )
        .expect("client");
        let form = json!({"cpm_site_id": "1", "cpm_trans_id": "T"});
        let signed = prepare(&client, "sign_notification", &json!({"form": form})).expect("sign");
        let token = signed.ready().expect("local")["x_token"].clone();
        let verified = prepare(
            &client,
            "verify_notification",
            &json!({"body": "cpm_trans_id=T&cpm_site_id=1", "x_token": token}),
        )
        .expect("verify");
        assert_eq!(verified.ready().expect("local")["cpm_trans_id"], "T");
        let e = prepare(
            &client,
            "verify_notification",
            &json!({"form": form, "x_token": "00"}),
        )
        .expect_err("forged");
        assert_eq!(e.code(), ErrorCode::InvalidNotification);
        let e = prepare(
            &super::tests::client(),
            "sign_notification",
            &json!({"form": form}),
        )
        .expect_err("no secret");
        assert_eq!(e.code(), ErrorCode::SecretKeyRequired);
    }

    /// A valid input for each operation, for a client with secret key `s3cret`.
    fn valid_input(name: &str, client: &Client) -> Value {
        let form = json!({"cpm_site_id": "1", "cpm_trans_id": "T-1", "cpm_amount": "100"});
        match name {
            "init_payment" | "seamless_checkout" => json!({"transaction_id": "T-1", "amount": 100,
                "currency": "XOF", "description": "d", "notify_url": "https://a.example/n",
                "return_url": "https://a.example/r"}),
            "check_payment" => json!({"transaction_id": "T-1"}),
            "sign_notification" => json!({"form": form}),
            _ => {
                let signed =
                    prepare(client, "sign_notification", &json!({"form": form})).expect("sign");
                let token = signed.ready().expect("local")["x_token"].clone();
                json!({"form": form, "x_token": token})
            }
        }
    }

    #[test]
    #[allow(clippy::panic)]
    fn every_listed_operation_starts_on_a_host_transport() {
        let client = Client::new(
            ClientConfig::new("k-0000000000", "1")
                .base_url("http://127.0.0.1:9")
                .secret_key("s3cret"),
        )
        .expect("client");
        for op in operation::OPERATIONS {
            let prepared = prepare(&client, op.name, &valid_input(op.name, &client))
                .unwrap_or_else(|e| panic!("{}: {e}", op.name));
            match (prepared.start(&client), op.transport) {
                (Start::Ready(_), operation::Transport::Local) => {}
                (Start::Exchange(exchange), operation::Transport::PostJson(path)) => {
                    let head = format!("POST /{path} HTTP/1.1\r\n");
                    assert!(
                        exchange.request().starts_with(head.as_bytes()),
                        "{}",
                        op.name
                    );
                }
                (started, _) => panic!("{}: {started:?}", op.name),
            }
        }
    }

    #[test]
    #[allow(clippy::panic)]
    fn an_exchange_decodes_retries_and_fails_as_the_client_does() {
        let client = client();
        let start = |name: &str| match prepare(&client, name, &valid_input(name, &client))
            .expect("prepare")
            .start(&client)
        {
            Start::Exchange(exchange) => exchange,
            Start::Ready(_) => panic!("local"),
        };
        let answer = |status: u16, body: &str| {
            format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            )
        };
        // A created payment, in two reads, on a connection that may be kept.
        let mut init = start("init_payment");
        let mut wire = init.wire().expect("wire");
        assert!(wire.ready());
        assert!(matches!(wire.send(init.request()), Ok(Outgoing::Request)));
        let created = answer(
            200,
            r#"{"code":"201","message":"CREATED","description":"ok","data":{"payment_token":"tok","payment_url":"https://checkout.example/p"},"api_response_id":"1.1"}"#,
        );
        let (first, rest) = created.as_bytes().split_at(20);
        assert!(init.receive(&mut wire, first, false).is_none());
        match init.receive(&mut wire, rest, false) {
            Some((Step::Done(Ok(link)), true)) => assert_eq!(link["payment_token"], "tok"),
            other => panic!("{other:?}"),
        }
        // A status check is retried through a 503, then a broken connection; then it gives up.
        let mut check = start("check_payment");
        let mut wire = check.wire().expect("wire");
        wire.send(check.request()).expect("send");
        let unavailable = answer(503, "<html>busy</html>");
        assert!(matches!(
            check.receive(&mut wire, unavailable.as_bytes(), false),
            Some((Step::Retry(_), true))
        ));
        wire.send(check.request()).expect("send");
        assert!(matches!(
            check.receive(&mut wire, b"HTTP/1.1 200", true),
            Some((Step::Retry(_), false))
        ));
        match check.failed(Failure::Connect("refused".into())) {
            Step::Done(Err(e)) => {
                assert_eq!(e.code(), ErrorCode::Network);
                assert_eq!(e.request_sent(), Some(false));
                assert!(e.message().contains("127.0.0.1:9"), "{e}");
                assert!(e.message().contains("after 3 attempts"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        // An initialisation is never retried once sent.
        let mut init = start("init_payment");
        match init.failed(Failure::Timeout) {
            Step::Done(Err(e)) => assert_eq!(e.request_sent(), Some(true)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn debug_shows_no_key_before_or_after_start() {
        let client = client();
        for name in ["init_payment", "seamless_checkout"] {
            let input = valid_input(name, &client);
            let prepared = prepare(&client, name, &input).expect("prepare");
            let before = format!("{prepared:?}");
            let after = format!("{:?}", prepared.start(&client));
            for shown in [before, after] {
                assert!(!shown.contains("k-0000000000"), "{name}: {shown}");
            }
        }
    }

    #[test]
    fn an_unknown_operation_names_the_known_ones() {
        let e = prepare(&client(), "refund", &json!({})).expect_err("unknown");
        assert_eq!(e.field(), Some("operation"));
        assert!(e.message().contains("init_payment"), "{e}");
    }

    #[test]
    fn the_schema_s_required_fields_are_the_ones_validation_requires() {
        let full = json!({"transaction_id": "T", "amount": 100, "currency": "XOF",
            "description": "d", "notify_url": "https://a.example/n", "return_url": "https://a.example/r"});
        prepare(&client(), "init_payment", &full).expect("complete");
        let schema = schema();
        let required = schema["required"].as_array().expect("required");
        assert_eq!(required.len(), full.as_object().map_or(0, |o| o.len()));
        for name in required {
            let name = name.as_str().expect("name");
            let mut input = full.clone();
            input.as_object_mut().map(|o| o.remove(name));
            let e = prepare(&client(), "init_payment", &input).expect_err(name);
            assert_eq!(e.field(), Some(name), "{e}");
        }
        assert_eq!(
            schema["currencies"],
            json!(["XOF", "XAF", "CDF", "GNF", "USD"])
        );
    }

    #[test]
    fn validation_happens_in_prepare() {
        let input = json!({"transaction_id": "T", "amount": 102, "currency": "XOF",
            "description": "d", "notify_url": "https://a.example/n", "return_url": "https://a.example/r"});
        let e = prepare(&client(), "init_payment", &input).expect_err("amount");
        assert_eq!(e.field(), Some("amount"));
    }
}
