//! Notifications to the merchant's `notify_url`, as CinetPay sends them after each update of a
//! transaction: a `GET` ping with no body, then a form `POST` of 16 fields signed with an
//! `x-token` header (HMAC-SHA256 of the 16 values, keyed with the account's secret key).
//!
//! Each transaction has one queue, worked by one task on the emulator's runtime, so the
//! notifications of successive outcomes go out in order and never hold up the request that set
//! the outcome. CinetPay does not document whether or how it retries; the emulator retries the
//! POST on anything but HTTP 200, with a doubling backoff, so that merchants' handlers meet
//! repeated notifications in tests. Every attempt is recorded for `/_emulator/notifications`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{CONNECTION, CONTENT_TYPE, HOST, HeaderValue, USER_AGENT};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::date;
use crate::state::Transaction;

/// The POSTed fields, in the order CinetPay's docs give them, which is also the order their
/// values are concatenated in for the x-token.
pub const FIELDS: [&str; 16] = [
    "cpm_site_id",
    "cpm_trans_id",
    "cpm_trans_date",
    "cpm_amount",
    "cpm_currency",
    "signature",
    "payment_method",
    "cel_phone_num",
    "cpm_phone_prefixe",
    "cpm_language",
    "cpm_version",
    "cpm_payment_config",
    "cpm_page_action",
    "cpm_custom",
    "cpm_designation",
    "cpm_error_message",
];

/// The number the emulator's customer pays with when init named none (an Ivorian Orange Money
/// number shape: 10 digits starting 07).
pub const DEFAULT_PHONE: &str = "0700000000";

/// The x-token: lowercase hex HMAC-SHA256 of `values` concatenated with no separator, keyed with
/// the merchant's secret key (https://docs.cinetpay.com/api/1.0-en/checkout/hmac).
pub fn x_token<'a>(secret_key: &str, values: impl IntoIterator<Item = &'a str>) -> String {
    // HMAC takes a key of any length, so this never fails; an empty token would not verify.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()) else {
        return String::new();
    };
    for v in values {
        mac.update(v.as_bytes());
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The notification one update of a transaction sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The merchant's site_id.
    pub site_id: String,
    /// The merchant's transaction_id.
    pub transaction_id: String,
    /// Where it goes: the transaction's notify_url.
    pub url: String,
    /// The 16 fields, in [`FIELDS`] order.
    pub form: Vec<(&'static str, String)>,
    /// The `x-token` header.
    pub x_token: String,
}

impl Notification {
    /// The notification for `t` as it stands, signed with `secret_key`.
    pub fn new(t: &Transaction, secret_key: &str) -> Notification {
        let values = [
            t.site_id.clone(),
            t.transaction_id.clone(),
            date::datetime(t.created_at),
            t.amount.to_string(),
            t.currency.clone(),
            // "A token, different from the generated token": random, and signed like the rest.
            (0..32)
                .map(|_| format!("{:02x}", fastrand::u8(..)))
                .collect(),
            t.state.payment_method().to_owned(),
            t.customer_phone_number
                .clone()
                .unwrap_or_else(|| DEFAULT_PHONE.to_owned()),
            "225".to_owned(),
            t.lang.clone(),
            "V4".to_owned(),
            "Single".to_owned(),
            "Payment".to_owned(),
            t.metadata.clone().unwrap_or_default(),
            t.description.clone(),
            t.state.message().to_owned(),
        ];
        let x_token = x_token(secret_key, values.iter().map(String::as_str));
        Notification {
            site_id: t.site_id.clone(),
            transaction_id: t.transaction_id.clone(),
            url: t.notify_url.clone(),
            form: FIELDS.into_iter().zip(values).collect(),
            x_token,
        }
    }

    /// Its `cpm_error_message`: the check message of the state it reports.
    pub fn message(&self) -> &str {
        self.form
            .iter()
            .find(|(k, _)| *k == "cpm_error_message")
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Which request an attempt was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    /// The `GET` with no body that checks the URL answers.
    Ping,
    /// The signed form `POST`.
    Post,
}

/// One attempt at reaching a notify_url.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The merchant's site_id.
    pub site_id: String,
    /// The merchant's transaction_id.
    pub transaction_id: String,
    /// Ping or POST.
    pub kind: DeliveryKind,
    /// 1 for a ping and a first POST, counting up over the POST's retries.
    pub attempt: u32,
    /// The notify_url.
    pub url: String,
    /// The merchant's HTTP status, when it answered.
    pub http_status: Option<u16>,
    /// Why there is no answer (connection, timeout, unsupported URL).
    pub error: Option<String>,
    /// The `x-token` header sent (POSTs only).
    pub x_token: Option<String>,
    /// The 16 fields sent, in order (POSTs only).
    pub form: Option<Vec<(String, String)>>,
}

impl Delivery {
    /// As `/_emulator/notifications` shows it; `x_token` and `form` only on POSTs.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "transaction_id": self.transaction_id,
            "kind": match self.kind {
                DeliveryKind::Ping => "ping",
                DeliveryKind::Post => "post",
            },
            "attempt": self.attempt,
            "url": self.url,
            "http_status": self.http_status,
            "error": self.error,
        });
        if let (Value::Object(o), Some(form)) = (&mut v, &self.form) {
            o.insert("x_token".into(), json!(self.x_token));
            let fields: Map<String, Value> = form
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            o.insert("form".into(), Value::Object(fields));
        }
        v
    }
}

/// How deliveries are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The wait before the second POST attempt; it doubles each time.
    pub retry_initial: Duration,
    /// POST attempts in all (at least 1).
    pub max_attempts: u32,
    /// How long each request (connect, send, answer) may take before it counts as failed.
    pub timeout: Duration,
    /// One stderr line per attempt.
    pub log: bool,
}

/// Every attempt made, by (site_id, transaction_id), in order.
#[derive(Debug, Default)]
pub struct Log {
    attempts: Mutex<HashMap<(String, String), Vec<Delivery>>>,
}

/// A poisoned lock only means another task panicked; the record is still consistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Log {
    /// The attempts for one transaction, oldest first.
    pub fn of(&self, site_id: &str, transaction_id: &str) -> Vec<Delivery> {
        lock(&self.attempts)
            .get(&(site_id.to_owned(), transaction_id.to_owned()))
            .cloned()
            .unwrap_or_default()
    }

    fn push(&self, d: Delivery) {
        lock(&self.attempts)
            .entry((d.site_id.clone(), d.transaction_id.clone()))
            .or_default()
            .push(d);
    }
}

/// Starts the task that delivers one transaction's notifications, one after the other, and
/// returns its queue. The task ends with the runtime (or when the queue is dropped).
pub fn spawn_worker(
    runtime: &tokio::runtime::Handle,
    log: Arc<Log>,
    policy: Policy,
) -> mpsc::UnboundedSender<Notification> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Notification>();
    runtime.spawn(async move {
        while let Some(n) = rx.recv().await {
            deliver(&n, &log, policy).await;
        }
    });
    tx
}

/// The ping, then the POST until the merchant answers 200 or the attempts run out.
async fn deliver(n: &Notification, log: &Log, policy: Policy) {
    let record = |kind, attempt, result: &Result<u16, String>| {
        let (http_status, error) = match result {
            Ok(status) => (Some(*status), None),
            Err(e) => (None, Some(e.clone())),
        };
        if policy.log {
            let (method, outcome) = match kind {
                DeliveryKind::Ping => ("GET", String::new()),
                DeliveryKind::Post => ("POST", format!(" {}", n.message())),
            };
            let answer = match result {
                Ok(status) => status.to_string(),
                Err(e) => format!("failed: {e}"),
            };
            eprintln!(
                "notify {method} {} {answer} site_id={} transaction_id={}{outcome} attempt={attempt}",
                n.url, n.site_id, n.transaction_id
            );
        }
        let post = kind == DeliveryKind::Post;
        log.push(Delivery {
            site_id: n.site_id.clone(),
            transaction_id: n.transaction_id.clone(),
            kind,
            attempt,
            url: n.url.clone(),
            http_status,
            error,
            x_token: post.then(|| n.x_token.clone()),
            form: post.then(|| {
                n.form
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect()
            }),
        });
    };
    // CinetPay pings "to check it is reachable"; the emulator posts whatever the ping got, so
    // that a handler that mishandles GET still sees its POST in tests.
    let ping = send(&n.url, None, policy.timeout).await;
    record(DeliveryKind::Ping, 1, &ping);
    let pairs: Vec<(&str, &str)> = n.form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let body = crate::form::encode(&pairs);
    let mut wait = policy.retry_initial;
    let attempts = policy.max_attempts.max(1);
    for attempt in 1..=attempts {
        let result = send(&n.url, Some((&n.x_token, &body)), policy.timeout).await;
        record(DeliveryKind::Post, attempt, &result);
        if result == Ok(200) || attempt == attempts {
            return;
        }
        tokio::time::sleep(wait).await;
        wait = wait.saturating_mul(2);
    }
}

/// Where an `http://` URL points.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    host: String,
    port: u16,
    /// The Host header: the URL's authority without user info.
    authority: String,
    path_and_query: String,
}

/// Reads an `http://` URL by hand; the emulator shares no URL code with the SDK.
fn target(url: &str) -> Result<Target, String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Err(format!(
            "the emulator delivers notifications only over http://, not to {url}"
        ));
    }
    if !lower.starts_with("http://") {
        return Err(format!("not an http:// URL: {url}"));
    }
    let rest = &url["http://".len()..];
    let rest = rest.split('#').next().unwrap_or("");
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let path_and_query = match path.chars().next() {
        None => "/".to_owned(),
        Some('?') => format!("/{path}"),
        Some(_) => path.to_owned(),
    };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("bad host in {url}"))?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(format!("no host in {url}"));
    }
    let port = match port {
        None | Some("") => 80,
        Some(p) => p.parse().map_err(|_| format!("bad port in {url}"))?,
    };
    Ok(Target {
        host: host.to_owned(),
        port,
        authority: authority.to_owned(),
        path_and_query,
    })
}

/// One request: a GET ping without `post`, else the form POST with its x-token. The merchant's
/// status, or why there is none.
async fn send(url: &str, post: Option<(&str, &str)>, timeout: Duration) -> Result<u16, String> {
    let t = target(url)?;
    let exchange = async {
        let stream = tokio::net::TcpStream::connect((t.host.as_str(), t.port))
            .await
            .map_err(|e| format!("cannot connect to {}:{}: {e}", t.host, t.port))?;
        let _ = stream.set_nodelay(true);
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake with {}: {e}", t.authority))?;
        // The connection is driven beside the request; it ends when `sender` is dropped.
        tokio::spawn(conn);
        let mut builder = Request::builder()
            .uri(t.path_and_query.as_str())
            .header(HOST, t.authority.as_str())
            .header(
                USER_AGENT,
                concat!("cinetpay-emulator/", env!("CARGO_PKG_VERSION")),
            )
            .header(CONNECTION, HeaderValue::from_static("close"));
        let body = match post {
            None => {
                builder = builder.method(Method::GET);
                Bytes::new()
            }
            Some((x_token, form)) => {
                builder = builder
                    .method(Method::POST)
                    .header(
                        CONTENT_TYPE,
                        HeaderValue::from_static("application/x-www-form-urlencoded"),
                    )
                    .header("x-token", x_token);
                Bytes::copy_from_slice(form.as_bytes())
            }
        };
        let request = builder
            .body(Full::new(body))
            .map_err(|e| format!("cannot build the request to {url}: {e}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("request to {url}: {e}"))?;
        let status = response.status().as_u16();
        // Read the answer out so the merchant sees a clean close; its content is not used.
        let _ = Limited::new(response.into_body(), 64 * 1024)
            .collect()
            .await;
        Ok(status)
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .unwrap_or_else(|_| Err(format!("no answer from {url} within {timeout:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_SECRET_KEY;
    use crate::outcome::PaymentState;

    #[test]
    fn x_token_matches_an_independent_hmac() {
        // Computed with Python's hmac module, apart from this crate:
        // hmac.new(b"emulator-secret-key-000000000001", "".join(values).encode(),
        //          hashlib.sha256).hexdigest()
        let values = [
            "445160",
            "ORDER-42",
            "2026-11-27 21:04:25",
            "100",
            "XOF",
            "3f2a9c0e5b7d41a8",
            "OM",
            "0700000000",
            "225",
            "fr",
            "V4",
            "Single",
            "Payment",
            "order=42",
            "Abonnement café",
            "SUCCES",
        ];
        assert_eq!(
            x_token(DEFAULT_SECRET_KEY, values),
            "d7260cddba9c8da92691266a8f43d5a7cb9015135a6da8a6d27a33664d25e6d6"
        );
        assert_eq!(
            x_token("", []),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        );
    }

    fn transaction(state: PaymentState) -> Transaction {
        Transaction {
            site_id: "445160".into(),
            transaction_id: "ORDER-42".into(),
            payment_token: "tok".into(),
            amount: 100,
            currency: "XOF".into(),
            description: "Abonnement café".into(),
            channels: "ALL".into(),
            notify_url: "http://shop.example/notify".into(),
            return_url: "http://shop.example/return".into(),
            metadata: Some("order=42".into()),
            lang: "fr".into(),
            customer_phone_number: None,
            created_at: 1_795_813_465,
            state,
            operator_id: None,
            paid_at: None,
            user_agent: "t".into(),
            request: Value::Null,
        }
    }

    #[test]
    fn the_form_has_the_16_fields_in_order_and_is_signed() {
        let n = Notification::new(&transaction(PaymentState::Accepted), DEFAULT_SECRET_KEY);
        let names: Vec<&str> = n.form.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, FIELDS);
        let value = |name: &str| {
            n.form
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(value("cpm_trans_date"), "2026-11-27 21:04:25");
        assert_eq!(value("cpm_amount"), "100");
        assert_eq!(value("cel_phone_num"), DEFAULT_PHONE);
        assert_eq!(value("cpm_custom"), "order=42");
        assert_eq!(value("cpm_error_message"), "SUCCES");
        assert_eq!(n.message(), "SUCCES");
        let signature = value("signature");
        assert_eq!(signature.len(), 64);
        assert_ne!(signature, n.x_token);
        assert_eq!(
            n.x_token,
            x_token(DEFAULT_SECRET_KEY, n.form.iter().map(|(_, v)| v.as_str()))
        );

        let mut t = transaction(PaymentState::Cancelled);
        t.metadata = None;
        t.customer_phone_number = Some("+2250707070707".into());
        t.lang = "en".into();
        let n = Notification::new(&t, DEFAULT_SECRET_KEY);
        let values: Vec<&str> = n.form.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            values[6..],
            [
                "",
                "+2250707070707",
                "225",
                "en",
                "V4",
                "Single",
                "Payment",
                "",
                "Abonnement café",
                "TRANSACTION_CANCEL"
            ]
        );
    }

    #[test]
    fn deliveries_as_json() {
        let post = Delivery {
            site_id: "1".into(),
            transaction_id: "T".into(),
            kind: DeliveryKind::Post,
            attempt: 2,
            url: "http://x/n".into(),
            http_status: Some(200),
            error: None,
            x_token: Some("abc".into()),
            form: Some(vec![
                ("cpm_site_id".into(), "1".into()),
                ("cpm_trans_id".into(), "T".into()),
            ]),
        };
        assert_eq!(
            post.to_json().to_string(),
            r#"{"transaction_id":"T","kind":"post","attempt":2,"url":"http://x/n","http_status":200,"error":null,"x_token":"abc","form":{"cpm_site_id":"1","cpm_trans_id":"T"}}"#
        );
        let ping = Delivery {
            kind: DeliveryKind::Ping,
            attempt: 1,
            http_status: None,
            error: Some("refused".into()),
            x_token: None,
            form: None,
            ..post
        };
        assert_eq!(
            ping.to_json().to_string(),
            r#"{"transaction_id":"T","kind":"ping","attempt":1,"url":"http://x/n","http_status":null,"error":"refused"}"#
        );
    }

    #[test]
    fn urls() {
        let t = target("http://user:pw@Shop.example:8080/notify?a=1#frag").expect("url");
        assert_eq!(
            t,
            Target {
                host: "Shop.example".into(),
                port: 8080,
                authority: "Shop.example:8080".into(),
                path_and_query: "/notify?a=1".into(),
            }
        );
        let t = target("http://[::1]:9/").expect("v6");
        assert_eq!((t.host.as_str(), t.port), ("::1", 9));
        let t = target("HTTP://shop.example?x=1").expect("bare");
        assert_eq!((t.port, t.path_and_query.as_str()), (80, "/?x=1"));
        let https = target("https://shop.example/n").expect_err("https");
        assert!(https.contains("only over http://"), "{https}");
        assert!(target("ftp://x/").is_err());
        assert!(target("http://x:port/").is_err());
        assert!(target("http:///n").is_err());
    }

    #[tokio::test]
    async fn a_notify_url_that_never_answers_times_out_and_is_retried() {
        // Accepts, reads, never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let log = Log::default();
        let policy = Policy {
            retry_initial: Duration::from_millis(10),
            max_attempts: 3,
            timeout: Duration::from_millis(100),
            log: false,
        };
        let mut t = transaction(PaymentState::Accepted);
        t.notify_url = format!("http://127.0.0.1:{port}/notify");
        let started = std::time::Instant::now();
        deliver(&Notification::new(&t, "k"), &log, policy).await;
        let attempts = log.of("445160", "ORDER-42");
        let kinds: Vec<(DeliveryKind, u32)> =
            attempts.iter().map(|d| (d.kind, d.attempt)).collect();
        assert_eq!(
            kinds,
            [
                (DeliveryKind::Ping, 1),
                (DeliveryKind::Post, 1),
                (DeliveryKind::Post, 2),
                (DeliveryKind::Post, 3)
            ]
        );
        assert!(attempts.iter().all(|d| d.http_status.is_none()
            && d.error.as_deref().is_some_and(|e| e.contains("no answer"))));
        // Four timeouts and two waits, not a hang.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn https_and_unreachable_urls_are_failed_attempts() {
        let log = Log::default();
        let policy = Policy {
            retry_initial: Duration::from_millis(1),
            max_attempts: 2,
            timeout: Duration::from_secs(10),
            log: false,
        };
        let mut t = transaction(PaymentState::Refused);
        t.notify_url = "https://shop.example/n".into();
        deliver(&Notification::new(&t, "k"), &log, policy).await;
        let attempts = log.of("445160", "ORDER-42");
        let kinds: Vec<(DeliveryKind, u32)> =
            attempts.iter().map(|d| (d.kind, d.attempt)).collect();
        assert_eq!(
            kinds,
            [
                (DeliveryKind::Ping, 1),
                (DeliveryKind::Post, 1),
                (DeliveryKind::Post, 2)
            ]
        );
        assert!(attempts.iter().all(|d| {
            d.http_status.is_none()
                && d.error
                    .as_deref()
                    .is_some_and(|e| e.contains("only over http://"))
        }));

        // A port nobody listens on: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let error = send(
            &format!("http://127.0.0.1:{port}/n"),
            None,
            Duration::from_secs(10),
        )
        .await
        .expect_err("nobody there");
        assert!(error.contains("cannot connect"), "{error}");
    }
}
