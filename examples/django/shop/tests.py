"""The checkout flow and the payment lifecycle against the CinetPay emulator (started by these
tests)."""

import json
import os
import subprocess
from pathlib import Path
import html
import re
import time
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener, urlopen

from django.conf import settings
from django.test import LiveServerTestCase, TestCase, override_settings

from shop import views
from shop.models import Order

ROOT = Path(__file__).resolve().parents[3]


class EmulatorMixin:
    """Starts a cinetpay-emulator for the test class and points the shop's settings at it."""

    emulator: subprocess.Popen
    emulator_url: str
    emulator_args: "tuple[str, ...]" = ()

    @classmethod
    def shop_settings(cls) -> "dict[str, str]":
        return {"CINETPAY_BASE_URL": cls.emulator_url}

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        binary = os.environ.get("CINETPAY_EMULATOR", str(ROOT / "target" / "debug" / "cinetpay-emulator"))
        cls.emulator = subprocess.Popen([binary, "--port", "0", "--quiet", *cls.emulator_args], stdout=subprocess.PIPE, text=True)
        assert cls.emulator.stdout is not None
        cls.emulator_url = cls.emulator.stdout.readline().split()[-1]
        cls.settings_override = override_settings(**cls.shop_settings())
        cls.settings_override.enable()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.settings_override.disable()
        cls.emulator.kill()
        cls.emulator.wait()
        super().tearDownClass()


class CheckoutTests(EmulatorMixin, TestCase):

    def test_checkout_stores_the_order_and_redirects_to_cinetpay(self) -> None:
        response = self.client.post("/checkout", {"amount": "2500", "description": "Commande 42"})
        order = Order.objects.get()
        self.assertEqual(order.status, Order.Status.PENDING)
        self.assertTrue(order.payment_url.startswith(f"{self.emulator_url}/payment/"))
        self.assertRedirects(response, order.payment_url, fetch_redirect_response=False)

    def api_requests(self) -> int:
        """How many requests the emulator has received on CinetPay's API paths."""
        with urlopen(f"{self.emulator_url}/_emulator/stats", timeout=10) as answer:
            count: int = json.loads(answer.read())["api_requests"]
            return count

    def test_the_seamless_page_embeds_the_emulator_s_script_and_both_objects(self) -> None:
        before = self.api_requests()
        response = self.client.get("/seamless", {"amount": "2500"})
        self.assertEqual(response.status_code, 200)
        order = Order.objects.get()
        self.assertEqual(order.status, Order.Status.PENDING)
        page = response.content.decode()
        self.assertIn(f'<script src="{self.emulator_url}/seamless/main.js"></script>', page)
        embedded = re.search(r'<script id="seamless" type="application/json">(.*?)</script>', page)
        assert embedded is not None, page
        s = json.loads(embedded.group(1))
        self.assertEqual(s["set_config"]["mode"], "EMULATOR")
        self.assertEqual(s["set_config"]["apikey"], settings.CINETPAY_API_KEY)
        self.assertTrue(s["set_config"]["notify_url"].endswith("/cinetpay/notify"))
        self.assertEqual(s["get_checkout"]["transaction_id"], order.transaction_id)
        self.assertNotIn("return_url", s["get_checkout"])
        self.assertEqual(self.api_requests(), before, "seamless_checkout sends nothing")
        # The shop's own rule breaks are reported, as for the redirect.
        response = self.client.get("/seamless", {"amount": "2502"})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.content.decode().startswith("amount: "))

    def test_a_rule_broken_by_the_shop_is_reported_without_calling_cinetpay(self) -> None:
        before = self.api_requests()
        response = self.client.post("/checkout", {"amount": "2502"})
        self.assertEqual(response.status_code, 400)
        self.assertIn(b"amount: must be a multiple of 5", response.content)
        self.assertEqual(Order.objects.get().status, Order.Status.INVALID)
        self.assertEqual(self.api_requests(), before, "the SDK sent a request it should have refused")

    def test_localhost_callbacks_are_refused_with_the_documented_fix(self) -> None:
        with self.settings(SHOP_PUBLIC_URL="http://localhost:8000"):
            response = self.client.post("/checkout", {"amount": "100"})
        self.assertEqual(response.status_code, 400)
        self.assertIn(b"127.0.0.1", response.content)

    def test_a_refusal_by_cinetpay_fails_the_order(self) -> None:
        views.cinetpay_client.cache_clear()
        with self.settings(CINETPAY_API_KEY="not-a-known-apikey-000000"), self.assertLogs("shop.views", "ERROR"):
            response = self.client.post("/checkout", {"amount": "100"})
        views.cinetpay_client.cache_clear()
        self.assertEqual(response.status_code, 502)
        order = Order.objects.get()
        self.assertEqual(order.status, Order.Status.FAILED)
        self.assertIn("auth_not_found", order.error)
        self.assertNotIn("not-a-known-apikey", order.error)

    def test_notify_answers_the_ping_and_refuses_an_unsigned_post(self) -> None:
        order = Order.objects.create(amount=100, description="x")
        self.assertEqual(self.client.get("/cinetpay/notify").status_code, 200)
        unsigned = self.client.post("/cinetpay/notify", {"cpm_trans_id": order.transaction_id, "cpm_site_id": "445160"})
        self.assertEqual(unsigned.status_code, 401)
        for method in (self.client.get, self.client.post):
            self.assertContains(method(f"/orders/{order.pk}/return"), order.transaction_id)


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, form: "dict[str, str] | None" = None, headers: "dict[str, str] | None" = None) -> "tuple[int, dict[str, str], str]":
    """One HTTP request, redirects not followed: (status, headers, body)."""
    data = urlencode(form).encode() if form is not None else None
    opener = build_opener(_NoRedirect)
    try:
        with opener.open(Request(url, data=data, headers=headers or {}), timeout=15) as r:
            return r.status, dict(r.headers), r.read().decode()
    except HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


class LifecycleOverHttpTests(EmulatorMixin, LiveServerTestCase):
    """The whole flow over real HTTP, as a customer's browser and CinetPay would drive it: the
    shop redirects to the emulator's checkout page, the customer's choice is POSTed there, the
    emulator notifies the shop (signed), and the customer is sent back to return_url."""

    host = "127.0.0.1"  # CinetPay refuses localhost in notify_url, and so does the SDK
    emulator_args = ("--notify-retry-ms", "100")

    @classmethod
    def shop_settings(cls) -> "dict[str, str]":
        return {**super().shop_settings(), "SHOP_PUBLIC_URL": cls.live_server_url}

    def buy(self, *choices: str) -> Order:
        status, headers, _ = fetch(f"{self.live_server_url}/checkout", {"amount": "2500"})
        self.assertEqual(status, 302)
        payment_url = headers["Location"]
        self.assertTrue(payment_url.startswith(f"{self.emulator_url}/payment/"), payment_url)
        status, _, page = fetch(payment_url)
        self.assertIn('id="accept"', page)
        for choice in choices:
            status, _, page = fetch(payment_url, {"outcome": choice})
            self.assertEqual(status, 200, page)
        # The emulator sends the customer back as CinetPay does: a form POSTing token and transaction_id.
        action = re.search(r'<form id="return" method="post" action="([^"]+)"', page)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        assert action is not None, page
        self.assertEqual(set(fields), {"token", "transaction_id"})
        order = Order.objects.get(transaction_id=fields["transaction_id"])
        status, _, text = fetch(html.unescape(action.group(1)), fields)
        self.assertEqual(status, 200)
        self.assertIn(order.transaction_id, text)
        return order

    def wait_for(self, order: Order, status: str) -> Order:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            order.refresh_from_db()
            if order.status == status:
                return order
            time.sleep(0.05)
        self.fail(f"order {order.transaction_id} is {order.status}, not {status}")

    def test_accept_marks_the_order_paid_and_check_payment_agrees(self) -> None:
        order = self.wait_for(self.buy("accept"), Order.Status.PAID)
        status = views.client().check_payment(order.transaction_id)
        self.assertEqual((status.status, status.amount, status.currency), ("ACCEPTED", 2500, "XOF"))

    def test_refuse_fails_the_order(self) -> None:
        order = self.wait_for(self.buy("refuse"), Order.Status.FAILED)
        self.assertIn("600 PAYMENT_FAILED", order.error)

    def test_pending_then_approved_is_paid(self) -> None:
        self.wait_for(self.buy("pending", "accept"), Order.Status.PAID)

    def test_a_forged_notification_marks_nothing_paid(self) -> None:
        order = Order.objects.create(amount=2500, description="x", status=Order.Status.PENDING)
        form = {"cpm_site_id": "445160", "cpm_trans_id": order.transaction_id, "cpm_amount": "2500", "cpm_error_message": "SUCCES"}
        status, _, _ = fetch(f"{self.live_server_url}/cinetpay/notify", form, {"x-token": "0" * 64})
        self.assertEqual(status, 401)
        order.refresh_from_db()
        self.assertEqual(order.status, Order.Status.PENDING)
