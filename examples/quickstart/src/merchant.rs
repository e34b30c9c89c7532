//! The merchant's side of the quickstart: a tiny HTTP server on loopback serving `notify_url`
//! (CinetPay's GET ping, then its signed POST) and `return_url`, as a shop's web app would.
//!
//! Hand-written over `std::net` to keep the quickstart free of a web framework; a real shop uses
//! its framework (the Django view and Express middleware do this work for Python and Node).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use cinetpay::blocking::Client;
use cinetpay::{Expected, NotificationForm, NotificationOutcome, Outcome};

/// One request as the server read it.
struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// What the shop knows about its orders: transaction_id → (amount, currency, status).
pub type Orders = Arc<Mutex<HashMap<String, (i64, String, String)>>>;

/// Serves on `listener` forever, on its own thread. Each verified notification's outcome is
/// also sent to `outcomes`.
pub fn serve(listener: TcpListener, client: Client, orders: Orders, outcomes: Sender<String>) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (client, orders, outcomes) = (client.clone(), orders.clone(), outcomes.clone());
            // One thread per connection: CinetPay's notifications must not wait for a browser.
            std::thread::spawn(move || {
                let _ = handle(stream, &client, &orders, &outcomes);
            });
        }
    });
}

fn handle(
    mut stream: TcpStream,
    client: &Client,
    orders: &Orders,
    outcomes: &Sender<String>,
) -> std::io::Result<()> {
    let Some(request) = read(&stream)? else {
        return Ok(());
    };
    let (status, content_type, body) = match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/notify") => {
            let _ = outcomes.send("  ← GET /notify: CinetPay checks the URL answers (200)".into());
            (200, "text/plain", "OK".to_owned())
        }
        ("POST", "/notify") => notify(&request, client, orders, outcomes),
        // The shop's address, opened in a browser: its orders.
        ("GET", "/") => (200, "text/html; charset=utf-8", index(orders)),
        (_, path) if path.starts_with("/orders/") => {
            let id = path["/orders/".len()..].trim_end_matches("/return");
            let status = orders
                .lock()
                .ok()
                .and_then(|o| o.get(id).map(|(_, _, s)| s.clone()))
                .unwrap_or_else(|| "unknown".into());
            let page = format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Order</title></head>\
                 <body><h1>Order {id}</h1><p>Status: <strong>{status}</strong></p>\
                 <p>The status comes from the verified notification, not from this page.</p>\
                 </body></html>"
            );
            (200, "text/html; charset=utf-8", page)
        }
        _ => (404, "text/plain", "not found".to_owned()),
    };
    write!(
        stream,
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        if status == 200 { "OK" } else { "Error" },
        body.len()
    )
}

/// A page listing the orders and their statuses.
fn index(orders: &Orders) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut rows = String::new();
    if let Ok(orders) = orders.lock() {
        let mut ids: Vec<_> = orders.keys().collect();
        ids.sort();
        for id in ids {
            let (amount, currency, status) = &orders[id];
            let id = escape(id);
            rows.push_str(&format!(
                "<li><a href=\"/orders/{id}/return\">{id}</a>: {amount} {currency}, \
                 <strong>{}</strong></li>",
                escape(status)
            ));
        }
    }
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Shop</title></head>\
         <body><h1>The quickstart's shop</h1><p>Its orders, as its verified notifications left \
         them:</p><ul>{rows}</ul></body></html>"
    )
}

/// CinetPay's recommended flow, through the SDK: verify the x-token, check the payment, decide.
fn notify(
    request: &Request,
    client: &Client,
    orders: &Orders,
    outcomes: &Sender<String>,
) -> (u16, &'static str, String) {
    let token = request.headers.get("x-token").map_or("", String::as_str);
    let say = |line: String| {
        let _ = outcomes.send(line);
    };
    say(format!(
        "  ← POST /notify with x-token {}…: verifying it with the secret key, then checking the payment",
        &token[..token.len().min(16)]
    ));
    let form = match NotificationForm::from_urlencoded(&request.body) {
        Ok(form) => form,
        Err(e) => return (400, "text/plain", e.to_string()),
    };
    let id = form.get("cpm_trans_id").to_owned();
    let expected = orders
        .lock()
        .ok()
        .and_then(|o| o.get(&id).cloned())
        .map(|(amount, currency, _)| Expected {
            amount: Some(amount),
            currency: Some(currency),
            order_unknown: false,
        })
        .unwrap_or(Expected {
            order_unknown: true,
            ..Expected::default()
        });
    match client.handle_notification(&form, token, &expected) {
        Ok(outcome) => {
            record(orders, &outcome);
            say(format!(
                "  ✔ notification verified; check_payment says {} {} → {}: {}",
                outcome.status.code,
                outcome.status.status.as_str(),
                outcome.outcome.as_str(),
                outcome.reason
            ));
            (200, "text/plain", "OK".to_owned())
        }
        Err(e) if e.code() == cinetpay::ErrorCode::InvalidNotification => {
            say(format!("  ✘ refused: {e}"));
            (401, "text/plain", e.code().to_string())
        }
        Err(e) => {
            say(format!(
                "  ✘ could not check (CinetPay will notify again): {e}"
            ));
            (503, "text/plain", e.code().to_string())
        }
    }
}

/// Updates the order once: a paid order stays paid (notifications repeat).
fn record(orders: &Orders, outcome: &NotificationOutcome) {
    let Ok(mut orders) = orders.lock() else {
        return;
    };
    let order = orders
        .get_mut(outcome.transaction_id())
        .filter(|order| order.2 != "paid" && outcome.outcome != Outcome::Pending);
    if let Some(order) = order {
        order.2 = outcome.outcome.as_str().to_owned();
    }
}

/// Reads one HTTP/1.1 request (headers, then a `content-length` body).
fn read(stream: &TcpStream) -> std::io::Result<Option<Request>> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("").to_owned(),
        parts.next().unwrap_or("").to_owned(),
    );
    let mut headers = HashMap::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let length = headers
        .get("content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(64 * 1024);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some(Request {
        method,
        path: path.split('?').next().unwrap_or("").to_owned(),
        headers,
        body,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_lists_orders_escaped() {
        let orders: Orders = Arc::new(Mutex::new(HashMap::new()));
        if let Ok(mut o) = orders.lock() {
            o.insert("A<1>".into(), (2500, "XOF".into(), "paid".into()));
            o.insert("B-2".into(), (100, "XAF".into(), "pending".into()));
        }
        let page = index(&orders);
        assert!(page.contains("<a href=\"/orders/A&lt;1&gt;/return\">A&lt;1&gt;</a>: 2500 XOF"));
        assert!(page.contains("B-2</a>: 100 XAF, <strong>pending</strong>"));
        assert!(page.find("A&lt;1&gt;") < page.find("B-2"), "sorted by id");
    }
}
