"""Load the enterprise tags (企业标签) from the package's reference data."""

from django.db import migrations

from onezone.enterprises.tags import tags_load


def load_tags(apps, schema_editor):
    tags_load(apps.get_model("enterprises", "Tag"))


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_enterprise_file")]
    operations = [migrations.RunPython(load_tags, migrations.RunPython.noop)]
