"""`onezone seed --demo` builds the reform's structure through the services, idempotently."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from onezone.core.audit import audit_verify
from onezone.core.models import AuditEvent, SiteFlag
from onezone.demo.seed import DEMO_USERNAMES
from onezone.enterprises.models import Enterprise
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Body, Person, Post, Unit, Zone
from onezone.org.selectors import is_cross_appointed, zone_shares_by_zone


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        first, second = StringIO(), StringIO()
        call_command("seed", "--demo", stdout=first)
        counts = _counts()
        call_command("seed", "--demo", stdout=second)
        yield {"first": first.getvalue(), "second": second.getvalue(), "counts": counts}
        # Seeded outside a test transaction: empty the tables so later tests start clean.
        call_command("flush", interactive=False, verbosity=0)


def _counts() -> dict:
    models = (Zone, Body, Unit, Person, Post, Enterprise, get_user_model(), AuditEvent)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_it_creates_nothing_the_second_time(seeded):
    assert _counts() == seeded["counts"]
    assert "nothing new" in seeded["second"]


@pytest.mark.django_db
def test_it_builds_the_three_zones_with_their_committees_and_merged_lead_bureaus(seeded):
    assert sorted(Zone.objects.values_list("code", flat=True)) == [
        "aviation",
        "biomed",
        "chip_valley",
    ]
    assert Body.objects.filter(kind=BodyKind.ZONE_COMMITTEE).count() == 3
    merged = dict(
        Body.objects.filter(kind=BodyKind.LEAD).values_list("name", "merged_with__zone__code")
    )
    assert merged == {"区发展和改革局": "chip_valley", "区航空经济局": "aviation"}


def test_it_stations_two_units_of_each_functional_bureau_in_every_zone(seeded, db):
    assert Body.objects.filter(kind=BodyKind.FUNCTIONAL).count() == 5
    for zone in Zone.objects.all():
        stationed = Unit.objects.filter(stationed_in=zone, body__kind=BodyKind.FUNCTIONAL)
        assert stationed.filter(kind=UnitKind.PARK_SERVICE).count() == 5
        assert stationed.filter(kind=UnitKind.PARK_ENFORCEMENT).count() == 5


def test_it_gives_fifteen_sectoral_bureaus_an_investment_promotion_section(seeded, db):
    sections = Unit.objects.filter(body__kind=BodyKind.SECTORAL, kind=UnitKind.INVESTMENT_PROMOTION)
    assert sections.count() == 15
    assert all(section.serves_zones.exists() for section in sections)


def test_it_results_in_a_front_line_share_of_at_least_75_percent_in_every_zone(seeded, db):
    shares = zone_shares_by_zone()
    assert len(shares) == 3
    for figures in shares.values():
        assert figures.front_line_share >= Decimal("0.75")
        assert figures.coordination_share < Decimal("0.25")


def test_it_cross_appoints_the_committee_director_to_the_lead_bureau(seeded, db):
    director = Post.objects.get(unit__body__name="成都芯谷管委会", title="主任").person
    assert is_cross_appointed(director)
    assert Post.objects.filter(
        person=director, unit__body__kind=BodyKind.LEAD, title="局长"
    ).exists()


def test_it_creates_the_demo_logins_and_marks_the_data_synthetic(seeded, db):
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert set(DEMO_USERNAMES) <= usernames
    assert SiteFlag.objects.filter(key="synthetic_demo_data").exists()
    assert not Person.objects.filter(is_synthetic=False).exists()
    assert Enterprise.objects.count() == 2


def test_it_leaves_an_intact_audit_chain(seeded, db):
    result = audit_verify()
    assert result.is_intact
    assert result.checked == AuditEvent.objects.count()


def test_it_gives_174_enterprise_related_service_matters_a_holder_in_every_zone(seeded, db):
    from onezone.core import clock
    from onezone.register.choices import MatterKind
    from onezone.register.lint import register_lint
    from onezone.register.models import Matter
    from onezone.register.routing import routes_for

    services = Matter.objects.filter(
        enterprise_related=True, kind__in=[MatterKind.APPROVAL, MatterKind.PUBLIC_SERVICE]
    )
    assert services.count() == 174
    for zone in Zone.objects.all():
        routes = routes_for(services, zone)
        assert all(routes.values()), zone.code
    assert register_lint(clock.today()).is_clean
