//! Notifications CinetPay POSTs to `notify_url`, and their `x-token` (HMAC-SHA256).
//!
//! From CinetPay's HMAC page (see `shared/reference/cinetpay-api.md`, section 2): the token is
//! `hash_hmac('SHA256', data, secret_key)` in lowercase hex, where `data` concatenates, with no
//! separator and in this exact order, the 16 form values as received ([`NOTIFICATION_FIELDS`]);
//! an absent field contributes the empty string. It is compared in constant time.
//!
//! A verified notification says only that CinetPay sent it. It is not the payment's status:
//! check the payment before delivering anything (the docs' handler flow).

use ring::hmac;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode, Result};

/// The form fields that make up the `x-token`, in the documented order.
pub const NOTIFICATION_FIELDS: [&str; 16] = [
    "cpm_site_id",
    "cpm_trans_id",
    "cpm_trans_date",
    "cpm_amount",
    "cpm_currency",
    "signature",
    "payment_method",
    "cel_phone_num",
    "cpm_phone_prefixe",
    "cpm_language",
    "cpm_version",
    "cpm_payment_config",
    "cpm_page_action",
    "cpm_custom",
    "cpm_designation",
    "cpm_error_message",
];

/// A notification form: the 16 documented values, as received (absent ones empty), plus any
/// other field CinetPay added, kept but not signed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotificationForm {
    values: Vec<(String, String)>,
}

impl NotificationForm {
    /// From the raw `application/x-www-form-urlencoded` body.
    pub fn from_urlencoded(body: &[u8]) -> Result<NotificationForm> {
        let form = NotificationForm {
            values: url::form_urlencoded::parse(body).into_owned().collect(),
        };
        form.no_repeated_signed_field()?;
        Ok(form)
    }

    /// CinetPay sends each field once. A signed field given twice would let the form verify
    /// with one value while the application reads the other, so it is refused.
    fn no_repeated_signed_field(&self) -> Result<()> {
        for field in NOTIFICATION_FIELDS {
            if self.values.iter().filter(|(k, _)| k == field).count() > 1 {
                return Err(Error::validation(
                    "form",
                    format!("the signed field {field} is given more than once"),
                ));
            }
        }
        Ok(())
    }

    /// From a JSON object of strings (a framework's parsed form). A list value (a field a
    /// framework collected as several) must hold one string; a signed field with several values
    /// is refused, as in a raw body.
    pub fn from_value(form: &Value) -> Result<NotificationForm> {
        let obj = form.as_object().ok_or_else(|| {
            Error::validation(
                "form",
                "must be the notification's form fields, as an object",
            )
        })?;
        let mut values = Vec::new();
        for (key, value) in obj {
            match value {
                Value::String(s) => values.push((key.clone(), s.clone())),
                Value::Array(items) => {
                    for item in items {
                        match item {
                            Value::String(s) => values.push((key.clone(), s.clone())),
                            _ => return Err(not_text(key)),
                        }
                    }
                }
                Value::Null => {}
                Value::Number(n) => values.push((key.clone(), n.to_string())),
                _ => return Err(not_text(key)),
            }
        }
        let form = NotificationForm { values };
        form.no_repeated_signed_field()?;
        Ok(form)
    }

    /// The value of `field`, or the empty string (an absent field signs as empty).
    pub fn get(&self, field: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The signed data: the 16 values concatenated in the documented order.
    fn signed_data(&self) -> String {
        NOTIFICATION_FIELDS.iter().map(|f| self.get(f)).collect()
    }

    /// Every field, as a JSON object (the verified notification handed to bindings).
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        for field in NOTIFICATION_FIELDS {
            map.insert(field.to_owned(), Value::from(self.get(field)));
        }
        for (k, v) in &self.values {
            map.entry(k.clone())
                .or_insert_with(|| Value::from(v.clone()));
        }
        Value::Object(map)
    }
}

fn not_text(key: &str) -> Error {
    let shown: String = key.chars().take(64).collect();
    Error::validation("form", format!("field {shown:?} must be a string"))
}

fn key(secret_key: Option<&str>) -> Result<hmac::Key> {
    match secret_key.filter(|s| !s.is_empty()) {
        Some(secret) => Ok(hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes())),
        None => Err(Error::new(
            ErrorCode::SecretKeyRequired,
            "verifying or signing a notification needs the client's secret_key",
        )),
    }
}

/// The `x-token` CinetPay sends for `form`, in lowercase hex (for testing your own handler).
pub fn sign(form: &NotificationForm, secret_key: Option<&str>) -> Result<String> {
    let tag = hmac::sign(&key(secret_key)?, form.signed_data().as_bytes());
    Ok(tag.as_ref().iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks `x_token` against `form` in constant time; returns the form when CinetPay signed it.
pub fn verify(form: &NotificationForm, x_token: &str, secret_key: Option<&str>) -> Result<()> {
    let key = key(secret_key)?;
    let invalid = || {
        Error::new(
            ErrorCode::InvalidNotification,
            "the x-token does not match this form signed with your secret_key",
        )
    };
    // The exact text CinetPay sends, as PHP's hash_equals compares it: 64 lowercase hex digits.
    let tag = decode_lower_hex(x_token).ok_or_else(invalid)?;
    hmac::verify(&key, form.signed_data().as_bytes(), &tag).map_err(|_| invalid())
}

fn decode_lower_hex(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_signed_form_verifies_and_any_change_does_not() {
        let form =
            NotificationForm::from_value(&json!({"cpm_site_id": "445160", "cpm_trans_id": "T1",
            "cpm_amount": "100", "cpm_currency": "XOF"}))
            .expect("form");
        let token = sign(&form, Some("secret")).expect("sign");
        assert_eq!(token.len(), 64);
        verify(&form, &token, Some("secret")).expect("verifies");
        for other_spelling in [
            token.to_uppercase(),
            format!(" {token}"),
            token[..62].to_owned(),
        ] {
            assert!(
                verify(&form, &other_spelling, Some("secret")).is_err(),
                "{other_spelling}"
            );
        }
        let e = verify(&form, &token, Some("other")).expect_err("wrong key");
        assert_eq!(e.code(), ErrorCode::InvalidNotification);
        let tampered = NotificationForm::from_value(&json!({"cpm_site_id": "445160",
            "cpm_trans_id": "T1", "cpm_amount": "1000", "cpm_currency": "XOF"}))
        .expect("form");
        assert!(verify(&tampered, &token, Some("secret")).is_err());
        assert!(verify(&form, "not hex", Some("secret")).is_err());
        let e = verify(&form, &token, None).expect_err("no key");
        assert_eq!(e.code(), ErrorCode::SecretKeyRequired);
    }

    #[test]
    fn urlencoded_and_mapping_forms_sign_alike() {
        let raw =
            NotificationForm::from_urlencoded(b"cpm_trans_id=T%201&cpm_site_id=445160&extra=x")
                .expect("form");
        let map =
            NotificationForm::from_value(&json!({"cpm_site_id": "445160", "cpm_trans_id": "T 1"}))
                .expect("form");
        assert_eq!(sign(&raw, Some("k")).ok(), sign(&map, Some("k")).ok());
        assert_eq!(raw.to_json()["extra"], "x");
    }

    #[test]
    fn a_signed_field_given_twice_is_refused() {
        let e =
            NotificationForm::from_urlencoded(b"cpm_trans_id=B&cpm_trans_id=A").expect_err("twice");
        assert_eq!(e.field(), Some("form"));
        assert!(NotificationForm::from_value(&json!({"cpm_trans_id": ["B", "A"]})).is_err());
        NotificationForm::from_value(&json!({"cpm_trans_id": ["A"], "extra": ["x", "y"]}))
            .expect("one value, and unsigned repeats");
    }
}
