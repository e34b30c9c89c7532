//! TLS against the emulator serving HTTPS with the test authority (`tests/fixtures/tls.json`):
//! the client trusts that authority only when `ca_certificates` says so, and an unknown
//! authority, an expired certificate or another host's certificate is a `tls` error, before
//! anything is sent.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use std::path::PathBuf;

use cinetpay::{ErrorCode, bridge};
use cinetpay_emulator::{Config, DEFAULT_API_KEY, DEFAULT_SITE_ID, Emulator};
use serde_json::json;

fn certificates() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cinetpay-tls-test-{}", std::process::id()));
    cinetpay_emulator::tls::write_test_certificates(&dir).unwrap();
    dir
}

fn serving(dir: &std::path::Path, name: &str) -> Emulator {
    Emulator::start(Config {
        tls_cert_file: Some(dir.join(format!("{name}.pem")).display().to_string()),
        tls_key_file: Some(dir.join(format!("{name}.key")).display().to_string()),
        ..Config::default()
    })
    .unwrap()
}

fn settings(url: &str, ca: Option<&str>) -> serde_json::Value {
    json!({
        "api_key": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "base_url": url,
        "ca_certificates": ca, "max_retries": 0,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tls_cases() {
    let fixture = support::fixture("tls.json");
    let dir = certificates();
    let ca = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
    let servers: HashMap<&str, Emulator> = ["good", "expired", "wrong-host"]
        .into_iter()
        .map(|name| (name, serving(&dir, name)))
        .collect();
    for (i, case) in fixture["cases"].as_array().unwrap().iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let emulator = &servers[case["server"].as_str().unwrap()];
        assert!(emulator.url().starts_with("https://"), "{}", emulator.url());
        let trust = case["trust_ca"].as_bool().unwrap().then_some(ca.as_str());
        let client = bridge::client_from_settings(&settings(emulator.url(), trust), false).unwrap();
        let before = emulator.api_requests();
        let payment = json!({
            "transaction_id": format!("RS-TLS-{i}"), "amount": 100, "currency": "XOF",
            "description": "Commande", "notify_url": "https://shop.example/notify",
            "return_url": "https://shop.example/return",
        });
        let result = bridge::prepare(&client, "init_payment", &payment)
            .unwrap()
            .send(&client)
            .await;
        match case["expect"].as_str().unwrap() {
            "ok" => {
                let link = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(
                    link["payment_url"]
                        .as_str()
                        .unwrap()
                        .starts_with(emulator.url())
                );
            }
            "tls" => {
                let e = result.expect_err(name);
                assert_eq!(e.code(), ErrorCode::Tls, "{name}: {e}");
                assert_eq!(e.request_sent(), Some(false), "{name}");
                assert!(e.message().contains("127.0.0.1"), "{name}: {e}");
                assert!(e.hint().unwrap().contains("ca_certificates"), "{name}");
                assert_eq!(
                    emulator.api_requests(),
                    before,
                    "{name}: something was sent"
                );
            }
            other => panic!("unknown expectation {other}"),
        }
    }
    for bad in fixture["bad_settings"].as_array().unwrap() {
        let pem = bad["ca_certificates"].as_str().unwrap();
        let e = bridge::client_from_settings(&settings("https://127.0.0.1:1", Some(pem)), false)
            .expect_err(bad["name"].as_str().unwrap());
        assert_eq!(e.code(), ErrorCode::Validation);
        assert_eq!(e.field(), bad["field"].as_str(), "{e}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// The answer the dribbling server below encrypts: a created payment.
const CREATED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 120\r\n\r\n{\"code\":\"201\",\"message\":\"CREATED\",\"data\":{\"payment_token\":\"tok\",\"payment_url\":\"https://checkout.example/p/tok\"}}        ";

/// A TLS answer dribbled a byte every 50 ms: each read of the socket gets its byte well within
/// any read timeout, yet the call must end at its `timeout`. One read of a TLS stream reads the
/// socket as often as a record needs, so every one of those reads is bounded by the attempt's
/// deadline, not only the first. (Bounded only before each stream read, this call succeeded
/// after the whole record had come, some 10 s later.)
#[test]
fn a_dribbled_tls_answer_ends_at_the_attempts_deadline() {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let dir = std::env::temp_dir().join(format!("cinetpay-tls-dribble-{}", std::process::id()));
    cinetpay_emulator::tls::write_test_certificates(&dir).unwrap();
    let certs = CertificateDer::pem_file_iter(dir.join("good.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("good.key")).unwrap();
    let ca = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        let mut tls = rustls::ServerConnection::new(config).unwrap();
        let mut request = [0u8; 4096];
        let _ = rustls::Stream::new(&mut tls, &mut tcp).read(&mut request);
        tls.writer().write_all(CREATED).unwrap();
        let mut records = Vec::new();
        while tls.wants_write() {
            tls.write_tls(&mut records).unwrap();
        }
        for byte in records {
            std::thread::sleep(Duration::from_millis(50));
            if tcp.write_all(&[byte]).is_err() {
                break;
            }
        }
    });
    let mut settings = settings(&url, Some(&ca));
    settings["timeout"] = json!(1);
    let client = bridge::client_from_settings(&settings, false).unwrap();
    let payment = json!({
        "transaction_id": "RS-TLS-DRIBBLE", "amount": 100, "currency": "XOF",
        "description": "Commande", "notify_url": "https://shop.example/notify",
        "return_url": "https://shop.example/return",
    });
    let started = Instant::now();
    let e = bridge::call_blocking(&client, "init_payment", &payment).expect_err("a timeout");
    let took = started.elapsed();
    assert_eq!(e.code(), ErrorCode::Timeout, "{e}");
    // A behaviour bound, not a speed one: the deadline is 1 s, the whole answer 10 s away.
    assert!(took < Duration::from_secs(4), "the call took {took:?}");
    drop(client);
    server.join().unwrap();
}
