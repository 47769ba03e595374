"""Enterprise size class (企业规模) under 统计上大中小微型企业划分办法（2017）.

The thresholds ship with the package (`data/enterprise_size_2017.csv`) and are read once.
"""

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from django.core.exceptions import ImproperlyConfigured

from onezone.enterprises.industry import industry_clean

SIZE_FILE = "enterprise_size_2017.csv"
LARGE, MEDIUM, SMALL, MICRO = "large", "medium", "small", "micro"
SIZE_CLASSES = (LARGE, MEDIUM, SMALL, MICRO)  # largest first
INDICATORS = ("employees", "revenue", "assets")

# Scopes the standard does not cover: the size class is "not applicable" (None), never a guess.
# They take part in "most specific scope wins" like the scopes of the CSV.
NOT_APPLICABLE_SCOPES = frozenset({"J", "P", "84", "S", "T", "53", "7040"})


@dataclass(frozen=True)
class Threshold:
    """Minimum of one indicator for large, medium and small (persons or 10,000 CNY)."""

    indicator: str
    large_min: Decimal
    medium_min: Decimal
    small_min: Decimal

    def tier(self, value: Decimal) -> str:
        if value >= self.large_min:
            return LARGE
        if value >= self.medium_min:
            return MEDIUM
        if value >= self.small_min:
            return SMALL
        return MICRO


@dataclass(frozen=True)
class Sector:
    name: str
    thresholds: tuple[Threshold, ...]


@functools.cache
def size_sectors() -> dict[str, Sector | None]:
    """Sector by scope (section letter or division/group/class digits); None = not covered."""
    source = resources.files("onezone.enterprises").joinpath("data", SIZE_FILE)
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_sector: dict[str, list[Threshold]] = {}
    scopes_of: dict[str, set[str]] = {}
    for row in rows:
        if row["indicator"] not in INDICATORS:
            raise ImproperlyConfigured(f"{SIZE_FILE}: unknown indicator {row['indicator']!r}")
        by_sector.setdefault(row["sector"], []).append(
            Threshold(
                indicator=row["indicator"],
                large_min=Decimal(row["large_min"]),
                medium_min=Decimal(row["medium_min"]),
                small_min=Decimal(row["small_min"]),
            )
        )
        scopes_of.setdefault(row["sector"], set()).update(
            scope.strip() for scope in row["scope"].split(";") if scope.strip()
        )
    sectors: dict[str, Sector | None] = dict.fromkeys(NOT_APPLICABLE_SCOPES)
    for name, scopes in scopes_of.items():
        sector = Sector(name=name, thresholds=tuple(by_sector[name]))
        for scope in scopes:
            if scope in sectors:
                raise ImproperlyConfigured(f"{SIZE_FILE}: scope {scope} is listed twice")
            sectors[scope] = sector
    return sectors


def size_sector(industry_code: str) -> Sector | None:
    """The sector whose thresholds apply to an industry class; None when the standard does not.

    The most specific scope wins: class over group over division over section, so 5910
    (装卸搬运, group 591) is transport although its division 59 is warehousing.
    """
    industry = industry_clean(industry_code)
    sectors = size_sectors()
    for scope in (industry.code, industry.code[:3], industry.code[:2], industry.section):
        if scope in sectors:
            return sectors[scope]
    return None


def _as_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float | bool):
        raise TypeError("Give amounts as Decimal, int or str, not float.")
    return Decimal(value)


def size_class(
    industry_code: str,
    employees: int | None,
    revenue_10k_cny: Decimal | None,
    assets_10k_cny: Decimal | None,
) -> str | None:
    """Size class "large", "medium", "small" or "micro"; None when it cannot be told.

    `industry_code` is a GB/T 4754-2017 class ("3973" or "C3973"; an invalid code raises
    ValidationError on `industry_code`). Employees in persons; revenue (营业收入) and assets
    (资产总额) in 10,000 CNY, as Decimal (int and str are accepted, float is refused).

    The class is the smallest tier the enterprise reaches across the indicators the standard
    lists for its sector (a value counts toward a tier when it is >= that tier's minimum): large,
    medium and small need every listed indicator, micro needs one below the small minimum.
    Indicators the standard does not list for the sector are ignored, whatever their value.

    None ("not applicable") when the standard does not cover the industry: finance (J),
    education (P), health (84), public administration (S), international organisations (T),
    railway transport (53), real-estate leasing (7040), and any industry no scope of the table
    names.

    Decision: None also when a listed indicator has no value. A missing figure is not a zero;
    guessing from the other indicators could only overstate the class (the missing one might
    be the lowest), so the size stays unknown until the figure is recorded.
    """
    sector = size_sector(industry_code)
    if sector is None:
        return None
    values = {
        "employees": _as_decimal(employees),
        "revenue": _as_decimal(revenue_10k_cny),
        "assets": _as_decimal(assets_10k_cny),
    }
    tiers = []
    for threshold in sector.thresholds:
        value = values[threshold.indicator]
        if value is None:
            return None
        tiers.append(threshold.tier(value))
    return max(tiers, key=SIZE_CLASSES.index)
