"""The repository's shared vectors, the same ones the Rust, Node and C suites run."""

from __future__ import annotations

from typing import Any, Dict

import pytest

import cinetpay
from conftest import API_KEY, SITE_ID, Emulator, closed_port_url, fixture, patched

DOCS = ["requests/docs-axios.json", "requests/docs-refid12354.json", "requests/docs-seamless.json"]
VALIDATION = fixture("validation.json")
API_ERRORS = fixture("api-errors.json")
ACCEPTED = fixture("accepted.json")
SETTINGS = fixture("settings.json")
NOTIFICATIONS = fixture("notifications.json")


@pytest.mark.parametrize("name", DOCS)
def test_docs_examples_are_sent_as_documented_with_labelled_decisions(name: str, docs_emulator: Emulator) -> None:
    vector = fixture(name)
    creds = vector["client"]
    client = cinetpay.Client(api_key=creds["api_key"], site_id=creds["site_id"], base_url=docs_emulator.url)
    link = client.init_payment(**vector["payload"])
    assert link.payment_url.startswith(docs_emulator.url)
    stored = docs_emulator.transaction(creds["site_id"], vector["payload"]["transaction_id"])
    assert stored["request"] == vector["wire"]
    if "invoice_order" in vector:
        assert list(stored["request"]["invoice_data"]) == vector["invoice_order"]
    assert stored["user_agent"].startswith("cinetpay-rust/")
    assert " cinetpay-python/" in stored["user_agent"] and "Python/" in stored["user_agent"]


def _patched(case: Dict[str, Any]) -> Dict[str, Any]:
    return patched(VALIDATION["base"], case)


@pytest.mark.parametrize("case", VALIDATION["cases"], ids=lambda c: c["name"])
def test_validation_cases_fail_locally(case: Dict[str, Any]) -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=closed_port_url(), max_retries=0)
    with pytest.raises(cinetpay.ValidationError) as info:
        client.init_payment(**_patched(case))
    e = info.value
    assert (e.code, e.field, e.request_sent) == ("validation_error", case["field"], False)
    assert case["message_contains"] in e.message
    assert isinstance(e, ValueError)
    # The one-line form every language shares (Rust Display, Node message, PHP getMessage).
    assert str(e) == f"validation_error: {e.field}: {e.message}"


@pytest.mark.parametrize("case", VALIDATION["cases"], ids=lambda c: c["name"])
def test_validation_cases_fail_locally_async(case: Dict[str, Any]) -> None:
    import asyncio

    async def run() -> None:
        async with cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=closed_port_url()) as client:
            with pytest.raises(cinetpay.ValidationError) as info:
                await client.init_payment(**_patched(case))
            assert info.value.field == case["field"]

    asyncio.run(run())


@pytest.mark.parametrize("case", ACCEPTED["cases"], ids=lambda c: c["name"])
def test_accepted_cases_are_sent_as_given(case: Dict[str, Any], emulator: Emulator, unique_id: Any) -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=emulator.url)
    body = _patched(case)
    body["transaction_id"] = tx = unique_id()
    client.init_payment(**body)
    sent = emulator.transaction(SITE_ID, tx)["request"]
    assert {key: sent.get(key) for key in case["set"]} == case["set"]


@pytest.mark.parametrize("case", SETTINGS["cases"], ids=lambda c: c["name"])
def test_settings_cases_are_refused_naming_the_setting(case: Dict[str, Any]) -> None:
    # The native entry every Client goes through, with the settings as given.
    from cinetpay._client import _native

    settings = dict(SETTINGS["base"])
    settings.update(case.get("set", {}))
    for key in case.get("unset", []):
        settings.pop(key)
    with pytest.raises(cinetpay.ValidationError) as info:
        _native(settings)
    assert info.value.field == case["field"]
    assert case["message_contains"] in info.value.message


CLASSES = {
    "auth_not_found": cinetpay.AuthenticationError,
    "site_id_not_valid": cinetpay.AuthenticationError,
    "currency_not_allowed": cinetpay.APIError,
    "minimum_required_field": cinetpay.APIError,
}


@pytest.mark.parametrize("case", API_ERRORS["cases"], ids=lambda c: c["name"])
def test_api_error_cases(case: Dict[str, Any], emulator: Emulator, unique_id: Any) -> None:
    creds = {"api_key": API_KEY, "site_id": SITE_ID, **case.get("client", {})}
    client = cinetpay.Client(base_url=emulator.url, **creds)
    body = _patched(case)
    body["transaction_id"] = unique_id()
    if case.get("repeat"):
        client.init_payment(**body)
    with pytest.raises(cinetpay.CinetPayError) as info:
        client.init_payment(**body)
    e = info.value
    assert type(e) is CLASSES[case["code"]]
    assert (e.code, e.api_code, e.http_status) == (case["code"], case["api_code"], case["http_status"])
    assert e.api_response_id and e.hint and e.request_sent is True
    if "description_contains" in case:
        assert case["description_contains"] in (e.description or "")
    # The client's own key, whichever the case uses.
    assert creds["api_key"] not in str(e) and creds["api_key"] not in repr(e)


def test_the_notification_vectors_follow_the_documented_algorithm() -> None:
    # Recomputed here with the standard library alone, as CinetPay's HMAC page describes it, so
    # the vectors do not depend on the SDK they test.
    import hashlib
    import hmac

    # The order as CinetPay's HMAC page prints it, written out here rather than read from the
    # fixture, so that a wrong order in the fixture and the SDK alike cannot pass.
    documented = ["cpm_site_id", "cpm_trans_id", "cpm_trans_date", "cpm_amount", "cpm_currency", "signature",
                  "payment_method", "cel_phone_num", "cpm_phone_prefixe", "cpm_language", "cpm_version",
                  "cpm_payment_config", "cpm_page_action", "cpm_custom", "cpm_designation", "cpm_error_message"]
    assert NOTIFICATIONS["fields"] == documented
    secret = NOTIFICATIONS["secret_key"].encode()
    for case in NOTIFICATIONS["cases"]:
        data = "".join(case["form"].get(field, "") for field in documented)
        assert hmac.new(secret, data.encode(), hashlib.sha256).hexdigest() == case["x_token"], case["name"]
        from urllib.parse import parse_qsl

        assert dict(parse_qsl(case["body"], keep_blank_values=True)) == case["form"], case["name"]


@pytest.mark.parametrize("case", NOTIFICATIONS["cases"], ids=lambda c: c["name"])
def test_notification_tokens_computed_with_hmac_verify_and_sign(case: Dict[str, Any]) -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, secret_key=NOTIFICATIONS["secret_key"])
    for form in (case["form"], case["body"], case["body"].encode()):
        notification = client.verify_notification(form, case["x_token"])
        assert notification.transaction_id == case["form"]["cpm_trans_id"]
        assert notification.cpm_amount == case["form"]["cpm_amount"]
    assert client.sign_notification(case["form"]) == case["x_token"]


@pytest.mark.parametrize("case", NOTIFICATIONS["forged"], ids=lambda c: c["name"])
def test_forged_notifications_are_refused(case: Dict[str, Any]) -> None:
    client = cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, secret_key=NOTIFICATIONS["secret_key"])
    with pytest.raises(cinetpay.ValidationError) as info:
        client.verify_notification(case["form"], case["x_token"])
    assert info.value.code == "invalid_notification"


def test_the_async_client_verifies_too_without_awaiting() -> None:
    case = NOTIFICATIONS["cases"][0]
    client = cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, secret_key=NOTIFICATIONS["secret_key"])
    assert client.verify_notification(case["body"], case["x_token"]).transaction_id == case["form"]["cpm_trans_id"]


@pytest.mark.parametrize("case", NOTIFICATIONS["duplicated"], ids=lambda c: c["name"])
def test_a_repeated_signed_field_is_refused(case: Dict[str, Any]) -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, secret_key=NOTIFICATIONS["secret_key"])
    with pytest.raises(cinetpay.ValidationError) as info:
        client.verify_notification(case["body"], case["x_token"])
    assert (info.value.code, info.value.field) == ("validation_error", case["field"])

    class MultiDict(dict):  # the shape of Django's QueryDict and Werkzeug's MultiDict
        def getlist(self, key: str) -> Any:
            return [v for k, v in parse_qsl(case["body"]) if k == key]

    from urllib.parse import parse_qsl

    form = MultiDict(parse_qsl(case["body"]))
    with pytest.raises(cinetpay.ValidationError):
        client.verify_notification(form, case["x_token"])


def test_verifying_without_a_secret_key_says_so() -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID)
    case = NOTIFICATIONS["cases"][0]
    with pytest.raises(cinetpay.ValidationError) as info:
        client.verify_notification(case["form"], case["x_token"])
    assert info.value.code == "secret_key_required"
