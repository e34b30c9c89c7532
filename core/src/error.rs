//! The one error type of the SDK, and its stable machine codes.
//!
//! Every binding (Python, Node, C, Kotlin/Swift) keys off [`ErrorCode::as_str`], so those strings
//! are part of the public contract: new codes may be added, existing ones never change meaning.

use std::fmt;
use std::time::Duration;

/// A stable, machine-readable category for an [`Error`].
///
/// The string form ([`ErrorCode::as_str`]) is the same in every language the SDK ships to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A request or configuration field failed a local rule; nothing was sent. See [`Error::field`].
    Validation,
    /// CinetPay code 608: a required field is missing, misnamed or invalid.
    MinimumRequiredField,
    /// CinetPay code 608 with the currency message: the account does not accept this currency.
    CurrencyNotAllowed,
    /// CinetPay code 609 (`AUTH_NOT_FOUND`): the apikey is wrong.
    AuthNotFound,
    /// CinetPay code 613 (`ERROR_SITE_ID_NOTVALID`): the site_id is wrong.
    SiteIdNotValid,
    /// CinetPay code 624: wrong apikey, or `lock_phone_number` with a bad `customer_phone_number`.
    ProcessingError,
    /// HTTP 403 page: usually a request that was not sent as JSON.
    Forbidden,
    /// HTTP 429 / `TOO_MANY_REQUEST`: CinetPay throttled the merchant. See [`Error::retry_after`].
    TooManyRequests,
    /// Error 1010: the request had no `User-Agent` (the SDK always sends one).
    UserAgentRequired,
    /// The HTTP 400 "accès interdit" page: unidentified service or `localhost` URLs.
    AccessDenied,
    /// Any other error code returned by CinetPay. See [`Error::api_code`].
    ApiError,
    /// HTTP 5xx from CinetPay.
    ServerError,
    /// The request timed out. See [`Error::request_sent`] for whether the payment may exist.
    Timeout,
    /// The connection failed or broke. See [`Error::request_sent`].
    Network,
    /// The response was not what the API documents (HTML, truncated JSON, missing fields).
    Decode,
    /// The response body was larger than the SDK accepts (1 MiB).
    ResponseTooLarge,
    /// A bug in the SDK, such as a caught panic in a binding. Please report it.
    Internal,
    /// A notification whose `x-token` does not match its form: not sent by CinetPay, or signed
    /// with another secret key.
    InvalidNotification,
    /// Verifying or signing a notification needs the client's `secret_key`.
    SecretKeyRequired,
    /// `check_payment`: CinetPay has no payment with this `transaction_id` or token.
    PaymentNotFound,
    /// The server's TLS certificate could not be verified (unknown authority, expired, issued
    /// for another host name); nothing was sent. Verification cannot be turned off.
    Tls,
}

impl ErrorCode {
    /// Every code, in declaration order: bindings generate their tables from this list.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::Validation,
        ErrorCode::MinimumRequiredField,
        ErrorCode::CurrencyNotAllowed,
        ErrorCode::AuthNotFound,
        ErrorCode::SiteIdNotValid,
        ErrorCode::ProcessingError,
        ErrorCode::Forbidden,
        ErrorCode::TooManyRequests,
        ErrorCode::UserAgentRequired,
        ErrorCode::AccessDenied,
        ErrorCode::ApiError,
        ErrorCode::ServerError,
        ErrorCode::Timeout,
        ErrorCode::Network,
        ErrorCode::Decode,
        ErrorCode::ResponseTooLarge,
        ErrorCode::Internal,
        ErrorCode::InvalidNotification,
        ErrorCode::SecretKeyRequired,
        ErrorCode::PaymentNotFound,
        ErrorCode::Tls,
    ];

    /// This code's row of [`ERROR_TABLE`].
    pub const fn info(self) -> &'static ErrorInfo {
        // The table is in declaration order; a unit test holds it there.
        &ERROR_TABLE[self as usize]
    }

    /// The stable string shared by every language (`"validation_error"`, `"auth_not_found"`, ...).
    pub const fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The family every language's exception classes follow.
    pub const fn family(self) -> ErrorFamily {
        self.info().family
    }

    /// The number of the C enum `CinetPayStatus` for this code (`CINETPAY_OK` is 0).
    pub const fn c_status(self) -> i32 {
        self.info().c_status
    }

    /// The cause and the fix, from CinetPay's error table where the code comes from the API.
    /// Every code has one; an error may carry a more precise one ([`Error::hint`]).
    pub const fn hint(self) -> Option<&'static str> {
        Some(self.info().hint)
    }
}

/// What a caller can do about an error. Every language's exception classes follow the families
/// (Python's `AuthenticationError`, Node's `RateLimitError`, PHP's exception classes, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorFamily {
    /// A local rule refused the request or a setting; nothing was sent.
    Validation,
    /// The apikey or site_id is wrong.
    Authentication,
    /// CinetPay throttled the merchant.
    RateLimit,
    /// CinetPay refused or failed the request, or answered something undocumented.
    Api,
    /// The connection failed or broke.
    Network,
    /// No answer in time.
    Timeout,
    /// A bug in the SDK.
    Internal,
}

impl ErrorFamily {
    /// The stable string of the family (`"validation"`, `"rate_limit"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorFamily::Validation => "validation",
            ErrorFamily::Authentication => "authentication",
            ErrorFamily::RateLimit => "rate_limit",
            ErrorFamily::Api => "api",
            ErrorFamily::Network => "network",
            ErrorFamily::Timeout => "timeout",
            ErrorFamily::Internal => "internal",
        }
    }
}

/// One row of the error table: everything a language needs to know about a stable code.
#[derive(Debug)]
pub struct ErrorInfo {
    /// The code.
    pub code: ErrorCode,
    /// Its stable string.
    pub name: &'static str,
    /// Its number in the C enum `CinetPayStatus`.
    pub c_status: i32,
    /// Its family.
    pub family: ErrorFamily,
    /// Its cause and fix.
    pub hint: &'static str,
}

const fn row(
    code: ErrorCode,
    name: &'static str,
    c_status: i32,
    family: ErrorFamily,
    hint: &'static str,
) -> ErrorInfo {
    ErrorInfo {
        code,
        name,
        c_status,
        family,
        hint,
    }
}

/// The one error table, in [`ErrorCode`] declaration order. The C enum, the Python and Node class
/// maps and PHP's exception classes are held to it by tests in each binding.
pub const ERROR_TABLE: &[ErrorInfo] = {
    use ErrorCode as C;
    use ErrorFamily as F;
    &[
        row(
            C::Validation,
            "validation_error",
            1,
            F::Validation,
            "Fix the field the message names; nothing was sent, so the same transaction_id can \
             be used again",
        ),
        // CinetPay's error table: "608 Minimum required field".
        row(
            C::MinimumRequiredField,
            "minimum_required_field",
            2,
            F::Api,
            "A required parameter is missing or misnamed, the body is not JSON, or a value is \
             invalid: check the parameter table and the description",
        ),
        row(
            C::CurrencyNotAllowed,
            "currency_not_allowed",
            3,
            F::Api,
            "Your account only accepts its own currency (an account created in Cameroon can only \
             take XAF): contact your CinetPay account manager",
        ),
        row(
            C::AuthNotFound,
            "auth_not_found",
            4,
            F::Authentication,
            "The apikey is not correct: copy it again from the back-office (menu Intégration)",
        ),
        row(
            C::SiteIdNotValid,
            "site_id_not_valid",
            5,
            F::Authentication,
            "The site_id is not correct: copy it again from the back-office (menu Intégration)",
        ),
        row(
            C::ProcessingError,
            "processing_error",
            6,
            F::Api,
            "Either the apikey is wrong (copy it from the back-office, menu Intégration) or \
             lock_phone_number is true with a wrong customer_phone_number (set it to false or \
             fix the number)",
        ),
        row(
            C::Forbidden,
            "forbidden",
            7,
            F::Api,
            "The request must be sent with Content-Type: application/json",
        ),
        row(
            C::TooManyRequests,
            "too_many_requests",
            8,
            F::RateLimit,
            "CinetPay flagged the activity as suspicious: slow down, and initialise each \
             payment once with a unique transaction_id",
        ),
        row(
            C::UserAgentRequired,
            "user_agent_required",
            9,
            F::Api,
            "The request must carry a User-Agent header",
        ),
        row(
            C::AccessDenied,
            "access_denied",
            10,
            F::Api,
            "Identify your service in the back-office, and never use localhost in notify_url or \
             return_url: use your server's IP address instead, e.g. http://127.0.0.1",
        ),
        row(
            C::ApiError,
            "api_error",
            11,
            F::Api,
            "CinetPay refused the request with a code its docs do not list: read the description \
             and quote the api_response_id to CinetPay support",
        ),
        row(
            C::ServerError,
            "server_error",
            12,
            F::Api,
            "CinetPay had an internal error: check the payment's status with its transaction_id \
             before initialising it again",
        ),
        row(
            C::Timeout,
            "timeout",
            13,
            F::Timeout,
            "No answer in time: if the request was sent (request_sent), the payment may exist, so \
             check its status before initialising it again; otherwise retry",
        ),
        row(
            C::Network,
            "network",
            14,
            F::Network,
            "The connection failed: check that this server can reach the host named in the \
             message (DNS, firewall, proxy); if the request was sent (request_sent), check the \
             payment's status before initialising it again",
        ),
        row(
            C::Decode,
            "decode",
            15,
            F::Api,
            "CinetPay answered something its docs do not describe: retry later, and quote the \
             message to CinetPay support if it persists",
        ),
        row(
            C::ResponseTooLarge,
            "response_too_large",
            16,
            F::Api,
            "The answer was larger than any CinetPay response (1 MiB): check that base_url points \
             at CinetPay's API",
        ),
        row(
            C::Internal,
            "internal",
            17,
            F::Internal,
            "A bug in the SDK: please report it with the message",
        ),
        row(
            C::InvalidNotification,
            "invalid_notification",
            18,
            F::Validation,
            "Answer 401 and ignore this notification. If genuine ones fail too, check that \
             secret_key is the back-office Secret Key (not the apikey) and that the form is passed \
             as received",
        ),
        row(
            C::SecretKeyRequired,
            "secret_key_required",
            19,
            F::Validation,
            "Give the client your secret_key (back-office, menu Intégration) to verify \
             notifications",
        ),
        row(
            C::PaymentNotFound,
            "payment_not_found",
            20,
            F::Api,
            "CinetPay has no payment with this transaction_id or token for your site_id: check \
             the id and the account. After an init_payment that failed, it means the payment was \
             not created, so it can be initialised with the same transaction_id",
        ),
        row(
            C::Tls,
            "tls",
            21,
            F::Network,
            "The server's certificate was refused, so nothing was sent. Check the host name in \
             base_url and the machine's clock. Behind a proxy that re-signs TLS with a private \
             authority, give that authority's certificate as the ca_certificates setting (PEM). \
             Verification cannot be turned off",
        ),
    ]
};

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What CinetPay itself said, kept verbatim for support tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiDetails {
    /// CinetPay's `code` (`"608"`, `"609"`, ...), as a string since the API sends it as one.
    pub code: Option<String>,
    /// CinetPay's `message` (`"MINIMUM_REQUIRED_FIELDS"`, ...).
    pub message: Option<String>,
    /// CinetPay's `description`, which often names the faulty field.
    pub description: Option<String>,
    /// CinetPay's `api_response_id`: quote it to CinetPay support.
    pub api_response_id: Option<String>,
}

/// The error returned by every fallible operation of the SDK.
///
/// Match on [`Error::code`]; the accessors give the details that apply to that code.
/// Neither `Display` nor `Debug` ever contains the api key or the secret key.
#[derive(Debug)]
pub struct Error {
    // Boxed so that `Result<T, Error>` stays small on the success path.
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    code: ErrorCode,
    message: String,
    field: Option<String>,
    http_status: Option<u16>,
    api: Option<ApiDetails>,
    retry_after: Option<Duration>,
    request_sent: Option<bool>,
    /// A hint more precise than the code's, when the SDK knows the exact cause.
    hint: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// A new error of `code` with a one-line `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                code,
                message: message.into(),
                field: None,
                http_status: None,
                api: None,
                retry_after: None,
                request_sent: None,
                hint: None,
                source: None,
            }),
        }
    }

    /// A local validation error on `field`; `message` says what is wrong and how to fix it.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorCode::Validation, message);
        e.inner.field = Some(field.into());
        e.inner.request_sent = Some(false);
        e
    }

    pub(crate) fn with_http_status(mut self, status: u16) -> Self {
        self.inner.http_status = Some(status);
        self
    }

    pub(crate) fn with_api(mut self, api: ApiDetails) -> Self {
        self.inner.api = Some(api);
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.inner.retry_after = retry_after;
        self
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.inner.hint = Some(hint.into());
        self
    }

    pub(crate) fn with_request_sent(mut self, sent: bool) -> Self {
        self.inner.request_sent = Some(sent);
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Replaces every occurrence of `secret` in the texts that came from the server, in case
    /// CinetPay ever echoes the apikey back.
    pub(crate) fn redact(mut self, secret: &str) -> Self {
        // Too short a secret would mangle ordinary words; real apikeys are long.
        if secret.len() < 8 {
            return self;
        }
        let scrub = |s: &mut String| {
            if s.contains(secret) {
                *s = s.replace(secret, "***");
            }
        };
        scrub(&mut self.inner.message);
        if let Some(api) = &mut self.inner.api {
            for s in [
                &mut api.code,
                &mut api.message,
                &mut api.description,
                &mut api.api_response_id,
            ]
            .into_iter()
            .flatten()
            {
                scrub(s);
            }
        }
        self
    }

    /// The stable category of this error.
    pub fn code(&self) -> ErrorCode {
        self.inner.code
    }

    /// A one-line, human-readable explanation (without the code prefix).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// For validation errors: the request or configuration field at fault (e.g. `"amount"`).
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The HTTP status of the response, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }

    /// CinetPay's own code, message, description and response id, when the API answered.
    pub fn api(&self) -> Option<&ApiDetails> {
        self.inner.api.as_ref()
    }

    /// CinetPay's code (`"608"`, ...), when the API answered with one.
    pub fn api_code(&self) -> Option<&str> {
        self.inner.api.as_ref()?.code.as_deref()
    }

    /// CinetPay's `description`, when the API sent one.
    pub fn description(&self) -> Option<&str> {
        self.inner.api.as_ref()?.description.as_deref()
    }

    /// CinetPay's `api_response_id`, when the API sent one.
    pub fn api_response_id(&self) -> Option<&str> {
        self.inner.api.as_ref()?.api_response_id.as_deref()
    }

    /// For `too_many_requests`: how long CinetPay asked to wait (`Retry-After`), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Whether the request reached CinetPay. `Some(true)` on a timeout or broken connection means
    /// the payment may exist: check its status before initialising it again.
    pub fn request_sent(&self) -> Option<bool> {
        self.inner.request_sent
    }

    /// The cause and the fix: the code's hint ([`ErrorCode::hint`]), or a more precise one when
    /// the SDK knows the exact cause (a reused `transaction_id`, the host it could not reach).
    /// Every error has one.
    pub fn hint(&self) -> Option<&str> {
        self.inner.hint.as_deref().or(self.inner.code.hint())
    }

    /// The family of this error's code.
    pub fn family(&self) -> ErrorFamily {
        self.inner.code.family()
    }

    /// The error as the JSON object every binding hands to its language, so that all of them
    /// carry the same fields: `code`, `family`, `message`, `display` (the `Display` line), `field`,
    /// `http_status`, `api_code`, `description`, `api_response_id`, `hint`, `retry_after`
    /// (seconds) and `request_sent`; absent values are `null`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code().as_str(),
            "family": self.family().as_str(),
            "message": self.message(),
            "display": self.to_string(),
            "field": self.field(),
            "http_status": self.http_status(),
            "api_code": self.api_code(),
            "description": self.description(),
            "api_response_id": self.api_response_id(),
            "hint": self.hint(),
            "retry_after": self.retry_after().map(|d| d.as_secs_f64()),
            "request_sent": self.request_sent(),
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.inner.code)?;
        if let Some(field) = &self.inner.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.inner.message)?;
        if let Some(id) = self.api_response_id() {
            write!(f, " (api_response_id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Shorthand for `std::result::Result<T, cinetpay::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
        }
    }

    #[test]
    fn display_is_one_line_with_code_field_and_response_id() {
        let e = Error::validation(
            "amount",
            "must be a multiple of 5 (got 102): use 100 or 105",
        );
        assert_eq!(
            e.to_string(),
            "validation_error: amount: must be a multiple of 5 (got 102): use 100 or 105"
        );
        let e = Error::new(ErrorCode::AuthNotFound, "AUTH_NOT_FOUND").with_api(ApiDetails {
            api_response_id: Some("1632143554.8513".into()),
            ..ApiDetails::default()
        });
        assert_eq!(
            e.to_string(),
            "auth_not_found: AUTH_NOT_FOUND (api_response_id 1632143554.8513)"
        );
        assert!(!e.to_string().contains('\n'));
    }

    #[test]
    fn the_json_form_has_every_field() {
        let e = Error::validation("amount", "must be a multiple of 5");
        let v = e.to_json();
        assert_eq!(v["code"], "validation_error");
        assert_eq!(v["field"], "amount");
        assert_eq!(v["display"], e.to_string());
        assert_eq!(v["request_sent"], false);
        assert!(v["http_status"].is_null() && v["retry_after"].is_null());
        assert_eq!(v["family"], "validation");
        assert!(v["hint"].is_string());
        assert_eq!(v.as_object().map(|o| o.len()), Some(12));
    }

    #[test]
    fn the_table_is_in_declaration_order_and_complete() {
        assert_eq!(ERROR_TABLE.len(), ErrorCode::ALL.len());
        for (i, (row, code)) in ERROR_TABLE.iter().zip(ErrorCode::ALL).enumerate() {
            assert_eq!(row.code, *code, "row {i}");
            assert_eq!(*code as usize, i, "{code}");
            // C numbers: 1, 2, ... in order (0 is CINETPAY_OK).
            assert_eq!(row.c_status, i as i32 + 1, "{code}");
            assert!(!row.hint.is_empty(), "{code} has no hint");
        }
    }

    #[test]
    fn a_precise_hint_replaces_the_code_s() {
        let e = Error::new(ErrorCode::MinimumRequiredField, "m");
        assert_eq!(e.hint(), ErrorCode::MinimumRequiredField.hint());
        let e = e.with_hint("use a new transaction_id");
        assert_eq!(e.hint(), Some("use a new transaction_id"));
        assert_eq!(e.to_json()["hint"], "use a new transaction_id");
    }
}
