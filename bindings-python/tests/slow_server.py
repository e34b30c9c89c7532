"""A loopback HTTP server, written in Python, that answers only once it is told to.

Its handler runs in a Python thread, so it can only run at all while the caller of
``init_payment`` has released the GIL.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

CREATED = json.dumps(
    {
        "code": "201",
        "message": "CREATED",
        "description": "Transaction created with success",
        "data": {"payment_token": "tok", "payment_url": "https://checkout.example/payment/tok"},
        "api_response_id": "1.1",
    }
).encode()


class SlowServer:
    """``received`` is set when a request arrives; the answer waits for ``release`` (or never)."""

    def __init__(self, answer: bool = True) -> None:
        self.received = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("content-length", "0")))
                outer.received.set()
                if not outer.release.wait(30) or not answer:
                    return
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(CREATED)))
                self.end_headers()
                self.wfile.write(CREATED)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def release_from(self, work: Callable[[], None]) -> threading.Thread:
        """Starts a thread that waits for the request, runs ``work``, then releases the answer."""

        def run() -> None:
            self.received.wait(30)
            work()
            self.release.set()

        t = threading.Thread(target=run, daemon=True)
        t.start()
        return t

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
