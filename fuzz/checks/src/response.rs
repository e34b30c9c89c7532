//! Target `response`: decoding CinetPay's answers to `POST /v2/payment` (init) and
//! `POST /v2/payment/check` (check), `cinetpay::response::decode_*`.
//!
//! Input: byte 0 bit 1 set = a `Retry-After` header was given, of byte 3 seconds; bytes 1-2 the
//! HTTP status (big endian, modulo 1000); the rest is the body. Both decoders read every input.
//!
//! Properties:
//! - neither decoder panics;
//! - init `Ok(link)`: token and URL are non-empty, they are the body's `data.payment_token` and
//!   `data.payment_url` (when the body is a JSON object), and the link written back as a
//!   canonical CREATED envelope decodes to the same link;
//! - check `Ok(status)`: the HTTP status is under 429, `code` and `data` are the body's, `data`
//!   is a non-empty object, paid implies final, and the status written back as an envelope
//!   decodes to an equal status;
//! - every error is one a response can cause (never `validation_error`, `internal`, ...),
//!   carries the HTTP status and `request_sent: true`, names no field, has `retry_after` only as
//!   `too_many_requests` and then the header's value, and `to_json` repeats its code.

use std::time::Duration;

use cinetpay::Error;
use cinetpay::response::{decode_check_response, decode_payment_response};
use serde_json::{Value, json};

use crate::text;

/// The codes a decoder may return.
pub(crate) const RESPONSE_CODES: &[&str] = &[
    "minimum_required_field",
    "currency_not_allowed",
    "auth_not_found",
    "site_id_not_valid",
    "processing_error",
    "forbidden",
    "too_many_requests",
    "user_agent_required",
    "access_denied",
    "api_error",
    "server_error",
    "decode",
    "payment_not_found",
];

/// The input for an answer with `status`, `retry_after` seconds and `body`.
pub fn input(status: u16, retry_after: Option<u8>, body: &[u8]) -> Vec<u8> {
    let mut data = vec![if retry_after.is_some() { 2 } else { 0 }];
    data.extend_from_slice(&status.to_be_bytes());
    data.push(retry_after.unwrap_or(0));
    data.extend_from_slice(body);
    data
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let [flags, hi, lo, seconds, body @ ..] = data else {
        return;
    };
    let status = u16::from_be_bytes([*hi, *lo]) % 1000;
    let retry_after = (flags & 2 != 0).then(|| Duration::from_secs(u64::from(*seconds)));
    let object = match serde_json::from_slice::<Value>(body.trim_ascii_start()) {
        Ok(Value::Object(o)) => Some(o),
        _ => None,
    };

    match decode_payment_response(status, retry_after, body) {
        Ok(link) => {
            assert!(!link.payment_token.is_empty() && !link.payment_url.is_empty());
            // An object, not an array read by position (unknown fields are skipped unchecked,
            // so the body need not be valid JSON text throughout).
            assert_eq!(
                body.trim_ascii_start().first(),
                Some(&b'{'),
                "a link read from an array"
            );
            if let Some(o) = &object {
                assert_eq!(text(o.get("code")).as_deref(), Some("201"));
                let data = o.get("data");
                let field = |name: &str| data.and_then(|d| d.get(name)).and_then(Value::as_str);
                assert_eq!(field("payment_token"), Some(link.payment_token.as_str()));
                assert_eq!(field("payment_url"), Some(link.payment_url.as_str()));
                assert_eq!(text(o.get("api_response_id")), link.api_response_id);
            }
            let canonical = json!({
                "code": "201",
                "message": "CREATED",
                "description": "Transaction created with success",
                "data": {"payment_token": link.payment_token, "payment_url": link.payment_url},
                "api_response_id": link.api_response_id,
            });
            let again = decode_payment_response(200, None, canonical.to_string().as_bytes());
            assert_eq!(again.ok().as_ref(), Some(&link), "round trip");
        }
        Err(e) => error_properties(&e, status, retry_after),
    }

    match decode_check_response(status, retry_after, body) {
        Ok(st) => {
            assert!(status < 429, "a status at HTTP {status}");
            assert!(st.data.as_object().is_some_and(|d| !d.is_empty()));
            if let Some(o) = &object {
                assert_eq!(text(o.get("code")).as_deref(), Some(st.code.as_str()));
                assert_eq!(o.get("data"), Some(&st.data));
            }
            assert!(!st.is_paid() || st.is_final(), "paid but not final");
            assert_eq!(
                st.is_paid(),
                st.code == "00" && st.status == cinetpay::PaymentState::Accepted
            );
            let out = st.to_json();
            assert_eq!(out["code"].as_str(), Some(st.code.as_str()));
            assert_eq!(out["is_paid"].as_bool(), Some(st.is_paid()));
            let canonical = json!({
                "code": st.code,
                "message": st.message,
                "data": st.data,
                "api_response_id": st.api_response_id,
            });
            let again = decode_check_response(200, None, canonical.to_string().as_bytes());
            assert_eq!(again.ok().as_ref(), Some(&st), "round trip");
        }
        Err(e) => error_properties(&e, status, retry_after),
    }
}

fn error_properties(e: &Error, status: u16, retry_after: Option<Duration>) {
    let code = e.code().as_str();
    assert!(RESPONSE_CODES.contains(&code), "code {code}: {e}");
    assert_eq!(e.http_status(), Some(status), "{e}");
    assert_eq!(e.request_sent(), Some(true), "{e}");
    assert_eq!(e.field(), None, "{e}");
    if let Some(wait) = e.retry_after() {
        assert_eq!(code, "too_many_requests");
        assert_eq!(Some(wait), retry_after);
    }
    if code == "too_many_requests" {
        assert_eq!(e.retry_after(), retry_after, "{e}");
    }
    let json = e.to_json();
    assert_eq!(json["code"].as_str(), Some(code));
    assert_eq!(json["http_status"].as_u64(), Some(u64::from(status)));
    assert!(!e.to_string().is_empty());
}
