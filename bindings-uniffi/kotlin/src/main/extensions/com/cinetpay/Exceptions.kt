// Hand-written: the generated sources (src/main/kotlin) are regenerated, this file is not.
package com.cinetpay

/**
 * The fields every [CinetPayException] family carries, read from any of them, so that
 * `catch (e: CinetPayException) { log(e.code) }` needs no `when`. (uniffi declares them on each
 * subclass; a subclass's own property is used when the type is known.)
 */
private class Fields(
    val code: String,
    val reason: String,
    val field: String?,
    val httpStatus: UShort?,
    val apiCode: String?,
    val apiResponseId: String?,
    val hint: String?,
    val requestSent: Boolean?,
)

private val CinetPayException.fields: Fields
    get() = when (this) {
        is CinetPayException.Validation -> Fields(code, reason, field, httpStatus, apiCode, apiResponseId, hint, requestSent)
        is CinetPayException.Authentication -> Fields(code, reason, field, httpStatus, apiCode, apiResponseId, hint, requestSent)
        is CinetPayException.RateLimit -> Fields(code, reason, field, httpStatus, apiCode, apiResponseId, hint, requestSent)
        is CinetPayException.Api -> Fields(code, reason, field, httpStatus, apiCode, apiResponseId, hint, requestSent)
        is CinetPayException.Network -> Fields(code, reason, field, httpStatus, apiCode, apiResponseId, hint, requestSent)
        is CinetPayException.Timeout -> Fields(code, reason, field, httpStatus, apiCode, apiResponseId, hint, requestSent)
        is CinetPayException.Internal -> Fields(code, reason, field, httpStatus, apiCode, apiResponseId, hint, requestSent)
    }

/** The stable code every language shares (`validation_error`, `auth_not_found`, ...). */
val CinetPayException.code: String get() = fields.code

/** A one-line explanation. */
val CinetPayException.reason: String get() = fields.reason

/** The request or settings field at fault, for validation errors. */
val CinetPayException.field: String? get() = fields.field

/** The HTTP status of CinetPay's answer, when there was one. */
val CinetPayException.httpStatus: UShort? get() = fields.httpStatus

/** CinetPay's own code (`608`, `609`, ...). */
val CinetPayException.apiCode: String? get() = fields.apiCode

/** CinetPay's id for this answer; quote it to support. */
val CinetPayException.apiResponseId: String? get() = fields.apiResponseId

/** The cause and the fix. */
val CinetPayException.hint: String? get() = fields.hint

/**
 * Whether the request reached CinetPay: when true after a timeout or a broken connection, check
 * the payment before initialising it again.
 */
val CinetPayException.requestSent: Boolean? get() = fields.requestSent

/** The family's stable string (`validation`, `authentication`, `rate_limit`, `api`, ...). */
val CinetPayException.family: String
    get() = when (this) {
        is CinetPayException.Validation -> "validation"
        is CinetPayException.Authentication -> "authentication"
        is CinetPayException.RateLimit -> "rate_limit"
        is CinetPayException.Api -> "api"
        is CinetPayException.Network -> "network"
        is CinetPayException.Timeout -> "timeout"
        is CinetPayException.Internal -> "internal"
    }
