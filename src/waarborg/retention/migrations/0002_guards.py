from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="retentionsettings",
            name="max_share",
            field=models.PositiveSmallIntegerField(
                default=50,
                verbose_name="largest share of a table the sweep takes without asking (%)",
            ),
        ),
        migrations.AddField(
            model_name="retentionrun",
            name="confirmed",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
