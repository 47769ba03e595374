"""Facts from the enterprise file: one enterprise, provenance, and the columnar snapshot."""

import datetime
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onezone.enterprises.models import Enterprise, EnterpriseFigure, Tag
from onezone.org.models import Zone
from onezone.policies.engine.bulk import evaluate_bulk, nearly_bulk
from onezone.policies.engine.facts import (
    age_years,
    facts_for,
    provenance_for,
    snapshot,
)
from onezone.policies.engine.rules import compile_rule, explain

AT = datetime.date(2025, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def zones():
    return [
        Zone.objects.create(code="chip_valley", name="成都芯谷"),
        Zone.objects.create(code="aviation", name="航空经济区"),
    ]


def make_enterprise(zone, number, *, figures=(), tags=(), **fields):
    """An enterprise whose current figures are its latest-year figures, as the enterprise app
    keeps them."""
    enterprise = Enterprise.objects.create(
        uscc=f"91510116MA{number:08d}",
        name=f"企业{number}",
        zone=zone,
        created_at=timezone.now(),
        **fields,
    )
    for year, name, value, source in figures:
        EnterpriseFigure.objects.create(
            enterprise=enterprise,
            year=year,
            name=name,
            value=Decimal(str(value)),
            source=source,
            as_of=datetime.date(year, 12, 31),
            recorded_at=timezone.now(),
        )
    latest: dict = {}
    for _year, name, value, _source in sorted(figures):
        latest[name] = Decimal(str(value))
    for name, value in latest.items():
        setattr(enterprise, name, value)
    enterprise.save()
    for code in tags:
        Tag.objects.get_or_create(code=code, defaults={"label_zh": code, "label_en": code})
    enterprise.tags.set(tags)
    return enterprise


@pytest.fixture
def chip_firm(zones):
    return make_enterprise(
        zones[0],
        1,
        industry_code="6520",
        industry_section="I",
        registered_on=datetime.date(2022, 7, 1),
        size_class="small",
        development_stage="growth",
        tags=["high_tech"],
        figures=[
            (2023, "revenue_10k_cny", 2000, "tax"),
            (2024, "revenue_10k_cny", 2500, "tax"),
            (2024, "rd_expense_10k_cny", 100, "statistics"),
            (2024, "employees", 40, "self_declared"),
            (2023, "employees", 30, "statistics"),
        ],
    )


def test_age_years_birthday_semantics():
    assert age_years(datetime.date(2022, 7, 1), AT) == 2
    assert age_years(datetime.date(2022, 6, 30), AT) == 3
    assert age_years(datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)) == 0
    assert age_years(datetime.date(2024, 2, 29), datetime.date(2025, 3, 1)) == 1
    assert age_years(None, AT) is None


def test_facts_for_one_enterprise(chip_firm):
    facts = facts_for(Enterprise.objects.get(pk=chip_firm.pk), AT)
    assert facts["zone"] == "chip_valley"
    assert facts["industry_code"] == "6520"
    assert facts["tags"] == frozenset({"high_tech"})
    assert facts["revenue_10k_cny"] == Decimal("2500")
    assert facts["rd_ratio"] == Decimal("0.04")
    assert facts["age_years"] == 2
    assert facts["revenue_growth"] == Decimal("0.25")
    assert facts["employees"] == 40
    assert facts["assets_10k_cny"] is None
    assert facts["size_class"] == "small"
    assert facts["development_stage"] == "growth"
    assert facts["registered_on"] == datetime.date(2022, 7, 1)


def test_unknowns_in_facts(zones):
    bare = make_enterprise(
        zones[1],
        2,
        figures=[(2024, "revenue_10k_cny", 0, "tax"), (2024, "rd_expense_10k_cny", 5, "tax")],
    )
    facts = facts_for(bare, AT)
    assert facts["rd_ratio"] is None  # zero revenue
    assert facts["revenue_growth"] is None  # one year only
    assert facts["industry_code"] is None
    assert facts["development_stage"] is None
    assert facts["age_years"] is None
    assert facts["tags"] == frozenset()
    zero_previous = make_enterprise(
        zones[1],
        3,
        figures=[(2023, "revenue_10k_cny", 0, "tax"), (2024, "revenue_10k_cny", 10, "tax")],
    )
    assert facts_for(zero_previous, AT)["revenue_growth"] is None


def test_provenance(chip_firm):
    provenance = provenance_for(chip_firm)
    assert provenance["revenue_10k_cny"] is True  # tax
    assert provenance["rd_ratio"] is True  # statistics and tax
    assert provenance["revenue_growth"] is True  # both years from tax
    assert provenance["employees"] is False  # the latest year is self-declared
    assert provenance["assets_10k_cny"] is False  # no figure at all
    assert provenance["zone"] is provenance["industry_code"] is provenance["age_years"] is True
    assert provenance["tags"] is False
    assert provenance["development_stage"] is False


def test_snapshot_matches_single_facts_and_provenance(zones, chip_firm):
    other = make_enterprise(
        zones[1],
        4,
        industry_code="3973",
        industry_section="C",
        size_class="large",
        figures=[
            (2024, "revenue_10k_cny", 100, "self_declared"),
            (2022, "revenue_10k_cny", 80, "tax"),
        ],
    )
    columns = snapshot(AT)
    assert columns.ids.tolist() == [chip_firm.pk, other.pk]
    assert columns.columns["zone"].tolist() == ["chip_valley", "aviation"]
    assert columns.columns["age_years"][0] == 2
    assert np.isnan(columns.columns["age_years"][1])
    assert columns.columns["rd_ratio"][0] == pytest.approx(0.04)
    assert columns.columns["revenue_growth"].tolist() == pytest.approx([0.25, 0.25])
    assert columns.columns["tags"]["high_tech"].tolist() == [True, False]
    assert columns.authoritative["revenue_growth"].tolist() == [True, False]
    assert columns.authoritative["employees"].tolist() == [False, False]
    assert columns.authoritative["rd_ratio"].tolist() == [True, False]
    for position, enterprise in enumerate([chip_firm, other]):
        assert {k: bool(v[position]) for k, v in columns.authoritative.items()} == provenance_for(
            enterprise
        )
    only_other = snapshot(AT, enterprise_ids=[other.pk])
    assert only_other.ids.tolist() == [other.pk]
    assert only_other.columns["tags"] == {}


def test_snapshot_and_explain_agree_on_stored_enterprises(zones, chip_firm):
    make_enterprise(
        zones[0],
        5,
        industry_code="3973",
        industry_section="C",
        size_class="medium",
        registered_on=datetime.date(2010, 1, 1),
        figures=[(2024, "revenue_10k_cny", 1000, "tax"), (2024, "rd_expense_10k_cny", 20, "tax")],
    )
    rule = compile_rule(
        {
            "all": [
                {"field": "industry_code", "op": "industry_in", "value": ["C", "652"]},
                {"field": "rd_ratio", "op": ">=", "value": 0.03},
                {
                    "any": [
                        {"field": "size_class", "op": "in", "value": ["small", "micro"]},
                        {"field": "tags", "op": "has_tag", "value": "high_tech"},
                    ]
                },
            ]
        }
    )
    columns = snapshot(AT)
    bulk = evaluate_bulk(rule, columns).tolist()
    mask, index = nearly_bulk(rule, columns)
    singles = [explain(rule, facts_for(e, AT)) for e in Enterprise.objects.order_by("id")]
    assert bulk == [{True: 1, False: 0, None: -1}[s.result] for s in singles] == [1, 0]
    assert mask.tolist() == [False, False]  # medium and no tag, and rd low: two changes


def test_snapshot_queries_do_not_grow_with_enterprises(zones):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            snapshot(AT)
        return len(captured)

    for number in range(10, 13):
        make_enterprise(
            zones[0], number, tags=["key"], figures=[(2024, "revenue_10k_cny", 5, "tax")]
        )
    few = count_queries()
    for number in range(20, 29):
        make_enterprise(
            zones[1],
            number,
            tags=["key", "gazelle"],
            figures=[(2024, "revenue_10k_cny", 5, "tax"), (2023, "revenue_10k_cny", 4, "tax")],
        )
    assert count_queries() == few <= 4
    with CaptureQueriesContext(connection) as captured:
        snapshot(AT, fields={"employees"}, with_provenance=False)
    assert len(captured) == 2
