"""The synchronous and asyncio clients."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Optional

from . import _cinetpay
from ._cinetpay import PaymentLink

if TYPE_CHECKING:  # pragma: no cover
    from typing_extensions import Unpack

    from ._params import PaymentParams

__all__ = ["Client", "AsyncClient"]


def _app_info() -> str:
    impl = {"cpython": "CPython", "pypy": "PyPy"}.get(sys.implementation.name, sys.implementation.name)
    v = sys.version_info
    return f"cinetpay-python/{_cinetpay.__version__} {impl}/{v.major}.{v.minor}.{v.micro}"


class _Base:
    _native: Optional[_cinetpay.NativeClient]

    def __init__(
        self,
        api_key: Optional[str] = None,
        site_id: Optional[str] = None,
        *,
        secret_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_retries: int = 2,
    ) -> None:
        self._native = _cinetpay.NativeClient(
            api_key,
            site_id,
            secret_key,
            base_url,
            timeout,
            connect_timeout,
            max_retries,
            _app_info(),
        )

    @classmethod
    def _from_native(cls, native: _cinetpay.NativeClient) -> Any:
        client = cls.__new__(cls)
        client._native = native
        return client

    def _client(self) -> _cinetpay.NativeClient:
        if self._native is None:
            raise RuntimeError(f"this cinetpay.{type(self).__name__} is closed")
        return self._native

    @property
    def site_id(self) -> str:
        """The site_id this client sends."""
        return self._client().site_id

    @property
    def base_url(self) -> str:
        """The API base URL this client talks to."""
        return self._client().base_url

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` this client sends."""
        return self._client().user_agent

    def __repr__(self) -> str:
        if self._native is None:
            return f"<cinetpay.{type(self).__name__} closed>"
        return f"<cinetpay.{type(self).__name__} site_id={self.site_id!r} base_url={self.base_url!r}>"


class Client(_Base):
    """A CinetPay client for synchronous code (Django views, scripts, worker threads).

    Args:
        api_key: your apikey (back-office, menu Intégration).
        site_id: your site_id.
        secret_key: your secret key, to verify notifications.
        base_url: the API base URL; defaults to ``https://api-checkout.cinetpay.com``. Plain
            ``http://`` is accepted only for loopback hosts (the emulator).
        timeout: seconds one attempt may take in all.
        connect_timeout: seconds connecting may take.
        max_retries: retries of a connection that failed before the request was sent (0-10).

    A client is safe to share between threads and reuses connections; each call releases the
    GIL while it waits. ``repr()`` never shows the keys.
    """

    @classmethod
    def from_env(
        cls, *, timeout: float = 30.0, connect_timeout: float = 10.0, max_retries: int = 2
    ) -> "Client":
        """A client from ``CINETPAY_API_KEY``, ``CINETPAY_SITE_ID`` and the optional
        ``CINETPAY_SECRET_KEY`` and ``CINETPAY_BASE_URL``."""
        native = _cinetpay.NativeClient.from_env(timeout, connect_timeout, max_retries, _app_info())
        client: Client = cls._from_native(native)
        return client

    def init_payment(self, **payload: "Unpack[PaymentParams]") -> PaymentLink:
        """Creates a payment and returns the link to send the customer to.

        Keywords are CinetPay's field names, so a JSON object from CinetPay's docs can be passed
        as ``**payload``. Its ``apikey``/``site_id``, if present, must equal the client's.
        An unknown keyword raises :class:`ValidationError` naming it.

        Raises:
            ValidationError: a field breaks a rule; nothing was sent.
            AuthenticationError, RateLimitError, APIError, NetworkError, TimeoutError.
        """
        return self._client().init_payment(payload)

    def close(self) -> None:
        """Releases the connection pool; the client cannot be used afterwards."""
        self._native = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient(_Base):
    """The asyncio twin of :class:`Client`: same arguments, ``await client.init_payment(...)``.

    Calls never block the event loop; many may be in flight on one client. Use it as
    ``async with AsyncClient(...) as client:`` or call :meth:`aclose` when done.
    """

    @classmethod
    def from_env(
        cls, *, timeout: float = 30.0, connect_timeout: float = 10.0, max_retries: int = 2
    ) -> "AsyncClient":
        """An async client from the ``CINETPAY_*`` environment variables."""
        native = _cinetpay.NativeClient.from_env(timeout, connect_timeout, max_retries, _app_info())
        client: AsyncClient = cls._from_native(native)
        return client

    async def init_payment(self, **payload: "Unpack[PaymentParams]") -> PaymentLink:
        """Creates a payment; see :meth:`Client.init_payment`."""
        result: PaymentLink = await self._client().init_payment_async(payload)
        return result

    async def aclose(self) -> None:
        """Releases the connection pool; the client cannot be used afterwards."""
        self._native = None

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
