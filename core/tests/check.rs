//! `check_payment`: decoding CinetPay's answers and the idempotent retries.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use cinetpay::{Client, ErrorCode, PaymentLookup, PaymentState};
use serde_json::Value;
use support::{Script, client, config, fixture, http, raw_server};

const PAID: &str = r#"{"code":"00","message":"SUCCES","data":{"amount":"100","currency":"XOF","status":"ACCEPTED"},"api_response_id":"1.1"}"#;

fn lookup() -> PaymentLookup {
    PaymentLookup::TransactionId("TX-1".into())
}

fn paid() -> Script {
    Script::Reply(http("200 OK", "application/json", PAID))
}

#[test]
fn shared_check_responses_decode_the_same_in_every_language() {
    let cases = fixture("check-responses.json");
    for case in cases["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let status = case["http_status"].as_u64().unwrap() as u16;
        let body = case["body"].to_string();
        let decoded = cinetpay::response::decode_check_response(status, None, body.as_bytes());
        match (&case["expect"], &case["error"]) {
            (Value::Object(expect), Value::Null) => {
                let got = decoded.unwrap_or_else(|e| panic!("{name}: {e}")).to_json();
                for (key, want) in expect {
                    assert_eq!(&got[key], want, "{name}: {key}");
                }
            }
            (Value::Null, Value::String(code)) => {
                let e = decoded.expect_err(name);
                assert_eq!(e.code().as_str(), code, "{name}: {e}");
            }
            _ => panic!("{name}: give expect or error"),
        }
    }
}

#[tokio::test]
async fn a_5xx_then_success_is_retried() {
    let server = raw_server(Script::Seq(vec![
        Script::Reply(http(
            "503 Service Unavailable",
            "text/html",
            "<h1>down</h1>",
        )),
        paid(),
    ]))
    .await;
    let status = client(&server.url).check_payment(&lookup()).await.unwrap();
    assert!(status.is_paid());
    assert_eq!(status.status, PaymentState::Accepted);
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_reset_and_a_timeout_after_sending_are_retried_for_a_check() {
    let server = raw_server(Script::Seq(vec![Script::Reset, Script::Hang, paid()])).await;
    let client = Client::new(config(&server.url).timeout(Duration::from_millis(300))).unwrap();
    let status = client.check_payment(&lookup()).await.unwrap();
    assert_eq!(status.amount, Some(100));
    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_stop_at_max_retries_with_a_message_that_says_calling_again_is_safe() {
    let server = raw_server(Script::Reset).await;
    let e = Client::new(config(&server.url).max_retries(2))
        .unwrap()
        .check_payment(&lookup())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Network, "{e}");
    assert!(
        e.message().contains("after 3 attempts")
            && e.message().contains("calling it again is safe"),
        "{e}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retry_after_is_honoured_up_to_the_cap() {
    let limited = |secs: u32| {
        let body = r#"{"code":"429","message":"TOO_MANY_REQUEST"}"#;
        let mut r =
            String::from_utf8(http("429 Too Many Requests", "application/json", body)).unwrap();
        r = r.replacen("\r\n", &format!("\r\nretry-after: {secs}\r\n"), 1);
        Script::Reply(r.into_bytes())
    };
    let server = raw_server(Script::Seq(vec![limited(1), paid()])).await;
    let started = Instant::now();
    client(&server.url).check_payment(&lookup()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);

    // Past the cap, the call ends at once with the delay CinetPay asked for.
    let server = raw_server(Script::Seq(vec![limited(60), paid()])).await;
    let e = client(&server.url)
        .check_payment(&lookup())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::TooManyRequests);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(60)));
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn errors_of_the_request_are_not_retried() {
    let body = r#"{"code":"609","message":"AUTH_NOT_FOUND","description":"Apikey introuvable"}"#;
    let server = raw_server(Script::Reply(http(
        "400 Bad Request",
        "application/json",
        body,
    )))
    .await;
    let e = client(&server.url)
        .check_payment(&lookup())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::AuthNotFound);
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn init_payment_is_still_never_retried_after_sending() {
    let server = raw_server(Script::Seq(vec![
        Script::Reply(http("503 Service Unavailable", "text/html", "down")),
        Script::Reply(http(
            "200 OK",
            "application/json",
            r#"{"code":"201","data":{"payment_token":"t","payment_url":"u"}}"#,
        )),
    ]))
    .await;
    let request = cinetpay::PaymentRequest::new("TX-1", 100, cinetpay::Currency::Xof, "Order")
        .notify_url("https://shop.example/notify")
        .return_url("https://shop.example/return");
    let e = client(&server.url)
        .init_payment(&request)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServerError);
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn bad_lookups_are_refused_before_sending() {
    let server = raw_server(paid()).await;
    let e = client(&server.url)
        .check_payment(&PaymentLookup::TransactionId(" ".into()))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        (ErrorCode::Validation, Some("transaction_id"))
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
}
