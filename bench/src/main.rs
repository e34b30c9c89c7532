//! Loopback throughput of the SDK's client beside a raw HTTP/1.1 client, reqwest alone and `wrk`,
//! all against the same local server in one run (only ratios from one run mean anything: loopback
//! latency on shared machines swings several-fold between runs).
//!
//! `cargo run --release -p cinetpay-bench -- [--seconds 3]` prints a Markdown table;
//! `-- --serve` only runs the server (printing `listening on http://...`), for the Python and
//! Node benchmark scripts; `-- --wrk URL CONNECTIONS SECONDS` prints wrk's requests per second
//! for the same POST body.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cinetpay::{Client, ClientConfig, Currency, PaymentRequest};
use http_body_util::{BodyExt, Full};
use hyper::Response;
use hyper_util::rt::TokioIo;

const CREATED: &str = r#"{"code":"201","message":"CREATED","description":"Transaction created with success","data":{"payment_token":"5df64dd9c5447739327eb88e1e4ea0ac015555cc262ea308c91acbd4e5c8fb95f4bd0bd7cad877a452f877fa6f51fe74184d00a84ab7f9","payment_url":"https://checkout.cinetpay.com/payment/5df64dd9c5447739327eb88e1e4ea0ac015555cc262ea308c91acbd4e5c8fb95f4bd0bd7cad877a452f877fa6f51fe74184d00a84ab7f9"},"api_response_id":"1632143554.8513"}"#;
const IN_FLIGHT: usize = 64;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A server answering every request with the documented 201 body, on one thread of its own.
fn start_server() -> Result<SocketAddr, BoxError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        |req: hyper::Request<hyper::body::Incoming>| async move {
                            let _ = req.into_body().collect().await;
                            let mut r =
                                Response::new(Full::new(Bytes::from_static(CREATED.as_bytes())));
                            r.headers_mut().insert(
                                "content-type",
                                "application/json".parse().expect("static"),
                            );
                            Ok::<_, std::convert::Infallible>(r)
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    Ok(addr)
}

fn request(n: u64) -> PaymentRequest {
    PaymentRequest::new(format!("BENCH-{n}"), 100, Currency::Xof, "Order")
        .notify_url("https://shop.example/notify")
        .return_url("https://shop.example/return")
}

fn raw_request(addr: SocketAddr) -> Vec<u8> {
    let body = request(0).to_json("bench-apikey-000000000000", "445160");
    let mut out = format!(
        "POST /v2/payment HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\naccept: application/json\r\nuser-agent: raw\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

/// Reads one response with a Content-Length body from a keep-alive connection.
fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(), BoxError> {
    buf.clear();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end])?.to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .ok_or("no content-length")?
                .trim()
                .parse()?;
            if buf.len() >= end + 4 + len {
                return Ok(());
            }
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err("closed".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Requests per second of `connections` raw blocking keep-alive clients (one thread each).
fn raw(addr: SocketAddr, connections: usize, secs: f64) -> Result<f64, BoxError> {
    let req = Arc::new(raw_request(addr));
    let count = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let (req, count) = (req.clone(), count.clone());
            std::thread::spawn(move || -> Result<(), BoxError> {
                let mut stream = TcpStream::connect(addr)?;
                stream.set_nodelay(true)?;
                let mut buf = Vec::with_capacity(1024);
                while Instant::now() < deadline {
                    stream.write_all(&req)?;
                    read_response(&mut stream, &mut buf)?;
                    count.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    for t in threads {
        t.join().map_err(|_| "raw client thread panicked")??;
    }
    Ok(count.load(Ordering::Relaxed) as f64 / secs)
}

/// Requests per second of `in_flight` concurrent loops of `one` on a single-threaded runtime.
fn async_rate<F, Fut>(in_flight: usize, secs: f64, one: F) -> Result<f64, BoxError>
where
    F: Fn(u64) -> Fut + Clone + 'static,
    Fut: Future<Output = Result<(), BoxError>> + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    let count = std::rc::Rc::new(std::cell::Cell::new(0u64));
    local.block_on(&runtime, async {
        let deadline = Instant::now() + Duration::from_secs_f64(secs);
        let tasks: Vec<_> = (0..in_flight)
            .map(|_| {
                let (one, count) = (one.clone(), count.clone());
                tokio::task::spawn_local(async move {
                    while Instant::now() < deadline {
                        one(count.get()).await?;
                        count.set(count.get() + 1);
                    }
                    Ok::<_, BoxError>(())
                })
            })
            .collect();
        for t in tasks {
            t.await??;
        }
        Ok::<_, BoxError>(())
    })?;
    Ok(count.get() as f64 / secs)
}

fn sdk_client(addr: SocketAddr) -> Result<Client, BoxError> {
    Ok(Client::new(
        ClientConfig::new("bench-apikey-000000000000", "445160").base_url(format!("http://{addr}")),
    )?)
}

fn reqwest_alone(addr: SocketAddr, in_flight: usize, secs: f64) -> Result<f64, BoxError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .tcp_nodelay(true)
        .no_proxy()
        .build()?;
    let url = format!("http://{addr}/v2/payment");
    let body = Bytes::from(request(0).to_json("bench-apikey-000000000000", "445160"));
    async_rate(in_flight, secs, move |_| {
        let (http, url, body) = (http.clone(), url.clone(), body.clone());
        async move {
            let r = http
                .post(url)
                .header("content-type", "application/json")
                .header("user-agent", "r")
                .body(body)
                .send()
                .await?;
            r.bytes().await?;
            Ok(())
        }
    })
}

fn sdk_async(addr: SocketAddr, in_flight: usize, secs: f64) -> Result<f64, BoxError> {
    let client = sdk_client(addr)?;
    async_rate(in_flight, secs, move |n| {
        let client = client.clone();
        async move {
            client.init_payment(&request(n)).await?;
            Ok(())
        }
    })
}

fn sdk_blocking(addr: SocketAddr, secs: f64) -> Result<f64, BoxError> {
    let client = cinetpay::blocking::Client::new(
        ClientConfig::new("bench-apikey-000000000000", "445160").base_url(format!("http://{addr}")),
    )?;
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let mut n = 0u64;
    while Instant::now() < deadline {
        client.init_payment(&request(n))?;
        n += 1;
    }
    Ok(n as f64 / secs)
}

/// `wrk -t1 -cN`, when wrk is installed: requests per second.
fn wrk(addr: SocketAddr, connections: usize, secs: f64) -> Option<f64> {
    let script = std::env::temp_dir().join(format!("cinetpay-bench-{}.lua", std::process::id()));
    let body = String::from_utf8(request(0).to_json("bench-apikey-000000000000", "445160")).ok()?;
    let lua = format!(
        "wrk.method = \"POST\"\nwrk.body = [[{body}]]\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"User-Agent\"] = \"wrk\"\n"
    );
    std::fs::write(&script, lua).ok()?;
    let out = Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{connections}"),
            &format!("-d{}s", secs.ceil() as u64),
            "-s",
        ])
        .arg(&script)
        .arg(format!("http://{addr}/v2/payment"))
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
}

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().collect();
    let secs: f64 = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    if args.iter().any(|a| a == "--serve") {
        let addr = start_server()?;
        println!("listening on http://{addr}");
        loop {
            std::thread::park();
        }
    }
    if let Some(i) = args.iter().position(|a| a == "--wrk") {
        let addr: SocketAddr = args
            .get(i + 1)
            .ok_or("--wrk ADDR CONNECTIONS SECONDS")?
            .parse()?;
        let connections: usize = args
            .get(i + 2)
            .ok_or("--wrk ADDR CONNECTIONS SECONDS")?
            .parse()?;
        let seconds: f64 = args
            .get(i + 3)
            .ok_or("--wrk ADDR CONNECTIONS SECONDS")?
            .parse()?;
        let rate = wrk(addr, connections, seconds).ok_or("wrk is not installed or failed")?;
        println!("{rate}");
        return Ok(());
    }
    let addr = start_server()?;
    // Warm the server and the connection paths once.
    let _ = raw(addr, 1, 0.3)?;

    let raw1 = raw(addr, 1, secs)?;
    let wrk1 = wrk(addr, 1, secs);
    let req1 = reqwest_alone(addr, 1, secs)?;
    let sdk1 = sdk_async(addr, 1, secs)?;
    let blk1 = sdk_blocking(addr, secs)?;
    let raw64 = raw(addr, IN_FLIGHT, secs)?;
    let wrk64 = wrk(addr, IN_FLIGHT, secs);
    let req64 = reqwest_alone(addr, IN_FLIGHT, secs)?;
    let sdk64 = sdk_async(addr, IN_FLIGHT, secs)?;

    let row = |name: &str, rate: f64, base: f64| {
        println!(
            "| {name} | {rate:.0} | {:.1} | {:.2} |",
            1e6 / rate,
            rate / base
        );
    };
    println!("Sequential (one connection), {secs} s each; ratio = rate / raw client's rate\n");
    println!("| client | requests/s | µs/request | ratio |");
    println!("|---|---:|---:|---:|");
    row("raw HTTP/1.1 client (keep-alive, no parsing)", raw1, raw1);
    if let Some(w) = wrk1 {
        row("wrk -t1 -c1", w, raw1);
    }
    row("reqwest alone (same POST, body read)", req1, raw1);
    row("cinetpay::Client (validate + send + decode)", sdk1, raw1);
    row("cinetpay::blocking::Client", blk1, raw1);
    println!("\n{IN_FLIGHT} in flight; ratio = rate / raw clients' rate\n");
    println!("| client | requests/s | µs/request | ratio |");
    println!("|---|---:|---:|---:|");
    row(&format!("raw clients ({IN_FLIGHT} threads)"), raw64, raw64);
    if let Some(w) = wrk64 {
        row(&format!("wrk -t1 -c{IN_FLIGHT}"), w, raw64);
    }
    row("reqwest alone", req64, raw64);
    row("cinetpay::Client", sdk64, raw64);
    Ok(())
}
