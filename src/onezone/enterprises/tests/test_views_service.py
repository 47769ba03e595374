"""Pages of one-to-one service: portfolio, visits, overview, designations, assignment, KPIs."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.core import clock
from onezone.core.models import AuditEvent
from onezone.enterprises import services
from onezone.enterprises.choices import ServiceRole, VisitMode
from onezone.enterprises.models import ServiceAssignment, ServiceDesignation, Visit
from onezone.enterprises.tests.test_assignments import make_enterprise, make_server

LIAISON = ServiceRole.LIAISON


@pytest.fixture
def unit_a(world, unit_factory):
    return unit_factory(world.committee_a, name="企业服务科")


@pytest.fixture
def served(world, post_factory, unit_a):
    """A liaison of zone A serving the world's enterprise; returns (user, post)."""
    user, post = make_server(world, post_factory, unit_a, username="liaison")
    services.assignment_set(
        actor=world.officer_a, enterprise=world.enterprise, role=LIAISON, post=post
    )
    return user, post


def add_to_portfolio(world, post, count: int, prefix="企业"):
    enterprises = [make_enterprise(world, f"{prefix}{n}") for n in range(count)]
    for enterprise in enterprises:
        services.assignment_set(
            actor=world.officer_a, enterprise=enterprise, role=LIAISON, post=post
        )
    return enterprises


def visit(actor, enterprise, **extra):
    data = {"visited_on": clock.today(), "mode": VisitMode.ON_SITE, **extra}
    return services.visit_record(actor=actor, enterprise=enterprise, **data)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# ---- portfolio ------------------------------------------------------------------------


def test_it_shows_the_liaison_the_unvisited_part_of_the_portfolio_first(client, world, served):
    user, post = served
    [visited] = add_to_portfolio(world, post, 1, prefix="已走访")
    visit(user, visited)
    client.force_login(user)

    page = client.get(reverse("enterprises:portfolio")).content.decode()

    assert f'id="portfolio-{world.enterprise.pk}"' in page
    assert f'id="portfolio-{visited.pk}"' not in page
    assert reverse("enterprises:visit_create", args=[world.enterprise.pk]) in page
    everything = client.get(reverse("enterprises:portfolio") + "?unvisited=0").content.decode()
    assert f'id="portfolio-{visited.pk}"' in everything
    assert f'id="portfolio-{world.enterprise.pk}"' in everything
    assert world.other_enterprise.name not in everything


def test_it_tells_a_liaison_with_an_empty_portfolio_what_happens_next(
    client, world, post_factory, unit_a
):
    user, _ = make_server(world, post_factory, unit_a, username="newcomer")
    client.force_login(user)

    page = client.get(reverse("enterprises:portfolio") + "?unvisited=0").content.decode()

    assert 'id="portfolio-empty"' in page


@pytest.mark.parametrize("persona", ["officer_a", "enterprise_user", "nobody"])
def test_it_has_no_portfolio_page_for_those_who_serve_nobody(client, world, persona):
    client.force_login(getattr(world, persona))

    assert client.get(reverse("enterprises:portfolio")).status_code == 404


def test_it_lists_the_portfolio_in_constant_queries(client, world, served):
    user, post = served
    client.force_login(user)
    url = reverse("enterprises:portfolio") + "?unvisited=0"
    few = queries_for(client, url)

    for enterprise in add_to_portfolio(world, post, 6):
        visit(user, enterprise, visited_on=clock.today() - timedelta(days=40))

    assert queries_for(client, url) == few


def test_it_shows_the_portfolio_panel_on_the_home_page(client, world, served):
    user, _ = served
    client.force_login(user)

    page = client.get(reverse("home")).content.decode()

    assert 'id="service-panel"' in page
    assert 'data-figure="served">1<' in page
    assert 'data-figure="not-visited"' in page
    client.force_login(world.officer_a)
    assert 'id="service-panel"' not in client.get(reverse("home")).content.decode()


# ---- recording a visit ----------------------------------------------------------------


def test_it_records_a_visit_from_the_form(client, world, served):
    user, _ = served
    client.force_login(user)
    url = reverse("enterprises:visit_create", args=[world.enterprise.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "visited_on": clock.today().isoformat(),
            "mode": VisitMode.PHONE,
            "participants": "王经理",
            "notes": "回访",
            "issues": "用电增容\n\n  停车位不足 \n",
            "next_visit_on": (clock.today() + timedelta(days=30)).isoformat(),
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("enterprises:portfolio")
    saved = Visit.objects.get()
    assert (saved.mode, saved.visitor, saved.participants) == (
        VisitMode.PHONE,
        user.person,
        "王经理",
    )
    assert list(saved.issues.values_list("text", flat=True)) == ["用电增容", "停车位不足"]


def test_it_shows_field_errors_and_writes_nothing(client, world, served):
    user, _ = served
    client.force_login(user)
    url = reverse("enterprises:visit_create", args=[world.enterprise.pk])

    response = client.post(
        url,
        {
            "visited_on": (clock.today() + timedelta(days=1)).isoformat(),
            "mode": VisitMode.PHONE,
        },
    )
    bad_mode = client.post(url, {"visited_on": "not a date", "mode": "fax"})

    assert response.status_code == 200
    assert 'data-field="visited_on"' in response.content.decode()
    assert bad_mode.status_code == 200
    assert 'data-field="mode"' in bad_mode.content.decode()
    assert 'data-field="visited_on"' in bad_mode.content.decode()
    assert not Visit.objects.exists()


def test_it_hides_enterprises_outside_the_portfolio_and_forbids_readers(client, world, served):
    user, _ = served
    other_in_zone = make_enterprise(world, "芯谷另一企业")
    data = {"visited_on": clock.today().isoformat(), "mode": VisitMode.PHONE}

    client.force_login(user)
    for enterprise in (other_in_zone, world.other_enterprise):
        url = reverse("enterprises:visit_create", args=[enterprise.pk])
        assert client.post(url, data).status_code == 404
    client.force_login(world.leader)
    url = reverse("enterprises:visit_create", args=[world.enterprise.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403

    assert not Visit.objects.exists()


# ---- visit list -----------------------------------------------------------------------


def test_it_lists_the_visits_the_officer_may_see_with_filters(client, world, served):
    user, _ = served
    phone = visit(user, world.enterprise, mode=VisitMode.PHONE)
    on_site = visit(user, world.enterprise, visited_on=date(2025, 5, 6))
    client.force_login(world.officer_a)
    url = reverse("enterprises:visit_list")

    page = client.get(url).content.decode()
    by_mode = client.get(url + "?mode=phone").content.decode()
    by_month = client.get(url + "?month=2025-05").content.decode()
    fragment = client.get(url + "?mode=phone", headers={"HX-Request": "true"}).content.decode()

    assert f'id="visit-{phone.pk}"' in page and f'id="visit-{on_site.pk}"' in page
    assert f'id="visit-{phone.pk}"' in by_mode and f'id="visit-{on_site.pk}"' not in by_mode
    assert f'id="visit-{on_site.pk}"' in by_month and f'id="visit-{phone.pk}"' not in by_month
    assert f'id="visit-{phone.pk}"' in fragment and "<html" not in fragment
    client.force_login(world.officer_b)
    assert f'id="visit-{phone.pk}"' not in client.get(url).content.decode()


def test_it_shows_bad_filters_as_no_filter(client, world, served):
    user, _ = served
    saved = visit(user, world.enterprise)
    client.force_login(world.officer_a)

    response = client.get(reverse("enterprises:visit_list") + "?month=2025-13&mode=x")

    assert response.status_code == 200
    assert f'id="visit-{saved.pk}"' in response.content.decode()


@pytest.mark.parametrize("persona", ["enterprise_user", "founder", "nobody"])
def test_it_has_no_visit_list_for_the_public_side(client, world, persona):
    client.force_login(getattr(world, persona))

    assert client.get(reverse("enterprises:visit_list")).status_code == 404


def test_it_lists_visits_in_constant_queries(client, world, served):
    user, post = served
    visit(user, world.enterprise, issues=["问题一"])
    client.force_login(world.officer_a)
    url = reverse("enterprises:visit_list")
    few = queries_for(client, url)

    for enterprise in add_to_portfolio(world, post, 5):
        visit(user, enterprise, issues=["问题一", "问题二"])

    assert queries_for(client, url) == few


# ---- service overview, designations, balancing -----------------------------------------


def test_it_shows_each_zones_designations_with_their_load(client, world, served):
    _, post = served
    client.force_login(world.officer_a)

    page = client.get(reverse("enterprises:service_overview")).content.decode()

    designation = ServiceDesignation.objects.get(post=post)
    assert f'id="designation-{designation.pk}"' in page
    assert reverse("enterprises:designation_end", args=[designation.pk]) in page
    assert reverse("enterprises:auto_assign") in page
    assert 'id="zone-aviation"' not in page


def test_it_shows_the_overview_to_a_leader_without_actions(client, world, served):
    client.force_login(world.leader)

    page = client.get(reverse("enterprises:service_overview")).content.decode()

    assert 'id="zone-chip_valley"' in page and 'id="zone-aviation"' in page
    assert reverse("enterprises:auto_assign") not in page
    assert 'id="designation-create"' not in page


def test_it_balances_a_zone_from_the_overview(client, world, post_factory, unit_a):
    posts = [make_server(world, post_factory, unit_a, username=f"l{n}")[1] for n in (1, 2)]
    make_enterprise(world, "芯谷第二企业")
    make_enterprise(world, "芯谷第三企业")
    client.force_login(world.officer_a)

    response = client.post(
        reverse("enterprises:auto_assign"), {"zone": world.zone_a.pk, "role": LIAISON}
    )

    assert response.status_code == 302
    assert [ServiceAssignment.objects.filter(post=post).count() for post in posts] == [2, 1]


def test_it_refuses_balancing_to_readers_and_other_zones(client, world, post_factory, unit_a):
    make_server(world, post_factory, unit_a, username="l1")
    data = {"zone": world.zone_a.pk, "role": LIAISON}

    client.force_login(world.leader)
    assert client.post(reverse("enterprises:auto_assign"), data).status_code == 403
    client.force_login(world.officer_b)
    assert client.post(reverse("enterprises:auto_assign"), data).status_code == 404
    client.force_login(world.officer_a)
    assert client.get(reverse("enterprises:auto_assign")).status_code == 405

    assert not ServiceAssignment.objects.exists()


def test_it_designates_a_post_of_the_zone(client, world, post_factory, unit_a, unit_factory):
    post = post_factory(unit_a)
    elsewhere = post_factory(unit_factory(world.committee_b, name="企业服务科"))
    client.force_login(world.officer_a)
    url = reverse("enterprises:designation_create")
    form_page = client.get(url).content.decode()
    assert post.person.name in form_page and elsewhere.person.name not in form_page

    refused = client.post(url, {"zone": world.zone_a.pk, "role": LIAISON, "post": elsewhere.pk})
    response = client.post(url, {"zone": world.zone_a.pk, "role": LIAISON, "post": post.pk})

    assert refused.status_code == 200 and 'data-field="post"' in refused.content.decode()
    assert response.status_code == 302
    assert list(ServiceDesignation.objects.values_list("post", "role", "zone")) == [
        (post.pk, LIAISON, world.zone_a.pk)
    ]


@pytest.mark.parametrize("persona", ["leader", "enterprise_user"])
def test_it_has_no_designation_form_for_those_who_manage_no_zone(client, world, persona):
    client.force_login(getattr(world, persona))

    assert client.get(reverse("enterprises:designation_create")).status_code == 404


def test_it_ends_a_designation_and_reassigns(client, world, served, post_factory, unit_a):
    _, post = served
    _, other = make_server(world, post_factory, unit_a, username="other")
    designation = ServiceDesignation.objects.get(post=post)

    client.force_login(world.officer_b)
    url = reverse("enterprises:designation_end", args=[designation.pk])
    assert client.post(url).status_code == 404
    assert ServiceDesignation.objects.filter(pk=designation.pk).exists()
    client.force_login(world.officer_a)
    assert client.post(url).status_code == 302

    assert not ServiceDesignation.objects.filter(pk=designation.pk).exists()
    current = ServiceAssignment.objects.get(enterprise=world.enterprise, end_on__isnull=True)
    assert current.post == other


# ---- one enterprise's assignment --------------------------------------------------------


def test_it_sets_the_liaison_of_one_enterprise_and_shows_the_history(
    client, world, served, post_factory, unit_a
):
    _, first = served
    _, second = make_server(world, post_factory, unit_a, username="second")
    designation = ServiceDesignation.objects.get(post=second)
    url = reverse("enterprises:assignment_set", args=[world.enterprise.pk])
    client.force_login(world.officer_a)

    response = client.post(url, {"designation": designation.pk, "reason": "工作调整"})
    page = client.get(url).content.decode()

    assert response.status_code == 302
    history = ServiceAssignment.objects.filter(enterprise=world.enterprise).order_by("id")
    assert [(a.post, a.end_on is None) for a in history] == [(first, False), (second, True)]
    assert "工作调整" in page and first.person.name in page and second.person.name in page


def test_it_refuses_assignment_pages_to_readers_and_other_zones(client, world, served):
    _, post = served
    designation = ServiceDesignation.objects.get(post=post)
    url = reverse("enterprises:assignment_set", args=[world.enterprise.pk])
    audit_before = AuditEvent.objects.count()

    client.force_login(world.leader)
    assert client.post(url, {"designation": designation.pk}).status_code == 403
    client.force_login(world.officer_b)
    assert client.post(url, {"designation": designation.pk}).status_code == 404

    assert ServiceAssignment.objects.count() == 1
    assert AuditEvent.objects.count() == audit_before


def test_it_shows_the_same_holder_as_a_field_error(client, world, served):
    _, post = served
    client.force_login(world.officer_a)

    response = client.post(
        reverse("enterprises:assignment_set", args=[world.enterprise.pk]),
        {"designation": ServiceDesignation.objects.get(post=post).pk},
    )

    assert response.status_code == 200
    assert 'data-field="designation"' in response.content.decode()
    assert ServiceAssignment.objects.count() == 1


# ---- KPIs -----------------------------------------------------------------------------


def test_it_shows_the_months_visit_shares(client, world, served, post_factory, unit_a):
    user, post = served
    add_to_portfolio(world, post, 3)
    visit(user, world.enterprise)
    client.force_login(world.officer_a)
    month = clock.today().strftime("%Y-%m")

    page = client.get(reverse("enterprises:visit_kpis") + f"?month={month}").content.decode()
    unvisited = client.get(
        reverse("enterprises:visit_kpis") + f"?month={month}&zone={world.zone_a.pk}"
    ).content.decode()

    zone_row = page[page.index(f'id="kpi-zone-{world.zone_a.pk}"') :].split("</tr>")[0]
    assert ">4<" in zone_row and ">1<" in zone_row and "25.0%" in zone_row
    assert 'id="unvisited"' in unvisited
    assert f'id="unvisited-{world.enterprise.pk}"' not in unvisited
    assert unvisited.count('id="unvisited-') == 3


def test_it_shows_bad_months_as_this_month(client, world):
    client.force_login(world.leader)

    for value in ("2026-13", "abc", "9999-01"):
        response = client.get(reverse("enterprises:visit_kpis") + f"?month={value}")
        assert response.status_code == 200
        assert f'value="{clock.today().strftime("%Y-%m")}"' in response.content.decode()


@pytest.mark.parametrize("persona", ["enterprise_user", "nobody", "founder"])
def test_it_has_no_kpi_page_for_the_public_side(client, world, persona):
    client.force_login(getattr(world, persona))

    assert client.get(reverse("enterprises:visit_kpis")).status_code == 404
    assert client.get(reverse("enterprises:service_overview")).status_code == 404


def test_it_ignores_odd_numbers_in_parameters(client, world, served):
    client.force_login(world.officer_a)
    odd = ("²", "99999999999999999999999", "-1", "1.5")

    for value in odd:
        kpis = client.get(reverse("enterprises:visit_kpis") + f"?zone={value}&person={value}")
        visits = client.get(reverse("enterprises:visit_list") + f"?enterprise={value}")
        form = client.get(reverse("enterprises:designation_create") + f"?zone={value}")
        balance = client.post(reverse("enterprises:auto_assign"), {"zone": value})
        assert (kpis.status_code, visits.status_code, form.status_code) == (200, 200, 200)
        assert balance.status_code == 404

    assert ServiceAssignment.objects.count() == 1
