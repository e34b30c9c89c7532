#!/usr/bin/env python3
"""Prints a genuine signed notification from the emulator, for the C and PHP examples' handlers.

    notification.py EMULATOR_URL [OUTCOME] [AMOUNT]

Creates a payment on the emulator's default account, plays the customer's OUTCOME (accept by
default) through the emulator's test endpoint, waits for the emulator's notification POST
(recorded even though notify_url is not reachable from here), and prints two lines: the raw
urlencoded body, as a notify_url handler receives it, and its x-token.
"""

import json
import sys
import time
import uuid
from urllib.parse import urlencode
from urllib.request import Request, urlopen


def call(url: str, body: object = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = Request(url, data=data, headers={"content-type": "application/json", "user-agent": "notification.py"})
    with urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def main() -> None:
    base, outcome = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "accept"
    amount = int(sys.argv[3]) if len(sys.argv) > 3 else 2500
    tx = f"NOTE-{uuid.uuid4().hex[:12]}"
    call(f"{base}/v2/payment", {
        "apikey": "emulator-apikey-0000000000000001", "site_id": "445160", "transaction_id": tx,
        "amount": amount, "currency": "XOF", "description": "Commande 42",
        "notify_url": "https://shop.example/notify", "return_url": "https://shop.example/return",
    })
    call(f"{base}/_emulator/outcome", {"transaction_id": tx, "outcome": outcome})
    for _ in range(500):
        posts = [d for d in call(f"{base}/_emulator/notifications?transaction_id={tx}") if d["kind"] == "post"]
        if posts:
            print(urlencode(posts[0]["form"]))
            print(posts[0]["x_token"])
            return
        time.sleep(0.02)
    sys.exit(f"no notification for {tx}")


if __name__ == "__main__":
    main()
