"""seamless_checkout: tests/fixtures/seamless.json, and every case of validation.json refused as
init_payment refuses it (the same vectors the Rust, Node, C, PHP and Kotlin suites run)."""

from __future__ import annotations

import inspect
import json
from typing import Any, Dict

import pytest

import cinetpay
from conftest import API_KEY, SITE_ID, closed_port_url, fixture, patched

SEAMLESS = fixture("seamless.json")
VALIDATION = fixture("validation.json")


def test_the_docs_seamless_example_gives_the_set_config_and_get_checkout_objects() -> None:
    docs = SEAMLESS["docs_example"]
    client = cinetpay.Client(api_key=docs["client"]["api_key"], site_id=docs["client"]["site_id"])
    result = client.seamless_checkout(**docs["payload"])
    assert json.loads(json.dumps(result.as_dict())) == docs["result"]
    assert json.loads(json.dumps(result.set_config)) == docs["result"]["set_config"]
    # Dict equality ignores order: the keys come in the fixture's order.
    assert list(result.set_config) == list(docs["result"]["set_config"])
    assert list(result.get_checkout) == list(docs["result"]["get_checkout"])


def test_against_the_emulator_its_script_and_mode_with_the_client_s_credentials() -> None:
    emu = SEAMLESS["emulator"]
    for cls in (cinetpay.Client, cinetpay.AsyncClient):
        client = cls(api_key=API_KEY, site_id=SITE_ID, base_url=emu["base_url"])
        result = client.seamless_checkout(**emu["payload"])
        assert result.script_url == emu["result"]["script_url"]
        assert result.get_checkout == emu["result"]["get_checkout"]
        assert result.set_config == dict(emu["result"]["set_config"], apikey=API_KEY, site_id=SITE_ID)
        # The page needs the key; repr and str (what logs show) must not.
        assert API_KEY in json.dumps(result.set_config)
        for shown in (repr(result), str(result), repr(result.set_config), str(result.set_config), f"{result}"):
            assert API_KEY not in shown, shown
        assert "'apikey': '***'" in repr(result.set_config)


@pytest.mark.parametrize("case", VALIDATION["cases"], ids=lambda c: c["name"])
def test_every_validation_case_is_refused_as_init_payment_refuses_it(case: Dict[str, Any]) -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=closed_port_url(), max_retries=0)
    with pytest.raises(cinetpay.ValidationError) as info:
        client.seamless_checkout(**patched(VALIDATION["base"], case))
    e = info.value
    assert (e.code, e.field) == ("validation_error", case["field"])
    assert case["message_contains"] in e.message


def test_return_url_is_optional_and_credentials_must_match() -> None:
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=closed_port_url(), max_retries=0)
    body = dict(VALIDATION["base"])
    del body["return_url"]
    assert "return_url" not in client.seamless_checkout(**body).get_checkout
    with pytest.raises(cinetpay.ValidationError) as info:
        client.init_payment(**body)
    assert info.value.field == "return_url"
    with pytest.raises(cinetpay.ValidationError) as info:
        client.seamless_checkout(**body, apikey="another-key")
    assert info.value.field == "apikey" and "another-key" not in str(info.value)


def test_help_shows_the_fields_with_return_url_optional() -> None:
    params = list(inspect.signature(cinetpay.Client.seamless_checkout).parameters.values())[1:]
    assert [p.name for p in params] == list(cinetpay.FIELDS)
    required = {p.name for p in params if p.default is inspect.Parameter.empty}
    assert required == set(cinetpay.PaymentParams.__required_keys__) - {"return_url"}
    assert set(cinetpay.SeamlessParams.__required_keys__) == required
