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
use crate::operation::{self, INIT_PAYMENT};
use crate::payload::PaymentPayload;
use crate::payment::PaymentLink;

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
#[derive(Debug)]
pub struct Prepared {
    call: Call,
}

#[derive(Debug)]
enum Call {
    InitPayment(PreparedPayment),
}

/// Parses and validates `input` for `operation`, with no I/O.
pub fn prepare(client: &Client, operation: &str, input: &Value) -> Result<Prepared> {
    let Some(op) = operation::find(operation) else {
        return Err(Error::validation(
            "operation",
            format!(
                "{operation:?} is not an operation of this SDK (operations: {})",
                operations().join(", ")
            ),
        ));
    };
    let call = match op.name {
        name if name == INIT_PAYMENT.name => {
            Call::InitPayment(client.prepare_payload(&PaymentPayload::from_value(input)?)?)
        }
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
    /// Sends the call and returns its result as a JSON object.
    pub async fn send(self, client: &Client) -> Result<Value> {
        match self.call {
            Call::InitPayment(p) => client.send_prepared(&p).await.map(|l| link_json(&l)),
        }
    }
}

/// Prepares and sends, on the SDK's shared runtime, waiting on the calling thread.
pub fn call_blocking(client: &Client, operation: &str, input: &Value) -> Result<Value> {
    let prepared = prepare(client, operation, input)?;
    let client = client.clone();
    crate::blocking::run(async move { prepared.send(&client).await })
}

/// A created payment as the bridge returns it.
fn link_json(link: &PaymentLink) -> Value {
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
