//! Target `wire`: an answer read by the host transport's native side (`cinetpay::bridge`'s
//! `Exchange` and `Wire`, over plain HTTP), as Node's event loop hands it the bytes that arrive.
//! The framing is `core/src/framing.rs`, which the blocking path reads through too.
//!
//! Input: bytes 0-1 seed the cuts (where the answer is split into reads); byte 2 bit 1 set = the
//! server closes after the last byte; the rest is what the server sends after the request.
//!
//! Properties:
//! - nothing panics, and a read never loops (each call returns);
//! - the outcome is the same however the bytes are cut into reads: the same result or error
//!   (as JSON); a connection kept when the answer was read whole is kept when read in pieces
//!   (in pieces the answer may end before bytes after it arrive, which read whole end its use);
//! - a created payment has a non-empty token and URL;
//! - every error says the request was sent (it was), and is one an answer can cause;
//! - a connection is never kept when the answer ended with the server's close.

use cinetpay::bridge::{self, Start, Step};
use cinetpay::{Client, ClientConfig};
use serde_json::Value;

/// The codes an answer may end in besides the decoders' (`response::RESPONSE_CODES`): its
/// framing's.
const FRAMING_CODES: &[&str] = &["network", "response_too_large"];

fn client() -> Client {
    Client::new(
        ClientConfig::new("fuzz-apikey-0000000000", "445160")
            .base_url("http://127.0.0.1:9")
            .max_retries(0),
    )
    .expect("a client")
}

/// What one feeding of `answer` ends in: the outcome as JSON and whether the connection is kept;
/// `None` when the answer never completed (no close, and incomplete). Asserts that an answer
/// that ended only with the server's close never keeps the connection.
fn outcome(client: &Client, answer: &[u8], cuts: &[usize], close: bool) -> Option<(Value, bool)> {
    let input = serde_json::json!({"transaction_id": "FUZZ-1", "amount": 100, "currency": "XOF",
        "description": "fuzz", "notify_url": "https://shop.example/n",
        "return_url": "https://shop.example/r"});
    let prepared = bridge::prepare(client, "init_payment", &input).expect("a valid payment");
    let Start::Exchange(mut exchange) = prepared.start(client) else {
        panic!("init_payment goes over the network")
    };
    let mut wire = exchange.wire().expect("a plain wire");
    assert!(wire.ready());
    wire.send(exchange.request()).expect("a plain request");
    let mut from = 0;
    let mut done = None;
    for &cut in cuts.iter().chain(std::iter::once(&answer.len())) {
        let to = cut.clamp(from, answer.len());
        if let Some(step) = exchange.receive(&mut wire, &answer[from..to], false) {
            done = Some(step);
            break;
        }
        from = to;
    }
    if done.is_none() && close {
        let (step, keep) = exchange
            .receive(&mut wire, &[], true)
            .expect("an end settles the answer");
        assert!(!keep, "kept a connection the server closed");
        done = Some((step, keep));
    }
    let (step, keep) = done?;
    let Step::Done(result) = step else {
        panic!("retried with max_retries 0")
    };
    let json = match result {
        Ok(value) => {
            let token = value["payment_token"].as_str().unwrap_or("");
            let url = value["payment_url"].as_str().unwrap_or("");
            assert!(!token.is_empty() && !url.is_empty(), "a link without token or URL");
            serde_json::json!({"ok": value})
        }
        Err(e) => {
            assert_eq!(e.request_sent(), Some(true), "{e}");
            let code = e.code().as_str();
            assert!(
                crate::response::RESPONSE_CODES.contains(&code) || FRAMING_CODES.contains(&code),
                "{e}"
            );
            serde_json::json!({"error": e.to_json()})
        }
    };
    Some((json, keep))
}

/// Cut points from a 16-bit seed: up to 8 increasing offsets in `0..=len`.
fn cuts(seed: u16, len: usize) -> Vec<usize> {
    let mut state = u32::from(seed) | 1;
    let mut out = Vec::new();
    for _ in 0..(seed % 9) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        out.push(state as usize % (len + 1));
    }
    out.sort_unstable();
    out
}

/// Runs the target on one input.
pub fn run(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let seed = u16::from_be_bytes([data[0], data[1]]);
    let close = data[2] & 1 == 1;
    let answer = &data[3..];
    let client = client();
    let whole = outcome(&client, answer, &[], close);
    let cut = outcome(&client, answer, &cuts(seed, answer.len()), close);
    assert_eq!(
        whole.as_ref().map(|(result, _)| result),
        cut.as_ref().map(|(result, _)| result),
        "the result depends on how the answer was cut into reads"
    );
    if let (Some((_, whole_keeps)), Some((_, cut_keeps))) = (&whole, &cut) {
        // Read in pieces, an answer ends before the bytes after it arrive, which then make the
        // idle connection unusable (Node discards it, the blocking path peeks before reuse); read
        // whole, they are seen at once. Apart from that, the same answer.
        assert!(!whole_keeps || *cut_keeps, "kept only when read whole");
    }
}

/// Seeds: the documented answer framed every way the SDK reads, and pages it classifies.
pub fn seeds() -> Vec<(String, Vec<u8>)> {
    let created = r#"{"code":"201","message":"CREATED","description":"Transaction created with success","data":{"payment_token":"tok","payment_url":"https://checkout.cinetpay.com/payment/tok"},"api_response_id":"1.1"}"#;
    let framed = |name: &str, flags: u8, text: String| {
        let mut data = vec![0x12, 0x34, flags];
        data.extend_from_slice(text.as_bytes());
        (name.to_owned(), data)
    };
    let (half1, half2) = created.split_at(40);
    vec![
        framed(
            "length",
            0,
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{created}",
                created.len()
            ),
        ),
        framed(
            "chunked-trailers",
            0,
            format!(
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{half1}\r\n{:x};x=y\r\n{half2}\r\n0\r\nx-t: 1\r\n\r\n",
                half1.len(),
                half2.len()
            ),
        ),
        framed(
            "close-delimited-502",
            1,
            "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\n\r\n<html>bad gateway</html>"
                .into(),
        ),
        framed(
            "429-retry-after",
            0,
            "HTTP/1.1 429 Too Many Requests\r\nretry-after: 3\r\ncontent-length: 0\r\n\r\n".into(),
        ),
        framed(
            "cut-body",
            1,
            "HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n{\"code\":".into(),
        ),
        framed("not-http", 1, "SSH-2.0-OpenSSH\r\n\r\n".into()),
    ]
}
