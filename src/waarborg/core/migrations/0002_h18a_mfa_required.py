from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        # Organisations from before the setting keep signing in as they did (off); new ones
        # get it on (the field's default from here).
        migrations.AddField(
            model_name="organisation",
            name="mfa_required",
            field=models.BooleanField(default=False, verbose_name="MFA required for every member"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="organisation",
            name="mfa_required",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Members sign in with a second factor: an authenticator app or a passkey. "
                    "A member without one is asked to set it up when signing in."
                ),
                verbose_name="MFA required for every member",
            ),
        ),
    ]
