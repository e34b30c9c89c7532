"""The results of the SDK's operations, built from the core's JSON objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

__all__ = ["Notification", "PaymentLink"]


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
        return cls(
            payment_url=result["payment_url"],
            payment_token=result["payment_token"],
            api_response_id=result.get("api_response_id"),
        )


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
