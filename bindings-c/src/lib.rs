//! The C ABI of the CinetPay SDK: JSON in, JSON out, and the caller frees what it receives.
//!
//! Every entry point checks its pointers and catches panics, so no input can crash the host
//! process (a PHP-FPM worker, say). Strings returned through out-pointers are allocated here and
//! must be released with `cinetpay_string_free`; clients with `cinetpay_client_free`.
//!
//! A `CinetPayClient` may be used from several threads at once: each thread's calls run on that
//! thread with its own connection (`cinetpay::bridge::call_blocking`), and each call blocks only
//! its own thread.
// The C ABI is made of raw pointers and exported symbols: unsafe code is the point of this crate.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use sdk::{Error as CoreError, ErrorCode, bridge};

/// Status of a call: `CINETPAY_OK`, or the error's stable code. The error JSON's `"code"` holds
/// the same code as a string, as in every other language.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CinetPayStatus {
    /// Success.
    CinetpayOk = 0,
    /// `validation_error`: a field or argument broke a rule; nothing was sent.
    CinetpayErrValidation = 1,
    /// `minimum_required_field` (CinetPay 608).
    CinetpayErrMinimumRequiredField = 2,
    /// `currency_not_allowed` (CinetPay 608, currency message).
    CinetpayErrCurrencyNotAllowed = 3,
    /// `auth_not_found` (CinetPay 609).
    CinetpayErrAuthNotFound = 4,
    /// `site_id_not_valid` (CinetPay 613).
    CinetpayErrSiteIdNotValid = 5,
    /// `processing_error` (CinetPay 624).
    CinetpayErrProcessingError = 6,
    /// `forbidden` (HTTP 403 page).
    CinetpayErrForbidden = 7,
    /// `too_many_requests` (HTTP 429).
    CinetpayErrTooManyRequests = 8,
    /// `user_agent_required` (error 1010).
    CinetpayErrUserAgentRequired = 9,
    /// `access_denied` (the 400 page).
    CinetpayErrAccessDenied = 10,
    /// `api_error`: any other CinetPay code.
    CinetpayErrApiError = 11,
    /// `server_error` (HTTP 5xx).
    CinetpayErrServerError = 12,
    /// `timeout`.
    CinetpayErrTimeout = 13,
    /// `network`.
    CinetpayErrNetwork = 14,
    /// `decode`: an answer the API does not document.
    CinetpayErrDecode = 15,
    /// `response_too_large`.
    CinetpayErrResponseTooLarge = 16,
    /// `internal`: a bug in the SDK (a caught panic); please report it.
    CinetpayErrInternal = 17,
    /// `invalid_notification`: a notification's x-token does not match its form.
    CinetpayErrInvalidNotification = 18,
    /// `secret_key_required`: verifying or signing a notification needs the secret key.
    CinetpayErrSecretKeyRequired = 19,
    /// `payment_not_found`: check_payment found no payment with this id.
    CinetpayErrPaymentNotFound = 20,
    /// `tls`: the server's certificate was refused (unknown authority, expired, another
    /// host's); nothing was sent.
    CinetpayErrTls = 21,
}

const STATUS_BY_CODE: &[(ErrorCode, CinetPayStatus)] = &[
    (ErrorCode::Validation, CinetPayStatus::CinetpayErrValidation),
    (
        ErrorCode::MinimumRequiredField,
        CinetPayStatus::CinetpayErrMinimumRequiredField,
    ),
    (
        ErrorCode::CurrencyNotAllowed,
        CinetPayStatus::CinetpayErrCurrencyNotAllowed,
    ),
    (
        ErrorCode::AuthNotFound,
        CinetPayStatus::CinetpayErrAuthNotFound,
    ),
    (
        ErrorCode::SiteIdNotValid,
        CinetPayStatus::CinetpayErrSiteIdNotValid,
    ),
    (
        ErrorCode::ProcessingError,
        CinetPayStatus::CinetpayErrProcessingError,
    ),
    (ErrorCode::Forbidden, CinetPayStatus::CinetpayErrForbidden),
    (
        ErrorCode::TooManyRequests,
        CinetPayStatus::CinetpayErrTooManyRequests,
    ),
    (
        ErrorCode::UserAgentRequired,
        CinetPayStatus::CinetpayErrUserAgentRequired,
    ),
    (
        ErrorCode::AccessDenied,
        CinetPayStatus::CinetpayErrAccessDenied,
    ),
    (ErrorCode::ApiError, CinetPayStatus::CinetpayErrApiError),
    (
        ErrorCode::ServerError,
        CinetPayStatus::CinetpayErrServerError,
    ),
    (ErrorCode::Timeout, CinetPayStatus::CinetpayErrTimeout),
    (ErrorCode::Network, CinetPayStatus::CinetpayErrNetwork),
    (ErrorCode::Decode, CinetPayStatus::CinetpayErrDecode),
    (
        ErrorCode::ResponseTooLarge,
        CinetPayStatus::CinetpayErrResponseTooLarge,
    ),
    (ErrorCode::Internal, CinetPayStatus::CinetpayErrInternal),
    (
        ErrorCode::InvalidNotification,
        CinetPayStatus::CinetpayErrInvalidNotification,
    ),
    (
        ErrorCode::SecretKeyRequired,
        CinetPayStatus::CinetpayErrSecretKeyRequired,
    ),
    (
        ErrorCode::PaymentNotFound,
        CinetPayStatus::CinetpayErrPaymentNotFound,
    ),
    (ErrorCode::Tls, CinetPayStatus::CinetpayErrTls),
];

fn status_of(code: ErrorCode) -> CinetPayStatus {
    STATUS_BY_CODE
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(CinetPayStatus::CinetpayErrInternal, |(_, s)| *s)
}

/// An opaque client. Create with `cinetpay_client_new`, release with `cinetpay_client_free`.
pub struct CinetPayClient {
    inner: sdk::Client,
}

fn error_object(e: &CoreError) -> String {
    e.to_json().to_string()
}

/// A string for the caller to free with `cinetpay_string_free`. JSON never holds a NUL byte
/// (serde_json escapes it), so this cannot fail; NULL is returned if it somehow did.
fn to_c(s: String) -> *mut c_char {
    CString::new(s).map_or(ptr::null_mut(), CString::into_raw)
}

/// Writes `s` through `out` when `out` is not NULL.
///
/// # Safety
/// `out` must be NULL or valid for one pointer write.
unsafe fn put(out: *mut *mut c_char, s: String) {
    if !out.is_null() {
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { *out = to_c(s) };
    }
}

/// Reads a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string.
unsafe fn arg<'a>(p: *const c_char, name: &str) -> Result<&'a str, CoreError> {
    if p.is_null() {
        return Err(CoreError::validation(
            name,
            "is NULL: pass a NUL-terminated JSON string",
        ));
    }
    // SAFETY: checked non-NULL; the caller guarantees NUL termination.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .map_err(|_| CoreError::validation(name, "is not valid UTF-8"))
}

fn panicked() -> CoreError {
    CoreError::new(
        ErrorCode::Internal,
        "the SDK panicked; please report this bug",
    )
}

fn build_client(config_json: &str) -> Result<CinetPayClient, CoreError> {
    // The core's one settings schema, as every language hands it over.
    let mut settings = bridge::parse_input(config_json).map_err(|e| {
        CoreError::validation(
            "config_json",
            format!("{}: send a JSON object", e.message()),
        )
    })?;
    // The User-Agent names this binding, then the caller's own app_info, if any.
    if let Some(obj) = settings.as_object_mut() {
        let ours = format!("cinetpay-c/{}", sdk::VERSION);
        let info = match obj.get("app_info").and_then(|v| v.as_str()) {
            Some(theirs) if !theirs.trim().is_empty() => format!("{ours} {theirs}"),
            _ => ours,
        };
        obj.insert("app_info".to_owned(), info.into());
    }
    Ok(CinetPayClient {
        inner: bridge::client_from_settings(&settings, false)?,
    })
}

/// Creates a client from a JSON object:
/// `{"api_key", "site_id", "secret_key", "base_url", "timeout_ms", "connect_timeout_ms",
/// "max_retries"}` (api_key and site_id required; base_url defaults to CinetPay's API).
///
/// Returns NULL on error, with `*error_json` set to an error object (when `error_json` is not
/// NULL); free it with `cinetpay_string_free`.
///
/// # Safety
/// `config_json` must be NULL or a NUL-terminated string; `error_json` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cinetpay_client_new(
    config_json: *const c_char,
    error_json: *mut *mut c_char,
) -> *mut CinetPayClient {
    // SAFETY (for the closure): the caller's guarantees above.
    let result = catch_unwind(AssertUnwindSafe(|| {
        build_client(unsafe { arg(config_json, "config_json") }?)
    }))
    .unwrap_or_else(|_| Err(panicked()));
    match result {
        Ok(client) => {
            if !error_json.is_null() {
                // SAFETY: checked non-NULL; the caller guarantees it is writable.
                unsafe { *error_json = ptr::null_mut() };
            }
            Box::into_raw(Box::new(client))
        }
        Err(e) => {
            // SAFETY: the caller's guarantee on error_json.
            unsafe { put(error_json, error_object(&e)) };
            ptr::null_mut()
        }
    }
}

/// Calls the operation named `operation` (`"init_payment"`, ...; the list is in the README) with
/// a JSON object, and is the entry every operation goes through; the named functions below are
/// thin wrappers around it.
///
/// Returns `CINETPAY_OK` with `*result_json` = the operation's JSON result, or an error status
/// with `*result_json` = the error object `{"code", "family", "message", "http_status",
/// "api_code", "description", "api_response_id", "field", "hint", ...}`. Free `*result_json`
/// with `cinetpay_string_free`. A NULL `result_json` is refused with `CINETPAY_ERR_VALIDATION`
/// (nothing can be reported). An unknown operation is a `CINETPAY_ERR_VALIDATION` on the field
/// `operation`.
///
/// Blocks the calling thread until CinetPay answers; safe to call from many threads at once.
///
/// # Safety
/// `client` must be NULL or a live client; `operation` and `input_json` NULL or NUL-terminated
/// strings; `result_json` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cinetpay_call(
    client: *const CinetPayClient,
    operation: *const c_char,
    input_json: *const c_char,
    result_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller's guarantees, passed on.
    unsafe {
        call_named(
            client,
            Operation::Given(operation),
            input_json,
            "input_json",
            result_json,
        )
    }
}

/// Which operation a C entry point calls.
enum Operation {
    /// The caller's `operation` argument.
    Given(*const c_char),
    /// A named wrapper's own operation.
    Fixed(&'static str),
}

/// The body of `cinetpay_call` and of its named wrappers, which report a NULL input under their
/// own parameter's name (`request_json` for `cinetpay_init_payment`).
///
/// # Safety
/// As for `cinetpay_call`.
unsafe fn call_named(
    client: *const CinetPayClient,
    operation: Operation,
    input_json: *const c_char,
    input_name: &str,
    result_json: *mut *mut c_char,
) -> i32 {
    let result = catch_unwind(AssertUnwindSafe(|| {
        if result_json.is_null() {
            return Err(CoreError::validation(
                "result_json",
                "is NULL: pass the address of a char *",
            ));
        }
        if client.is_null() {
            return Err(CoreError::validation(
                "client",
                "is NULL: create one with cinetpay_client_new",
            ));
        }
        // SAFETY: checked non-NULL; the caller guarantees it is a live client.
        let client = unsafe { &*client };
        let operation = match operation {
            // SAFETY: the caller's guarantee on the string.
            Operation::Given(p) => unsafe { arg(p, "operation") }?,
            Operation::Fixed(name) => name,
        };
        // SAFETY: the caller's guarantee on the string.
        let input = unsafe { arg(input_json, input_name) }?;
        let input = bridge::parse_input(input)?;
        bridge::call_blocking(&client.inner, operation, &input)
    }))
    .unwrap_or_else(|_| Err(panicked()));
    match result {
        Ok(value) => {
            // SAFETY: checked non-NULL above (an Ok result implies it).
            unsafe { put(result_json, value.to_string()) };
            CinetPayStatus::CinetpayOk as i32
        }
        Err(e) => {
            // SAFETY: the caller's guarantee on result_json; `put` ignores NULL.
            unsafe { put(result_json, error_object(&e)) };
            status_of(e.code()) as i32
        }
    }
}

/// The SDK's schema as a JSON object: `operations`, `settings`, `fields`, `required`,
/// `currencies`, `channels`, `langs`, and `errors` (each code's `family`, `c_status` and
/// `hint`). Wrappers such as the PHP package hold their tables to it. Free the string with
/// `cinetpay_string_free`; NULL only if the SDK failed (a caught panic).
#[unsafe(no_mangle)]
pub extern "C" fn cinetpay_schema() -> *mut c_char {
    catch_unwind(|| to_c(bridge::schema().to_string())).unwrap_or(ptr::null_mut())
}

/// Initialises a payment: `cinetpay_call(client, "init_payment", request_json, result_json)`.
/// `request_json` holds CinetPay's field names, as in its docs.
///
/// Returns `CINETPAY_OK` with `*result_json` =
/// `{"payment_token", "payment_url", "api_response_id"}`, or an error status with the error
/// object (see `cinetpay_call`). Free `*result_json` with `cinetpay_string_free`.
///
/// # Safety
/// As for `cinetpay_call`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cinetpay_init_payment(
    client: *const CinetPayClient,
    request_json: *const c_char,
    result_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller's guarantees, passed on.
    unsafe {
        call_named(
            client,
            Operation::Fixed("init_payment"),
            request_json,
            "request_json",
            result_json,
        )
    }
}

/// A payment's status of record: `cinetpay_call(client, "check_payment", lookup_json,
/// result_json)`. `lookup_json` is `{"transaction_id": "..."}` or `{"token": "..."}`.
///
/// Returns `CINETPAY_OK` with `*result_json` = `{"code", "message", "status", "amount",
/// "currency", "payment_method", "description", "metadata", "operator_id", "payment_date",
/// "fund_availability_date", "api_response_id", "is_paid", "is_final", "data"}`: a failed or
/// pending payment is a status, not an error. `CINETPAY_ERR_PAYMENT_NOT_FOUND` when CinetPay has
/// no such payment. Network failures, timeouts, 5xx and 429 are retried.
///
/// # Safety
/// As for `cinetpay_call`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cinetpay_check_payment(
    client: *const CinetPayClient,
    lookup_json: *const c_char,
    result_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller's guarantees, passed on.
    unsafe {
        call_named(
            client,
            Operation::Fixed("check_payment"),
            lookup_json,
            "lookup_json",
            result_json,
        )
    }
}

/// The objects a page passes to CinetPay's Seamless browser SDK: `cinetpay_call(client,
/// "seamless_checkout", request_json, result_json)`. `request_json` has initialisation's fields
/// and rules, with `return_url` optional (Seamless has no redirect back). Local: nothing is sent
/// or recorded, so store the order first.
///
/// Returns `CINETPAY_OK` with `*result_json` = `{"script_url", "set_config": {"apikey",
/// "site_id", "notify_url", "mode"}, "get_checkout": {...}}`: load `script_url` (CinetPay's
/// script, or the emulator's stand-in when `base_url` is a loopback host) and pass the two
/// objects to `CinetPay.setConfig` and `CinetPay.getCheckout`. It contains the apikey, which the
/// page needs: do not log it. A bad field is `CINETPAY_ERR_VALIDATION`, as for initialisation.
///
/// # Safety
/// As for `cinetpay_call`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cinetpay_seamless_checkout(
    client: *const CinetPayClient,
    request_json: *const c_char,
    result_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller's guarantees, passed on.
    unsafe {
        call_named(
            client,
            Operation::Fixed("seamless_checkout"),
            request_json,
            "request_json",
            result_json,
        )
    }
}

/// CinetPay's notification handling in one call: `cinetpay_call(client,
/// "handle_notification", input_json, result_json)` with `input_json` =
/// `{"body": "<raw urlencoded body>", "x_token": "...", "expected_amount": 100,
/// "expected_currency": "XOF"}` (or `"form": {...}` instead of `"body"`). Verifies the x-token
/// (`CINETPAY_ERR_INVALID_NOTIFICATION`, nothing checked), checks the payment, and returns
/// `{"outcome": "paid"|"failed"|"pending", "reason", "skipped_checks", "transaction_id",
/// "status", "notification"}`.
///
/// # Safety
/// As for `cinetpay_call`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cinetpay_handle_notification(
    client: *const CinetPayClient,
    input_json: *const c_char,
    result_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller's guarantees, passed on.
    unsafe {
        call_named(
            client,
            Operation::Fixed("handle_notification"),
            input_json,
            "input_json",
            result_json,
        )
    }
}

/// Releases a string this library returned. NULL is ignored.
///
/// # Safety
/// `s` must be NULL or a string returned by this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cinetpay_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller guarantees it came from CString::into_raw here.
        drop(unsafe { CString::from_raw(s) });
    }));
}

/// Releases a client. NULL is ignored. Calls in flight on other threads must have returned.
///
/// # Safety
/// `client` must be NULL or a client from `cinetpay_client_new`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cinetpay_client_free(client: *mut CinetPayClient) {
    if client.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller guarantees it came from Box::into_raw here.
        drop(unsafe { Box::from_raw(client) });
    }));
}

/// The library's version, e.g. `"0.1.0"`. Static: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn cinetpay_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The stable code string of a status (`"validation_error"`, ...; `"ok"` for `CINETPAY_OK`,
/// NULL for a number that is no status). Static: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn cinetpay_status_code(status: i32) -> *const c_char {
    static CODES: std::sync::OnceLock<Vec<(i32, CString)>> = std::sync::OnceLock::new();
    let codes = CODES.get_or_init(|| {
        let mut v = vec![(0, CString::from(c"ok"))];
        for (code, s) in STATUS_BY_CODE {
            if let Ok(c) = CString::new(code.as_str()) {
                v.push((*s as i32, c));
            }
        }
        v
    });
    codes
        .iter()
        .find(|(s, _)| *s == status)
        .map_or(ptr::null(), |(_, c)| c.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_its_own_status() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let status = status_of(*code);
            assert!(seen.insert(status as i32), "{code} shares a status");
            // The C enum is the core's error table (ErrorCode::c_status), number for number.
            assert_eq!(status as i32, code.c_status(), "{code}");
            // SAFETY: a static NUL-terminated string.
            let s = unsafe { CStr::from_ptr(cinetpay_status_code(status as i32)) };
            assert_eq!(s.to_str().ok(), Some(code.as_str()));
        }
        assert_eq!(seen.len(), STATUS_BY_CODE.len());
    }
}
