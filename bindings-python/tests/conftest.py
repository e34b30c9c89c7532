"""Fixtures shared by the Python suite: emulator processes and the repository's JSON vectors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

import cinetpay

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
API_KEY = "emulator-apikey-0000000000000001"
SITE_ID = "445160"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def emulator_binary() -> str:
    """$CINETPAY_EMULATOR, else a debug build in this checkout's target dir (with or without a
    target triple, as scripts/test builds it)."""
    if "CINETPAY_EMULATOR" in os.environ:
        return os.environ["CINETPAY_EMULATOR"]
    for candidate in [ROOT / "target" / "debug", *sorted((ROOT / "target").glob("*/debug"))]:
        if (candidate / "cinetpay-emulator").is_file():
            return str(candidate / "cinetpay-emulator")
    raise RuntimeError(
        "cinetpay-emulator not found: run `cargo build -p cinetpay-emulator`, or set CINETPAY_EMULATOR "
        "to its path"
    )


class Emulator:
    """A `cinetpay-emulator` process on a free loopback port."""

    def __init__(self, *args: str) -> None:
        binary = emulator_binary()
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--quiet", *args], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("cinetpay-emulator listening on "), line
        self.url = line.split()[-1]

    def transaction(self, site_id: str, transaction_id: str) -> Dict[str, Any]:
        """What the emulator received for this transaction (its inspection endpoint)."""
        from urllib.parse import urlencode
        from urllib.request import urlopen

        query = urlencode({"site_id": site_id, "transaction_id": transaction_id})
        with urlopen(f"{self.url}/_emulator/transaction?{query}", timeout=10) as answer:
            result: Dict[str, Any] = json.loads(answer.read())
            return result

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


class BarrierServer:
    """`tests/support/barrier_server.py`: answers only when `parties` requests are in flight."""

    def __init__(self, parties: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "support" / "barrier_server.py"), str(parties)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("barrier-server listening on "), line
        self.url = line.split()[-1]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def barrier() -> Iterator[Callable[[int], BarrierServer]]:
    started: List[BarrierServer] = []

    def start(parties: int) -> BarrierServer:
        started.append(BarrierServer(parties))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    e = Emulator()
    yield e
    e.stop()


@pytest.fixture(scope="session")
def docs_emulator() -> Iterator[Emulator]:
    e = Emulator("--config", str(FIXTURES / "emulator-docs-accounts.json"))
    yield e
    e.stop()


@pytest.fixture
def client(emulator: Emulator) -> cinetpay.Client:
    return cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=emulator.url)


@pytest.fixture
def unique_id(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """Transaction ids unique across the session (the emulator refuses reused ones)."""
    counter = iter(range(1_000_000))
    return lambda prefix="": f"PY-{request.node.name[:40]}-{prefix}{next(counter)}"


def closed_port_url() -> str:
    """A loopback URL where nothing listens: a request that leaks there is a NetworkError."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def patched(base: Dict[str, Any], case: Dict[str, Any]) -> Dict[str, Any]:
    """A fixture's `base` with a case's `set` applied and its `unset` keys removed."""
    body = dict(base)
    body.update(case.get("set", {}))
    for key in case.get("unset", []):
        body.pop(key)
    return body


def payload(**overrides: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = dict(fixture("validation.json")["base"])
    base.update(overrides)
    return base
