"""The checkout flow against the CinetPay emulator (started by these tests)."""

import json
import os
import subprocess
from pathlib import Path
from urllib.request import urlopen

from django.test import TestCase, override_settings

from shop import views
from shop.models import Order

ROOT = Path(__file__).resolve().parents[3]


class CheckoutTests(TestCase):
    emulator: subprocess.Popen

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        binary = os.environ.get("CINETPAY_EMULATOR", str(ROOT / "target" / "debug" / "cinetpay-emulator"))
        cls.emulator = subprocess.Popen([binary, "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True)
        assert cls.emulator.stdout is not None
        cls.emulator_url = cls.emulator.stdout.readline().split()[-1]
        cls.settings_override = override_settings(CINETPAY_BASE_URL=cls.emulator_url)
        cls.settings_override.enable()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.settings_override.disable()
        cls.emulator.kill()
        cls.emulator.wait()
        super().tearDownClass()

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

    def test_notify_and_return_accept_get_and_post(self) -> None:
        order = Order.objects.create(amount=100, description="x")
        for method in (self.client.get, self.client.post):
            self.assertEqual(method("/cinetpay/notify").status_code, 200)
            self.assertContains(method(f"/orders/{order.pk}/return"), order.transaction_id)
