"""The synchronous and asyncio clients."""

from __future__ import annotations

import sys
import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Type, TypeVar, Union

from . import _cinetpay
from ._cinetpay import NativeError
from ._errors import _from_native
from ._types import Notification, NotificationOutcome, PaymentLink, PaymentStatus, SeamlessCheckout

if TYPE_CHECKING:  # pragma: no cover
    import asyncio

    from typing_extensions import Unpack

    from ._params import PaymentParams, SeamlessParams

__all__ = ["Client", "AsyncClient"]


def _app_info() -> str:
    impl = {"cpython": "CPython", "pypy": "PyPy"}.get(sys.implementation.name, sys.implementation.name)
    v = sys.version_info
    return f"cinetpay-python/{_cinetpay.__version__} {impl}/{v.major}.{v.minor}.{v.micro}"


def _form_input(form: "Union[Mapping[str, Any], bytes, str]") -> Dict[str, Any]:
    """A notification form as the core takes it: the raw body, or the fields. A multi-value
    mapping (Django's QueryDict, Werkzeug's MultiDict, Starlette's FormData) hands over every
    value, so that a signed field sent twice is refused rather than read one way and verified
    the other."""
    if isinstance(form, bytes):
        return {"body": form.decode("utf-8", errors="replace")}
    if isinstance(form, str):
        return {"body": form}
    getlist = getattr(form, "getlist", None)
    if callable(getlist):
        return {"form": {key: list(getlist(key)) for key in form}}
    return {"form": {key: form[key] for key in form}}


def _lookup(transaction_id: Optional[str], token: Optional[str]) -> Dict[str, Any]:
    """check_payment's input; the core refuses none or both, naming the field."""
    return {k: v for k, v in (("transaction_id", transaction_id), ("token", token)) if v is not None}


def _handle_input(
    client: "_Base",
    form: "Union[Mapping[str, Any], bytes, str]",
    x_token: Optional[str],
    amount: "Union[int, Callable[[str], Any], None]",
    currency: Optional[str],
) -> Dict[str, Any]:
    """handle_notification's input. ``amount`` may be a callable taking the verified
    transaction_id and returning ``(amount, currency)`` (or ``None`` when the order is unknown),
    so that a handler can look its order up: the notification is verified first, so the
    callable only ever sees a genuine id."""
    payload = dict(_form_input(form), x_token=x_token)
    if callable(amount):
        notification = client.verify_notification(form, x_token)
        expected = amount(notification.transaction_id)
        # An order the shop does not know is never "paid", whatever CinetPay says.
        payload["order_unknown"] = expected is None
        amount, currency = expected if expected is not None else (None, None)
    payload["expected_amount"] = amount
    payload["expected_currency"] = currency
    return payload


def _native(settings: Dict[str, Any], from_env: bool = False) -> _cinetpay.NativeClient:
    """The native client for these settings, handed to the core as given (``None`` is absent):
    the core checks every one, with the same error in every language."""
    settings = {k: v for k, v in settings.items() if v is not None}
    settings["app_info"] = _app_info()
    try:
        return _cinetpay.NativeClient(settings, from_env)
    except NativeError as e:
        raise _from_native(e.args[0]) from None


_C = TypeVar("_C", bound="_Base")


# Native calls raise NativeError carrying the core's error as JSON; the wrappers below raise
# the public class instead. The native side never builds Python exceptions itself: that runs
# Python code inside a native frame, which a daemon thread at interpreter exit cannot survive.
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
        ca_certificates: Optional[str] = None,
    ) -> None:
        self._native = _native(
            dict(
                api_key=api_key,
                site_id=site_id,
                secret_key=secret_key,
                base_url=base_url,
                timeout=timeout,
                connect_timeout=connect_timeout,
                max_retries=max_retries,
                ca_certificates=ca_certificates,
            )
        )

    @classmethod
    def _from_native(cls, native: _cinetpay.NativeClient) -> Any:
        client = cls.__new__(cls)
        client._native = native
        return client

    @classmethod
    def from_env(
        cls: "Type[_C]",
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_retries: int = 2,
        ca_certificates: Optional[str] = None,
    ) -> "_C":
        """A client from ``CINETPAY_API_KEY``, ``CINETPAY_SITE_ID`` and the optional
        ``CINETPAY_SECRET_KEY`` and ``CINETPAY_BASE_URL``; the keywords as for the constructor."""
        settings = dict(
            timeout=timeout, connect_timeout=connect_timeout, max_retries=max_retries, ca_certificates=ca_certificates
        )
        client: _C = cls._from_native(_native(settings, from_env=True))
        return client

    def _client(self) -> _cinetpay.NativeClient:
        if self._native is None:
            raise RuntimeError(f"this cinetpay.{type(self).__name__} is closed")
        return self._native

    def verify_notification(self, form: "Union[Mapping[str, Any], bytes, str]", x_token: Optional[str]) -> Notification:
        """Checks a notification's ``x-token`` with the client's ``secret_key`` and returns it.

        ``form`` is the POSTed form as your framework hands it over: a mapping (Django's
        ``request.POST``, Flask's ``request.form``) or the raw body (``request.body``).
        ``x_token`` is the ``x-token`` header. No network is involved.

        Raises:
            ValidationError: code ``invalid_notification`` when the token does not match (answer
                401 and ignore it), ``secret_key_required`` when the client has no secret key.
        """
        return Notification._from_result(self._native_call("verify_notification", dict(_form_input(form), x_token=x_token)))

    def sign_notification(self, form: "Union[Mapping[str, Any], bytes, str]") -> str:
        """The ``x-token`` CinetPay would send with ``form``: to test your own handler."""
        token: str = self._native_call("sign_notification", _form_input(form))["x_token"]
        return token

    def seamless_checkout(self, **payload: "Unpack[SeamlessParams]") -> SeamlessCheckout:
        """The objects a page passes to CinetPay's Seamless browser SDK, after the same rules as
        :meth:`init_payment` (``return_url`` may be left out: Seamless has no redirect back).

        Local: nothing is sent or recorded, so store the order first. Load
        ``result.script_url`` in the page, then call ``CinetPay.setConfig(result.set_config)``
        and ``CinetPay.getCheckout(result.get_checkout)``. ``set_config`` holds the client's
        apikey, which the page needs (CinetPay's design). Trust only the verified notification
        and ``check_payment``, never the page's ``waitResponse``.

        Raises:
            ValidationError: a field breaks a rule, with the same code and field as
                :meth:`init_payment`.
        """
        return SeamlessCheckout._from_result(self._native_call("seamless_checkout", payload))

    def _native_call(self, operation: str, payload: Mapping[str, Any]) -> Any:
        try:
            return self._client().call(operation, payload)
        except NativeError as e:
            raise _from_native(e.args[0]) from None

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
        max_retries: retries (0-10): for ``init_payment``, only of a connection that failed
            before the request was sent; for ``check_payment``, of any network failure,
            timeout, 5xx or 429.
        ca_certificates: more certificate authorities to trust, as PEM text, beside the
            bundled Mozilla roots (a proxy that re-signs TLS, a test server). Verification
            cannot be turned off; a refused certificate raises ``NetworkError`` with code ``tls``.

    A client is safe to share between threads and reuses connections; each call releases the
    GIL while it waits. ``repr()`` never shows the keys.
    """

    def init_payment(self, **payload: "Unpack[PaymentParams]") -> PaymentLink:
        """Creates a payment and returns the link to send the customer to.

        Keywords are CinetPay's field names, so a JSON object from CinetPay's docs can be passed
        as ``**payload``. Its ``apikey``/``site_id``, if present, must equal the client's.
        An unknown keyword raises :class:`ValidationError` naming it.

        Raises:
            ValidationError: a field breaks a rule; nothing was sent.
            AuthenticationError, RateLimitError, APIError, NetworkError, TimeoutError.
        """
        return PaymentLink._from_result(self._native_call("init_payment", payload))

    def check_payment(self, transaction_id: Optional[str] = None, *, token: Optional[str] = None) -> PaymentStatus:
        """A payment's status of record (``POST /v2/payment/check``), by the ``transaction_id``
        you sent to :meth:`init_payment` or the ``payment_token`` it returned.

        A failed or pending payment is a status (see :attr:`PaymentStatus.is_paid` and
        :attr:`PaymentStatus.is_final`), not an exception. Checking changes nothing, so network
        failures, timeouts, 5xx and 429 are retried (``max_retries`` times, with backoff).

        Raises:
            ValidationError: neither or both ids given, or a blank one; nothing was sent.
            APIError: code ``payment_not_found`` when CinetPay has no such payment (after an
                :meth:`init_payment` that failed, it was not created).
            AuthenticationError, RateLimitError, NetworkError, TimeoutError.
        """
        return PaymentStatus._from_result(self._native_call("check_payment", _lookup(transaction_id, token)))

    def handle_notification(
        self,
        form: "Union[Mapping[str, Any], bytes, str]",
        x_token: Optional[str],
        *,
        amount: "Union[int, Callable[[str], Any], None]" = None,
        currency: Optional[str] = None,
    ) -> NotificationOutcome:
        """CinetPay's notification handling in one call: verify the ``x-token``, check the
        payment (never trusting the notification's own fields), and decide.

        Args:
            form: the POSTed form as your framework hands it over (``request.POST`` or
                ``request.body``).
            x_token: the ``x-token`` header.
            amount: the order's amount, or a callable ``f(transaction_id) -> (amount,
                currency)`` that looks the order up (return ``None`` for an unknown order: the
                outcome is then ``failed``, never ``paid``).
            currency: the order's currency.

        Returns the outcome: ``paid`` only for code 00, ACCEPTED, and the expected amount and
        currency; ``skipped_checks`` names any expected value you did not give. Notifications
        repeat: if the order is already paid, stop before calling this.

        Raises:
            ValidationError: ``invalid_notification`` for a forged or altered notification (answer
                401; nothing was checked), ``secret_key_required``.
            APIError, NetworkError, TimeoutError: the check failed; answer non-200 so that
                CinetPay notifies again later.
        """
        payload = _handle_input(self, form, x_token, amount, currency)
        return NotificationOutcome._from_result(self._native_call("handle_notification", payload))

    def close(self) -> None:
        """Closes the client; it cannot be used afterwards. Its connections are released as each
        thread that used it makes its next call or exits."""
        self._native = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient(_Base):
    """The asyncio twin of :class:`Client`: same arguments, ``await client.init_payment(...)``.

    Calls never block the event loop; many may be in flight on one client, from one loop or
    several. Use it as ``async with AsyncClient(...) as client:`` or call :meth:`aclose` when
    done: closing waits for the calls still in flight on the current loop.

    ``verify_notification`` and ``sign_notification`` use no network and are plain methods here
    too: call them without ``await``.

    Cancelling a call (``task.cancel()``, ``asyncio.wait_for``) aborts the request. If it was
    already sent, the payment may exist: check it before trying again with the same
    ``transaction_id``. A request refused by a local rule raises at the ``await``, before any
    work is started.
    """

    # Weak: a future that only this client still referenced could never be awaited by anyone,
    # and holding it would keep its loop alive after the loop was closed and dropped.
    _inflight: "weakref.WeakSet[asyncio.Future[Any]]"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inflight = weakref.WeakSet()

    @classmethod
    def _from_native(cls, native: _cinetpay.NativeClient) -> Any:
        client = super()._from_native(native)
        client._inflight = weakref.WeakSet()
        return client

    async def init_payment(self, **payload: "Unpack[PaymentParams]") -> PaymentLink:
        """Creates a payment; see :meth:`Client.init_payment`."""
        return PaymentLink._from_result(await self._call_async("init_payment", payload))

    async def check_payment(self, transaction_id: Optional[str] = None, *, token: Optional[str] = None) -> PaymentStatus:
        """A payment's status of record; see :meth:`Client.check_payment`."""
        return PaymentStatus._from_result(await self._call_async("check_payment", _lookup(transaction_id, token)))

    async def handle_notification(
        self,
        form: "Union[Mapping[str, Any], bytes, str]",
        x_token: Optional[str],
        *,
        amount: "Union[int, Callable[[str], Any], None]" = None,
        currency: Optional[str] = None,
    ) -> NotificationOutcome:
        """Verify, check and decide; see :meth:`Client.handle_notification`. A callable
        ``amount`` is called synchronously."""
        payload = _handle_input(self, form, x_token, amount, currency)
        return NotificationOutcome._from_result(await self._call_async("handle_notification", payload))

    async def _call_async(self, operation: str, payload: Mapping[str, Any]) -> Any:
        from . import _aio  # asyncio is imported only by asyncio users: Django views do not pay for it

        native = self._client()
        try:
            future = _aio.call(lambda calls: native.call_async(operation, payload, calls))
        except NativeError as e:
            raise _from_native(e.args[0]) from None
        return await self._watch(future)

    async def _watch(self, future: "asyncio.Future[Any]") -> Any:
        self._inflight.add(future)
        future.add_done_callback(self._inflight.discard)
        return await future

    async def aclose(self) -> None:
        """Waits for this client's calls in flight on the running loop, then closes it.

        Each attempt is bounded by ``timeout``, and calls retry as their operation allows (see
        ``max_retries``). The client cannot be used afterwards.
        """
        import asyncio

        self._native = None
        loop = asyncio.get_running_loop()
        # A snapshot: other threads' loops may add to the set meanwhile.
        pending = [f for f in tuple(self._inflight) if f.get_loop() is loop]
        if pending:
            await asyncio.wait(pending)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _with_field_signature(method: Any, params_type: Any, result: type) -> None:
    """Gives ``method`` an explicit signature with one keyword-only parameter per CinetPay
    field, for ``help()``, ``inspect`` and editors that read signatures. Static type checkers
    read the ``Unpack[...]`` annotation instead; both come from the same TypedDict, which a
    test holds to the core's field list."""
    import inspect
    import typing

    hints = typing.get_type_hints(params_type)
    required = params_type.__required_keys__
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for name in _cinetpay.FIELDS:
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if name in required else None,
                annotation=hints[name],
            )
        )
    method.__signature__ = inspect.Signature(params, return_annotation=result)


def _set_signatures() -> None:
    from ._params import PaymentParams, SeamlessParams

    _with_field_signature(Client.init_payment, PaymentParams, PaymentLink)
    _with_field_signature(AsyncClient.init_payment, PaymentParams, PaymentLink)
    _with_field_signature(_Base.seamless_checkout, SeamlessParams, SeamlessCheckout)


_set_signatures()
