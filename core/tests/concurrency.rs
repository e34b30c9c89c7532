//! One client shared by 16 threads (the blocking client, as C and Python use it) and by 16 tasks
//! (the async client): every result is the emulator's record of its own request.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::sync::Arc;

use cinetpay::{Currency, PaymentRequest};
use cinetpay_emulator::{Config, DEFAULT_SITE_ID, Emulator};

const THREADS: usize = 16;
const CALLS: usize = 10;

/// Each call its own id and amount, so that a result handed to the wrong caller shows.
fn request(prefix: &str, thread: usize, call: usize) -> PaymentRequest {
    let amount = 100 + 5 * (thread * CALLS + call) as i64;
    PaymentRequest::new(
        format!("{prefix}-{thread}-{call}"),
        amount,
        Currency::Xof,
        "Commande",
    )
    .notify_url("https://shop.example/notify")
    .return_url("https://shop.example/return")
}

fn assert_matched(emulator: &Emulator, prefix: &str, tokens: &[(usize, usize, String)]) {
    assert_eq!(tokens.len(), THREADS * CALLS);
    for (thread, call, token) in tokens {
        let want = request(prefix, *thread, *call);
        let stored = emulator
            .transaction(DEFAULT_SITE_ID, &want.transaction_id)
            .unwrap();
        assert_eq!(&stored.payment_token, token, "{}", want.transaction_id);
        assert_eq!(stored.amount, want.amount, "{}", want.transaction_id);
    }
}

#[test]
fn sixteen_threads_share_one_blocking_client() {
    let emulator = Emulator::start(Config::default()).unwrap();
    let client =
        Arc::new(cinetpay::blocking::Client::new(support::config(emulator.url())).unwrap());
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let client = client.clone();
            std::thread::spawn(move || {
                (0..CALLS)
                    .map(|call| {
                        let link = client.init_payment(&request("RS-T", thread, call)).unwrap();
                        (thread, call, link.payment_token)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let tokens: Vec<_> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert_matched(&emulator, "RS-T", &tokens);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_tasks_share_one_async_client() {
    let emulator = Emulator::start(Config::default()).unwrap();
    let client = support::client(emulator.url());
    let tasks: Vec<_> = (0..THREADS)
        .map(|thread| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut tokens = Vec::new();
                for call in 0..CALLS {
                    let link = client
                        .init_payment(&request("RS-A", thread, call))
                        .await
                        .unwrap();
                    tokens.push((thread, call, link.payment_token));
                }
                tokens
            })
        })
        .collect();
    let mut tokens = Vec::new();
    for task in tasks {
        tokens.extend(task.await.unwrap());
    }
    assert_matched(&emulator, "RS-A", &tokens);
}
