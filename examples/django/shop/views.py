"""Checkout with CinetPay: store the order, initialise the payment, redirect to CinetPay (or open
CinetPay's Seamless checkout over the page), and learn the outcome from CinetPay's signed notification (verified and checked by the SDK)."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template import Context, Engine
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

import cinetpay
from cinetpay.django import notification_view

from .models import Order

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=None)
def cinetpay_client(api_key: str, site_id: str, secret_key: str, base_url: str | None) -> cinetpay.Client:
    """One client per credentials: it is thread-safe and keeps its connections warm."""
    return cinetpay.Client(api_key=api_key, site_id=site_id, secret_key=secret_key, base_url=base_url)


def client() -> cinetpay.Client:
    return cinetpay_client(
        settings.CINETPAY_API_KEY, settings.CINETPAY_SITE_ID, settings.CINETPAY_SECRET_KEY, settings.CINETPAY_BASE_URL
    )


def absolute(request: HttpRequest, path: str) -> str:
    base = settings.SHOP_PUBLIC_URL
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


@csrf_exempt  # an example API endpoint; keep CSRF protection on real forms
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    try:
        amount = int(request.POST["amount"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("amount: an integer is required")
    order = Order.objects.create(amount=amount, description=request.POST.get("description", "Commande"))
    try:
        link = client().init_payment(
            transaction_id=order.transaction_id,
            amount=order.amount,
            currency=order.currency,
            description=order.description,
            notify_url=absolute(request, reverse("cinetpay-notify")),
            return_url=absolute(request, reverse("order-return", args=[order.pk])),
            metadata=f"order={order.pk}",
        )
    except cinetpay.ValidationError as e:
        # Nothing was sent: the shop's data breaks one of CinetPay's rules.
        order.status, order.error = Order.Status.INVALID, str(e)
        order.save()
        return HttpResponseBadRequest(f"{e.field}: {e.message}")
    except cinetpay.CinetPayError as e:
        order.status, order.error = Order.Status.FAILED, str(e)
        order.save()
        log.error("CinetPay refused order %s: %s (hint: %s)", order.pk, e, e.hint)
        return HttpResponse("The payment service is unavailable; please try again.", status=502)
    order.status = Order.Status.PENDING
    order.payment_token, order.payment_url = link.payment_token, link.payment_url
    order.save()
    return redirect(link.payment_url)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def order_return(request: HttpRequest, order_id: int) -> HttpResponse:
    # CinetPay's docs: no processing on the return URL (it POSTs token and transaction_id); the
    # status comes from the notification.
    order = get_object_or_404(Order, pk=order_id)
    return HttpResponse(f"Order {order.transaction_id}: {order.status}")


# CinetPay's Seamless SDK opens the checkout over the shop's page. The page takes the script and
# both objects from seamless_checkout, so it loads the emulator's stand-in when
# CINETPAY_BASE_URL points at the emulator and CinetPay's script otherwise.
SEAMLESS_PAGE = Engine().from_string(
    """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Shop (Seamless)</title>
<script src="{{ script_url }}"></script></head>
<body><h1>Order {{ order.transaction_id }}: {{ order.amount }} {{ order.currency }}</h1>
<button id="checkout" type="button">Checkout</button> <strong id="result"></strong>
{{ seamless|json_script:"seamless" }}
<script>
document.getElementById("checkout").addEventListener("click", () => {
  const s = JSON.parse(document.getElementById("seamless").textContent);
  CinetPay.setConfig(s.set_config);
  CinetPay.getCheckout(s.get_checkout);
  // Only what to show: the order is paid when the verified notification says so.
  CinetPay.waitResponse((data) => { document.getElementById("result").textContent = data.status; });
  CinetPay.onError((error) => { document.getElementById("result").textContent = error.code + " " + error.message; });
});
</script></body></html>"""
)


@require_http_methods(["GET"])
def seamless(request: HttpRequest) -> HttpResponse:
    try:
        amount = int(request.GET.get("amount", "2500"))
    except ValueError:
        return HttpResponseBadRequest("amount: an integer is required")
    order = Order.objects.create(amount=amount, description="Commande")
    try:
        # Local: validated as init_payment would be, nothing sent; the order is stored first.
        s = client().seamless_checkout(
            transaction_id=order.transaction_id,
            amount=order.amount,
            currency=order.currency,
            description=order.description,
            notify_url=absolute(request, reverse("cinetpay-notify")),
            metadata=f"order={order.pk}",
        )
    except cinetpay.ValidationError as e:
        order.status, order.error = Order.Status.INVALID, str(e)
        order.save()
        return HttpResponseBadRequest(f"{e.field}: {e.message}")
    order.status = Order.Status.PENDING
    order.save()
    context = Context({"script_url": s.script_url, "seamless": s.as_dict(), "order": order})
    return HttpResponse(SEAMLESS_PAGE.render(context))


def expected(transaction_id: str) -> tuple[int, str] | None:
    """What the order says CinetPay must report as paid."""
    order = Order.objects.filter(transaction_id=transaction_id).first()
    return (order.amount, order.currency) if order else None


def on_outcome(outcome: cinetpay.NotificationOutcome) -> None:
    """Updates the order. Notifications repeat: a paid order stays paid (deliver once)."""
    orders = Order.objects.filter(transaction_id=outcome.transaction_id).exclude(status=Order.Status.PAID)
    if outcome.outcome == "paid":
        if orders.update(status=Order.Status.PAID):
            log.info("order %s paid", outcome.transaction_id)  # deliver here, once
    elif outcome.outcome == "failed":
        orders.update(status=Order.Status.FAILED, error=outcome.reason[:500])


def notify(request: HttpRequest) -> HttpResponse:
    """CinetPay's notify_url: GET ping, then the signed POST (see cinetpay.django)."""
    return notification_view(client(), expected=expected, on_outcome=on_outcome)(request)
