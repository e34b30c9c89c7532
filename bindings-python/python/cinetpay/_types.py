"""The results of the SDK's operations, built from the core's JSON objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Tuple

__all__ = ["Notification", "NotificationOutcome", "PaymentLink", "PaymentStatus", "SeamlessCheckout", "SeamlessConfig"]


@dataclass(frozen=True)
class PaymentLink:
    """A created payment: send the customer to ``payment_url``.

    Attributes:
        payment_url: the hosted checkout page to redirect the customer to.
        payment_token: CinetPay's token for this payment.
        api_response_id: CinetPay's id for this API response (quote it to CinetPay support).
    """

    payment_url: str
    payment_token: str
    api_response_id: Optional[str] = None

    @classmethod
    def _from_result(cls, result: Mapping[str, Any]) -> "PaymentLink":
        # Every init_payment builds one: filled in directly rather than through the frozen
        # dataclass's __init__, which sets each field with object.__setattr__ (half the cost of
        # the Python side of a call). Still frozen: assigning a field raises. This needs a
        # __dict__ (no slots=True) and skips any __post_init__ (there is none).
        link = object.__new__(cls)
        fields = link.__dict__
        fields["payment_url"] = result["payment_url"]
        fields["payment_token"] = result["payment_token"]
        fields["api_response_id"] = result.get("api_response_id")
        return link


@dataclass(frozen=True)
class Notification:
    """A notification whose ``x-token`` was verified: CinetPay sent it.

    It says only that the transaction changed; it is not its status. Check the payment before
    delivering anything, and treat notifications as repeatable (the same one may come twice).

    Attributes are the 16 signed form fields, with CinetPay's names; ``fields`` holds every
    field received, the unsigned ones too.
    """

    cpm_site_id: str
    cpm_trans_id: str
    cpm_trans_date: str
    cpm_amount: str
    cpm_currency: str
    signature: str
    payment_method: str
    cel_phone_num: str
    cpm_phone_prefixe: str
    cpm_language: str
    cpm_version: str
    cpm_payment_config: str
    cpm_page_action: str
    cpm_custom: str
    cpm_designation: str
    cpm_error_message: str
    fields: Mapping[str, str] = field(hash=False, compare=False)

    @property
    def transaction_id(self) -> str:
        """The ``transaction_id`` given at initialisation (``cpm_trans_id``)."""
        return self.cpm_trans_id

    @classmethod
    def _from_result(cls, result: Mapping[str, Any]) -> "Notification":
        signed = {name: str(result.get(name, "")) for name in cls.__dataclass_fields__ if name != "fields"}
        return cls(**signed, fields=dict(result))


@dataclass(frozen=True)
class PaymentStatus:
    """A payment's status of record, from ``check_payment`` (``POST /v2/payment/check``).

    A failed or pending payment is a status, not an exception. Deliver only when
    :attr:`is_paid` and :attr:`amount`/:attr:`currency` match the order.

    Attributes:
        code: CinetPay's code, a string: ``"00"`` when paid, ``"627"`` cancelled, ...
        message: CinetPay's message for the code (``"SUCCES"``, ``"TRANSACTION_CANCEL"``, ...).
        status: ``"ACCEPTED"``, ``"REFUSED"``, ``"WAITING_FOR_CUSTOMER"``, or any other value
            CinetPay sent, verbatim.
        amount: the amount as an ``int`` (CinetPay sends a string); ``None`` if absent.
        currency, payment_method, description, metadata, operator_id: as CinetPay sent them,
            ``None`` when absent or blank.
        payment_date: ``"YYYY-MM-DD HH:MM:SS"``; ``None`` when CinetPay sends a blank (not paid).
        fund_availability_date: when the funds become available.
        api_response_id: CinetPay's id for this answer (quote it to support).
        is_paid: code ``00`` and status ``ACCEPTED``.
        is_final: the payment will not change any more (CinetPay's code table); ``False`` while
            the customer has not finished.
        data: CinetPay's ``data`` object as received, for fields other API versions send.
    """

    code: str
    message: str
    status: str
    amount: Optional[int]
    currency: Optional[str]
    payment_method: Optional[str]
    description: Optional[str]
    metadata: Optional[str]
    operator_id: Optional[str]
    payment_date: Optional[str]
    fund_availability_date: Optional[str]
    api_response_id: Optional[str]
    is_paid: bool
    is_final: bool
    data: Mapping[str, Any] = field(hash=False, compare=False, repr=False)

    @classmethod
    def _from_result(cls, result: Mapping[str, Any]) -> "PaymentStatus":
        fields: Dict[str, Any] = {name: result.get(name) for name in cls.__dataclass_fields__}
        return cls(**fields)


@dataclass(frozen=True)
class NotificationOutcome:
    """What ``handle_notification`` decided for a verified notification.

    Attributes:
        outcome: ``"paid"`` (code 00, ACCEPTED, and the expected amount and currency: deliver,
            once), ``"failed"`` (a final failure, or paid with another amount or currency: do
            not deliver) or ``"pending"`` (the customer has not finished; another notification
            will come).
        reason: one sentence saying why, for logs.
        skipped_checks: ``"amount"`` and/or ``"currency"`` when no expected value was given.
        transaction_id: the merchant's ``transaction_id``.
        status: the status of record from ``check_payment``.
        notification: the verified notification.
    """

    outcome: str
    reason: str
    skipped_checks: Tuple[str, ...]
    transaction_id: str
    status: PaymentStatus
    notification: Notification

    @property
    def is_paid(self) -> bool:
        """``outcome == "paid"``."""
        return self.outcome == "paid"

    @classmethod
    def _from_result(cls, result: Mapping[str, Any]) -> "NotificationOutcome":
        return cls(
            outcome=result["outcome"],
            reason=result["reason"],
            skipped_checks=tuple(result["skipped_checks"]),
            transaction_id=result["transaction_id"],
            status=PaymentStatus._from_result(result["status"]),
            notification=Notification._from_result(result["notification"]),
        )


class SeamlessConfig(Dict[str, Any]):
    """The object for ``CinetPay.setConfig``: ``apikey``, ``site_id``, ``notify_url`` and
    ``mode`` (PRODUCTION, or EMULATOR when the client points at the emulator).

    A plain ``dict`` for ``json.dumps`` and templates (Django's ``json_script``), whose
    ``repr()`` masks the apikey: the page needs the key (CinetPay's design), logs must not show
    it.
    """

    def __repr__(self) -> str:
        shown = {k: ("***" if k == "apikey" else v) for k, v in self.items()}
        return f"SeamlessConfig({shown!r})"

    __str__ = __repr__


@dataclass(frozen=True)
class SeamlessCheckout:
    """What a page needs for CinetPay's Seamless SDK, made by ``seamless_checkout``.

    Load ``script_url``, then call ``CinetPay.setConfig(set_config)`` and
    ``CinetPay.getCheckout(get_checkout)`` (embed both with ``json.dumps`` or ``json_script``).

    Attributes:
        script_url: CinetPay's script, or the emulator's stand-in when the client's
            ``base_url`` is a loopback host: the same page runs in production and offline.
        set_config: the object for ``setConfig`` (its ``repr()`` masks the apikey).
        get_checkout: the object for ``getCheckout``: the validated request with CinetPay's
            names, normalised as for ``init_payment``.
    """

    script_url: str
    set_config: SeamlessConfig
    get_checkout: Dict[str, Any]

    def as_dict(self) -> Dict[str, Any]:
        """``{script_url, set_config, get_checkout}``, for ``json.dumps``; contains the apikey."""
        return {"script_url": self.script_url, "set_config": dict(self.set_config), "get_checkout": dict(self.get_checkout)}

    @classmethod
    def _from_result(cls, result: Mapping[str, Any]) -> "SeamlessCheckout":
        return cls(
            script_url=result["script_url"],
            set_config=SeamlessConfig(result["set_config"]),
            get_checkout=dict(result["get_checkout"]),
        )
