"""Native calls awaited from asyncio, resolved on the event loop's own thread.

The native side (``_cinetpay.Completions``) runs each call on the SDK's tokio runtime and, when
it finishes, only queues the Rust result and writes one byte to a socket. This module watches
that socket with ``loop.add_reader`` and resolves the futures here, on the loop's thread. No
tokio thread ever takes the GIL or holds a Python object, so none can touch the interpreter
while it shuts down (issue 8: the crash at exit with ``pyo3-async-runtimes``).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, Callable, Dict

from . import _cinetpay
from ._errors import _from_native

__all__ = ["call"]


class _LoopCalls:
    """The native calls in flight on one event loop.

    It holds no reference to the loop itself: the loop holds it, through the reader callback,
    and the registry below maps the loop to it weakly.
    """

    __slots__ = ("__weakref__", "_native", "_futures")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._native = _cinetpay.Completions()
        self._futures: Dict[int, "asyncio.Future[Any]"] = {}
        try:
            loop.add_reader(self._native.fileno(), self._deliver)
        except NotImplementedError:
            raise RuntimeError(
                "cinetpay.AsyncClient needs an event loop that supports add_reader (the default "
                "loop on Linux and macOS, or uvloop); on Windows' ProactorEventLoop use "
                "cinetpay.Client with asyncio.to_thread"
            ) from None

    def track(self, loop: asyncio.AbstractEventLoop, call_id: int) -> "asyncio.Future[Any]":
        future = loop.create_future()
        self._futures[call_id] = future
        future.add_done_callback(lambda f: self._settled(call_id, f))
        return future

    def _settled(self, call_id: int, future: "asyncio.Future[Any]") -> None:
        # Still registered means it was not delivered: it was cancelled, so stop the native call.
        if self._futures.pop(call_id, None) is not None:
            self._native.cancel(call_id)

    def _deliver(self) -> None:
        for call_id, ok, value in self._native.take():
            future = self._futures.pop(call_id, None)
            if future is None or future.done():
                continue
            if ok:
                future.set_result(value)
                continue
            try:
                error: BaseException = _from_native(value)
            except Exception as e:  # a malformed error must not strand the results after it
                error = e
            future.set_exception(error)


# Loop -> weak reference to its queue. Neither side is held strongly here: the loop keeps its
# queue alive through the reader it watches, and the queue's pending futures keep the loop alive.
# A loop that is closed (its reader dropped) and then dropped by its owner, even with calls still
# pending, becomes garbage with its queue; the native side then aborts those calls and closes its
# socket. A strong value here would keep both alive for ever.
_by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, weakref.ReferenceType[_LoopCalls]]" = (
    weakref.WeakKeyDictionary()
)


def queue_of(loop: asyncio.AbstractEventLoop) -> "_LoopCalls | None":
    """The loop's queue, if it has one."""
    ref = _by_loop.get(loop)
    return ref() if ref is not None else None


def call(start: Callable[[_cinetpay.Completions], int]) -> "asyncio.Future[Any]":
    """Starts a native call on the running loop's queue and returns the future of its result.

    ``start`` validates and spawns (raising at once on bad input) and returns the call's id.
    """
    loop = asyncio.get_running_loop()
    calls = queue_of(loop)
    if calls is None:
        calls = _LoopCalls(loop)
        _by_loop[loop] = weakref.ref(calls)
    return calls.track(loop, start(calls._native))
