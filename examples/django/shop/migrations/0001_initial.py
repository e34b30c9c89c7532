from django.db import migrations, models

import shop.models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("transaction_id", models.CharField(default=shop.models.new_transaction_id, max_length=100, unique=True)),
                ("amount", models.PositiveIntegerField()),
                ("currency", models.CharField(default="XOF", max_length=3)),
                ("description", models.CharField(max_length=200)),
                ("status", models.CharField(choices=[("new", "New"), ("pending", "Pending"), ("invalid", "Invalid"), ("failed", "Failed")], default="new", max_length=10)),
                ("payment_token", models.CharField(blank=True, max_length=200)),
                ("payment_url", models.URLField(blank=True, max_length=500)),
                ("error", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
