"""Create the audit chain's head record, so every writer locks the same row."""

from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):
    AuditHead = apps.get_model("core", "AuditHead")
    AuditHead.objects.get_or_create(pk=1, defaults={"count": 0, "last_hash": GENESIS_HASH})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
