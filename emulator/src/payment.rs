//! `POST /v2/payment`, modelled on CinetPay's documentation.
//!
//! Checks run in the order a request meets CinetPay's layers: the front (rate limit, error 1010
//! without User-Agent, 403 for a non-JSON content type, shared with the check endpoint in
//! `front`; then the 400 page for localhost URLs), then the API (608 on the body, 609 apikey,
//! 613 site_id, 608 currency of the account, 624 lock_phone_number, a reused transaction_id).
//!
//! API errors come back as CinetPay's JSON envelope with HTTP 400; success is HTTP 200 with code
//! `"201"`, as in the docs.

use serde_json::{Map, Value, json};

use crate::config::Account;
use crate::date;
use crate::front;
pub use crate::reply::{Incoming, Reply};
use crate::reply::{api_response_id, envelope, missing_field, page, string_or_number};
use crate::state::{State, Transaction};

const CURRENCIES: &[&str] = &["XOF", "XAF", "CDF", "GNF", "USD"];
const CHANNELS: &[&str] = &["ALL", "MOBILE_MONEY", "CREDIT_CARD", "WALLET"];
const CARD_FIELDS: &[&str] = &[
    "customer_name",
    "customer_surname",
    "customer_phone_number",
    "customer_email",
    "customer_address",
    "customer_city",
    "customer_country",
    "customer_state",
    "customer_zip_code",
];

/// Handles `POST /v2/payment`.
pub fn init(state: &State, req: &Incoming<'_>) -> Reply {
    if let Some(refused) = front::refusal(state, req) {
        return refused;
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(req.body) else {
        return missing_field("The request body is not a JSON object");
    };
    for field in ["notify_url", "return_url"] {
        let url = body.get(field).and_then(Value::as_str);
        // The Seamless stand-in's own return (`seamless.rs`) is the SDK's address, not the
        // merchant's: CinetPay's script returns to CinetPay's host, never refused here.
        let own_return =
            field == "return_url" && url.is_some_and(|u| is_own_seamless_return(state, u));
        if !own_return && url.is_some_and(host_is_localhost) {
            return page(
                400,
                "text/html; charset=UTF-8",
                "<html><head><title>Page 400</title></head><body><h1>Page 400 accès interdit</h1>\
                 <p>Service non identifié.</p></body></html>",
                "page-400",
            );
        }
    }
    let account = match authenticate(state, &body) {
        Ok(account) => account,
        Err(refused) => return refused,
    };
    let fields = match check_fields(&body) {
        Ok(f) => f,
        Err(description) => return missing_field(&description),
    };
    if !account.currencies.contains(&fields.currency) {
        let account_currency = account.currencies.join(",");
        return missing_field(&format!(
            "You cannot create a transaction in a different currency than the one allowed to your \
             account. Transaction currency :'{}' Account currency :'{account_currency}'",
            fields.currency
        ));
    }
    if body.get("lock_phone_number") == Some(&Value::Bool(true)) {
        let phone = body
            .get("customer_phone_number")
            .and_then(Value::as_str)
            .unwrap_or("");
        let digits = phone.strip_prefix('+').unwrap_or(phone);
        if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return envelope(
                400,
                "624",
                "An error occurred while processing the request",
                "lock_phone_number is true but customer_phone_number is not valid",
            );
        }
    }
    let token = new_token();
    let transaction = Transaction {
        site_id: account.site_id.clone(),
        transaction_id: fields.transaction_id.clone(),
        payment_token: token.clone(),
        amount: fields.amount,
        currency: fields.currency.clone(),
        description: fields.description,
        channels: fields.channels,
        notify_url: fields.notify_url,
        return_url: fields.return_url,
        metadata: match body.get("metadata") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            // Not a string as documented: keep its JSON text rather than lose it.
            Some(other) => Some(other.to_string()),
        },
        lang: fields.lang,
        customer_phone_number: body
            .get("customer_phone_number")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
        created_at: date::now(),
        state: Default::default(),
        operator_id: None,
        paid_at: None,
        user_agent: req.user_agent.unwrap_or_default().to_owned(),
        request: Value::Object(body),
    };
    if !state.insert(transaction) {
        return missing_field(&format!(
            "transaction_id {:?} has already been used: every payment needs a new transaction_id",
            fields.transaction_id
        ));
    }
    let payment_url = format!("{}/payment/{token}", state.public_url());
    let body = json!({
        "code": "201",
        "message": "CREATED",
        "description": "Transaction created with success",
        "data": { "payment_token": token, "payment_url": payment_url },
        "api_response_id": api_response_id(),
    });
    Reply {
        status: 200,
        content_type: "application/json",
        body: body.to_string(),
        retry_after: None,
        outcome: "201".to_owned(),
    }
}

/// The account a request's `apikey` and `site_id` name, in the order CinetPay checks them (the
/// same for init and check): 608 without apikey, 609 for an unknown one, 608 without site_id,
/// 613 for another account's site_id.
pub(crate) fn authenticate<'s>(
    state: &'s State,
    body: &Map<String, Value>,
) -> Result<&'s Account, Reply> {
    let Some(apikey) = body.get("apikey").and_then(Value::as_str) else {
        return Err(missing_field("apikey is required"));
    };
    let Some(account) = state.account_by_apikey(apikey) else {
        return Err(envelope(400, "609", "AUTH_NOT_FOUND", "Apikey introuvable"));
    };
    let Some(site_id) = string_or_number(body.get("site_id")) else {
        return Err(missing_field("site_id is required"));
    };
    if site_id != account.site_id {
        return Err(envelope(
            400,
            "613",
            "ERROR_SITE_ID_NOTVALID",
            "Le site_id n'est pas valide",
        ));
    }
    Ok(account)
}

struct Fields {
    transaction_id: String,
    amount: i64,
    currency: String,
    description: String,
    channels: String,
    notify_url: String,
    return_url: String,
    lang: String,
}

/// The 608 checks: presence, JSON types and documented values, one description per failure.
fn check_fields(body: &Map<String, Value>) -> Result<Fields, String> {
    let string = |name: &str| -> Result<Option<&str>, String> {
        match body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(format!("{name} must be a string")),
        }
    };
    let required = |name: &str| -> Result<String, String> {
        match string(name)? {
            Some(s) if !s.trim().is_empty() => Ok(s.to_owned()),
            _ => Err(format!("{name} is required")),
        }
    };
    let transaction_id = required("transaction_id")?;
    let amount = match body.get("amount") {
        Some(Value::Number(n)) => n.as_i64().ok_or("amount must be an integer")?,
        Some(_) => return Err("amount must be an integer".into()),
        None => return Err("amount is required".into()),
    };
    if amount <= 0 || amount % 5 != 0 {
        return Err(format!(
            "amount must be a positive multiple of 5, got {amount}"
        ));
    }
    let currency = required("currency")?.to_ascii_uppercase();
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(format!("currency {currency} is not valid"));
    }
    let description = required("description")?;
    if let Some(c) = description.chars().find(|c| "#/$_&".contains(*c)) {
        return Err(format!("description must not contain the character {c}"));
    }
    let url = |name: &str| -> Result<String, String> {
        let url = required(name)?;
        let lower = url.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) {
            return Err(format!("{name} must be an http(s) URL"));
        }
        Ok(url)
    };
    let notify_url = url("notify_url")?;
    let return_url = url("return_url")?;
    let channels = string("channels")?.unwrap_or("ALL").to_ascii_uppercase();
    if !CHANNELS.contains(&channels.as_str()) {
        return Err(format!("channels {channels} is not valid"));
    }
    let given_lang = string("lang")?.unwrap_or("fr");
    let lang = given_lang.to_ascii_lowercase();
    if !["fr", "en"].contains(&lang.as_str()) {
        return Err(format!("lang {given_lang} is not valid"));
    }
    match body.get("invoice_data") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) if m.len() <= 3 => {}
        Some(Value::Object(_)) => return Err("invoice_data supports at most 3 entries".into()),
        Some(_) => return Err("invoice_data must be an object".into()),
    }
    match body.get("lock_phone_number") {
        None | Some(Value::Null) | Some(Value::Bool(_)) => {}
        Some(_) => return Err("lock_phone_number must be a boolean".into()),
    }
    if channels == "CREDIT_CARD" {
        let missing: Vec<&str> = CARD_FIELDS
            .iter()
            .copied()
            .filter(|f| string(f).ok().flatten().is_none_or(|v| v.trim().is_empty()))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "CREDIT_CARD payments require: {}",
                missing.join(", ")
            ));
        }
    }
    Ok(Fields {
        transaction_id,
        amount,
        currency,
        description,
        channels,
        notify_url,
        return_url,
        lang,
    })
}

/// Whether `url` is this emulator's `/seamless/return`, reached by the name `localhost` (the
/// frame builds it from its own address, which is the page's choice).
fn is_own_seamless_return(state: &State, url: &str) -> bool {
    let port = state.public_url().rsplit(':').next().unwrap_or("");
    ["http", "https"].iter().any(|scheme| {
        url.strip_prefix(&format!("{scheme}://localhost:{port}/seamless/return"))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('?'))
    })
}

/// Whether a URL's host is `localhost`, read by hand: the emulator shares no URL code with the SDK.
fn host_is_localhost(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost")
}

/// A payment token shaped like CinetPay's: 112 lowercase hex characters.
fn new_token() -> String {
    (0..56)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Account, Config, DEFAULT_API_KEY, DEFAULT_SITE_ID};

    fn state() -> State {
        State::new(&Config::default(), "http://127.0.0.1:1".to_owned())
    }

    fn body(extra: Value) -> Vec<u8> {
        let mut v = json!({
            "apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "transaction_id": "T1",
            "amount": 100, "currency": "XOF", "description": "Test",
            "notify_url": "https://shop.example/n", "return_url": "https://shop.example/r",
            "channels": "ALL"
        });
        if let (Value::Object(base), Value::Object(extra)) = (&mut v, extra) {
            base.extend(extra);
        }
        v.to_string().into_bytes()
    }

    fn send(state: &State, body: &[u8]) -> Reply {
        init(
            state,
            &Incoming {
                user_agent: Some("t/1"),
                content_type: Some("application/json"),
                body,
            },
        )
    }

    fn code(r: &Reply) -> String {
        let v: Value = serde_json::from_str(&r.body).expect("json");
        v["code"].as_str().unwrap_or_default().to_owned()
    }

    #[test]
    fn creates_once_then_refuses_the_reused_id() {
        let s = state();
        let r = send(&s, &body(json!({})));
        assert_eq!((r.status, code(&r)), (200, "201".to_owned()));
        let v: Value = serde_json::from_str(&r.body).expect("json");
        let token = v["data"]["payment_token"].as_str().expect("token");
        assert_eq!(token.len(), 112);
        assert_eq!(
            v["data"]["payment_url"],
            format!("http://127.0.0.1:1/payment/{token}")
        );
        let again = send(&s, &body(json!({})));
        assert_eq!(code(&again), "608");
        assert!(again.body.contains("already been used"));
    }

    #[test]
    fn front_pages() {
        let s = state();
        let b = body(json!({}));
        let r = init(
            &s,
            &Incoming {
                user_agent: None,
                content_type: Some("application/json"),
                body: &b,
            },
        );
        assert_eq!((r.status, r.body.as_str()), (403, "error code: 1010"));
        let r = init(
            &s,
            &Incoming {
                user_agent: Some("x"),
                content_type: Some("application/x-www-form-urlencoded"),
                body: &b,
            },
        );
        assert_eq!(r.status, 403);
        assert!(r.body.contains("403 Forbidden"));
        let r = send(&s, &body(json!({"notify_url": "http://LocalHost:8000/n"})));
        assert_eq!(r.status, 400);
        assert!(r.body.contains("accès interdit"));
    }

    #[test]
    fn api_codes() {
        let s = State::new(
            &Config::default()
                .with_account(Account::parse("cm-key-000000000:777:s:XAF").expect("acct")),
            "http://x".to_owned(),
        );
        assert_eq!(code(&send(&s, &body(json!({"apikey": "nope"})))), "609");
        assert_eq!(code(&send(&s, &body(json!({"site_id": "1"})))), "613");
        assert_eq!(code(&send(&s, &body(json!({"amount": 102})))), "608");
        assert_eq!(code(&send(&s, &body(json!({"transaction_id": ""})))), "608");
        assert_eq!(
            code(&send(&s, &body(json!({"channels": "CREDIT_CARD"})))),
            "608"
        );
        let r = send(&s, &body(json!({"currency": "XAF"})));
        assert_eq!(code(&r), "608");
        assert!(r.body.contains("Account currency :'XOF'"));
        let r = send(&s, &body(json!({"lock_phone_number": true})));
        assert_eq!(code(&r), "624");
        let r = send(
            &s,
            &body(json!({"apikey": "cm-key-000000000", "site_id": "777", "currency": "xaf"})),
        );
        assert_eq!(code(&r), "201");
        let r = send(&s, b"[1,2]");
        assert_eq!(code(&r), "608");
    }

    #[test]
    fn the_seamless_stand_in_s_own_return_may_name_localhost() {
        let s = state();
        let own = "http://localhost:1/seamless/return?origin=http%3A%2F%2Flocalhost%3A3000";
        let r = send(&s, &body(json!({"return_url": own})));
        assert_eq!(code(&r), "201", "{}", r.body);
        // Anything else on localhost is still the documented 400 page.
        for other in [
            "http://localhost:1/seamless/returned",
            "http://localhost:2/seamless/return",
            "http://localhost:1/r",
        ] {
            let r = send(
                &s,
                &body(json!({"transaction_id": "T9", "return_url": other})),
            );
            assert_eq!(r.status, 400, "{other}");
            assert!(r.body.contains("Page 400"), "{other}");
        }
    }

    #[test]
    fn localhost_detection() {
        for yes in [
            "http://localhost",
            "https://localhost:80/x",
            "http://a.localhost/",
            "http://u:p@LOCALHOST./",
        ] {
            assert!(host_is_localhost(yes), "{yes}");
        }
        for no in [
            "http://127.0.0.1/",
            "https://localhost.example.com/",
            "https://shop.example/localhost",
        ] {
            assert!(!host_is_localhost(no), "{no}");
        }
    }
}
