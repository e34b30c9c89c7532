"""CinetPay payments for Python: validated requests, typed errors, safe retries.

>>> import cinetpay
>>> client = cinetpay.Client(api_key="...", site_id="...")  # doctest: +SKIP
>>> link = client.init_payment(transaction_id="ORDER-1", amount=100, currency="XOF",
...     description="Order 1", notify_url="https://shop.example/notify",
...     return_url="https://shop.example/return")  # doctest: +SKIP
>>> link.payment_url  # doctest: +SKIP
"""

from ._cinetpay import ERROR_CODES, FIELDS, __version__
from ._client import AsyncClient, Client
from ._errors import (
    APIError,
    AuthenticationError,
    CinetPayError,
    NetworkError,
    RateLimitError,
    TimeoutError,
    ValidationError,
)
from ._params import PaymentParams, SeamlessParams
from ._types import Notification, NotificationOutcome, PaymentLink, PaymentStatus, SeamlessCheckout, SeamlessConfig

__all__ = [
    "Client",
    "AsyncClient",
    "PaymentLink",
    "Notification",
    "PaymentStatus",
    "NotificationOutcome",
    "PaymentParams",
    "SeamlessCheckout",
    "SeamlessConfig",
    "SeamlessParams",
    "CinetPayError",
    "ValidationError",
    "AuthenticationError",
    "RateLimitError",
    "APIError",
    "NetworkError",
    "TimeoutError",
    "ERROR_CODES",
    "FIELDS",
    "__version__",
]
