"""Sequential init_payment calls through the Python package for SECONDS; prints µs per call.

    .venv/bin/python bench/python_seq.py BASE_URL SECONDS

Run by bench/blocking_vs_wrk.sh beside `wrk -t1 -c1` on the nginx stand-in."""

import sys
import time

import cinetpay

url, seconds = sys.argv[1], float(sys.argv[2])
client = cinetpay.Client(api_key="bench-apikey-000000000000", site_id="445160", base_url=url)


def one(n: int) -> None:
    client.init_payment(transaction_id=f"B-{n}", amount=100, currency="XOF", description="Order",
                        notify_url="https://shop.example/notify", return_url="https://shop.example/return")


for n in range(2000):  # warm the connection and the allocator
    one(n)
n, started = 0, time.perf_counter()
while time.perf_counter() - started < seconds:
    one(n)
    n += 1
print(f"{(time.perf_counter() - started) * 1e6 / n:.1f}")
