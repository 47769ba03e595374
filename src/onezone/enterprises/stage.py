"""Development stage (发展阶段) and growth, derived from age and yearly revenue.

The rule (docs/enterprises.md): start-up below 3 whole years of age; from then on growth when
revenue grew by at least 15 % between the two latest years with revenue, mature when it grew
less; with no growth figure yet, growth below 10 years of age and mature from 10.
"""

from datetime import date
from decimal import Decimal

from onezone.enterprises.choices import DevelopmentStage

STARTUP_YEARS = 3
GROWTH_RATE = Decimal("0.15")
MATURE_YEARS_WITHOUT_FIGURES = 10


def age_years(registered_on: date | None, on: date) -> int | None:
    """Whole years from registration to `on`; None when the registration date is unknown."""
    if registered_on is None:
        return None
    years = on.year - registered_on.year
    if (on.month, on.day) < (registered_on.month, registered_on.day):
        years -= 1
    return max(years, 0)


def revenue_growth(revenue_by_year: dict[int, Decimal]) -> Decimal | None:
    """(latest − previous) / previous over the two latest years with revenue; None if unknown."""
    years = sorted(revenue_by_year)[-2:]
    if len(years) < 2:
        return None
    previous, latest = (revenue_by_year[year] for year in years)
    if not previous:
        return None
    return (latest - previous) / previous


def derive_stage(registered_on: date | None, growth: Decimal | None, on: date) -> str:
    """The stage code, or "" when the registration date is unknown."""
    age = age_years(registered_on, on)
    if age is None:
        return ""
    if age < STARTUP_YEARS:
        return DevelopmentStage.STARTUP
    if growth is None:
        if age < MATURE_YEARS_WITHOUT_FIGURES:
            return DevelopmentStage.GROWTH
        return DevelopmentStage.MATURE
    return DevelopmentStage.GROWTH if growth >= GROWTH_RATE else DevelopmentStage.MATURE
