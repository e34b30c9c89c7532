//! HTTP/1.1 plumbing: routing, body limits, logging.
//!
//! Routes:
//!
//! | route | what |
//! |---|---|
//! | `POST /v2/payment` | init, as CinetPay |
//! | `POST /v2/payment/check` | where a transaction stands, as CinetPay |
//! | `GET /payment/{token}` | the checkout page (the `payment_url`) |
//! | `POST /payment/{token}` | the page's form: `outcome=accept\|refuse\|cancel\|pending` |
//! | `POST /_emulator/outcome` | the same without a browser, JSON |
//! | `GET /_emulator/notifications?transaction_id=..[&site_id=..]` | notification attempts |
//! | `GET /_emulator/transaction?site_id=..&transaction_id=..` | what init received, the state |
//! | `GET /_emulator/stats` | API requests seen, transactions created |
//! | `POST /_emulator/faults`, `DELETE /_emulator/faults` | spoil the next API answers (`fault.rs`) |
//! | `GET /seamless/main.js`, `GET /seamless/frame`, `POST /seamless/return` | the Seamless SDK's stand-in (`seamless.rs`) |
//! | `GET /health` | `ok` |
//! | `GET /` | what this server is, and these routes, as text |

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::config::mask;
use crate::fault::{self, Spoiled};
use crate::reply::{Incoming, Reply, text};
use crate::state::State;
use crate::{check, checkout, control, payment, seamless};

type ResponseBody = BoxBody<Bytes, std::io::Error>;
type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// The answer to `GET /`.
const INDEX: &str = "CinetPay emulator: a local stand-in for https://api-checkout.cinetpay.com \
(no account, no network). Point the SDK's base_url here.

POST /v2/payment                 initialise a payment, as CinetPay (returns a payment_url)
POST /v2/payment/check           a payment's status, as CinetPay
GET  /payment/{token}            the checkout page (the payment_url): choose an outcome
POST /_emulator/outcome          choose an outcome without a browser (JSON)
GET  /_emulator/transaction      ?site_id=..&transaction_id=..: what init received, the state
GET  /_emulator/notifications    ?transaction_id=..: the notifications sent to notify_url
GET  /_emulator/stats            API requests seen, payments created
POST /_emulator/faults           spoil the next API answers (DELETE to clear)
GET  /seamless/main.js           the Seamless SDK's stand-in (CinetPay.setConfig, getCheckout)
GET  /seamless/frame             its checkout frame (POST /seamless/return ends it)
GET  /health                     ok
";

/// Larger bodies get HTTP 413: a payment request is a few hundred bytes.
const MAX_BODY: usize = 1024 * 1024;

/// Accepts connections until `shutdown` resolves, over TLS when `tls` is given.
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    log: bool,
    tls: Option<tokio_rustls::TlsAcceptor>,
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
        // A second handle on the socket, for the faults that reset the connection. It lives
        // as long as the service, as hyper's own does, so the socket closes when both go.
        let Ok((stream, socket)) = second_handle(stream) else {
            continue;
        };
        let state = state.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                handle(state.clone(), log, socket.clone(), req)
            });
            let mut http = hyper::server::conn::http1::Builder::new();
            http.keep_alive(true);
            match tls {
                // A client that refuses the certificate ends here, as it should.
                Some(tls) => {
                    if let Ok(stream) = tls.accept(stream).await {
                        let _ = http.serve_connection(TokioIo::new(stream), service).await;
                    }
                }
                None => {
                    let _ = http.serve_connection(TokioIo::new(stream), service).await;
                }
            }
        });
    }
}

fn response(reply: &Reply) -> Response<ResponseBody> {
    let mut r = Response::new(
        Full::new(Bytes::from(reply.body.clone()))
            .map_err(|never| match never {})
            .boxed(),
    );
    *r.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    if let Some(wait) = reply.retry_after {
        r.headers_mut().insert(RETRY_AFTER, HeaderValue::from(wait));
    }
    r
}

/// The reply to a request whose body has been read.
fn route(state: &State, method: &Method, path: &str, query: &str, req: &Incoming<'_>) -> Reply {
    const PAGE: &str = "/payment/";
    match (method, path) {
        (&Method::POST, "/v2/payment") => payment::init(state, req),
        (&Method::POST, "/v2/payment/check") => check::check(state, req),
        (_, "/v2/payment" | "/v2/payment/check") => text(405, "Method Not Allowed", "405"),
        (&Method::GET, "/health") => text(200, "ok", "ok"),
        // Someone opened the base URL in a browser (the quickstart prints it).
        (&Method::GET, "/") => text(200, INDEX, "index"),
        (&Method::GET, "/_emulator/transaction") => control::inspect(state, query),
        (&Method::GET, "/_emulator/notifications") => control::notifications(state, query),
        (&Method::POST, "/_emulator/outcome") => control::outcome(state, req.body),
        (&Method::GET, "/_emulator/stats") => control::stats(state),
        (&Method::POST, "/_emulator/faults") => fault::control(state.faults(), false, req.body),
        (&Method::DELETE, "/_emulator/faults") => fault::control(state.faults(), true, req.body),
        (&Method::GET, "/seamless/main.js") => seamless::script(),
        (&Method::GET, "/seamless/frame") => seamless::frame(),
        (&Method::POST, "/seamless/return") => seamless::returned(state, query, req.body),
        (&Method::GET, p) if p.starts_with(PAGE) => checkout::show(state, &p[PAGE.len()..]),
        (&Method::POST, p) if p.starts_with(PAGE) => {
            checkout::submit(state, &p[PAGE.len()..], req.body)
        }
        _ => text(404, "Not Found", "404"),
    }
}

fn second_handle(
    stream: tokio::net::TcpStream,
) -> std::io::Result<(tokio::net::TcpStream, Arc<std::net::TcpStream>)> {
    let std = stream.into_std()?;
    let socket = std.try_clone()?;
    Ok((tokio::net::TcpStream::from_std(std)?, Arc::new(socket)))
}

/// Makes the connection's close a reset (RST) instead of an orderly FIN.
fn reset_on_close(socket: &std::net::TcpStream) {
    let _ = socket2::SockRef::from(socket).set_linger(Some(Duration::ZERO));
}

/// The answer a fault made of `reply`, or an error that makes hyper drop the connection.
async fn spoiled(
    fault: &fault::Fault,
    reply: Reply,
    apikey: Option<&str>,
    socket: &std::net::TcpStream,
) -> Result<Response<ResponseBody>, HandlerError> {
    if let fault::Fault::Delay { ms } = fault {
        tokio::time::sleep(Duration::from_millis(*ms)).await;
    }
    match fault::spoil(fault, reply, apikey) {
        Spoiled::Reply(reply) => Ok(response(&reply)),
        Spoiled::Reset => {
            reset_on_close(socket);
            Err("fault: reset before the headers".into())
        }
        Spoiled::Stream {
            status,
            content_length,
            body,
            reset,
        } => {
            if reset {
                reset_on_close(socket);
            }
            let mut r = Response::new(body.boxed());
            *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            if let Some(n) = content_length {
                r.headers_mut()
                    .insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(n));
            }
            Ok(r)
        }
    }
}

async fn handle(
    state: Arc<State>,
    log: bool,
    socket: Arc<std::net::TcpStream>,
    req: Request<Body>,
) -> Result<Response<ResponseBody>, HandlerError> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let user_agent = header(USER_AGENT);
    let content_type = header(CONTENT_TYPE);
    let api = path.starts_with("/v2/");
    if api {
        state.count_api_request();
    }
    let mut apikey = None;
    let mut fault = None;
    let mut request_apikey = None;
    // Only POSTs carry a body worth reading.
    let body = if method == Method::POST {
        Limited::new(req.into_body(), MAX_BODY)
            .collect()
            .await
            .map(|c| c.to_bytes())
            .ok()
    } else {
        Some(Bytes::new())
    };
    let reply = match body {
        None => text(413, "Request Entity Too Large", "413"),
        Some(body) => {
            if api && (log || state.faults().any()) {
                let key = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("apikey").and_then(|k| k.as_str()).map(str::to_owned));
                fault = state.faults().take(&path, key.as_deref());
                apikey = key.as_deref().map(mask);
                request_apikey = key;
            }
            route(
                &state,
                &method,
                &path,
                &query,
                &Incoming {
                    user_agent: user_agent.as_deref(),
                    content_type: content_type.as_deref(),
                    body: &body,
                },
            )
        }
    };
    if method == Method::POST && path == "/v2/payment" && !state.init_delay().is_zero() {
        // The transaction exists already: a late answer, not a lost request.
        tokio::time::sleep(state.init_delay()).await;
    }
    if log {
        eprintln!(
            "{method} {path} {} {}{} apikey={} {:.1}ms",
            reply.status,
            reply.outcome,
            fault
                .as_ref()
                .map(|f| format!(" (fault {f:?})"))
                .unwrap_or_default(),
            apikey.as_deref().unwrap_or("-"),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    match fault {
        Some(fault) => spoiled(&fault, reply, request_apikey.as_deref(), &socket).await,
        None => Ok(response(&reply)),
    }
}
