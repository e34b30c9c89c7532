from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="order",
            name="status",
            field=models.CharField(
                choices=[("new", "New"), ("pending", "Pending"), ("invalid", "Invalid"), ("failed", "Failed"), ("paid", "Paid")],
                default="new",
                max_length=10,
            ),
        ),
    ]
