"""A process that forks after using a client (multiprocessing's fork, gunicorn --preload): the
child must not share the parent's connections, or answers could cross between the processes."""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, List

import pytest

import cinetpay

CREATED = json.dumps({"code": "201", "message": "CREATED", "data": {"payment_token": "t", "payment_url": "u"}}).encode()


class KeepAliveServer(ThreadingHTTPServer):
    """Answers every POST with CinetPay's 201, keeping connections alive; counts connections."""

    daemon_threads = True

    def __init__(self) -> None:
        self.connections: List[Any] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                server.connections.append(self.client_address)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(CREATED)))
                self.end_headers()
                self.wfile.write(CREATED)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def payload(n: int) -> Any:
    return dict(transaction_id=f"FORK-{os.getpid()}-{n}", amount=100, currency="XOF", description="Order",
                notify_url="https://shop.example/notify", return_url="https://shop.example/return")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_opens_its_own_connection_and_both_processes_keep_working() -> None:
    server = KeepAliveServer()
    try:
        client = cinetpay.Client(api_key="k-0000000000", site_id="1", base_url=f"http://127.0.0.1:{server.server_address[1]}")
        client.init_payment(**payload(1))
        client.init_payment(**payload(2))
        assert len(server.connections) == 1, "the parent keeps its connection alive"
        pid = os.fork()
        if pid == 0:  # the child: one call, then leave without running the parent's cleanup
            code = 0
            try:
                client.init_payment(**payload(3))
            except BaseException:
                code = 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0, "the child's call failed"
        assert len(server.connections) == 2, "the child must open a connection of its own, not use the parent's"
        client.init_payment(**payload(4))
        assert len(server.connections) == 2, "the parent still has its own connection"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_can_use_the_asyncio_client_its_parent_used() -> None:
    # The asyncio client runs its calls on the SDK's shared runtime, whose worker threads do not
    # survive fork(): the child must get a runtime and connections of its own, not hang.
    import asyncio
    import signal

    server = KeepAliveServer()
    try:
        client = cinetpay.AsyncClient(api_key="k-0000000000", site_id="1", base_url=f"http://127.0.0.1:{server.server_address[1]}")
        asyncio.run(client.init_payment(**payload(1)))
        assert len(server.connections) == 1
        pid = os.fork()
        if pid == 0:  # the child: one call, bounded by an alarm, then leave
            signal.alarm(10)
            code = 0
            try:
                asyncio.run(asyncio.wait_for(client.init_payment(**payload(2)), 5))
            except BaseException:
                code = 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"the child's call failed or hung ({status})"
        assert len(server.connections) == 2, "the child must open a connection of its own"
        asyncio.run(client.init_payment(**payload(3)))
        assert len(server.connections) == 2, "the parent still has its own connection"
    finally:
        server.shutdown()
        server.server_close()
