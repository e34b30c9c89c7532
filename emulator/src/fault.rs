//! Faults a test can ask the emulator to inject on the API's answers (`POST /_emulator/faults`):
//! slow, broken, malformed, oversized or throttled answers, for every client's fault matrix
//! (`tests/fixtures/faults.json`). Not part of CinetPay's API.
//!
//! A rule applies to the next `times` API requests (every one when `times` is 0) that match its
//! `path` and `apikey`, if given; the first matching rule wins. The request is processed first,
//! as CinetPay would have processed it (an init creates its transaction), and the fault then
//! spoils the answer: a client that lost the answer must still find the payment with a check.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;

use crate::reply::{Reply, envelope, html, json_reply};

/// What goes wrong with an answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// The answer, after `ms` milliseconds without a byte.
    Delay {
        /// The wait before the headers.
        ms: u64,
    },
    /// The connection is reset (RST) before any byte of the answer.
    ResetBeforeHeaders,
    /// The headers are sent (200, JSON, a Content-Length), then the connection is reset.
    ResetAfterHeaders,
    /// The headers announce the whole body; half of it is sent, then the connection closes.
    TruncatedBody,
    /// HTTP 200 with a JSON content type and a body that is not JSON.
    MalformedJson,
    /// An HTML error page, as a proxy or CDN in front of CinetPay sends (502 by default).
    HtmlError {
        /// The HTTP status.
        #[serde(default = "bad_gateway")]
        status: u16,
    },
    /// A 5xx answer with a plain-text body (500 by default).
    ServerError {
        /// The HTTP status.
        #[serde(default = "internal_server_error")]
        status: u16,
    },
    /// HTTP 429 with CinetPay's `TOO_MANY_REQUEST` body and `Retry-After`.
    RateLimited {
        /// `Retry-After`, in seconds.
        #[serde(default = "one")]
        retry_after: u32,
    },
    /// CinetPay's error envelope with the given code, at the given HTTP status: the docs do not
    /// say which status CinetPay sends errors with, so clients must read the body either way.
    ApiError {
        /// CinetPay's code (`609`, `613`, ...).
        code: String,
        /// CinetPay's message (`AUTH_NOT_FOUND`, ...).
        message: String,
        /// The HTTP status (200 or 4xx).
        #[serde(default = "ok")]
        status: u16,
        /// CinetPay's description; `{apikey}` becomes the request's apikey, as a server that
        /// echoes what it received would (the SDK must not repeat it).
        #[serde(default = "injected")]
        description: String,
    },
    /// HTTP 200 and a body of `bytes` bytes (64 MiB by default), sent as fast as the client
    /// reads, chunked unless `declared` (then with its Content-Length).
    HugeBody {
        /// The body's size.
        #[serde(default = "sixty_four_mib")]
        bytes: u64,
        /// Whether the headers announce the size.
        #[serde(default)]
        declared: bool,
    },
    /// HTTP 200, then the body one byte every `interval_ms` (a second by default).
    Dribble {
        /// The wait between two bytes.
        #[serde(default = "one_second")]
        interval_ms: u64,
    },
}

fn bad_gateway() -> u16 {
    502
}
fn internal_server_error() -> u16 {
    500
}
fn ok() -> u16 {
    200
}
fn injected() -> String {
    "injected by the emulator".to_owned()
}
fn one() -> u32 {
    1
}
fn one_second() -> u64 {
    1000
}
fn sixty_four_mib() -> u64 {
    64 << 20
}

/// A fault and the requests it applies to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Rule {
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many requests it spoils; 0: every one, until the rules are cleared.
    #[serde(default = "one_time")]
    pub times: u32,
    /// Only requests to this path (`/v2/payment`, `/v2/payment/check`).
    #[serde(default)]
    pub path: Option<String>,
    /// Only requests with this apikey (one account's faults).
    #[serde(default)]
    pub apikey: Option<String>,
}

fn one_time() -> u32 {
    1
}

/// The rules in force, in the order they were added.
#[derive(Default)]
pub struct Faults {
    rules: Mutex<VecDeque<Rule>>,
}

impl Faults {
    /// Adds a rule after the others.
    pub fn add(&self, rule: Rule) {
        self.lock().push_back(rule);
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Whether any rule is in force (so that the request's apikey is worth reading).
    pub fn any(&self) -> bool {
        !self.lock().is_empty()
    }

    /// The fault for a request to `path` with `apikey`, using up one of its rule's times.
    pub fn take(&self, path: &str, apikey: Option<&str>) -> Option<Fault> {
        let mut rules = self.lock();
        let index = rules.iter().position(|r| {
            r.path.as_deref().is_none_or(|p| p == path)
                && r.apikey.as_deref().is_none_or(|k| Some(k) == apikey)
        })?;
        let rule = &mut rules[index];
        let fault = rule.fault.clone();
        if rule.times == 1 {
            rules.remove(index);
        } else if rule.times > 1 {
            rule.times -= 1;
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Rule>> {
        self.rules
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `POST /_emulator/faults` (a rule as JSON) and `DELETE /_emulator/faults`.
pub fn control(faults: &Faults, delete: bool, body: &[u8]) -> Reply {
    if delete {
        faults.clear();
        return json_reply(200, &json!({ "cleared": true }), "faults");
    }
    match serde_json::from_slice::<Rule>(body) {
        Ok(rule) => {
            faults.add(rule);
            json_reply(200, &json!({ "added": true }), "faults")
        }
        Err(e) => json_reply(
            400,
            &json!({ "error": format!("not a fault rule ({e}); see emulator/src/fault.rs") }),
            "400",
        ),
    }
}

/// How the server sends a spoiled answer.
pub enum Spoiled {
    /// A whole reply, after an optional delay.
    Reply(Reply),
    /// No answer: reset the connection.
    Reset,
    /// Headers (status, Content-Type, Content-Length if any), then a streamed body.
    Stream {
        /// The HTTP status.
        status: u16,
        /// The Content-Length header, if any.
        content_length: Option<u64>,
        /// The body.
        body: StreamBody,
        /// Reset the connection once the body ends (the body ends in an error).
        reset: bool,
    },
}

/// What `fault` makes of the answer `reply` to a request with `apikey` (the delay is the
/// caller's: it waits first).
pub fn spoil(fault: &Fault, reply: Reply, apikey: Option<&str>) -> Spoiled {
    match fault {
        Fault::Delay { .. } => Spoiled::Reply(reply),
        Fault::ResetBeforeHeaders => Spoiled::Reset,
        Fault::ResetAfterHeaders => Spoiled::Stream {
            status: 200,
            content_length: Some(reply.body.len() as u64),
            // Long enough for the server to flush the headers before the reset.
            body: StreamBody::spawn(Vec::new(), Duration::from_millis(50), true),
            reset: true,
        },
        Fault::TruncatedBody => {
            let body = reply.body.into_bytes();
            let half = body[..body.len() / 2].to_vec();
            Spoiled::Stream {
                status: 200,
                content_length: Some(body.len() as u64),
                body: StreamBody::spawn(vec![Bytes::from(half)], Duration::from_millis(50), true),
                reset: false,
            }
        }
        Fault::MalformedJson => {
            let mut r = json_reply(200, &json!({}), "malformed");
            r.body = r#"{"code":"201","message":"CREATED","data":{"payment_url":"#.to_owned();
            Spoiled::Reply(r)
        }
        Fault::HtmlError { status } => Spoiled::Reply(html(
            *status,
            format!(
                "<html><head><title>{status} Bad Gateway</title></head><body>\
                 <center><h1>{status} Bad Gateway</h1></center><hr><center>nginx</center>\
                 </body></html>"
            ),
            "html",
        )),
        Fault::ServerError { status } => Spoiled::Reply(crate::reply::text(
            *status,
            "Internal Server Error",
            &status.to_string(),
        )),
        Fault::RateLimited { retry_after } => {
            let mut r = envelope(
                429,
                "429",
                "TOO_MANY_REQUEST",
                "Too many requests, retry later",
            );
            r.retry_after = Some(*retry_after);
            Spoiled::Reply(r)
        }
        Fault::ApiError {
            code,
            message,
            status,
            description,
        } => Spoiled::Reply(envelope(
            *status,
            code,
            message,
            &description.replace("{apikey}", apikey.unwrap_or("")),
        )),
        Fault::HugeBody { bytes, declared } => Spoiled::Stream {
            status: 200,
            content_length: declared.then_some(*bytes),
            body: StreamBody::huge(*bytes),
            reset: false,
        },
        Fault::Dribble { interval_ms } => {
            let body = reply.body.into_bytes();
            let len = body.len() as u64;
            let chunks = body.iter().map(|b| Bytes::from(vec![*b])).collect();
            Spoiled::Stream {
                status: 200,
                content_length: Some(len),
                body: StreamBody::spawn(chunks, Duration::from_millis(*interval_ms), false),
                reset: false,
            }
        }
    }
}

/// A response body fed by a task: chunks with a pause before each, optionally ending in an
/// error (which makes the server drop the connection).
pub struct StreamBody {
    rx: mpsc::Receiver<Result<Bytes, std::io::Error>>,
}

impl StreamBody {
    fn spawn(chunks: Vec<Bytes>, pause: Duration, fail_at_end: bool) -> StreamBody {
        let (tx, rx) = mpsc::channel(1);
        tokio::spawn(async move {
            for chunk in chunks {
                tokio::time::sleep(pause).await;
                // The client went away: stop.
                if tx.send(Ok(chunk)).await.is_err() {
                    return;
                }
            }
            if fail_at_end {
                tokio::time::sleep(pause).await;
                let _ = tx
                    .send(Err(std::io::Error::other("fault: connection dropped")))
                    .await;
            }
        });
        StreamBody { rx }
    }

    fn huge(bytes: u64) -> StreamBody {
        const CHUNK: usize = 64 * 1024;
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(async move {
            let block = Bytes::from(vec![b' '; CHUNK]);
            let mut left = bytes;
            while left > 0 {
                let n = left.min(CHUNK as u64);
                // Stops as soon as the client stops reading and hangs up.
                if tx.send(Ok(block.slice(..n as usize))).await.is_err() {
                    return;
                }
                left -= n;
            }
        });
        StreamBody { rx }
    }
}

impl Body for StreamBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        self.rx
            .poll_recv(cx)
            .map(|item| item.map(|r| r.map(Frame::data)))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> Rule {
        serde_json::from_str(json).expect("rule")
    }

    #[test]
    fn rules_parse_with_their_defaults() {
        let r = rule(r#"{"fault":"server_error"}"#);
        assert_eq!(r.fault, Fault::ServerError { status: 500 });
        assert_eq!((r.times, r.path, r.apikey), (1, None, None));
        let r = rule(r#"{"fault":"delay","ms":1500,"times":0,"path":"/v2/payment"}"#);
        assert_eq!(r.fault, Fault::Delay { ms: 1500 });
        assert_eq!(r.times, 0);
        assert!(serde_json::from_str::<Rule>(r#"{"fault":"explode"}"#).is_err());
        assert!(serde_json::from_str::<Rule>(r#"{"fault":"delay"}"#).is_err());
    }

    #[test]
    fn a_rule_spoils_its_number_of_matching_requests() {
        let faults = Faults::default();
        faults.add(rule(
            r#"{"fault":"reset_before_headers","times":2,"path":"/v2/payment/check"}"#,
        ));
        faults.add(rule(r#"{"fault":"malformed_json","apikey":"k1"}"#));
        assert_eq!(faults.take("/v2/payment", Some("k2")), None);
        assert_eq!(
            faults.take("/v2/payment/check", None),
            Some(Fault::ResetBeforeHeaders)
        );
        assert_eq!(
            faults.take("/v2/payment/check", None),
            Some(Fault::ResetBeforeHeaders)
        );
        assert_eq!(faults.take("/v2/payment/check", Some("k2")), None);
        assert_eq!(
            faults.take("/v2/payment", Some("k1")),
            Some(Fault::MalformedJson)
        );
        assert!(!faults.any());
        faults.add(rule(r#"{"fault":"server_error","times":0}"#));
        for _ in 0..5 {
            assert!(faults.take("/v2/payment", None).is_some());
        }
        faults.clear();
        assert!(!faults.any());
    }
}
