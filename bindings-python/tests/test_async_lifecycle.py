"""AsyncClient's lifecycle: validation before any work, cancellation, closing, several loops.

Each test checks the property itself, not only that nothing raised: the native call count, the
server seeing the connection dropped, `aclose` still pending while a call runs.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any, List

import pytest

import cinetpay
from cinetpay import _aio
from conftest import API_KEY, SITE_ID, Emulator, payload
from slow_server import SlowServer


class HangingServer:
    """Accepts one connection, reads the request, never answers, and records when the client
    closes the connection (``closed``)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.received = threading.Event()
        self.closed = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.settimeout(30)
            while b"\r\n\r\n" not in conn.recv(65536):
                pass
            self.received.set()
            try:
                while conn.recv(65536):
                    pass
            except OSError:
                return
            self.closed.set()


def native_calls() -> Any:
    """The running loop's native call queue."""
    calls = _aio.queue_of(asyncio.get_running_loop())
    assert calls is not None
    return calls._native


def test_a_refused_request_raises_at_the_first_step_without_native_work() -> None:
    async def run() -> None:
        async with cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url="http://127.0.0.1:9") as c:
            coro = c.init_payment(**payload(amount=2502))
            # A call that went through the runtime would first yield a future to wait on. This
            # one raises on its very first step: nothing was spawned.
            with pytest.raises(cinetpay.ValidationError) as e:
                coro.send(None)
            assert e.value.field == "amount"
            assert native_calls().running() == 0
            # And through a plain await, it raises at the await.
            with pytest.raises(cinetpay.ValidationError):
                await c.init_payment(**payload(currency="EUR"))

    asyncio.run(run())


@pytest.mark.parametrize("how", ["wait_for", "task.cancel"])
def test_cancelling_a_call_aborts_its_request(how: str) -> None:
    server = HangingServer()

    async def run() -> None:
        async with cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, timeout=30) as c:
            task = asyncio.ensure_future(c.init_payment(**payload()))
            while not server.received.is_set():
                await asyncio.sleep(0.001)
            assert native_calls().running() == 1
            if how == "wait_for":
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(task, 0.01)
            else:
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            # The native task is gone at once, and its connection is dropped (the server reads
            # EOF), long before the 30 s timeout.
            await asyncio.sleep(0)
            assert native_calls().running() == 0
            assert await asyncio.get_running_loop().run_in_executor(None, server.closed.wait, 10)

    asyncio.run(run())


def test_aclose_waits_for_the_calls_in_flight() -> None:
    server = SlowServer()

    async def run() -> None:
        c = cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, timeout=20)
        call = asyncio.ensure_future(c.init_payment(**payload()))
        while not server.received.is_set():
            await asyncio.sleep(0.001)
        closing = asyncio.ensure_future(c.aclose())
        for _ in range(50):
            await asyncio.sleep(0)
        # The server has not answered: aclose is still waiting for the call.
        assert not closing.done() and not call.done()
        server.release.set()
        await closing
        assert call.done() and call.result().payment_token == "tok"
        with pytest.raises(RuntimeError, match="closed"):
            await c.init_payment(**payload())

    try:
        asyncio.run(run())
    finally:
        server.close()


def test_each_loop_gets_its_own_queue_and_a_closed_loop_frees_it(emulator: Emulator, unique_id: Any) -> None:
    client = cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=emulator.url)
    tokens: List[str] = []

    async def one() -> None:
        tokens.append((await client.init_payment(**payload(transaction_id=unique_id()))).payment_token)

    for _ in range(3):
        asyncio.run(one())
    assert len(set(tokens)) == 3
    import gc

    gc.collect()
    # asyncio.run closed and dropped each loop: no queue (and no socket) is left behind.
    assert len(_aio._by_loop) == 0


def test_a_loop_closed_with_a_call_pending_frees_its_queue_and_aborts_the_call() -> None:
    # Code that manages its own loop may close and drop it with a call still waiting (asyncio.run
    # would have cancelled it first). The loop, its queue and its socket must then be freed, and
    # the native call aborted: the server sees the connection dropped.
    import gc

    server = HangingServer()
    client = cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, timeout=30)
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda loop, context: None)  # "Task was destroyed but it is pending"
    task = loop.create_task(client.init_payment(**payload()))
    while not server.received.is_set():
        loop.run_until_complete(asyncio.sleep(0.001))
    loop.close()
    del loop, task
    gc.collect()
    assert len(_aio._by_loop) == 0
    assert server.closed.wait(10)


def test_uvloop(emulator: Emulator, unique_id: Any) -> None:
    # uvicorn and other ASGI servers run on uvloop when it is installed: its loop must support
    # the socket the results arrive on, and weak references (one queue per loop).
    import uvloop

    ids = [unique_id() for _ in range(20)]

    async def run() -> List[str]:
        async with cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, base_url=emulator.url) as c:
            links = await asyncio.gather(*(c.init_payment(**payload(transaction_id=tx)) for tx in ids))
            with pytest.raises(cinetpay.ValidationError):
                await c.init_payment(**payload(amount=102))
            return [link.payment_token for link in links]

    tokens = uvloop.run(run())
    for tx, token in zip(ids, tokens):
        assert emulator.transaction(SITE_ID, tx)["payment_token"] == token


def test_a_panic_in_the_core_is_an_internal_error_on_the_sync_and_async_paths() -> None:
    """A bug in the core must surface as CinetPayError('internal'), never crash the host. The
    `_panic_for_tests` operation exists in debug builds only (the ones the suite builds)."""
    import asyncio

    import cinetpay

    client = cinetpay.Client(api_key="k-0000000000", site_id="1", base_url="http://127.0.0.1:9")
    try:
        client._native_call("_panic_for_tests", {})
    except cinetpay.ValidationError:
        pytest.skip("a release build: the panic operation exists only in debug builds")
    except cinetpay.CinetPayError as e:
        assert (type(e), e.code, e.family) == (cinetpay.CinetPayError, "internal", "internal")
        assert isinstance(e, cinetpay.CinetPayError) and "panicked" in e.message
    else:
        pytest.fail("no error")

    async def main() -> None:
        aclient = cinetpay.AsyncClient(api_key="k-0000000000", site_id="1", base_url="http://127.0.0.1:9")
        with pytest.raises(cinetpay.CinetPayError) as info:
            # Bounded: a panic that lost the call would leave this await hanging.
            await asyncio.wait_for(aclient._call_async("_panic_for_tests", {}), 10)
        assert (info.value.code, info.value.family) == ("internal", "internal")
        # The client and its loop still work after the panic.
        with pytest.raises(cinetpay.ValidationError):
            await aclient.check_payment()
        await aclient.aclose()

    asyncio.run(main())
