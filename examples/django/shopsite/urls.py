"""URL routes of the example shop."""

from django.urls import path

from shop import views

urlpatterns = [
    path("checkout", views.checkout, name="checkout"),
    path("seamless", views.seamless, name="seamless"),
    path("orders/<int:order_id>/return", views.order_return, name="order-return"),
    path("cinetpay/notify", views.notify, name="cinetpay-notify"),
]
