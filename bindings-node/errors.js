'use strict';
// The error classes of the cinetpay package: one per family of the core's stable codes.

/** Base class of every error the SDK throws. */
class CinetPayError extends Error {
  constructor(message, info = {}) {
    super(message);
    this.name = new.target.name;
    /** The stable code string shared by every language ('auth_not_found', ...). */
    this.code = info.code ?? 'internal';
    /** The code's family in the core's error table ('validation', 'rate_limit', ...). */
    this.family = info.family ?? 'internal';
    this.field = info.field ?? null;
    this.httpStatus = info.http_status ?? null;
    this.apiCode = info.api_code ?? null;
    this.description = info.description ?? null;
    this.apiResponseId = info.api_response_id ?? null;
    this.hint = info.hint ?? null;
    /** Seconds CinetPay asked to wait (HTTP Retry-After), for rate limits. */
    this.retryAfter = info.retry_after ?? null;
    /** Whether the request reached CinetPay: true on a timeout means the payment may exist. */
    this.requestSent = info.request_sent ?? null;
  }

  /**
   * Every field, `name` and `message` included: `JSON.stringify(error)` (a log line, an error
   * handler's `res.json`) would otherwise leave out the message, which is not enumerable.
   * Errors never hold the apikey or the secret key.
   */
  toJSON() {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      family: this.family,
      field: this.field,
      httpStatus: this.httpStatus,
      apiCode: this.apiCode,
      description: this.description,
      apiResponseId: this.apiResponseId,
      hint: this.hint,
      retryAfter: this.retryAfter,
      requestSent: this.requestSent,
    };
  }
}

/** A request or configuration field broke a rule; nothing was sent. `field` names it. */
class ValidationError extends CinetPayError {}
/** CinetPay did not recognise the apikey (auth_not_found) or the site_id (site_id_not_valid). */
class AuthenticationError extends CinetPayError {}
/** CinetPay throttled the merchant (HTTP 429); see `retryAfter`. */
class RateLimitError extends CinetPayError {}
/** CinetPay refused the request or failed (other API codes, 403/400 pages, 5xx, bad answers). */
class APIError extends CinetPayError {}
/** The connection failed or broke; see `requestSent`. */
class NetworkError extends CinetPayError {}
/** No complete answer in time. */
class TimeoutError extends NetworkError {}

// One class per family of the core's error table; the error object names its family. An
// unknown family (a newer core) gets the base class, never a guess.
const CLASS_BY_FAMILY = {
  validation: ValidationError,
  authentication: AuthenticationError,
  rate_limit: RateLimitError,
  api: APIError,
  network: NetworkError,
  timeout: TimeoutError,
  internal: CinetPayError,
};

/** The error for a core error's info (the JSON the native layer sends). */
function fromInfo(info) {
  const Class = CLASS_BY_FAMILY[info.family] ?? CinetPayError;
  // The core's one-line form, the same as str(error) in Python, getMessage() in PHP and Display
  // in Rust: "code: field: message (api_response_id ...)".
  const display = typeof info.display === 'string' ? info.display : `${info.code}: ${info.message}`;
  return new Class(display, info);
}

/** Turns an error thrown by the native layer into its CinetPayError; other errors pass through. */
function fromNative(e) {
  const marker = 'cinetpay:';
  if (e && typeof e.message === 'string' && e.message.startsWith(marker)) {
    try {
      return fromInfo(JSON.parse(e.message.slice(marker.length)));
    } catch {
      return new CinetPayError(e.message);
    }
  }
  return e;
}

function validation(field, message) {
  return fromInfo({ code: 'validation_error', family: 'validation', field, message, display: `validation_error: ${field}: ${message}`, request_sent: false });
}

module.exports = {
  CLASS_BY_FAMILY,
  CinetPayError,
  ValidationError,
  AuthenticationError,
  RateLimitError,
  APIError,
  NetworkError,
  TimeoutError,
  fromInfo,
  fromNative,
  validation,
};
