"""Issues raised during a liaison visit become demands (channel liaison) linked back to the
issue; the liaison sees the demands of the enterprises they serve."""

from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied

from onezone.conftest import make_user
from onezone.demands.choices import Channel, Priority
from onezone.demands.models import Demand
from onezone.demands.selectors.demands import demand_list
from onezone.demands.services.demands import demand_act
from onezone.enterprises.choices import ServiceRole, VisitMode
from onezone.enterprises.models import VisitIssue
from onezone.enterprises.services.assignments import assignment_set, designation_create
from onezone.enterprises.services.visits import visit_record
from onezone.org import services as org
from onezone.org.choices import UnitKind

pytestmark = pytest.mark.django_db


def test_the_handler_is_registered():
    assert (
        "onezone.demands.services.demands.visit_issue_open_demand"
        in settings.ONEZONE_VISIT_ISSUE_HANDLERS
    )


def test_each_issue_becomes_a_linked_liaison_demand(demands_world):
    dw = demands_world
    world = dw.world
    visit = visit_record(
        actor=dw.service_officer_a,
        enterprise=world.enterprise,
        visited_on=date(2026, 3, 10),
        mode=VisitMode.ON_SITE,
        issues=["厂区停水三天，影响生产", "希望协助对接银行贷款"],
    )
    issues = list(VisitIssue.objects.filter(visit=visit).order_by("pk"))
    demands = list(Demand.objects.order_by("pk"))
    assert len(demands) == 2
    assert [issue.demand_reference for issue in issues] == [d.reference for d in demands]
    assert all(issue.linked_at is not None for issue in issues)
    water, loan = demands
    assert water.category.code == "water_supply"
    assert loan.category.code == "general"
    for demand in demands:
        assert demand.channel == Channel.LIAISON
        assert demand.priority == Priority.ORDINARY
        assert demand.enterprise == world.enterprise
        assert demand.created_by == dw.service_officer_a
        assert demand.receiving_unit == dw.service_unit_a
    assert water.description == "厂区停水三天，影响生产"
    assert water.suggested_unit == dw.water_unit


def test_no_issue_no_demand(demands_world):
    visit_record(
        actor=demands_world.service_officer_a,
        enterprise=demands_world.world.enterprise,
        visited_on=date(2026, 3, 10),
        mode=VisitMode.PHONE,
        issues=["  "],
    )
    assert Demand.objects.count() == 0


def test_the_liaison_sees_and_follows_the_enterprise_demands(
    demands_world, demand_factory, unit_factory, post_factory
):
    dw = demands_world
    world = dw.world
    promotion = unit_factory(world.committee_a, UnitKind.INVESTMENT_PROMOTION, name="投资促进部")
    person = org.person_create(actor=world.admin, name="联络员", staff_number="D-liaison")
    liaison = make_user("liaison")
    org.person_update(actor=world.admin, person=person, user=liaison)
    post = post_factory(promotion, person=person)
    designation_create(actor=world.admin, post=post, role=ServiceRole.LIAISON, zone=world.zone_a)
    assignment_set(
        actor=world.admin, enterprise=world.enterprise, role=ServiceRole.LIAISON, post=post
    )
    own = demand_factory()
    other = demand_factory(enterprise=world.other_enterprise)
    assert {d.pk for d in demand_list(actor=liaison, filters={})} == {own.pk}
    # Seeing is not working it: the liaison neither coordinates nor handles.
    with pytest.raises(PermissionDenied):
        demand_act(actor=liaison, demand=own, action="dispatch", data={})
    assert Demand.objects.get(pk=own.pk).state == "accepted"
    assert other.state == "accepted"
