//! Target `validation`: the JSON every binding hands to the core — payment payloads
//! (`PaymentPayload::from_value`, `Client::prepare_payload`, the bridge's `init_payment`),
//! client settings (`settings::config_from_settings`, `Client::new`,
//! `bridge::client_from_settings`) and check lookups (`PaymentLookup::from_value`, the bridge's
//! `check_payment`).
//!
//! Input: byte 0 picks the mode (`% 3`: 0 payload, 1 settings, 2 lookup); byte 1 picks the client
//! a payload is prepared for (`% 4`, [`CLIENTS`]); the rest is JSON text (lossy UTF-8), parsed
//! with `bridge::parse_input` as the C, PHP and Node bindings do.
//!
//! Properties:
//! - nothing panics; text that is not JSON is a `validation_error` on `request`;
//! - every refusal is a `validation_error` with `request_sent: false` that names a field: one of
//!   the documented names, or the unknown key as given;
//! - the bridge and the typed API agree (same field, same message);
//! - an accepted payload's wire body has only CinetPay's field names and the client's apikey,
//!   reads back as a payload the client accepts, and is a fixed point
//!   (`to_json(from_value(wire)) == wire`);
//! - accepted settings build a client whose settings, written back as a settings object, build
//!   the same configuration; the `User-Agent` starts with the SDK's prefix;
//! - the api key and secret key (payload `apikey`, settings `api_key` and `secret_key`) are never
//!   in an error, its JSON, or `Debug` output: a text that shows one must show it still once the
//!   key is replaced (the input spells it in another field too).

use std::sync::OnceLock;
use std::time::Duration;

use cinetpay::settings::{SETTINGS, config_from_settings};
use cinetpay::status::PaymentLookup;
use cinetpay::{Client, ClientConfig, Error, FIELDS, PaymentPayload, USER_AGENT_PREFIX, bridge};
use serde_json::{Map, Value, json};

use crate::names_a_field;

/// The clients payloads are prepared for: the docs' examples' accounts
/// (`tests/fixtures/requests/`) and the emulator's default account.
pub const CLIENTS: [(&str, &str); 4] = [
    ("YOUR_APIKEY", "YOUR_SITEID"),
    ("XXXXXXXXXXXXXXXX", "XXXXX"),
    ("SEAMLESS_APIKEY", "SEAMLESS_SITE_ID"),
    ("emulator-apikey-0000000000000001", "445160"),
];

/// The settings `Client::new` itself checks (beyond `config_from_settings`).
const CLIENT_SETTINGS: &[&str] = &[
    "api_key",
    "site_id",
    "base_url",
    "app_info",
    "timeout",
    "connect_timeout",
    "max_retries",
    "ca_certificates",
];

fn clients() -> &'static [Client] {
    static ALL: OnceLock<Vec<Client>> = OnceLock::new();
    ALL.get_or_init(|| {
        CLIENTS
            .iter()
            .map(|(key, site)| {
                Client::new(ClientConfig::new(*key, *site).base_url("http://127.0.0.1:9"))
                    .expect("the fuzz clients' settings are valid")
            })
            .collect()
    })
}

/// The input for `mode` (0 payload, 1 settings, 2 lookup), the client's index and the JSON text.
pub fn input(mode: u8, client: u8, json: &[u8]) -> Vec<u8> {
    let mut data = vec![mode, client];
    data.extend_from_slice(json);
    data
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let [mode, client, text @ ..] = data else {
        return;
    };
    let value = match bridge::parse_input(&String::from_utf8_lossy(text)) {
        Ok(v) => v,
        Err(e) => {
            refusal(&e, &["request"], &Value::Null);
            return;
        }
    };
    match mode % 3 {
        0 => payload(&clients()[usize::from(*client) % CLIENTS.len()], &value),
        1 => settings(&value),
        _ => lookup(&value),
    }
}

/// A refusal is a validation error naming a field.
fn refusal(e: &Error, known: &[&str], input: &Value) {
    assert_eq!(e.code().as_str(), "validation_error", "{e}");
    assert_eq!(e.request_sent(), Some(false), "{e}");
    assert!(
        names_a_field(e.field(), known, input),
        "field {:?} for {e}",
        e.field()
    );
}

fn same_error(a: &Error, b: &Error) {
    assert_eq!(
        (a.code(), a.field(), a.message()),
        (b.code(), b.field(), b.message())
    );
}

/// Fails when the value of `key` (a secret of 8 characters or more) shows in what a caller sees
/// of `value` (`texts`) but not in what it sees once that value is replaced: the text then came
/// from the secret itself, not from another field that happens to spell it.
fn secret_not_echoed(value: &Value, key: &str, texts: &dyn Fn(&Value) -> String) {
    let Some(secret) = value.get(key).and_then(Value::as_str) else {
        return;
    };
    if secret.trim().chars().count() < 8 {
        return;
    }
    let seen = texts(value);
    if !seen.contains(secret) {
        return;
    }
    let mut other = value.clone();
    other[key] = Value::from("\u{2603}".repeat(9));
    assert!(texts(&other).contains(secret), "{key} echoed: {seen}");
}

fn error_texts(e: &Error) -> String {
    format!("{e}\n{e:?}\n{}", e.to_json())
}

/// What a caller sees of `value` as a payload for `client`.
fn payload_texts(client: &Client, value: &Value) -> String {
    match PaymentPayload::from_value(value) {
        Err(e) => error_texts(&e),
        Ok(p) => {
            let debug = format!("{p:?}");
            match client.prepare_payload(p) {
                Ok(prepared) => format!("{debug}\n{prepared:?}"),
                Err(e) => format!("{debug}\n{}", error_texts(&e)),
            }
        }
    }
}

/// What a caller sees of `value` as client settings.
fn settings_texts(value: &Value) -> String {
    match config_from_settings(value, None) {
        Err(e) => error_texts(&e),
        Ok(config) => {
            let debug = format!("{config:?}");
            match Client::new(config) {
                Ok(client) => format!("{debug}\n{client:?}\n{}", client.user_agent()),
                Err(e) => format!("{debug}\n{}", error_texts(&e)),
            }
        }
    }
}

fn payload(client: &Client, value: &Value) {
    secret_not_echoed(value, "apikey", &|v| payload_texts(client, v));
    let mut known: Vec<&str> = FIELDS.to_vec();
    known.push("request");
    let parsed = PaymentPayload::from_value(value);
    let bridged = bridge::prepare(client, "init_payment", value);
    let p = match parsed {
        Ok(p) => p,
        Err(e) => {
            refusal(&e, &known, value);
            same_error(&e, &bridged.expect_err("the bridge refuses it too"));
            return;
        }
    };
    let config = client.config();
    match client.prepare_payload(p.clone()) {
        Err(e) => {
            refusal(&e, FIELDS, value);
            same_error(&e, &bridged.expect_err("the bridge refuses it too"));
        }
        Ok(prepared) => {
            assert!(bridged.is_ok(), "the bridge refused {:?}", bridged.err());
            let wire = prepared
                .request()
                .to_json(config.api_key.expose(), &config.site_id);
            let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&wire) else {
                panic!("the wire body is a JSON object")
            };
            for k in body.keys() {
                assert!(FIELDS.contains(&k.as_str()), "{k} on the wire");
            }
            assert_eq!(body["apikey"].as_str(), Some(config.api_key.expose()));
            assert_eq!(body["site_id"].as_str(), Some(config.site_id.as_str()));
            assert_eq!(body["amount"].as_i64(), Some(p.request.amount));
            let body = Value::Object(body);
            let back = PaymentPayload::from_value(&body).expect("the wire body reads back");
            let back = client
                .prepare_payload(back)
                .expect("the wire body passes validation");
            let again = back
                .request()
                .to_json(config.api_key.expose(), &config.site_id);
            assert_eq!(
                String::from_utf8_lossy(&again),
                String::from_utf8_lossy(&wire),
                "the wire body is not a fixed point"
            );
        }
    }
}

fn settings(value: &Value) {
    for key in ["api_key", "secret_key"] {
        secret_not_echoed(value, key, &settings_texts);
    }
    let mut known: Vec<&str> = SETTINGS.to_vec();
    known.push("settings");
    let bridged = bridge::client_from_settings(value, false);
    let config = match config_from_settings(value, None) {
        Ok(c) => c,
        Err(e) => {
            refusal(&e, &known, value);
            same_error(&e, &bridged.expect_err("the bridge refuses them too"));
            return;
        }
    };
    let client = match Client::new(config.clone()) {
        Ok(c) => c,
        Err(e) => {
            refusal(&e, CLIENT_SETTINGS, value);
            same_error(&e, &bridged.expect_err("the bridge refuses them too"));
            return;
        }
    };
    assert!(bridged.is_ok(), "the bridge refused {:?}", bridged.err());
    assert!(client.user_agent().starts_with(USER_AGENT_PREFIX));

    // Written back as settings, the configuration builds the same client.
    let mut back = Map::new();
    back.insert("api_key".into(), json!(config.api_key.expose()));
    back.insert("site_id".into(), json!(config.site_id));
    if let Some(s) = &config.secret_key {
        back.insert("secret_key".into(), json!(s.expose()));
    }
    back.insert("base_url".into(), json!(config.base_url));
    if let Some(info) = &config.app_info {
        back.insert("app_info".into(), json!(info));
    }
    back.insert("timeout".into(), json!(config.timeout.as_secs_f64()));
    back.insert(
        "connect_timeout".into(),
        json!(config.connect_timeout.as_secs_f64()),
    );
    back.insert("max_retries".into(), json!(config.max_retries));
    if let Some(pem) = &config.ca_certificates {
        back.insert("ca_certificates".into(), json!(pem));
    }
    let back = Value::Object(back);
    let again = config_from_settings(&back, None).expect("written-back settings read back");
    Client::new(again.clone()).expect("written-back settings build a client");
    assert_eq!(again.api_key.expose(), config.api_key.expose());
    assert_eq!(again.site_id, config.site_id);
    assert_eq!(
        again.secret_key.as_ref().map(|s| s.expose().to_owned()),
        config.secret_key.as_ref().map(|s| s.expose().to_owned())
    );
    assert_eq!(again.base_url, config.base_url);
    assert_eq!(again.app_info, config.app_info);
    assert_eq!(again.max_retries, config.max_retries);
    assert_eq!(again.ca_certificates, config.ca_certificates);
    close(again.timeout, config.timeout);
    close(again.connect_timeout, config.connect_timeout);
}

/// Equal up to the rounding of a trip through `f64` seconds.
fn close(a: Duration, b: Duration) {
    let diff = a.abs_diff(b).as_secs_f64();
    assert!(diff <= 1e-6 + b.as_secs_f64() * 1e-15, "{a:?} != {b:?}");
}

fn lookup(value: &Value) {
    let client = &clients()[0];
    let bridged = bridge::prepare(client, "check_payment", value);
    match PaymentLookup::from_value(value) {
        Ok(l) => {
            l.validate().expect("a parsed lookup is valid");
            assert!(bridged.is_ok(), "the bridge refused {:?}", bridged.err());
            assert!(!l.describe().is_empty());
        }
        Err(e) => {
            refusal(
                &e,
                &["request", "transaction_id", "token", "payment_token"],
                value,
            );
            same_error(&e, &bridged.expect_err("the bridge refuses it too"));
        }
    }
}
