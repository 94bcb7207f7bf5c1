"""The reason of a sub-processor change in Dutch and English; the old text is kept as Dutch."""

from django.db import migrations

import waarborg.core.fields


def to_dutch(apps, schema_editor):
    Change = apps.get_model("processors", "SubProcessorChange")
    for change in Change.objects.all():
        text = (change.reason or "").strip()
        change.reason_translated = {"nl": text, "en": ""} if text else {}
        change.save(update_fields=["reason_translated"])


def to_text(apps, schema_editor):
    Change = apps.get_model("processors", "SubProcessorChange")
    for change in Change.objects.all():
        value = change.reason_translated or {}
        change.reason = value.get("nl") or value.get("en") or ""
        change.save(update_fields=["reason"])


class Migration(migrations.Migration):
    dependencies = [("processors", "0002_s29_h21_change_applied_at")]

    operations = [
        migrations.AddField(
            model_name="subprocessorchange",
            name="reason_translated",
            field=waarborg.core.fields.TranslatedTextField(
                blank=True, default=dict, multiline=True, verbose_name="reason"
            ),
        ),
        migrations.RunPython(to_dutch, to_text),
        migrations.RemoveField(model_name="subprocessorchange", name="reason"),
        migrations.RenameField(
            model_name="subprocessorchange", old_name="reason_translated", new_name="reason"
        ),
    ]
