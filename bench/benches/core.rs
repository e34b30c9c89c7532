//! The core's own work per payment, without I/O: validate, serialize, decode the response.

use std::hint::black_box;

use cinetpay::response::decode_payment_response;
use cinetpay::{Channels, Currency, InvoiceData, PaymentRequest};
use criterion::{Criterion, criterion_group, criterion_main};

const CREATED: &[u8] = br#"{"code":"201","message":"CREATED","description":"Transaction created with success","data":{"payment_token":"5df64dd9c5447739327eb88e1e4ea0ac015555cc262ea308c91acbd4e5c8fb95f4bd0bd7cad877a452f877fa6f51fe74184d00a84ab7f9","payment_url":"https://checkout.cinetpay.com/payment/5df64dd9c5447739327eb88e1e4ea0ac015555cc262ea308c91acbd4e5c8fb95f4bd0bd7cad877a452f877fa6f51fe74184d00a84ab7f9"},"api_response_id":"1632143554.8513"}"#;

fn minimal() -> PaymentRequest {
    PaymentRequest::new("ORDER-1", 100, Currency::Xof, "Order 1")
        .notify_url("https://shop.example/notify")
        .return_url("https://shop.example/return")
}

fn card() -> PaymentRequest {
    let invoice: InvoiceData = [
        ("Reste à payer", "25 000fr"),
        ("Matricule", "24OPO25"),
        ("Annee-scolaire", "2020-2021"),
    ]
    .into_iter()
    .collect();
    minimal()
        .channels(Channels::CreditCard)
        .metadata("user001")
        .invoice_data(invoice)
        .customer_id("172")
        .customer_name("KOUADIO")
        .customer_surname("Francisse")
        .customer_phone_number("+225004315545")
        .customer_email("harrissylver@gmail.com")
        .customer_address("Antananarivo")
        .customer_city("Antananarivo")
        .customer_country("CM")
        .customer_state("CM")
        .customer_zip_code("065100")
}

fn per_payment(c: &mut Criterion) {
    for (name, request) in [("minimal", minimal()), ("card+invoice", card())] {
        c.bench_function(&format!("validate+serialize+decode/{name}"), |b| {
            b.iter(|| {
                let r = black_box(&request);
                r.validate().expect("valid");
                let body = r.to_json("YOUR_APIKEY", "445160");
                let link = decode_payment_response(200, None, black_box(CREATED)).expect("link");
                black_box((body, link))
            });
        });
    }
    let request = card();
    c.bench_function("validate/card+invoice", |b| {
        b.iter(|| black_box(&request).validate())
    });
    c.bench_function("serialize/card+invoice", |b| {
        b.iter(|| black_box(&request).to_json("YOUR_APIKEY", "445160"))
    });
    c.bench_function("decode/created", |b| {
        b.iter(|| decode_payment_response(200, None, black_box(CREATED)))
    });
}

/// What every binding's native entry does before any I/O: parse the JSON object the language
/// handed over and apply the local rules (`bridge::prepare`), and a local operation in full.
fn bridge(c: &mut Criterion) {
    let client = cinetpay::Client::new(cinetpay::ClientConfig::new("YOUR_APIKEY", "445160"))
        .expect("client");
    let input = serde_json::json!({
        "transaction_id": "B-1", "amount": 100, "currency": "XOF", "description": "Order",
        "notify_url": "https://shop.example/notify", "return_url": "https://shop.example/return"
    });
    c.bench_function("bridge/prepare init_payment", |b| {
        b.iter(|| cinetpay::bridge::prepare(&client, "init_payment", black_box(&input)))
    });
    // What Node's transport does on the JavaScript thread for one call, around the socket: parse
    // the text, prepare, start (request bytes), then frame and decode a created payment.
    let text = input.to_string();
    // Plain HTTP, as against the emulator: a TLS connection's setup is not per call.
    let client = cinetpay::Client::new(
        cinetpay::ClientConfig::new("YOUR_APIKEY", "445160").base_url("http://127.0.0.1:9"),
    )
    .expect("client");
    c.bench_function("bridge/host transport: parse + prepare + start", |b| {
        b.iter(|| {
            let input = cinetpay::bridge::parse_input(black_box(&text)).expect("json");
            let prepared = cinetpay::bridge::prepare(&client, "init_payment", &input);
            prepared.map(|p| p.start(&client))
        })
    });
    let body = r#"{"code":"201","message":"CREATED","description":"Transaction created with success","data":{"payment_token":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","payment_url":"https://checkout.cinetpay.com/payment/xxxxxxxxxxxxxxxxxxxx"},"api_response_id":"1695040357.5"}"#;
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    c.bench_function("bridge/host transport: send + receive", |b| {
        b.iter_batched(
            || match cinetpay::bridge::prepare(&client, "init_payment", &input)
                .expect("prepare")
                .start(&client)
            {
                cinetpay::bridge::Start::Exchange(e) => e,
                cinetpay::bridge::Start::Ready(_) => unreachable!("a network call"),
            },
            |mut exchange| {
                let mut wire = exchange.wire().expect("wire");
                let _ = wire.send(exchange.request());
                exchange.receive(&mut wire, black_box(answer.as_bytes()), false)
            },
            criterion::BatchSize::SmallInput,
        )
    });
    c.bench_function("bridge/seamless_checkout", |b| {
        b.iter(|| cinetpay::bridge::call_blocking(&client, "seamless_checkout", black_box(&input)))
    });
}

criterion_group!(benches, per_payment, bridge);
criterion_main!(benches);
