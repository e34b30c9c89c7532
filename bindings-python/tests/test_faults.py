"""The fault matrix (tests/fixtures/faults.json) for the blocking and the asyncio client: each
fault the emulator injects ends as the fixture says, in time, with the attempts it says, and no
error or result shows the account's keys."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Dict, Iterator, Optional
from urllib.request import Request, urlopen

import pytest

import cinetpay

from conftest import Emulator, fixture, payload

MATRIX = fixture("faults.json")
ACCOUNT = MATRIX["account"]
KEYS = (ACCOUNT["api_key"], ACCOUNT["secret_key"])
PATHS = {"init_payment": "/v2/payment", "check_payment": "/v2/payment/check"}


def control(emulator: Emulator, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = Request(emulator.url + path, data=data, method=method, headers={"content-type": "application/json"})
    with urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.fixture(scope="module")
def faulty() -> Iterator[Emulator]:
    e = Emulator("--account", f"{ACCOUNT['api_key']}:{ACCOUNT['site_id']}:{ACCOUNT['secret_key']}:XOF")
    yield e
    e.stop()


@pytest.mark.parametrize("kind", ["blocking", "asyncio"])
@pytest.mark.parametrize("case", MATRIX["cases"], ids=[c["name"] for c in MATRIX["cases"]])
def test_fault(faulty: Emulator, case: Dict[str, Any], kind: str) -> None:
    operation = case["operation"]
    transaction_id = f"PY-FAULT-{kind}-{time.monotonic_ns()}"
    control(faulty, "DELETE", "/_emulator/faults")
    # Python's settings are in seconds.
    settings = dict(
        api_key=ACCOUNT["api_key"], site_id=ACCOUNT["site_id"], secret_key=ACCOUNT["secret_key"],
        base_url=faulty.url, timeout=MATRIX["settings"]["timeout_ms"] / 1000,
    )
    blocking = cinetpay.Client(**settings)
    if operation == "check_payment":
        blocking.init_payment(**payload(transaction_id=transaction_id))
    control(faulty, "POST", "/_emulator/faults", dict(case["fault"], path=PATHS[operation]))
    before = control(faulty, "GET", "/_emulator/stats")["api_requests"]
    rss_before = rss_kib()

    def call_blocking() -> Any:
        if operation == "init_payment":
            return blocking.init_payment(**payload(transaction_id=transaction_id))
        return blocking.check_payment(transaction_id)

    async def call_async() -> Any:
        client = cinetpay.AsyncClient(**settings)
        if operation == "init_payment":
            return await client.init_payment(**payload(transaction_id=transaction_id))
        return await client.check_payment(transaction_id)

    started = time.monotonic()
    error: Optional[cinetpay.CinetPayError] = None
    result: Any = None
    try:
        result = call_blocking() if kind == "blocking" else asyncio.run(call_async())
    except cinetpay.CinetPayError as e:
        error = e
    elapsed_ms = (time.monotonic() - started) * 1000
    attempts = control(faulty, "GET", "/_emulator/stats")["api_requests"] - before
    control(faulty, "DELETE", "/_emulator/faults")

    # Everything a merchant could print or log about the outcome.
    shown = repr(result) if error is None else f"{error} {error!r} {vars(error)!r} {error.args!r}"
    assert not any(key in shown for key in KEYS), shown
    expect = case["expect"]
    if expect["ok"]:
        assert error is None, f"failed: {error!r}"
        if operation == "check_payment":
            assert result.code == "662" and not result.is_final, result
    else:
        assert error is not None, f"succeeded: {result!r}"
        assert (error.code, error.request_sent) == (expect["code"], expect["request_sent"]), repr(error)
    assert attempts == expect["attempts"]
    assert elapsed_ms <= case["within_ms"], f"took {elapsed_ms:.0f} ms"
    if case["fault"]["fault"] == "huge_body":
        # The 64 MiB body is refused past 1 MiB, never held whole.
        grown = (rss_kib() - rss_before) // 1024
        assert grown < 16, f"resident memory grew by {grown} MiB"
