//! Target `emulator`: how `cinetpay-emulator` reads requests, without sockets: `POST /v2/payment`
//! and `/v2/payment/check` (headers and JSON body), `POST /_emulator/outcome` (JSON),
//! `POST /payment/{token}` (the checkout form), the `GET /_emulator/*` query strings,
//! `POST`/`DELETE /_emulator/faults` (JSON), and its urlencoding code.
//!
//! Input: byte 0 picks the route (`% 8`, in the order above, the form code last but one,
//! faults last); byte 1 the headers (bit 0: a User-Agent; bit 1: a blank one; bits 2-3:
//! Content-Type `application/json`, with `; charset=utf-8`, `text/plain`, none; for faults, bit
//! 0 is DELETE); the rest is the body (or the query string). Each input starts from a fresh
//! emulator state (default account) holding one transaction, `T1`, created through init.
//!
//! Properties:
//! - nothing panics; every reply has a valid HTTP status, a Content-Type, `Retry-After` only on
//!   429, and a JSON Content-Type only on a body that is JSON;
//! - the SDK understands every answer of the API routes: decoding one never gives `decode`, an
//!   HTTP 200 init is a link to a stored transaction, an HTTP 200 check a status whose code and
//!   amount are the transaction's, and an error carries the envelope's code;
//! - a created transaction is stored once, under its token, and a check finds it;
//! - the notification the emulator would send for it (its own HMAC, its own urlencoding) is
//!   read and verified by the SDK, with every value intact;
//! - outcomes and checkout forms answer 200, 400, 404 or 409, and a 200 moves the transaction;
//! - urlencoding: decoding never panics, and `param(encode([(k, v)]), k) == v` for any text,
//!   read the same by the `url` crate.

use cinetpay::notification::verify;
use cinetpay::response::{decode_check_response, decode_payment_response};
use cinetpay::{NotificationForm, PaymentState};
use cinetpay_emulator::check::check;
use cinetpay_emulator::fuzzing;
use cinetpay_emulator::notify::Notification;
use cinetpay_emulator::payment::{Incoming, Reply, init};
use cinetpay_emulator::state::{State, Transaction};
use cinetpay_emulator::{Config, DEFAULT_API_KEY, DEFAULT_SECRET_KEY, DEFAULT_SITE_ID, fault};
use serde_json::{Value, json};

/// The emulator's URL in payment links.
const PUBLIC_URL: &str = "http://127.0.0.1:1";

/// The routes, by byte 0 of the input.
pub const ROUTES: [&str; 8] = [
    "init",
    "check",
    "outcome",
    "checkout",
    "inspect",
    "notifications",
    "form",
    "faults",
];

/// The input for `route` (an index in [`ROUTES`]), header `flags` and `body`.
pub fn input(route: u8, flags: u8, body: &[u8]) -> Vec<u8> {
    let mut data = vec![route, flags];
    data.extend_from_slice(body);
    data
}

/// The headers of a well-formed API request.
pub const JSON_HEADERS: u8 = 1;

fn incoming(flags: u8, body: &[u8]) -> Incoming<'_> {
    Incoming {
        user_agent: match flags & 3 {
            1 => Some("cinetpay-fuzz/1"),
            3 => Some(" "),
            _ => None,
        },
        content_type: match (flags >> 2) & 3 {
            0 => Some("application/json"),
            1 => Some("application/json; charset=utf-8"),
            2 => Some("text/plain"),
            _ => None,
        },
        body,
    }
}

/// A fresh state holding `T1`.
fn state_with_t1() -> (State, Transaction) {
    let state = State::new(&Config::default(), PUBLIC_URL.to_owned());
    let body = json!({
        "apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "transaction_id": "T1",
        "amount": 100, "currency": "XOF", "description": "Commande 1",
        "notify_url": "https://shop.example/notify", "return_url": "https://shop.example/return",
    })
    .to_string();
    let reply = init(&state, &incoming(JSON_HEADERS, body.as_bytes()));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let t = state
        .transaction(DEFAULT_SITE_ID, "T1")
        .expect("T1 is stored");
    (state, t)
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let [route, flags, body @ ..] = data else {
        return;
    };
    let (state, t1) = state_with_t1();
    let text = String::from_utf8_lossy(body);
    match ROUTES[usize::from(*route) % ROUTES.len()] {
        "init" => {
            let reply = init(&state, &incoming(*flags, body));
            well_formed(&reply);
            init_properties(&state, &reply);
        }
        "check" => {
            let reply = check(&state, &incoming(*flags, body));
            well_formed(&reply);
            check_properties(&state, &reply);
        }
        "outcome" => {
            let reply = fuzzing::outcome(&state, body);
            well_formed(&reply);
            assert!([200, 400, 404, 409].contains(&reply.status), "{reply:?}");
            outcome_properties(&state, &t1, &reply);
        }
        "checkout" => {
            let reply = fuzzing::checkout_submit(&state, &t1.payment_token, body);
            well_formed(&reply);
            assert!([200, 400, 409].contains(&reply.status), "{reply:?}");
            outcome_properties(&state, &t1, &reply);
            let page = fuzzing::checkout_show(&state, &t1.payment_token);
            assert_eq!(page.status, 200);
        }
        "inspect" => {
            let reply = fuzzing::inspect(&state, &text);
            well_formed(&reply);
            assert!([200, 400, 404].contains(&reply.status), "{reply:?}");
            if reply.status == 200 {
                let v: Value = serde_json::from_str(&reply.body).expect("JSON");
                assert_eq!(
                    v["transaction_id"].as_str(),
                    fuzzing::form_param(&text, "transaction_id").as_deref()
                );
            }
        }
        "notifications" => {
            let reply = fuzzing::notifications(&state, &text);
            well_formed(&reply);
            assert!([200, 400, 404].contains(&reply.status), "{reply:?}");
            if reply.status == 200 {
                // No runtime: nothing was sent.
                assert_eq!(reply.body, "[]");
            }
        }
        "form" => form_properties(body),
        _ => {
            let reply = fault::control(state.faults(), flags & 1 == 1, body);
            well_formed(&reply);
            assert!([200, 400].contains(&reply.status), "{reply:?}");
        }
    }
}

fn well_formed(reply: &Reply) {
    assert!((100..=599).contains(&reply.status), "{reply:?}");
    assert!(!reply.content_type.is_empty());
    assert!(
        reply.retry_after.is_none() || reply.status == 429,
        "{reply:?}"
    );
    if reply.content_type.starts_with("application/json") {
        serde_json::from_str::<Value>(&reply.body).expect("a JSON reply is JSON");
    }
}

fn retry_after(reply: &Reply) -> Option<std::time::Duration> {
    reply
        .retry_after
        .map(|s| std::time::Duration::from_secs(u64::from(s)))
}

/// The envelope's code, for a JSON reply.
fn envelope_code(reply: &Reply) -> Option<String> {
    let v: Value = serde_json::from_str(&reply.body).ok()?;
    crate::text(v.get("code"))
}

fn init_properties(state: &State, reply: &Reply) {
    let decoded = decode_payment_response(reply.status, retry_after(reply), reply.body.as_bytes());
    if reply.status != 200 {
        assert_eq!(state.len(), 1, "a refused init stored a transaction");
        understood_refusal(&decoded.expect_err("a refusal is an error"), reply);
        return;
    }
    let link = decoded.expect("HTTP 200 is a link");
    assert_eq!(state.len(), 2, "one transaction more");
    let t = state
        .by_token(&link.payment_token)
        .expect("stored under its token");
    assert_eq!(
        link.payment_url,
        format!("{PUBLIC_URL}/payment/{}", t.payment_token)
    );
    assert_eq!(
        state
            .transaction(&t.site_id, &t.transaction_id)
            .map(|s| s.payment_token),
        Some(t.payment_token.clone())
    );

    // A check finds it, and the SDK reads the emulator's answer.
    let body = json!({"apikey": DEFAULT_API_KEY, "site_id": t.site_id,
        "transaction_id": t.transaction_id})
    .to_string();
    let reply = check(state, &incoming(JSON_HEADERS, body.as_bytes()));
    // Ids with surrounding spaces too: the check reads the id as sent, as the init stored it.
    assert_eq!(reply.status, 200, "{reply:?}");
    let st = decode_check_response(200, None, reply.body.as_bytes()).expect("a status");
    assert_eq!(st.amount, Some(t.amount));
    assert_eq!(st.status, PaymentState::WaitingForCustomer);

    // The notification the emulator would send: encoded and signed by the emulator, read and
    // verified by the SDK, every value intact.
    let n = Notification::new(&t, DEFAULT_SECRET_KEY);
    let pairs: Vec<(&str, &str)> = n.form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let encoded = fuzzing::form_encode(&pairs);
    let form = NotificationForm::from_urlencoded(encoded.as_bytes()).expect("a notification");
    for (k, v) in &pairs {
        assert_eq!(form.get(k), *v, "{k}");
    }
    verify(&form, &n.x_token, Some(DEFAULT_SECRET_KEY)).expect("the SDK verifies it");
}

fn check_properties(state: &State, reply: &Reply) {
    let decoded = decode_check_response(reply.status, retry_after(reply), reply.body.as_bytes());
    if reply.status == 200 {
        let st = decoded.expect("HTTP 200 is a status");
        assert_eq!(Some(st.code.clone()), envelope_code(reply));
        let t = state
            .transaction(DEFAULT_SITE_ID, "T1")
            .expect("the one transaction");
        assert_eq!(st.code, t.code());
        assert_eq!(st.amount, Some(t.amount));
        return;
    }
    let e = decoded.expect_err("a refusal is an error");
    if understood_refusal(&e, reply).as_deref() == Some("404") {
        assert_eq!(e.code().as_str(), "payment_not_found");
    }
}

/// The SDK reads an emulator refusal as more than `decode`, and keeps its code; returns it.
fn understood_refusal(e: &cinetpay::Error, reply: &Reply) -> Option<String> {
    assert_ne!(
        e.code().as_str(),
        "decode",
        "the SDK does not understand {reply:?}"
    );
    let code = envelope_code(reply)?;
    assert_eq!(e.api_code(), Some(code.as_str()));
    Some(code)
}

fn outcome_properties(state: &State, before: &Transaction, reply: &Reply) {
    let after = state.transaction(DEFAULT_SITE_ID, "T1").expect("T1 stays");
    if reply.status == 200 {
        assert_ne!(after.state, before.state, "a 200 moves the transaction");
        let body = json!({"apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID,
            "transaction_id": "T1"})
        .to_string();
        let answer = check(state, &incoming(JSON_HEADERS, body.as_bytes()));
        let st = decode_check_response(200, None, answer.body.as_bytes()).expect("a status");
        assert_eq!(st.code, after.code());
    } else {
        assert_eq!(after.state, before.state, "a refusal moved the transaction");
    }
}

fn form_properties(body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    let _ = fuzzing::form_decode(&text);
    let _ = fuzzing::form_param(&text, "outcome");
    let (k, v) = match body.iter().position(|b| *b == 0) {
        Some(i) => (
            String::from_utf8_lossy(&body[..i]),
            String::from_utf8_lossy(&body[i + 1..]),
        ),
        None => (text.clone(), text.clone()),
    };
    let encoded = fuzzing::form_encode(&[(&k, &v)]);
    assert!(encoded.is_ascii(), "{encoded}");
    assert_eq!(
        fuzzing::form_param(&encoded, &k).as_deref(),
        Some(&*v),
        "{encoded}"
    );
    let by_url: Vec<(String, String)> = url::form_urlencoded::parse(encoded.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(by_url, vec![(k.into_owned(), v.into_owned())]);
}
