"""Type-checked by `mypy --strict` in the test suite (not run): the public API's annotations.

The misspelt keyword below must be an error for mypy; with --warn-unused-ignores, mypy fails if
the ignore ever becomes unnecessary, i.e. if the typed parameters stop catching typos.
"""

from __future__ import annotations

from typing import Optional

import cinetpay


def checkout(client: cinetpay.Client) -> str:
    link: cinetpay.PaymentLink = client.init_payment(
        transaction_id="ORDER-1",
        amount=100,
        currency="XOF",
        description="Order 1",
        notify_url="https://shop.example/notify",
        return_url="https://shop.example/return",
        invoice_data={"Matricule": "24OPO25"},
        lock_phone_number=False,
    )
    return link.payment_url


def typo(client: cinetpay.Client) -> None:
    client.init_payment(  # type: ignore[call-arg]
        transaction_id="ORDER-1",
        amount=100,
        currency="XOF",
        description="Order 1",
        notify_ur1="https://shop.example/notify",
        return_url="https://shop.example/return",
    )


async def checkout_async() -> Optional[str]:
    async with cinetpay.AsyncClient.from_env() as client:
        try:
            link = await client.init_payment(
                transaction_id="ORDER-2",
                amount=100,
                currency="XOF",
                description="Order 2",
                notify_url="https://shop.example/notify",
                return_url="https://shop.example/return",
            )
        except cinetpay.RateLimitError as e:
            retry: Optional[float] = e.retry_after
            return str(retry)
        except cinetpay.ValidationError as e:
            field: Optional[str] = e.field
            return field
        return link.api_response_id


def seamless(client: cinetpay.Client) -> str:
    # return_url is optional here, unlike init_payment.
    s: cinetpay.SeamlessCheckout = client.seamless_checkout(
        transaction_id="ORDER-3",
        amount=100,
        currency="XOF",
        description="Order 3",
        notify_url="https://shop.example/notify",
    )
    mode: str = s.set_config["mode"]
    return s.script_url + mode + str(s.as_dict()["get_checkout"])


def seamless_missing_notify_url(client: cinetpay.Client) -> None:
    client.seamless_checkout(  # type: ignore[call-arg]
        transaction_id="ORDER-4", amount=100, currency="XOF", description="Order 4"
    )
