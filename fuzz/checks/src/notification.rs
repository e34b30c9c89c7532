//! Target `notification`: notifications CinetPay POSTs to `notify_url`, and their `x-token`
//! (`cinetpay::notification`, and the bridge's `verify_notification`, `sign_notification` and
//! `handle_notification`).
//!
//! Input: byte 0 picks the mode (`% 4`: 0, 1, or 2 and 3 for the bridge) and, above, a signed
//! field (`/ 4 % 16`) or a bridge operation (`/ 4 % 3`). The rest is split at its first NUL byte into a form and a token:
//! - mode 0: the form is a raw `application/x-www-form-urlencoded` body;
//! - mode 1: the form is JSON text, an object as a framework parses the form;
//! - modes 2 and 3: the whole rest is the JSON input of a bridge operation (`form` or `body`,
//!   `x_token`, `expected_amount`, ...).
//!
//! Properties, for every form the SDK accepts (a refused form is a `validation_error` on `form`):
//! - signing gives 64 lowercase hex digits and the same token as the emulator's own HMAC code;
//! - the form verifies with its token and the same key; not with another key, not without a key
//!   (`secret_key_required`), not with the token in capitals;
//! - the input's token verifies if and only if it is exactly the signed one;
//! - appending a character to any one signed field makes the token fail;
//! - the form survives `to_json` → `from_value`, and urlencoding (`url` crate, and the
//!   emulator's encoder) → `from_urlencoded`, with the same token;
//! - through the bridge: errors are `validation_error` (naming a field) or
//!   `invalid_notification`; a verified notification returns its form, whose token is the one
//!   given; a signed one then verifies; a handled one is for the client's site_id.

use std::sync::OnceLock;

use cinetpay::notification::{NOTIFICATION_FIELDS, sign, verify};
use cinetpay::{Client, ClientConfig, NotificationForm, bridge};
use serde_json::{Value, json};

/// The key of `tests/fixtures/notifications.json`, so that its tokens verify.
pub const SECRET_KEY: &str = "emulator-secret-0000000000000001";
/// The site_id of the client the bridge operations use (the fixtures' forms are for it).
pub const SITE_ID: &str = "445160";
/// The bridge operations mode 2 calls.
pub const OPERATIONS: [&str; 3] = [
    "verify_notification",
    "sign_notification",
    "handle_notification",
];

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let config = ClientConfig::new("fuzz-apikey-0000000000000001", SITE_ID)
            .base_url("http://127.0.0.1:9")
            .secret_key(SECRET_KEY);
        Client::new(config).expect("the fuzz client's settings are valid")
    })
}

/// The input for `mode` (0 raw body, 1 JSON form, 2 bridge input), `selector` (the signed field
/// to change, or the index of the operation in [`OPERATIONS`]), the form text and a token.
pub fn input(mode: u8, selector: u8, form: &[u8], token: Option<&str>) -> Vec<u8> {
    let mut data = vec![selector.wrapping_mul(4).wrapping_add(mode & 3)];
    data.extend_from_slice(form);
    if let Some(token) = token {
        data.push(0);
        data.extend_from_slice(token.as_bytes());
    }
    data
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let [selector, rest @ ..] = data else { return };
    let field = NOTIFICATION_FIELDS[usize::from(selector / 4) % 16];
    let (form_part, token) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (
            &rest[..i],
            String::from_utf8_lossy(&rest[i + 1..]).into_owned(),
        ),
        None => (rest, String::new()),
    };
    match selector % 4 {
        0 => match NotificationForm::from_urlencoded(form_part) {
            Ok(form) => form_properties(&form, &token, field),
            Err(e) => refused_form(&e),
        },
        1 => {
            let Ok(value) = bridge::parse_input(&String::from_utf8_lossy(form_part)) else {
                return;
            };
            match NotificationForm::from_value(&value) {
                Ok(form) => form_properties(&form, &token, field),
                Err(e) => refused_form(&e),
            }
        }
        _ => {
            let op = OPERATIONS[usize::from(selector / 4) % 3];
            if let Ok(value) = bridge::parse_input(&String::from_utf8_lossy(rest)) {
                bridge_properties(op, &value);
            }
        }
    }
}

fn refused_form(e: &cinetpay::Error) {
    assert_eq!(e.code().as_str(), "validation_error", "{e}");
    assert_eq!(e.field(), Some("form"), "{e}");
}

fn is_lower_hex_token(t: &str) -> bool {
    t.len() == 64
        && t.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn form_properties(form: &NotificationForm, token: &str, changed_field: &str) {
    let key = Some(SECRET_KEY);
    let signed = sign(form, key).expect("a key is given");
    assert!(is_lower_hex_token(&signed), "{signed}");

    // The emulator computes the x-token with its own HMAC code (hmac + sha2, not ring).
    let values = NOTIFICATION_FIELDS.iter().map(|f| form.get(f));
    assert_eq!(
        cinetpay_emulator::notify::x_token(SECRET_KEY, values),
        signed,
        "the emulator signs differently"
    );

    verify(form, &signed, key).expect("a form verifies with its own token");
    let other_key = format!("{SECRET_KEY}x");
    let e = verify(form, &signed, Some(&other_key)).expect_err("another key");
    assert_eq!(e.code().as_str(), "invalid_notification");
    for none in [None, Some("")] {
        let e = verify(form, &signed, none).expect_err("no key");
        assert_eq!(e.code().as_str(), "secret_key_required");
    }
    let upper = signed.to_ascii_uppercase();
    if upper != signed {
        assert!(verify(form, &upper, key).is_err(), "a token in capitals");
    }

    match verify(form, token, key) {
        Ok(()) => assert_eq!(token, signed, "another token verified"),
        Err(e) => {
            assert_ne!(token, signed, "{e}");
            assert_eq!(e.code().as_str(), "invalid_notification");
        }
    }

    let json = form.to_json();
    let mut changed = json.clone();
    let old = form.get(changed_field).to_owned();
    changed[changed_field] = Value::from(format!("{old}x"));
    let changed = NotificationForm::from_value(&changed).expect("to_json has each key once");
    let e = verify(&changed, &signed, key).expect_err("a changed field");
    assert_eq!(e.code().as_str(), "invalid_notification");

    let again = NotificationForm::from_value(&json).expect("to_json reads back");
    assert_eq!(again.to_json(), json);
    assert_eq!(sign(&again, key).ok().as_deref(), Some(signed.as_str()));

    let Value::Object(fields) = &json else {
        panic!("to_json is an object")
    };
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().expect("values are strings")))
        .collect();
    let mut encoded = url::form_urlencoded::Serializer::new(String::new());
    encoded.extend_pairs(pairs.iter().copied());
    let again = NotificationForm::from_urlencoded(encoded.finish().as_bytes())
        .expect("an encoded form reads back");
    assert_eq!(again.to_json(), json);
    let by_emulator = cinetpay_emulator::fuzzing::form_encode(&pairs);
    let again = NotificationForm::from_urlencoded(by_emulator.as_bytes())
        .expect("the emulator's encoding reads back");
    assert_eq!(again.to_json(), json, "{by_emulator}");
    assert_eq!(sign(&again, key).ok().as_deref(), Some(signed.as_str()));
}

fn bridge_properties(op: &str, input: &Value) {
    let client = client();
    match bridge::prepare(client, op, input) {
        Ok(prepared) => match op {
            "verify_notification" => {
                let out = prepared.ready().expect("verification is local");
                let form = NotificationForm::from_value(out).expect("the verified form");
                for f in NOTIFICATION_FIELDS {
                    assert!(out[f].is_string(), "{f} missing from {out}");
                }
                let given = input["x_token"].as_str().unwrap_or("");
                assert_eq!(sign(&form, Some(SECRET_KEY)).ok().as_deref(), Some(given));
            }
            "sign_notification" => {
                let out = prepared.ready().expect("signing is local");
                let token = out["x_token"].as_str().expect("x_token");
                assert!(is_lower_hex_token(token), "{token}");
                let mut verify_input = input.clone();
                verify_input["x_token"] = Value::from(token);
                bridge::prepare(client, "verify_notification", &verify_input)
                    .expect("a signed notification verifies");
            }
            _ => {
                assert!(prepared.ready().is_none(), "handling checks the payment");
                let verified = bridge::prepare(client, "verify_notification", input)
                    .expect("a handled notification verifies");
                let out = verified.ready().expect("local");
                assert_eq!(out["cpm_site_id"], json!(SITE_ID));
                let id = out["cpm_trans_id"].as_str().unwrap_or("");
                assert!(!id.trim().is_empty(), "handled without a transaction id");
            }
        },
        Err(e) => {
            let code = e.code().as_str();
            match code {
                "validation_error" => assert!(e.field().is_some_and(|f| !f.is_empty()), "{e}"),
                "invalid_notification" => assert_ne!(op, "sign_notification", "{e}"),
                _ => panic!("{op}: unexpected error {code}: {e}"),
            }
        }
    }
}
