//! The blocking path's own HTTP/1.1 reading (`src/direct.rs`) on answers the emulator never
//! sends: chunked bodies with extensions and trailers, bodies delimited by the server closing,
//! HTTP/1.0. (The fault matrix covers the broken ones.) Calls run on plain threads, as a C or
//! Python caller's do, so that they take the direct path.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use cinetpay::{Currency, PaymentRequest};
use support::{Script, raw_server};

const BODY: &str = r#"{"code":"201","message":"CREATED","description":"ok","data":{"payment_token":"tok","payment_url":"https://checkout.example/p/tok"},"api_response_id":"1.2"}"#;

fn request() -> PaymentRequest {
    PaymentRequest::new("DIRECT-1", 100, Currency::Xof, "Commande")
        .notify_url("https://shop.example/notify")
        .return_url("https://shop.example/return")
}

/// The payment_url a blocking client reads from a server answering `answer`.
async fn url_from(answer: Vec<u8>) -> String {
    let server = raw_server(Script::Reply(answer)).await;
    let config = support::config(&server.url);
    std::thread::spawn(move || {
        let client = cinetpay::blocking::Client::new(config).unwrap();
        client.init_payment(&request()).map(|link| link.payment_url)
    })
    .join()
    .unwrap()
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_answer_with_extensions_and_trailers() {
    let (a, b) = BODY.split_at(40);
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n\
         {:x};name=value\r\n{a}\r\n{:X}\r\n{b}\r\n0\r\nx-trailer: 1\r\n\r\n",
        a.len(),
        b.len()
    );
    assert_eq!(
        url_from(answer.into_bytes()).await,
        "https://checkout.example/p/tok"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_delimited_by_the_close() {
    let answer = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{BODY}");
    assert_eq!(
        url_from(answer.into_bytes()).await,
        "https://checkout.example/p/tok"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_1_0_answer() {
    let answer = format!(
        "HTTP/1.0 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    assert_eq!(
        url_from(answer.into_bytes()).await,
        "https://checkout.example/p/tok"
    );
}
