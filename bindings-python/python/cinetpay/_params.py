"""Typed parameters of :meth:`cinetpay.Client.init_payment` and
:meth:`cinetpay.Client.seamless_checkout` (CinetPay's field names)."""

from __future__ import annotations

from typing import Dict, TypedDict

__all__ = ["PaymentParams", "SeamlessParams"]


class _RequiredParams(TypedDict):
    """The fields both operations require."""

    transaction_id: str
    amount: int
    currency: str
    description: str
    notify_url: str


class _OptionalParams(TypedDict, total=False):
    """The fields both operations accept."""

    apikey: str
    site_id: str
    channels: str
    lang: str
    metadata: str
    invoice_data: Dict[str, str]
    lock_phone_number: bool
    alternative_currency: str
    customer_id: str
    customer_name: str
    customer_surname: str
    customer_phone_number: str
    customer_email: str
    customer_address: str
    customer_city: str
    customer_country: str
    customer_state: str
    customer_zip_code: str


class _RequiredPaymentParams(_RequiredParams):
    return_url: str


class PaymentParams(_RequiredPaymentParams, _OptionalParams, total=False):
    """The keywords of ``init_payment``: CinetPay's parameter table.

    ``currency`` is one of XOF, XAF, CDF, GNF, USD; ``channels`` one of ALL (default),
    MOBILE_MONEY, CREDIT_CARD, WALLET; ``lang`` fr or en (any case for all three).
    """


class SeamlessParams(_RequiredParams, _OptionalParams, total=False):
    """The keywords of ``seamless_checkout``: those of ``init_payment``, with ``return_url``
    optional (the Seamless SDK has no redirect back)."""

    return_url: str
