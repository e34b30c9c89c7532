"""Threads and asyncio: results matched to requests, the GIL released, the loop never blocked."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, List, Tuple

import cinetpay
from conftest import API_KEY, SITE_ID, Emulator, payload
from slow_server import SlowServer


def test_sixteen_threads_share_one_client(client: cinetpay.Client, emulator: Emulator, unique_id: Any) -> None:
    # Each call its own amount too, so that a result handed to the wrong caller shows.
    calls = [(unique_id(f"t{t}-"), 100 + 5 * (t * 10 + i)) for t in range(16) for i in range(10)]

    def one(call: Tuple[str, int]) -> Tuple[str, str]:
        tx, amount = call
        return tx, client.init_payment(**payload(transaction_id=tx, amount=amount)).payment_token

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, calls))
    # Every result is the one the emulator stored for that very request.
    assert [tx for tx, _ in results] == [tx for tx, _ in calls]
    for (tx, token), (_, amount) in zip(results, calls):
        stored = emulator.transaction(SITE_ID, tx)
        assert (stored["payment_token"], stored["amount"]) == (token, amount), tx


def test_eight_threads_run_their_calls_in_parallel(barrier: Any) -> None:
    # The server answers only when 8 requests are in flight at once: calls run one at a time
    # (a lock, the GIL held while waiting) would all fail with server_error.
    server = barrier(8)
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, max_retries=0)
    ids = [f"PAR-{t}-{i}" for t in range(8) for i in range(5)]

    def one(tx: str) -> Tuple[str, str]:
        return tx, client.init_payment(**payload(transaction_id=tx)).payment_token

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, ids))
    assert results == [(tx, f"tok-{tx}") for tx in ids]


def test_200_concurrent_asyncio_calls(emulator: Emulator, unique_id: Any) -> None:
    async def run() -> List[Tuple[str, cinetpay.PaymentLink]]:
        async with cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=emulator.url) as client:
            ids = [unique_id() for _ in range(200)]

            async def one(tx: str) -> Tuple[str, cinetpay.PaymentLink]:
                return tx, await client.init_payment(**payload(transaction_id=tx))

            return await asyncio.gather(*(one(tx) for tx in ids))

    results = asyncio.run(run())
    assert len({link.payment_token for _, link in results}) == 200
    for tx, link in results:
        assert emulator.transaction(SITE_ID, tx)["payment_token"] == link.payment_token, tx


def test_asyncio_calls_run_in_parallel(barrier: Any) -> None:
    server = barrier(64)
    ids = [f"APAR-{i}" for i in range(128)]

    async def run() -> List[str]:
        async with cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, max_retries=0) as c:
            links = await asyncio.gather(*(c.init_payment(**payload(transaction_id=tx)) for tx in ids))
            return [link.payment_token for link in links]

    assert asyncio.run(run()) == [f"tok-{tx}" for tx in ids]


def test_the_gil_is_released_while_a_call_waits() -> None:
    # The answer comes only after another Python thread has run a pure-Python loop: with the GIL
    # held by the waiting call, neither that thread nor the server's could run, and the call
    # would time out instead.
    server = SlowServer()
    counted: List[int] = []

    def count() -> None:
        n = 0
        for _ in range(100_000):
            n += 1
        counted.append(n)

    try:
        server.release_from(count)
        client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, timeout=20)
        link = client.init_payment(**payload())
        assert link.payment_token == "tok" and counted == [100_000]
    finally:
        server.close()


def test_the_event_loop_keeps_running_while_a_call_waits() -> None:
    server = SlowServer()

    async def run() -> int:
        async with cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, timeout=20) as client:
            call = asyncio.ensure_future(client.init_payment(**payload()))
            ticks = 0
            # Only this coroutine can release the server: a blocked loop would never get here.
            while not server.received.is_set():
                await asyncio.sleep(0.001)
            for _ in range(50):
                await asyncio.sleep(0)
                ticks += 1
            assert not call.done()
            server.release.set()
            await call
            return ticks

    try:
        assert asyncio.run(run()) == 50
    finally:
        server.close()


def test_sync_and_async_clients_in_threads_and_loops_at_once(emulator: Emulator, unique_id: Any) -> None:
    # Four threads, each with its own event loop and AsyncClient, and two threads sharing one
    # blocking Client, all at once; every result is then matched to the emulator's record.
    errors: List[BaseException] = []
    results: List[Tuple[str, str]] = []
    sync_client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=emulator.url)

    def in_loop() -> None:
        try:
            results.extend(asyncio.run(_async_batch(emulator.url, [unique_id() for _ in range(20)])))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def blocking() -> None:
        try:
            for tx in [unique_id() for _ in range(20)]:
                results.append((tx, sync_client.init_payment(**payload(transaction_id=tx)).payment_token))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=in_loop) for _ in range(4)] + [threading.Thread(target=blocking) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 120
    for tx, token in results:
        assert emulator.transaction(SITE_ID, tx)["payment_token"] == token, tx


async def _async_batch(url: str, ids: List[str]) -> List[Tuple[str, str]]:
    async with cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=url) as client:
        links = await asyncio.gather(*(client.init_payment(**payload(transaction_id=tx)) for tx in ids))
        return [(tx, link.payment_token) for tx, link in zip(ids, links)]
