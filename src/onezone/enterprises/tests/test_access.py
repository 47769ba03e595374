"""Which enterprises each persona sees, and who decides an account binding."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from onezone.conftest import PASSWORD, make_user
from onezone.core.choices import Role, ScopeKind
from onezone.enterprises import selectors
from onezone.enterprises import services as enterprises
from onezone.enterprises.access import can_decide_membership
from onezone.enterprises.models import Enterprise
from onezone.org import services as org

THIRD_USCC = "91510100MA6DGJ1A19"


@pytest.fixture
def third(world):
    """A second enterprise in zone A, confirmed by officer A."""
    membership = enterprises.enterprise_signup(
        username="third",
        password=PASSWORD,
        full_name="third",
        phone="13700137000",
        uscc=THIRD_USCC,
        enterprise_name="芯谷第三科技有限公司",
        zone=world.zone_a,
    )
    return enterprises.membership_confirm(actor=world.officer_a, membership=membership).enterprise


def visible(user) -> list[Enterprise]:
    return list(selectors.enterprise_list(actor=user).order_by("pk"))


def pending_signup(world, username="pending", uscc=THIRD_USCC):
    return enterprises.enterprise_signup(
        username=username,
        password=PASSWORD,
        full_name=username,
        phone="13700137000",
        uscc=uscc,
        enterprise_name="芯谷第三科技有限公司",
        zone=world.zone_a,
    )


def test_it_shows_an_enterprise_user_only_its_own_enterprise(world, third):
    assert visible(world.enterprise_user) == [world.enterprise]
    assert visible(world.other_enterprise_user) == [world.other_enterprise]


def test_it_hides_other_enterprises_from_an_enterprise_user(world, third):
    for pk in (world.other_enterprise.pk, third.pk):
        with pytest.raises(Http404):
            selectors.enterprise_get(actor=world.enterprise_user, pk=pk)

    assert selectors.enterprise_get(actor=world.enterprise_user, pk=world.enterprise.pk) == (
        world.enterprise
    )


def test_it_shows_a_zone_officer_the_enterprises_of_the_zone(world, third):
    assert visible(world.officer_a) == [world.enterprise, third]
    assert visible(world.officer_b) == [world.other_enterprise]
    with pytest.raises(Http404):
        selectors.enterprise_get(actor=world.officer_b, pk=world.enterprise.pk)


@pytest.mark.parametrize("persona", ["leader", "admin"])
def test_it_shows_district_wide_roles_every_enterprise(world, third, persona):
    assert visible(getattr(world, persona)) == [world.enterprise, world.other_enterprise, third]


def test_it_shows_a_hotline_operator_every_enterprise(world, third):
    operator = make_user("operator")
    org.role_assign(
        actor=world.admin, user=operator, role=Role.HOTLINE_OPERATOR, scope_kind=ScopeKind.DISTRICT
    )

    assert visible(operator) == [world.enterprise, world.other_enterprise, third]


def test_it_shows_a_liaison_only_the_enterprises_it_serves(
    world, third, post_factory, unit_factory
):
    """Not the other enterprises of its zone: the portfolio is the scope, not the zone."""
    from onezone.enterprises.tests.test_assignments import make_server

    liaison, post = make_server(
        world, post_factory, unit_factory(world.committee_a), username="liaison"
    )
    enterprises.assignment_set(
        actor=world.officer_a, enterprise=world.enterprise, role="liaison", post=post
    )

    assert visible(liaison) == [world.enterprise]
    with pytest.raises(Http404):
        selectors.enterprise_get(actor=liaison, pk=third.pk)
    with pytest.raises(Http404):
        selectors.enterprise_get(actor=liaison, pk=world.other_enterprise.pk)


def test_it_shows_a_liaison_nothing_before_an_assignment(world):
    liaison = make_user("liaison")
    org.role_assign(
        actor=world.admin,
        user=liaison,
        role=Role.LIAISON,
        scope_kind=ScopeKind.ZONE,
        scope=world.zone_b,
    )

    assert visible(liaison) == []


@pytest.mark.parametrize("persona", ["founder", "nobody", "bureau_officer"])
def test_it_shows_no_enterprise_to_users_without_a_binding_or_zone(world, persona):
    assert visible(getattr(world, persona)) == []


def test_it_shows_no_enterprise_to_anonymous_visitors(world):
    assert visible(AnonymousUser()) == []


def test_it_shows_nothing_to_an_unconfirmed_sign_up_even_of_a_known_enterprise(world):
    membership = pending_signup(world, uscc=world.enterprise.uscc)

    assert visible(membership.user) == []
    with pytest.raises(Http404):
        selectors.enterprise_get(actor=membership.user, pk=world.enterprise.pk)


def test_it_shows_nothing_after_a_rejected_binding(world):
    membership = pending_signup(world, uscc=world.enterprise.uscc)

    enterprises.membership_reject(actor=world.officer_a, membership=membership, note="不符")

    assert visible(membership.user) == []


def test_it_lists_an_enterprise_once_however_many_accounts_act_for_it(world):
    membership = pending_signup(world, uscc=world.enterprise.uscc)
    enterprises.membership_confirm(actor=world.officer_a, membership=membership)

    assert visible(world.officer_a) == [world.enterprise]
    assert selectors.enterprise_list(actor=world.officer_a).count() == 1


def test_it_lets_only_the_zones_officers_and_administrators_decide(world):
    zone_a = world.zone_a.pk

    assert can_decide_membership(world.officer_a, zone_a) is True
    assert can_decide_membership(world.admin, zone_a) is True
    for persona in ("officer_b", "leader", "bureau_officer", "enterprise_user", "nobody"):
        assert can_decide_membership(getattr(world, persona), zone_a) is False, persona


def test_it_lists_bindings_to_decide_for_the_officers_zone_only(world):
    membership = pending_signup(world)

    assert list(selectors.memberships_to_decide(actor=world.officer_a)) == [membership]
    assert list(selectors.memberships_to_decide(actor=world.officer_b)) == []
    assert list(selectors.memberships_to_decide(actor=world.leader)) == []
    assert selectors.membership_get_for_decision(actor=world.officer_a, pk=membership.pk) == (
        membership
    )
    with pytest.raises(Http404):
        selectors.membership_get_for_decision(actor=world.officer_b, pk=membership.pk)
