//! A payment request given as a JSON object with CinetPay's field names, as the docs print it.
//!
//! Every binding (Python keywords, Node objects, C/PHP JSON strings) goes through here, so a
//! typo, a wrong type or a stray key is the same error in every language.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::payment::{InvoiceData, PaymentRequest};

/// Every key a payload may carry: the docs' parameter tables.
pub const FIELDS: &[&str] = &[
    "apikey",
    "site_id",
    "transaction_id",
    "amount",
    "currency",
    "description",
    "notify_url",
    "return_url",
    "channels",
    "lang",
    "metadata",
    "invoice_data",
    "lock_phone_number",
    "alternative_currency",
    "customer_id",
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

/// The keys a payload must have (the docs' "Obligatoire: Oui" rows that the client does not fill
/// in itself: `apikey` and `site_id` come from the client, `channels` defaults to ALL).
pub const REQUIRED_FIELDS: &[&str] = &[
    "transaction_id",
    "amount",
    "currency",
    "description",
    "notify_url",
    "return_url",
];

/// A field of [`FIELDS`], by its position there.
#[derive(Clone, Copy)]
struct Field(usize);

impl Field {
    /// The field called `name`, found at compile time through [`field!`]: a name missing from
    /// `FIELDS` does not compile, and a lookup costs no string comparison at run time.
    #[allow(clippy::panic)] // used through `field!` only, where a panic is a compile error
    const fn named(name: &str) -> Field {
        let mut i = 0;
        while i < FIELDS.len() {
            if FIELDS[i].len() == name.len() {
                let (a, b) = (FIELDS[i].as_bytes(), name.as_bytes());
                let mut j = 0;
                while j < a.len() && a[j] == b[j] {
                    j += 1;
                }
                if j == a.len() {
                    return Field(i);
                }
            }
            i += 1;
        }
        panic!("not a name in FIELDS")
    }

    fn name(self) -> &'static str {
        FIELDS[self.0]
    }
}

/// `Field::named` as a constant: the position is fixed when the crate compiles. A named
/// constant rather than a `const` block, so that `cargo check` and clippy catch a bad name too.
macro_rules! field {
    ($name:literal) => {{
        const FIELD: Field = Field::named($name);
        FIELD
    }};
}

/// A parsed payload: the request, plus the `apikey`/`site_id` it carried, if any.
///
/// Payloads copied from CinetPay's docs carry `apikey` and `site_id`. The client accepts them
/// when they equal its own credentials and refuses them otherwise (see
/// [`Client::init_payment_payload`](crate::Client::init_payment_payload)), so a payload can never
/// silently switch accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPayload {
    /// The payment request.
    pub request: PaymentRequest,
    /// The payload's `apikey`, if it had one. Debug output masks it.
    pub apikey: Option<crate::config::Secret>,
    /// The payload's `site_id`, if it had one.
    pub site_id: Option<String>,
}

impl PaymentPayload {
    /// Parses a JSON text (the C and PHP entry point).
    pub fn from_json_str(json: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(json).map_err(|e| {
            Error::validation(
                "request",
                format!("is not valid JSON ({e}): send a JSON object"),
            )
        })?;
        PaymentPayload::from_value(&value)
    }

    /// Parses a JSON value. Types are strict: `amount` must be an integer, strings must be
    /// strings, `lock_phone_number` a boolean. `null` counts as absent. An unknown key is an error
    /// naming it, with a suggestion when it looks like a typo.
    pub fn from_value(value: &Value) -> Result<Self> {
        Self::parse(value, true)
    }

    /// Like [`PaymentPayload::from_value`] for a Seamless checkout
    /// ([`Client::seamless_checkout`](crate::Client::seamless_checkout)): `return_url` may be
    /// absent, because the Seamless SDK has no redirect back (the docs' Seamless example sends
    /// none: `shared/cinetpay-docs/000_a49b17d1c5364d29.txt` L70-L92). Every other rule is the
    /// initialisation's.
    pub fn from_seamless_value(value: &Value) -> Result<Self> {
        Self::parse(value, false)
    }

    fn parse(value: &Value, return_url_required: bool) -> Result<Self> {
        let obj = value.as_object().ok_or_else(|| {
            Error::validation(
                "request",
                format!(
                    "must be a JSON object with CinetPay's field names, got {}",
                    kind(value)
                ),
            )
        })?;
        let obj = &Slots::of(obj)?;
        let mut request = PaymentRequest::new(
            required_str(obj, field!("transaction_id"))?,
            required_amount(obj)?,
            required_str(obj, field!("currency"))?.parse()?,
            required_str(obj, field!("description"))?,
        );
        request.notify_url = required_str(obj, field!("notify_url"))?;
        request.return_url = if return_url_required {
            required_str(obj, field!("return_url"))?
        } else {
            opt_str(obj, field!("return_url"))?.unwrap_or_default()
        };
        if let Some(c) = opt_str(obj, field!("channels"))? {
            request.channels = c.parse()?;
        }
        if let Some(l) = opt_str(obj, field!("lang"))? {
            request.lang = Some(l.parse()?);
        }
        request.metadata = opt_str(obj, field!("metadata"))?;
        request.invoice_data = invoice_data(obj)?;
        request.lock_phone_number = match obj.get(field!("lock_phone_number")) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                return Err(type_error(
                    "lock_phone_number",
                    "a boolean (true or false)",
                    other,
                ));
            }
        };
        request.alternative_currency = opt_str(obj, field!("alternative_currency"))?;
        request.customer_id = opt_str(obj, field!("customer_id"))?;
        request.customer_name = opt_str(obj, field!("customer_name"))?;
        request.customer_surname = opt_str(obj, field!("customer_surname"))?;
        request.customer_phone_number = opt_str(obj, field!("customer_phone_number"))?;
        request.customer_email = opt_str(obj, field!("customer_email"))?;
        request.customer_address = opt_str(obj, field!("customer_address"))?;
        request.customer_city = opt_str(obj, field!("customer_city"))?;
        request.customer_country = opt_str(obj, field!("customer_country"))?;
        request.customer_state = opt_str(obj, field!("customer_state"))?;
        request.customer_zip_code = opt_str(obj, field!("customer_zip_code"))?;
        Ok(PaymentPayload {
            request,
            apikey: opt_str(obj, field!("apikey"))?.map(crate::config::Secret::from),
            site_id: opt_str(obj, field!("site_id"))?,
        })
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a decimal number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn type_error(field: &str, expected: &str, got: &Value) -> Error {
    Error::validation(field, format!("must be {expected}, got {}", kind(got)))
}

fn missing(field: &str) -> Error {
    Error::validation(field, "is required")
}

/// A payload's values by field, from one pass over its keys: a lookup by name in the JSON
/// map hashes the name each time (SipHash), and a payload is looked up once per field.
struct Slots<'a>([Option<&'a Value>; FIELDS.len()]);

impl<'a> Slots<'a> {
    /// The values of `obj`, or the error naming its first key that is not a field.
    fn of(obj: &'a Map<String, Value>) -> Result<Self> {
        let mut slots = [None; FIELDS.len()];
        for (key, value) in obj {
            match FIELDS.iter().position(|f| *f == key) {
                Some(i) => slots[i] = Some(value),
                None => return Err(unknown_field(key)),
            }
        }
        Ok(Slots(slots))
    }

    fn get(&self, field: Field) -> Option<&'a Value> {
        self.0[field.0]
    }
}

fn opt_str(obj: &Slots<'_>, field: Field) -> Result<Option<String>> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(type_error(field.name(), "a string", other)),
    }
}

fn required_str(obj: &Slots<'_>, field: Field) -> Result<String> {
    opt_str(obj, field)?.ok_or_else(|| missing(field.name()))
}

fn required_amount(obj: &Slots<'_>) -> Result<i64> {
    match obj.get(field!("amount")) {
        None | Some(Value::Null) => Err(missing("amount")),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| {
            if n.is_u64() {
                Error::validation("amount", format!("{n} is too large"))
            } else {
                Error::validation(
                    "amount",
                    format!("must be an integer (got {n}): CinetPay amounts have no decimals"),
                )
            }
        }),
        Some(other) => Err(type_error("amount", "an integer", other)),
    }
}

fn invoice_data(obj: &Slots<'_>) -> Result<Option<InvoiceData>> {
    match obj.get(field!("invoice_data")) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(entries)) => {
            let mut data = InvoiceData::new();
            for (label, value) in entries {
                match value {
                    Value::String(s) => data.insert(label.clone(), s.clone()),
                    other => {
                        return Err(Error::validation(
                            "invoice_data",
                            format!("value of {label:?} must be a string, got {}", kind(other)),
                        ));
                    }
                };
            }
            Ok(Some(data))
        }
        Some(other) => Err(type_error(
            "invoice_data",
            "an object of up to three label/value strings",
            other,
        )),
    }
}

fn unknown_field(key: &str) -> Error {
    let suggestion = FIELDS
        .iter()
        .map(|f| (edit_distance(key, f), f))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, f)| format!(": did you mean {f}?"))
        .unwrap_or_else(|| ": CinetPay would ignore it, so remove it".to_owned());
    // The key itself is echoed, but keys are field names, never secrets.
    let shown: String = key.chars().take(64).collect();
    Error::validation(
        shown.clone(),
        format!("is not a CinetPay field{suggestion}"),
    )
}

/// Levenshtein distance, for "did you mean" suggestions on short keys.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({
            "transaction_id": "ORDER-1", "amount": 100, "currency": "xof",
            "description": "Order 1", "notify_url": "https://shop.example/notify",
            "return_url": "https://shop.example/return"
        })
    }

    fn err(v: Value) -> Error {
        PaymentPayload::from_value(&v).expect_err("should fail")
    }

    #[test]
    fn a_minimal_payload_parses_with_defaults() {
        let p = PaymentPayload::from_value(&minimal()).expect("parse");
        assert_eq!(p.request.currency, crate::Currency::Xof);
        assert_eq!(p.request.channels, crate::Channels::All);
        assert!(p.apikey.is_none());
    }

    #[test]
    fn typos_are_named_with_a_suggestion() {
        let mut v = minimal();
        v["notify_ur1"] = json!("x");
        let e = err(v);
        assert_eq!(e.field(), Some("notify_ur1"));
        assert_eq!(
            e.message(),
            "is not a CinetPay field: did you mean notify_url?"
        );
        let mut v = minimal();
        v["colour"] = json!("red");
        assert!(err(v).message().contains("remove it"));
    }

    #[test]
    fn wrong_types_name_the_field_and_the_type() {
        for (field, bad, needle) in [
            ("amount", json!("100"), "must be an integer, got a string"),
            ("amount", json!(100.5), "must be an integer (got 100.5)"),
            ("amount", json!(true), "got a boolean"),
            ("amount", json!(u64::MAX), "too large"),
            (
                "description",
                json!(["a"]),
                "must be a string, got an array",
            ),
            (
                "transaction_id",
                json!(172),
                "must be a string, got an integer",
            ),
            ("lock_phone_number", json!("true"), "must be a boolean"),
            ("invoice_data", json!(["a"]), "must be an object"),
            (
                "invoice_data",
                json!({"a": 1}),
                "value of \"a\" must be a string",
            ),
            ("currency", json!("EUR"), "is not accepted"),
            ("lang", json!("de"), "use one of fr, en"),
        ] {
            let mut v = minimal();
            v[field] = bad;
            let e = err(v);
            assert_eq!(e.field(), Some(field));
            assert!(e.message().contains(needle), "{field}: {}", e.message());
        }
    }

    #[test]
    fn null_counts_as_absent() {
        let mut v = minimal();
        v["metadata"] = Value::Null;
        v["lang"] = Value::Null;
        PaymentPayload::from_value(&v).expect("nulls for optional fields");
        v["amount"] = Value::Null;
        assert_eq!(err(v).message(), "is required");
    }

    #[test]
    fn non_objects_and_bad_json_are_request_errors() {
        assert_eq!(err(json!([1])).field(), Some("request"));
        let e = PaymentPayload::from_json_str("{\"amount\": 1").expect_err("truncated");
        assert_eq!(e.field(), Some("request"));
        assert!(e.message().contains("not valid JSON"));
    }

    #[test]
    fn credentials_are_kept_and_masked() {
        let mut v = minimal();
        v["apikey"] = json!("SECRET-KEY-123");
        v["site_id"] = json!("445160");
        let p = PaymentPayload::from_value(&v).expect("parse");
        assert_eq!(
            p.apikey.as_ref().map(|s| s.expose()),
            Some("SECRET-KEY-123")
        );
        assert!(!format!("{p:?}").contains("SECRET-KEY-123"));
    }
}
