//! The payment lifecycle against the emulator: check, notifications, the handler flow, and what
//! a merchant learns after an initialisation that timed out.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use cinetpay::{
    Client, Currency, ErrorCode, Expected, NotificationForm, Outcome, PaymentLookup,
    PaymentRequest, PaymentState,
};
use cinetpay_emulator::{Config, DEFAULT_SECRET_KEY, DEFAULT_SITE_ID, Emulator};
use serde_json::{Map, Value};
use support::config;

fn request(id: &str) -> PaymentRequest {
    PaymentRequest::new(id, 100, Currency::Xof, "Commande")
        // The emulator records what it would deliver even where it cannot (https).
        .notify_url("https://shop.example/notify")
        .return_url("https://shop.example/return")
}

fn client(emulator: &Emulator) -> Client {
    Client::new(config(emulator.url()).secret_key(DEFAULT_SECRET_KEY)).unwrap()
}

/// The n-th notification POST the emulator made for `id`: its form and x-token.
async fn notification(emulator: &Emulator, id: &str, n: usize) -> (NotificationForm, String) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let posts: Vec<_> = emulator
            .notifications(DEFAULT_SITE_ID, id)
            .into_iter()
            .filter(|d| d.x_token.is_some())
            .collect();
        if let Some(d) = posts.get(n) {
            let fields: Map<String, Value> = d
                .form
                .clone()
                .unwrap()
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            let form = NotificationForm::from_value(&Value::Object(fields)).unwrap();
            return (form, d.x_token.clone().unwrap());
        }
        assert!(Instant::now() < deadline, "no notification {n} for {id}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_payment_from_creation_to_paid() {
    let emulator = Emulator::start(Config::default()).unwrap();
    let client = client(&emulator);
    let link = client.init_payment(&request("LC-1")).await.unwrap();
    let waiting = client
        .check_payment(&PaymentLookup::TransactionId("LC-1".into()))
        .await
        .unwrap();
    assert_eq!(waiting.status, PaymentState::WaitingForCustomer);
    assert!(!waiting.is_final() && !waiting.is_paid());

    emulator
        .set_outcome(DEFAULT_SITE_ID, "LC-1", "accept".parse().unwrap())
        .unwrap();
    let paid = client
        .check_payment(&PaymentLookup::Token(link.payment_token))
        .await
        .unwrap();
    assert!(paid.is_paid() && paid.is_final());
    assert_eq!(
        (paid.amount, paid.currency.as_deref()),
        (Some(100), Some("XOF"))
    );

    let (form, token) = notification(&emulator, "LC-1", 0).await;
    let expected = Expected {
        amount: Some(100),
        currency: Some("XOF".into()),
        order_unknown: false,
    };
    let outcome = client
        .handle_notification(&form, &token, &expected)
        .await
        .unwrap();
    assert_eq!(outcome.outcome, Outcome::Paid, "{}", outcome.reason);
    assert_eq!(outcome.transaction_id(), "LC-1");

    // The blocking client decides the same.
    let blocking = cinetpay::blocking::Client::new(client.config().clone()).unwrap();
    let outcome = tokio::task::spawn_blocking(move || {
        blocking.handle_notification(&form, &token, &Expected::default())
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(outcome.skipped_checks, ["amount", "currency"]);
}

#[tokio::test]
async fn a_forged_notification_is_refused_before_anything_is_sent() {
    let emulator = Emulator::start(Config::default()).unwrap();
    let client = client(&emulator);
    client.init_payment(&request("LC-2")).await.unwrap();
    emulator
        .set_outcome(DEFAULT_SITE_ID, "LC-2", "refuse".parse().unwrap())
        .unwrap();
    let (form, token) = notification(&emulator, "LC-2", 0).await;
    let outcome = client
        .handle_notification(&form, &token, &Expected::default())
        .await
        .unwrap();
    assert_eq!(outcome.outcome, Outcome::Failed);
    let forged = token.replace(|c: char| c != '0', "0");
    let e = client
        .handle_notification(&form, &forged, &Expected::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidNotification);
}

#[tokio::test]
async fn after_an_init_timeout_check_payment_says_whether_the_payment_exists() {
    let emulator = Emulator::start(Config {
        init_delay_ms: 1500,
        ..Config::default()
    })
    .unwrap();
    let client = Client::new(config(emulator.url()).timeout(Duration::from_millis(400))).unwrap();
    let e = client.init_payment(&request("LC-3")).await.unwrap_err();
    assert_eq!(
        (e.code(), e.request_sent()),
        (ErrorCode::Timeout, Some(true))
    );
    // The late answer was a created payment: it exists, waiting for the customer.
    let status = client
        .check_payment(&PaymentLookup::TransactionId("LC-3".into()))
        .await
        .unwrap();
    assert_eq!(status.code, "662");
    let e = client
        .check_payment(&PaymentLookup::TransactionId("LC-4".into()))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PaymentNotFound, "{e}");
}
