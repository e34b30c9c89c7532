"""The native half of :mod:`cinetpay` (Rust, pyo3). Use :mod:`cinetpay` instead."""

from typing import Awaitable, List, Mapping, Optional, final

__all__ = ["ERROR_CODES", "FIELDS", "NativeClient", "PaymentLink", "__version__"]

__version__: str
ERROR_CODES: List[str]
FIELDS: List[str]

@final
class PaymentLink:
    """A created payment: send the customer to ``payment_url``."""

    @property
    def payment_token(self) -> str: ...
    @property
    def payment_url(self) -> str: ...
    @property
    def api_response_id(self) -> Optional[str]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class NativeClient:
    def __new__(
        cls,
        api_key: Optional[str],
        site_id: Optional[str],
        secret_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_retries: int = 2,
        app_info: Optional[str] = None,
    ) -> NativeClient: ...
    @staticmethod
    def from_env(
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_retries: int = 2,
        app_info: Optional[str] = None,
    ) -> NativeClient: ...
    def init_payment(self, payload: Mapping[str, object]) -> PaymentLink: ...
    def init_payment_async(self, payload: Mapping[str, object]) -> Awaitable[PaymentLink]: ...
    @property
    def site_id(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def user_agent(self) -> str: ...
