//! A payment's status, as `POST /v2/payment/check` reports it, and how to look a payment up.
//!
//! Facts from CinetPay's verification page and code table (see
//! `../shared/reference/cinetpay-api.md` §1): `code` is a string (`"00"`), `data.amount` is a
//! string, `payment_date` may be a single space, `operator_id` and `metadata` may be `null`, and
//! older API versions sent other `data` fields, so every field is read leniently.

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::validate::MAX_TRANSACTION_ID_CHARS;

/// How to find the payment to check: CinetPay accepts either id ("un seul suffit").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentLookup {
    /// The merchant's `transaction_id`, as sent to `init_payment`.
    TransactionId(String),
    /// The `payment_token` that `init_payment` returned.
    Token(String),
}

/// The SDK's cap on a payment token's length: CinetPay's are 112 characters (docs L196).
const MAX_TOKEN_CHARS: usize = 1000;

impl PaymentLookup {
    /// Reads `{"transaction_id": ...}` or `{"token": ...}` (`payment_token` is an alias, as in
    /// CinetPay's older docs). Exactly one must be given.
    pub fn from_value(input: &Value) -> Result<PaymentLookup> {
        let Value::Object(map) = input else {
            return Err(Error::validation(
                "request",
                "must be an object with transaction_id or token",
            ));
        };
        if let Some(unknown) = map
            .keys()
            .find(|k| !["transaction_id", "token", "payment_token"].contains(&k.as_str()))
        {
            // Cut as for payloads and settings: a key is echoed, and it may be anything.
            let shown: String = unknown.chars().take(64).collect();
            return Err(Error::validation(
                shown,
                "is not a field of check_payment: give transaction_id or token",
            ));
        }
        let field = |name: &'static str| -> Result<Option<String>> {
            match map.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Error::validation(name, "must be a string")),
            }
        };
        let token = match (field("token")?, field("payment_token")?) {
            (Some(_), Some(_)) => {
                return Err(Error::validation(
                    "token",
                    "give token or payment_token, not both (they are the same thing)",
                ));
            }
            (t, p) => t.or(p),
        };
        let lookup = match (field("transaction_id")?, token) {
            (Some(id), None) => PaymentLookup::TransactionId(id),
            (None, Some(token)) => PaymentLookup::Token(token),
            (Some(_), Some(_)) => {
                return Err(Error::validation(
                    "transaction_id",
                    "give transaction_id or token, not both: CinetPay needs only one",
                ));
            }
            (None, None) => {
                return Err(Error::validation(
                    "transaction_id",
                    "is required: give the transaction_id you sent to init_payment, or the \
                     payment_token it returned as token",
                ));
            }
        };
        lookup.validate()?;
        Ok(lookup)
    }

    /// Applies the local rules: the id is non-blank, on one line, and within the SDK's limits.
    pub fn validate(&self) -> Result<()> {
        let (field, value, max) = match self {
            PaymentLookup::TransactionId(id) => ("transaction_id", id, MAX_TRANSACTION_ID_CHARS),
            PaymentLookup::Token(t) => ("token", t, MAX_TOKEN_CHARS),
        };
        if value.trim().is_empty() {
            return Err(Error::validation(field, "must not be blank"));
        }
        if value.chars().count() > max {
            return Err(Error::validation(
                field,
                format!("is longer than {max} characters, so it cannot be one CinetPay issued"),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(Error::validation(
                field,
                "contains a control character (a line break?): pass the id exactly as stored",
            ));
        }
        Ok(())
    }

    /// The id as it appears in messages.
    pub fn describe(&self) -> String {
        match self {
            PaymentLookup::TransactionId(id) => format!("transaction {id:?}"),
            PaymentLookup::Token(_) => "the payment with this token".to_owned(),
        }
    }

    /// The JSON body of the check request.
    pub(crate) fn to_json(&self, api_key: &str, site_id: &str) -> Vec<u8> {
        let (name, value) = match self {
            PaymentLookup::TransactionId(id) => ("transaction_id", id),
            // The docs' verification page names it `token`.
            PaymentLookup::Token(t) => ("token", t),
        };
        let mut body = Map::new();
        body.insert("apikey".into(), Value::from(api_key));
        body.insert("site_id".into(), Value::from(site_id));
        body.insert(name.into(), Value::from(value.as_str()));
        serde_json::to_vec(&Value::Object(body)).unwrap_or_default()
    }
}

/// `data.status`: the payment's state. Values CinetPay does not document are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaymentState {
    /// `ACCEPTED`: paid.
    Accepted,
    /// `REFUSED`: failed or cancelled.
    Refused,
    /// `WAITING_FOR_CUSTOMER`: the customer has not approved yet; a later notification will come.
    WaitingForCustomer,
    /// Any other value, as CinetPay sent it (empty when absent).
    Other(String),
}

impl PaymentState {
    /// Parses CinetPay's value (case and surrounding spaces ignored).
    pub fn parse(value: &str) -> PaymentState {
        match value.trim().to_ascii_uppercase().as_str() {
            "ACCEPTED" => PaymentState::Accepted,
            "REFUSED" => PaymentState::Refused,
            "WAITING_FOR_CUSTOMER" => PaymentState::WaitingForCustomer,
            _ => PaymentState::Other(value.to_owned()),
        }
    }

    /// CinetPay's string.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentState::Accepted => "ACCEPTED",
            PaymentState::Refused => "REFUSED",
            PaymentState::WaitingForCustomer => "WAITING_FOR_CUSTOMER",
            PaymentState::Other(s) => s,
        }
    }
}

/// Codes after which the payment cannot change any more, from CinetPay's code table: `00`
/// succeeded; `600` failed, `602` balance too low, `604` wrong OTP, `606` Orange Money's
/// anti-fraud, `627` cancelled.
pub const FINAL_CODES: &[&str] = &["00", "600", "602", "604", "606", "627"];

/// Codes that mean "wait for a later notification" (CinetPay's table: 623, 662, 663, 664).
pub const PENDING_CODES: &[&str] = &["623", "662", "663", "664"];

/// What `check_payment` reports about one payment.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentStatus {
    /// CinetPay's code: `"00"` when paid (see [`FINAL_CODES`], [`PENDING_CODES`]).
    pub code: String,
    /// CinetPay's message for the code (`SUCCES`, `TRANSACTION_CANCEL`, ...).
    pub message: String,
    /// `data.status`.
    pub status: PaymentState,
    /// The amount, as an integer (CinetPay sends a string); `None` when absent or not a number.
    pub amount: Option<i64>,
    /// The currency.
    pub currency: Option<String>,
    /// How the customer paid (`OM`, `MOMO`, `FLOOZ`, `VISAM`, ...).
    pub payment_method: Option<String>,
    /// The description sent at initialisation.
    pub description: Option<String>,
    /// The metadata sent at initialisation.
    pub metadata: Option<String>,
    /// The operator's transaction id.
    pub operator_id: Option<String>,
    /// When it was paid (`YYYY-MM-DD HH:MM:SS`); `None` when CinetPay sends a blank.
    pub payment_date: Option<String>,
    /// When the funds become available.
    pub fund_availability_date: Option<String>,
    /// CinetPay's id for this answer; quote it to support.
    pub api_response_id: Option<String>,
    /// `data` as received, for fields older or newer API versions send.
    pub data: Value,
}

impl PaymentStatus {
    /// Paid: code `00` and status `ACCEPTED` (CinetPay's own examples deliver only on `00`).
    /// Still compare [`PaymentStatus::amount`] and [`PaymentStatus::currency`] with the order.
    pub fn is_paid(&self) -> bool {
        self.code == "00" && self.status == PaymentState::Accepted
    }

    /// Final: the payment will not change any more (a final code, or status `ACCEPTED` or
    /// `REFUSED`). A pending payment (`WAITING_FOR_CUSTOMER`, codes 623/662/663/664) is not, and
    /// neither is code `00` without `ACCEPTED`: an answer that contradicts itself is checked
    /// again later rather than taken as a failure of a payment that may be paid.
    pub fn is_final(&self) -> bool {
        let code = self.code.as_str();
        if PENDING_CODES.contains(&code) || self.status == PaymentState::WaitingForCustomer {
            return false;
        }
        if code == "00" {
            return self.status == PaymentState::Accepted;
        }
        FINAL_CODES.contains(&code)
            || matches!(self.status, PaymentState::Accepted | PaymentState::Refused)
    }

    /// Reads the check endpoint's envelope; `data` must be an object.
    pub(crate) fn from_envelope(
        code: String,
        message: Option<String>,
        data: Map<String, Value>,
        api_response_id: Option<String>,
    ) -> PaymentStatus {
        let text = |name: &str| match data.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let amount = match data.get("amount") {
            Some(Value::Number(n)) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }),
            Some(Value::String(s)) => parse_amount(s),
            _ => None,
        };
        PaymentStatus {
            code,
            message: message.unwrap_or_default(),
            status: PaymentState::parse(data.get("status").and_then(Value::as_str).unwrap_or("")),
            amount,
            currency: text("currency").map(|c| c.trim().to_ascii_uppercase()),
            payment_method: text("payment_method"),
            description: text("description"),
            metadata: text("metadata"),
            operator_id: text("operator_id"),
            payment_date: text("payment_date"),
            fund_availability_date: text("fund_availability_date"),
            api_response_id,
            data: Value::Object(data),
        }
    }

    /// The status as the bridge hands it to every language.
    pub fn to_json(&self) -> Value {
        json!({
            "code": self.code,
            "message": self.message,
            "status": self.status.as_str(),
            "amount": self.amount,
            "currency": self.currency,
            "payment_method": self.payment_method,
            "description": self.description,
            "metadata": self.metadata,
            "operator_id": self.operator_id,
            "payment_date": self.payment_date,
            "fund_availability_date": self.fund_availability_date,
            "api_response_id": self.api_response_id,
            "is_paid": self.is_paid(),
            "is_final": self.is_final(),
            "data": self.data,
        })
    }
}

/// `"100"`, `"100.00"` or `" 100 "` as 100; anything with a fraction or not a number is `None`.
fn parse_amount(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let (whole, fraction) = s.split_once('.')?;
    if !fraction.bytes().all(|b| b == b'0') {
        return None;
    }
    whole.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_is_named_cut_to_64_characters() {
        let long = "k".repeat(500);
        let e = PaymentLookup::from_value(&serde_json::json!({ long.clone(): "x" }))
            .expect_err("unknown");
        assert_eq!(e.field().map(str::len), Some(64));
        assert!(e.message().contains("is not a field of check_payment"));
    }

    fn status(code: &str, data: Value) -> PaymentStatus {
        let Value::Object(map) = data else {
            return PaymentStatus::from_envelope(code.into(), None, Map::new(), None);
        };
        PaymentStatus::from_envelope(code.into(), Some("M".into()), map, None)
    }

    #[test]
    fn reads_the_docs_sample_leniently() {
        let s = status(
            "627",
            json!({"amount": "100", "currency": "XOF", "status": "REFUSED",
                   "payment_method": "MOMO", "metadata": null, "operator_id": null,
                   "payment_date": " ", "fund_availability_date": "2022-09-08 00:00:00",
                   "phone_number": "0700000000"}),
        );
        assert_eq!(s.amount, Some(100));
        assert_eq!(s.payment_date, None);
        assert_eq!(s.operator_id, None);
        assert_eq!(s.status, PaymentState::Refused);
        assert!(s.is_final() && !s.is_paid());
        assert_eq!(s.data["phone_number"], "0700000000");
    }

    #[test]
    fn paid_needs_code_00_and_accepted() {
        assert!(status("00", json!({"status": "ACCEPTED"})).is_paid());
        assert!(!status("00", json!({"status": "REFUSED"})).is_paid());
        assert!(!status("600", json!({"status": "ACCEPTED"})).is_paid());
    }

    #[test]
    fn pending_is_never_final() {
        for code in PENDING_CODES {
            assert!(
                !status(code, json!({"status": "REFUSED"})).is_final(),
                "{code}"
            );
        }
        assert!(!status("00", json!({"status": "WAITING_FOR_CUSTOMER"})).is_final());
        assert!(status("603", json!({"status": "REFUSED"})).is_final());
        assert!(!status("603", json!({"status": "PENDING"})).is_final());
        assert!(!status("00", json!({"status": "CREATED"})).is_final());
        assert!(!status("00", json!({})).is_final());
        assert_eq!(
            status("1", json!({"status": "CREATED"})).status,
            PaymentState::Other("CREATED".into())
        );
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount(" 100 "), Some(100));
        assert_eq!(parse_amount("100.00"), Some(100));
        assert_eq!(parse_amount("100.5"), None);
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(status("00", json!({"amount": 250})).amount, Some(250));
    }

    #[test]
    fn lookup_needs_exactly_one_id() {
        let ok = PaymentLookup::from_value(&json!({"transaction_id": "T-1"})).expect("id");
        assert_eq!(ok, PaymentLookup::TransactionId("T-1".into()));
        let ok = PaymentLookup::from_value(&json!({"payment_token": "abc"})).expect("token");
        assert_eq!(ok, PaymentLookup::Token("abc".into()));
        for bad in [
            json!({}),
            json!({"transaction_id": "T", "token": "x"}),
            json!({"transaction_id": " "}),
            json!({"transaction_id": 5}),
            json!({"transaction": "T"}),
            json!({"transaction_id": "a\nb"}),
        ] {
            let e = PaymentLookup::from_value(&bad).expect_err("bad");
            assert!(e.field().is_some(), "{bad}: {e}");
        }
    }

    #[test]
    fn the_body_names_the_docs_fields() {
        let body = PaymentLookup::Token("tok".into()).to_json("k", "1");
        assert_eq!(
            String::from_utf8(body).expect("utf8"),
            r#"{"apikey":"k","site_id":"1","token":"tok"}"#
        );
    }
}
