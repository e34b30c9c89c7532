"""The floor of a Python client: one kept-alive socket, each call's JSON body formatted, the POST
written and its answer read, nothing parsed beyond the answer's length. Prints µs per call.

    python bench/raw_seq.py PORT SECONDS

Run by bench/floors.sh beside the SDK: what any Python client pays for the interpreter."""

import socket
import sys
import time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
sock = socket.create_connection(("127.0.0.1", port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def one(n: int) -> bytes:
    body = (
        '{"apikey":"bench-apikey-000000000000","site_id":"445160",'
        f'"transaction_id":"R-{n}","amount":100,"currency":"XOF","description":"Order",'
        '"notify_url":"https://shop.example/notify","return_url":"https://shop.example/return","channels":"ALL"}'
    ).encode()
    head = f"POST /v2/payment HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    sock.sendall(head.encode() + body)
    answer = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("the server closed the connection")
        answer += chunk
        end = answer.find(b"\r\n\r\n")
        if end >= 0:
            at = answer.lower().find(b"content-length: ")
            length = int(answer[at + 16 : answer.find(b"\r\n", at)])
            if len(answer) >= end + 4 + length:
                return answer[end + 4 :]


# python_seq.py's loop, line for line, so that both pay the same interpreter cost for it.
for n in range(2000):
    one(n)
n, started = 0, time.perf_counter()
while time.perf_counter() - started < seconds:
    one(n)
    n += 1
print(f"{(time.perf_counter() - started) * 1e6 / n:.1f}")
