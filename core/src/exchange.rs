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
use crate::framing::{Answer, AnswerReader, Failure, bare_host};
use crate::notification::NotificationForm;
use crate::outcome::{Expected, NotificationOutcome};
use crate::response::{decode_check_response, decode_payment_response};

/// Where a client's calls connect: every operation shares `base_url`, so a kept connection can
/// carry any of them.
#[derive(Debug, Clone)]
pub struct Target {
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
            host,
            port,
            connect_timeout: client.config().connect_timeout,
            timeout: client.config().timeout,
        }
    }
}

/// What an exchange does after an attempt.
#[derive(Debug)]
pub enum Step {
    /// The call is over: its result as the bridge returns it, or its error.
    Done(Result<Value>),
    /// Wait this long, then make another attempt (on a kept connection if the last answer left
    /// one, else a new one).
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

impl Decode {
    /// The bridge's result for one answer.
    fn apply(&self, status: u16, retry_after: Option<Duration>, body: &[u8]) -> Result<Value> {
        match self {
            Decode::Payment => decode_payment_response(status, retry_after, body)
                .map(|link| crate::bridge::link_json(&link)),
            Decode::Check => decode_check_response(status, retry_after, body).map(|s| s.to_json()),
            Decode::Notification { form, expected } => {
                decode_check_response(status, retry_after, body)
                    .map(|s| NotificationOutcome::decide(form.clone(), s, expected).to_json())
            }
        }
    }
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
        let request = client.request_bytes(out.op, &out.body);
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

    /// Runs the call to its end on the calling thread, blocking (`Client::post_blocking`): the
    /// transport of Python's `Client`, C and PHP.
    pub(crate) fn run_blocking(self) -> Result<Value> {
        let call = self.out.call(&self.client);
        self.client
            .post_blocking(&call, &self.request, |status, retry_after, body| {
                self.decode.apply(status, retry_after, body)
            })
    }

    /// The attempt failed in the host's hands (a refused connection, a timeout).
    pub fn failed(&mut self, failure: Failure) -> Step {
        let call = self.out.call(&self.client);
        let error = self.client.failure_error(failure, &call, self.attempt);
        self.next(Err(error))
    }

    fn answered(&mut self, answer: &Answer) -> Step {
        let result = self
            .decode
            .apply(answer.status, answer.retry_after, &answer.body);
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
        // The end of the answer's stream: TCP's end for plain HTTP; for TLS, only close_notify,
        // since anyone on the path can forge a TCP FIN (a close-delimited body cut short would
        // otherwise pass for complete).
        let mut closed = eof && self.tls.is_none();
        if let Some(tls) = &mut self.tls {
            let mut input = bytes;
            while !input.is_empty() {
                let read = tls
                    .read_tls(&mut input)
                    .map_err(|e| Failure::Broken(e.to_string()))?;
                if read == 0 {
                    // After close_notify rustls reads nothing more: what follows is ignored
                    // (it is not authenticated), rather than looped on.
                    closed = true;
                    break;
                }
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
                            None => return Err(early()),
                        },
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        Err(e) => return Err(Failure::Broken(e.to_string())),
                    }
                }
            }
        } else if !bytes.is_empty() {
            match &mut self.reader {
                Some(reader) => reader.push(bytes),
                None => return Err(early()),
            }
        }
        let Some(reader) = &mut self.reader else {
            return Ok(None);
        };
        let done = match reader.poll(closed)? {
            // A connection the server has closed carries nothing more.
            Some((answer, keep)) => Some((answer, keep && !closed && !eof)),
            None if eof => {
                return Err(Failure::Broken(
                    "the server closed the connection without TLS close_notify before the \
                     answer was complete"
                        .into(),
                ));
            }
            None => None,
        };
        if done.is_some() {
            self.reader = None;
        }
        Ok(done)
    }
}

/// Bytes before any request was sent (a host discards an idle connection that hears anything
/// without asking): nothing was sent on this connection, so it counts as a failure to connect.
fn early() -> Failure {
    Failure::Connect("the server sent data before the request".into())
}

#[cfg(test)]
mod tests {
    //! The TLS side of a [`Wire`], against an in-memory rustls server with the emulator's test
    //! certificates: what a hostile or careless server can make a host's event loop do.
    #![allow(clippy::panic)]

    use std::sync::mpsc;

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    use super::*;
    use crate::bridge::{Start, prepare};
    use crate::{ClientConfig, ErrorCode};

    struct Server {
        tls: rustls::ServerConnection,
    }

    impl Server {
        fn new(dir: &std::path::Path, half_rtt: bool) -> Server {
            let certs = CertificateDer::pem_file_iter(dir.join("good.pem"))
                .expect("pem")
                .collect::<std::result::Result<Vec<_>, _>>()
                .expect("certs");
            let key = PrivateKeyDer::from_pem_file(dir.join("good.key")).expect("key");
            let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("config");
            config.send_half_rtt_data = half_rtt;
            Server {
                tls: rustls::ServerConnection::new(Arc::new(config)).expect("server"),
            }
        }

        fn take(&mut self, bytes: &[u8]) {
            let mut input = bytes;
            while !input.is_empty() {
                self.tls.read_tls(&mut input).expect("read");
                self.tls.process_new_packets().expect("process");
            }
        }

        /// Writes the answer's plaintext.
        fn write(&mut self, plaintext: &[u8]) {
            self.tls.writer().write_all(plaintext).expect("write");
        }

        fn records(&mut self) -> Vec<u8> {
            let mut out = Vec::new();
            while self.tls.wants_write() {
                self.tls.write_tls(&mut out).expect("write");
            }
            out
        }
    }

    /// A client trusting the test authority, an init_payment exchange and its wire, the
    /// handshake not started.
    fn setup(half_rtt: bool) -> (tempdir::Dir, Server, Exchange, Wire) {
        let dir = tempdir::Dir::new();
        cinetpay_emulator::tls::write_test_certificates(dir.path()).expect("certificates");
        let ca = std::fs::read_to_string(dir.path().join("ca.pem")).expect("ca");
        let client = Client::new(
            ClientConfig::new("k-0000000000", "1")
                .base_url("https://127.0.0.1:1")
                .ca_certificates(ca)
                .max_retries(0),
        )
        .expect("client");
        let input = serde_json::json!({"transaction_id": "T-1", "amount": 100, "currency": "XOF",
            "description": "d", "notify_url": "https://a.example/n", "return_url": "https://a.example/r"});
        let Start::Exchange(exchange) = prepare(&client, "init_payment", &input)
            .expect("prepare")
            .start(&client)
        else {
            unreachable!("init_payment goes over the network")
        };
        let wire = exchange.wire().expect("wire");
        let server = Server::new(dir.path(), half_rtt);
        (dir, server, *exchange, wire)
    }

    /// Runs the handshake and sends the request; the server has read it.
    fn connected() -> (tempdir::Dir, Server, Exchange, Wire) {
        let (dir, mut server, mut exchange, mut wire) = setup(false);
        let mut to_server = wire.outgoing();
        while !wire.ready() {
            server.take(&to_server);
            let back = server.records();
            assert!(exchange.receive(&mut wire, &back, false).is_none());
            to_server = wire.outgoing();
        }
        let Ok(Outgoing::Records(request)) = wire.send(exchange.request()) else {
            unreachable!("a TLS wire sends records")
        };
        to_server.extend_from_slice(&request);
        server.take(&to_server);
        let mut got = Vec::new();
        let _ = server.tls.reader().read_to_end(&mut got);
        assert!(got.starts_with(b"POST /v2/payment HTTP/1.1\r\n"));
        (dir, server, exchange, wire)
    }

    const CREATED: &str = r#"{"code":"201","message":"CREATED","description":"ok","data":{"payment_token":"tok","payment_url":"https://checkout.example/p"},"api_response_id":"1.1"}"#;

    fn created() -> String {
        format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{CREATED}",
            CREATED.len()
        )
    }

    #[test]
    fn a_call_over_tls_keeps_its_connection() {
        let (_dir, mut server, mut exchange, mut wire) = connected();
        server.write(created().as_bytes());
        let records = server.records();
        match exchange.receive(&mut wire, &records, false) {
            Some((Step::Done(Ok(link)), true)) => assert_eq!(link["payment_token"], "tok"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bytes_after_close_notify_are_ignored_not_looped_on() {
        let (_dir, mut server, mut exchange, mut wire) = connected();
        server.write(b"HTTP/1.1 502 Bad Gateway\r\n\r\n<html>");
        server.tls.send_close_notify();
        let mut records = server.records();
        // More than rustls takes in one read_tls, after the alert.
        records.extend_from_slice(&[0x41; 20_000]);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let step = exchange.receive(&mut wire, &records, false);
            let _ = tx.send(format!("{step:?}"));
        });
        let step = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("receive returned");
        assert!(step.contains("ServerError"), "{step}");
        assert!(
            step.ends_with("false))"),
            "a closed connection is not kept: {step}"
        );
    }

    #[test]
    fn a_length_framed_answer_then_close_notify_is_not_kept() {
        let (_dir, mut server, mut exchange, mut wire) = connected();
        server.write(created().as_bytes());
        server.tls.send_close_notify();
        let records = server.records();
        assert!(matches!(
            exchange.receive(&mut wire, &records, false),
            Some((Step::Done(Ok(_)), false))
        ));
    }

    #[test]
    fn a_tcp_close_without_close_notify_does_not_end_a_close_delimited_answer() {
        let (_dir, mut server, mut exchange, mut wire) = connected();
        server.write(b"HTTP/1.1 200 OK\r\n\r\n{\"code\":\"201\"");
        let records = server.records();
        assert!(exchange.receive(&mut wire, &records, false).is_none());
        // A forged or cut TCP end, no alert: the body is not taken as complete.
        match exchange.receive(&mut wire, &[], true) {
            Some((Step::Done(Err(e)), false)) => {
                assert_eq!(e.code(), ErrorCode::Network, "{e}");
                assert_eq!(e.request_sent(), Some(true));
                assert!(e.message().contains("close_notify"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn data_before_the_request_counts_as_nothing_sent() {
        let (_dir, mut server, mut exchange, mut wire) = setup(true);
        server.take(&wire.outgoing());
        // 0.5-RTT: the server writes before the client could send anything.
        server.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        let flight = server.records();
        match exchange.receive(&mut wire, &flight, false) {
            Some((Step::Done(Err(e)), false)) => {
                assert_eq!(e.code(), ErrorCode::Network, "{e}");
                assert_eq!(e.request_sent(), Some(false), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    /// A directory removed when dropped.
    mod tempdir {
        pub struct Dir(std::path::PathBuf);

        impl Dir {
            pub fn new() -> Dir {
                static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let path =
                    std::env::temp_dir().join(format!("cinetpay-wire-{}-{n}", std::process::id()));
                Dir(path)
            }

            pub fn path(&self) -> &std::path::Path {
                &self.0
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }
}
