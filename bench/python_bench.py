"""The Python package beside requests, httpx, aiohttp and wrk, against one local server, in one run.

    cargo build --release -p cinetpay-bench
    (. .venv/bin/activate && maturin develop --profile dist -m bindings-python/Cargo.toml)
    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/python_bench.py [--seconds 3]

Prints a Markdown table of requests per second and ratios. Only ratios within one run count.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import aiohttp
import httpx
import requests

import cinetpay

ROOT = Path(__file__).resolve().parents[1]
# Built by `cargo build --release -p cinetpay-bench`, with or without a target triple.
BENCH = next(
    (p for p in [ROOT / "target" / "release" / "cinetpay-bench", *ROOT.glob("target/*/release/cinetpay-bench")] if p.is_file()),
    ROOT / "target" / "release" / "cinetpay-bench",
)
API_KEY, SITE_ID = "bench-apikey-000000000000", "445160"
IN_FLIGHT = 64
SWEEP = [1, 8, IN_FLIGHT]
ids = itertools.count()


def payload() -> Dict[str, Any]:
    return dict(
        transaction_id=f"BENCH-{next(ids)}",
        amount=100,
        currency="XOF",
        description="Order",
        notify_url="https://shop.example/notify",
        return_url="https://shop.example/return",
    )


def wire() -> Dict[str, Any]:
    return dict(apikey=API_KEY, site_id=SITE_ID, channels="ALL", **payload())


def rate(seconds: float, one: Callable[[], Any]) -> float:
    one()  # warm the connection
    n, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        one()
        n += 1
    return n / seconds


def async_rate(seconds: float, make: Callable[[], Any], in_flight: int = IN_FLIGHT) -> float:
    async def run() -> int:
        one, close = await make()
        for _ in range(in_flight):  # warm every connection
            await one()
        count = 0
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal count
            while time.perf_counter() < deadline:
                await one()
                count += 1

        await asyncio.gather(*(worker() for _ in range(in_flight)))
        await close()
        return count

    return asyncio.run(run()) / seconds


def startup(code: str) -> float:
    """Median wall time of `code` in a fresh interpreter, in ms."""
    times = []
    for _ in range(7):
        out = subprocess.run(
            [sys.executable, "-c", f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)"],
            capture_output=True, text=True, check=True,
        )
        times.append(float(out.stdout) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    secs = parser.parse_args().seconds
    server = subprocess.Popen([str(BENCH), "--serve"], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    url = server.stdout.readline().split()[-1]
    endpoint = f"{url}/v2/payment"
    try:
        client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=url)
        session = requests.Session()
        hx = httpx.Client()
        seq: Dict[str, float] = {
            "cinetpay.Client.init_payment": rate(secs, lambda: client.init_payment(**payload())),
            "requests.Session (POST + .json())": rate(secs, lambda: session.post(endpoint, json=wire()).json()),
            "httpx.Client (POST + .json())": rate(secs, lambda: hx.post(endpoint, json=wire()).json()),
        }
        wrk = subprocess.run(
            [str(BENCH), "--wrk", url.removeprefix("http://"), "1", str(int(secs))],
            capture_output=True, text=True,
        )
        if wrk.returncode == 0:
            seq["wrk -t1 -c1 (loopback limit, one connection)"] = float(wrk.stdout)

        async def sdk() -> Any:
            c = cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=url)
            return (lambda: c.init_payment(**payload())), c.aclose

        async def hx_async() -> Any:
            # As many kept-alive connections as in flight: the default (20) would reconnect.
            c = httpx.AsyncClient(limits=httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT))

            async def one() -> Any:
                return (await c.post(endpoint, json=wire())).json()

            return one, c.aclose

        async def aio() -> Any:
            session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=IN_FLIGHT))

            async def one() -> Any:
                async with session.post(endpoint, json=wire()) as r:
                    return await r.json()

            return one, session.close

        clients = {
            "cinetpay.AsyncClient": sdk,
            "aiohttp.ClientSession": aio,
            "httpx.AsyncClient": hx_async,
        }
        sweep = {name: {n: async_rate(secs, make, n) for n in SWEEP} for name, make in clients.items()}
        par = {name: rates[IN_FLIGHT] for name, rates in sweep.items()}
        starts = {
            "import cinetpay + Client(...)": startup(f"import cinetpay; cinetpay.Client(api_key='{API_KEY}', site_id='1')"),
            "import httpx + httpx.Client()": startup("import httpx; httpx.Client()"),
            "import requests + Session()": startup("import requests; requests.Session()"),
        }
    finally:
        server.kill()

    base = seq["cinetpay.Client.init_payment"]
    print(f"Sequential, {secs:g} s each (ratio = cinetpay's rate / this client's rate)\n")
    print("| client | requests/s | µs/request | cinetpay ÷ this |\n|---|---:|---:|---:|")
    for name, r in seq.items():
        print(f"| {name} | {r:.0f} | {1e6 / r:.0f} | {base / r:.2f} |")
    print(f"\n{IN_FLIGHT} in flight (asyncio)\n")
    print("| client | requests/s | cinetpay ÷ this |\n|---|---:|---:|")
    for name, r in par.items():
        print(f"| {name} | {r:.0f} | {par['cinetpay.AsyncClient'] / r:.2f} |")
    print("\nasyncio, requests/s by calls in flight\n")
    print("| client | " + " | ".join(f"{n} in flight" for n in SWEEP) + " |")
    print("|---|" + "---:|" * len(SWEEP))
    for name, rates in sweep.items():
        print(f"| {name} | " + " | ".join(f"{rates[n]:.0f}" for n in SWEEP) + " |")
    print("\nStart-up, median of 7 fresh interpreters\n")
    print("| code | ms |\n|---|---:|")
    for name, ms in starts.items():
        print(f"| {name} | {ms:.1f} |")


if __name__ == "__main__":
    main()
