//! The shared fixtures in `tests/fixtures/`, the same vectors every binding is held to.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use cinetpay::response::decode_payment_response;
use cinetpay::{Client, ClientConfig, ErrorCode, PaymentPayload};
use cinetpay_emulator::{Config, Emulator};
use serde_json::Value;
use support::{closed_port, config, fixture};

fn patched(base: &Value, case: &Value) -> Value {
    let mut payload = base.clone();
    let obj = payload.as_object_mut().unwrap();
    if let Some(set) = case["set"].as_object() {
        for (k, v) in set {
            obj.insert(k.clone(), v.clone());
        }
    }
    for key in case["unset"].as_array().into_iter().flatten() {
        obj.remove(key.as_str().unwrap());
    }
    payload
}

/// The docs' request examples: (file name, vector, the vector's client api_key and site_id).
fn docs_vectors() -> impl Iterator<Item = (&'static str, Value, String, String)> {
    [
        "requests/docs-axios.json",
        "requests/docs-refid12354.json",
        "requests/docs-seamless.json",
    ]
    .into_iter()
    .map(|name| {
        let v = fixture(name);
        let api_key = v["client"]["api_key"].as_str().unwrap().to_owned();
        let site_id = v["client"]["site_id"].as_str().unwrap().to_owned();
        (name, v, api_key, site_id)
    })
}

/// The fixtures keep what the docs print apart from what this project decided: a wire value that
/// differs from the docs' payload must be labelled in the vector's `project_decisions`.
#[test]
fn every_difference_from_the_docs_is_labelled_as_a_project_decision() {
    for (name, v, _, _) in docs_vectors() {
        let (payload, wire) = (
            v["payload"].as_object().unwrap(),
            v["wire"].as_object().unwrap(),
        );
        let decisions = v["project_decisions"].as_object();
        let labelled = |key: &str| decisions.is_some_and(|d| d.contains_key(key));
        for key in payload.keys().chain(wire.keys()) {
            if payload.get(key) != wire.get(key) {
                assert!(
                    labelled(&format!("wire.{key}")) || labelled(&format!("payload.{key}")),
                    "{name}: `{key}` differs between the docs' payload and the wire; label it \
                     in project_decisions"
                );
            }
        }
    }
    let errors = fixture("api-errors.json");
    assert!(
        errors["project_decisions"]["http_status"].is_string(),
        "api-errors.json: the HTTP status is the emulator's choice and must say so"
    );
}

#[test]
fn every_docs_example_validates_and_serializes_exactly() {
    for (name, v, api_key, site_id) in docs_vectors() {
        let (api_key, site_id) = (api_key.as_str(), site_id.as_str());
        let payload =
            PaymentPayload::from_value(&v["payload"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        payload
            .request
            .validate()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let client = Client::new(ClientConfig::new(api_key, site_id)).unwrap();
        client
            .check_payload_credentials(&payload)
            .unwrap_or_else(|e| panic!("{name}: {e}"));

        let body = payload.request.to_json(api_key, site_id);
        let wire: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(wire, v["wire"], "{name}");
        assert!(
            !String::from_utf8(body).unwrap().contains("null"),
            "{name}: absent fields are omitted"
        );
        if let Some(order) = v.get("invoice_order") {
            let keys: Vec<&str> = wire["invoice_data"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let expected: Vec<&str> = order
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap())
                .collect();
            assert_eq!(
                keys, expected,
                "{name}: invoice_data keeps the merchant's order"
            );
        }
    }
}

#[test]
fn documented_responses_decode() {
    let created = serde_json::to_vec(&fixture("responses/created.json")).unwrap();
    let link = decode_payment_response(200, None, &created).unwrap();
    assert!(link.payment_url.ends_with(&link.payment_token));
    assert_eq!(link.api_response_id.as_deref(), Some("1632143554.8513"));

    let error = serde_json::to_vec(&fixture("responses/error.json")).unwrap();
    let e = decode_payment_response(200, None, &error).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ApiError);
    assert_eq!(e.api_code(), Some("ERROR_CODE"));
    assert_eq!(e.description(), Some("ERROR_DESCRIPTION"));
    assert_eq!(e.api_response_id(), Some("RESPONSE_ID_HERE"));
    assert_eq!(e.http_status(), Some(200));
}

#[tokio::test]
async fn validation_cases_fail_before_any_network_call() {
    let v = fixture("validation.json");
    // Nothing listens there: a request that slipped through would be a network error instead.
    let client =
        Client::new(config(&format!("http://127.0.0.1:{}", closed_port())).max_retries(0)).unwrap();
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let payload = patched(&v["base"], case);
        let e = match PaymentPayload::from_value(&payload) {
            Err(e) => e,
            Ok(p) => client.init_payment_payload(&p).await.unwrap_err(),
        };
        refused_as_the_case_says(&e, case);
        assert_eq!(e.request_sent(), Some(false), "{name}");
    }
}

/// A validation.json case's error: `validation_error`, its field, its message.
fn refused_as_the_case_says(e: &cinetpay::Error, case: &Value) {
    let name = case["name"].as_str().unwrap();
    assert_eq!(e.code(), ErrorCode::Validation, "{name}: {e}");
    assert_eq!(e.field(), case["field"].as_str(), "{name}: {e}");
    let needle = case["message_contains"].as_str().unwrap();
    assert!(
        e.message().contains(needle),
        "{name}: {:?} lacks {needle:?}",
        e.message()
    );
}

/// accepted.json: what people type and the docs allow is sent exactly as given.
#[tokio::test]
async fn accepted_cases_are_sent_as_given() {
    let v = fixture("accepted.json");
    let base = &fixture("validation.json")["base"];
    let emulator = Emulator::start(Config::default()).unwrap();
    let client = Client::new(config(emulator.url())).unwrap();
    for (i, case) in v["cases"].as_array().unwrap().iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let mut payload = patched(base, case);
        let tx = format!("RS-ACCEPTED-{i}");
        payload["transaction_id"] = Value::from(tx.clone());
        let payload =
            PaymentPayload::from_value(&payload).unwrap_or_else(|e| panic!("{name}: {e}"));
        client
            .init_payment_payload(&payload)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let stored = emulator
            .transaction(cinetpay_emulator::DEFAULT_SITE_ID, &tx)
            .unwrap();
        for (key, value) in case["set"].as_object().unwrap() {
            assert_eq!(&stored.request[key], value, "{name}: {key}");
        }
    }
}

/// settings.json: a bad client setting is the same validation error in every language.
#[test]
fn settings_cases_are_refused_naming_the_setting() {
    let v = fixture("settings.json");
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let e = cinetpay::bridge::client_from_settings(&patched(&v["base"], case), false)
            .expect_err(name);
        assert_eq!(e.code(), ErrorCode::Validation, "{name}: {e}");
        assert_eq!(e.field(), case["field"].as_str(), "{name}: {e}");
        let needle = case["message_contains"].as_str().unwrap();
        assert!(e.message().contains(needle), "{name}: {e}");
    }
    cinetpay::bridge::client_from_settings(&v["base"], false).expect("the base is valid");
}

/// notifications.json: tokens computed with Python's hmac verify and sign alike here.
#[test]
fn notification_tokens_computed_independently_verify_and_sign() {
    use cinetpay::bridge::prepare;
    let v = fixture("notifications.json");
    let fields: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(fields, cinetpay::notification::NOTIFICATION_FIELDS);
    let client =
        Client::new(config("http://127.0.0.1:9").secret_key(v["secret_key"].as_str().unwrap()))
            .unwrap();
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        for input in [
            serde_json::json!({"form": case["form"], "x_token": case["x_token"]}),
            serde_json::json!({"body": case["body"], "x_token": case["x_token"]}),
        ] {
            let verified = prepare(&client, "verify_notification", &input)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                verified.ready().unwrap()["cpm_trans_id"],
                case["form"]["cpm_trans_id"],
                "{name}"
            );
        }
        let signed = prepare(
            &client,
            "sign_notification",
            &serde_json::json!({"form": case["form"]}),
        )
        .unwrap();
        assert_eq!(
            signed.ready().unwrap()["x_token"],
            case["x_token"],
            "{name}"
        );
    }
    for case in v["forged"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let input = serde_json::json!({"form": case["form"], "x_token": case["x_token"]});
        let e = prepare(&client, "verify_notification", &input).expect_err(name);
        assert_eq!(e.code(), ErrorCode::InvalidNotification, "{name}");
    }
    for case in v["duplicated"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let input = serde_json::json!({"body": case["body"], "x_token": case["x_token"]});
        let e = prepare(&client, "verify_notification", &input).expect_err(name);
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::Validation, case["field"].as_str()),
            "{name}"
        );
    }
}

#[tokio::test]
async fn api_error_cases_against_the_emulator() {
    let emulator = Emulator::start(Config::default()).unwrap();
    let v = fixture("api-errors.json");
    let base = fixture("validation.json")["base"].clone();
    for (i, case) in v["cases"].as_array().unwrap().iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let mut cfg = config(emulator.url());
        if let Some(k) = case["client"]["api_key"].as_str() {
            cfg.api_key = k.into();
        }
        if let Some(s) = case["client"]["site_id"].as_str() {
            cfg.site_id = s.to_owned();
        }
        let client = Client::new(cfg).unwrap();
        let mut payload = patched(&base, case);
        payload["transaction_id"] = Value::from(format!("API-ERR-{i}"));
        let payload = PaymentPayload::from_value(&payload).unwrap();
        if case["repeat"].as_bool() == Some(true) {
            client
                .init_payment_payload(&payload)
                .await
                .unwrap_or_else(|e| panic!("{name}: first: {e}"));
        }
        let e = client.init_payment_payload(&payload).await.unwrap_err();
        assert_eq!(
            e.code().as_str(),
            case["code"].as_str().unwrap(),
            "{name}: {e}"
        );
        assert_eq!(e.api_code(), case["api_code"].as_str(), "{name}");
        assert_eq!(
            e.http_status().map(u64::from),
            case["http_status"].as_u64(),
            "{name}"
        );
        assert!(e.api_response_id().is_some(), "{name}");
        assert!(e.hint().is_some(), "{name}");
        if let Some(needle) = case["description_contains"].as_str() {
            assert!(
                e.description().unwrap_or("").contains(needle),
                "{name}: {e}"
            );
        }
        assert!(
            !e.to_string().contains(cinetpay_emulator::DEFAULT_API_KEY),
            "{name}: key leaked"
        );
    }
}

#[tokio::test]
async fn every_docs_example_is_created_by_the_emulator_as_serialized() {
    let accounts = serde_json::to_string(&fixture("emulator-docs-accounts.json")).unwrap();
    let emulator = Emulator::start(Config::from_json(&accounts).unwrap()).unwrap();
    for (name, v, api_key, site_id) in docs_vectors() {
        let site_id = site_id.as_str();
        let client =
            Client::new(ClientConfig::new(api_key, site_id).base_url(emulator.url())).unwrap();
        let payload = PaymentPayload::from_value(&v["payload"]).unwrap();
        client
            .init_payment_payload(&payload)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let stored = emulator
            .transaction(site_id, payload.request.transaction_id.as_str())
            .unwrap();
        assert_eq!(stored.request, v["wire"], "{name}");
    }
}

/// seamless.json: the docs' Seamless example gives exactly the objects of setConfig and
/// getCheckout, through the bridge every binding uses.
#[test]
fn seamless_checkout_gives_the_docs_objects() {
    let v = fixture("seamless.json");
    let docs = &v["docs_example"];
    let client = Client::new(ClientConfig::new(
        docs["client"]["api_key"].as_str().unwrap(),
        docs["client"]["site_id"].as_str().unwrap(),
    ))
    .unwrap();
    let got =
        cinetpay::bridge::call_blocking(&client, "seamless_checkout", &docs["payload"]).unwrap();
    assert_eq!(got, docs["result"]);
    // serde_json's map equality ignores order: the page receives the keys in this order.
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    for part in ["set_config", "get_checkout"] {
        assert_eq!(keys(&got[part]), keys(&docs["result"][part]), "{part}");
    }

    let emu = &v["emulator"];
    let client = Client::new(config(emu["base_url"].as_str().unwrap())).unwrap();
    let got =
        cinetpay::bridge::call_blocking(&client, "seamless_checkout", &emu["payload"]).unwrap();
    assert_eq!(got["script_url"], emu["result"]["script_url"]);
    assert_eq!(got["get_checkout"], emu["result"]["get_checkout"]);
    for key in ["notify_url", "mode"] {
        assert_eq!(
            got["set_config"][key], emu["result"]["set_config"][key],
            "{key}"
        );
    }
    assert_eq!(
        got["set_config"]["apikey"],
        client.config().api_key.expose(),
        "the page needs the client's apikey"
    );
    assert_eq!(
        got["set_config"]["site_id"],
        client.config().site_id.as_str()
    );
}

/// Every case of validation.json fails seamless_checkout as it fails init_payment: same code,
/// same field, nothing sent (nothing listens at the client's base URL).
#[test]
fn seamless_checkout_refuses_what_init_refuses() {
    let v = fixture("validation.json");
    let client =
        Client::new(config(&format!("http://127.0.0.1:{}", closed_port())).max_retries(0)).unwrap();
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let payload = patched(&v["base"], case);
        let e = cinetpay::bridge::call_blocking(&client, "seamless_checkout", &payload)
            .expect_err(name);
        refused_as_the_case_says(&e, case);
    }
    // The one difference: Seamless has no redirect back, so return_url may be absent.
    let mut payload = v["base"].clone();
    payload.as_object_mut().unwrap().remove("return_url");
    let got = cinetpay::bridge::call_blocking(&client, "seamless_checkout", &payload).unwrap();
    assert!(got["get_checkout"].get("return_url").is_none());
    // Blank counts as absent, as null does.
    for blank in ["", "  "] {
        let mut blank_payload = payload.clone();
        blank_payload["return_url"] = blank.into();
        let got =
            cinetpay::bridge::call_blocking(&client, "seamless_checkout", &blank_payload).unwrap();
        assert!(got["get_checkout"].get("return_url").is_none(), "{blank:?}");
    }
    let e = PaymentPayload::from_value(&payload).unwrap_err();
    assert_eq!(e.field(), Some("return_url"), "init_payment still needs it");
}
