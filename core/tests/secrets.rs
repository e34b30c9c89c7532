//! The local error paths with recognisable keys (issue 14, Secrets): every settings case of
//! `tests/fixtures/settings.json`, every validation case of `validation.json`, a payload whose
//! apikey differs from the client's, forged and unsigned notifications, a missing secret key, a
//! refused connection, and the client's and config's Debug. Neither key may show in any error's
//! Display, Debug or JSON form. (The network and API paths are the fault matrix's, in every
//! language: `tests/fixtures/faults.json`.)
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use cinetpay::{Error, bridge};
use serde_json::{Value, json};

const API_KEY: &str = "cpk-SECRET-APIKEY-local-7a6b5c4d3e2f";
const SECRET_KEY: &str = "cps-SECRET-KEY-local-0f1e2d3c4b5a";

fn assert_hidden(what: &str, e: &Error) {
    let shown = format!("{e} {e:?} {}", e.to_json());
    for key in [API_KEY, SECRET_KEY] {
        assert!(!shown.contains(key), "{what}: a key shows in {shown}");
    }
}

fn settings(overrides: &Value) -> Value {
    let mut s = json!({
        "api_key": API_KEY, "site_id": "445160", "secret_key": SECRET_KEY,
        "base_url": "http://127.0.0.1:9", "max_retries": 0,
    });
    for (k, v) in overrides.as_object().unwrap() {
        s[k] = v.clone();
    }
    s
}

#[tokio::test]
async fn no_local_error_shows_a_key() {
    let cases = support::fixture("settings.json");
    for case in cases["cases"].as_array().unwrap() {
        let mut s = settings(case.get("set").unwrap_or(&json!({})));
        for key in case
            .get("unset")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            s.as_object_mut().unwrap().remove(key.as_str().unwrap());
        }
        if let Err(e) = bridge::client_from_settings(&s, false) {
            assert_hidden(case["name"].as_str().unwrap(), &e);
        }
    }
    // A bad setting next to the keys, where a careless message would quote the whole object.
    for bad in [
        json!({"timeout": "soon"}),
        json!({"base_url": format!("https://{API_KEY}@example.com")}),
        json!({"ca_certificates": SECRET_KEY}),
    ] {
        let e = bridge::client_from_settings(&settings(&bad), false).expect_err("refused");
        assert_hidden(&bad.to_string(), &e);
    }

    let client = bridge::client_from_settings(&settings(&json!({})), false).unwrap();
    let shown = format!("{client:?} {:?}", client.config());
    assert!(
        !shown.contains(API_KEY) && !shown.contains(SECRET_KEY),
        "{shown}"
    );

    let validation = support::fixture("validation.json");
    let base = validation["base"].clone();
    for case in validation["cases"].as_array().unwrap() {
        let mut payload = base.clone();
        for (k, v) in case
            .get("set")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            payload[k] = v.clone();
        }
        if let Err(e) = bridge::prepare(&client, "init_payment", &payload) {
            assert_hidden(case["name"].as_str().unwrap(), &e);
        }
    }
    let mut foreign = base.clone();
    foreign["apikey"] = format!("{API_KEY}-other").into();
    let e = bridge::prepare(&client, "init_payment", &foreign).expect_err("another apikey");
    assert_hidden("a payload with another apikey", &e);

    let form = json!({"cpm_site_id": "445160", "cpm_trans_id": "T-1", "cpm_amount": "100"});
    for (what, token) in [("forged", Some("0".repeat(64))), ("unsigned", None)] {
        let input = json!({ "form": form, "x_token": token });
        let e = bridge::prepare(&client, "verify_notification", &input).expect_err(what);
        assert_hidden(what, &e);
    }
    let keyless = bridge::client_from_settings(
        &json!({"api_key": API_KEY, "site_id": "445160", "base_url": "http://127.0.0.1:9"}),
        false,
    )
    .unwrap();
    let input = json!({ "form": form, "x_token": "0".repeat(64) });
    let e = bridge::prepare(&keyless, "verify_notification", &input).expect_err("no secret key");
    assert_hidden("no secret key", &e);

    let e = bridge::prepare(&client, "init_payment", &base)
        .unwrap()
        .send(&client)
        .await
        .expect_err("nothing listens on port 9");
    assert_hidden("a refused connection", &e);
}
