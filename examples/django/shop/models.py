"""An order, stored before the customer is sent to CinetPay (as CinetPay's docs advise)."""

import uuid

from django.db import models


def new_transaction_id() -> str:
    return f"ORDER-{uuid.uuid4().hex[:20].upper()}"


class Order(models.Model):
    class Status(models.TextChoices):
        NEW = "new"
        PENDING = "pending"  # sent to CinetPay's checkout page
        INVALID = "invalid"  # refused by local validation: fix the shop's data
        FAILED = "failed"  # CinetPay refused, could not be reached, or the payment failed
        PAID = "paid"  # a verified notification, confirmed by check_payment

    transaction_id = models.CharField(max_length=100, unique=True, default=new_transaction_id)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="XOF")
    description = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    payment_token = models.CharField(max_length=200, blank=True)
    payment_url = models.URLField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
