"""The results of the SDK's operations, built from the core's JSON objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

__all__ = ["PaymentLink"]


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
