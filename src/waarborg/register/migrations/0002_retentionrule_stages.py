from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="retentionrule",
            name="stages",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "One line per stage before the period above: period, counted from, action; "
                    "e.g. P0D end_of_relationship restrict."
                ),
                verbose_name="earlier stages",
            ),
        ),
    ]
