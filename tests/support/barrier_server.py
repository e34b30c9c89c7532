"""A payment API stand-in that answers only when N requests are in flight at once.

    python3 tests/support/barrier_server.py N [SECONDS]

Prints ``barrier-server listening on URL`` and serves until killed. Each ``POST /v2/payment``
waits until N requests are waiting together, then all N get a 201 whose ``payment_token`` is
``tok-<transaction_id>``, so every caller can check that it got the answer to its own request.
If N are not in flight within SECONDS (default 10), the waiting ones get an HTTP 500 and the
test fails on it.

This proves parallelism without measuring time: a client that ran its calls one at a time (a
global lock, a single connection, a runtime with one slot) never has N in flight, so it can
never pass. The suites of Python, Node and C all use this one server.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    parties = int(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    barrier = threading.Barrier(parties, timeout=seconds)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))))
            tx = body.get("transaction_id", "")
            try:
                barrier.wait()
                status, answer = 200, {
                    "code": "201",
                    "message": "CREATED",
                    "description": "Transaction created with success",
                    "data": {"payment_token": f"tok-{tx}", "payment_url": f"{url}/payment/tok-{tx}"},
                    "api_response_id": f"barrier-{tx}",
                }
            except threading.BrokenBarrierError:
                status, answer = 500, {"code": "500", "message": f"fewer than {parties} requests in flight at once"}
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = max(128, parties * 2)

    httpd = Server(("127.0.0.1", 0), Handler)
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    print(f"barrier-server listening on {url}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
