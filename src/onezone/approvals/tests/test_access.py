"""Who handles which units' cases, who is on the applicant side, who sees what."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from onezone.approvals.access import (
    application_filter_for,
    can_handle,
    handled_unit_ids,
    is_applicant_side,
)
from onezone.approvals.models import Application
from onezone.approvals.tests.test_transitions import apply_for, stage_case
from onezone.conftest import PASSWORD, make_user
from onezone.core.choices import Role, ScopeKind
from onezone.enterprises import services as enterprise_services
from onezone.org import services as org
from onezone.org.models import Unit


@pytest.fixture
def units(world, approvals, unit_factory):
    """Units beyond the holder unit: one of the merged lead body, one of a district bureau
    stationed in zone A, one of that bureau elsewhere, one of zone B's committee."""
    return {
        "holder": approvals.unit,
        "lead": unit_factory(world.lead_a, name="发改科"),
        "stationed": unit_factory(world.functional, name="规划驻区窗口", stationed_in=world.zone_a),
        "bureau": unit_factory(world.functional, name="规划审批科"),
        "zone_b": unit_factory(world.committee_b, name="航空政务科"),
    }


def handled(user, units) -> set[str]:
    ids = handled_unit_ids(user)
    return {name for name, unit in units.items() if unit.pk in ids}


def test_zone_officer_handles_the_zone_its_merged_bodies_and_stationed_units(world, units):
    assert handled(world.officer_a, units) == {"holder", "lead", "stationed"}
    assert handled(world.officer_b, units) == {"zone_b"}


def test_bureau_officer_handles_its_bodys_units(world, units):
    assert handled(world.bureau_officer, units) == {"stationed", "bureau"}


def test_body_scope_covers_the_body_it_was_merged_with(world, units):
    lead_officer = make_user("lead_officer")
    org.role_assign(
        actor=world.admin,
        user=lead_officer,
        role=Role.BUREAU_OFFICER,
        scope_kind=ScopeKind.BODY,
        scope=world.lead_a,
    )
    assert handled(lead_officer, units) == {"holder", "lead"}


def test_unit_scope_and_posts(world, units, post_factory):
    clerk = make_user("clerk")
    person = org.person_create(actor=world.admin, name="张科员", staff_number="S1", user=clerk)
    post_factory(units["bureau"], person=person)
    assert handled(clerk, units) == {"bureau"}
    former = make_user("former")
    person = org.person_create(actor=world.admin, name="钱离任", staff_number="S2", user=former)
    post_factory(units["holder"], person=person, start_on=date(2020, 1, 1), end_on=date(2021, 1, 1))
    assert handled(former, units) == set()
    unit_officer = make_user("unit_officer")
    org.role_assign(
        actor=world.admin,
        user=unit_officer,
        role=Role.ZONE_OFFICER,
        scope_kind=ScopeKind.UNIT,
        scope=units["zone_b"],
    )
    assert handled(unit_officer, units) == {"zone_b"}


def test_others_handle_nothing_and_administrators_everything(world, units):
    for user in (
        world.enterprise_user,
        world.other_enterprise_user,
        world.founder,
        world.nobody,
        world.leader,
        AnonymousUser(),
    ):
        assert handled_unit_ids(user) == set(), user
    assert handled_unit_ids(world.admin) == set(Unit.objects.values_list("pk", flat=True))


def test_applicant_side_and_can_handle(world, approvals):
    founders = apply_for(world)
    enterprises = apply_for(world, actor=world.enterprise_user, enterprise=world.enterprise.uscc)
    pending = enterprise_services.enterprise_signup(
        username="pending",
        password=PASSWORD,
        full_name="pending",
        phone="13800138003",
        uscc=world.enterprise.uscc,
        enterprise_name=world.enterprise.name,
        zone=world.zone_a,
    ).user
    assert is_applicant_side(world.founder, founders)
    assert not is_applicant_side(world.enterprise_user, founders)
    assert is_applicant_side(world.enterprise_user, enterprises)
    for outsider in (
        world.founder,
        world.other_enterprise_user,
        world.officer_a,
        pending,
        AnonymousUser(),
    ):
        assert not is_applicant_side(outsider, enterprises), outsider
    case = stage_case(enterprises)
    assert can_handle(world.officer_a, case)
    assert can_handle(world.admin, case)
    for outsider in (world.officer_b, world.bureau_officer, world.enterprise_user, pending):
        assert not can_handle(outsider, case)
    assert not can_handle(AnonymousUser(), case)
    visible = Application.objects.filter(application_filter_for(pending)).distinct()
    assert list(visible) == []


def test_application_filter_for_anonymous_sees_nothing(world, approvals):
    apply_for(world)
    assert not Application.objects.filter(application_filter_for(AnonymousUser())).exists()
    assert not Application.objects.filter(application_filter_for(None)).exists()
