//! HTTP/1.1 framing without I/O: the request's bytes, and an answer read from whatever bytes
//! have arrived so far.
//!
//! Two transports share it: the blocking callers' own sockets (`crate::direct`), and a host's
//! event loop (`crate::bridge::Wire`, which Node drives on its JavaScript thread). One framing
//! means one set of answers to a cut, oversized or malformed response, whichever moved the bytes.

use std::time::Duration;

use url::Url;

use crate::response::MAX_RESPONSE_BYTES;

/// Why an exchange failed, and whether the request may have reached the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The certificate was refused (rustls's reason); nothing was sent.
    Tls(String),
    /// Connecting took longer than `connect_timeout`; nothing was sent.
    ConnectTimeout,
    /// Connecting failed; nothing was sent.
    Connect(String),
    /// No complete answer in time, after the request was sent.
    Timeout,
    /// The connection broke after the request was sent.
    Broken(String),
    /// The answer (with this status) is over the cap.
    TooLarge(u16),
}

/// An answer: status, `Retry-After`, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The parsed `Retry-After` header, if any.
    pub retry_after: Option<Duration>,
    /// The body, without its framing (chunks joined).
    pub body: Vec<u8>,
}

/// The longest head (status line and headers) accepted.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The longest chunk size line accepted.
const MAX_CHUNK_LINE: usize = 1024;
/// The most trailer bytes accepted after the last chunk.
const MAX_TRAILER_BYTES: usize = MAX_HEAD_BYTES;

/// `url`'s host as a resolver and a TLS server name take it: `[::1]` without its brackets.
pub(crate) fn bare_host(url: &Url) -> &str {
    url.host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']')
}

/// The bytes of a JSON `POST` of `body` to `url`.
#[cfg(test)]
pub(crate) fn request_bytes(url: &Url, user_agent: &str, body: &[u8]) -> Vec<u8> {
    request_with(&request_head(url, user_agent), body)
}

/// The head of a JSON `POST` to `url`, up to the value of its `content-length`: the same for
/// every call of a client to one endpoint, so a client builds it once.
pub(crate) fn request_head(url: &Url, user_agent: &str) -> Vec<u8> {
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_owned(),
    };
    format!(
        "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
         accept: application/json\r\nuser-agent: {user_agent}\r\ncontent-length: "
    )
    .into_bytes()
}

/// A request: `head` (from [`request_head`]), the body's length, and `body`.
pub(crate) fn request_with(head: &[u8], body: &[u8]) -> Vec<u8> {
    let mut request = Vec::with_capacity(head.len() + 24 + body.len());
    request.extend_from_slice(head);
    let mut len = body.len();
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        // `len % 10` is a single digit, so the cast keeps it.
        digits[at] = b'0' + (len % 10) as u8;
        len /= 10;
        if len == 0 {
            break;
        }
    }
    request.extend_from_slice(&digits[at..]);
    request.extend_from_slice(b"\r\n\r\n");
    request.extend_from_slice(body);
    request
}

/// What the head of an answer said about its body.
#[derive(Debug, Clone, Copy)]
struct Head {
    status: u16,
    len: usize,
    length: Option<u64>,
    chunked: bool,
    close: bool,
    retry_after: Option<Duration>,
}

/// One answer, read from the bytes given to it as they arrive.
#[derive(Debug, Default)]
pub(crate) struct AnswerReader {
    buf: Vec<u8>,
    head: Option<Head>,
    /// Chunked bodies: the chunks decoded so far, and where the next size line (or, after the
    /// last chunk, the next trailer line) starts in `buf`.
    body: Vec<u8>,
    next: usize,
    /// Where the trailers start in `buf`, once the last chunk has been read.
    trailers: Option<usize>,
}

impl AnswerReader {
    /// Appends bytes that arrived.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The answer once it is complete, with whether the connection may carry another request;
    /// `None` while more bytes are needed. `eof`: the server has closed its side.
    pub(crate) fn poll(&mut self, eof: bool) -> Result<Option<(Answer, bool)>, Failure> {
        let closed = || {
            Failure::Broken(
                "the server closed the connection before the answer was complete".into(),
            )
        };
        let head = match self.head {
            Some(head) => head,
            None => match self.read_head()? {
                Some(head) => head,
                None if eof => return Err(closed()),
                None => return Ok(None),
            },
        };
        let too_large = || Failure::TooLarge(head.status);
        let rest = &self.buf[head.len..];
        // 1xx, 204 and 304 carry no body; CinetPay's API never sends them, but a proxy might.
        let no_body = (100..200).contains(&head.status) || head.status == 204 || head.status == 304;
        // Each framing gives the body and whether the connection is still in step: a body longer
        // than announced, bytes after a chunked body, or a close-delimited body end its use.
        let (body, in_step) = if no_body {
            (Vec::new(), !eof)
        } else if head.chunked {
            match self.read_chunks(head.status)? {
                Some(leftover) => (std::mem::take(&mut self.body), !leftover && !eof),
                None if eof => return Err(closed()),
                None => return Ok(None),
            }
        } else if let Some(length) = head.length {
            if length > MAX_RESPONSE_BYTES as u64 {
                return Err(too_large());
            }
            let length = length as usize;
            if rest.len() < length {
                return if eof { Err(closed()) } else { Ok(None) };
            }
            // A server that has closed its side keeps nothing for another request.
            (rest[..length].to_vec(), rest.len() == length && !eof)
        } else {
            // Delimited by the server closing the connection.
            if rest.len() > MAX_RESPONSE_BYTES {
                return Err(too_large());
            }
            if !eof {
                return Ok(None);
            }
            (rest.to_vec(), false)
        };
        Ok(Some((
            Answer {
                status: head.status,
                retry_after: head.retry_after,
                body,
            },
            in_step && !head.close,
        )))
    }

    fn read_head(&mut self) -> Result<Option<Head>, Failure> {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(&self.buf) {
            Ok(httparse::Status::Complete(len)) => {
                let header = |name: &str| {
                    response
                        .headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .and_then(|h| std::str::from_utf8(h.value).ok())
                        .map(str::trim)
                };
                let head = Head {
                    status: response.code.unwrap_or(0),
                    len,
                    length: header("content-length").and_then(|v| v.parse::<u64>().ok()),
                    chunked: header("transfer-encoding")
                        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked")),
                    close: header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
                        || response.version == Some(0),
                    retry_after: header("retry-after").and_then(crate::response::parse_retry_after),
                };
                self.head = Some(head);
                self.next = len;
                Ok(Some(head))
            }
            Ok(httparse::Status::Partial) if self.buf.len() < MAX_HEAD_BYTES => Ok(None),
            Ok(httparse::Status::Partial) => {
                Err(Failure::Broken("the answer's headers are too long".into()))
            }
            Err(e) => Err(Failure::Broken(format!("not an HTTP answer ({e})"))),
        }
    }

    /// Decodes the chunks that have fully arrived. `Some(leftover)` once the last chunk and the
    /// trailers are in, `leftover` saying whether bytes followed them. Each byte is scanned once
    /// however the answer is cut into reads, and every part is capped: this runs on a host's
    /// event loop.
    fn read_chunks(&mut self, status: u16) -> Result<Option<bool>, Failure> {
        loop {
            let rest = &self.buf[self.next..];
            let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") else {
                return match self.trailers {
                    Some(start) if self.buf.len() - start > MAX_TRAILER_BYTES => {
                        Err(Failure::Broken("the answer's trailers are too long".into()))
                    }
                    None if rest.len() > MAX_CHUNK_LINE => {
                        Err(Failure::Broken("a chunk size line is too long".into()))
                    }
                    _ => Ok(None),
                };
            };
            if let Some(start) = self.trailers {
                // A trailer line, or the empty line that ends the answer.
                if line_end == 0 {
                    return Ok(Some(rest.len() > 2));
                }
                self.next += line_end + 2;
                if self.next - start > MAX_TRAILER_BYTES {
                    return Err(Failure::Broken("the answer's trailers are too long".into()));
                }
                continue;
            }
            let line = std::str::from_utf8(&rest[..line_end]).unwrap_or("");
            let size_text = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| Failure::Broken(format!("a bad chunk size {size_text:?}")))?;
            if size == 0 {
                self.next += line_end + 2;
                self.trailers = Some(self.next);
                continue;
            }
            // Checked before adding: a huge size must not overflow.
            if size > MAX_RESPONSE_BYTES - self.body.len() {
                return Err(Failure::TooLarge(status));
            }
            let data = &rest[line_end + 2..];
            if data.len() < size + 2 {
                return Ok(None);
            }
            self.body.extend_from_slice(&data[..size]);
            self.next += line_end + 2 + size + 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(parts: &[&[u8]], eof: bool) -> Result<Option<(Answer, bool)>, Failure> {
        let mut reader = AnswerReader::default();
        let mut last = Ok(None);
        for part in parts {
            reader.push(part);
            last = reader.poll(false);
            if !matches!(last, Ok(None)) {
                return last;
            }
        }
        if eof { reader.poll(true) } else { last }
    }

    #[test]
    fn a_length_framed_answer_arriving_byte_by_byte() {
        let whole = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nretry-after: 3\r\n\r\n{}";
        let parts: Vec<&[u8]> = whole.chunks(1).collect();
        let (answer, keep) = read(&parts, false).expect("ok").expect("complete");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"{}");
        assert_eq!(answer.retry_after, Some(Duration::from_secs(3)));
        assert!(keep);
    }

    #[test]
    fn chunks_join_and_bytes_after_them_end_the_connection_s_use() {
        let whole = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{\"\r\n3;x=y\r\na\":\r\n1\r\n1\r\n0\r\nt: v\r\n\r\n";
        let parts: Vec<&[u8]> = whole.chunks(3).collect();
        let (answer, keep) = read(&parts, false).expect("ok").expect("complete");
        assert_eq!(answer.body, b"{\"a\":1");
        assert!(keep);
        let mut extra = whole.to_vec();
        extra.extend_from_slice(b"junk");
        let (_, keep) = read(&[&extra], false).expect("ok").expect("complete");
        assert!(!keep);
    }

    #[test]
    fn a_close_delimited_answer_ends_at_eof() {
        let whole: &[u8] = b"HTTP/1.1 500 Oops\r\n\r\n<html>";
        assert_eq!(read(&[whole], false), Ok(None));
        let (answer, keep) = read(&[whole], true).expect("ok").expect("complete");
        assert_eq!(
            (answer.status, answer.body.as_slice(), keep),
            (500, &b"<html>"[..], false)
        );
    }

    #[test]
    fn cuts_caps_and_garbage_are_failures() {
        let cut: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{}";
        assert!(matches!(read(&[cut], true), Err(Failure::Broken(_))));
        assert!(matches!(
            read(&[b"HTTP/1.1 2"], true),
            Err(Failure::Broken(_))
        ));
        let huge = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n",
            MAX_RESPONSE_BYTES + 1
        );
        assert_eq!(read(&[huge.as_bytes()], false), Err(Failure::TooLarge(200)));
        let mut chunked = b"HTTP/1.1 502 Bad\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..17 {
            chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            chunked.extend_from_slice(&chunk);
            chunked.extend_from_slice(b"\r\n");
        }
        assert_eq!(read(&[&chunked], false), Err(Failure::TooLarge(502)));
        assert!(matches!(
            read(&[b"<html>\r\n\r\n"], false),
            Err(Failure::Broken(_))
        ));
        assert!(matches!(
            read(
                &[b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n"],
                false
            ),
            Err(Failure::Broken(_))
        ));
    }

    #[test]
    fn trailers_are_capped_and_chunk_sizes_cannot_overflow() {
        let mut endless = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n".to_vec();
        let mut reader = AnswerReader::default();
        reader.push(&endless);
        let mut result = reader.poll(false);
        // One trailer line per read, as a slow server would send them: never an answer.
        for _ in 0..10_000 {
            if result.is_err() {
                break;
            }
            assert_eq!(result, Ok(None));
            reader.push(b"x-trailer: 0123456789\r\n");
            result = reader.poll(false);
        }
        assert!(matches!(result, Err(Failure::Broken(m)) if m.contains("trailers")));
        endless.clear();
        let overflow =
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nx\r\nffffffffffffffff\r\n";
        assert_eq!(read(&[overflow], false), Err(Failure::TooLarge(200)));
    }

    #[test]
    fn an_answer_complete_at_the_server_s_close_keeps_nothing() {
        let whole: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        let mut reader = AnswerReader::default();
        reader.push(whole);
        let (answer, keep) = reader.poll(true).expect("ok").expect("complete");
        assert_eq!((answer.body.as_slice(), keep), (&b"{}"[..], false));
    }

    #[test]
    fn a_request_names_host_port_path_and_length() {
        let url = Url::parse("http://127.0.0.1:8080/v2/payment?x=1").expect("url");
        let bytes = request_bytes(&url, "ua/1", b"{}");
        let text = String::from_utf8(bytes).expect("utf8");
        assert!(text.starts_with("POST /v2/payment?x=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n"));
        assert!(text.ends_with("user-agent: ua/1\r\ncontent-length: 2\r\n\r\n{}"));
        for len in [0usize, 9, 10, 1234, 1_048_576] {
            let body = vec![b'x'; len];
            let request = request_with(b"l: ", &body);
            assert_eq!(
                request[..request.len() - len],
                *format!("l: {len}\r\n\r\n").as_bytes()
            );
        }
    }
}
