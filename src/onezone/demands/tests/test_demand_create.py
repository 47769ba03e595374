"""Recording a demand: validation naming fields, reference numbers, 首接负责, the suggested unit,
the dispatch clock, who may raise what, categories seeded idempotently."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onezone.core.clock import simulated_time
from onezone.core.models import AuditEvent, Clock
from onezone.core.workcal import SHANGHAI
from onezone.demands.choices import Channel, DemandState, Priority
from onezone.demands.data.categories import CATEGORIES, categories_seed
from onezone.demands.models import Demand, DemandCategory
from onezone.demands.services.demands import demand_create, demand_suggest_unit

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)


def test_hotline_records_a_demand_with_reference_clock_and_units(demands_world, demand_factory):
    with simulated_time(MORNING):
        demand = demand_factory()
    assert demand.reference == "SQ20260310-00001"
    assert demand.state == DemandState.ACCEPTED
    assert demand.receiving_unit == demands_world.hotline_unit
    assert demand.suggested_unit == demands_world.water_unit
    assert demand.zone == demands_world.world.zone_a
    assert demand.accepted_at == MORNING
    # Ordinary demands are dispatched within 24 natural hours.
    assert demand.due_at == MORNING + timedelta(hours=24)
    assert demand.clock.purpose == "dispatch"
    assert demand.events.get().action == "accept"
    assert AuditEvent.objects.filter(action="demand.create", object_id=str(demand.pk)).exists()


def test_references_count_per_local_day(demand_factory):
    with simulated_time(MORNING):
        first, second = demand_factory(), demand_factory()
    # 23:30 UTC is already the next day in Shanghai.
    with simulated_time(datetime(2026, 3, 10, 23, 30, tzinfo=SHANGHAI)):
        third = demand_factory()
    with simulated_time(datetime(2026, 3, 11, 0, 30, tzinfo=SHANGHAI)):
        fourth = demand_factory()
    assert [first.reference, second.reference, third.reference, fourth.reference] == [
        "SQ20260310-00001",
        "SQ20260310-00002",
        "SQ20260310-00003",
        "SQ20260311-00001",
    ]


@pytest.mark.parametrize(
    ("priority", "hours"),
    [(Priority.EMERGENCY, 1), (Priority.UTILITIES, 2), (Priority.COMPLEX, 24)],
)
def test_dispatch_clock_by_priority(demand_factory, priority, hours):
    with simulated_time(MORNING):
        demand = demand_factory(priority=priority)
    assert demand.due_at == MORNING + timedelta(hours=hours)


def test_invalid_input_names_every_bad_field(demands_world):
    with pytest.raises(ValidationError) as caught:
        demand_create(
            actor=demands_world.hotline,
            channel="fax",
            category="no-such",
            title="",
            description="  ",
            priority="urgent",
            enterprise="91510116MA61XY0000",
        )
    assert set(caught.value.error_dict) == {
        "channel",
        "category",
        "title",
        "description",
        "priority",
        "enterprise",
    }
    assert Demand.objects.count() == 0


def test_zone_is_required_without_enterprise(demands_world):
    with pytest.raises(ValidationError) as caught:
        demand_create(
            actor=demands_world.hotline,
            channel=Channel.HOTLINE,
            category="general",
            title="咨询",
            description="想了解园区入驻政策",
            priority=Priority.ORDINARY,
            caller_phone="13912345678",
        )
    assert set(caught.value.error_dict) == {"zone"}
    assert Demand.objects.count() == 0


def test_caller_without_enterprise_by_zone_code_and_uscc_lookup(demands_world):
    demand = demand_create(
        actor=demands_world.hotline,
        channel=Channel.HOTLINE,
        category="general",
        title="咨询",
        description="想了解园区入驻政策",
        priority=Priority.ORDINARY,
        zone="aviation",
        caller_phone="13912345678",
    )
    assert demand.enterprise is None
    assert demand.zone == demands_world.world.zone_b
    # The general category is routed to each zone's enterprise-service department.
    assert demand.suggested_unit == demands_world.service_unit_b
    by_uscc = demand_create(
        actor=demands_world.hotline,
        channel=Channel.HOTLINE,
        category=demands_world.category("general"),
        title="咨询",
        description="入驻",
        priority=Priority.ORDINARY,
        enterprise=demands_world.world.enterprise.uscc.lower(),
    )
    assert by_uscc.enterprise == demands_world.world.enterprise


def test_enterprise_user_raises_online_and_the_zone_service_unit_receives(demands_world):
    world = demands_world.world
    demand = demand_create(
        actor=world.enterprise_user,
        channel=Channel.ONLINE,
        category="children_schooling",
        title="员工子女入学",
        description="新引进工程师子女入学需要协调",
        priority=Priority.ORDINARY,
        enterprise=world.enterprise,
    )
    assert demand.receiving_unit == demands_world.service_unit_a
    # Nobody holds the schooling matter: the suggestion is the fallback unit.
    assert demand.suggested_unit == demands_world.service_unit_a


def test_enterprise_user_cannot_raise_for_another_enterprise_or_by_hotline(demands_world):
    world = demands_world.world
    for channel, enterprise in (
        (Channel.ONLINE, world.other_enterprise),
        (Channel.HOTLINE, world.enterprise),
    ):
        with pytest.raises(PermissionDenied):
            demand_create(
                actor=world.enterprise_user,
                channel=channel,
                category="water_supply",
                title="停水",
                description="停水",
                priority=Priority.ORDINARY,
                enterprise=enterprise,
            )
    assert Demand.objects.count() == 0
    assert not Clock.objects.filter(object_type="demands.demand").exists()


def test_fallback_unit_setting_wins(demands_world, settings):
    settings.ONEZONE_DEMAND_FALLBACK_UNIT = "区企业服务热线中心/12345热线坐席"
    unit = demand_suggest_unit(category="children_schooling", zone=demands_world.world.zone_a)
    assert unit == demands_world.hotline_unit


def test_staff_without_post_gets_the_zone_service_unit(demands_world):
    demand = demand_create(
        actor=demands_world.world.officer_a,
        channel=Channel.HOTLINE,
        category="water_supply",
        title="停水",
        description="停水",
        priority=Priority.UTILITIES,
        enterprise=demands_world.world.enterprise,
    )
    assert demand.receiving_unit == demands_world.service_unit_a


def test_categories_seed_is_idempotent_and_maps_matters(demands_world):
    assert DemandCategory.objects.count() == len(CATEGORIES)
    assert categories_seed() == 0
    assert DemandCategory.objects.count() == len(CATEGORIES)
    assert demands_world.category("water_supply").matter.code == "SWJ008"


def test_categories_seed_fails_loudly_without_matters(db):
    with pytest.raises(LookupError, match="SWJ008"):
        categories_seed()
    assert DemandCategory.objects.count() == 0
