"""Who may see what of the organisation, and which zones a role assignment covers."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from onezone.conftest import make_user
from onezone.core.access import is_administrator, is_staff_member, role_names
from onezone.core.choices import Role, ScopeKind
from onezone.org import selectors
from onezone.org import services as org
from onezone.org.access import (
    OrgVisibility,
    org_visibility,
    zone_ids_for,
    zone_officer_zone_ids,
    zone_officers_of,
)
from onezone.org.choices import UnitKind

STAFF = ["admin", "leader", "officer_a", "officer_b", "bureau_officer"]
PUBLIC = ["enterprise_user", "other_enterprise_user", "founder", "nobody"]


@pytest.fixture
def person(world):
    return org.person_create(actor=world.admin, name="张三", staff_number="S1", phone="13800138000")


def assigned(world, role, scope_kind, scope=None):
    user = make_user(f"user_{scope_kind}_{getattr(scope, 'pk', 0)}_{role}")
    org.role_assign(actor=world.admin, user=user, role=role, scope_kind=scope_kind, scope=scope)
    return user


@pytest.mark.parametrize("persona", STAFF)
def test_it_shows_people_to_staff(world, person, persona):
    actor = getattr(world, persona)

    assert list(selectors.person_list(actor=actor)) == [person]
    assert selectors.person_get(actor=actor, pk=person.pk) == person


@pytest.mark.parametrize("persona", PUBLIC)
def test_it_hides_people_from_enterprises_and_founders(world, person, persona):
    actor = getattr(world, persona)

    assert list(selectors.person_list(actor=actor)) == []
    with pytest.raises(Http404):
        selectors.person_get(actor=actor, pk=person.pk)


def test_it_hides_people_from_anonymous_visitors(world, person):
    assert list(selectors.person_list(actor=AnonymousUser())) == []


def test_it_hides_the_structure_from_anonymous_visitors(world):
    with pytest.raises(Http404):
        selectors.zone_list(actor=AnonymousUser())
    with pytest.raises(Http404):
        selectors.body_get(actor=AnonymousUser(), pk=world.committee_a.pk)


@pytest.mark.parametrize(
    ("persona", "visibility"),
    [
        ("admin", OrgVisibility(True, True, True)),
        ("leader", OrgVisibility(True, True, False)),
        ("officer_a", OrgVisibility(True, True, False)),
        ("bureau_officer", OrgVisibility(True, True, False)),
        ("enterprise_user", OrgVisibility(True, False, False)),
        ("founder", OrgVisibility(True, False, False)),
        ("nobody", OrgVisibility(True, False, False)),
    ],
)
def test_it_grades_what_each_persona_sees(world, persona, visibility):
    assert org_visibility(getattr(world, persona)) == visibility


def test_it_sees_nothing_for_an_anonymous_or_deactivated_user(world):
    world.leader.is_active = False

    assert org_visibility(AnonymousUser()) == OrgVisibility(False, False, False)
    assert org_visibility(world.leader) == OrgVisibility(False, False, False)


@pytest.mark.parametrize(
    ("persona", "roles"),
    [
        ("admin", {"administrator"}),
        ("leader", {"leader"}),
        ("officer_a", {"zone_officer"}),
        ("bureau_officer", {"bureau_officer"}),
        ("enterprise_user", {"enterprise"}),
        ("founder", {"founder"}),
        ("nobody", set()),
    ],
)
def test_it_resolves_the_roles_of_each_persona(world, persona, roles):
    user = getattr(world, persona)

    assert role_names(user) == roles
    assert is_administrator(user) is (persona == "admin")
    assert is_staff_member(user) is (persona in STAFF)


def test_it_forgets_cached_roles_when_a_role_is_given(world):
    assert role_names(world.nobody) == set()

    org.role_assign(actor=world.admin, user=world.nobody, role=Role.LEADER, scope_kind="district")

    assert role_names(world.nobody) == {"leader"}


def test_it_covers_the_zone_of_a_zone_scope(world):
    assert zone_ids_for(world.officer_a) == {world.zone_a.pk}
    assert zone_ids_for(world.officer_b) == {world.zone_b.pk}


def test_it_covers_every_zone_for_a_district_scope_and_for_administrators(world):
    every = {world.zone_a.pk, world.zone_b.pk}

    assert zone_ids_for(world.leader) == every
    assert zone_ids_for(world.admin) == every


def test_it_covers_the_managed_zone_of_a_committee_or_its_merged_lead_bureau(world):
    committee_officer = assigned(world, Role.ZONE_OFFICER, ScopeKind.BODY, world.committee_a)
    lead_officer = assigned(world, Role.BUREAU_OFFICER, ScopeKind.BODY, world.lead_a)

    assert zone_ids_for(committee_officer) == {world.zone_a.pk}
    assert zone_ids_for(lead_officer) == {world.zone_a.pk}


def test_it_covers_no_zone_for_a_bureau_without_units_in_any_zone(world):
    assert zone_ids_for(world.bureau_officer) == set()


def test_it_covers_the_zones_a_bureaus_units_are_stationed_in_or_serve(world, unit_factory):
    unit_factory(world.functional, UnitKind.PARK_SERVICE, stationed_in=world.zone_b)
    unit_factory(world.functional, UnitKind.OTHER, front_line=False)
    assert zone_ids_for(world.bureau_officer) == {world.zone_b.pk}
    unit_factory(world.functional, UnitKind.INVESTMENT_PROMOTION, serves_zones=[world.zone_a])
    assert zone_ids_for(world.bureau_officer) == {world.zone_a.pk, world.zone_b.pk}


def test_it_covers_the_zone_a_unit_belongs_to_or_is_stationed_in(world, unit_factory):
    committee_unit = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE)
    lead_unit = unit_factory(world.lead_a, UnitKind.INVESTMENT_ATTRACTION)
    stationed = unit_factory(world.functional, UnitKind.PARK_SERVICE, stationed_in=world.zone_b)
    serving = unit_factory(
        world.sectoral, UnitKind.INVESTMENT_PROMOTION, serves_zones=[world.zone_a]
    )

    def zones_of(unit):
        return zone_ids_for(assigned(world, Role.ZONE_OFFICER, ScopeKind.UNIT, unit))

    assert zones_of(committee_unit) == {world.zone_a.pk}
    assert zones_of(lead_unit) == {world.zone_a.pk}
    assert zones_of(stationed) == {world.zone_b.pk}
    assert zones_of(serving) == {world.zone_a.pk}


def test_it_adds_up_the_zones_of_several_assignments(world):
    org.role_assign(
        actor=world.admin,
        user=world.officer_a,
        role=Role.LIAISON,
        scope_kind=ScopeKind.ZONE,
        scope=world.zone_b,
    )

    assert zone_ids_for(world.officer_a) == {world.zone_a.pk, world.zone_b.pk}
    assert zone_ids_for(world.officer_a, roles={Role.ZONE_OFFICER}) == {world.zone_a.pk}
    assert zone_officer_zone_ids(world.officer_a) == {world.zone_a.pk}


@pytest.mark.parametrize("persona", PUBLIC)
def test_it_covers_no_zone_for_the_public(world, persona):
    assert zone_ids_for(getattr(world, persona)) == set()


def test_it_limits_zone_officer_zones_to_the_zone_officer_role(world):
    assert zone_officer_zone_ids(world.leader) == set()
    assert zone_officer_zone_ids(world.officer_b) == {world.zone_b.pk}
    assert zone_officer_zone_ids(world.admin) == {world.zone_a.pk, world.zone_b.pk}


def test_it_finds_the_zone_officers_of_a_zone_however_their_role_is_scoped(world, unit_factory):
    committee_unit = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE)
    stationed = unit_factory(world.functional, UnitKind.PARK_SERVICE, stationed_in=world.zone_a)
    elsewhere = unit_factory(world.functional, UnitKind.PARK_ENFORCEMENT, stationed_in=world.zone_b)
    covering = [
        world.officer_a,
        assigned(world, Role.ZONE_OFFICER, ScopeKind.BODY, world.committee_a),
        assigned(world, Role.ZONE_OFFICER, ScopeKind.BODY, world.lead_a),
        assigned(world, Role.ZONE_OFFICER, ScopeKind.UNIT, committee_unit),
        assigned(world, Role.ZONE_OFFICER, ScopeKind.UNIT, stationed),
        assigned(world, Role.ZONE_OFFICER, ScopeKind.DISTRICT),
        # The functional bureau has a unit stationed in zone A, so its whole-body scope covers A.
        assigned(world, Role.ZONE_OFFICER, ScopeKind.BODY, world.functional),
    ]
    not_covering = [
        world.officer_b,
        assigned(world, Role.ZONE_OFFICER, ScopeKind.BODY, world.sectoral),
        assigned(world, Role.ZONE_OFFICER, ScopeKind.UNIT, elsewhere),
        assigned(world, Role.LIAISON, ScopeKind.ZONE, world.zone_a),
    ]
    inactive = assigned(world, Role.ZONE_OFFICER, ScopeKind.ZONE, world.zone_a)
    inactive.is_active = False
    inactive.save()

    officers = list(zone_officers_of(world.zone_a))

    assert officers == sorted(covering, key=lambda user: user.pk)
    for user in covering + not_covering:
        assert (world.zone_a.pk in zone_officer_zone_ids(user)) is (user in officers), user
