//! The fault matrix (`tests/fixtures/faults.json`) for the Rust client, through the bridge every
//! binding uses: each fault the emulator injects ends as the fixture says, in time, with the
//! number of attempts it says (an initialisation is never retried after it was sent), and no
//! error or result shows the account's keys.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use cinetpay::bridge;
use cinetpay_emulator::fault::Rule;
use cinetpay_emulator::{Account, Config, Emulator};
use serde_json::{Value, json};

fn path(operation: &str) -> &'static str {
    match operation {
        "init_payment" => "/v2/payment",
        "check_payment" => "/v2/payment/check",
        other => panic!("no path for {other}"),
    }
}

fn payment(id: &str) -> Value {
    json!({
        "transaction_id": id, "amount": 100, "currency": "XOF", "description": "Commande",
        "notify_url": "https://shop.example/notify", "return_url": "https://shop.example/return",
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_ends_as_the_matrix_says() {
    let matrix = support::fixture("faults.json");
    let account = &matrix["account"];
    let key = |k: &str| account[k].as_str().unwrap().to_owned();
    let (api_key, secret_key) = (key("api_key"), key("secret_key"));
    let spec = format!("{api_key}:{}:{secret_key}:XOF", key("site_id"));
    let emulator = Emulator::start(Config {
        accounts: vec![Account::parse(&spec).unwrap()],
        ..Config::default()
    })
    .unwrap();
    let mut settings = matrix["settings"].clone();
    settings["api_key"] = api_key.clone().into();
    settings["site_id"] = key("site_id").into();
    settings["secret_key"] = secret_key.clone().into();
    settings["base_url"] = emulator.url().into();
    let client = bridge::client_from_settings(&settings, false).unwrap();
    let mut failures = Vec::new();

    for (i, case) in matrix["cases"].as_array().unwrap().iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let operation = case["operation"].as_str().unwrap();
        let id = format!("RS-FAULT-{i}-{}", fastrand::u32(..));
        emulator.faults().clear();
        let input = if operation == "check_payment" {
            let created = bridge::prepare(&client, "init_payment", &payment(&id)).unwrap();
            created.send(&client).await.unwrap();
            json!({ "transaction_id": id })
        } else {
            payment(&id)
        };
        let mut rule = case["fault"].clone();
        rule["path"] = path(operation).into();
        emulator
            .faults()
            .add(serde_json::from_value::<Rule>(rule).unwrap());
        let before = emulator.api_requests();
        let started = Instant::now();
        let result = bridge::prepare(&client, operation, &input)
            .unwrap()
            .send(&client)
            .await;
        let elapsed = started.elapsed();
        let attempts = emulator.api_requests() - before;

        let expect = &case["expect"];
        let mut wrong = Vec::new();
        // Everything a merchant could print or log about the outcome.
        let shown = match &result {
            Ok(value) => value.to_string(),
            Err(e) => format!("{e} {e:?} {}", e.to_json()),
        };
        if shown.contains(&api_key) || shown.contains(&secret_key) {
            wrong.push(format!("a key shows in {shown}"));
        }
        match (&result, expect["ok"].as_bool().unwrap()) {
            (Ok(value), true) => {
                if operation == "check_payment" && value["code"] != "662" {
                    wrong.push(format!("the check reported {value}"));
                }
            }
            (Ok(value), false) => wrong.push(format!("succeeded: {value}")),
            (Err(e), true) => wrong.push(format!("failed: {e}")),
            (Err(e), false) => {
                if e.code().as_str() != expect["code"] {
                    wrong.push(format!("code {} ({e})", e.code().as_str()));
                }
                if e.request_sent() != expect["request_sent"].as_bool() {
                    wrong.push(format!("request_sent {:?}", e.request_sent()));
                }
            }
        }
        if attempts != expect["attempts"].as_u64().unwrap() {
            wrong.push(format!("{attempts} attempts"));
        }
        let within = Duration::from_millis(case["within_ms"].as_u64().unwrap());
        if elapsed > within {
            wrong.push(format!("took {elapsed:?}, more than {within:?}"));
        }
        if !wrong.is_empty() {
            failures.push(format!("{name}: {}", wrong.join("; ")));
        }
    }
    emulator.faults().clear();
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        matrix["cases"].as_array().unwrap().len(),
        failures.join("\n")
    );
}
