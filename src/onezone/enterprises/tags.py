"""The enterprise tags (企业标签) as reference data shipped with the package."""

import csv
from importlib import resources


def tags_load(tag_model) -> int:
    """Create or update every tag of `data/enterprise_tags.csv`; returns how many there are.

    Takes the model so the data migration can pass its historical model; tests that flush the
    database call it to put the reference data back.
    """
    source = resources.files("onezone.enterprises").joinpath("data", "enterprise_tags.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        tag_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "label_zh": row["label_zh"],
                "label_en": row["label_en"],
                "sort_order": int(row["sort_order"]),
            },
        )
    return len(rows)
