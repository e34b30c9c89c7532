//! The `cinetpay-emulator` binary, as other languages' test suites start it.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

#[test]
fn prints_its_address_serves_and_masks_the_apikey_in_its_log() {
    let apikey = "flag-account-apikey-00000009";
    let mut child = Command::new(env!("CARGO_BIN_EXE_cinetpay-emulator"))
        .args(["--port", "0", "--account", &format!("{apikey}:9:sec:XAF")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("cinetpay-emulator listening on ")
        .unwrap()
        .to_owned();
    let addr = url.strip_prefix("http://").unwrap();

    let body = format!(
        r#"{{"apikey":"{apikey}","site_id":"9","transaction_id":"B-1","amount":500,"currency":"XAF","description":"x","notify_url":"https://a.example/n","return_url":"https://a.example/r"}}"#
    );
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /v2/payment HTTP/1.1\r\nhost: {addr}\r\nuser-agent: t\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.contains(r#""code":"201""#), "{answer}");
    assert!(answer.contains(&format!("{url}/payment/")), "{answer}");

    child.kill().unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let _ = child.wait();
    assert!(
        log.contains("POST /v2/payment 200 201 apikey=****0009"),
        "{log}"
    );
    assert!(!log.contains(apikey), "{log}");
}

#[test]
fn bad_flags_print_usage_and_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_cinetpay-emulator"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: cinetpay-emulator"));
}

#[test]
fn help_prints_the_usage_on_stdout_and_succeeds() {
    for flag in ["--help", "-h"] {
        let out = Command::new(env!("CARGO_BIN_EXE_cinetpay-emulator"))
            .arg(flag)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{flag}");
        let usage = String::from_utf8_lossy(&out.stdout);
        assert!(usage.starts_with("usage: cinetpay-emulator"), "{usage}");
        // What the usage line used to leave out.
        for taken in [
            "--tls-cert FILE --tls-key FILE",
            "--init-delay-ms",
            "tls-certs DIR",
        ] {
            assert!(usage.contains(taken), "{taken} missing from {usage}");
        }
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn tls_certs_takes_no_flag_for_a_directory() {
    let dir = std::env::temp_dir().join(format!("emulator-certs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cinetpay-emulator"))
        .args(["tls-certs", "--help"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tls-certs needs a directory"));
    assert!(!dir.join("--help").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_inspection_endpoint_shows_what_was_received() {
    let emulator = cinetpay_emulator::Emulator::start(Default::default()).unwrap();
    let addr = emulator.addr();
    let get = |path: &str| {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    assert!(
        get("/_emulator/transaction?site_id=445160&transaction_id=NOPE")
            .starts_with("HTTP/1.1 404")
    );
    assert!(get("/_emulator/transaction").starts_with("HTTP/1.1 400"));
    // The stats count every request on the API's paths, refused ones included.
    assert!(get("/_emulator/stats").ends_with(r#"{"api_requests":0,"transactions":0}"#));
    assert!(get("/v2/payment").starts_with("HTTP/1.1 405"));
    assert!(get("/v2/nope").starts_with("HTTP/1.1 404"));
    // The base URL, opened in a browser, says what it is.
    let index = get("/");
    assert!(index.starts_with("HTTP/1.1 200"), "{index}");
    assert!(index.contains("POST /v2/payment "), "{index}");
    assert!(get("/_emulator/stats").ends_with(r#"{"api_requests":2,"transactions":0}"#));
}
