"""The demo seeder builds the reform's structure, the enterprise files, who serves them and a
year of visits through the services, idempotently. Seeded at a small scale so it stays fast;
the full scale (`onezone seed --demo`) is checked through the plan's arithmetic."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F
from django.test import override_settings

from onezone.core.audit import audit_verify
from onezone.core.models import AuditEvent, SiteFlag
from onezone.demo import enterprise_data
from onezone.demo.enterprise_data import VISITS_FROM, VISITS_TO
from onezone.demo.seed import (
    DEMO_USERNAMES,
    DemoSeeder,
    organisation_code,
    service_plan,
    synthetic_uscc,
)
from onezone.enterprises.access import enterprise_filter_for
from onezone.enterprises.choices import DevelopmentStage, Provenance, ServiceRole, VisitMode
from onezone.enterprises.models import (
    Enterprise,
    EnterpriseFigure,
    ServiceAssignment,
    ServiceDesignation,
    Tag,
    Visit,
    VisitIssue,
)
from onezone.enterprises.tags import tags_load
from onezone.enterprises.uscc import uscc_clean
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Body, Person, Post, Unit, Zone
from onezone.org.selectors import is_cross_appointed, quota_use, zone_shares_by_zone

SCALE = 0.05
PASSWORD = "Seed-Test-Pass-2026"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("seed-media"))
    with django_db_blocker.unblock(), media:
        tags_load(Tag)  # a transactional test before this module may have flushed them
        first = DemoSeeder(password=PASSWORD, scale=SCALE).run()
        counts = _counts()
        second = DemoSeeder(password=PASSWORD, scale=SCALE).run()
        yield {"first": first.created, "second": second.created, "counts": counts}
        # Seeded outside a test transaction: empty the tables so later tests start clean, and
        # put back the reference data the migrations loaded.
        call_command("flush", interactive=False, verbosity=0)
        tags_load(Tag)


def _counts() -> dict:
    models = (
        Zone,
        Body,
        Unit,
        Person,
        Post,
        Enterprise,
        EnterpriseFigure,
        ServiceDesignation,
        ServiceAssignment,
        Visit,
        get_user_model(),
        AuditEvent,
    )
    return {model.__name__: model.objects.count() for model in models}


def _current(role: str):
    return ServiceAssignment.objects.filter(role=role, end_on__isnull=True)


@pytest.mark.django_db
def test_it_creates_nothing_the_second_time(seeded):
    assert _counts() == seeded["counts"]
    assert seeded["second"] == {}


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
    director = Post.objects.get(
        unit__body__name="成都芯谷管委会", unit__name="领导班子", title="主任"
    ).person
    assert is_cross_appointed(director)
    assert Post.objects.filter(
        person=director, unit__body__kind=BodyKind.LEAD, title="局长"
    ).exists()


def test_it_creates_the_demo_logins_and_marks_the_data_synthetic(seeded, db):
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert set(DEMO_USERNAMES) <= usernames
    assert SiteFlag.objects.filter(key="synthetic_demo_data").exists()
    assert not Person.objects.filter(is_synthetic=False).exists()
    planned = sum(zone["enterprises"] for zone in service_plan(SCALE).values())
    assert Enterprise.objects.count() == planned + 2
    assert not Enterprise.objects.filter(is_synthetic=False).exists()


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


# ---- enterprises, service and visits ---------------------------------------------------------


def test_it_plans_929_liaisons_and_133_chief_representatives_at_full_scale():
    full = service_plan(1)
    assert sum(zone["liaisons"] for zone in full.values()) == 929
    assert sum(zone["chief_representatives"] for zone in full.values()) == 133
    assert sum(zone["enterprises"] for zone in full.values()) == 2000
    assert service_plan(SCALE) == {
        "chip_valley": {"enterprises": 41, "liaisons": 19, "chief_representatives": 3},
        "aviation": {"enterprises": 39, "liaisons": 18, "chief_representatives": 3},
        "biomed": {"enterprises": 20, "liaisons": 9, "chief_representatives": 1},
    }


def test_it_reports_what_it_seeded(seeded):
    plan = service_plan(SCALE)
    created = seeded["first"]
    assert created["enterprises"] == sum(zone["enterprises"] for zone in plan.values()) + 2
    assert created["liaisons"] == sum(zone["liaisons"] for zone in plan.values())
    assert created["chief representatives"] == sum(
        zone["chief_representatives"] for zone in plan.values()
    )
    # The demands year records a few more visits of its own (issues that become demands).
    assert 0 < created["visits"] <= Visit.objects.count()


def test_it_designates_the_planned_number_of_each_role_in_each_zone(seeded, db):
    counts = Counter(ServiceDesignation.objects.values_list("zone__code", "role"))
    expected = {}
    for code, zone in service_plan(SCALE).items():
        expected[(code, ServiceRole.LIAISON)] = zone["liaisons"]
        expected[(code, ServiceRole.CHIEF_REPRESENTATIVE)] = zone["chief_representatives"]
    assert counts == expected


def test_it_designates_leaders_as_chief_representatives_and_staff_as_liaisons(seeded, db):
    designations = ServiceDesignation.objects.select_related("post__unit")
    chiefs = [d.post for d in designations if d.role == ServiceRole.CHIEF_REPRESENTATIVE]
    liaisons = [d.post for d in designations if d.role == ServiceRole.LIAISON]
    assert all(post.is_leader and post.end_on is None for post in chiefs)
    assert not any(post.is_leader for post in liaisons)
    people = [post.person_id for post in chiefs + liaisons]
    assert len(people) == len(set(people))
    service_kinds = {UnitKind.ENTERPRISE_SERVICE, UnitKind.PARK_SERVICE, UnitKind.PARK_ENFORCEMENT}
    in_service_units = sum(post.unit.kind in service_kinds for post in liaisons)
    assert in_service_units / len(liaisons) > Decimal("0.75")


def test_it_keeps_every_body_within_its_quota_without_override_reasons(seeded, db):
    for body in Body.objects.all():
        use = quota_use(body=body)
        assert use.used <= use.quota, body.name
    assert not Post.objects.exclude(quota_override_reason="").exists()


def test_it_gives_every_enterprise_a_liaison_and_every_key_enterprise_a_chief(seeded, db):
    liaisons = _current(ServiceRole.LIAISON)
    chiefs = _current(ServiceRole.CHIEF_REPRESENTATIVE)
    assert set(liaisons.values_list("enterprise_id", flat=True)) == set(
        Enterprise.objects.values_list("pk", flat=True)
    )
    key = set(Enterprise.objects.filter(tags__code="key").values_list("pk", flat=True))
    assert key
    assert set(chiefs.values_list("enterprise_id", flat=True)) == key
    # The server is designated for the enterprise's own zone.
    for assignment in liaisons.select_related("enterprise"):
        assert ServiceDesignation.objects.filter(
            post=assignment.post_id, role=ServiceRole.LIAISON, zone=assignment.enterprise.zone_id
        ).exists()


def test_it_generates_valid_codes_of_shuangliu_with_computed_check_characters(seeded, db):
    codes = list(Enterprise.objects.values_list("uscc", flat=True))
    assert all(uscc_clean(code) == code and code.startswith("91510116") for code in codes)
    generated = [synthetic_uscc(index) for index in range(2000)]
    assert len(set(generated)) == 2000
    assert all(code[8:17] == organisation_code(code[8:16]) for code in generated)


def test_it_computes_the_organisation_code_check_character():
    # The standard's own example, D2143569-X.
    assert organisation_code("D2143569") == "D2143569X"
    assert organisation_code("12345678") == "123456788"


def test_it_places_industries_in_their_zones(seeded, db):
    by_zone = {
        code: set(
            Enterprise.objects.filter(zone__code=code).values_list("industry_code", flat=True)
        )
        for code in enterprise_data.ZONE_PLAN
    }
    assert by_zone["chip_valley"] & {"6520", "3973", "3972"}
    assert by_zone["aviation"] & {"4343", "3744"} and by_zone["aviation"] & {"5821", "6020"}
    assert by_zone["biomed"] & {"2720", "2761", "7340", "3581"}
    assert not by_zone["biomed"] & {"4343", "6520"}


def test_it_records_three_years_of_figures_with_their_sources(seeded, db):
    established = Enterprise.objects.filter(registered_on__lt=date(2023, 1, 1))
    years = EnterpriseFigure.objects.filter(enterprise__in=established, name="revenue_10k_cny")
    per_enterprise = years.values("enterprise").annotate(n=Count("year"))
    assert {row["n"] for row in per_enterprise} == {3}
    assert per_enterprise.count() == established.count()
    sources = Counter(years.values_list("year", "source"))
    assert {source for (year, source) in sources if year == 2023} <= {
        Provenance.STATISTICS,
        Provenance.TAX,
    }
    assert sources[(2025, Provenance.SELF_DECLARED)] > 0
    assert sources[(2025, Provenance.STATISTICS)] + sources[(2025, Provenance.TAX)] > 0
    # The file shows the latest year's figures.
    enterprise = established.first()
    latest = EnterpriseFigure.objects.get(enterprise=enterprise, year=2025, name="employees")
    assert enterprise.employees == latest.value


def test_it_reaches_every_development_stage_and_size(seeded, db):
    stages = set(Enterprise.objects.values_list("development_stage", flat=True))
    assert stages == set(DevelopmentStage.values)
    assert Enterprise.objects.filter(size_class__isnull=False).count() > 0


def test_it_tags_some_enterprises(seeded, db):
    tagged = Counter(Enterprise.tags.through.objects.values_list("tag_id", flat=True))
    assert {"high_tech", "above_scale", "key"} <= set(tagged)
    assert tagged["key"] < Enterprise.objects.count() / 2


def test_it_gives_contacts_with_clearly_fictitious_phones(seeded, db):
    from onezone.enterprises.models import EnterpriseContact

    phones = EnterpriseContact.objects.values_list("phone", flat=True)
    assert phones and all(phone.startswith("139-0000-") for phone in phones)
    assert not Enterprise.objects.filter(contacts__isnull=True).exists()


def test_it_records_a_year_of_visits_by_those_who_serve(seeded, db):
    visits = Visit.objects.select_related("enterprise")
    in_window = visits.filter(visited_on__range=(VISITS_FROM, VISITS_TO))
    assert in_window.count() == visits.count()
    assert {visit.visited_on.month for visit in visits} == set(range(1, 13))
    assert set(visits.values_list("mode", flat=True)) == set(VisitMode.values)
    assert VisitIssue.objects.exists()
    with_next = visits.filter(next_visit_on__isnull=False).count()
    assert with_next / visits.count() > 0.8
    assert not visits.filter(next_visit_on__lte=F("visited_on")).exists()
    for visit in visits.order_by("pk")[:50]:
        primary = visit.enterprise.contacts.get(is_primary=True)
        assert visit.participants.startswith(primary.name)
    servers = set(ServiceAssignment.objects.values_list("enterprise_id", "post__person_id"))
    assert all((v.enterprise_id, v.visitor_id) in servers for v in visits)
    # Liaisons visit most of their enterprises every month or two.
    liaison_visits = Counter(
        visits.filter(visitor__posts__service_designations__role=ServiceRole.LIAISON).values_list(
            "enterprise_id", flat=True
        )
    )
    assert sum(count >= 5 for count in liaison_visits.values()) / Enterprise.objects.count() > 0.8


def test_it_links_the_liaison_and_chief_logins_to_people_who_serve(seeded, db):
    User = get_user_model()
    for username, role in (
        ("liaison", ServiceRole.LIAISON),
        ("chief_rep", ServiceRole.CHIEF_REPRESENTATIVE),
    ):
        user = User.objects.get(username=username)
        person = Person.objects.get(user=user)
        assert ServiceDesignation.objects.filter(
            post__person=person, role=role, zone__code="chip_valley"
        ).exists()
        portfolio = Enterprise.objects.filter(enterprise_filter_for(user)).distinct()
        assert portfolio.count() >= 1
        assert Visit.objects.filter(visitor=person, recorded_by=user).exists()
    liaison = User.objects.get(username="liaison")
    assert Enterprise.objects.filter(enterprise_filter_for(liaison)).distinct().count() == 6


def test_it_gives_the_enterprise_logins_full_files_and_servers(seeded, db):
    User = get_user_model()
    for username in ("enterprise", "enterprise2"):
        user = User.objects.get(username=username)
        enterprise = Enterprise.objects.get(memberships__user=user)
        spec = enterprise_data.DEMO_LOGIN_FILES[username]
        assert enterprise.industry_code == spec["industry_code"]
        assert enterprise.legal_representative == spec["legal_representative"]
        assert enterprise.size_class and enterprise.development_stage
        revenue = EnterpriseFigure.objects.filter(enterprise=enterprise, name="revenue_10k_cny")
        assert sorted(revenue.values_list("year", flat=True)) == [2023, 2024, 2025]
        declared = revenue.get(year=2025)
        assert declared.source == Provenance.SELF_DECLARED and declared.recorded_by == user
        assert _current(ServiceRole.LIAISON).filter(enterprise=enterprise).exists()
        assert _current(ServiceRole.CHIEF_REPRESENTATIVE).filter(enterprise=enterprise).exists()
    liaison = Person.objects.get(user__username="liaison")
    enterprise = Enterprise.objects.get(memberships__user__username="enterprise")
    assert _current(ServiceRole.LIAISON).get(enterprise=enterprise).post.person == liaison
