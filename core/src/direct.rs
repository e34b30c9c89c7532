//! HTTP/1.1 on the calling thread's own socket, for blocking calls (Python's `Client`, C, PHP,
//! the Rust `blocking::Client`).
//!
//! A blocking call used to go through reqwest on the thread's current-thread runtime. That path
//! cost 1.5 to 2.3 times `wrk`'s time per request on these VMs: reqwest's pool, its per-response
//! URL parse, the runtime's epoll round trips (BENCHMARKS.md). A blocking caller needs none of
//! that, since it waits anyway. So it writes the request and reads the answer itself, on one
//! kept-alive connection per (thread, client), with std sockets and rustls. Every blocking call
//! gets here from `Client::post_blocking` (the bindings' through `Exchange::run_blocking`), with
//! no runtime at all.
//!
//! The behaviour is the async path's:
//! - the same TLS configuration (bundled roots plus `ca_certificates`);
//! - the same timeouts (`connect_timeout` to connect, `timeout` for the whole attempt);
//! - the same 1 MiB cap;
//! - the same errors, through [`Failure`].
//!
//! `tests/fixtures/faults.json` and `tls.json` hold both paths to that: Python runs both
//! clients, C the blocking one. A proxy set in the environment (`HTTPS_PROXY`...) sends the
//! call through reqwest, which honours it.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use url::Url;

use crate::framing::AnswerReader;
pub(crate) use crate::framing::{Answer, Failure};

/// What a connection needs from the client.
pub(crate) struct Target<'a> {
    pub url: &'a Url,
    pub tls: &'a Arc<rustls::ClientConfig>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

enum Stream {
    Plain(Socket),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, Socket>>),
}

impl Stream {
    fn socket(&mut self) -> &mut Socket {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &mut s.sock,
        }
    }

    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => &s.tcp,
            Stream::Tls(s) => &s.sock.tcp,
        }
    }
}

/// A connected socket whose every read is bounded by the current attempt's deadline: TLS's
/// reads too, since one read of a TLS stream may read the socket several times.
struct Socket {
    tcp: TcpStream,
    /// When the current attempt must end.
    deadline: Instant,
    /// The socket's read timeout as this wrapper last set it (`None`: not yet set here; the
    /// TLS handshake's own bound may still be in place).
    read_timeout: Option<Duration>,
}

impl Socket {
    /// Bounds the next read by the time left until `deadline`, give or take
    /// [`READ_TIMEOUT_SLACK`] late and never early. The socket keeps its timeout while that
    /// holds (a shop's calls all have the same `timeout`), which spares a syscall per call.
    fn bound_read(&mut self) -> io::Result<()> {
        let left = self
            .deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(io::ErrorKind::TimedOut)?;
        if read_timeout_holds(self.read_timeout, left) {
            return Ok(());
        }
        // Half the slack above: the next call's read finds its deadline a little nearer or
        // further, and still within the slack.
        let set = left + READ_TIMEOUT_SLACK / 2;
        self.tcp.set_read_timeout(Some(set))?;
        self.read_timeout = Some(set);
        Ok(())
    }
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.bound_read()?;
        self.tcp.read(buf)
    }
}

// Vectored writes forwarded too: rustls hands a TLS write over in pieces, which the socket
// sends in one `writev` (the default would send them one by one).
impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tcp.write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.tcp.write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// Whether a socket whose read timeout is `set` may read when `left` remains: never past the
/// deadline early, and at most [`READ_TIMEOUT_SLACK`] late.
fn read_timeout_holds(set: Option<Duration>, left: Duration) -> bool {
    set.is_some_and(|set| left <= set && set <= left + READ_TIMEOUT_SLACK)
}

/// How far past its attempt's deadline a read may wait (plus the kernel's rounding of
/// `SO_RCVTIMEO` up to a clock tick, 4 ms at 250 Hz, which any read timeout has), so that the
/// socket's read timeout is set about once per connection rather than before every read.
const READ_TIMEOUT_SLACK: Duration = Duration::from_millis(2);

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// A kept-alive connection to one origin.
pub(crate) struct Connection {
    /// The origin it was opened to (see [`origin`]).
    https: bool,
    host: String,
    port: u16,
    stream: Stream,
    /// Where reads land, zeroed once per connection rather than once per read.
    scratch: Box<[u8]>,
}

/// `url`'s origin as a connection keeps it, borrowed: compared on every call.
fn origin(url: &Url) -> (bool, &str, u16) {
    (
        url.scheme() == "https",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0),
    )
}

impl Connection {
    /// Whether it was opened to `url`'s origin.
    fn serves(&self, url: &Url) -> bool {
        let (https, host, port) = origin(url);
        self.https == https && self.host == host && self.port == port
    }

    /// Whether the server has left it alone: nothing to read (a close, a TLS alert or stray
    /// bytes all mean it cannot carry another request).
    fn idle(&self) -> bool {
        let socket = self.stream.tcp();
        #[cfg(unix)]
        {
            // One syscall: peek without waiting.
            let mut byte = [std::mem::MaybeUninit::<u8>::uninit(); 1];
            let peeked = socket2::SockRef::from(socket)
                .recv_with_flags(&mut byte, libc::MSG_PEEK | libc::MSG_DONTWAIT);
            matches!(peeked, Err(e) if e.kind() == io::ErrorKind::WouldBlock)
        }
        #[cfg(not(unix))]
        {
            if socket.set_nonblocking(true).is_err() {
                return false;
            }
            let mut byte = [0u8; 1];
            let idle =
                matches!(socket.peek(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
            socket.set_nonblocking(false).is_ok() && idle
        }
    }
}

/// Whether the environment names a proxy, which only the reqwest path honours.
pub(crate) fn proxy_configured() -> bool {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// A connected socket, its reads to be bounded by the attempt's deadline (set by `exchange`).
fn wrap(tcp: TcpStream) -> Socket {
    Socket {
        tcp,
        deadline: Instant::now(),
        read_timeout: None,
    }
}

fn connect(target: &Target<'_>, deadline: Instant) -> Result<Connection, Failure> {
    let url = target.url;
    let host = url
        .host_str()
        .ok_or_else(|| Failure::Connect("no host".into()))?;
    let port = url.port_or_known_default().unwrap_or(443);
    let started = Instant::now();
    let limit = |cap: Duration| {
        deadline
            .checked_duration_since(Instant::now())
            .map(|d| d.min(cap))
            .filter(|d| !d.is_zero())
    };
    // `[::1]` is a host to the URL and an address to the resolver without its brackets.
    let bare = crate::framing::bare_host(url);
    let addrs = (bare, port)
        .to_socket_addrs()
        .map_err(|e| Failure::Connect(format!("cannot resolve {host}: {e}")))?;
    let mut last = None;
    let mut socket = None;
    for addr in addrs {
        let Some(left) = limit(target.connect_timeout.saturating_sub(started.elapsed())) else {
            return Err(Failure::ConnectTimeout);
        };
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => {
                socket = Some(s);
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::TimedOut => return Err(Failure::ConnectTimeout),
            Err(e) => last = Some(e),
        }
    }
    let socket = socket.ok_or_else(|| {
        Failure::Connect(last.map_or_else(|| format!("{host} has no address"), |e| e.to_string()))
    })?;
    let _ = socket.set_nodelay(true);
    let stream = if url.scheme() == "https" {
        let name = rustls::pki_types::ServerName::try_from(bare.to_owned())
            .map_err(|e| Failure::Connect(format!("{host}: {e}")))?;
        let mut tls = rustls::ClientConnection::new(target.tls.clone(), name)
            .map_err(|e| Failure::Tls(e.to_string()))?;
        let mut socket = socket;
        let left = limit(target.connect_timeout.saturating_sub(started.elapsed()))
            .ok_or(Failure::ConnectTimeout)?;
        let _ = socket.set_read_timeout(Some(left));
        let _ = socket.set_write_timeout(Some(left));
        // The handshake, before anything is sent: a refused certificate sends nothing.
        while tls.is_handshaking() {
            if let Err(e) = tls.complete_io(&mut socket) {
                return Err(
                    match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                        Some(refused) => Failure::Tls(refused.to_string()),
                        None if matches!(
                            e.kind(),
                            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                        ) =>
                        {
                            Failure::ConnectTimeout
                        }
                        None => Failure::Connect(e.to_string()),
                    },
                );
            }
        }
        Stream::Tls(Box::new(rustls::StreamOwned::new(tls, wrap(socket))))
    } else {
        Stream::Plain(wrap(socket))
    };
    // A request is a few hundred bytes, so a write waits only if the server stops reading
    // altogether: bounded once per connection by the call's timeout; reads by the time left
    // until the attempt's deadline (`Socket::bound_read`).
    stream
        .tcp()
        .set_write_timeout(Some(target.timeout))
        .map_err(|e| Failure::Connect(e.to_string()))?;
    let (https, host, port) = origin(url);
    Ok(Connection {
        https,
        host: host.to_owned(),
        port,
        stream,
        scratch: vec![0u8; 16 * 1024].into_boxed_slice(),
    })
}

/// One `request` (a POST's whole bytes) on `kept` (if it is still good for `target`'s origin)
/// or a new connection. Returns the answer, and the connection if it may carry another request.
pub(crate) fn post(
    target: &Target<'_>,
    kept: Option<Connection>,
    request: &[u8],
) -> (Result<Answer, Failure>, Option<Connection>) {
    let deadline = Instant::now() + target.timeout;
    let reused = kept.filter(|c| c.serves(target.url) && c.idle());
    let mut conn = match reused {
        Some(c) => c,
        None => match connect(target, deadline) {
            Ok(c) => c,
            Err(f) => return (Err(f), None),
        },
    };
    match exchange(&mut conn, request, deadline) {
        Ok((answer, keep)) => (Ok(answer), keep.then_some(conn)),
        Err(f) => (Err(f), None),
    }
}

fn exchange(
    conn: &mut Connection,
    request: &[u8],
    deadline: Instant,
) -> Result<(Answer, bool), Failure> {
    conn.stream.socket().deadline = deadline;
    conn.stream
        .write_all(request)
        .and_then(|()| conn.stream.flush())
        .map_err(|e| sent_failure(&e))?;
    read_answer(conn)
}

/// A failure once (part of) the request may have left.
fn sent_failure(e: &io::Error) -> Failure {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Failure::Timeout,
        _ => Failure::Broken(e.to_string()),
    }
}

/// Reads what has arrived (at least a byte) into `reader`, within the attempt's deadline;
/// `true` at the end of the stream.
fn fill(conn: &mut Connection, reader: &mut AnswerReader) -> Result<bool, Failure> {
    match conn.stream.read(&mut conn.scratch) {
        Ok(0) => Ok(true),
        Ok(n) => {
            reader.push(&conn.scratch[..n]);
            Ok(false)
        }
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(false),
        Err(e) => Err(sent_failure(&e)),
    }
}

fn read_answer(conn: &mut Connection) -> Result<(Answer, bool), Failure> {
    let mut reader = AnswerReader::default();
    loop {
        let eof = fill(conn, &mut reader)?;
        if let Some(done) = reader.poll(eof)? {
            return Ok(done);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_timeout_is_kept_only_when_it_ends_at_the_deadline_or_a_little_after() {
        let left = Duration::from_secs(30);
        assert!(
            !read_timeout_holds(None, left),
            "never set: reads would wait forever"
        );
        assert!(read_timeout_holds(Some(left), left));
        assert!(read_timeout_holds(Some(left + READ_TIMEOUT_SLACK), left));
        // The next call's read, a few microseconds further from its deadline than the last.
        let set = left + READ_TIMEOUT_SLACK / 2;
        assert!(read_timeout_holds(
            Some(set),
            left + Duration::from_micros(20)
        ));
        assert!(read_timeout_holds(
            Some(set),
            left - Duration::from_micros(20)
        ));
        // Early: the read would time out before the attempt's deadline.
        assert!(!read_timeout_holds(
            Some(left - Duration::from_micros(1)),
            left
        ));
        // Too late: a slow answer's later reads, with the deadline near.
        assert!(!read_timeout_holds(Some(set), Duration::from_millis(500)));
    }
}
