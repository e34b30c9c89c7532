//! `POST /v2/payment/check`: where a transaction stands, as CinetPay's verification endpoint
//! answers it (https://docs.cinetpay.com/api/1.0-fr/checkout/verification).
//!
//! The front checks are init's; then 608 without apikey, 609 for an unknown one, 613 for
//! another account's site_id, 608 without transaction_id or token (`payment_token` is taken as
//! an alias: CinetPay's pages name it both ways). A known transaction is HTTP 200 with the
//! code of its state and `data`, typed as in the docs' samples: `amount` a string,
//! `payment_date` a single space until paid, `operator_id` and `metadata` possibly null.

use serde_json::{Map, Value, json};

use crate::date;
use crate::front;
use crate::reply::{
    Incoming, Reply, api_response_id, envelope, json_reply, missing_field, string_or_number,
};
use crate::state::{State, Transaction};

/// Funds are available two days after the payment day in the docs' samples.
const FUND_DELAY_SECS: u64 = 2 * 86_400;

/// Handles `POST /v2/payment/check`.
pub fn check(state: &State, req: &Incoming<'_>) -> Reply {
    if let Some(refused) = front::refusal(state, req) {
        return refused;
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(req.body) else {
        return missing_field("The request body is not a JSON object");
    };
    let account = match crate::payment::authenticate(state, &body) {
        Ok(account) => account,
        Err(refused) => return refused,
    };
    // Equal to the body's site_id, which `authenticate` compared.
    let site_id = &account.site_id;
    // As sent, as init stores it: a check for " T2 " finds the payment created as " T2 "
    // (found by fuzzing: trimming here lost it). Blank still counts as absent.
    let given = |name: &str| string_or_number(body.get(name)).filter(|s| !s.trim().is_empty());
    // "Un seul suffit": the transaction_id wins when both are sent.
    let found = if let Some(id) = given("transaction_id") {
        state
            .transaction(site_id, &id)
            .ok_or_else(|| format!("no transaction {id} for site_id {site_id}"))
    } else if let Some(token) = given("token").or_else(|| given("payment_token")) {
        state
            .by_token(&token)
            .filter(|t| &t.site_id == site_id)
            .ok_or_else(|| format!("no transaction with token {token} for site_id {site_id}"))
    } else {
        return missing_field("transaction_id or token is required");
    };
    match found {
        Ok(t) => answer(&t),
        // PROJECT DECISION: CinetPay does not document its answer for a transaction it does not
        // know. The emulator answers HTTP 400 with code "404" and message
        // TRANSACTION_NOT_FOUND, which the SDK recognises.
        Err(what) => envelope(
            400,
            "404",
            "TRANSACTION_NOT_FOUND",
            &format!("Transaction introuvable: {what}"),
        ),
    }
}

/// The check answer for a known transaction.
fn answer(t: &Transaction) -> Reply {
    let s = t.state;
    let body = json!({
        "code": s.code(),
        "message": s.message(),
        "data": data(t),
        "api_response_id": api_response_id(),
    });
    json_reply(200, &body, s.code())
}

/// The `data` object of a check answer: where the transaction stands.
pub(crate) fn data(t: &Transaction) -> Map<String, Value> {
    let s = t.state;
    let mut data = Map::new();
    for (k, v) in [
        ("amount", json!(t.amount.to_string())),
        ("currency", json!(t.currency)),
        ("status", json!(s.status())),
        ("payment_method", json!(s.payment_method())),
        ("description", json!(t.description)),
        ("metadata", json!(t.metadata)),
        ("operator_id", json!(t.operator_id)),
        (
            "payment_date",
            json!(t.paid_at.map_or_else(|| " ".to_owned(), date::datetime)),
        ),
        (
            "fund_availability_date",
            json!(date::midnight(t.created_at + FUND_DELAY_SECS)),
        ),
    ] {
        data.insert(k.to_owned(), v);
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Account, Config, DEFAULT_API_KEY, DEFAULT_SITE_ID};
    use crate::outcome::Outcome;
    use crate::state::tests::with_transaction;

    fn ask(state: &State, body: Value) -> (u16, Value) {
        let body = body.to_string();
        let r = check(
            state,
            &Incoming {
                user_agent: Some("t/1"),
                content_type: Some("application/json"),
                body: body.as_bytes(),
            },
        );
        (r.status, serde_json::from_str(&r.body).expect("json"))
    }

    fn by_id(state: &State) -> (u16, Value) {
        ask(
            state,
            json!({"apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "transaction_id": "T1"}),
        )
    }

    #[test]
    fn answers_every_state() {
        let s = with_transaction();
        let (status, v) = by_id(&s);
        assert_eq!(status, 200);
        assert_eq!(
            (v["code"].as_str(), v["message"].as_str()),
            (Some("662"), Some("WAITING_CUSTOMER_PAYMENT"))
        );
        let data = &v["data"];
        let keys: Vec<&str> = data
            .as_object()
            .expect("data")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "amount",
                "currency",
                "status",
                "payment_method",
                "description",
                "metadata",
                "operator_id",
                "payment_date",
                "fund_availability_date"
            ]
        );
        assert_eq!(data["amount"], "100");
        assert_eq!(data["status"], "WAITING_FOR_CUSTOMER");
        assert_eq!(data["payment_method"], "");
        assert_eq!(data["payment_date"], " ");
        assert!(data["metadata"].is_null() && data["operator_id"].is_null());
        let created = s.transaction(DEFAULT_SITE_ID, "T1").expect("t").created_at;
        assert_eq!(
            data["fund_availability_date"],
            date::midnight(created + 2 * 86_400)
        );
        assert!(v["api_response_id"].is_string());

        s.set_outcome(DEFAULT_SITE_ID, "T1", Outcome::Pending)
            .expect("pending");
        let (_, v) = by_id(&s);
        assert_eq!(
            (
                &v["code"],
                &v["message"],
                &v["data"]["status"],
                &v["data"]["payment_method"]
            ),
            (
                &json!("623"),
                &json!("WAITING_CUSTOMER_TO_VALIDATE"),
                &json!("WAITING_FOR_CUSTOMER"),
                &json!("OM")
            )
        );

        let t = s
            .set_outcome(DEFAULT_SITE_ID, "T1", Outcome::Accept)
            .expect("accept");
        let (status, v) = by_id(&s);
        assert_eq!(status, 200);
        assert_eq!(
            (&v["code"], &v["message"]),
            (&json!("00"), &json!("SUCCES"))
        );
        assert_eq!(v["data"]["status"], "ACCEPTED");
        assert_eq!(v["data"]["payment_method"], "OM");
        assert_eq!(v["data"]["operator_id"].as_str(), t.operator_id.as_deref());
        let paid = v["data"]["payment_date"].as_str().expect("date");
        assert_eq!(paid, date::datetime(t.paid_at.expect("paid")));
    }

    #[test]
    fn refused_and_cancelled() {
        for (outcome, code, message, method) in [
            (Outcome::Refuse, "600", "PAYMENT_FAILED", "OM"),
            (Outcome::Cancel, "627", "TRANSACTION_CANCEL", ""),
        ] {
            let s = with_transaction();
            s.set_outcome(DEFAULT_SITE_ID, "T1", outcome).expect("set");
            let (status, v) = by_id(&s);
            assert_eq!(status, 200);
            assert_eq!(
                (v["code"].as_str(), v["message"].as_str()),
                (Some(code), Some(message))
            );
            assert_eq!(v["data"]["status"], "REFUSED");
            assert_eq!(v["data"]["payment_method"], method);
            assert_eq!(v["data"]["payment_date"], " ");
            assert!(v["data"]["operator_id"].is_null());
        }
    }

    #[test]
    fn finds_by_token_or_payment_token() {
        let s = with_transaction();
        let token = s
            .transaction(DEFAULT_SITE_ID, "T1")
            .expect("t")
            .payment_token;
        for name in ["token", "payment_token"] {
            let (status, v) = ask(
                &s,
                json!({"apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, name: token}),
            );
            assert_eq!((status, v["code"].as_str()), (200, Some("662")), "{name}");
        }
        let (status, v) = ask(
            &s,
            json!({"apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "token": "nope"}),
        );
        assert_eq!((status, v["code"].as_str()), (400, Some("404")));
        assert_eq!(v["message"], "TRANSACTION_NOT_FOUND");
    }

    #[test]
    fn api_errors() {
        let s = with_transaction();
        let code = |body: Value| {
            let (status, v) = ask(&s, body);
            (
                status,
                v["code"].as_str().unwrap_or_default().to_owned(),
                v["description"].as_str().unwrap_or_default().to_owned(),
            )
        };
        let (status, c, _) = code(json!({"site_id": DEFAULT_SITE_ID, "transaction_id": "T1"}));
        assert_eq!((status, c.as_str()), (400, "608"));
        let (_, c, _) =
            code(json!({"apikey": "nope", "site_id": DEFAULT_SITE_ID, "transaction_id": "T1"}));
        assert_eq!(c, "609");
        let (_, c, _) =
            code(json!({"apikey": DEFAULT_API_KEY, "site_id": "1", "transaction_id": "T1"}));
        assert_eq!(c, "613");
        let (_, c, d) = code(json!({"apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID}));
        assert_eq!(
            (c.as_str(), d.as_str()),
            ("608", "transaction_id or token is required")
        );
        let (status, c, d) = code(
            json!({"apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "transaction_id": "T9"}),
        );
        assert_eq!((status, c.as_str()), (400, "404"));
        assert_eq!(
            d,
            format!("Transaction introuvable: no transaction T9 for site_id {DEFAULT_SITE_ID}")
        );
    }

    #[test]
    fn another_accounts_transaction_is_not_found() {
        let s = State::new(
            &Config::default()
                .with_account(Account::parse("other-key-0000000:777:s:XOF").expect("acct")),
            "http://x".into(),
        );
        let init = json!({
            "apikey": DEFAULT_API_KEY, "site_id": DEFAULT_SITE_ID, "transaction_id": "T1",
            "amount": 100, "currency": "XOF", "description": "Test",
            "notify_url": "http://shop.example/n", "return_url": "http://shop.example/r",
        })
        .to_string();
        let r = crate::payment::init(
            &s,
            &Incoming {
                user_agent: Some("t"),
                content_type: Some("application/json"),
                body: init.as_bytes(),
            },
        );
        assert_eq!(r.status, 200);
        let token = s
            .transaction(DEFAULT_SITE_ID, "T1")
            .expect("t")
            .payment_token;
        let (_, v) = ask(
            &s,
            json!({"apikey": "other-key-0000000", "site_id": "777", "token": token}),
        );
        assert_eq!(v["code"], "404");
        let (_, v) = ask(
            &s,
            json!({"apikey": "other-key-0000000", "site_id": 777, "transaction_id": "T1"}),
        );
        assert_eq!(v["code"], "404");
    }

    #[test]
    fn front_checks_are_inits() {
        let s = with_transaction();
        let r = check(
            &s,
            &Incoming {
                user_agent: None,
                content_type: Some("application/json"),
                body: b"{}",
            },
        );
        assert_eq!((r.status, r.body.as_str()), (403, "error code: 1010"));
        let r = check(
            &s,
            &Incoming {
                user_agent: Some("t"),
                content_type: Some("application/x-www-form-urlencoded"),
                body: b"{}",
            },
        );
        assert_eq!(r.status, 403);
    }
}
