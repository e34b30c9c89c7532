//! A network call for a host that moves the bytes itself, on its own event loop (Node's
//! JavaScript thread), with no thread of the SDK involved.
//!
//! Handing each call to a runtime thread and back costs two cross-thread wake-ups, which on
//! these VMs are most of a loopback call's time (BENCHMARKS.md). A host with an event loop can
//! instead own the sockets and hand the SDK the bytes that arrive: [`Exchange`] is one call
//! (its request, its decoding, its retry decisions) and [`Wire`] one connection's state (rustls,
//! driven by hand, and the answer being framed). Everything that decides an outcome stays in
//! the core, shared with the other transports:
//! - the framing of `crate::framing` (the blocking path's);
//! - the TLS configuration (bundled roots plus `ca_certificates`) and rustls's verdicts;
//! - the errors of `Client::failure_error` and the retries of `Client::after_attempt`.
//!
//! The host's part: connect (within `connect_timeout`), write what the wire gives, feed it what
//! arrives, bound each attempt by `timeout`, wait as a [`Step::Retry`] says, and keep a
//! connection for the next call only when told it may.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::client::{Client, Outbound};
use crate::error::Result;
use crate::framing::{Answer, AnswerReader, Failure};
use crate::notification::NotificationForm;
use crate::outcome::{Expected, NotificationOutcome};
use crate::response::{decode_check_response, decode_payment_response};

/// Where a client's calls connect: every operation shares `base_url`, so one origin.
#[derive(Debug, Clone)]
pub struct Target {
    /// `scheme://host:port`: a kept connection must have it to carry a call.
    pub origin: String,
    /// The host to connect to (an IPv6 address without its brackets).
    pub host: String,
    /// The port to connect to.
    pub port: u16,
    /// The longest a connection (TCP and TLS handshake) may take.
    pub connect_timeout: Duration,
    /// The longest one attempt may take, from connecting to the end of the answer.
    pub timeout: Duration,
}

impl Target {
    /// Where `client`'s calls connect.
    pub fn of(client: &Client) -> Target {
        let url = client.endpoint(&crate::operation::INIT_PAYMENT);
        let host = bare_host(url).to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        Target {
            origin: format!("{}://{host}:{port}", url.scheme()),
            host,
            port,
            connect_timeout: client.config().connect_timeout,
            timeout: client.config().timeout,
        }
    }
}

/// `url`'s host as a resolver takes it: `[::1]` without its brackets.
fn bare_host(url: &url::Url) -> &str {
    url.host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']')
}

/// What an exchange does after an attempt.
#[derive(Debug)]
pub enum Step {
    /// The call is over: its result as the bridge returns it, or its error.
    Done(Result<Value>),
    /// Wait this long, then make another attempt (on a new connection).
    Retry(Duration),
}

/// How an answer becomes the bridge's result.
#[derive(Debug)]
pub(crate) enum Decode {
    Payment,
    Check,
    /// `handle_notification`: the status of record, then the decision.
    Notification {
        form: NotificationForm,
        expected: Expected,
    },
}

/// One network call of the bridge, across its attempts.
pub struct Exchange {
    client: Client,
    out: Outbound,
    decode: Decode,
    request: Vec<u8>,
    attempt: u32,
}

/// The body and the request carry the apikey: only what the call is about is shown.
impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange")
            .field("operation", &self.out.op.name)
            .field("subject", &self.out.subject)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl Exchange {
    pub(crate) fn new(client: &Client, out: Outbound, decode: Decode) -> Exchange {
        let user_agent = client.user_agent();
        let request = crate::framing::request_bytes(client.endpoint(out.op), user_agent, &out.body);
        Exchange {
            client: client.clone(),
            out,
            decode,
            request,
            attempt: 0,
        }
    }

    /// The bytes of the request, the same for every attempt.
    pub fn request(&self) -> &[u8] {
        &self.request
    }

    /// Where this call connects.
    pub fn target(&self) -> Target {
        Target::of(&self.client)
    }

    /// The state of a new connection for this call's origin (rustls set up for `https`).
    pub fn wire(&self) -> std::result::Result<Wire, Failure> {
        let url = self.client.endpoint(self.out.op);
        let tls = if url.scheme() == "https" {
            let host = bare_host(url);
            let name = rustls::pki_types::ServerName::try_from(host.to_owned())
                .map_err(|e| Failure::Connect(format!("{host}: {e}")))?;
            let conn = rustls::ClientConnection::new(Arc::clone(self.client.tls()), name)
                .map_err(|e| Failure::Tls(e.to_string()))?;
            Some(Box::new(conn))
        } else {
            None
        };
        Ok(Wire { tls, reader: None })
    }

    /// Bytes arrived on `wire` (or, with `eof`, the server closed it). `None` while the answer is
    /// incomplete (a TLS handshake may then have bytes to send: [`Wire::outgoing`]); else the
    /// step, and whether the connection may carry another call.
    pub fn receive(&mut self, wire: &mut Wire, bytes: &[u8], eof: bool) -> Option<(Step, bool)> {
        match wire.receive(bytes, eof) {
            Ok(None) => None,
            Ok(Some((answer, keep))) => Some((self.answered(&answer), keep)),
            Err(failure) => Some((self.failed(failure), false)),
        }
    }

    /// The attempt failed in the host's hands (a refused connection, a timeout).
    pub fn failed(&mut self, failure: Failure) -> Step {
        let call = self.out.call(&self.client);
        let error = self.client.failure_error(failure, &call, self.attempt);
        self.next(Err(error))
    }

    fn answered(&mut self, answer: &Answer) -> Step {
        let (status, retry_after, body) = (answer.status, answer.retry_after, &answer.body[..]);
        let result = match &self.decode {
            Decode::Payment => decode_payment_response(status, retry_after, body)
                .map(|link| crate::bridge::link_json(&link)),
            Decode::Check => decode_check_response(status, retry_after, body).map(|s| s.to_json()),
            Decode::Notification { form, expected } => {
                decode_check_response(status, retry_after, body)
                    .map(|s| NotificationOutcome::decide(form.clone(), s, expected).to_json())
            }
        };
        self.next(result)
    }

    fn next(&mut self, result: Result<Value>) -> Step {
        match self.client.after_attempt(self.out.op, result, self.attempt) {
            Ok(done) => Step::Done(done),
            Err(delay) => {
                self.attempt += 1;
                Step::Retry(delay)
            }
        }
    }
}

/// What to write to send a request.
#[derive(Debug)]
pub enum Outgoing {
    /// The request's own bytes ([`Exchange::request`]): the connection is plain HTTP.
    Request,
    /// These TLS records.
    Records(Vec<u8>),
}

/// One connection's state: rustls (for `https`) and the answer being read.
pub struct Wire {
    tls: Option<Box<rustls::ClientConnection>>,
    /// The answer being read, while a request is out.
    reader: Option<AnswerReader>,
}

impl std::fmt::Debug for Wire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wire")
            .field("tls", &self.tls.is_some())
            .field("reading", &self.reader.is_some())
            .finish()
    }
}

impl Wire {
    /// Whether a request may be sent: connected, and the TLS handshake (if any) done.
    pub fn ready(&self) -> bool {
        self.tls.as_ref().is_none_or(|tls| !tls.is_handshaking())
    }

    /// TLS records to send now (the handshake's, mostly); empty when there are none.
    pub fn outgoing(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(tls) = &mut self.tls {
            while tls.wants_write() {
                // Writing into a Vec cannot fail.
                if tls.write_tls(&mut out).is_err() {
                    break;
                }
            }
        }
        out
    }

    /// Starts reading an answer, and says what sends `request`: the request itself (plain
    /// HTTP), or the TLS records that carry it.
    pub fn send(&mut self, request: &[u8]) -> std::result::Result<Outgoing, Failure> {
        self.reader = Some(AnswerReader::default());
        match &mut self.tls {
            None => Ok(Outgoing::Request),
            Some(tls) => {
                tls.writer()
                    .write_all(request)
                    .map_err(|e| Failure::Broken(e.to_string()))?;
                Ok(Outgoing::Records(self.outgoing()))
            }
        }
    }

    fn receive(
        &mut self,
        bytes: &[u8],
        eof: bool,
    ) -> std::result::Result<Option<(Answer, bool)>, Failure> {
        let mut closed = eof;
        if let Some(tls) = &mut self.tls {
            let mut input = bytes;
            while !input.is_empty() {
                tls.read_tls(&mut input)
                    .map_err(|e| Failure::Broken(e.to_string()))?;
                let handshaking = tls.is_handshaking();
                tls.process_new_packets().map_err(|e| {
                    if handshaking {
                        // The certificate or the handshake was refused: nothing was sent.
                        Failure::Tls(e.to_string())
                    } else {
                        Failure::Broken(e.to_string())
                    }
                })?;
                let mut plain = [0u8; 16 * 1024];
                loop {
                    match tls.reader().read(&mut plain) {
                        Ok(0) => {
                            // close_notify: the end of a close-delimited answer.
                            closed = true;
                            break;
                        }
                        Ok(n) => match &mut self.reader {
                            Some(reader) => reader.push(&plain[..n]),
                            None => return Err(stray()),
                        },
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        Err(e) => return Err(Failure::Broken(e.to_string())),
                    }
                }
            }
        } else if !bytes.is_empty() {
            match &mut self.reader {
                Some(reader) => reader.push(bytes),
                None => return Err(stray()),
            }
        }
        let Some(reader) = &mut self.reader else {
            return Ok(None);
        };
        let done = reader.poll(closed)?;
        if done.is_some() {
            self.reader = None;
        }
        Ok(done)
    }
}

/// Bytes when no answer was awaited: the connection is out of step.
fn stray() -> Failure {
    Failure::Broken("the server sent bytes when no answer was awaited".into())
}
