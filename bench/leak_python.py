"""Resident memory of a Python process making 100,000 init_payment calls against the emulator
(issue 14: growth under 10 MB after warm-up). Prints the figures; exits 1 past the bound.

    cargo build -p cinetpay-emulator
    (. .venv/bin/activate && maturin develop --release -m bindings-python/Cargo.toml)
    .venv/bin/python bench/leak_python.py [--calls 100000] [--warmup 10000] [--kind blocking|asyncio]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import cinetpay

ROOT = Path(__file__).resolve().parents[1]
API_KEY, SITE_ID = "emulator-apikey-0000000000000001", "445160"
BOUND_MIB = 10


def emulator_binary() -> str:
    if "CINETPAY_EMULATOR" in os.environ:
        return os.environ["CINETPAY_EMULATOR"]
    for candidate in [ROOT / "target" / "release", ROOT / "target" / "debug", *sorted((ROOT / "target").glob("*/debug"))]:
        if (candidate / "cinetpay-emulator").is_file():
            return str(candidate / "cinetpay-emulator")
    sys.exit("cinetpay-emulator not found: cargo build -p cinetpay-emulator, or set CINETPAY_EMULATOR")


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def payload(n: int) -> dict:
    return dict(
        transaction_id=f"LEAK-{os.getpid()}-{n}", amount=100 + 5 * (n % 1000), currency="XOF",
        description="Commande", notify_url="https://shop.example/notify", return_url="https://shop.example/return",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--warmup", type=int, default=10_000)
    parser.add_argument("--kind", choices=["blocking", "asyncio"], default="blocking")
    args = parser.parse_args()
    emulator = subprocess.Popen([emulator_binary(), "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True)
    assert emulator.stdout is not None
    url = emulator.stdout.readline().split()[-1]
    samples = []
    try:
        if args.kind == "blocking":
            client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=url)
            started = time.monotonic()
            for n in range(args.calls):
                client.init_payment(**payload(n))
                if n + 1 == args.warmup or (n + 1) % (args.calls // 10) == 0:
                    gc.collect()
                    samples.append((n + 1, rss_mib()))
        else:
            async def run() -> None:
                client = cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=url)
                for n in range(args.calls):
                    await client.init_payment(**payload(n))
                    if n + 1 == args.warmup or (n + 1) % (args.calls // 10) == 0:
                        gc.collect()
                        samples.append((n + 1, rss_mib()))

            started = time.monotonic()
            asyncio.run(run())
        elapsed = time.monotonic() - started
    finally:
        emulator.kill()
    warm = next(rss for n, rss in samples if n == args.warmup)
    end = samples[-1][1]
    print(f"python {args.kind}: {args.calls} calls in {elapsed:.1f} s; RSS after {args.warmup} (warm-up) "
          f"{warm:.1f} MiB, after {args.calls} {end:.1f} MiB: grew {end - warm:+.1f} MiB (bound {BOUND_MIB})")
    print("samples (calls, MiB):", ", ".join(f"{n}: {rss:.1f}" for n, rss in samples))
    sys.exit(0 if end - warm < BOUND_MIB else 1)


if __name__ == "__main__":
    main()
