"""Enterprise size class under 统计上大中小微型企业划分办法（2017）, thresholds from the CSV."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from onezone.enterprises import size
from onezone.enterprises.industry import industry_table
from onezone.enterprises.size import size_class, size_sector, size_sectors

# One industry class per sector of the CSV, each under that sector's most specific scope.
SECTOR_SAMPLES = {
    "agriculture": "0111",
    "industry": "3973",
    "construction": "4710",
    "wholesale": "5111",
    "retail": "5211",
    "transport": "5411",
    "warehousing": "5920",
    "postal": "6010",
    "accommodation": "6110",
    "catering": "6210",
    "telecom": "6311",
    "software_it": "6511",
    "real_estate_development": "7010",
    "property_management": "7020",
    "leasing_business_services": "7111",
    "other": "7030",  # 其他未列明行业: M, N, O, R, 85, 7030, 7090
}
ONE = Decimal(1)


def size_of(code, employees=None, revenue=None, assets=None):
    return size_class(code, employees, revenue, assets)


def sized(code, values: dict):
    return size_of(code, values.get("employees"), values.get("revenue"), values.get("assets"))


def test_it_reads_every_sector_of_the_csv_once():
    names = {sector.name for sector in size_sectors().values() if sector}

    assert names == set(SECTOR_SAMPLES)
    assert size_sectors() is size_sectors()


@pytest.mark.parametrize("sector_name, code", SECTOR_SAMPLES.items())
def test_it_applies_each_sectors_minimums_as_inclusive_bounds(sector_name, code):
    sector = size_sector(code)
    assert sector.name == sector_name
    at = {
        t.indicator: {"large": t.large_min, "medium": t.medium_min, "small": t.small_min}
        for t in sector.thresholds
    }

    for tier in ("large", "medium", "small"):
        values = {indicator: minimums[tier] for indicator, minimums in at.items()}
        assert sized(code, values) == tier
    for indicator in at:
        # One listed indicator just under a minimum drops the enterprise one tier.
        large = {name: minimums["large"] for name, minimums in at.items()}
        assert sized(code, {**large, indicator: at[indicator]["large"] - ONE}) == "medium"
        assert sized(code, {**large, indicator: at[indicator]["medium"] - ONE}) == "small"
        assert sized(code, {**large, indicator: at[indicator]["small"] - ONE}) == "micro"


@pytest.mark.parametrize(
    "employees, revenue, expected",
    [
        (1000, Decimal("40000"), "large"),
        (999, Decimal("40000"), "medium"),
        (1000, Decimal("39999.99"), "medium"),
        (300, Decimal("2000"), "medium"),
        (299, Decimal("40000"), "small"),
        (1000, Decimal("1999"), "small"),
        (20, Decimal("300"), "small"),
        (19, Decimal("40000"), "micro"),
        (5000, Decimal("299.99"), "micro"),
        (0, Decimal("0"), "micro"),
    ],
)
def test_it_takes_the_smallest_tier_of_an_industrial_enterprise(employees, revenue, expected):
    # industry (B, C, D): employees 1000/300/20, revenue 40000/2000/300 (10,000 CNY)
    assert size_of("C3973", employees, revenue) == expected
    assert size_of("4411", employees, revenue) == expected  # D, electricity


def test_it_ignores_indicators_the_standard_does_not_list():
    # industry lists employees and revenue, not assets
    assert size_of("3973", 1000, Decimal(40000), None) == "large"
    assert size_of("3973", 1000, Decimal(40000), Decimal(0)) == "large"
    # agriculture lists revenue only: employees do not count
    assert size_of("0111", None, Decimal(20000)) == "large"
    assert size_of("0111", 100000, Decimal(49)) == "micro"
    # construction lists revenue and assets, not employees
    assert size_of("4710", 1, Decimal(80000), Decimal(80000)) == "large"
    assert size_of("4710", 100000, Decimal(80000), Decimal(4999)) == "small"


@pytest.mark.parametrize(
    "employees, revenue, assets",
    [(None, Decimal(40000), None), (1000, None, None), (None, None, Decimal(100000))],
)
def test_it_cannot_derive_a_class_when_a_listed_indicator_is_missing(employees, revenue, assets):
    assert size_of("3973", employees, revenue, assets) is None


def test_it_treats_loading_and_unloading_as_transport_not_warehousing():
    # 5910 (group 591) is transport: employees 1000/300/20, revenue 30000/3000/200;
    # 5920 (division 59) is warehousing: employees 200/100/20, revenue 30000/1000/100.
    assert size_sector("5910").name == "transport"
    assert size_sector("G5920").name == "warehousing"
    assert size_of("5910", 200, Decimal(30000)) == "small"
    assert size_of("5920", 200, Decimal(30000)) == "large"
    assert size_of("5910", 100, Decimal(1000)) == "small"
    assert size_of("5920", 100, Decimal(1000)) == "medium"
    assert size_of("5910", 1000, Decimal(30000)) == "large"


def test_it_lets_the_most_specific_scope_win(monkeypatch):
    by_level = {
        scope: size.Sector(name=scope, thresholds=()) for scope in ("C", "39", "397", "3973")
    }
    monkeypatch.setattr(size, "size_sectors", lambda: by_level)

    assert size_sector("3973").name == "3973"
    assert size_sector("3974").name == "397"
    assert size_sector("3981").name == "39"
    assert size_sector("1311").name == "C"
    by_level["397"] = None  # a not-covered group beats a covered division
    assert size_sector("3974") is None


@pytest.mark.parametrize(
    "code",
    [
        "6610",  # J finance
        "J6621",
        "8310",  # P education
        "8411",  # 84 health
        "9100",  # S public administration
        "9700",  # T international organisations
        "5311",  # 53 railway transport, inside transport's section G
        "7040",  # real-estate leasing, beside 7010 and 7020
    ],
)
def test_it_gives_no_class_where_the_standard_does_not_apply(code):
    assert size_of(code, 100000, Decimal(10**7), Decimal(10**7)) is None
    assert size_of(code, None, None, None) is None


def test_it_gives_every_class_of_the_table_a_sector_or_not_applicable():
    classes = [entry for entry in industry_table().values() if entry.level == "class"]
    scopes = size_sectors()

    assert all(
        {entry.code, entry.code[:3], entry.code[:2], entry.section} & set(scopes)
        for entry in classes
    )


def test_it_sizes_unlisted_industries_by_employees_only():
    # other (M, N, O, R, 85, 7030, 7090): employees 300/100/10
    assert size_of("M7310", 300, None, None) == "large"
    assert size_of("Q8512", 99, Decimal(10**7), None) == "small"
    assert size_of("7090", 9, None, None) == "micro"


def test_it_gives_no_class_to_an_industry_no_scope_names(monkeypatch):
    monkeypatch.setattr(size, "size_sectors", lambda: {"D": None})

    assert size_of("3973", 100000, Decimal(10**7), Decimal(10**7)) is None


def test_it_sizes_real_estate_development_by_revenue_and_assets():
    # 7010: revenue 200000/1000/100, assets 10000/5000/2000
    assert size_of("7010", None, Decimal(200000), Decimal(10000)) == "large"
    assert size_of("7010", None, Decimal(200000), Decimal(9999)) == "medium"
    assert size_of("7010", None, Decimal(200000), Decimal(1999)) == "micro"


def test_it_accepts_int_and_str_amounts_but_refuses_float():
    assert size_of("3973", 1000, 40000) == "large"
    assert size_of("3973", 1000, "39999.5") == "medium"
    with pytest.raises(TypeError):
        size_of("3973", 1000, 40000.0)


@pytest.mark.parametrize(
    "code, error_code",
    [("9999", "unknown_industry"), ("D3973", "section_mismatch"), ("39", "not_a_class")],
)
def test_it_refuses_an_invalid_industry_code(code, error_code):
    with pytest.raises(ValidationError) as error:
        size_of(code, 1000, Decimal(40000))
    assert [item.code for item in error.value.error_dict["industry_code"]] == [error_code]
