//! Client settings as one JSON object: the one schema every binding hands over as given, so a
//! bad setting is the same `validation_error` in every language.
//!
//! Keys (snake_case in every language; Node maps its camelCase options onto them one to one):
//! `api_key`, `site_id`, `secret_key`, `base_url`, `app_info`, `ca_certificates` (PEM text)
//! (strings); `timeout` and
//! `connect_timeout` in seconds, or `timeout_ms` and `connect_timeout_ms` in milliseconds
//! (positive numbers, not both forms of one); `max_retries` (an integer from 0 to
//! [`MAX_RETRIES_LIMIT`]). `null` counts as absent. An unknown key is refused, with a
//! suggestion when it looks like a typo.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::config::{ClientConfig, MAX_RETRIES_LIMIT};
use crate::error::{Error, Result};

/// Every key a settings object may hold.
pub const SETTINGS: &[&str] = &[
    "api_key",
    "site_id",
    "secret_key",
    "base_url",
    "app_info",
    "timeout",
    "timeout_ms",
    "connect_timeout",
    "connect_timeout_ms",
    "max_retries",
    "ca_certificates",
];

/// A configuration from `settings`. `api_key` and `site_id` are required, unless `base` (from
/// the `CINETPAY_*` variables) provides them; the settings given override `base`.
pub fn config_from_settings(settings: &Value, base: Option<ClientConfig>) -> Result<ClientConfig> {
    let obj = settings.as_object().ok_or_else(|| {
        Error::validation(
            "settings",
            "must be an object such as {\"api_key\": ..., \"site_id\": ...}",
        )
    })?;
    for key in obj.keys() {
        if !SETTINGS.contains(&key.as_str()) {
            return Err(unknown_setting(key));
        }
    }
    let given = |key: &str| obj.get(key).filter(|v| !v.is_null());
    let text = |key: &str| -> Result<Option<String>> {
        match given(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(Error::validation(
                key,
                format!("must be a string, got {}", kind(other)),
            )),
        }
    };
    let mut config = match base {
        Some(base) => base,
        None => ClientConfig::new(
            text("api_key")?.unwrap_or_default(),
            text("site_id")?.unwrap_or_default(),
        ),
    };
    if let Some(k) = text("api_key")? {
        config.api_key = k.into();
    }
    if let Some(s) = text("site_id")? {
        config.site_id = s;
    }
    if let Some(k) = text("secret_key")? {
        config = config.secret_key(k);
    }
    if let Some(pem) = text("ca_certificates")? {
        config = config.ca_certificates(pem);
    }
    if let Some(u) = text("base_url")? {
        config = config.base_url(u);
    }
    if let Some(info) = text("app_info")? {
        config.app_info = Some(info);
    }
    if let Some(d) = duration(obj, "timeout")? {
        config.timeout = d;
    }
    if let Some(d) = duration(obj, "connect_timeout")? {
        config.connect_timeout = d;
    }
    if let Some(v) = given("max_retries") {
        config.max_retries = v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n <= MAX_RETRIES_LIMIT)
            .ok_or_else(|| {
                Error::validation(
                    "max_retries",
                    format!("must be an integer from 0 to {MAX_RETRIES_LIMIT}, got {v}"),
                )
            })?;
    }
    Ok(config)
}

/// `name` in seconds or `name_ms` in milliseconds: a positive, finite number.
fn duration(obj: &Map<String, Value>, name: &str) -> Result<Option<Duration>> {
    let ms_name = format!("{name}_ms");
    let seconds = obj.get(name).filter(|v| !v.is_null());
    let millis = obj.get(&ms_name).filter(|v| !v.is_null());
    let (key, value, scale, unit) = match (seconds, millis) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err(Error::validation(
                name,
                format!("is given twice ({name} and {ms_name}): keep one"),
            ));
        }
        (Some(v), None) => (name, v, 1.0, "seconds"),
        (None, Some(v)) => (ms_name.as_str(), v, 1000.0, "milliseconds"),
    };
    value
        .as_f64()
        .and_then(|n| Duration::try_from_secs_f64(n / scale).ok())
        .filter(|d| !d.is_zero())
        .map(Some)
        .ok_or_else(|| {
            Error::validation(
                key,
                format!("must be a positive number of {unit}, got {value}"),
            )
        })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn unknown_setting(key: &str) -> Error {
    let suggestion = SETTINGS
        .iter()
        .map(|s| {
            (
                crate::payload::edit_distance(&key.to_ascii_lowercase(), s),
                s,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| format!(": did you mean {s}?"))
        .unwrap_or_else(|| format!(" (settings: {})", SETTINGS.join(", ")));
    let shown: String = key.chars().take(64).collect();
    Error::validation(shown, format!("is not a client setting{suggestion}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(v: Value) -> String {
        config_from_settings(&v, None)
            .map(|_| "(accepted)".to_owned())
            .unwrap_or_else(|e| e.field().unwrap_or("-").to_owned())
    }

    #[test]
    fn every_setting_is_read_with_its_unit() {
        let c = config_from_settings(
            &json!({"api_key": "k", "site_id": "1", "secret_key": "s", "base_url": "http://127.0.0.1:1",
                "app_info": "shop/1", "timeout": 2.5, "connect_timeout_ms": 750, "max_retries": 0}),
            None,
        )
        .expect("valid");
        assert_eq!(c.timeout, Duration::from_millis(2500));
        assert_eq!(c.connect_timeout, Duration::from_millis(750));
        assert_eq!((c.max_retries, c.app_info.as_deref()), (0, Some("shop/1")));
        assert_eq!(c.secret_key.as_ref().map(|s| s.expose()), Some("s"));
    }

    #[test]
    fn bad_settings_name_the_key() {
        assert_eq!(field_of(json!({"api_key": 1, "site_id": "1"})), "api_key");
        assert_eq!(
            field_of(json!({"api_key": "k", "site_id": "1", "timeout": 0})),
            "timeout"
        );
        assert_eq!(
            field_of(json!({"api_key": "k", "site_id": "1", "timeout_ms": -5})),
            "timeout_ms"
        );
        assert_eq!(
            field_of(json!({"api_key": "k", "site_id": "1", "timeout": 1, "timeout_ms": 1})),
            "timeout"
        );
        assert_eq!(
            field_of(json!({"api_key": "k", "site_id": "1", "max_retries": 11})),
            "max_retries"
        );
        assert_eq!(
            field_of(json!({"api_key": "k", "site_id": "1", "max_retries": 1.5})),
            "max_retries"
        );
        assert_eq!(field_of(json!({"apikey": "k", "site_id": "1"})), "apikey");
        let e = config_from_settings(&json!({"apikey": "k"}), None).expect_err("typo");
        assert!(e.message().contains("did you mean api_key"), "{e}");
        assert_eq!(field_of(json!([])), "settings");
        assert_eq!(
            field_of(json!({"api_key": null, "site_id": "1", "timeout": null})),
            "(accepted)"
        );
    }

    #[test]
    fn settings_override_the_environment() {
        let base = ClientConfig::new("env-key", "env-site");
        let c = config_from_settings(&json!({"site_id": "42", "max_retries": 1}), Some(base))
            .expect("valid");
        assert_eq!(
            (c.api_key.expose(), c.site_id.as_str(), c.max_retries),
            ("env-key", "42", 1)
        );
    }
}
