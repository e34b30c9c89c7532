//! The `/_emulator/*` endpoints: what test suites in any language use to look inside the
//! emulator and to play the customer without a browser. Not part of CinetPay's API.

use serde_json::{Value, json};

use crate::form;
use crate::outcome::Outcome;
use crate::reply::{Reply, json_reply};
use crate::state::{OutcomeError, State, Transaction};

fn error(status: u16, message: &str) -> Reply {
    json_reply(status, &json!({ "error": message }), &status.to_string())
}

/// The site_id a request names, or the only account's when it names none.
fn site_id(state: &State, given: Option<String>) -> Result<String, Reply> {
    match given {
        Some(s) if !s.is_empty() => Ok(s),
        _ => state.only_site_id().map(str::to_owned).ok_or_else(|| {
            error(
                400,
                "site_id is required: the emulator has several accounts",
            )
        }),
    }
}

/// `GET /_emulator/transaction?site_id=..&transaction_id=..`: what the emulator stored, so that
/// test suites can check the body and headers their client sent, and where it stands.
pub fn inspect(state: &State, query: &str) -> Reply {
    let (Some(site_id), Some(transaction_id)) = (
        form::param(query, "site_id"),
        form::param(query, "transaction_id"),
    ) else {
        return error(400, "site_id and transaction_id are required");
    };
    match state.transaction(&site_id, &transaction_id) {
        Some(t) => json_reply(
            200,
            &json!({
                "site_id": t.site_id,
                "transaction_id": t.transaction_id,
                "payment_token": t.payment_token,
                "amount": t.amount,
                "currency": t.currency,
                "user_agent": t.user_agent,
                "request": t.request,
                "status": t.status(),
                "code": t.code(),
            }),
            "inspect",
        ),
        None => error(
            404,
            &format!("no transaction {transaction_id} for site_id {site_id}"),
        ),
    }
}

/// `GET /_emulator/stats`: requests seen on the API's paths, transactions created.
pub fn stats(state: &State) -> Reply {
    json_reply(
        200,
        &json!({
            "api_requests": state.api_requests(),
            "transactions": state.len(),
        }),
        "inspect",
    )
}

fn outcome_json(t: &Transaction) -> Value {
    json!({
        "transaction_id": t.transaction_id,
        "site_id": t.site_id,
        "status": t.status(),
        "code": t.code(),
    })
}

/// `POST /_emulator/outcome` with `{"transaction_id", "site_id"?, "outcome"}` or
/// `{"token", "outcome"}`: what the customer does on the checkout page, notifications included.
pub fn outcome(state: &State, body: &[u8]) -> Reply {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return error(400, "the body must be a JSON object");
    };
    let field = |name: &str| {
        crate::reply::string_or_number(body.get(name)).filter(|s| !s.trim().is_empty())
    };
    let Some(given) = body.get("outcome").and_then(Value::as_str) else {
        return error(
            400,
            "outcome is required: accept, refuse, cancel or pending",
        );
    };
    let outcome = match given.parse::<Outcome>() {
        Ok(o) => o,
        Err(e) => return error(400, &e),
    };
    let (site_id, transaction_id) = if let Some(id) = field("transaction_id") {
        match site_id(state, field("site_id")) {
            Ok(site) => (site, id),
            Err(r) => return r,
        }
    } else if let Some(token) = field("token") {
        match state.by_token(&token) {
            Some(t) => (t.site_id, t.transaction_id),
            None => return error(404, &format!("no transaction with token {token}")),
        }
    } else {
        return error(400, "transaction_id or token is required");
    };
    match state.set_outcome(&site_id, &transaction_id, outcome) {
        Ok(t) => json_reply(200, &outcome_json(&t), outcome.as_str()),
        Err(OutcomeError::NotFound) => error(
            404,
            &format!("no transaction {transaction_id} for site_id {site_id}"),
        ),
        Err(e @ OutcomeError::Final(_)) => {
            let mut v = json!({ "error": e.to_string() });
            if let (Value::Object(o), OutcomeError::Final(t)) = (&mut v, &e) {
                if let Value::Object(now) = outcome_json(t) {
                    o.extend(now);
                }
            }
            json_reply(409, &v, "409")
        }
    }
}

/// `GET /_emulator/notifications?transaction_id=..[&site_id=..]`: every delivery attempt to
/// the transaction's notify_url so far, oldest first, with the exact form and x-token sent.
pub fn notifications(state: &State, query: &str) -> Reply {
    let Some(transaction_id) = form::param(query, "transaction_id") else {
        return error(400, "transaction_id is required");
    };
    let site_id = match site_id(state, form::param(query, "site_id")) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if state.transaction(&site_id, &transaction_id).is_none() {
        return error(
            404,
            &format!("no transaction {transaction_id} for site_id {site_id}"),
        );
    }
    let attempts: Vec<Value> = state
        .deliveries(&site_id, &transaction_id)
        .iter()
        .map(crate::notify::Delivery::to_json)
        .collect();
    json_reply(200, &Value::Array(attempts), "inspect")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_SITE_ID;
    use crate::state::tests::with_transaction;

    fn body(r: &Reply) -> Value {
        serde_json::from_str(&r.body).expect("json")
    }

    #[test]
    fn outcomes_by_id_or_token() {
        let s = with_transaction();
        let r = outcome(&s, br#"{"transaction_id": "T1", "outcome": "pending"}"#);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            body(&r),
            json!({"transaction_id": "T1", "site_id": DEFAULT_SITE_ID,
                   "status": "WAITING_FOR_CUSTOMER", "code": "623"})
        );
        let token = s
            .transaction(DEFAULT_SITE_ID, "T1")
            .expect("t")
            .payment_token;
        let r = outcome(
            &s,
            format!(r#"{{"token": "{token}", "outcome": "accept"}}"#).as_bytes(),
        );
        assert_eq!((r.status, body(&r)["code"].as_str()), (200, Some("00")));
        let r = outcome(
            &s,
            format!(
                r#"{{"transaction_id": "T1", "site_id": "{DEFAULT_SITE_ID}", "outcome": "cancel"}}"#
            )
            .as_bytes(),
        );
        assert_eq!(r.status, 409);
        assert_eq!(body(&r)["status"], "ACCEPTED");
        assert!(
            body(&r)["error"]
                .as_str()
                .is_some_and(|e| e.contains("final"))
        );
    }

    #[test]
    fn bad_requests() {
        let s = with_transaction();
        let status = |b: &str| outcome(&s, b.as_bytes()).status;
        assert_eq!(status("nope"), 400);
        assert_eq!(status(r#"{"transaction_id": "T1"}"#), 400);
        assert_eq!(
            status(r#"{"transaction_id": "T1", "outcome": "paid"}"#),
            400
        );
        assert_eq!(status(r#"{"outcome": "accept"}"#), 400);
        assert_eq!(
            status(r#"{"transaction_id": "T2", "outcome": "accept"}"#),
            404
        );
        assert_eq!(status(r#"{"token": "x", "outcome": "accept"}"#), 404);
        assert_eq!(
            status(r#"{"transaction_id": "T1", "site_id": "1", "outcome": "accept"}"#),
            404
        );
    }

    #[test]
    fn inspection_shows_the_state() {
        let s = with_transaction();
        let r = inspect(&s, &format!("site_id={DEFAULT_SITE_ID}&transaction_id=T1"));
        assert_eq!(
            (body(&r)["status"].as_str(), body(&r)["code"].as_str()),
            (Some("WAITING_FOR_CUSTOMER"), Some("662"))
        );
        let r = notifications(&s, "transaction_id=T1");
        assert_eq!((r.status, body(&r)), (200, json!([])));
        assert_eq!(notifications(&s, "transaction_id=T2").status, 404);
        assert_eq!(notifications(&s, "site_id=1").status, 400);
        // Errors are JSON, as on every control route.
        let r = inspect(&s, &format!("site_id={DEFAULT_SITE_ID}&transaction_id=T2"));
        assert_eq!(r.status, 404);
        assert!(body(&r)["error"].as_str().is_some_and(|e| e.contains("T2")));
        assert_eq!(
            body(&inspect(&s, "site_id=1"))["error"],
            "site_id and transaction_id are required"
        );
    }
}
