"""The demo year of demands: driven through the services, reproducible, run once, and measured
by the KPI selector (the figures come out of the simulation; none is written)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count

from onezone.core.clock import simulated_time
from onezone.core.models import AuditEvent
from onezone.demands.choices import Channel, CoffeeSessionState, DemandState
from onezone.demands.models import CoffeeSession, Demand, DemandCallback, DemandEvent
from onezone.demands.selectors.kpis import demand_kpis
from onezone.demands.tests.conftest import demands_world  # noqa: F401
from onezone.demo.demands_demo import (
    DISTRICT_GOVERNMENT,
    YEAR_FROM,
    YEAR_TO,
    seed_demands,
)
from onezone.demo.seed import DemoSeeder
from onezone.enterprises import services as enterprise_services
from onezone.enterprises.choices import ServiceRole
from onezone.org.models import Post

PASSWORD = "Demo-Test-Pass-2026"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCALE = 0.02


def _seeder(admin, scale=SCALE) -> DemoSeeder:
    seeder = DemoSeeder(password=PASSWORD, scale=scale)
    seeder.admin = admin
    return seeder


@pytest.fixture
def liaison_served(demands_world, post_factory):  # noqa: F811
    """Zone A's enterprise has a liaison, so liaison visits can raise demands."""
    world = demands_world.world
    post = post_factory(demands_world.service_unit_a, title="联络员")
    enterprise_services.designation_create(
        actor=world.admin, post=post, role=ServiceRole.LIAISON, zone=world.zone_a
    )
    enterprise_services.assignment_set(
        actor=world.admin, enterprise=world.enterprise, role=ServiceRole.LIAISON, post=post
    )
    return demands_world


def _visit_with_an_issue(world) -> Demand:
    """A visit of the enterprise year raised an issue: the handler opened a liaison demand
    that waits to be dispatched when the demo year starts."""
    with simulated_time(datetime(2026, 1, 6, 10, tzinfo=SHANGHAI)):
        enterprise_services.visit_record(
            actor=world.admin,
            enterprise=world.enterprise,
            visited_on=date(2026, 1, 6),
            mode="on_site",
            visitor=Post.objects.get(title="联络员").person,
            issues=["厂区门口道路破损，货车进出困难。"],
        )
    return Demand.objects.get(channel=Channel.LIAISON)


def _last_valid_callbacks() -> dict[int, DemandCallback]:
    last = {}
    for callback in DemandCallback.objects.filter(valid=True).order_by("at", "pk"):
        last[callback.demand_id] = callback
    return last


def _check_raises_demands_on_every_channel_within_the_year(seeded):
    _seeder, figures = seeded
    channels = figures["channels"]
    assert set(channels) == set(Channel.values)
    assert channels[Channel.HOTLINE] == max(channels.values())
    assert sum(channels.values()) == Demand.objects.count()
    accepted = Demand.objects.values_list("accepted_at", flat=True)
    assert all(YEAR_FROM <= moment.date() <= YEAR_TO for moment in accepted)
    assert Demand.objects.filter(is_legacy=True).count() >= 3


def _check_writes_every_step_on_the_timeline_and_in_the_audit_trail(seeded):
    seeder, figures = seeded
    events = DemandEvent.objects.count()
    # One audit row per timeline row; the callback to-dos the sweep gives have audit rows
    # only (they change no state).
    audited = AuditEvent.objects.filter(object_type="demands.demand").exclude(
        action="demand.callback_todo"
    )
    assert audited.count() == events
    todos = AuditEvent.objects.filter(action="demand.callback_todo").count()
    assert todos == figures["sweep"]["callback_todos"] > 0
    assert not Demand.objects.annotate(n=Count("events")).filter(n=0).exists()
    swept = DemandEvent.objects.filter(data__by="sweep").count()
    acted = DemandEvent.objects.exclude(
        action__in=["accept", "mark_invalid", "mark_duplicate", "attach"]
    ).count()
    # Each action the demo took is one event; the service itself dispatches each Happiness
    # Center request.
    happiness = Demand.objects.filter(channel=Channel.HAPPINESS_CENTER).count()
    assert acted - swept - figures["actions"] == happiness
    assert seeder.report.created["demands"] == Demand.objects.count()


def _check_calls_back_every_demand_it_closes_after_a_reply(seeded):
    closed = Demand.objects.filter(state=DemandState.CLOSED, is_invalid=False)
    worked = closed.filter(duplicate_of__isnull=True).exclude(events__action="answer_directly")
    assert worked.exists()
    assert not worked.annotate(n=Count("callbacks")).filter(n=0).exists()
    # Answered on the call or folded into an earlier demand: closed without a callback.
    assert not closed.filter(events__action="answer_directly", callbacks__isnull=False).exists()
    # Reopened only after a callback that found the unit at fault.
    for demand in Demand.objects.filter(events__action="reopen").distinct():
        assert demand.callbacks.filter(unit_at_fault=True).exists()


def _check_measures_the_kpis_with_the_selector(seeded):
    _seeder, figures = seeded
    kpis = figures["kpis"]
    assert kpis == demand_kpis(start=YEAR_FROM, end=YEAR_TO)
    assert (
        kpis["valid_callbacks"]
        == DemandCallback.objects.filter(valid=True, demand__is_invalid=False).count()
    )
    assert 0.8 <= kpis["response_rate"] <= 1
    assert 0.6 <= kpis["resolution_rate"] <= 1
    assert 0.6 <= kpis["satisfaction_rate"] <= 1
    assert 0.6 <= kpis["composite"] <= 1
    assert 0.5 <= kpis["on_time_sign_rate"] <= 1
    assert 0 < kpis["mean_handling_working_days"] < 20
    legacy = Demand.objects.filter(is_legacy=True, is_invalid=False)
    last = _last_valid_callbacks()
    resolved = sum(1 for demand in legacy if last.get(demand.pk) and last[demand.pk].resolved)
    assert kpis["legacy_total"] == legacy.count()
    assert kpis["legacy_resolved"] == resolved


def _check_holds_coffee_time_on_the_shuangliu_rhythm(seeded):
    _seeder, figures = seeded
    sessions = CoffeeSession.objects.order_by("held_on")
    assert sessions.count() == figures["coffee"]["sessions"] > 0
    assert all(session.held_on.weekday() == 4 for session in sessions)
    hosts = Post.objects.filter(unit__body__name=DISTRICT_GOVERNMENT, is_leader=True)
    assert sorted(hosts.values_list("title", flat=True)) == ["副区长"] * 4 + ["区长"]
    assert set(sessions.values_list("host", flat=True)) <= set(
        hosts.values_list("person", flat=True)
    )
    held = sessions.exclude(state=CoffeeSessionState.PLANNED)
    assert held.count() == figures["coffee"]["held"] > 0
    assert held.filter(participants__present=True).exists()
    coffee_demands = Demand.objects.filter(channel=Channel.COFFEE_TIME)
    assert coffee_demands.count() == figures["channels"][Channel.COFFEE_TIME]
    assert not coffee_demands.filter(coffee_session__isnull=True).exists()


def _check_leaves_the_last_weeks_open_and_the_sweep_urges_what_runs_late(seeded):
    _seeder, figures = seeded
    assert figures["open"] == Demand.objects.exclude(state=DemandState.CLOSED).count()
    assert (
        figures["sweep"]["urged"]
        == DemandEvent.objects.filter(action="urge", data__by="sweep").count()
    )
    assert figures["supervised"] == Demand.objects.filter(is_supervised=True).count()
    assert figures["invalid"] == Demand.objects.filter(is_invalid=True).count()
    assert not Demand.objects.filter(is_invalid=True).exclude(state=DemandState.CLOSED).exists()


def test_it_drives_a_year_of_demands_through_the_services_once(liaison_served):
    opened_by_a_visit = _visit_with_an_issue(liaison_served.world)
    assert opened_by_a_visit.state == DemandState.ACCEPTED
    seeder = _seeder(liaison_served.world.admin)
    seeded = seeder, seed_demands(seeder)
    opened_by_a_visit.refresh_from_db()
    assert opened_by_a_visit.state != DemandState.ACCEPTED
    assert opened_by_a_visit.events.filter(action="dispatch").exists()
    # One seeding (the slow part) checked from every side.
    _check_raises_demands_on_every_channel_within_the_year(seeded)
    _check_writes_every_step_on_the_timeline_and_in_the_audit_trail(seeded)
    _check_calls_back_every_demand_it_closes_after_a_reply(seeded)
    _check_measures_the_kpis_with_the_selector(seeded)
    _check_holds_coffee_time_on_the_shuangliu_rhythm(seeded)
    _check_leaves_the_last_weeks_open_and_the_sweep_urges_what_runs_late(seeded)
    count, events = Demand.objects.count(), DemandEvent.objects.count()
    assert seed_demands(_seeder(liaison_served.world.admin)) == {}
    assert (Demand.objects.count(), DemandEvent.objects.count()) == (count, events)
    assert date(2026, 11, 26) == YEAR_TO
