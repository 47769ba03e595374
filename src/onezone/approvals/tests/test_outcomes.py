"""Outcome figures: exact medians and 90th percentiles on applications of known durations,
pauses across a weekend and a holiday, zone and period filters, Doing Business, ratings."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from onezone.approvals import services
from onezone.approvals.models import Application, ItemCase
from onezone.approvals.selectors import outcomes
from onezone.approvals.selectors.outcomes import _Case
from onezone.approvals.services.ratings import rating_submit
from onezone.approvals.tests.conftest import VALID_ID_NUMBER
from onezone.core.clock import simulated_time
from onezone.org.choices import UnitKind
from onezone.register import services as register
from onezone.register.choices import DelegationMode, RegisterList

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORM = {
    "company_name": "示例科技有限公司",
    "legal_representative_id": VALID_ID_NUMBER,
    "contact_phone": "13800138000",
}


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Outcomes:
    world: object
    approvals: object
    unit_b: object


@pytest.fixture
def routed(world, approvals, unit_factory):
    """The fixture journey routed in zone B as well (to a unit of zone B's committee)."""
    unit_b = unit_factory(world.committee_b, UnitKind.ENTERPRISE_SERVICE, name="航空政务服务科")
    for spec in (approvals.registration, approvals.seal):
        register.entry_create(
            actor=world.admin,
            matter=spec.matter,
            list_name=RegisterList.APPROVAL_ENFORCEMENT,
            zone=world.zone_b,
            holder_unit=unit_b,
            mode=DelegationMode.ZONE_OWN,
            valid_from=date(2020, 1, 1),
        )
    return Outcomes(world=world, approvals=approvals, unit_b=unit_b)


def act(actor, case: ItemCase, action: str, moment: datetime, reason: str = "") -> ItemCase:
    with simulated_time(moment):
        return services.item_case_act(
            actor=actor, item_case=ItemCase.objects.get(pk=case.pk), action=action, reason=reason
        )


def run(routed, *, zone="chip_valley", submitted, steps, decided) -> Application:
    """Submit at `submitted`, take `steps` [(action, moment)] on the registration case, approve
    it at `decided`, then decide the optional seal item an hour later (not measured)."""
    world = routed.world
    officer = world.officer_a if zone == "chip_valley" else world.officer_b
    with simulated_time(submitted):
        application = services.application_create(
            actor=world.founder, journey="business_startup", zone=zone, form=FORM
        )
    case = application.item_cases.get()
    for action, moment in steps:
        actor = world.founder if action == "supply_correction" else officer
        act(
            actor, case, action, moment, reason="材料不全" if action == "request_correction" else ""
        )
    act(officer, case, "approve", decided)
    seal = application.item_cases.get(stage_order=2)
    later = decided.replace(hour=decided.hour + 1) if decided.hour < 16 else decided
    act(officer, seal, "accept", later)
    act(officer, seal, "approve", later)
    application.refresh_from_db()
    assert application.state == "completed"
    return application


@pytest.fixture
def year(routed):
    """Five applications of known durations (working days / calendar days):
    A 0.5 / 0.2083, B 1 / 1, C 2 / 4.3542 (correction over a weekend),
    D 1.5 / 5.2083 (correction over the Qingming holiday), E in zone B 5 / 7."""
    run(
        routed,
        submitted=at(3, 2, 9),
        steps=[("accept", at(3, 2, 9, 30))],
        decided=at(3, 2, 14),
    )
    run(routed, submitted=at(3, 2, 9), steps=[("accept", at(3, 2, 10))], decided=at(3, 3, 9))
    run(
        routed,
        submitted=at(3, 5, 9),
        steps=[
            ("accept", at(3, 5, 10)),
            ("request_correction", at(3, 6, 9)),
            ("supply_correction", at(3, 9, 9)),
        ],
        decided=at(3, 9, 17, 30),
    )
    run(
        routed,
        submitted=at(4, 2, 9),
        steps=[
            ("accept", at(4, 2, 9, 30)),
            ("request_correction", at(4, 3, 9)),
            ("supply_correction", at(4, 7, 9)),
        ],
        decided=at(4, 7, 14),
    )
    run(
        routed,
        zone="aviation",
        submitted=at(3, 10, 9),
        steps=[("accept", at(3, 10, 10))],
        decided=at(3, 17, 9),
    )
    return routed


def figures(**filters) -> dict:
    result = outcomes.journey_outcomes(
        journey="business_startup",
        date_from=filters.pop("date_from", date(2026, 1, 1)),
        date_to=filters.pop("date_to", date(2026, 12, 31)),
        **filters,
    )
    return {key: value for key, value in result.items() if key not in {"definitions"}}


def test_it_measures_each_application_with_pauses_excluded(year):
    measures = outcomes.measure_applications(
        journey="business_startup", date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)
    )
    by_start = sorted(
        (m.submitted_at, m.working_days, m.calendar_days, m.paused_days) for m in measures
    )
    assert [row[1:] for row in by_start] == [
        (0.5, 0.2083, 0.0),
        (1.0, 1.0, 0.0),
        (2.0, 4.3542, 3.0),
        (5.0, 7.0, 0.0),
        (1.5, 5.2083, 4.0),
    ]


def test_it_gives_nearest_rank_medians_and_90th_percentiles(year):
    assert figures() == {
        "journey": "business_startup",
        "count": 5,
        "median_working_days": 1.5,
        "p90_working_days": 5.0,
        "median_calendar_days": 4.35,
        "p90_calendar_days": 7.0,
        "doing_business_days": 4.35,
        "baseline": {"value": 20.0, "unit": "days", "definition": "改革前"},
        "target": {"value": 0.5, "unit": "working_days", "definition": "改革目标"},
    }


def test_it_filters_by_zone(year):
    zone_a = figures(zone="chip_valley")
    assert (zone_a["count"], zone_a["median_working_days"], zone_a["p90_working_days"]) == (
        4,
        1.0,
        2.0,
    )
    assert (zone_a["median_calendar_days"], zone_a["p90_calendar_days"]) == (1.0, 5.21)
    assert zone_a["doing_business_days"] == 1.0
    zone_b = figures(zone=year.world.zone_b)
    assert (zone_b["count"], zone_b["median_working_days"], zone_b["p90_calendar_days"]) == (
        1,
        5.0,
        7.0,
    )


def test_it_counts_by_completion_date_within_the_period(year):
    march = figures(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert march["count"] == 4
    assert figures(date_from=date(2026, 4, 7), date_to=date(2026, 4, 7))["count"] == 1


def test_it_gives_null_figures_for_an_empty_period(year):
    empty = figures(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
    assert empty["count"] == 0
    assert [empty[name] for name in outcomes.DEFINITIONS if name.endswith("days")] == [None] * 5


def test_it_leaves_out_applications_not_completed(routed):
    world = routed.world
    with simulated_time(at(3, 2, 9)):
        application = services.application_create(
            actor=world.founder, journey="business_startup", zone="chip_valley", form=FORM
        )
    act(world.officer_a, application.item_cases.get(), "not_accept", at(3, 2, 10), reason="不符")
    assert Application.objects.get(pk=application.pk).state == "rejected"
    assert figures()["count"] == 0


def test_it_defines_every_figure():
    result = outcomes.summarise(_journey_stub(), [])
    assert set(result["definitions"]) == {
        "count",
        "median_working_days",
        "p90_working_days",
        "median_calendar_days",
        "p90_calendar_days",
        "doing_business_days",
        "baseline",
        "target",
    }
    assert all(text for text in result["definitions"].values())


def _journey_stub():
    from decimal import Decimal

    from onezone.approvals.models import Journey

    return Journey(
        code="x",
        baseline_value=Decimal(197),
        baseline_unit="days",
        baseline_definition="b",
        target_value=Decimal(60),
        target_unit="days",
        target_definition="t",
    )


def test_it_refuses_unknown_codes_and_reversed_periods(db):
    with pytest.raises(ValidationError) as error:
        outcomes.journey_outcomes(
            journey="nope", date_from=date(2026, 1, 1), date_to=date(2026, 2, 1)
        )
    assert error.value.error_dict["journey"][0].code == "unknown"


def test_it_refuses_an_unknown_zone_and_a_reversed_period(approvals):
    with pytest.raises(ValidationError) as error:
        figures(zone="atlantis")
    assert error.value.error_dict["zone"][0].code == "unknown"
    with pytest.raises(ValidationError) as error:
        figures(date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))
    assert error.value.error_dict["to"][0].code == "before_start"


def test_it_measures_in_a_constant_number_of_queries(year, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        outcomes.journey_outcomes(
            journey="business_startup", date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)
        )


# ---- the rules on constructed cases -------------------------------------------------------


def case(stage, received, decided, online=False, pauses=()):
    return _Case(0, stage, received, decided, online, list(pauses))


def test_it_takes_the_nearest_rank():
    values = [5.0, 1.0, 4.0, 2.0, 3.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    assert outcomes.nearest_rank(values, 50) == 5.0
    assert outcomes.nearest_rank(values, 90) == 9.0
    assert outcomes.nearest_rank([4.0], 90) == 4.0
    assert outcomes.nearest_rank([], 50) is None


def test_it_excludes_only_time_when_every_running_item_is_paused():
    first = case(1, at(3, 2, 9), at(3, 2, 17), pauses=[(at(3, 2, 10), at(3, 2, 12))])
    second = case(1, at(3, 2, 9), at(3, 2, 11, 30), pauses=[(at(3, 2, 11), at(3, 2, 11, 30))])
    # 10:00–11:00 the second runs; 11:00–11:30 both paused; 11:30–12:00 only the first runs,
    # paused.
    assert outcomes.joint_pauses([first, second]) == [(at(3, 2, 11), at(3, 2, 12))]


def test_it_counts_doing_business_days_per_stage():
    stage_one = [
        case(1, at(3, 2, 9), at(3, 2, 10)),  # 1 day at least
        case(1, at(3, 2, 9), at(3, 4, 9)),  # 2 days
        case(1, at(3, 2, 9), at(3, 2, 21)),  # 0.5 -> 1 day
        case(1, at(3, 2, 9), at(3, 2, 10), online=True),  # 0.5 day, starts on day one
    ]
    stage_two = [case(2, at(3, 4, 9), at(3, 14, 9))]  # 10 days
    # Stage one: 2, 1, 1 starting on days 0, 1, 2 -> ends on day 3; stage two 10.
    assert outcomes.doing_business_days(stage_one + stage_two) == 13.0
    assert outcomes.doing_business_days([case(1, at(3, 2, 9), at(3, 2, 10), online=True)]) == 0.5


# ---- ratings ------------------------------------------------------------------------------


def test_it_reports_ratings_per_unit(year):
    world = year.world
    cases = ItemCase.objects.filter(journey_item__spec=year.approvals.registration).order_by(
        "received_at", "pk"
    )
    scores = [(5, ""), (4, "快"), (2, "等太久"), (1, "材料反复补正"), (3, "一般")]
    for item, (score, comment) in zip(cases, scores, strict=True):
        with simulated_time(at(5, 1, 9)):
            rating_submit(actor=world.founder, item_case=item, score=score, comment=comment)
    report = outcomes.rating_report(date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
    # By receipt: A 5, B 4, C 2, E (zone B) 1, D 3; lowest averages first.
    assert [row.unit_id for row in report] == [year.unit_b.pk, year.approvals.unit.pk]
    unit_b, unit_a = report
    assert (unit_a.count, unit_a.average, unit_a.high_share_percent) == (4, 3.5, 50.0)
    assert [row["comment"] for row in unit_a.lowest] == ["等太久", "一般"]
    assert (unit_b.count, unit_b.average, unit_b.high_share_percent) == (1, 1.0, 0.0)
    assert [row["score"] for row in unit_b.lowest] == [1]
    zone_b = outcomes.rating_report(
        date_from=date(2026, 5, 1), date_to=date(2026, 5, 31), zone="aviation"
    )
    assert [row.unit_id for row in zone_b] == [year.unit_b.pk]
    assert outcomes.rating_report(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30)) == []
