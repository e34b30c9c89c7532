"""The payment lifecycle against the emulator: check a payment, receive CinetPay's signed
notifications, and decide with handle_notification; plus the shared check-response vectors."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Tuple
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

import cinetpay
from conftest import API_KEY, SITE_ID, Emulator, fixture

SECRET = "emulator-secret-key-000000000001"


class Merchant:
    """A merchant's notify_url: records every request CinetPay (the emulator) sends."""

    def __init__(self) -> None:
        self.requests: List[Tuple[str, Dict[str, str], bytes]] = []
        merchant = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                merchant.requests.append((self.command, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            do_GET = do_POST = _record

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def posts(self, count: int, timeout: float = 15.0) -> List[Tuple[Dict[str, str], bytes]]:
        """Waits for `count` POSTed notifications."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            posts = [(h, b) for (m, h, b) in self.requests if m == "POST"]
            if len(posts) >= count:
                return posts
            time.sleep(0.02)
        raise AssertionError(f"expected {count} notifications, got {self.requests}")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def merchant() -> Iterator[Merchant]:
    m = Merchant()
    yield m
    m.stop()


@pytest.fixture
def secret_client(emulator: Emulator) -> cinetpay.Client:
    return cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, secret_key=SECRET, base_url=emulator.url)


def outcome(emulator: Emulator, transaction_id: str, choice: str) -> Dict[str, Any]:
    """Plays the customer's choice through the emulator's test endpoint."""
    body = json.dumps({"site_id": SITE_ID, "transaction_id": transaction_id, "outcome": choice}).encode()
    request = Request(f"{emulator.url}/_emulator/outcome", data=body, headers={"content-type": "application/json"})
    with urlopen(request, timeout=10) as answer:
        result: Dict[str, Any] = json.loads(answer.read())
        return result


def start(client: cinetpay.Client, transaction_id: str, notify_url: str = "https://shop.example/notify") -> cinetpay.PaymentLink:
    return client.init_payment(
        transaction_id=transaction_id,
        amount=100,
        currency="XOF",
        description="Commande 7",
        notify_url=notify_url,
        return_url="https://shop.example/return",
        metadata="order=7",
    )


def test_a_new_payment_is_waiting_then_paid(client: cinetpay.Client, emulator: Emulator, unique_id: Callable[[str], str]) -> None:
    tx = unique_id("")
    link = start(client, tx)
    status = client.check_payment(tx)
    assert (status.code, status.status, status.is_paid, status.is_final) == ("662", "WAITING_FOR_CUSTOMER", False, False)
    assert status.amount == 100 and status.currency == "XOF" and status.payment_date is None
    outcome(emulator, tx, "accept")
    status = client.check_payment(token=link.payment_token)
    assert (status.code, status.message, status.status) == ("00", "SUCCES", "ACCEPTED")
    assert status.is_paid and status.is_final
    assert status.amount == 100 and isinstance(status.amount, int)
    assert status.payment_date is not None and status.metadata == "order=7"


@pytest.mark.parametrize(
    "choice, code, state", [("refuse", "600", "REFUSED"), ("cancel", "627", "REFUSED"), ("pending", "623", "WAITING_FOR_CUSTOMER")]
)
def test_every_outcome_reads_back(client: cinetpay.Client, emulator: Emulator, unique_id: Callable[[str], str], choice: str, code: str, state: str) -> None:
    tx = unique_id(choice)
    start(client, tx)
    outcome(emulator, tx, choice)
    status = client.check_payment(tx)
    assert (status.code, status.status, status.is_paid) == (code, state, False)
    assert status.is_final == (choice != "pending")


def test_an_unknown_payment_is_payment_not_found(client: cinetpay.Client) -> None:
    with pytest.raises(cinetpay.APIError) as info:
        client.check_payment("NEVER-CREATED-1")
    assert info.value.code == "payment_not_found"
    assert "initialised with the same transaction_id" in (info.value.hint or "")


def test_a_lookup_needs_exactly_one_id_and_sends_nothing_otherwise(client: cinetpay.Client) -> None:
    for kwargs, field in (({}, "transaction_id"), ({"transaction_id": "A", "token": "B"}, "transaction_id"), ({"transaction_id": " "}, "transaction_id")):
        with pytest.raises(cinetpay.ValidationError) as info:
            client.check_payment(**kwargs)
        assert info.value.field == field


def test_after_an_init_timeout_check_payment_says_whether_the_payment_exists(unique_id: Callable[[str], str]) -> None:
    slow = Emulator("--init-delay-ms", "1500")
    try:
        client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=slow.url, timeout=0.5)
        tx = unique_id("")
        with pytest.raises(cinetpay.TimeoutError) as info:
            start(client, tx)
        assert info.value.request_sent is True
        status = client.check_payment(tx)  # the emulator created it before answering late
        assert status.code == "662" and not status.is_final
        with pytest.raises(cinetpay.APIError) as missing:
            client.check_payment(tx + "-never-sent")
        assert missing.value.code == "payment_not_found"
    finally:
        slow.stop()


def test_signed_notifications_reach_the_merchant_and_decide(secret_client: cinetpay.Client, emulator: Emulator, merchant: Merchant, unique_id: Callable[[str], str]) -> None:
    tx = unique_id("")
    start(secret_client, tx, merchant.url)
    outcome(emulator, tx, "accept")
    ((headers, body),) = merchant.posts(1)
    assert any(m == "GET" for (m, _, _) in merchant.requests), "CinetPay pings notify_url with GET first"
    assert headers["content-type"].startswith("application/x-www-form-urlencoded")
    notification = secret_client.verify_notification(body, headers["x-token"])
    assert (notification.transaction_id, notification.cpm_amount, notification.cpm_site_id) == (tx, "100", SITE_ID)

    result = secret_client.handle_notification(body, headers["x-token"], amount=100, currency="XOF")
    assert (result.outcome, result.is_paid, result.skipped_checks) == ("paid", True, ())
    assert result.status.is_paid and result.transaction_id == tx
    # The merchant's order says 200: paid, but not what was ordered.
    result = secret_client.handle_notification(body, headers["x-token"], amount=200, currency="XOF")
    assert result.outcome == "failed" and "amount 100 (the order expects 200)" in result.reason
    # No expectation given: paid, with the skipped checks named.
    assert secret_client.handle_notification(body, headers["x-token"]).skipped_checks == ("amount", "currency")
    # A lookup callable sees the verified transaction_id.
    seen: List[str] = []
    result = secret_client.handle_notification(body, headers["x-token"], amount=lambda t: seen.append(t) or (100, "XOF"))
    assert result.outcome == "paid" and seen == [tx]
    # An order the shop does not know is never paid, whatever CinetPay says.
    unknown = secret_client.handle_notification(body, headers["x-token"], amount=lambda t: None)
    assert unknown.outcome == "failed" and "no order with transaction_id" in unknown.reason


def test_forged_altered_and_foreign_notifications_mark_nothing_paid(secret_client: cinetpay.Client, emulator: Emulator, merchant: Merchant, unique_id: Callable[[str], str]) -> None:
    tx = unique_id("")
    start(secret_client, tx, merchant.url)
    outcome(emulator, tx, "refuse")
    ((headers, body),) = merchant.posts(1)
    assert secret_client.handle_notification(body, headers["x-token"], amount=100, currency="XOF").outcome == "failed"
    before = stats(emulator)
    altered = body.replace(b"PAYMENT_FAILED", b"SUCCES")
    for form, token in ((altered, headers["x-token"]), (body, "0" * 64), (body, None)):
        with pytest.raises(cinetpay.ValidationError) as info:
            secret_client.handle_notification(form, token, amount=100, currency="XOF")
        assert info.value.code == "invalid_notification"
    # Signed with the right key but for another site_id: a replay from another account.
    foreign = cinetpay.Client(api_key=API_KEY, site_id="999", secret_key=SECRET, base_url=emulator.url)
    with pytest.raises(cinetpay.ValidationError) as info:
        foreign.handle_notification(body, headers["x-token"])
    assert info.value.code == "invalid_notification" and "site_id" in info.value.message
    assert stats(emulator) == before, "a rejected notification must not reach CinetPay"


def test_pending_then_accept_sends_two_notifications_in_order(secret_client: cinetpay.Client, emulator: Emulator, merchant: Merchant, unique_id: Callable[[str], str]) -> None:
    tx = unique_id("")
    start(secret_client, tx, merchant.url)
    outcome(emulator, tx, "pending")
    ((headers, body),) = merchant.posts(1)
    assert secret_client.handle_notification(body, headers["x-token"], amount=100, currency="XOF").outcome == "pending"
    outcome(emulator, tx, "accept")
    posts = merchant.posts(2)
    assert b"WAITING_CUSTOMER_TO_VALIDATE" in posts[0][1] and b"SUCCES" in posts[1][1]
    assert secret_client.handle_notification(posts[1][1], posts[1][0]["x-token"], amount=100, currency="XOF").outcome == "paid"


def test_the_async_client_checks_and_handles(emulator: Emulator, merchant: Merchant, unique_id: Callable[[str], str]) -> None:
    tx = unique_id("")

    async def main() -> None:
        async with cinetpay.AsyncClient(api_key=API_KEY, site_id=SITE_ID, secret_key=SECRET, base_url=emulator.url) as client:
            await client.init_payment(
                transaction_id=tx, amount=100, currency="XOF", description="Commande",
                notify_url=merchant.url, return_url="https://shop.example/return",
            )
            assert (await client.check_payment(tx)).status == "WAITING_FOR_CUSTOMER"
            outcome(emulator, tx, "accept")
            ((headers, body),) = await asyncio.get_running_loop().run_in_executor(None, merchant.posts, 1)
            result = await client.handle_notification(body, headers["x-token"], amount=100, currency="XOF")
            assert result.outcome == "paid"
            with pytest.raises(cinetpay.ValidationError):
                await client.handle_notification(body, "f" * 64)
            with pytest.raises(cinetpay.ValidationError):
                await client.check_payment()

    asyncio.run(main())


def stats(emulator: Emulator) -> int:
    with urlopen(f"{emulator.url}/_emulator/stats", timeout=10) as answer:
        count: int = json.loads(answer.read())["api_requests"]
        return count


class Scripted:
    """Answers every request with one status and body: CinetPay's documented answers."""

    def __init__(self) -> None:
        self.status, self.body = 200, b"{}"
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self.send_response(scripted.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(scripted.body)))
                self.end_headers()
                self.wfile.write(scripted.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_shared_check_responses_read_the_same_as_in_every_language() -> None:
    server = Scripted()
    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, base_url=server.url, max_retries=0)
    try:
        for case in fixture("check-responses.json")["cases"]:
            server.status, server.body = case["http_status"], json.dumps(case["body"]).encode()
            if "expect" in case:
                # The dataclass holds every field the core returns, no more, no less.
                raw = client._native_call("check_payment", {"transaction_id": "T-1"})
                assert set(raw) == set(cinetpay.PaymentStatus.__dataclass_fields__), case["name"]
                status = client.check_payment("T-1")
                for key, want in case["expect"].items():
                    assert getattr(status, key) == want, (case["name"], key)
            else:
                with pytest.raises(cinetpay.CinetPayError) as info:
                    client.check_payment("T-1")
                assert info.value.code == case["error"], case["name"]
    finally:
        server.server.shutdown()
        server.server.server_close()


def test_the_django_view_answers_cinetpay_as_documented() -> None:
    """cinetpay.django without a Django project: the view's contract on fake requests."""
    django = pytest.importorskip("django")
    from django.conf import settings

    if not settings.configured:
        settings.configure(ALLOWED_HOSTS=["*"], DEBUG=False)
        django.setup()
    from django.test import RequestFactory

    from cinetpay.django import notification_view

    client = cinetpay.Client(api_key=API_KEY, site_id=SITE_ID, secret_key=SECRET, base_url="http://127.0.0.1:9")
    seen: List[Any] = []
    view = notification_view(client, on_outcome=seen.append)
    factory = RequestFactory()
    assert view(factory.get("/notify")).status_code == 200
    form = {"cpm_site_id": SITE_ID, "cpm_trans_id": "T-1", "cpm_amount": "100"}
    forged = factory.post("/notify", urlencode(form), content_type="application/x-www-form-urlencoded", HTTP_X_TOKEN="0" * 64)
    assert view(forged).status_code == 401
    # Genuine, but CinetPay cannot be reached for the check: 503, so that it notifies again.
    token = client.sign_notification(form)
    genuine = factory.post("/notify", urlencode(form), content_type="application/x-www-form-urlencoded", HTTP_X_TOKEN=token)
    assert view(genuine).status_code == 503
    assert seen == []


def test_a_replayed_notification_is_decided_by_the_status_of_record(secret_client: cinetpay.Client, emulator: Emulator, merchant: Merchant, unique_id: Callable[[str], str]) -> None:
    """A genuine notification sent again later (by CinetPay, which repeats them, or by anyone who
    captured one) is judged by check_payment at that time, never by its own fields."""
    tx = unique_id("")
    start(secret_client, tx, merchant.url)
    outcome(emulator, tx, "pending")
    ((headers, waiting),) = merchant.posts(1)
    outcome(emulator, tx, "refuse")
    merchant.posts(2)
    replayed = secret_client.handle_notification(waiting, headers["x-token"], amount=100, currency="XOF")
    assert replayed.outcome == "failed" and replayed.status.status == "REFUSED"
    assert replayed.notification.cpm_error_message == "WAITING_CUSTOMER_TO_VALIDATE"
