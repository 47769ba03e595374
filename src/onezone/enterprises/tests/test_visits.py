"""Visits: recording, issue handlers, portfolios and the monthly visit KPIs."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onezone.core import clock
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent
from onezone.enterprises import services
from onezone.enterprises.choices import ServiceRole, VisitMode
from onezone.enterprises.models import Visit, VisitIssue
from onezone.enterprises.selectors import service as service_selectors
from onezone.enterprises.tests.test_assignments import make_enterprise, make_server

LIAISON = ServiceRole.LIAISON
CHIEF = ServiceRole.CHIEF_REPRESENTATIVE
SHANGHAI = ZoneInfo("Asia/Shanghai")
handled: list = []


def remember_issue(*, actor, issue):
    """A visit-issue handler as the demands app will register one."""
    handled.append((actor.username, issue.text))
    services.visit_issue_link_demand(actor=actor, issue=issue, demand_reference=f"D-{issue.pk}")


@pytest.fixture
def liaison(world, post_factory, unit_factory):
    unit = unit_factory(world.committee_a, name="企业服务科")
    user, post = make_server(world, post_factory, unit, username="liaison")
    services.assignment_set(
        actor=world.officer_a, enterprise=world.enterprise, role=LIAISON, post=post
    )
    return user


def record(actor, enterprise, **extra):
    data = {"visited_on": clock.today(), "mode": VisitMode.ON_SITE, **extra}
    return services.visit_record(actor=actor, enterprise=enterprise, **data)


def test_it_records_a_visit_with_its_issues_and_an_audit_row(world, liaison):
    visit = record(
        liaison,
        world.enterprise,
        participants="张总",
        notes="了解用地需求",
        issues=["厂房用电增容", "  ", "人才公寓"],
        next_visit_on=date(2099, 1, 1),
    )

    assert visit.visitor == liaison.person
    assert visit.recorded_by == liaison
    assert list(visit.issues.values_list("text", flat=True)) == ["厂房用电增容", "人才公寓"]
    event = AuditEvent.objects.get(action="visit.record")
    assert event.object_id == str(visit.pk)
    assert event.after["issues"] == ["厂房用电增容", "人才公寓"]


def test_it_refuses_a_visit_in_the_future(world, liaison):
    with pytest.raises(ValidationError) as error:
        record(liaison, world.enterprise, visited_on=date(2099, 1, 1))

    assert error.value.error_dict["visited_on"][0].code == "future"
    assert not Visit.objects.exists()


def test_it_refuses_a_next_visit_before_the_visit(world, liaison):
    with pytest.raises(ValidationError) as error:
        record(liaison, world.enterprise, next_visit_on=date(2020, 1, 1))

    assert error.value.error_dict["next_visit_on"][0].code == "before_visit"
    assert not Visit.objects.exists()


def test_it_refuses_a_visit_outside_the_liaisons_portfolio(world, liaison):
    same_zone = make_enterprise(world, "芯谷另一企业")
    audit_before = AuditEvent.objects.count()

    for enterprise in (same_zone, world.other_enterprise):
        with pytest.raises(PermissionDenied):
            record(liaison, enterprise, issues=["问题"])

    assert not Visit.objects.exists()
    assert not VisitIssue.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_it_refuses_a_visit_by_an_enterprise_user(world):
    with pytest.raises(PermissionDenied):
        record(world.enterprise_user, world.enterprise)

    assert not Visit.objects.exists()


def test_it_hands_each_issue_to_the_configured_handlers(world, liaison, settings):
    settings.ONEZONE_VISIT_ISSUE_HANDLERS = [f"{__name__}.remember_issue"]
    handled.clear()

    visit = record(liaison, world.enterprise, issues=["融资需求", "招工难"])

    assert handled == [("liaison", "融资需求"), ("liaison", "招工难")]
    assert [(i.text, i.demand_reference) for i in visit.issues.all()] == [
        ("融资需求", f"D-{visit.issues.all()[0].pk}"),
        ("招工难", f"D-{visit.issues.all()[1].pk}"),
    ]


def test_it_links_an_issue_to_a_demand_only_once(world, liaison):
    issue = record(liaison, world.enterprise, issues=["融资需求"]).issues.get()

    services.visit_issue_link_demand(actor=world.admin, issue=issue, demand_reference="D-1")
    with pytest.raises(ConflictError):
        services.visit_issue_link_demand(actor=world.admin, issue=issue, demand_reference="D-2")

    issue.refresh_from_db()
    assert issue.demand_reference == "D-1"
    assert issue.linked_at is not None
    assert AuditEvent.objects.filter(action="visit_issue.link_demand").count() == 1


# ---- portfolio ------------------------------------------------------------------------


def test_it_lists_the_portfolio_with_last_and_next_visit(world, liaison):
    other = make_enterprise(world, "芯谷第二企业")
    services.assignment_set(
        actor=world.officer_a,
        enterprise=other,
        role=LIAISON,
        post=liaison.person.posts.get(),
    )
    record(liaison, world.enterprise, visited_on=date(2025, 5, 1), next_visit_on=date(2025, 6, 1))
    record(liaison, world.enterprise, next_visit_on=date(2099, 1, 1))

    rows = {e.pk: e for e in service_selectors.portfolio(actor=liaison)}

    assert set(rows) == {world.enterprise.pk, other.pk}
    visited = rows[world.enterprise.pk]
    assert (visited.last_visit_on, visited.next_visit_on, visited.is_visited) == (
        clock.today(),
        date(2099, 1, 1),
        True,
    )
    assert (rows[other.pk].last_visit_on, rows[other.pk].is_visited) == (None, False)
    assert visited.is_liaison and not visited.is_chief_representative
    unvisited = service_selectors.portfolio(actor=liaison, unvisited_only=True)
    assert [e.pk for e in unvisited] == [other.pk]
    summary = service_selectors.portfolio_summary(actor=liaison)
    assert (summary.served, summary.visited, summary.not_visited) == (2, 1, 1)


def test_it_gives_no_summary_to_someone_who_serves_nobody(world):
    for persona in ("officer_a", "leader", "enterprise_user", "nobody"):
        assert service_selectors.portfolio_summary(actor=getattr(world, persona)) is None


def test_it_gives_a_designated_liaison_without_enterprises_an_empty_summary(
    world, post_factory, unit_factory
):
    user, _ = make_server(world, post_factory, unit_factory(world.committee_a), username="new")

    summary = service_selectors.portfolio_summary(actor=user)

    assert (summary.served, summary.visited, summary.not_visited) == (0, 0, 0)


# ---- KPIs -----------------------------------------------------------------------------


def at(year, month, day):
    return clock.simulated_time(datetime(year, month, day, 10, tzinfo=SHANGHAI))


@pytest.fixture
def kpi_world(world, post_factory, unit_factory):
    """Zone A: L1 serves A1, A2 (A2 moves to L2 on 1 March), L2 serves A3 and E0; C1 is
    the chief representative of A1. Zone B: L3 serves B0 and B1. Visits: A1 twice and A3 in
    February, A2 in March, B0 on 31 January, B1 in March. Today is 15 March 2026."""
    unit_a = unit_factory(world.committee_a, name="企业服务科")
    unit_b = unit_factory(world.committee_b, name="企业服务科")
    with at(2026, 1, 1):
        l1 = make_server(world, post_factory, unit_a, username="l1")
        l2 = make_server(world, post_factory, unit_a, username="l2")
        l3 = make_server(world, post_factory, unit_b, username="l3", zone=world.zone_b)
        c1 = make_server(world, post_factory, unit_a, username="c1", role=CHIEF)
        a1, a2, a3 = (make_enterprise(world, f"A{n}") for n in (1, 2, 3))
        b1 = make_enterprise(world, "B1", zone=world.zone_b)
        plan = [
            (world.officer_a, a1, LIAISON, l1),
            (world.officer_a, a2, LIAISON, l1),
            (world.officer_a, a3, LIAISON, l2),
            (world.officer_a, world.enterprise, LIAISON, l2),
            (world.officer_a, a1, CHIEF, c1),
            (world.officer_b, world.other_enterprise, LIAISON, l3),
            (world.officer_b, b1, LIAISON, l3),
        ]
        for officer, enterprise, role, (_, post) in plan:
            services.assignment_set(actor=officer, enterprise=enterprise, role=role, post=post)
    with at(2026, 3, 1):
        services.assignment_set(actor=world.officer_a, enterprise=a2, role=LIAISON, post=l2[1])
    with at(2026, 3, 15):
        for user, enterprise, day in [
            (l1[0], a1, date(2026, 2, 10)),
            (l1[0], a1, date(2026, 2, 20)),
            (world.officer_a, a3, date(2026, 2, 5)),
            (l2[0], a2, date(2026, 3, 2)),
            (l3[0], world.other_enterprise, date(2026, 1, 31)),
            (l3[0], b1, date(2026, 3, 5)),
        ]:
            services.visit_record(
                actor=user,
                enterprise=enterprise,
                visited_on=day,
                mode=VisitMode.PHONE,
                visitor=l2[1].person if user == world.officer_a else None,
            )
    return {"l1": l1[1].person, "l2": l2[1].person, "l3": l3[1].person, "c1": c1[1].person}


def figures(rows) -> list[tuple]:
    return [(row.name, row.role, row.portfolio, row.visited, row.percent) for row in rows]


def test_it_counts_a_past_months_visits_on_its_last_day(world, kpi_world):
    with at(2026, 3, 15):
        kpis = service_selectors.visit_kpis(actor=world.leader, month=date(2026, 2, 1))

    names = {key: person.name for key, person in kpi_world.items()}
    assert kpis.reference_day == date(2026, 2, 28)
    assert figures(kpis.people) == [
        (names["c1"], CHIEF, 1, 1, 100.0),
        (names["l1"], LIAISON, 2, 1, 50.0),
        (names["l2"], LIAISON, 2, 1, 50.0),
        (names["l3"], LIAISON, 2, 0, 0.0),
    ]
    assert figures(kpis.zones) == [
        (world.zone_b.name, LIAISON, 2, 0, 0.0),
        (world.zone_a.name, LIAISON, 4, 2, 50.0),
    ]


def test_it_counts_the_running_month_on_today(world, kpi_world):
    with at(2026, 3, 15):
        kpis = service_selectors.visit_kpis(actor=world.admin, month=date(2026, 3, 1))

    names = {key: person.name for key, person in kpi_world.items()}
    assert kpis.reference_day == date(2026, 3, 15)
    assert figures(kpis.people) == [
        (names["c1"], CHIEF, 1, 0, 0.0),
        (names["l1"], LIAISON, 1, 0, 0.0),
        (names["l2"], LIAISON, 3, 1, 33.3),
        (names["l3"], LIAISON, 2, 1, 50.0),
    ]
    assert figures(kpis.zones) == [
        (world.zone_b.name, LIAISON, 2, 1, 50.0),
        (world.zone_a.name, LIAISON, 4, 1, 25.0),
    ]


def test_it_shows_a_zone_officer_only_the_figures_of_the_zone(world, kpi_world):
    with at(2026, 3, 15):
        kpis = service_selectors.visit_kpis(actor=world.officer_b, month=date(2026, 3, 1))
        nothing = service_selectors.visit_kpis(actor=world.enterprise_user, month=date(2026, 3, 1))

    assert [row.name for row in kpis.people] == [kpi_world["l3"].name]
    assert [row.name for row in kpis.zones] == [world.zone_b.name]
    assert (nothing.people, nothing.zones) == ([], [])


def test_it_lists_the_unvisited_enterprises_behind_the_figures(world, kpi_world):
    with at(2026, 3, 15):
        of_zone = service_selectors.unvisited_enterprises(
            actor=world.leader, month=date(2026, 3, 1), zone_id=world.zone_a.pk
        )
        of_l1 = service_selectors.unvisited_enterprises(
            actor=world.leader, month=date(2026, 2, 1), person_id=kpi_world["l1"].pk
        )
        names_of_zone = [e.name for e in of_zone]
        names_of_l1 = [e.name for e in of_l1]

    assert names_of_zone == ["A1", "A3", world.enterprise.name]
    assert names_of_l1 == ["A2"]


def test_it_computes_the_kpis_in_two_queries(world, kpi_world):
    with at(2026, 3, 15):
        service_selectors.visit_kpis(actor=world.leader, month=date(2026, 3, 1))
        with CaptureQueriesContext(connection) as queries:
            service_selectors.visit_kpis(actor=world.leader, month=date(2026, 3, 1))

    assert len(queries) == 2
