"""Development stage (发展阶段): age, revenue growth, the rule, and the daily refresh."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from onezone.core import clock
from onezone.core.models import AuditEvent
from onezone.enterprises import services
from onezone.enterprises.models import Enterprise
from onezone.enterprises.stage import age_years, derive_stage, revenue_growth
from onezone.enterprises.tests.test_files import file_data
from onezone.enterprises.uscc import uscc_complete

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date):
    """Simulated time at 10:00 in Chengdu on `day`."""
    return clock.simulated_time(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI))


# ---- age_years ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered_on", "on", "years"),
    [
        (date(2020, 6, 15), date(2023, 6, 14), 2),  # the day before the third birthday
        (date(2020, 6, 15), date(2023, 6, 15), 3),  # the birthday itself counts
        (date(2020, 6, 15), date(2020, 6, 15), 0),
        (date(2020, 6, 15), date(2020, 1, 1), 0),  # before registration: never negative
        (date(2020, 12, 31), date(2021, 12, 30), 0),
        (date(2020, 12, 31), date(2021, 12, 31), 1),
        (date(2020, 2, 29), date(2023, 2, 28), 2),  # no 29 February in 2023: not yet
        (date(2020, 2, 29), date(2023, 3, 1), 3),
        (date(2020, 2, 29), date(2024, 2, 28), 3),
        (date(2020, 2, 29), date(2024, 2, 29), 4),
        (date(2019, 3, 1), date(2020, 2, 29), 0),
        (date(2019, 2, 28), date(2020, 2, 29), 1),
    ],
)
def test_it_counts_whole_years_of_age(registered_on, on, years):
    assert age_years(registered_on, on) == years


def test_it_has_no_age_without_a_registration_date():
    assert age_years(None, date(2026, 6, 15)) is None


# ---- revenue_growth -------------------------------------------------------------------------


def test_it_has_no_growth_with_fewer_than_two_years():
    assert revenue_growth({}) is None
    assert revenue_growth({2025: Decimal("100")}) is None


def test_it_has_no_growth_from_a_zero_previous_year():
    assert revenue_growth({2024: Decimal("0"), 2025: Decimal("100")}) is None


def test_it_measures_growth_between_the_two_latest_years():
    revenue = {2025: Decimal("115"), 2022: Decimal("10"), 2024: Decimal("100")}

    assert revenue_growth(revenue) == Decimal("0.15")


def test_it_measures_a_decline_as_negative_growth():
    assert revenue_growth({2024: Decimal("200"), 2025: Decimal("150")}) == Decimal("-0.25")


def test_it_measures_growth_across_a_gap_in_the_years():
    assert revenue_growth({2021: Decimal("100"), 2025: Decimal("300")}) == Decimal("2")


# ---- derive_stage ---------------------------------------------------------------------------

ON = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("registered_on", "growth", "stage"),
    [
        (None, Decimal("0.5"), ""),  # unknown age: no stage
        (date(2023, 6, 16), Decimal("0.5"), "startup"),  # 2 years 364 days: start-up
        (date(2023, 6, 16), None, "startup"),
        (date(2023, 6, 16), Decimal("-0.5"), "startup"),
        (date(2023, 6, 15), Decimal("0.15"), "growth"),  # 3 years, growth exactly 15 %
        (date(2023, 6, 15), Decimal("0.1499"), "mature"),
        (date(2023, 6, 15), Decimal("-0.1"), "mature"),
        (date(2023, 6, 15), None, "growth"),  # no growth figure below ten years
        (date(2016, 6, 16), None, "growth"),  # 9 years 364 days
        (date(2016, 6, 15), None, "mature"),  # 10 years, no growth figure
        (date(1990, 1, 1), Decimal("0.3"), "growth"),  # an old firm growing fast
    ],
)
def test_it_derives_the_stage_by_rule(registered_on, growth, stage):
    assert derive_stage(registered_on, growth, ON) == stage


# ---- enterprise_stages_refresh --------------------------------------------------------------


@pytest.fixture
def young(world):
    """Registered 15 June 2023; opened on 14 June 2026, still a start-up."""
    with at(date(2026, 6, 14)):
        return services.enterprise_create(
            actor=world.officer_a,
            data=file_data(uscc=uscc_complete("91510116MA61XY003"), registered_on="2023-06-15"),
        )


@pytest.fixture
def overridden(world):
    """As old as `young`, kept a start-up by hand."""
    with at(date(2026, 6, 14)):
        return services.enterprise_create(
            actor=world.officer_a,
            data=file_data(
                uscc=uscc_complete("91510116MA61XY004"),
                name="孵化器在孵企业",
                registered_on="2023-06-15",
                development_stage="startup",
                development_stage_override_reason="仍在孵化器内",
            ),
        )


@pytest.fixture
def nine_years_old(world):
    """Registered 15 June 2016 with one year of revenue: growth until it turns ten."""
    with at(date(2025, 6, 14)):
        return services.enterprise_create(
            actor=world.officer_a,
            data=file_data(uscc=uscc_complete("91510116MA61XY005"), registered_on="2016-06-15"),
        )


def test_it_leaves_stages_alone_before_the_birthday(world, young, overridden):
    assert (young.development_stage, overridden.development_stage) == ("startup", "startup")
    events = AuditEvent.objects.count()

    with at(date(2026, 6, 14)):
        assert services.enterprise_stages_refresh() == 0

    young.refresh_from_db()
    assert young.development_stage == "startup"
    assert AuditEvent.objects.count() == events


def test_it_moves_a_start_up_that_turned_three_and_keeps_overrides(world, young, overridden):
    with at(date(2026, 6, 15)):
        assert services.enterprise_stages_refresh() == 1

    young.refresh_from_db()
    overridden.refresh_from_db()
    assert young.development_stage == "growth"
    assert (overridden.development_stage, overridden.development_stage_override_reason) == (
        "startup",
        "仍在孵化器内",
    )
    event = AuditEvent.objects.get(action="enterprise.stage_refresh")
    assert (event.object_id, event.actor, event.actor_label) == (str(young.pk), None, "system")
    assert event.before == {"development_stage": "startup"}
    assert event.after == {"development_stage": "growth", "on": "2026-06-15"}

    # A second run the same day changes nothing.
    with at(date(2026, 6, 15)):
        assert services.enterprise_stages_refresh() == 0
    assert AuditEvent.objects.filter(action="enterprise.stage_refresh").count() == 1


def test_it_takes_the_day_as_an_argument(world, young):
    assert services.enterprise_stages_refresh(on=date(2026, 6, 14)) == 0
    assert services.enterprise_stages_refresh(on=date(2026, 6, 15)) == 1

    young.refresh_from_db()
    assert young.development_stage == "growth"


def test_it_matures_a_growth_firm_without_growth_figures_at_ten(world, nine_years_old):
    assert nine_years_old.development_stage == "growth"

    with at(date(2026, 6, 14)):
        assert services.enterprise_stages_refresh() == 0
    with at(date(2026, 6, 15)):
        assert services.enterprise_stages_refresh() == 1

    nine_years_old.refresh_from_db()
    assert nine_years_old.development_stage == "mature"


def test_it_moves_a_start_up_born_on_29_february_on_1_march(world):
    with at(date(2027, 2, 1)):
        leap = services.enterprise_create(
            actor=world.officer_a,
            data=file_data(uscc=uscc_complete("91510116MA61XY006"), registered_on="2024-02-29"),
        )
    assert leap.development_stage == "startup"

    assert services.enterprise_stages_refresh(on=date(2027, 2, 28)) == 0
    assert services.enterprise_stages_refresh(on=date(2027, 3, 1)) == 1
    assert Enterprise.objects.get(pk=leap.pk).development_stage == "growth"


def test_it_moves_a_start_up_when_the_sweep_runs_on_29_february(world):
    with at(date(2027, 1, 1)):
        enterprise = services.enterprise_create(
            actor=world.officer_a,
            data=file_data(uscc=uscc_complete("91510116MA61XY007"), registered_on="2025-02-28"),
        )
    assert enterprise.development_stage == "startup"

    assert services.enterprise_stages_refresh(on=date(2028, 2, 27)) == 0
    assert services.enterprise_stages_refresh(on=date(2028, 2, 29)) == 1
    assert Enterprise.objects.get(pk=enterprise.pk).development_stage == "growth"
