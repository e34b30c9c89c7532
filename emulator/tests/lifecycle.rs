//! A payment's whole life over HTTP: init, the customer's outcome, the signed notifications a
//! merchant's own server receives, and the check endpoint's answer.
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cinetpay_emulator::notify::FIELDS;
use cinetpay_emulator::{
    Config, DEFAULT_API_KEY, DEFAULT_SECRET_KEY, DEFAULT_SITE_ID, DeliveryKind, Emulator, Outcome,
};
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request the merchant's server received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    content_type: Option<String>,
    x_token: Option<String>,
    body: String,
    at: Instant,
}

/// A merchant's notify_url: records every request; answers 500 to the first POST when asked
/// to, 200 otherwise.
struct Merchant {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Merchant {
    async fn start(fail_first_post: bool) -> Merchant {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let posts = Arc::new(AtomicUsize::new(0));
        let recorded = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (seen, posts) = (recorded.clone(), posts.clone());
                let service =
                    hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                        let (seen, posts) = (seen.clone(), posts.clone());
                        async move {
                            let header = |name: &str| {
                                req.headers()
                                    .get(name)
                                    .map(|v| v.to_str().unwrap().to_owned())
                            };
                            let mut s = Seen {
                                method: req.method().to_string(),
                                path: req.uri().path().to_owned(),
                                content_type: header("content-type"),
                                x_token: header("x-token"),
                                body: String::new(),
                                at: Instant::now(),
                            };
                            let body = req.into_body().collect().await.unwrap().to_bytes();
                            s.body = String::from_utf8(body.to_vec()).unwrap();
                            let first_post =
                                s.method == "POST" && posts.fetch_add(1, Ordering::SeqCst) == 0;
                            let status = if first_post && fail_first_post {
                                500
                            } else {
                                200
                            };
                            seen.lock().unwrap().push(s);
                            Ok::<_, Infallible>(
                                Response::builder()
                                    .status(status)
                                    .body(Full::new(Bytes::from_static(b"ok")))
                                    .unwrap(),
                            )
                        }
                    });
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Merchant { addr, seen }
    }

    fn notify_url(&self) -> String {
        format!("http://{}/notify", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// One HTTP/1.1 exchange with the emulator: status and body.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<(&str, &str)>,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nuser-agent: lifecycle-test/1\r\nconnection: close\r\n"
    );
    if let Some((content_type, body)) = body {
        request.push_str(&format!(
            "content-type: {content_type}\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        request.push_str("\r\n");
    }
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

async fn json_call(addr: SocketAddr, path: &str, body: Value) -> (u16, Value) {
    let (status, text) = http(
        addr,
        "POST",
        path,
        Some(("application/json", &body.to_string())),
    )
    .await;
    (status, serde_json::from_str(&text).unwrap())
}

async fn init(emulator: &Emulator, id: &str, notify_url: &str) -> String {
    let (status, v) = json_call(
        emulator.addr(),
        "/v2/payment",
        json!({
            "apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "transaction_id": id,
            "amount": 100, "currency": "XOF", "description": "Abonnement café",
            "notify_url": notify_url, "return_url": "http://shop.example/return",
            "metadata": "order=7", "customer_phone_number": "0707070707",
        }),
    )
    .await;
    assert_eq!((status, v["code"].as_str()), (200, Some("201")), "{v}");
    v["data"]["payment_token"].as_str().unwrap().to_owned()
}

/// The attempts so far, from `/_emulator/notifications`.
async fn notifications(emulator: &Emulator, id: &str) -> Vec<Value> {
    let (status, text) = http(
        emulator.addr(),
        "GET",
        &format!("/_emulator/notifications?transaction_id={id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str::<Vec<Value>>(&text).unwrap()
}

/// Waits (10 s at most) until `done` holds for the attempts.
async fn wait_for(emulator: &Emulator, id: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let attempts = notifications(emulator, id).await;
        if done(&attempts) || Instant::now() > deadline {
            return attempts;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn delivered_posts(attempts: &[Value]) -> usize {
    attempts
        .iter()
        .filter(|a| a["kind"] == "post" && a["http_status"] == 200)
        .count()
}

/// The decoded pairs of a form body, in order.
fn pairs(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let mut out = Vec::new();
        let mut bytes = s.bytes();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                let hex: String = [bytes.next().unwrap(), bytes.next().unwrap()]
                    .iter()
                    .map(|b| *b as char)
                    .collect();
                out.push(u8::from_str_radix(&hex, 16).unwrap());
            } else {
                out.push(b);
            }
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect()
}

/// The x-token as a merchant computes it from CinetPay's docs.
fn expected_x_token(values: &[(String, String)]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(DEFAULT_SECRET_KEY.as_bytes()).unwrap();
    for (_, v) in values {
        mac.update(v.as_bytes());
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn accepted_payment_notifies_with_a_signed_form_retries_and_checks_00() {
    let merchant = Merchant::start(true).await;
    let emulator = Emulator::start(Config::default().with_notify_retry(50, 5)).unwrap();
    init(&emulator, "LC-1", &merchant.notify_url()).await;

    let (status, v) = json_call(
        emulator.addr(),
        "/_emulator/outcome",
        json!({"transaction_id": "LC-1", "outcome": "accept"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        v,
        json!({"transaction_id": "LC-1", "site_id": DEFAULT_SITE_ID, "status": "ACCEPTED", "code": "00"})
    );

    let attempts = wait_for(&emulator, "LC-1", |a| delivered_posts(a) == 1).await;
    let shape: Vec<(&str, u64, Option<u64>)> = attempts
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap(),
                a["attempt"].as_u64().unwrap(),
                a["http_status"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("ping", 1, Some(200)),
            ("post", 1, Some(500)),
            ("post", 2, Some(200))
        ],
        "{attempts:?}"
    );

    // What the merchant's server itself received.
    let seen = merchant.seen();
    let methods: Vec<&str> = seen.iter().map(|s| s.method.as_str()).collect();
    assert_eq!(methods, ["GET", "POST", "POST"]);
    assert!(seen.iter().all(|s| s.path == "/notify"));
    assert!(seen[0].body.is_empty() && seen[0].x_token.is_none());
    assert!(seen[2].at.duration_since(seen[1].at) >= Duration::from_millis(45));
    for post in &seen[1..] {
        assert_eq!(
            post.content_type.as_deref(),
            Some("application/x-www-form-urlencoded")
        );
        let form = pairs(&post.body);
        let names: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, FIELDS);
        let value = |name: &str| form.iter().find(|(k, _)| k == name).unwrap().1.as_str();
        assert_eq!(value("cpm_site_id"), DEFAULT_SITE_ID);
        assert_eq!(value("cpm_trans_id"), "LC-1");
        assert_eq!(value("cpm_amount"), "100");
        assert_eq!(value("cpm_currency"), "XOF");
        assert_eq!(value("payment_method"), "OM");
        assert_eq!(value("cel_phone_num"), "0707070707");
        assert_eq!(value("cpm_custom"), "order=7");
        assert_eq!(value("cpm_designation"), "Abonnement café");
        assert_eq!(value("cpm_error_message"), "SUCCES");
        let x_token = post.x_token.as_deref().unwrap();
        assert_eq!(x_token, expected_x_token(&form));
        assert_ne!(value("signature"), x_token);
        // The emulator's record is what was sent.
        assert_eq!(attempts[2]["x_token"], x_token);
        let recorded: Vec<(String, String)> = attempts[2]["form"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(recorded, form);
    }
    assert_eq!(
        seen[1].body, seen[2].body,
        "a retry resends the same notification"
    );

    let (status, v) = json_call(
        emulator.addr(),
        "/v2/payment/check",
        json!({"apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "transaction_id": "LC-1"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (v["code"].as_str(), v["message"].as_str()),
        (Some("00"), Some("SUCCES"))
    );
    assert_eq!(v["data"]["status"], "ACCEPTED");
    assert_eq!(v["data"]["amount"], json!("100"));
    assert_eq!(v["data"]["metadata"], "order=7");
    assert!(v["data"]["operator_id"].as_str().unwrap().starts_with("MP"));

    // The Rust API sees the same record.
    let api = emulator.notifications(DEFAULT_SITE_ID, "LC-1");
    assert_eq!(api.len(), 3);
    assert_eq!(api[0].kind, DeliveryKind::Ping);
    assert_eq!(api[2].x_token.as_deref(), seen[2].x_token.as_deref());
}

#[tokio::test]
async fn pending_then_accepted_notifies_twice_in_order() {
    let merchant = Merchant::start(false).await;
    let emulator = Emulator::start(Config::default().with_notify_retry(50, 5)).unwrap();
    init(&emulator, "LC-2", &merchant.notify_url()).await;

    for outcome in ["pending", "accept"] {
        let (status, _) = json_call(
            emulator.addr(),
            "/_emulator/outcome",
            json!({"transaction_id": "LC-2", "site_id": DEFAULT_SITE_ID, "outcome": outcome}),
        )
        .await;
        assert_eq!(status, 200);
    }
    let attempts = wait_for(&emulator, "LC-2", |a| delivered_posts(a) == 2).await;
    let kinds: Vec<&str> = attempts
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ping", "post", "ping", "post"], "{attempts:?}");
    let messages: Vec<String> = merchant
        .seen()
        .iter()
        .filter(|s| s.method == "POST")
        .map(|s| {
            let form = pairs(&s.body);
            form.into_iter()
                .find(|(k, _)| k == "cpm_error_message")
                .unwrap()
                .1
        })
        .collect();
    assert_eq!(messages, ["WAITING_CUSTOMER_TO_VALIDATE", "SUCCES"]);
    assert_eq!(merchant.seen().len(), 4);
}

#[tokio::test]
async fn the_checkout_page_cancels_then_refuses_changes() {
    let merchant = Merchant::start(false).await;
    let emulator = Emulator::start(Config::default().with_notify_retry(50, 5)).unwrap();
    let token = init(&emulator, "LC-3", &merchant.notify_url()).await;

    let (status, page) = http(emulator.addr(), "GET", &format!("/payment/{token}"), None).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"cancel\""));
    let (status, page) = http(
        emulator.addr(),
        "POST",
        &format!("/payment/{token}"),
        Some(("application/x-www-form-urlencoded", "outcome=cancel")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("action=\"http://shop.example/return\""),
        "{page}"
    );
    assert!(page.contains(&format!("name=\"token\" value=\"{token}\"")));

    let attempts = wait_for(&emulator, "LC-3", |a| delivered_posts(a) == 1).await;
    assert_eq!(
        attempts[1]["form"]["cpm_error_message"],
        "TRANSACTION_CANCEL"
    );
    assert_eq!(attempts[1]["form"]["payment_method"], "");

    let (status, v) = json_call(
        emulator.addr(),
        "/_emulator/outcome",
        json!({"token": token, "outcome": "accept"}),
    )
    .await;
    assert_eq!((status, v["code"].as_str()), (409, Some("627")));
    let (status, _) = http(
        emulator.addr(),
        "POST",
        &format!("/payment/{token}"),
        Some(("application/x-www-form-urlencoded", "outcome=accept")),
    )
    .await;
    assert_eq!(status, 409);
    let (_, v) = json_call(
        emulator.addr(),
        "/v2/payment/check",
        json!({"apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "token": token}),
    )
    .await;
    assert_eq!(
        (v["code"].as_str(), v["data"]["status"].as_str()),
        (Some("627"), Some("REFUSED"))
    );
    // No notification for the refused change.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(notifications(&emulator, "LC-3").await.len(), 2);
}

#[tokio::test]
async fn stopping_does_not_wait_for_a_merchant_that_never_answers() {
    // Accepts connections and never answers: each attempt would take the 10 s timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    let emulator = Emulator::start(Config::default()).unwrap();
    init(&emulator, "LC-4", &format!("http://{addr}/notify")).await;
    emulator
        .set_outcome(DEFAULT_SITE_ID, "LC-4", Outcome::Accept)
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        emulator.notifications(DEFAULT_SITE_ID, "LC-4").is_empty(),
        "the ping is in flight"
    );
    let started = Instant::now();
    drop(emulator);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    held.abort();
}
