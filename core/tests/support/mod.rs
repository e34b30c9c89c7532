//! Test helpers: scripted raw HTTP servers and a request-rewriting proxy, all on loopback.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cinetpay::{Client, ClientConfig};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// `tests/fixtures/NAME` parsed.
pub fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A client for `base_url` with the emulator's default account and fast retries.
pub fn client(base_url: &str) -> Client {
    Client::new(config(base_url)).unwrap()
}

/// The config behind [`client`].
pub fn config(base_url: &str) -> ClientConfig {
    ClientConfig::new(
        cinetpay_emulator::DEFAULT_API_KEY,
        cinetpay_emulator::DEFAULT_SITE_ID,
    )
    .base_url(base_url)
    .retry_initial_delay(Duration::from_millis(20))
}

/// Reads one HTTP/1.1 request (head and Content-Length body); `None` at EOF.
pub async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if buf.len() >= end + 4 + len {
                return Some(buf);
            }
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// What a scripted server does with each request it reads.
#[derive(Clone)]
pub enum Script {
    /// Write these bytes, then close.
    Reply(Vec<u8>),
    /// Read the request, then reset the connection (RST) without answering.
    Reset,
    /// Read the request, then never answer.
    Hang,
    /// The n-th connection follows the n-th script; later ones follow the last.
    Seq(Vec<Script>),
}

impl Script {
    fn for_connection(self, n: usize) -> Script {
        match self {
            Script::Seq(mut all) if !all.is_empty() => {
                let i = n.min(all.len() - 1);
                all.swap_remove(i).for_connection(0)
            }
            other => other,
        }
    }
}

/// A raw HTTP server on loopback following `script`; counts the connections it accepted.
pub struct RawServer {
    pub url: String,
    pub connections: Arc<AtomicUsize>,
}

pub async fn raw_server(script: Script) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let script = script.clone().for_connection(n);
            tokio::spawn(async move {
                if read_request(&mut stream).await.is_none() {
                    return;
                }
                match script {
                    Script::Reply(bytes) => {
                        let _ = stream.write_all(&bytes).await;
                        let _ = stream.shutdown().await;
                    }
                    Script::Reset => {
                        // A zero linger resets at once: it is the blocking-linger case that is
                        // deprecated, and this one cannot block.
                        #[allow(deprecated)]
                        let _ = stream.set_linger(Some(Duration::ZERO));
                        drop(stream);
                    }
                    Script::Hang => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                    Script::Seq(_) => {}
                }
            });
        }
    });
    RawServer { url, connections }
}

/// An HTTP/1.1 response with `Connection: close`.
pub fn http(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A proxy in front of `target` that passes each request through `rewrite` (one request per
/// connection, forwarded with `Connection: close`) and relays the answer unchanged.
pub async fn rewriting_proxy(target: SocketAddr, rewrite: fn(String) -> String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let Some(request) = read_request(&mut client).await else {
                    return;
                };
                let request = String::from_utf8(request).unwrap();
                let request = request.replacen("\r\n", "\r\nconnection: close\r\n", 1);
                let mut upstream = TcpStream::connect(target).await.unwrap();
                upstream
                    .write_all(rewrite(request).as_bytes())
                    .await
                    .unwrap();
                let mut answer = Vec::new();
                upstream.read_to_end(&mut answer).await.unwrap();
                let _ = client.write_all(&answer).await;
                let _ = client.shutdown().await;
            });
        }
    });
    url
}

/// A loopback port with nothing listening on it.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// `GET path` over a fresh connection; the whole response as text.
pub async fn raw_get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}
