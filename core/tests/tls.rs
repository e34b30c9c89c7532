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
