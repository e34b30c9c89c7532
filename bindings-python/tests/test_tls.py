"""TLS against the emulator serving HTTPS with a test authority (tests/fixtures/tls.json): the
authority is trusted only when ``ca_certificates`` says so, and an unknown authority, an expired
certificate or another host's certificate is a NetworkError of code ``tls``, with nothing sent."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import cinetpay

from conftest import API_KEY, SITE_ID, Emulator, emulator_binary, fixture, payload

CASES = fixture("tls.json")


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tls")
    subprocess.run([emulator_binary(), "tls-certs", str(directory)], check=True, capture_output=True)
    return directory


@pytest.fixture(scope="module")
def servers(certificates: Path) -> Iterator[Dict[str, Emulator]]:
    started = {
        name: Emulator("--tls-cert", str(certificates / f"{name}.pem"), "--tls-key", str(certificates / f"{name}.key"))
        for name in ("good", "expired", "wrong-host")
    }
    yield started
    for e in started.values():
        e.stop()


@pytest.mark.parametrize("kind", ["blocking", "asyncio"])
@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_tls(case: Dict[str, Any], kind: str, certificates: Path, servers: Dict[str, Emulator]) -> None:
    server = servers[case["server"]]
    assert server.url.startswith("https://")
    ca = (certificates / "ca.pem").read_text() if case["trust_ca"] else None
    settings = dict(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, ca_certificates=ca, max_retries=0)
    transaction_id = f"PY-TLS-{kind}-{case['server']}-{case['trust_ca']}"

    def call() -> Any:
        if kind == "blocking":
            return cinetpay.Client(**settings).init_payment(**payload(transaction_id=transaction_id))
        import asyncio

        async def run() -> Any:
            return await cinetpay.AsyncClient(**settings).init_payment(**payload(transaction_id=transaction_id))

        return asyncio.run(run())

    if case["expect"] == "ok":
        assert call().payment_url.startswith(server.url)
    else:
        with pytest.raises(cinetpay.NetworkError) as info:
            call()
        assert (info.value.code, info.value.request_sent) == ("tls", False), repr(info.value)
        assert "127.0.0.1" in str(info.value) and "ca_certificates" in (info.value.hint or "")


@pytest.mark.parametrize("bad", CASES["bad_settings"], ids=[b["name"] for b in CASES["bad_settings"]])
def test_bad_ca_certificates_are_refused(bad: Dict[str, Any]) -> None:
    with pytest.raises(cinetpay.ValidationError) as info:
        cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, ca_certificates=bad["ca_certificates"])
    assert info.value.field == bad["field"]
