"""The Python API: construction, bad inputs, errors, secrets."""

from __future__ import annotations

import builtins
import pickle
from typing import Any

import pytest

import cinetpay
from conftest import API_KEY, SITE_ID, Emulator, closed_port_url, payload
from slow_server import SlowServer


def test_init_payment_returns_the_link(client: cinetpay.Client, emulator: Emulator, unique_id: Any) -> None:
    tx = unique_id()
    link = client.init_payment(**payload(transaction_id=tx, metadata="order=1", lang="EN"))
    assert link.payment_url == f"{emulator.url}/payment/{link.payment_token}"
    assert link.api_response_id
    stored = emulator.transaction(SITE_ID, tx)
    assert stored["request"]["lang"] == "en" and stored["request"]["apikey"] == API_KEY
    assert "PaymentLink(payment_url=" in repr(link)


def test_payload_with_matching_credentials_is_accepted(client: cinetpay.Client, emulator: Emulator, unique_id: Any) -> None:
    tx = unique_id()
    link = client.init_payment(**payload(transaction_id=tx, apikey=API_KEY, site_id=SITE_ID))
    stored = emulator.transaction(SITE_ID, tx)
    assert stored["payment_token"] == link.payment_token
    assert stored["request"]["apikey"] == API_KEY and stored["request"]["site_id"] == SITE_ID


def test_none_counts_as_absent(client: cinetpay.Client, emulator: Emulator, unique_id: Any) -> None:
    tx = unique_id()
    client.init_payment(**payload(transaction_id=tx, metadata=None, lang=None, channels=None))
    sent = emulator.transaction(SITE_ID, tx)["request"]
    assert not {"metadata", "lang"} & set(sent), sent
    # channels is required on the wire; absent, it is the docs' default.
    assert sent["channels"] == "ALL"


@pytest.mark.parametrize(
    "field,value",
    [
        ("amount", None),
        ("amount", True),
        ("amount", 100.0),
        ("amount", float("nan")),
        ("amount", "100"),
        ("amount", 10**30),
        ("amount", object()),
        ("description", ["Order"]),
        ("description", "x" * 10_000_000),
        ("description", "\ud800"),
        ("transaction_id", b"ORDER-1"),
        ("invoice_data", {1: "one"}),
        ("invoice_data", {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}),
        ("lock_phone_number", "yes"),
        ("currency", None),
    ],
)
def test_bad_inputs_raise_validation_error_naming_the_field(field: str, value: Any) -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=closed_port_url())
    with pytest.raises(cinetpay.ValidationError) as info:
        client.init_payment(**payload(**{field: value}))
    assert info.value.field == field
    assert "panic" not in str(info.value).lower()


def test_an_unknown_keyword_is_named_with_a_suggestion() -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=closed_port_url())
    with pytest.raises(cinetpay.ValidationError, match="did you mean notify_url"):
        client.init_payment(**payload(notify_ur1="https://shop.example/n"))


@pytest.mark.parametrize(
    "kwargs,field",
    [
        (dict(api_key=None), "api_key"),
        (dict(site_id=""), "site_id"),
        (dict(timeout=-1.0), "timeout"),
        (dict(timeout=float("nan")), "timeout"),
        (dict(connect_timeout=0.0), "connect_timeout"),
        (dict(max_retries=-1), "max_retries"),
        (dict(max_retries=11), "max_retries"),
        (dict(base_url="http://api-checkout.cinetpay.com"), "base_url"),
        (dict(base_url="not a url"), "base_url"),
    ],
)
def test_bad_configuration_is_a_validation_error(kwargs: Any, field: str) -> None:
    args = dict(api_key=API_KEY, site_id=SITE_ID)
    args.update(kwargs)
    with pytest.raises(cinetpay.ValidationError) as info:
        cinetpay.Client(**args)
    assert info.value.field == field


def test_wrong_configuration_types_are_the_core_s_validation_errors() -> None:
    # Settings go to the core as given, so a wrong type is the same error in every language.
    with pytest.raises(cinetpay.ValidationError) as info:
        cinetpay.Client(api_key=123, site_id=SITE_ID)  # type: ignore[arg-type]
    assert info.value.field == "api_key" and "must be a string" in info.value.message
    with pytest.raises(cinetpay.ValidationError) as info:
        cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, max_retries=1.5)  # type: ignore[arg-type]
    assert info.value.field == "max_retries"


def test_repr_and_errors_never_show_the_keys() -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, secret_key="SECRET-KEY-42", base_url=closed_port_url())
    for text in (repr(client), str(client)):
        assert API_KEY not in text and "SECRET-KEY-42" not in text
        assert SITE_ID in text
    with pytest.raises(cinetpay.CinetPayError) as info:
        client.init_payment(**payload(apikey="another-secret-apikey"))
    assert "another-secret-apikey" not in str(info.value) and API_KEY not in str(info.value)


def test_from_env(monkeypatch: pytest.MonkeyPatch, emulator: Emulator, unique_id: Any) -> None:
    monkeypatch.setenv("CINETPAY_API_KEY", API_KEY)
    monkeypatch.setenv("CINETPAY_SITE_ID", SITE_ID)
    monkeypatch.setenv("CINETPAY_BASE_URL", emulator.url)
    client = cinetpay.Client.from_env()
    assert client.base_url == emulator.url
    tx = unique_id()
    link = client.init_payment(**payload(transaction_id=tx))
    assert emulator.transaction(SITE_ID, tx)["payment_token"] == link.payment_token
    monkeypatch.delenv("CINETPAY_API_KEY")
    with pytest.raises(cinetpay.ValidationError, match="CINETPAY_API_KEY"):
        cinetpay.AsyncClient.from_env()


def test_user_agent_names_the_binding_and_python() -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID)
    assert client.user_agent.startswith(f"cinetpay-rust/{cinetpay.__version__} cinetpay-python/")
    assert "CPython/3." in client.user_agent


def test_connection_refused_is_a_network_error_not_sent() -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=closed_port_url(), max_retries=0)
    with pytest.raises(cinetpay.NetworkError) as info:
        client.init_payment(**payload())
    assert info.value.code == "network" and info.value.request_sent is False


def test_a_timeout_is_both_our_timeout_error_and_python_s() -> None:
    server = SlowServer(answer=False)
    try:
        client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, timeout=0.3)
        with pytest.raises(cinetpay.TimeoutError) as info:
            client.init_payment(**payload())
        e = info.value
        assert isinstance(e, cinetpay.NetworkError) and isinstance(e, builtins.TimeoutError)
        assert e.request_sent is True and "may have been created" in e.message
    finally:
        server.close()


def test_rate_limit_error_carries_retry_after(unique_id: Any) -> None:
    limited = Emulator("--rate-limit", "2")
    try:
        client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=limited.url)
        with pytest.raises(cinetpay.RateLimitError) as info:
            for _ in range(10):
                client.init_payment(**payload(transaction_id=unique_id()))
        assert info.value.retry_after == 1.0 and info.value.http_status == 429
    finally:
        limited.stop()


def test_errors_pickle_with_their_fields(client: cinetpay.Client, unique_id: Any) -> None:
    body = payload(transaction_id=unique_id())
    client.init_payment(**body)
    with pytest.raises(cinetpay.APIError) as info:
        client.init_payment(**body)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is cinetpay.APIError
    assert (again.code, again.api_code, str(again)) == (info.value.code, "608", str(info.value))


def test_a_closed_client_says_so() -> None:
    with cinetpay.Client(api_key=API_KEY, site_id=SITE_ID) as client:
        pass
    with pytest.raises(RuntimeError, match="closed"):
        client.init_payment(**payload())
    assert "closed" in repr(client)


# The class each stable code must raise. A code added to the core fails the test below until it
# is placed here, so a missing mapping cannot fall through to a default unnoticed.
EXPECTED_CLASS = {
    "validation_error": cinetpay.ValidationError,
    "minimum_required_field": cinetpay.APIError,
    "currency_not_allowed": cinetpay.APIError,
    "auth_not_found": cinetpay.AuthenticationError,
    "site_id_not_valid": cinetpay.AuthenticationError,
    "processing_error": cinetpay.APIError,
    "forbidden": cinetpay.APIError,
    "too_many_requests": cinetpay.RateLimitError,
    "user_agent_required": cinetpay.APIError,
    "access_denied": cinetpay.APIError,
    "api_error": cinetpay.APIError,
    "server_error": cinetpay.APIError,
    "timeout": cinetpay.TimeoutError,
    "network": cinetpay.NetworkError,
    "decode": cinetpay.APIError,
    "response_too_large": cinetpay.APIError,
    "internal": cinetpay.CinetPayError,
    "invalid_notification": cinetpay.ValidationError,
    "secret_key_required": cinetpay.ValidationError,
    "payment_not_found": cinetpay.APIError,
    "tls": cinetpay.NetworkError,
}


def test_every_core_code_maps_to_its_exact_class() -> None:
    from cinetpay._errors import _from_native

    from cinetpay._cinetpay import ERROR_FAMILIES
    from cinetpay._errors import _CLASS_BY_FAMILY

    assert sorted(EXPECTED_CLASS) == sorted(cinetpay.ERROR_CODES) == sorted(ERROR_FAMILIES)
    assert set(ERROR_FAMILIES.values()) == set(_CLASS_BY_FAMILY)
    for code in cinetpay.ERROR_CODES:
        e = _from_native({"code": code, "family": ERROR_FAMILIES[code], "message": "m"})
        assert type(e) is EXPECTED_CLASS[code], code
        assert (e.code, e.family) == (code, ERROR_FAMILIES[code])


def test_every_core_operation_has_a_method_on_both_clients() -> None:
    from cinetpay._cinetpay import OPERATIONS

    assert OPERATIONS, "the core lists its operations"
    for name in OPERATIONS:
        for cls in (cinetpay.Client, cinetpay.AsyncClient):
            assert callable(getattr(cls, name, None)), f"{cls.__name__}.{name} is missing"


def test_an_unknown_operation_is_a_validation_error_naming_the_known_ones() -> None:
    native = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID)._client()
    with pytest.raises(cinetpay.CinetPayError) as info:
        try:
            native.call("refund", {})
        except cinetpay._cinetpay.NativeError as e:
            from cinetpay._errors import _from_native

            raise _from_native(e.args[0]) from None
    assert info.value.field == "operation" and "init_payment" in info.value.message


def test_the_typed_keywords_are_the_core_s_fields() -> None:
    # PaymentParams (what IDEs and mypy show) is held to the core's schema.
    from cinetpay._cinetpay import SCHEMA

    params = cinetpay.PaymentParams
    assert set(params.__required_keys__) == set(SCHEMA["required"])
    assert set(params.__required_keys__) | set(params.__optional_keys__) == set(SCHEMA["fields"])
    doc = params.__doc__ or ""
    for value in SCHEMA["currencies"] + SCHEMA["channels"] + SCHEMA["langs"]:
        assert value in doc, f"PaymentParams' docstring does not list {value}"


def test_help_shows_every_payment_field_as_a_keyword() -> None:
    import inspect

    for method in (cinetpay.Client.init_payment, cinetpay.AsyncClient.init_payment):
        params = list(inspect.signature(method).parameters.values())[1:]
        assert [p.name for p in params] == list(cinetpay.FIELDS)
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)
        required = {p.name for p in params if p.default is inspect.Parameter.empty}
        assert required == set(cinetpay.PaymentParams.__required_keys__)
    import pydoc

    text = pydoc.render_doc(cinetpay.Client.init_payment, renderer=pydoc.plaintext)
    assert "notify_url: str" in text and "customer_zip_code: str = None" in text
