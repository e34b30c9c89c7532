//! Requests as the endpoints see them and replies before they become HTTP, with the shapes
//! every endpoint shares: CinetPay's JSON envelope, plain text, HTML and JSON.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// The reply to one request, before it becomes HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Content-Type of `body`.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
    /// `Retry-After` seconds, for 429.
    pub retry_after: Option<u32>,
    /// For the log line: the API code (or the page's name).
    pub outcome: String,
}

/// The parts of a request the endpoints look at.
pub struct Incoming<'a> {
    /// The `User-Agent` header, if any.
    pub user_agent: Option<&'a str>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The raw body.
    pub body: &'a [u8],
}

/// An `api_response_id` shaped like CinetPay's: `1663323067.7677`.
pub(crate) fn api_response_id() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{}.{:04}",
        now.as_secs(),
        now.subsec_millis() * 10 + fastrand::u32(0..10)
    )
}

/// CinetPay's error envelope: `{code, message, description, api_response_id}`.
pub(crate) fn envelope(status: u16, code: &str, message: &str, description: &str) -> Reply {
    let body = json!({
        "code": code,
        "message": message,
        "description": description,
        "api_response_id": api_response_id(),
    });
    json_reply(status, &body, code)
}

/// The 608 envelope CinetPay answers for a missing or malformed field.
pub(crate) fn missing_field(description: &str) -> Reply {
    envelope(400, "608", "MINIMUM_REQUIRED_FIELDS", description)
}

/// Any body with its content type.
pub(crate) fn page(status: u16, content_type: &'static str, body: &str, outcome: &str) -> Reply {
    Reply {
        status,
        content_type,
        body: body.to_owned(),
        retry_after: None,
        outcome: outcome.to_owned(),
    }
}

/// A plain-text body.
pub(crate) fn text(status: u16, body: &str, outcome: &str) -> Reply {
    page(status, "text/plain; charset=UTF-8", body, outcome)
}

/// An HTML page.
pub(crate) fn html(status: u16, body: String, outcome: &str) -> Reply {
    Reply {
        status,
        content_type: "text/html; charset=UTF-8",
        body,
        retry_after: None,
        outcome: outcome.to_owned(),
    }
}

/// A JSON body.
pub(crate) fn json_reply(status: u16, body: &Value, outcome: &str) -> Reply {
    Reply {
        status,
        content_type: "application/json",
        body: body.to_string(),
        retry_after: None,
        outcome: outcome.to_owned(),
    }
}

/// `site_id` as CinetPay takes it: a string, or a number written as one.
pub(crate) fn string_or_number(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}
