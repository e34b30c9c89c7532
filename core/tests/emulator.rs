//! The client end to end against the emulator.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::sync::Arc;

use cinetpay::{Currency, ErrorCode, PaymentRequest, USER_AGENT_PREFIX};
use cinetpay_emulator::{Config, DEFAULT_SITE_ID, Emulator};
use support::{client, config, rewriting_proxy};

fn request(id: &str) -> PaymentRequest {
    PaymentRequest::new(id, 100, Currency::Xof, "Order")
        .notify_url("http://127.0.0.1:9/notify")
        .return_url("https://shop.example/return")
}

/// The emulator created transaction `id` and handed back exactly this link's token.
fn assert_stored(emulator: &Emulator, id: &str, link: &cinetpay::PaymentLink) {
    let stored = emulator.transaction(DEFAULT_SITE_ID, id).unwrap();
    assert_eq!(stored.payment_token, link.payment_token, "{id}");
}

#[tokio::test]
async fn success_returns_a_link_the_emulator_serves() {
    let emulator = Emulator::start(Config::default()).unwrap();
    let client = client(emulator.url());
    let link = client
        .init_payment(&request("OK-1").metadata("order=1"))
        .await
        .unwrap();
    assert_eq!(
        link.payment_url,
        format!("{}/payment/{}", emulator.url(), link.payment_token)
    );
    assert!(link.api_response_id.is_some());

    let t = emulator.transaction(DEFAULT_SITE_ID, "OK-1").unwrap();
    assert_eq!(t.payment_token, link.payment_token);
    assert!(
        t.user_agent.starts_with(USER_AGENT_PREFIX),
        "{}",
        t.user_agent
    );
    assert_eq!(t.request["amount"], 100);
    assert_eq!(t.request["metadata"], "order=1");
    assert!(
        t.request.get("lang").is_none(),
        "absent optional fields are omitted"
    );

    let page = support::raw_get(emulator.addr(), &link.payment_url[emulator.url().len()..]).await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("OK-1"));
}

#[tokio::test]
async fn rate_limit_is_too_many_requests_with_retry_after() {
    let emulator = Emulator::start(Config::default().with_rate_limit(2)).unwrap();
    let client = client(emulator.url());
    let mut limited = None;
    for i in 0..10 {
        if let Err(e) = client.init_payment(&request(&format!("RL-{i}"))).await {
            limited = Some(e);
            break;
        }
    }
    let e = limited.expect("the emulator allows 2 per second");
    assert_eq!(e.code(), ErrorCode::TooManyRequests, "{e}");
    assert_eq!(e.http_status(), Some(429));
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(1)));
    assert_eq!(e.api_code(), Some("429"));
}

#[tokio::test]
async fn front_end_pages_through_a_rewriting_proxy() {
    let emulator = Emulator::start(Config::default()).unwrap();
    type Case = (fn(String) -> String, ErrorCode, u16);
    let cases: [Case; 4] = [
        (
            |r| r.replace("user-agent: ", "x-dropped: "),
            ErrorCode::UserAgentRequired,
            403,
        ),
        (
            |r| r.replace("application/json", "text/plain/json!!"),
            ErrorCode::Forbidden,
            403,
        ),
        // Same length, so Content-Length still holds.
        (
            |r| r.replace("127.0.0.1:9", "localhost:9"),
            ErrorCode::AccessDenied,
            400,
        ),
        (
            |r| r.replace("+2250707070707", "+22507070707ab"),
            ErrorCode::ProcessingError,
            400,
        ),
    ];
    for (i, (rewrite, code, status)) in cases.into_iter().enumerate() {
        let proxy = rewriting_proxy(emulator.addr(), rewrite).await;
        let req = request(&format!("PAGE-{i}"))
            .lock_phone_number(true)
            .customer_phone_number("+2250707070707");
        let e = client(&proxy).init_payment(&req).await.unwrap_err();
        assert_eq!(
            (e.code(), e.http_status()),
            (code, Some(status)),
            "case {i}: {e}"
        );
        assert!(e.hint().is_some(), "case {i}");
        assert_eq!(e.request_sent(), Some(true));
    }
    assert_eq!(emulator.transaction_count(), 0);
}

#[tokio::test]
async fn one_client_serves_many_tasks_each_getting_its_own_result() {
    let emulator = Emulator::start(Config::default()).unwrap();
    let client = client(emulator.url());
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("MANY-{i}");
            (id.clone(), client.init_payment(&request(&id)).await)
        }));
    }
    for task in tasks {
        let (id, result) = task.await.unwrap();
        assert_stored(&emulator, &id, &result.unwrap());
    }
    assert_eq!(emulator.transaction_count(), 200);
}

#[test]
fn blocking_client_from_eight_threads() {
    let emulator = Emulator::start(Config::default()).unwrap();
    let client = Arc::new(cinetpay::blocking::Client::new(config(emulator.url())).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let client = client.clone();
            std::thread::spawn(move || {
                (0..10)
                    .map(|i| {
                        let id = format!("T{t}-{i}");
                        (id.clone(), client.init_payment(&request(&id)).unwrap())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for thread in threads {
        for (id, link) in thread.join().unwrap() {
            assert_stored(&emulator, &id, &link);
        }
    }
    assert_eq!(emulator.transaction_count(), 80);
}

/// The blocking client called straight from async code, on a runtime's own thread: tokio's
/// `block_on` would panic there ("Cannot start a runtime from within a runtime"). The blocking
/// client builds no runtime: it blocks this thread on its own socket, as any blocking call
/// would (the emulator serves from its own thread). Both runtime flavours.
#[tokio::test(flavor = "current_thread")]
async fn blocking_client_works_inside_a_current_thread_runtime() {
    blocking_call_from_async_code("IN-RT-CT");
}

/// See [`blocking_client_works_inside_a_current_thread_runtime`].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_client_works_inside_a_multi_thread_runtime() {
    blocking_call_from_async_code("IN-RT-MT");
}

fn blocking_call_from_async_code(id: &str) {
    assert!(
        tokio::runtime::Handle::try_current().is_ok(),
        "must run inside a runtime"
    );
    let emulator = Emulator::start(Config::default()).unwrap();
    let client = cinetpay::blocking::Client::new(config(emulator.url())).unwrap();
    let link = client.init_payment(&request(id)).unwrap();
    assert_stored(&emulator, id, &link);
}
