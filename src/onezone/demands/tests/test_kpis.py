"""Demand KPIs with hand-computed expectations: demands driven through the services on a
simulated clock (March 2025, no holidays), then every figure checked exactly."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onezone.core.clock import simulated_time
from onezone.demands.choices import Channel
from onezone.demands.selectors.kpis import KPI_KEYS, demand_kpis, demand_kpis_by
from onezone.demands.services.demands import (
    demand_act,
    demand_create,
    demand_mark_duplicate,
    demand_mark_invalid,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = {"start": date(2025, 3, 1), "end": date(2025, 3, 31)}


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


class Script:
    """Acts on demands at given moments with the fixture's people."""

    def __init__(self, demands_world, demand_factory):
        self.dw = demands_world
        self.factory = demand_factory

    def create(self, moment, **overrides):
        with simulated_time(moment):
            return self.factory(**overrides)

    def act(self, demand, action, moment, who="coordinator", **data):
        actor = self.dw.water_officer if who == "handler" else self.dw.hotline
        with simulated_time(moment):
            return demand_act(actor=actor, demand=demand, action=action, data=data)

    def to_reply(self, demand, dispatched, signed, replied):
        demand = self.act(demand, "dispatch", dispatched)
        demand = self.act(demand, "sign", signed, who="handler")
        return self.act(demand, "reply", replied, who="handler", content="已处理。")

    def callback(self, demand, moment, **answers):
        demand = self.act(demand, "review", moment, decision="accept")
        data = {"valid": True, "contacted": True, "resolved": True, "satisfaction": "satisfied"}
        return self.act(demand, "callback", moment, **{**data, **answers})


@pytest.fixture
def script(demands_world, demand_factory):
    return Script(demands_world, demand_factory)


@pytest.fixture
def march(script):
    """Six demands of March 2025 (water supply → the water unit, 2 h to sign, 7 working days
    to reply), and one callback in April that March must not count."""
    s = script
    d1 = s.create(at(3, 10, 9))
    d1 = s.to_reply(d1, at(3, 10, 9, 30), at(3, 10, 10), at(3, 12))  # signed, replied on time
    s.callback(d1, at(3, 13))  # contacted, resolved, satisfied
    d2 = s.create(at(3, 10, 9))
    d2 = s.to_reply(d2, at(3, 10, 9, 30), at(3, 10, 12), at(3, 14, 15))  # signed 30 min late
    s.callback(d2, at(3, 17), resolved=False, satisfaction="basically_satisfied")
    d3 = s.create(at(3, 11, 9))
    d3 = s.to_reply(d3, at(3, 11, 9, 30), at(3, 11, 10), at(3, 13))
    s.callback(d3, at(3, 18), valid=False, satisfaction="unsatisfied")  # not counted
    d4 = s.create(at(3, 11, 9))
    d4 = s.act(d4, "dispatch", at(3, 11, 9, 30))
    d4 = s.act(d4, "request_return", at(3, 11, 10), who="handler", reason="不属本单位职责")
    d4 = s.act(d4, "approve_return", at(3, 11, 10, 30))
    d4 = s.act(d4, "dispatch", at(3, 11, 11))
    d4 = s.act(d4, "sign", at(3, 11, 11, 30), who="handler")
    d4 = s.act(
        d4, "request_extension", at(3, 12), who="handler", working_days=5, reason="需现场勘查"
    )
    d4 = s.act(d4, "approve_extension", at(3, 12, 11))
    # 7 + 5 working days from Tue 11 March: due Thu 27 March, so Wed 26 March is in time.
    d4 = s.act(d4, "reply", at(3, 26), who="handler", content="已协调解决。")
    s.callback(d4, at(3, 27), contacted=False, resolved=False, satisfaction="unsatisfied")
    d5 = s.create(at(3, 12, 9))
    with simulated_time(at(3, 12, 9, 5)):
        demand_mark_invalid(actor=s.dw.hotline, demand=d5, reason="恶意骚扰电话")
    d6 = s.create(at(3, 12, 9))
    with simulated_time(at(3, 12, 9, 10)):
        demand_mark_duplicate(actor=s.dw.hotline, demand=d6, original=d1)
    d7 = s.create(at(3, 19, 9))
    # Signed Wed 19 March: the 7th working day after is Fri 28 March; Mon 31 March is late.
    d7 = s.to_reply(d7, at(3, 19, 9, 30), at(3, 19, 10), at(3, 31))
    s.callback(d7, at(4, 1))  # April: outside March
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5, "d6": d6, "d7": d7}


def test_it_counts_only_valid_callbacks_made_in_the_period(march):
    kpis = demand_kpis(**MARCH)
    assert kpis["valid_callbacks"] == 3  # d1, d2, d4 (d3's callback is invalid; d7's in April)
    assert kpis["contacted"] == 2
    assert kpis["resolved"] == 1
    assert (kpis["satisfied"], kpis["basically_satisfied"], kpis["unsatisfied"]) == (1, 1, 1)


def test_it_computes_the_callback_rates_and_the_composite_from_unrounded_rates(march):
    kpis = demand_kpis(**MARCH)
    assert kpis["response_rate"] == 0.6667  # 2 / 3
    assert kpis["resolution_rate"] == 0.3333  # 1 / 3
    assert kpis["satisfaction_rate"] == 0.6333  # (1 + 0.9 × 1) / 3
    # 0.1 × 2/3 + 0.5 × 1/3 + 0.4 × 1.9/3 = 1.46/3 = 0.48667
    assert kpis["composite"] == 0.4867


def test_it_computes_the_handling_rates_over_the_demands_of_the_period(march):
    kpis = demand_kpis(**MARCH)
    # Signed in March: d1, d2, d3, d4, d7; d2 late.
    assert kpis["on_time_sign_rate"] == 0.8
    # Replied in March: d1, d2, d3, d4, d7; d7 late.
    assert kpis["on_time_reply_rate"] == 0.8
    assert kpis["extension_rate"] == 0.2  # d4
    # Dispatched in March: six dispatches of five demands, dispatched_at is the last one: 5.
    assert kpis["return_rate"] == 0.2  # d4
    # Accepted in March: seven demands, d5 invalid (left out), d6 a duplicate: 1 / 6.
    assert kpis["repeat_rate"] == 0.1667


def test_it_measures_mean_handling_in_working_days(march):
    # Office hours 09:00–12:00 and 13:30–17:30 (7 h a day). Acceptance → reply:
    # d1 Mon 09:00 → Wed 10:00 = 2 days + 1 h; d2 Mon 09:00 → Fri 15:00 = 4 days + 4.5 h;
    # d3 Tue 09:00 → Thu 10:00 = 2 days + 1 h; d4 Tue 11 09:00 → Wed 26 10:00 = 11 days + 1 h;
    # d7 Wed 19 09:00 → Mon 31 10:00 = 8 days + 1 h. Sum 27 days + 8.5 h = 27 + 8.5/7 days.
    expected = round((27 + 8.5 / 7) / 5, 2)
    assert demand_kpis(**MARCH)["mean_handling_working_days"] == expected == 5.64


def test_it_leaves_invalid_demands_out_of_everything(march, script):
    d1 = march["d1"]
    before = demand_kpis(**MARCH)
    with simulated_time(at(3, 31, 17)):
        demand_mark_invalid(actor=script.dw.hotline, demand=d1, reason="重复来电")
    after = demand_kpis(**MARCH)
    assert after["valid_callbacks"] == before["valid_callbacks"] - 1
    assert after["on_time_sign_rate"] == 0.75  # d2, d3, d4, d7: d2 late
    assert after["repeat_rate"] == 0.2  # d6 of five


def test_it_answers_null_rates_for_an_empty_period(march):
    kpis = demand_kpis(start=date(2025, 1, 1), end=date(2025, 1, 31))
    assert list(kpis) == list(KPI_KEYS)
    assert kpis["valid_callbacks"] == 0
    for key in (
        "response_rate",
        "resolution_rate",
        "satisfaction_rate",
        "composite",
        "on_time_sign_rate",
        "on_time_reply_rate",
        "extension_rate",
        "return_rate",
        "repeat_rate",
        "mean_handling_working_days",
        "legacy_resolution_rate",
    ):
        assert kpis[key] is None, key


def test_it_counts_a_callback_by_its_local_date(march):
    # d7's callback is at 10:00 on 1 April in Shanghai: in April, not March.
    april = demand_kpis(start=date(2025, 4, 1), end=date(2025, 4, 1))
    assert april["valid_callbacks"] == 1
    assert demand_kpis(start=date(2025, 3, 31), end=date(2025, 3, 31))["valid_callbacks"] == 0


def test_it_computes_the_composite_from_unrounded_rates(script):
    s = script
    answers = [
        {"contacted": True, "resolved": True, "satisfaction": "satisfied"},
        {"contacted": False, "resolved": True, "satisfaction": "satisfied"},
        {"contacted": False, "resolved": False, "satisfaction": "unsatisfied"},
    ]
    for answer in answers:
        demand = s.create(at(3, 10, 9))
        demand = s.to_reply(demand, at(3, 10, 9, 30), at(3, 10, 10), at(3, 11))
        s.callback(demand, at(3, 12), **answer)
    kpis = demand_kpis(**MARCH)
    assert (kpis["response_rate"], kpis["resolution_rate"]) == (0.3333, 0.6667)
    assert kpis["satisfaction_rate"] == 0.6667
    # 0.1/3 + 1/3 + 0.8/3 = 1.9/3 = 0.63333 → 0.6333; the rounded rates would give
    # 0.03333 + 0.33335 + 0.26668 = 0.63336 → 0.6334.
    assert kpis["composite"] == 0.6333


def test_it_uses_the_configured_factor_and_weights(march, settings):
    settings.ONEZONE_DEMAND_KPI = {
        "basically_factor": 0.5,
        "weights": {"response": 0.2, "resolution": 0.4, "satisfaction": 0.4},
    }
    kpis = demand_kpis(**MARCH)
    assert kpis["satisfaction_rate"] == 0.5  # (1 + 0.5) / 3
    assert kpis["composite"] == round(0.2 * 2 / 3 + 0.4 * 1 / 3 + 0.4 * 0.5, 4)


def test_it_scopes_by_zone_channel_unit_and_enterprise(march, demands_world, demand_factory):
    world = demands_world.world
    assert demand_kpis(**MARCH, zone=world.zone_b)["valid_callbacks"] == 0
    assert demand_kpis(**MARCH, zone=world.zone_a.code)["valid_callbacks"] == 3
    assert demand_kpis(**MARCH, zone="no_such_zone")["valid_callbacks"] == 0
    assert demand_kpis(**MARCH, channel="online")["valid_callbacks"] == 0
    assert demand_kpis(**MARCH, channel="hotline")["valid_callbacks"] == 3
    assert demand_kpis(**MARCH, unit=demands_world.water_unit)["valid_callbacks"] == 3
    assert demand_kpis(**MARCH, unit=demands_world.planning_unit.pk)["valid_callbacks"] == 0
    assert demand_kpis(**MARCH, unit="not-an-id")["valid_callbacks"] == 0
    assert demand_kpis(**MARCH, enterprise=world.enterprise.uscc)["valid_callbacks"] == 3
    assert demand_kpis(**MARCH, enterprise=world.other_enterprise)["valid_callbacks"] == 0


def test_it_breaks_the_figures_down_by_dimension(march, demands_world):
    by_unit = demand_kpis_by(dimension="unit", **MARCH)
    water = [row for row in by_unit if row["key"] == demands_world.water_unit.pk]
    assert len(water) == 1 and water[0]["valid_callbacks"] == 3
    assert water[0]["response_rate"] == 0.6667
    # The invalid and the duplicate demand were never dispatched: no lead unit.
    unled = [row for row in by_unit if row["key"] is None]
    assert unled and unled[0]["repeat_rate"] == 1.0
    by_channel = demand_kpis_by(dimension="channel", **MARCH)
    assert [row["key"] for row in by_channel] == ["hotline"]
    assert by_channel[0]["label"] == str(Channel.HOTLINE.label)
    by_zone = demand_kpis_by(dimension="zone", **MARCH)
    assert [(row["key"], row["label"]) for row in by_zone] == [
        (demands_world.world.zone_a.pk, demands_world.world.zone_a.name)
    ]
    assert by_zone[0]["on_time_sign_rate"] == 0.8


def test_it_refuses_an_unknown_dimension_and_an_upside_down_period(march):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        demand_kpis_by(dimension="body", **MARCH)
    assert "dimension" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        demand_kpis(start=date(2025, 3, 31), end=date(2025, 3, 1))
    assert "to" in error.value.message_dict


# ---- legacy problems ----------------------------------------------------------------------


@pytest.fixture
def legacy(script):
    """Four legacy problems: L1 resolved at its second callback (the first found the unit at
    fault and reopened it), L2 not resolved, L3 never called back, L4 accepted in April."""
    s = script
    l1 = s.create(at(2, 3, 9), is_legacy=True)
    l1 = s.to_reply(l1, at(2, 3, 9, 30), at(2, 3, 10), at(2, 10))
    l1 = s.callback(l1, at(2, 11), resolved=False, satisfaction="unsatisfied", unit_at_fault=True)
    l1 = s.act(l1, "reopen", at(2, 11, 11), reason="企业反映未解决")
    l1 = s.act(l1, "reply", at(3, 4), who="handler", content="再次处理完毕。")
    s.callback(l1, at(3, 5))
    l2 = s.create(at(2, 3, 9), is_legacy=True)
    l2 = s.to_reply(l2, at(2, 3, 9, 30), at(2, 3, 10), at(2, 10))
    s.callback(l2, at(2, 11), resolved=False, satisfaction="basically_satisfied")
    s.create(at(2, 4, 9), is_legacy=True)
    s.create(at(4, 2, 9), is_legacy=True)
    return l1


def test_it_measures_legacy_resolution_cumulatively_up_to_the_end(legacy):
    march = demand_kpis(**MARCH)
    assert (march["legacy_total"], march["legacy_resolved"]) == (3, 1)
    assert march["legacy_resolution_rate"] == 0.3333
    # At the end of February L1's last valid callback had not found it resolved.
    february = demand_kpis(start=date(2025, 2, 1), end=date(2025, 2, 28))
    assert (february["legacy_total"], february["legacy_resolved"]) == (3, 0)
    assert february["legacy_resolution_rate"] == 0.0
    # The period's start does not matter, only its end.
    late = demand_kpis(start=date(2025, 3, 20), end=date(2025, 4, 30))
    assert (late["legacy_total"], late["legacy_resolved"]) == (4, 1)


def test_it_uses_a_constant_number_of_queries(script):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            demand_kpis(**MARCH)
            for dimension in ("zone", "unit", "channel"):
                demand_kpis_by(dimension=dimension, **MARCH)
        return len(queries)

    def add(n: int) -> None:
        for _ in range(n):
            demand = script.create(at(3, 10, 9))
            demand = script.to_reply(demand, at(3, 10, 9, 30), at(3, 10, 10), at(3, 11))
            script.callback(demand, at(3, 12))

    add(1)
    few = count_queries()
    add(3)
    assert count_queries() == few
    assert few <= 30


def test_it_counts_a_demand_created_by_an_enterprise_online(demands_world):
    world = demands_world.world
    with simulated_time(at(3, 10, 9)):
        demand_create(
            actor=world.enterprise_user,
            channel="online",
            category="water_supply",
            title="停水",
            description="停水了",
            priority="ordinary",
            enterprise=world.enterprise,
        )
    assert demand_kpis(**MARCH, channel="online")["repeat_rate"] == 0.0
