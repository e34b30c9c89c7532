//! Seed inputs built from `tests/fixtures/` (the docs' requests and responses, the shared
//! vectors), in each target's input layout, so that fuzzing starts from realistic inputs.
//! `scripts/fuzz` writes them next to the corpus before a run (`seeds` binary), and the
//! replay test runs them through every target.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::{emulator, notification, response, validation, wire};

/// `tests/fixtures/` of this repository.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn read(name: &str) -> Value {
    let path = fixtures_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cases(v: &Value, key: &str) -> Vec<Value> {
    v[key].as_array().cloned().unwrap_or_default()
}

/// `base` with a case's `set` and `unset` applied (validation.json, settings.json, ...).
fn patched(base: &Value, case: &Value) -> Value {
    let mut out = base.clone();
    if let (Some(o), Some(set)) = (out.as_object_mut(), case["set"].as_object()) {
        for (k, v) in set {
            o.insert(k.clone(), v.clone());
        }
    }
    if let (Some(o), Some(unset)) = (out.as_object_mut(), case["unset"].as_array()) {
        for k in unset.iter().filter_map(Value::as_str) {
            o.remove(k);
        }
    }
    out
}

fn bytes(v: &Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

/// Every seed, as (target, name, input).
pub fn all() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut add = |target: &'static str, name: String, data: Vec<u8>| {
        out.push((target, name, data));
    };

    // response: the docs' answers, the check vectors, and the pages the SDK classifies.
    let created = read("responses/created.json");
    let error = read("responses/error.json");
    add(
        "response",
        "created".into(),
        response::input(200, None, &bytes(&created)),
    );
    add(
        "response",
        "error".into(),
        response::input(400, None, &bytes(&error)),
    );
    add(
        "response",
        "error-200".into(),
        response::input(200, None, &bytes(&error)),
    );
    for (i, case) in cases(&read("check-responses.json"), "cases")
        .iter()
        .enumerate()
    {
        let status = case["http_status"].as_u64().unwrap_or(200) as u16;
        add(
            "response",
            format!("check-{i}"),
            response::input(status, None, &bytes(&case["body"])),
        );
    }
    let pages: [(u16, Option<u8>, &str); 7] = [
        (403, None, "error code: 1010"),
        (
            403,
            None,
            "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1></body></html>",
        ),
        (
            400,
            None,
            "<html><head><title>Page 400</title></head><body><h1>Page 400 accès interdit</h1></body></html>",
        ),
        (
            429,
            Some(7),
            r#"{"code":"429","message":"TOO_MANY_REQUEST","description":"slow down"}"#,
        ),
        (429, Some(1), ""),
        (
            502,
            None,
            "<html><body><center><h1>502 Bad Gateway</h1></center></body></html>",
        ),
        (
            400,
            None,
            r#"{"code":"608","message":"MINIMUM_REQUIRED_FIELDS","description":"transaction_id has already been used"}"#,
        ),
    ];
    for (i, (status, wait, body)) in pages.iter().enumerate() {
        add(
            "response",
            format!("page-{i}"),
            response::input(*status, *wait, body.as_bytes()),
        );
    }

    // notification: each vector as a raw body, as a JSON form, and through the bridge.
    let vectors = read("notifications.json");
    let mut all_cases = cases(&vectors, "cases");
    all_cases.extend(cases(&vectors, "forged"));
    all_cases.extend(cases(&vectors, "duplicated"));
    for (i, case) in all_cases.iter().enumerate() {
        let token = case["x_token"].as_str();
        let selector = i as u8;
        if let Some(body) = case["body"].as_str() {
            add(
                "notification",
                format!("body-{i}"),
                notification::input(0, selector, body.as_bytes(), token),
            );
        }
        if case["form"].is_object() {
            add(
                "notification",
                format!("form-{i}"),
                notification::input(1, selector, &bytes(&case["form"]), token),
            );
        }
        for (op, _) in notification::OPERATIONS.iter().enumerate() {
            let mut input = Map::new();
            if let Some(body) = case["body"].as_str() {
                input.insert("body".into(), json!(body));
            } else {
                input.insert("form".into(), case["form"].clone());
            }
            input.insert("x_token".into(), case["x_token"].clone());
            if op == 2 {
                input.insert("expected_amount".into(), json!(2500));
                input.insert("expected_currency".into(), json!("XOF"));
            }
            add(
                "notification",
                format!("bridge-{i}-{op}"),
                notification::input(2, op as u8, &bytes(&Value::Object(input)), None),
            );
        }
    }

    // validation: the docs' payloads, the shared refusals and acceptances, settings, lookups.
    for name in ["docs-axios", "docs-refid12354", "docs-seamless"] {
        let fixture = read(&format!("requests/{name}.json"));
        let key = fixture["client"]["api_key"].as_str().unwrap_or("");
        let client = validation::CLIENTS
            .iter()
            .position(|(k, _)| *k == key)
            .unwrap_or(0) as u8;
        add(
            "validation",
            format!("{name}-payload"),
            validation::input(0, client, &bytes(&fixture["payload"])),
        );
        add(
            "validation",
            format!("{name}-wire"),
            validation::input(0, client, &bytes(&fixture["wire"])),
        );
        // The wire body as the emulator receives it, for its default account.
        let mut wire = fixture["wire"].clone();
        wire["apikey"] = json!(cinetpay_emulator::DEFAULT_API_KEY);
        wire["site_id"] = json!(cinetpay_emulator::DEFAULT_SITE_ID);
        add(
            "emulator",
            format!("init-{name}"),
            emulator::input(0, emulator::JSON_HEADERS, &bytes(&wire)),
        );
    }
    let default_client = (validation::CLIENTS.len() - 1) as u8;
    let shared = read("validation.json");
    add(
        "validation",
        "base".into(),
        validation::input(0, default_client, &bytes(&shared["base"])),
    );
    for (i, case) in cases(&shared, "cases").iter().enumerate() {
        add(
            "validation",
            format!("refused-{i}"),
            validation::input(0, default_client, &bytes(&patched(&shared["base"], case))),
        );
    }
    for (i, case) in cases(&read("accepted.json"), "cases").iter().enumerate() {
        add(
            "validation",
            format!("accepted-{i}"),
            validation::input(0, default_client, &bytes(&patched(&shared["base"], case))),
        );
    }
    let settings = read("settings.json");
    add(
        "validation",
        "settings-base".into(),
        validation::input(1, 0, &bytes(&settings["base"])),
    );
    for (i, case) in cases(&settings, "cases").iter().enumerate() {
        add(
            "validation",
            format!("settings-{i}"),
            validation::input(1, 0, &bytes(&patched(&settings["base"], case))),
        );
    }
    let full = json!({"api_key": "k-0000000000", "site_id": "1", "secret_key": "s3cret-key-00000",
        "base_url": "https://api-checkout.cinetpay.com", "app_info": "shop/1.0", "timeout": 2.5,
        "connect_timeout_ms": 750, "max_retries": 3});
    add(
        "validation",
        "settings-full".into(),
        validation::input(1, 0, &bytes(&full)),
    );
    // ca_certificates: the shared refusals, and the emulator's test authority (fresh keys).
    for (i, case) in cases(&read("tls.json"), "bad_settings").iter().enumerate() {
        let mut v = settings["base"].clone();
        v["ca_certificates"] = case["ca_certificates"].clone();
        add(
            "validation",
            format!("settings-tls-{i}"),
            validation::input(1, 0, &bytes(&v)),
        );
    }
    let dir = std::env::temp_dir().join(format!("cinetpay-fuzz-seeds-{}", std::process::id()));
    if cinetpay_emulator::tls::write_test_certificates(&dir).is_ok()
        && let Ok(pem) = std::fs::read_to_string(dir.join("ca.pem"))
    {
        let mut v = full.clone();
        v["ca_certificates"] = json!(pem);
        add(
            "validation",
            "settings-ca".into(),
            validation::input(1, 0, &bytes(&v)),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    for (i, lookup) in [
        json!({"transaction_id": "ORDER-1"}),
        json!({"token": created["data"]["payment_token"]}),
        json!({"payment_token": "abc", "transaction_id": null}),
    ]
    .iter()
    .enumerate()
    {
        add(
            "validation",
            format!("lookup-{i}"),
            validation::input(2, 0, &bytes(lookup)),
        );
    }

    // emulator: init (above, and the shared base), check, outcome, checkout, queries, faults,
    // and the notification bodies for the urlencoding code.
    let mut base = shared["base"].clone();
    base["apikey"] = json!(cinetpay_emulator::DEFAULT_API_KEY);
    base["site_id"] = json!(cinetpay_emulator::DEFAULT_SITE_ID);
    add(
        "emulator",
        "init-base".into(),
        emulator::input(0, emulator::JSON_HEADERS, &bytes(&base)),
    );
    add(
        "emulator",
        "init-no-user-agent".into(),
        emulator::input(0, 0, &bytes(&base)),
    );
    add(
        "emulator",
        "init-form-content-type".into(),
        emulator::input(0, 1 | 8, &bytes(&base)),
    );
    for (i, case) in cases(&read("api-errors.json"), "cases").iter().enumerate() {
        let mut body = patched(&base, case);
        if let Some(key) = case["client"]["api_key"].as_str() {
            body["apikey"] = json!(key);
        }
        if let Some(site) = case["client"]["site_id"].as_str() {
            body["site_id"] = json!(site);
        }
        add(
            "emulator",
            format!("init-api-error-{i}"),
            emulator::input(0, emulator::JSON_HEADERS, &bytes(&body)),
        );
    }
    let mut t1 = base.clone();
    t1["transaction_id"] = json!("T1");
    add(
        "emulator",
        "init-reused-id".into(),
        emulator::input(0, emulator::JSON_HEADERS, &bytes(&t1)),
    );
    let auth = |extra: Value| {
        let mut v = json!({"apikey": cinetpay_emulator::DEFAULT_API_KEY,
            "site_id": cinetpay_emulator::DEFAULT_SITE_ID});
        if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
            o.extend(e);
        }
        v
    };
    for (i, body) in [
        auth(json!({"transaction_id": "T1"})),
        auth(json!({"token": "unknown"})),
        auth(json!({})),
        json!({"apikey": "unknown", "site_id": "1", "transaction_id": "T1"}),
    ]
    .iter()
    .enumerate()
    {
        add(
            "emulator",
            format!("check-{i}"),
            emulator::input(1, emulator::JSON_HEADERS, &bytes(body)),
        );
    }
    for (i, body) in [
        json!({"transaction_id": "T1", "outcome": "accept"}),
        json!({"transaction_id": "T1", "site_id": cinetpay_emulator::DEFAULT_SITE_ID, "outcome": "pending"}),
        json!({"token": "unknown", "outcome": "cancel"}),
        json!({"transaction_id": "T1", "outcome": "paid"}),
    ]
    .iter()
    .enumerate()
    {
        add("emulator", format!("outcome-{i}"), emulator::input(2, 0, &bytes(body)));
    }
    for (i, body) in [
        "outcome=accept",
        "outcome=refuse&x=1",
        "outcome=%3Cpay%3E",
        "outcome=pending",
    ]
    .iter()
    .enumerate()
    {
        add(
            "emulator",
            format!("checkout-{i}"),
            emulator::input(3, 0, body.as_bytes()),
        );
    }
    let site = cinetpay_emulator::DEFAULT_SITE_ID;
    add(
        "emulator",
        "inspect".into(),
        emulator::input(4, 0, format!("site_id={site}&transaction_id=T1").as_bytes()),
    );
    add(
        "emulator",
        "notifications".into(),
        emulator::input(5, 0, b"transaction_id=T1"),
    );
    for (i, case) in cases(&vectors, "cases").iter().enumerate() {
        if let Some(body) = case["body"].as_str() {
            add(
                "emulator",
                format!("form-{i}"),
                emulator::input(6, 0, body.as_bytes()),
            );
        }
    }
    add(
        "emulator",
        "form-pair".into(),
        emulator::input(6, 0, "cpm_designation\0Café crème & co".as_bytes()),
    );
    for (i, case) in cases(&read("faults.json"), "cases").iter().enumerate() {
        add(
            "emulator",
            format!("faults-{i}"),
            emulator::input(7, 0, &bytes(&case["fault"])),
        );
    }
    add(
        "emulator",
        "faults-clear".into(),
        emulator::input(7, 1, b""),
    );
    // wire: the docs' answer framed each way the SDK reads (not from fixtures: framing is the
    // transport's, the fixtures hold bodies).
    for (name, data) in wire::seeds() {
        add("wire", name, data);
    }
    out
}
