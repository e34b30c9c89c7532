//! Decoding CinetPay's answers (`POST /v2/payment` into a [`PaymentLink`], `POST
//! /v2/payment/check` into a [`PaymentStatus`]) or a typed [`Error`].
//!
//! CinetPay reports errors in three ways, all handled here: a JSON envelope with a non-`201`
//! `code` (with HTTP 200 or 4xx alike), an HTML or text page from its front (403, error 1010,
//! the 400 "accès interdit" page, 5xx), and HTTP 429 with or without a body.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{ApiDetails, Error, ErrorCode, Result};
use crate::payment::PaymentLink;
use crate::status::PaymentStatus;

/// The largest response body the SDK reads; a larger one is a `response_too_large` error.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

#[derive(Deserialize)]
struct Envelope {
    code: Option<Value>,
    message: Option<Value>,
    description: Option<Value>,
    data: Option<Value>,
    api_response_id: Option<Value>,
}

/// A string, or a number written as one: CinetPay sends codes as `"608"` but some endpoints
/// send `0` or `201`.
fn text(v: Option<Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Decodes one answer to `POST /v2/payment`. `retry_after` is the parsed `Retry-After` header,
/// if any.
pub fn decode_payment_response(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<PaymentLink> {
    let (api, data) = read_envelope(status, retry_after, body)?;
    if api.code.as_deref() == Some("201") {
        return link(data, api.api_response_id).map_err(|e| e.with_http_status(status));
    }
    Err(api_error(status, retry_after, api))
}

/// Decodes one answer to `POST /v2/payment/check`.
///
/// An envelope with a `data` object is a status, whatever its code: the check endpoint reports
/// a failed *payment* as a normal answer (code `627` with status `REFUSED`). An envelope without
/// `data` is an error of the *request* (wrong apikey, unknown transaction), as CinetPay's PHP SDK
/// reads it.
pub fn decode_check_response(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<PaymentStatus> {
    let (api, data) = read_envelope(status, retry_after, body)?;
    // Codes that are errors of the request, whatever else the envelope carries.
    let request_error = api
        .code
        .as_deref()
        .is_some_and(|c| ["608", "609", "613", "624", "429", "1010"].contains(&c));
    match (api.code, data) {
        (Some(code), Some(Value::Object(data)))
            if !data.is_empty() && status < 429 && !request_error =>
        {
            Ok(PaymentStatus::from_envelope(
                code,
                api.message,
                data,
                api.api_response_id,
            ))
        }
        (code, _) => {
            let api = ApiDetails { code, ..api };
            if mentions_not_found(&api) {
                let error = Error::new(
                    ErrorCode::PaymentNotFound,
                    api_message("CinetPay has no such payment:", &api),
                )
                .with_http_status(status)
                .with_request_sent(true)
                .with_api(api);
                return Err(error);
            }
            Err(api_error(status, retry_after, api))
        }
    }
}

/// The envelope's fields, or the error for an answer that is not CinetPay's JSON.
fn read_envelope(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<(ApiDetails, Option<Value>)> {
    let trimmed = body.trim_ascii_start();
    let looks_json = trimmed.first().is_some_and(|b| *b == b'{' || *b == b'[');
    if !looks_json {
        return Err(page_error(status, retry_after, body));
    }
    if trimmed.first() == Some(&b'[') {
        // serde would read the envelope from an array, by position (found by fuzzing): CinetPay
        // answers an object, so an array is a page of the status, or undecodable at 2xx.
        return Err(match status {
            500.. => server_error(status, None),
            400.. => page_error(status, retry_after, body),
            _ => decode_error(
                status,
                "the JSON response is an array, not CinetPay's object",
            ),
        });
    }
    let envelope: Envelope = match serde_json::from_slice(trimmed) {
        Ok(env) => env,
        Err(e) if status >= 500 => return Err(server_error(status, None).with_source(e)),
        // A broken JSON body at an error status is read as a page of that status: a 429 stays
        // `too_many_requests` with its Retry-After (found by fuzzing: it was `decode`).
        Err(e) if status >= 400 => return Err(page_error(status, retry_after, body).with_source(e)),
        Err(e) => {
            return Err(Error::new(
                ErrorCode::Decode,
                format!("HTTP {status}: the response is not valid JSON ({e})"),
            )
            .with_http_status(status)
            .with_request_sent(true)
            .with_source(e));
        }
    };
    let api = ApiDetails {
        code: text(envelope.code),
        message: text(envelope.message),
        description: text(envelope.description),
        api_response_id: text(envelope.api_response_id),
    };
    if (200..300).contains(&status) && api.code.is_none() {
        return Err(decode_error(status, "the JSON response has no code"));
    }
    Ok((api, envelope.data))
}

/// Whether an error envelope of the check endpoint says the payment does not exist. CinetPay
/// does not document this answer; the markers are its usual wording ("introuvable", "not
/// found"), and 609's "Apikey introuvable" is left to its own code.
fn mentions_not_found(api: &ApiDetails) -> bool {
    // 609 is the apikey's "introuvable", 613 the site_id's: errors of the account, not of the
    // payment, whose hint ("initialise it again") would mislead.
    if matches!(api.code.as_deref(), Some("609" | "613")) {
        return false;
    }
    [&api.message, &api.description]
        .into_iter()
        .flatten()
        .any(|t| {
            let t = t.to_lowercase().replace('_', " ");
            (t.contains("not found") || t.contains("introuvable") || t.contains("inexistant"))
                && !t.contains("apikey")
                && !t.contains("site")
        })
}

/// "CinetPay answered 608 MINIMUM_REQUIRED_FIELDS: description".
fn api_message(prefix: &str, api: &ApiDetails) -> String {
    let mut message = String::from(prefix);
    for part in [&api.code, &api.message].into_iter().flatten() {
        message.push(' ');
        message.push_str(part.trim());
    }
    if let Some(d) = api
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        message.push_str(": ");
        message.push_str(d);
    }
    message
}

fn link(data: Option<Value>, api_response_id: Option<String>) -> Result<PaymentLink> {
    // The strings are moved out of `data`, which is dropped here: no copy per payment.
    let mut data = match data {
        Some(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let mut field = |name: &str| match data.swap_remove(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    };
    match (field("payment_token"), field("payment_url")) {
        (Some(payment_token), Some(payment_url)) => Ok(PaymentLink {
            payment_token,
            payment_url,
            api_response_id,
        }),
        _ => Err(Error::new(
            ErrorCode::Decode,
            "code 201 (CREATED) without data.payment_token and data.payment_url",
        )
        .with_request_sent(true)),
    }
}

fn api_error(status: u16, retry_after: Option<Duration>, api: ApiDetails) -> Error {
    let code = match api.code.as_deref() {
        Some("608") if mentions_account_currency(&api) => ErrorCode::CurrencyNotAllowed,
        Some("608") => ErrorCode::MinimumRequiredField,
        Some("609") => ErrorCode::AuthNotFound,
        Some("613") => ErrorCode::SiteIdNotValid,
        Some("624") => ErrorCode::ProcessingError,
        Some("429") => ErrorCode::TooManyRequests,
        Some("1010") => ErrorCode::UserAgentRequired,
        _ if status == 429 => ErrorCode::TooManyRequests,
        // The docs' only 403 is the Content-Type one, whatever the body.
        _ if status == 403 => ErrorCode::Forbidden,
        _ if status >= 500 => ErrorCode::ServerError,
        _ => ErrorCode::ApiError,
    };
    let message = api_message("CinetPay answered", &api);
    let reused = code == ErrorCode::MinimumRequiredField && mentions_reused_transaction_id(&api);
    let error = Error::new(code, message)
        .with_http_status(status)
        .with_retry_after(retry_after.filter(|_| code == ErrorCode::TooManyRequests))
        .with_request_sent(true)
        .with_api(api);
    if reused {
        // The generic 608 advice ("a parameter is missing") would send the merchant the wrong way.
        error.with_hint(
            "This transaction_id was already used: every payment needs a new one. If this was a \
             retry of a request whose answer you did not get, the first one may have created the \
             payment: check its status instead of creating another",
        )
    } else {
        error
    }
}

/// Whether CinetPay's texts say the transaction_id was used before (English or French).
fn mentions_reused_transaction_id(api: &ApiDetails) -> bool {
    [&api.message, &api.description]
        .into_iter()
        .flatten()
        .any(|t| {
            let t = t.to_lowercase();
            t.contains("already been used")
                || t.contains("already used")
                || t.contains("déjà utilisé")
                || t.contains("deja utilise")
        })
}

fn mentions_account_currency(api: &ApiDetails) -> bool {
    [&api.message, &api.description]
        .into_iter()
        .flatten()
        .any(|t| {
            let t = t.to_ascii_lowercase();
            t.contains("currency") && t.contains("account")
        })
}

/// An answer that is not CinetPay's JSON: a page from its front end, or garbage.
fn page_error(status: u16, retry_after: Option<Duration>, body: &[u8]) -> Error {
    let snippet = snippet(body);
    // Markers are searched in the whole page: Cloudflare's error 1010 page names the code deep
    // inside its HTML, far past the snippet.
    let page = String::from_utf8_lossy(body).to_lowercase();
    let (code, message) = match status {
        403 if mentions_1010(&page) => (
            ErrorCode::UserAgentRequired,
            format!(
                "HTTP 403, error 1010: CinetPay refused a request without User-Agent ({snippet})"
            ),
        ),
        403 => (ErrorCode::Forbidden, format!("HTTP 403: {snippet}")),
        429 => (
            ErrorCode::TooManyRequests,
            "HTTP 429: too many requests".to_owned(),
        ),
        // The docs' "Page 400 accès interdit"; any other 400 page is not that.
        400 if [
            "accès interdit",
            "acces interdit",
            "access denied",
            "accès refusé",
        ]
        .iter()
        .any(|marker| page.contains(marker)) =>
        {
            (
                ErrorCode::AccessDenied,
                format!("HTTP 400 access denied page: {snippet}"),
            )
        }
        500..=599 => return server_error(status, Some(&snippet)),
        300..=399 => (
            ErrorCode::Decode,
            format!(
                "HTTP {status}: unexpected redirect (redirects are not followed): check base_url"
            ),
        ),
        _ => (
            ErrorCode::Decode,
            format!("HTTP {status}: expected CinetPay's JSON, got {snippet}"),
        ),
    };
    Error::new(code, message)
        .with_http_status(status)
        .with_retry_after(retry_after.filter(|_| code == ErrorCode::TooManyRequests))
        .with_request_sent(true)
}

/// Whether a page names error 1010 as a number of its own (Cloudflare puts it in a `<span>`),
/// not as four digits inside a longer token such as a hexadecimal Ray ID.
fn mentions_1010(page: &str) -> bool {
    page.match_indices("1010").any(|(i, _)| {
        let before = page[..i].chars().next_back();
        let after = page[i + 4..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

fn server_error(status: u16, snippet: Option<&str>) -> Error {
    let mut message = format!("HTTP {status} from CinetPay");
    if let Some(s) = snippet.filter(|s| !s.is_empty() && *s != "an empty body") {
        message.push_str(": ");
        message.push_str(s);
    }
    Error::new(ErrorCode::ServerError, message)
        .with_http_status(status)
        .with_request_sent(true)
}

fn decode_error(status: u16, why: &str) -> Error {
    Error::new(ErrorCode::Decode, format!("HTTP {status}: {why}"))
        .with_http_status(status)
        .with_request_sent(true)
}

/// The start of a body as one printable line, for error messages.
fn snippet(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX * 4)]);
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() >= MAX {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| !c.is_control()));
    }
    if out.is_empty() {
        "an empty body".to_owned()
    } else {
        out
    }
}

/// `Retry-After` in seconds (the HTTP-date form is ignored: CinetPay has not been seen to use it).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATED: &str = r#"{"code":"201","message":"CREATED","description":"Transaction created with success","data":{"payment_token":"tok","payment_url":"https://checkout.cinetpay.com/payment/tok"},"api_response_id":"1632143554.8513"}"#;

    fn err(status: u16, body: &str) -> Error {
        decode_payment_response(status, None, body.as_bytes()).expect_err("error")
    }

    #[test]
    fn created_gives_the_link() {
        let link = decode_payment_response(200, None, CREATED.as_bytes()).expect("link");
        assert_eq!(link.payment_token, "tok");
        assert_eq!(link.api_response_id.as_deref(), Some("1632143554.8513"));
    }

    #[test]
    fn api_codes_map_with_http_200_or_4xx() {
        for status in [200, 400, 401, 404, 422] {
            for (api, code) in [
                ("608", ErrorCode::MinimumRequiredField),
                ("609", ErrorCode::AuthNotFound),
                ("613", ErrorCode::SiteIdNotValid),
                ("624", ErrorCode::ProcessingError),
                ("625", ErrorCode::ApiError),
            ] {
                let body = format!(
                    r#"{{"code":"{api}","message":"M","description":"D","api_response_id":"1.2"}}"#
                );
                let e = err(status, &body);
                assert_eq!(e.code(), code, "{status} {api}");
                assert_eq!(e.http_status(), Some(status));
                assert_eq!(e.api_code(), Some(api));
                assert_eq!(e.description(), Some("D"));
                assert_eq!(e.api_response_id(), Some("1.2"));
                assert_eq!(e.request_sent(), Some(true));
            }
        }
    }

    #[test]
    fn numeric_codes_are_read_as_strings() {
        assert_eq!(
            err(200, r#"{"code":609,"message":"AUTH_NOT_FOUND"}"#).api_code(),
            Some("609")
        );
    }

    #[test]
    fn the_currency_message_is_its_own_code() {
        let e = err(
            400,
            r#"{"code":"608","message":"MINIMUM_REQUIRED_FIELDS","description":"You cannot create a transaction in a different currency than the one allowed to your account. Transaction currency :'XAF' Account currency :'XOF'"}"#,
        );
        assert_eq!(e.code(), ErrorCode::CurrencyNotAllowed);
        assert!(e.hint().is_some_and(|h| h.contains("account manager")));
    }

    #[test]
    fn pages_map_by_status() {
        assert_eq!(
            err(403, "error code: 1010").code(),
            ErrorCode::UserAgentRequired
        );
        assert_eq!(
            err(403, "<html>403 Forbidden</html>").code(),
            ErrorCode::Forbidden
        );
        assert_eq!(
            err(400, "<html><h1>Page 400 accès interdit</h1></html>").code(),
            ErrorCode::AccessDenied
        );
        assert_eq!(
            err(502, "<html>Bad gateway</html>").code(),
            ErrorCode::ServerError
        );
        assert_eq!(err(503, "").code(), ErrorCode::ServerError);
        assert_eq!(
            err(200, "<html>maintenance</html>").code(),
            ErrorCode::Decode
        );
        assert_eq!(err(301, "").code(), ErrorCode::Decode);
        let e = decode_payment_response(429, Some(Duration::from_secs(7)), b"{not json")
            .expect_err("429 with a broken JSON body");
        assert_eq!(
            (e.code(), e.retry_after()),
            (ErrorCode::TooManyRequests, Some(Duration::from_secs(7)))
        );
        let e = decode_payment_response(429, Some(Duration::from_secs(7)), b"").expect_err("429");
        assert_eq!(e.code(), ErrorCode::TooManyRequests);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        let e = decode_payment_response(
            429,
            Some(Duration::from_secs(3)),
            br#"{"code":"429","message":"TOO_MANY_REQUEST"}"#,
        )
        .expect_err("429 json");
        assert_eq!(e.code(), ErrorCode::TooManyRequests);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn truncated_or_incomplete_json_is_a_decode_error() {
        assert_eq!(err(200, &CREATED[..40]).code(), ErrorCode::Decode);
        assert_eq!(
            err(200, r#"{"code":"201","message":"CREATED"}"#).code(),
            ErrorCode::Decode
        );
        assert_eq!(err(200, r#"{"message":"?"}"#).code(), ErrorCode::Decode);
        assert_eq!(err(500, &CREATED[..40]).code(), ErrorCode::ServerError);
    }

    #[test]
    fn a_created_payments_data_is_read_as_an_object_only() {
        // serde would read a struct from an array by position; `data` must be an object.
        let array = r#"{"code":"201","data":["tok","https://checkout.example/p/tok"]}"#;
        assert_eq!(err(200, array).code(), ErrorCode::Decode);
        // A key given twice: the last one, as JSON parsers read it.
        let twice =
            r#"{"code":"201","data":{"payment_token":"a","payment_token":"b","payment_url":"u"}}"#;
        let link = decode_payment_response(200, None, twice.as_bytes()).expect("link");
        assert_eq!(link.payment_token, "b");
        // JSON that is not valid anywhere in the body is refused, `data` included.
        for bad in [r#""\ud800""#, "1e400"] {
            let body = format!(
                r#"{{"code":"201","data":{{"payment_token":"t","payment_url":"u","x":{bad}}}}}"#
            );
            assert_eq!(err(200, &body).code(), ErrorCode::Decode, "{body}");
        }
    }

    #[test]
    fn an_array_is_never_read_as_the_envelope() {
        // Found by fuzzing: serde reads a struct from an array by position.
        let array = r#"["201",null,null,{"payment_token":"t","payment_url":"u"},null]"#;
        let e = err(200, array);
        assert_eq!(e.code(), ErrorCode::Decode);
        assert!(e.message().contains("an array"), "{}", e.message());
        assert_eq!(err(503, array).code(), ErrorCode::ServerError);
        assert!(decode_check_response(200, None, array.as_bytes()).is_err());
    }

    #[test]
    fn snippets_are_one_bounded_line() {
        let s = snippet("<html>\n<body>\r\n".repeat(100).as_bytes());
        assert!(!s.contains('\n') && s.chars().count() <= 140, "{s}");
        assert_eq!(snippet(b""), "an empty body");
    }

    #[test]
    fn retry_after_seconds() {
        assert_eq!(parse_retry_after(" 12 "), Some(Duration::from_secs(12)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn pages_are_classified_from_the_documented_markers() {
        // A JSON body at 403 is still the documented 403.
        assert_eq!(
            err(403, r#"{"error":"forbidden"}"#).code(),
            ErrorCode::Forbidden
        );
        // Cloudflare's 1010 page names the code far past the snippet.
        let cloudflare = format!(
            "<!DOCTYPE html><html><head><title>Access denied</title></head><body>{}\
             <span>Error code 1010</span></body></html>",
            "<div class=\"filler\">Cloudflare</div>".repeat(40)
        );
        assert_eq!(err(403, &cloudflare).code(), ErrorCode::UserAgentRequired);
        assert_eq!(
            err(400, "<h1>Page 400 accès interdit</h1>").code(),
            ErrorCode::AccessDenied
        );
        // Any other 400 page is not the documented one.
        assert_eq!(err(400, "Bad Request").code(), ErrorCode::Decode);
        // Four digits inside a Ray ID are not error 1010.
        assert_eq!(
            err(403, "<p>Ray ID: 7d1010ab9c</p>").code(),
            ErrorCode::Forbidden
        );
    }

    #[test]
    fn a_reused_transaction_id_gets_its_own_hint() {
        let e = err(
            400,
            r#"{"code":"608","message":"MINIMUM_REQUIRED_FIELDS","description":"transaction_id has already been used"}"#,
        );
        assert_eq!(e.code(), ErrorCode::MinimumRequiredField);
        assert!(
            e.hint().is_some_and(|h| h.contains("already used")),
            "{:?}",
            e.hint()
        );
        let generic = err(400, r#"{"code":"608","message":"MINIMUM_REQUIRED_FIELDS"}"#);
        assert_eq!(generic.hint(), ErrorCode::MinimumRequiredField.hint());
    }
}
