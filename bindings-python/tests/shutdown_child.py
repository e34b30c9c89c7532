"""One short program that uses the SDK and exits; `test_shutdown.py` runs it many times.

    python shutdown_child.py SCENARIO EMULATOR_URL

It prints ``ok <scenario>`` when the call ended as expected, then lets the interpreter exit on
its own: the crash of issue 8 happened after that line, during finalization, so the parent
checks the exit status as well as the line.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import Any, Awaitable, Callable, Dict, List

import cinetpay

API_KEY = "emulator-apikey-0000000000000001"
SITE_ID = "445160"


def payload(tx: str, **overrides: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = dict(
        transaction_id=tx,
        amount=100,
        currency="XOF",
        description="shutdown test",
        notify_url="https://shop.example/notify",
        return_url="https://shop.example/return",
    )
    base.update(overrides)
    return base


def silent_server() -> socket.socket:
    """A listening socket that never answers: the kernel accepts the connection, so the request
    is sent and the call waits for an answer that never comes."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(512)
    return s


def url_of(s: socket.socket) -> str:
    return f"http://127.0.0.1:{s.getsockname()[1]}"


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return url_of(s)


def client(url: str, **kwargs: Any) -> cinetpay.AsyncClient:
    kwargs.setdefault("api_key", API_KEY)
    return cinetpay.AsyncClient(site_id=SITE_ID, base_url=url, max_retries=0, **kwargs)


async def expect(call: Awaitable[Any], error: type) -> None:
    try:
        await call
    except error:
        return
    raise AssertionError(f"expected {error.__name__}")


async def success(url: str, tx: str) -> None:
    async with client(url) as c:
        link = await c.init_payment(**payload(tx))
        assert link.payment_url.startswith(url), link


async def validation(url: str, tx: str) -> None:
    async with client(url) as c:
        await expect(c.init_payment(**payload(tx, amount=2502)), cinetpay.ValidationError)


async def api_error(url: str, tx: str) -> None:
    async with client(url, api_key="emulator-apikey-wrong") as c:
        await expect(c.init_payment(**payload(tx)), cinetpay.AuthenticationError)


async def network(url: str, tx: str) -> None:
    async with client(closed_port()) as c:
        await expect(c.init_payment(**payload(tx)), cinetpay.NetworkError)


async def cancelled(url: str, tx: str) -> None:
    server = silent_server()
    async with client(url_of(server)) as c:
        await expect(asyncio.wait_for(c.init_payment(**payload(tx)), 0.05), asyncio.TimeoutError)
        task = asyncio.ensure_future(c.init_payment(**payload(tx + "b")))
        await asyncio.sleep(0.01)
        task.cancel()
        await expect(task, asyncio.CancelledError)


def started(c: cinetpay.AsyncClient, tx: str, n: int) -> List["asyncio.Future[Any]"]:
    calls = [asyncio.ensure_future(c.init_payment(**payload(f"{tx}-{i}"))) for i in range(n)]
    for call in calls:
        # Retrieve the outcome, so that asyncio does not report "never retrieved" at exit.
        call.add_done_callback(lambda f: f.cancelled() or f.exception())
    return calls


async def in_flight(url: str, tx: str) -> None:
    """Returns with 20 calls running (half to a server that never answers): asyncio.run then
    cancels them and closes the loop while their requests are on the wire."""
    server = silent_server()
    fast, slow = client(url), client(url_of(server))
    started(fast, tx + "f", 10)
    started(slow, tx + "s", 10)
    await asyncio.sleep(0.002)


def in_flight_loop_left_open(url: str, tx: str) -> None:
    """Exits with calls running on a loop that is never closed: nothing cancels them, so the
    interpreter finalizes while the runtime's threads still work on them and finish them."""
    server = silent_server()
    loop = asyncio.new_event_loop()
    # At exit asyncio reports the pending tasks ("Task was destroyed but it is pending"): true,
    # and this program's own doing. Silenced so that the parent can require an empty stderr.
    loop.set_exception_handler(lambda loop, context: None)

    async def start() -> None:
        started(client(url), tx + "f", 10)
        started(client(url_of(server)), tx + "s", 10)
        await asyncio.sleep(0.002)

    loop.run_until_complete(start())


def sync_daemon_threads(url: str, tx: str) -> None:
    """Exits while daemon threads wait in the blocking client (Django's development server runs
    requests in daemon threads). Their timeouts are spread around the moment of exit, so some
    calls end before it, some while the interpreter finalizes, some after."""
    server = silent_server()

    def call(i: int) -> None:
        c = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=url_of(server), max_retries=0,
                            timeout=0.020 + 0.0005 * i)
        try:
            c.init_payment(**payload(f"{tx}-{i}"))
        except cinetpay.TimeoutError:
            pass

    import threading
    import time

    for i in range(8):
        threading.Thread(target=call, args=(i,), daemon=True).start()
    time.sleep(0.02)


SCENARIOS: Dict[str, Callable[[str, str], Awaitable[None]]] = {
    "success": success,
    "validation": validation,
    "api_error": api_error,
    "network": network,
    "cancelled": cancelled,
    "in_flight": in_flight,
}


def main() -> None:
    scenario, url, tx = sys.argv[1], sys.argv[2], sys.argv[3]
    if scenario == "in_flight_loop_left_open":
        in_flight_loop_left_open(url, tx)
    elif scenario == "sync_daemon_threads":
        sync_daemon_threads(url, tx)
    else:
        asyncio.run(SCENARIOS[scenario](url, tx))
    print(f"ok {scenario}", flush=True)


if __name__ == "__main__":
    main()
