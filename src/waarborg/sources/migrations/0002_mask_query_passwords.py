from django.db import migrations


def mask(apps, schema_editor):
    """Sources connected before query options were masked: hide ?password=... there too."""
    from waarborg.sources.masking import mask_url

    SqlSource = apps.get_model("sources", "SqlSource")
    for source in SqlSource.objects.all():
        masked = mask_url(source.url_display)
        if masked != source.url_display:
            source.url_display = masked
            source.save(update_fields=["url_display"])


class Migration(migrations.Migration):
    dependencies = [("sources", "0001_initial")]
    operations = [migrations.RunPython(mask, migrations.RunPython.noop)]
