"""A Django view for CinetPay's ``notify_url``, built on :meth:`cinetpay.Client.handle_notification`.

Django is imported only when this module is used: it is not a dependency of the package.

.. code-block:: python

    # urls.py
    from cinetpay.django import notification_view

    def expected(transaction_id):
        order = Order.objects.filter(transaction_id=transaction_id).first()
        return (order.amount, order.currency) if order else None

    def on_outcome(outcome):  # called once per verified notification; may repeat
        Order.objects.filter(transaction_id=outcome.transaction_id, paid=False).update(...)

    urlpatterns = [path("cinetpay/notify", notification_view(client, expected=expected,
                                                             on_outcome=on_outcome))]
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Optional, Tuple

from ._errors import CinetPayError, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from ._client import Client
    from ._types import NotificationOutcome

__all__ = ["notification_view"]

log = logging.getLogger("cinetpay")


def notification_view(
    client: "Client",
    *,
    on_outcome: "Callable[[NotificationOutcome], Any]",
    expected: "Optional[Callable[[str], Optional[Tuple[int, str]]]]" = None,
) -> Callable[..., Any]:
    """Returns a CSRF-exempt view that answers CinetPay the way its docs ask.

    - ``GET`` (CinetPay's reachability ping): 200.
    - ``POST``: verifies the ``x-token`` with the client's ``secret_key``, checks the payment
      with CinetPay, calls ``on_outcome(outcome)``, and answers 200.
    - A forged or altered notification: 401, and ``on_outcome`` is not called.
    - The check failed (network, CinetPay down): 503, so that CinetPay notifies again later; a
      setup error (no ``secret_key``, a bad expected value): 500, likewise.

    Args:
        client: a :class:`cinetpay.Client` with ``secret_key``.
        on_outcome: updates the order from ``outcome.outcome`` (``paid``, ``failed``,
            ``pending``). Notifications repeat, so make it idempotent (do nothing for an order
            already paid). An exception in it answers 500, and CinetPay will notify again.
        expected: ``f(transaction_id) -> (amount, currency)`` for the order, or ``None`` when
            it is unknown; ``paid`` then requires that amount and currency. Without it, the
            outcome lists the checks it skipped.
    """
    # Django ships no type information; this module's own signature is what callers see.
    from django.http import HttpResponse  # type: ignore[import-untyped]
    from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped]

    def view(request: Any) -> Any:
        if request.method in ("GET", "HEAD"):
            return HttpResponse("OK")
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "GET, POST"})
        try:
            outcome = client.handle_notification(
                request.POST, request.headers.get("x-token"), amount=expected
            )
        except ValidationError as e:
            if e.code == "invalid_notification":
                log.warning("CinetPay notification refused: %s", e)
                return HttpResponse(e.code, status=401)
            # This server's setup (no secret key, a bad expected value): a 5xx, so that
            # CinetPay notifies again once it is fixed.
            log.error("CinetPay notification not handled: %s", e)
            return HttpResponse("not handled; notify again later", status=500)
        except CinetPayError as e:
            log.error("CinetPay notification: the check failed, CinetPay will retry: %s", e)
            return HttpResponse("check failed; notify again later", status=503)
        on_outcome(outcome)
        return HttpResponse("OK")

    exempt: Callable[..., Any] = csrf_exempt(view)
    return exempt
