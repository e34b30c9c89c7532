//! HTTP/1.1 plumbing: routing, body limits, logging.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::config::mask;
use crate::payment::{self, Incoming, Reply};
use crate::state::State;

/// Larger bodies get HTTP 413: a payment request is a few hundred bytes.
const MAX_BODY: usize = 1024 * 1024;

/// Accepts connections until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    log: bool,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| handle(state.clone(), log, req));
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn response(reply: &Reply) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(reply.body.clone())));
    *r.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    if let Some(wait) = reply.retry_after {
        r.headers_mut().insert(RETRY_AFTER, HeaderValue::from(wait));
    }
    r
}

fn text(status: u16, body: &str, outcome: &str) -> Reply {
    Reply {
        status,
        content_type: "text/plain; charset=UTF-8",
        body: body.to_owned(),
        retry_after: None,
        outcome: outcome.to_owned(),
    }
}

/// `GET /_emulator/transaction?site_id=..&transaction_id=..`: what the emulator stored, so that
/// test suites in any language can check the body and headers their client sent.
fn inspect(state: &State, query: &str) -> Reply {
    let param = |name: &str| {
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| percent_decode(v))
        })
    };
    let (Some(site_id), Some(transaction_id)) = (param("site_id"), param("transaction_id")) else {
        return text(400, "site_id and transaction_id are required", "400");
    };
    match state.transaction(&site_id, &transaction_id) {
        Some(t) => Reply {
            status: 200,
            content_type: "application/json",
            body: serde_json::json!({
                "site_id": t.site_id,
                "transaction_id": t.transaction_id,
                "payment_token": t.payment_token,
                "amount": t.amount,
                "currency": t.currency,
                "user_agent": t.user_agent,
                "request": t.request,
            })
            .to_string(),
            retry_after: None,
            outcome: "inspect".to_owned(),
        },
        None => text(404, "no such transaction", "404"),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn handle(
    state: Arc<State>,
    log: bool,
    req: Request<Body>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let mut apikey = None;
    if path.starts_with("/v2/") {
        state.count_api_request();
    }
    let reply = match (&method, path.as_str()) {
        (&Method::POST, "/v2/payment") => {
            let header = |name| {
                req.headers()
                    .get(name)
                    .and_then(|v: &HeaderValue| v.to_str().ok())
                    .map(str::to_owned)
            };
            let user_agent = header(USER_AGENT);
            let content_type = header(CONTENT_TYPE);
            match Limited::new(req.into_body(), MAX_BODY).collect().await {
                Ok(collected) => {
                    let body = collected.to_bytes();
                    if log {
                        apikey = serde_json::from_slice::<serde_json::Value>(&body)
                            .ok()
                            .and_then(|v| v.get("apikey").and_then(|k| k.as_str()).map(mask));
                    }
                    payment::init(
                        &state,
                        &Incoming {
                            user_agent: user_agent.as_deref(),
                            content_type: content_type.as_deref(),
                            body: &body,
                        },
                    )
                }
                Err(_) => text(413, "Request Entity Too Large", "413"),
            }
        }
        (_, "/v2/payment") => text(405, "Method Not Allowed", "405"),
        (&Method::GET, "/health") => text(200, "ok", "ok"),
        (&Method::GET, "/_emulator/transaction") => {
            inspect(&state, req.uri().query().unwrap_or(""))
        }
        (&Method::GET, "/_emulator/stats") => Reply {
            status: 200,
            content_type: "application/json",
            body: serde_json::json!({
                "api_requests": state.api_requests(),
                "transactions": state.len(),
            })
            .to_string(),
            retry_after: None,
            outcome: "inspect".to_owned(),
        },
        (&Method::GET, p) if p.starts_with("/payment/") => {
            match state.by_token(&p["/payment/".len()..]) {
                Some(t) => Reply {
                    status: 200,
                    content_type: "text/html; charset=UTF-8",
                    body: crate::checkout::page(&t),
                    retry_after: None,
                    outcome: "checkout".to_owned(),
                },
                None => text(404, "Unknown payment token", "404"),
            }
        }
        _ => text(404, "Not Found", "404"),
    };
    if log {
        eprintln!(
            "{method} {path} {} {} apikey={} {:.1}ms",
            reply.status,
            reply.outcome,
            apikey.as_deref().unwrap_or("-"),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(response(&reply))
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_decoding() {
        assert_eq!(super::percent_decode("ORDER%2D1+x%"), "ORDER-1 x%");
        assert_eq!(super::percent_decode("%C3%A9"), "é");
    }
}
