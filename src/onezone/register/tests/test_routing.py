"""route(): precedence of zone scope and lists, validity dates, and the NoHolder error."""

from datetime import date

import pytest

from onezone.register.choices import DelegationMode, RegisterList
from onezone.register.routing import NoHolder, route, routes_for


def test_it_prefers_a_zone_specific_entry_over_an_all_zones_entry(world, covered):
    routing = route(covered.other, world.zone_a, date(2025, 6, 1))
    assert routing.holder_unit == covered.service_a
    assert routing.mode == DelegationMode.AUTHORISED_TRANSFER
    assert routing.deciding_unit == covered.promotion
    assert routing.list_name == RegisterList.DELEGATED_POWER


def test_it_falls_back_to_the_all_zones_entry(world, covered):
    routing = route(covered.other, world.zone_b, date(2025, 6, 1))
    assert routing.holder_unit == covered.promotion
    assert routing.mode == DelegationMode.RETAINED
    assert routing.deciding_unit is None
    assert routing.entry.zone is None


def test_it_follows_the_list_order(world, register, entry):
    entry(register.matter, register.hq, None, list_name=RegisterList.DUTY)
    entry(register.matter, register.promotion, None, list_name=RegisterList.MANAGEMENT_MATTER)
    assert route(register.matter, world.zone_a).list_name == RegisterList.MANAGEMENT_MATTER
    entry(register.matter, register.service_a, None, list_name=RegisterList.DELEGATED_POWER)
    assert route(register.matter, world.zone_a).holder_unit == register.service_a
    entry(register.matter, register.park_a, None)
    routing = route(register.matter, world.zone_a)
    assert routing.list_name == RegisterList.APPROVAL_ENFORCEMENT
    assert routing.holder_unit == register.park_a


def test_it_returns_the_commissioner_of_a_stationed_entry(world, covered):
    routing = route(covered.matter, world.zone_b, date(2025, 6, 1))
    assert routing.holder_unit == covered.park_b
    assert routing.commissioner == covered.commissioner_b


def test_it_raises_no_holder_naming_matter_zone_and_date(world, register):
    with pytest.raises(NoHolder) as raised:
        route(register.matter, world.zone_a, date(2025, 6, 1))
    message = str(raised.value)
    assert "GZ001" in message
    assert world.zone_a.name in message
    assert "2025-06-01" in message


def test_it_ignores_entries_outside_their_validity(world, register, entry):
    entry(register.matter, register.park_a, world.zone_a, valid_to=date(2025, 3, 31))
    assert route(register.matter, world.zone_a, date(2025, 3, 31)).holder_unit == register.park_a
    with pytest.raises(NoHolder):
        route(register.matter, world.zone_a, date(2025, 4, 1))
    with pytest.raises(NoHolder):
        route(register.matter, world.zone_a, date(2024, 12, 31))


def test_it_routes_many_matters_in_one_query(world, covered, django_assert_num_queries):
    matters = [covered.matter, covered.other]
    with django_assert_num_queries(1):
        routes = routes_for(matters, world.zone_b, date(2025, 6, 1))
    assert routes[covered.matter.pk].holder_unit == covered.park_b
    assert routes[covered.other.pk].holder_unit == covered.promotion
