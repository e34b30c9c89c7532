"""Settings of the example shop: the minimum Django needs, plus CinetPay's credentials."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.contenttypes", "shop"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "shopsite.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        # A file, not memory, for tests: the live server's threads (CinetPay's notifications
        # arriving while a page is served) then get connections of their own.
        "TEST": {"NAME": BASE_DIR / "test-db.sqlite3"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
# Not served by this example; LiveServerTestCase needs them set.
STATIC_URL = "/static/"
MEDIA_URL = "/media/"

# CinetPay: from the back-office (menu Intégration). CINETPAY_BASE_URL points at the emulator in
# development and tests; leave it unset in production.
CINETPAY_API_KEY = os.environ.get("CINETPAY_API_KEY", "emulator-apikey-0000000000000001")
CINETPAY_SITE_ID = os.environ.get("CINETPAY_SITE_ID", "445160")
# The back-office Secret Key, which verifies notifications' x-token (not the apikey).
CINETPAY_SECRET_KEY = os.environ.get("CINETPAY_SECRET_KEY", "emulator-secret-key-000000000001")
CINETPAY_BASE_URL = os.environ.get("CINETPAY_BASE_URL") or None
# Where CinetPay can reach this shop (notify_url/return_url). CinetPay refuses localhost URLs:
# in development use http://127.0.0.1:8000. When unset, the request's own host is used.
SHOP_PUBLIC_URL = os.environ.get("SHOP_PUBLIC_URL") or None
