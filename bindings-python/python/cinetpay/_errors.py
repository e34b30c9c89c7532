"""The exceptions raised by :mod:`cinetpay`, one class per family of the core's stable codes."""

from __future__ import annotations

import builtins
from typing import Any, Dict, Optional, Union

__all__ = [
    "CinetPayError",
    "ValidationError",
    "AuthenticationError",
    "RateLimitError",
    "APIError",
    "NetworkError",
    "TimeoutError",
]

_FIELDS = (
    "code",
    "family",
    "message",
    "field",
    "http_status",
    "api_code",
    "description",
    "api_response_id",
    "hint",
    "retry_after",
    "request_sent",
)


class CinetPayError(Exception):
    """Base class of every error the SDK raises.

    Attributes:
        code: the stable code string shared by every language (``"auth_not_found"``, ...).
        family: the code's family in the core's error table (``"validation"``, ``"rate_limit"``,
            ...); it decides the class.
        message: one line saying what went wrong, and for local errors how to fix it.
        http_status: the HTTP status of CinetPay's answer, when there was one.
        api_code: CinetPay's own code (``"608"``, ``"609"``, ...), when it sent one.
        description: CinetPay's description, which often names the faulty field.
        api_response_id: CinetPay's response id: quote it to CinetPay support.
        hint: the cause and the fix; every code has one.
        request_sent: whether the request reached CinetPay; ``True`` on a timeout or broken
            connection means the payment may exist, so check it before trying again.

    ``str(error)`` is one line, the same in every language; it never contains the api key or
    the secret key.
    """

    code: str
    family: str
    message: str
    field: Optional[str]
    http_status: Optional[int]
    api_code: Optional[str]
    description: Optional[str]
    api_response_id: Optional[str]
    hint: Optional[str]
    retry_after: Optional[float]
    request_sent: Optional[bool]

    def __init__(
        self,
        message: str,
        *,
        code: str = "internal",
        family: str = "internal",
        field: Optional[str] = None,
        http_status: Optional[int] = None,
        api_code: Optional[str] = None,
        description: Optional[str] = None,
        api_response_id: Optional[str] = None,
        hint: Optional[str] = None,
        retry_after: Optional[float] = None,
        request_sent: Optional[bool] = None,
        display: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.family = family
        self.message = message
        self.field = field
        self.http_status = http_status
        self.api_code = api_code
        self.description = description
        self.api_response_id = api_response_id
        self.hint = hint
        self.retry_after = retry_after
        self.request_sent = request_sent
        self._display = display or f"{code}: {message}"

    def __str__(self) -> str:
        return self._display

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def __reduce__(self) -> Any:
        state = {name: getattr(self, name) for name in _FIELDS}
        state["display"] = self._display
        return (_rebuild, (type(self), state))


class ValidationError(CinetPayError, ValueError):
    """A request or configuration field broke a rule; nothing was sent. ``field`` names it."""


class AuthenticationError(CinetPayError):
    """CinetPay did not recognise the apikey (``auth_not_found``) or site_id
    (``site_id_not_valid``)."""


class RateLimitError(CinetPayError):
    """CinetPay throttled the merchant (HTTP 429). ``retry_after`` is in seconds, when sent."""


class APIError(CinetPayError):
    """CinetPay refused the request or failed (any other API code, HTTP 403/400 pages, 5xx,
    or an answer that is not what the API documents)."""


class NetworkError(CinetPayError):
    """The connection failed or broke. See ``request_sent``."""


class TimeoutError(NetworkError, builtins.TimeoutError):  # noqa: A001 - mirrors the SDK's name
    """No complete answer in time. Also a :class:`builtins.TimeoutError`."""


# One class per family of the core's error table; the error object names its family. An unknown
# family (a newer core) gets the base class, never a guess.
_CLASS_BY_FAMILY: Dict[str, type] = {
    "validation": ValidationError,
    "authentication": AuthenticationError,
    "rate_limit": RateLimitError,
    "api": APIError,
    "network": NetworkError,
    "timeout": TimeoutError,
    "internal": CinetPayError,
}


def _rebuild(cls: type, state: Dict[str, Any]) -> CinetPayError:
    state = dict(state)
    message = state.pop("message")
    error: CinetPayError = cls(message, **state)
    return error


def _from_native(info: Union[str, Dict[str, Any]]) -> CinetPayError:
    """The public exception for a core error, given as its JSON object (``Error::to_json``)."""
    if isinstance(info, str):
        import json

        info = json.loads(info)
    assert isinstance(info, dict)
    if "family" not in info:
        from ._cinetpay import ERROR_FAMILIES

        info = {**info, "family": ERROR_FAMILIES.get(info["code"], "internal")}
    cls = _CLASS_BY_FAMILY.get(info["family"], CinetPayError)
    return _rebuild(cls, info)
