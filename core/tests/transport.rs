//! What the client does with bodies and connections CinetPay's docs do not promise.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use cinetpay::{Client, Currency, ErrorCode, PaymentRequest};
use cinetpay_emulator::{Config, Emulator};
use support::{Script, client, closed_port, config, http, raw_server};

fn request() -> PaymentRequest {
    PaymentRequest::new("TX-1", 100, Currency::Xof, "Order")
        .notify_url("https://shop.example/notify")
        .return_url("https://shop.example/return")
}

async fn error_from(script: Script) -> cinetpay::Error {
    let server = raw_server(script).await;
    client(&server.url)
        .init_payment(&request())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn an_error_code_inside_http_200() {
    let body = r#"{"code":"609","message":"AUTH_NOT_FOUND","description":"Apikey introuvable","api_response_id":"1.5"}"#;
    let e = error_from(Script::Reply(http("200 OK", "application/json", body))).await;
    assert_eq!(e.code(), ErrorCode::AuthNotFound);
    assert_eq!(
        (e.http_status(), e.api_code(), e.api_response_id()),
        (Some(200), Some("609"), Some("1.5"))
    );
    assert_eq!(
        e.to_string(),
        "auth_not_found: CinetPay answered 609 AUTH_NOT_FOUND: Apikey introuvable (api_response_id 1.5)"
    );
}

#[tokio::test]
async fn html_bodies() {
    let html = "<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>";
    let e = error_from(Script::Reply(http("200 OK", "text/html", html))).await;
    assert_eq!(e.code(), ErrorCode::Decode);
    assert!(e.message().contains("Maintenance"), "{e}");
    let e = error_from(Script::Reply(http("502 Bad Gateway", "text/html", html))).await;
    assert_eq!(
        (e.code(), e.http_status()),
        (ErrorCode::ServerError, Some(502))
    );
    let e = error_from(Script::Reply(http(
        "400 Bad Request",
        "text/html",
        "<h1>Page 400 accès interdit</h1>",
    )))
    .await;
    assert_eq!(e.code(), ErrorCode::AccessDenied);
}

#[tokio::test]
async fn truncated_json() {
    let e = error_from(Script::Reply(http(
        "200 OK",
        "application/json",
        r#"{"code":"201","message":"CRE"#,
    )))
    .await;
    assert_eq!(e.code(), ErrorCode::Decode);
    assert!(e.message().contains("not valid JSON"), "{e}");
    // The body stops short of its Content-Length: the connection broke mid-response.
    let short = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"code\":\"201\"".to_vec();
    let e = error_from(Script::Reply(short)).await;
    assert_eq!(
        (e.code(), e.request_sent()),
        (ErrorCode::Network, Some(true)),
        "{e}"
    );
}

#[tokio::test]
async fn a_connection_reset_after_sending_is_not_retried() {
    let server = raw_server(Script::Reset).await;
    let e = client(&server.url)
        .init_payment(&request())
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.request_sent()),
        (ErrorCode::Network, Some(true)),
        "{e}"
    );
    assert!(
        e.message().contains("may have been created") && e.message().contains("TX-1"),
        "{e}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_timeout_after_sending_is_not_retried() {
    let server = raw_server(Script::Hang).await;
    let client = Client::new(config(&server.url).timeout(Duration::from_millis(300))).unwrap();
    let e = client.init_payment(&request()).await.unwrap_err();
    assert_eq!(
        (e.code(), e.request_sent()),
        (ErrorCode::Timeout, Some(true)),
        "{e}"
    );
    assert!(e.message().contains("check transaction \"TX-1\""), "{e}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn oversized_bodies_are_refused_without_reading_them() {
    let declared =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2000000\r\n\r\n{"
            .to_vec();
    let e = error_from(Script::Reply(declared)).await;
    assert_eq!(e.code(), ErrorCode::ResponseTooLarge, "{e}");
    let mut chunked =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec();
    for _ in 0..20 {
        chunked.extend_from_slice(format!("10000\r\n{}\r\n", " ".repeat(0x10000)).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let e = error_from(Script::Reply(chunked)).await;
    assert_eq!(e.code(), ErrorCode::ResponseTooLarge, "{e}");
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported_as_not_sent() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let e = Client::new(config(&url).max_retries(2))
        .unwrap()
        .init_payment(&request())
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.request_sent()),
        (ErrorCode::Network, Some(false)),
        "{e}"
    );
    assert!(
        e.message().contains("after 3 attempts") && e.message().contains("safe"),
        "{e}"
    );
    // The host tried is named, and the hint says what to check.
    let host = url.trim_start_matches("http://");
    assert!(
        e.message()
            .contains(&format!("could not connect to {host}")),
        "{e}"
    );
    assert!(e.hint().is_some_and(|h| h.contains("firewall")), "{e}");
}

#[tokio::test]
async fn a_retry_reaches_a_server_that_came_up_late() {
    let port = closed_port();
    let starter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        Emulator::start_on(Config::default(), ([127, 0, 0, 1], port).into()).unwrap()
    });
    let cfg = config(&format!("http://127.0.0.1:{port}"))
        .max_retries(4)
        .retry_initial_delay(Duration::from_millis(200));
    let link = Client::new(cfg).unwrap().init_payment(&request()).await;
    let emulator = starter.join().unwrap();
    assert!(link.is_ok(), "{link:?}");
    assert_eq!(
        emulator.transaction_count(),
        1,
        "the same transaction was created once"
    );
}

/// A blocking caller's connection sits idle on its thread between calls, and servers
/// close idle kept-alive connections. The next `init_payment` must open a new connection, not
/// write into the closed one: that would fail after sending, and an initialisation is never
/// retried then.
#[test]
fn a_blocking_call_after_the_server_closed_the_idle_connection_reconnects() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let created =
        r#"{"code":"201","message":"CREATED","data":{"payment_token":"t","payment_url":"u"}}"#;
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{created}",
        created.len()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let answer = answer.clone();
            std::thread::spawn(move || {
                // One request per connection, kept alive for 50 ms, then closed (FIN) while
                // the client is away, as an idle timeout does.
                let mut buf = [0u8; 8192];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") || !got.ends_with(b"}") {
                    let n = stream.read(&mut buf).unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    got.extend_from_slice(&buf[..n]);
                }
                let _ = stream.write_all(answer.as_bytes());
                std::thread::sleep(Duration::from_millis(50));
            });
        }
    });
    let client = cinetpay::blocking::Client::new(config(&url).max_retries(0)).unwrap();
    for i in 0..3 {
        let request = PaymentRequest::new(format!("IDLE-{i}"), 100, Currency::Xof, "Order")
            .notify_url("https://shop.example/notify")
            .return_url("https://shop.example/return");
        client
            .init_payment(&request)
            .unwrap_or_else(|e| panic!("call {i}: {e}"));
        std::thread::sleep(Duration::from_millis(200));
    }
}
