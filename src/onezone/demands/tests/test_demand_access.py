"""Who sees and acts on demands: another zone's officer and another enterprise neither see nor
act (nothing changes); the scoped list, its filters and constant queries; the hotline's caller
history and duplicate warning."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from onezone.core.clock import simulated_time
from onezone.core.workcal import SHANGHAI
from onezone.demands.access import can_coordinate, can_handle, can_record, demand_filter_for
from onezone.demands.choices import Channel, DemandAction, DemandState, Priority
from onezone.demands.models import Demand
from onezone.demands.selectors.demands import (
    demand_categories,
    demand_get,
    demand_list,
    demand_timeline,
    demands_for_phone,
    similar_demands,
)
from onezone.demands.services.demands import demand_act, demand_create

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)


def state_of(demand):
    row = Demand.objects.get(pk=demand.pk)
    return (row.state, row.version, row.urge_count, row.lead_unit_id, row.events.count())


def visible(user):
    return set(Demand.objects.filter(demand_filter_for(user)).values_list("pk", flat=True))


def test_another_zones_officer_neither_sees_nor_acts(demands_world, demand_factory):
    world = demands_world.world
    demand = demand_factory()
    assert demand.pk not in visible(world.officer_b)
    with pytest.raises(Http404):
        demand_get(actor=world.officer_b, pk=demand.pk)
    before = state_of(demand)
    for action, data in ((DemandAction.DISPATCH, {}), (DemandAction.URGE, {"reason": "x"})):
        with pytest.raises(Http404):
            demand_act(actor=world.officer_b, demand=demand, action=action, data=data)
    assert state_of(demand) == before
    # Zone A's officer sees and coordinates it.
    assert demand_get(actor=world.officer_a, pk=demand.pk) == demand
    assert can_coordinate(world.officer_a, demand)


def test_another_enterprise_neither_sees_nor_acts(demands_world, demand_factory):
    world = demands_world.world
    demand = demand_factory()
    assert demand.pk not in visible(world.other_enterprise_user)
    before = state_of(demand)
    with pytest.raises(Http404):
        demand_act(
            actor=world.other_enterprise_user,
            demand=demand,
            action=DemandAction.URGE,
            data={"reason": "x"},
        )
    assert state_of(demand) == before


def test_the_enterprise_sees_its_demand_but_does_not_work_it(demands_world, demand_factory):
    world = demands_world.world
    demand = demand_factory()
    assert demand_get(actor=world.enterprise_user, pk=demand.pk) == demand
    before = state_of(demand)
    with pytest.raises(PermissionDenied):
        demand_act(
            actor=world.enterprise_user, demand=demand, action=DemandAction.DISPATCH, data={}
        )
    assert state_of(demand) == before
    assert not can_record(world.enterprise_user)


def test_founder_sees_only_what_they_raised(demands_world, demand_factory):
    world = demands_world.world
    hotline_demand = demand_factory()
    own = demand_create(
        actor=world.founder,
        channel=Channel.ONLINE,
        category="business_startup",
        title="咨询企业开办",
        description="准备在芯谷设立公司",
        priority=Priority.ORDINARY,
        zone=world.zone_a,
    )
    assert visible(world.founder) == {own.pk}
    assert hotline_demand.pk not in visible(world.founder)
    assert visible(world.nobody) == set()


def test_units_see_what_they_lead_co_handle_or_received(demands_world, demand_factory):
    dw = demands_world
    world = dw.world
    water = demand_act(
        actor=dw.hotline, demand=demand_factory(), action=DemandAction.DISPATCH, data={}
    )
    planning = demand_act(
        actor=dw.hotline,
        demand=demand_factory(category="planning_permit"),
        action=DemandAction.DISPATCH,
        data={"co_units": [dw.water_unit.pk]},
    )
    undispatched = demand_factory()
    assert planning.lead_unit == dw.planning_unit
    assert visible(dw.water_officer) == {water.pk, planning.pk}
    assert visible(dw.planner) == {planning.pk}
    # A bureau officer over the planning bureau sees what its unit leads.
    assert visible(world.bureau_officer) == {planning.pk}
    assert can_handle(world.bureau_officer, planning)
    assert not can_handle(dw.water_officer, planning)
    # Hotline operators, leaders and administrators see every demand.
    everything = {water.pk, planning.pk, undispatched.pk}
    for reader in (dw.hotline, world.leader, world.admin):
        assert visible(reader) == everything


def test_list_filters(demands_world, demand_factory):
    dw = demands_world
    world = dw.world
    with simulated_time(MORNING):
        water = demand_factory(is_legacy=True)
        planning = demand_factory(category="planning_permit", channel=Channel.COFFEE_TIME)
        zone_b = demand_factory(enterprise=world.other_enterprise, title="航空区用电问题")
        water = demand_act(actor=dw.hotline, demand=water, action="dispatch", data={})
    admin = world.admin

    def pks(**filters):
        return {d.pk for d in demand_list(actor=admin, filters=filters)}

    assert pks(state=DemandState.DISPATCHED) == {water.pk}
    assert pks(channel=Channel.COFFEE_TIME) == {planning.pk}
    assert pks(zone=world.zone_b.pk) == {zone_b.pk}
    assert pks(zone="aviation") == {zone_b.pk}
    assert pks(unit=str(dw.water_unit.pk)) == {water.pk}
    assert pks(enterprise=world.other_enterprise.uscc) == {zone_b.pk}
    assert pks(is_legacy="true") == {water.pk}
    assert pks(is_legacy="false") == {planning.pk, zone_b.pk}
    assert pks(category="planning_permit") == {planning.pk}
    assert pks(q="用电") == {zone_b.pk}
    assert pks(q=water.reference) == {water.pk}
    # Dispatch and sign clocks run out after 2 and 24 hours.
    with simulated_time(MORNING + timedelta(hours=3)):
        assert pks(is_overdue="1") == {water.pk}
        assert pks(is_overdue="0") == {planning.pk, zone_b.pk}
    with simulated_time(MORNING + timedelta(hours=25)):
        assert pks(is_overdue="yes") == {water.pk, planning.pk, zone_b.pk}


def _list_queries(actor) -> int:
    # A fresh user each time: the per-request role caches must cost the same both times.
    actor = get_user_model().objects.get(pk=actor.pk)
    with CaptureQueriesContext(connection) as queries:
        rows = list(demand_list(actor=actor, filters={}))
        for demand in rows:
            str(demand.lead_unit), str(demand.receiving_unit), str(demand.category)
            str(demand.zone), getattr(demand.enterprise, "name", "")
    return len(queries)


@pytest.mark.parametrize("reader", ["water_officer", "hotline", "officer_a"])
def test_list_queries_stay_constant(demands_world, demand_factory, reader):
    dw = demands_world
    actor = getattr(dw, reader, None) or getattr(dw.world, reader)

    def add(n):
        for _ in range(n):
            demand = demand_factory()
            demand_act(actor=dw.hotline, demand=demand, action="dispatch", data={})

    add(2)
    few = _list_queries(actor)
    add(6)
    assert len(demand_list(actor=actor, filters={})) == 8
    assert _list_queries(actor) == few


def test_timeline_and_categories(demands_world, demand_factory):
    demand = demand_factory()
    demand = demand_act(actor=demands_world.hotline, demand=demand, action="dispatch", data={})
    assert [e.action for e in demand_timeline(demand)] == ["accept", "dispatch"]
    assert demand_categories().count() == len(demands_world.categories)


def test_caller_history_for_the_hotline(demands_world, demand_factory):
    dw = demands_world
    first = demand_factory(caller_phone="138-0013-8000")
    second = demand_factory(caller_phone="13800138000")
    other = demand_factory(enterprise=dw.world.other_enterprise, caller_phone="13911112222")
    found = demands_for_phone(actor=dw.hotline, phone="138 0013 8000")
    assert found["enterprise"] == dw.world.enterprise
    assert {d.pk for d in found["demands"]} >= {second.pk}
    assert other.pk not in {d.pk for d in found["demands"]}
    # The enterprise's other demands come along, whatever number they were raised from.
    assert first.pk in {d.pk for d in found["demands"]}
    # Callers the actor may not see reveal nothing.
    # (Both personas' users signed up with this phone; zone B's officer sees only zone B.)
    hidden = demands_for_phone(actor=dw.world.officer_b, phone="13800138000")
    assert {d.pk for d in hidden["demands"]} <= {other.pk}
    assert hidden["enterprise"] in (None, dw.world.other_enterprise)
    assert demands_for_phone(actor=dw.hotline, phone="12")["demands"] == []


def test_similar_demands_warn_of_duplicates(demands_world, demand_factory):
    dw = demands_world
    with simulated_time(MORNING - timedelta(days=40)):
        demand_factory(title="厂区停水", description="园区东路厂区停水")
    with simulated_time(MORNING):
        recent = demand_factory(title="厂区停水", description="园区东路厂区自今晨起停水")
        demand_factory(title="招聘困难", description="需要招聘五十名技工")
        demand_factory(enterprise=dw.world.other_enterprise, title="厂区停水")
        found = similar_demands(enterprise=dw.world.enterprise, text="东路厂区又停水了")
    assert [demand.pk for demand, _score in found] == [recent.pk]
    assert found[0][1] >= 70
