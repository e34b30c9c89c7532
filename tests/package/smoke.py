"""Installed from the wheel alone: initialise a payment on the emulator and print the link."""
import sys

import cinetpay

client = cinetpay.Client(api_key="emulator-apikey-0000000000000001", site_id="445160", base_url=sys.argv[1])
link = client.init_payment(transaction_id=sys.argv[2], amount=100, currency="XOF", description="Commande",
                           notify_url="https://shop.example/notify", return_url="https://shop.example/return")
print("python:", link.payment_url)
