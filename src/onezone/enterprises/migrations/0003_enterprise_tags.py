"""Load the enterprise tags (企业标签) from the package's reference data."""

import csv
from importlib import resources

from django.db import migrations


def load_tags(apps, schema_editor):
    tag_model = apps.get_model("enterprises", "Tag")
    source = resources.files("onezone.enterprises").joinpath("data", "enterprise_tags.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            tag_model.objects.update_or_create(
                code=row["code"],
                defaults={
                    "label_zh": row["label_zh"],
                    "label_en": row["label_en"],
                    "sort_order": int(row["sort_order"]),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_enterprise_file")]
    operations = [migrations.RunPython(load_tags, migrations.RunPython.noop)]
