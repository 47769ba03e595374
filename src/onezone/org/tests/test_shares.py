"""Front-line and coordination shares of a zone's own team (the article's 64 % → 25 %)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from onezone.core import clock
from onezone.org import services as org
from onezone.org.choices import UnitKind
from onezone.org.selectors import ZoneShares, active_posts, zone_shares, zone_shares_by_zone

ON = date(2025, 6, 1)


@pytest.fixture
def staffed(world, unit_factory, post_factory):
    """Zone A's team, plus units that serve it or are stationed elsewhere (which don't count)."""

    def posts(unit, count, **extra):
        for _ in range(count):
            post_factory(unit, **extra)

    committee = world.committee_a
    posts(unit_factory(committee, UnitKind.GENERAL_OFFICE, front_line=False), 2)
    posts(unit_factory(committee, UnitKind.COORDINATION, front_line=False), 2)
    service = unit_factory(committee, UnitKind.ENTERPRISE_SERVICE, front_line=True)
    posts(service, 3)
    posts(service, 1, start_on=date(2024, 1, 1), end_on=date(2024, 12, 31))  # ended
    posts(service, 1, start_on=date(2025, 7, 1))  # not started yet on ON
    posts(unit_factory(world.lead_a, UnitKind.INVESTMENT_ATTRACTION, front_line=True), 2)
    park_service = unit_factory(
        world.functional, UnitKind.PARK_SERVICE, front_line=True, stationed_in=world.zone_a
    )
    posts(park_service, 2)
    serving = unit_factory(
        world.sectoral,
        UnitKind.INVESTMENT_PROMOTION,
        front_line=True,
        serves_zones=[world.zone_a],
    )
    posts(serving, 3)
    elsewhere = unit_factory(
        world.functional, UnitKind.PARK_ENFORCEMENT, front_line=True, stationed_in=world.zone_b
    )
    posts(elsewhere, 1)
    return world


def test_it_counts_the_posts_of_the_zones_own_team(staffed):
    shares = zone_shares(zone=staffed.zone_a, on=ON)

    assert shares == ZoneShares(posts=11, front_line_posts=7, coordination_posts=4)


def test_it_computes_the_shares_to_four_places(staffed):
    shares = zone_shares(zone=staffed.zone_a, on=ON)

    assert shares.front_line_share == Decimal("0.6364")
    assert shares.coordination_share == Decimal("0.3636")


def test_it_counts_a_stationed_unit_in_the_zone_it_is_stationed_in(staffed):
    shares = zone_shares(zone=staffed.zone_b, on=ON)

    assert shares == ZoneShares(posts=1, front_line_posts=1, coordination_posts=0)
    assert (shares.front_line_share, shares.coordination_share) == (
        Decimal("1.0000"),
        Decimal("0.0000"),
    )


def test_it_computes_every_zone_in_one_go(staffed, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_zone = zone_shares_by_zone(on=ON)

    assert by_zone == {
        staffed.zone_a.pk: ZoneShares(11, 7, 4),
        staffed.zone_b.pk: ZoneShares(1, 1, 0),
    }


def test_it_counts_the_later_post_once_it_started(staffed):
    assert zone_shares(zone=staffed.zone_a, on=date(2025, 7, 1)) == ZoneShares(12, 8, 4)


def test_it_counts_an_ended_post_on_a_day_it_was_held(staffed):
    assert zone_shares(zone=staffed.zone_a, on=date(2024, 6, 1)) == ZoneShares(1, 1, 0)


def test_it_stops_counting_a_post_after_it_ends(staffed):
    post = staffed.committee_a.units.get(kind=UnitKind.GENERAL_OFFICE).posts.first()

    org.post_end(actor=staffed.admin, post=post, end_on=date(2025, 5, 31))

    assert zone_shares(zone=staffed.zone_a, on=ON) == ZoneShares(10, 7, 3)


def test_it_gives_no_share_for_a_zone_without_posts(world):
    shares = zone_shares(zone=world.zone_b, on=ON)

    assert shares == ZoneShares(0, 0, 0)
    assert (shares.front_line_share, shares.coordination_share) == (None, None)


def test_it_takes_today_in_beijing_time_not_utc(world, unit_factory, post_factory):
    unit = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE)
    post_factory(unit, start_on=date(2025, 1, 1), end_on=date(2025, 6, 1))
    post_factory(unit, start_on=date(2025, 6, 2))
    early_morning_in_chengdu = datetime(2025, 6, 1, 23, 30, tzinfo=UTC)  # 07:30 on 2 June

    with clock.simulated_time(early_morning_in_chengdu):
        assert clock.today() == date(2025, 6, 2)
        assert zone_shares(zone=world.zone_a) == ZoneShares(1, 1, 0)
        assert active_posts().get().start_on == date(2025, 6, 2)
