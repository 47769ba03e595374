"""Pages of the organisation app: what each persona sees, what only administrators change."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.conftest import PASSWORD, make_user
from onezone.core.choices import Role, ScopeKind
from onezone.core.models import AuditEvent
from onezone.org import services
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Body, Person, Post, RoleAssignment, Unit, Zone

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
HX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Team:
    office: Unit
    service: Unit
    park_service: Unit
    promotion: Unit
    person: Person
    shared_person: Person
    post: Post


@pytest.fixture
def team(world, unit_factory, post_factory) -> Team:
    """Zone A's team: 3 posts in the committee's general office, 1 in the lead bureau's
    front-line unit, 1 in a park service section stationed in the zone; plus 1 post in a
    sectoral bureau's investment promotion section serving the zone (not in the team)."""
    office = unit_factory(
        world.committee_a, UnitKind.GENERAL_OFFICE, name="综合办公室", front_line=False
    )
    service = unit_factory(world.lead_a, UnitKind.ENTERPRISE_SERVICE, name="企业服务科")
    park_service = unit_factory(
        world.functional, UnitKind.PARK_SERVICE, name="芯谷园区服务科", stationed_in=world.zone_a
    )
    promotion = unit_factory(
        world.sectoral,
        UnitKind.INVESTMENT_PROMOTION,
        name="投资促进科",
        serves_zones=[world.zone_a],
    )
    person = services.person_create(
        actor=world.admin, name="张三", staff_number="S00001", phone=PHONE, id_number=ID_NUMBER
    )
    post = post_factory(office, person=person, title="主任", is_leader=True)
    post_factory(office)
    post_factory(office)
    shared_person = services.person_create(actor=world.admin, name="李四", staff_number="S00002")
    post_factory(service, person=shared_person, title="科长")
    post_factory(park_service, person=shared_person, title="副科长")
    post_factory(promotion)
    return Team(office, service, park_service, promotion, person, shared_person, post)


def _get(client, user, name, *args, **extra):
    client.force_login(user)
    return client.get(reverse(f"org:{name}", args=args), **extra)


def _post(client, user, name, *args, data=None):
    client.force_login(user)
    return client.post(reverse(f"org:{name}", args=args), data or {})


def _field_errors(response, field: str) -> bool:
    return f'data-field="{field}"' in response.content.decode()


# ---- pages render ---------------------------------------------------------------------


def test_it_lists_zones_with_committee_lead_posts_and_shares(client, world, team):
    response = _get(client, world.admin, "zone_list")
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav_active"] == "zones"
    for text in ("成都芯谷", "成都芯谷管委会", "区发改局", "双流航空经济区", "40.0 %", "60.0 %"):
        assert text in content
    row = next(row for row in response.context["rows"] if row["zone"] == world.zone_a)
    assert (row["shares"].posts, row["shares"].front_line_posts) == (5, 2)


def test_it_searches_zones(client, world):
    response = _get(client, world.leader, "zone_list", data={"q": "aviation"})
    assert [row["zone"] for row in response.context["rows"]] == [world.zone_b]


def test_it_shows_the_zone_detail_with_shares_computed_from_posts(client, world, team):
    response = _get(client, world.admin, "zone_detail", world.zone_a.pk)
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav_active"] == "zones"
    assert "<h2" in content and "成都芯谷</h2>" in content
    assert 'id="zone-shares"' in content
    assert 'id="front-line-share">40.0 %' in content
    assert 'id="coordination-share">60.0 %' in content
    assert response.context["quota"].quota == 15
    assert response.context["quota"].used == 4
    units = response.context["units"]
    assert set(units["committee"]) == {team.office, team.service}
    assert list(units["stationed"]) == [team.park_service]
    assert list(units["serving"]) == [team.promotion]
    assert len(response.context["posts"]) == 5
    assert "张三" in content and "zone.create" in content


def test_it_shows_a_zone_without_people_or_history_to_an_enterprise(client, world, team):
    response = _get(client, world.enterprise_user, "zone_detail", world.zone_a.pk)
    content = response.content.decode()
    assert response.status_code == 200
    assert "芯谷园区服务科" in content
    assert "张三" not in content
    assert "zone.create" not in content


def test_it_answers_404_for_a_missing_zone(client, world):
    assert _get(client, world.admin, "zone_detail", 999999).status_code == 404


def test_it_lists_bodies_filtered_by_kind_and_zone(client, world, team):
    response = _get(client, world.admin, "body_list")
    assert response.status_code == 200
    assert response.context["nav_active"] == "bodies"
    assert "区规划和自然资源局" in response.content.decode()
    by_kind = _get(client, world.admin, "body_list", data={"kind": BodyKind.SECTORAL})
    assert list(by_kind.context["page_obj"]) == [world.sectoral]
    by_zone = _get(client, world.admin, "body_list", data={"zone": "aviation"})
    assert list(by_zone.context["page_obj"]) == [world.committee_b]
    junk = _get(client, world.admin, "body_list", data={"zone": "nowhere", "kind": "x"})
    assert junk.status_code == 200
    assert len(junk.context["page_obj"]) == Body.objects.count()


def test_it_shows_the_body_detail_with_units_quota_people_and_history(client, world, team):
    response = _get(client, world.admin, "body_detail", world.committee_a.pk)
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav_active"] == "bodies"
    quota = response.context["quota"]
    assert (quota.quota, quota.used, quota.remaining, quota.is_over) == (15, 4, 11, False)
    assert [(unit.name, unit.post_count) for unit in response.context["units"]] == [
        ("综合办公室", 3)
    ]
    assert "区发改局" in content  # the merged office partner
    assert "张三" in content
    assert "body.create" in content


def test_it_hides_body_history_from_staff_who_are_not_administrators(client, world, team):
    response = _get(client, world.leader, "body_detail", world.committee_a.pk)
    content = response.content.decode()
    assert response.status_code == 200
    assert "张三" in content
    assert "body.create" not in content
    assert response.context["show_history"] is False


def test_it_warns_when_a_body_is_over_its_quota(client, world, unit_factory, post_factory):
    body = services.body_create(
        actor=world.admin, name="区测试局", kind=BodyKind.FUNCTIONAL, headcount_quota=0
    )
    unit = unit_factory(body, UnitKind.OTHER, name="测试科")
    post_factory(unit, quota_override_reason="急需")
    response = _get(client, world.admin, "body_detail", body.pk)
    assert response.context["quota"].is_over
    assert 'id="quota-over"' in response.content.decode()


def test_it_lists_people_with_current_posts_and_a_cross_appointed_badge(client, world, team):
    response = _get(client, world.leader, "person_list")
    assert response.status_code == 200
    assert response.context["nav_active"] == "people"
    people = {person.name: person for person in response.context["page_obj"]}
    assert people["李四"].is_cross_appointed is True
    assert people["张三"].is_cross_appointed is False
    assert response.content.decode().count('class="badge bg-purple-lt cross-appointed"') == 1


def test_it_filters_people_by_body_and_zone(client, world, team):
    by_body = _get(client, world.admin, "person_list", data={"body": world.lead_a.pk})
    assert [person.name for person in by_body.context["page_obj"]] == ["李四"]
    by_zone = _get(client, world.admin, "person_list", data={"zone": "aviation"})
    assert list(by_zone.context["page_obj"]) == []
    by_search = _get(client, world.admin, "person_list", data={"q": "S00001"})
    assert [person.name for person in by_search.context["page_obj"]] == ["张三"]


def test_it_answers_404_on_the_people_list_to_an_enterprise_user(client, world, team):
    assert _get(client, world.enterprise_user, "person_list").status_code == 404
    assert _get(client, world.enterprise_user, "person_detail", team.person.pk).status_code == 404


def test_it_masks_the_phone_and_id_number_for_a_leader(client, world, team):
    response = _get(client, world.leader, "person_detail", team.person.pk)
    content = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in content
    assert PHONE not in content and ID_NUMBER not in content
    assert reverse("org:person_reveal", args=[team.person.pk]) not in content
    events = AuditEvent.objects.count()
    denied = _post(client, world.leader, "person_reveal", team.person.pk)
    assert denied.status_code == 403
    assert AuditEvent.objects.count() == events


def test_it_shows_personal_data_in_full_only_after_an_administrator_reveals_it(client, world, team):
    page = _get(client, world.admin, "person_detail", team.person.pk)
    assert PHONE not in page.content.decode()
    assert reverse("org:person_reveal", args=[team.person.pk]) in page.content.decode()
    response = _post(client, world.admin, "person_reveal", team.person.pk)
    content = response.content.decode()
    assert response.status_code == 200
    assert PHONE in content and ID_NUMBER in content
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "person.reveal_personal_data"
    assert (event.object_type, event.object_id, event.actor) == (
        "org.person",
        str(team.person.pk),
        world.admin,
    )


def test_it_lists_current_and_ended_posts_of_a_person(client, world, team):
    services.post_end(actor=world.admin, post=team.post, end_on=date(2025, 6, 30))
    services.post_create(
        actor=world.admin,
        person=team.person,
        unit=team.service,
        title="科员",
        start_on=date(2025, 7, 1),
    )
    response = _get(client, world.admin, "person_detail", team.person.pk)
    assert [post.title for post in response.context["posts"]] == ["科员", "主任"]
    assert "2025-06-30" in response.content.decode()


def test_it_lists_users_with_their_roles(client, world):
    response = _get(client, world.admin, "user_list")
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["nav_active"] == "users"
    assert "officer_a" in content and "成都芯谷" in content
    found = _get(client, world.admin, "user_list", data={"q": "officer_"})
    assert [user.username for user in found.context["page_obj"]] == ["officer_a", "officer_b"]


def test_it_shows_a_user_with_role_assignments(client, world):
    response = _get(client, world.admin, "user_detail", world.officer_a.pk)
    assert response.status_code == 200
    assert response.context["nav_active"] == "users"
    assignment = RoleAssignment.objects.get(user=world.officer_a)
    assert list(response.context["assignments"]) == [assignment]
    assert reverse("org:role_revoke", args=[world.officer_a.pk, assignment.pk]) in (
        response.content.decode()
    )


@pytest.mark.parametrize("name", ["user_list", "user_create"])
def test_it_answers_404_on_user_pages_to_non_administrators(client, world, name):
    assert _get(client, world.leader, name).status_code == 404


def test_it_renders_every_form_page_for_an_administrator(client, world, team):
    pages = [
        ("zone_create",),
        ("zone_update", world.zone_a.pk),
        ("body_create",),
        ("body_update", world.lead_a.pk),
        ("unit_create",),
        ("unit_update", team.office.pk),
        ("person_create",),
        ("person_update", team.person.pk),
        ("post_create", team.person.pk),
        ("user_create",),
    ]
    for name, *args in pages:
        response = _get(client, world.admin, name, *args)
        assert response.status_code == 200, name
        assert "<form" in response.content.decode()
        assert response.context["nav_active"]


def test_it_never_prefills_personal_data_on_the_person_edit_form(client, world, team):
    content = _get(client, world.admin, "person_update", team.person.pk).content.decode()
    assert PHONE not in content and ID_NUMBER not in content


def test_it_requires_login(client, world):
    response = client.get(reverse("org:zone_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# ---- htmx fragments -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zone_list", "body_list", "person_list", "user_list"])
def test_it_returns_only_the_results_fragment_to_htmx(client, world, team, name):
    full = _get(client, world.admin, name)
    fragment = _get(client, world.admin, name, **HX)
    assert "<html" in full.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert "<table" in fragment.content.decode()


# ---- administrator writes -------------------------------------------------------------


def test_it_creates_and_updates_a_zone(client, world):
    response = _post(
        client, world.admin, "zone_create", data={"code": "biomed", "name": "天府国际生物城"}
    )
    zone = Zone.objects.get(code="biomed")
    assert response.status_code == 302
    assert response["Location"] == reverse("org:zone_detail", args=[zone.pk])
    _post(
        client,
        world.admin,
        "zone_update",
        zone.pk,
        data={"code": "biomed", "name": "生物城", "industry_focus": "生物医药"},
    )
    zone.refresh_from_db()
    assert (zone.name, zone.industry_focus) == ("生物城", "生物医药")
    assert AuditEvent.objects.filter(object_type="org.zone", object_id=str(zone.pk)).count() == 2


def test_it_shows_a_duplicate_zone_code_as_a_field_error(client, world):
    response = _post(client, world.admin, "zone_create", data={"code": "aviation", "name": "新区"})
    assert response.status_code == 200
    assert _field_errors(response, "code")
    assert Zone.objects.count() == 2


def test_it_shows_a_body_rule_from_the_service_as_a_field_error(client, world):
    data = {"name": "新管委会", "kind": BodyKind.ZONE_COMMITTEE, "headcount_quota": 3}
    response = _post(client, world.admin, "body_create", data=data)
    assert response.status_code == 200
    assert _field_errors(response, "zone")
    assert not Body.objects.filter(name="新管委会").exists()


def test_it_creates_a_body_and_a_unit_serving_zones(client, world):
    response = _post(
        client,
        world.admin,
        "body_create",
        data={"name": "区商务局", "kind": BodyKind.SECTORAL, "headcount_quota": 8},
    )
    body = Body.objects.get(name="区商务局")
    assert response["Location"] == reverse("org:body_detail", args=[body.pk])
    response = _post(
        client,
        world.admin,
        "unit_create",
        data={
            "body": body.pk,
            "name": "投资促进科",
            "kind": UnitKind.INVESTMENT_PROMOTION,
            "serves_zones": [world.zone_a.pk, world.zone_b.pk],
            "front_line": "on",
        },
    )
    unit = Unit.objects.get(body=body)
    assert response["Location"] == reverse("org:body_detail", args=[body.pk])
    assert set(unit.serves_zones.all()) == {world.zone_a, world.zone_b}
    assert unit.front_line is True


def test_it_updates_a_unit_stationed_in_a_zone(client, world, team):
    data = {
        "body": world.functional.pk,
        "name": "芯谷园区服务科",
        "kind": UnitKind.PARK_SERVICE,
        "stationed_in": world.zone_b.pk,
        "front_line": "on",
    }
    response = _post(client, world.admin, "unit_update", team.park_service.pk, data=data)
    assert response.status_code == 302
    team.park_service.refresh_from_db()
    assert team.park_service.stationed_in == world.zone_b


def test_it_refuses_to_station_a_committee_unit(client, world, team):
    data = {
        "body": world.committee_a.pk,
        "name": "综合办公室",
        "kind": UnitKind.GENERAL_OFFICE,
        "stationed_in": world.zone_b.pk,
    }
    response = _post(client, world.admin, "unit_update", team.office.pk, data=data)
    assert _field_errors(response, "stationed_in")
    team.office.refresh_from_db()
    assert team.office.stationed_in is None


def test_it_creates_a_person_and_keeps_personal_data_left_empty_on_edit(client, world, team):
    response = _post(
        client,
        world.admin,
        "person_create",
        data={"name": "王五", "staff_number": "S00009", "phone": "13900001111"},
    )
    person = Person.objects.get(staff_number="S00009")
    assert response["Location"] == reverse("org:person_detail", args=[person.pk])
    _post(
        client,
        world.admin,
        "person_update",
        team.person.pk,
        data={"name": "张三丰", "staff_number": "S00001", "phone": "", "id_number": ""},
    )
    team.person.refresh_from_db()
    assert (team.person.name, team.person.phone, team.person.id_number) == (
        "张三丰",
        PHONE,
        ID_NUMBER,
    )


def test_it_shows_an_invalid_phone_as_a_field_error(client, world):
    data = {"name": "王五", "staff_number": "S00009", "phone": "12345"}
    response = _post(client, world.admin, "person_create", data=data)
    assert _field_errors(response, "phone")
    assert not Person.objects.filter(staff_number="S00009").exists()


def test_it_needs_a_reason_to_create_a_post_over_the_quota(client, world, unit_factory):
    body = services.body_create(
        actor=world.admin, name="区测试局", kind=BodyKind.FUNCTIONAL, headcount_quota=0
    )
    unit = unit_factory(body, UnitKind.OTHER, name="测试科")
    person = services.person_create(actor=world.admin, name="赵六", staff_number="S00010")
    data = {"unit": unit.pk, "title": "科员", "start_on": "2025-03-01"}
    response = _post(client, world.admin, "post_create", person.pk, data=data)
    assert response.status_code == 200
    assert _field_errors(response, "unit")
    assert not Post.objects.filter(person=person).exists()
    data["quota_override_reason"] = "专项任务借调"
    response = _post(client, world.admin, "post_create", person.pk, data=data)
    assert response.status_code == 302
    post = Post.objects.get(person=person)
    assert (post.unit, post.start_on, post.quota_override_reason) == (
        unit,
        date(2025, 3, 1),
        "专项任务借调",
    )


def test_it_ends_a_post(client, world, team):
    response = _post(client, world.admin, "post_end", team.post.pk, data={"end_on": "2025-12-31"})
    assert response.status_code == 302
    assert response["Location"] == reverse("org:person_detail", args=[team.person.pk])
    team.post.refresh_from_db()
    assert team.post.end_on == date(2025, 12, 31)


def test_it_reports_a_post_end_before_its_start_without_changing_it(client, world, team):
    response = _post(client, world.admin, "post_end", team.post.pk, data={"end_on": "2024-01-01"})
    assert response.status_code == 302
    team.post.refresh_from_db()
    assert team.post.end_on is None
    page = client.get(response["Location"])
    assert any(message.level_tag == "error" for message in page.context["messages"])


def test_it_creates_a_user_and_audits_the_phone_masked(client, world):
    data = {
        "username": "clerk",
        "full_name": "办事员",
        "phone": "13700001234",
        "email": "clerk@example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    response = _post(client, world.admin, "user_create", data=data)
    user = get_user_model().objects.get(username="clerk")
    assert response["Location"] == reverse("org:user_detail", args=[user.pk])
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.after["phone"] == "137****1234"
    assert event.actor == world.admin


def test_it_shows_a_weak_password_as_a_field_error(client, world):
    data = {
        "username": "clerk",
        "full_name": "办事员",
        "password": "12345678",
        "password_again": "12345678",
    }
    response = _post(client, world.admin, "user_create", data=data)
    assert response.status_code == 200
    assert _field_errors(response, "password")
    assert not get_user_model().objects.filter(username="clerk").exists()


def test_it_assigns_and_revokes_a_role(client, world):
    data = {"role": Role.ZONE_OFFICER, "scope_kind": ScopeKind.ZONE, "zone": world.zone_b.pk}
    response = _post(client, world.admin, "role_assign", world.nobody.pk, data=data)
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=world.nobody)
    assert (assignment.role, assignment.zone) == (Role.ZONE_OFFICER, world.zone_b)
    response = _post(client, world.admin, "role_revoke", world.nobody.pk, assignment.pk)
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=world.nobody).exists()


def test_it_shows_a_missing_scope_as_an_error_on_the_scope_select(client, world):
    data = {"role": Role.BUREAU_OFFICER, "scope_kind": ScopeKind.BODY}
    response = _post(client, world.admin, "role_assign", world.nobody.pk, data=data)
    assert response.status_code == 200
    assert _field_errors(response, "body")
    assert not RoleAssignment.objects.filter(user=world.nobody).exists()


def test_it_does_not_revoke_another_users_assignment_through_this_user(client, world):
    assignment = RoleAssignment.objects.get(user=world.officer_a)
    response = _post(client, world.admin, "role_revoke", world.nobody.pk, assignment.pk)
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_it_deactivates_and_reactivates_a_user(client, world):
    _post(client, world.admin, "user_set_active", world.nobody.pk, data={"is_active": "0"})
    world.nobody.refresh_from_db()
    assert world.nobody.is_active is False
    _post(client, world.admin, "user_set_active", world.nobody.pk, data={"is_active": "1"})
    world.nobody.refresh_from_db()
    assert world.nobody.is_active is True
    actions = AuditEvent.objects.filter(object_type="core.user", object_id=str(world.nobody.pk))
    assert list(actions.order_by("seq").values_list("action", flat=True)) == [
        "user.deactivate",
        "user.reactivate",
    ]


def test_it_refuses_to_deactivate_ones_own_account(client, world):
    response = _post(
        client, world.admin, "user_set_active", world.admin.pk, data={"is_active": "0"}
    )
    assert response.status_code == 302
    world.admin.refresh_from_db()
    assert world.admin.is_active is True


# ---- denied writes change nothing -----------------------------------------------------


def _state(world, team) -> dict:
    """Everything a denied write could have changed."""
    team.post.refresh_from_db()
    world.zone_a.refresh_from_db()
    world.lead_a.refresh_from_db()
    team.office.refresh_from_db()
    team.person.refresh_from_db()
    world.nobody.refresh_from_db()
    return {
        "audit": AuditEvent.objects.count(),
        "rows": [
            model.objects.count()
            for model in (Zone, Body, Unit, Person, Post, RoleAssignment, get_user_model())
        ],
        "zone": world.zone_a.name,
        "body": world.lead_a.headcount_quota,
        "unit": team.office.name,
        "person": team.person.name,
        "post": team.post.end_on,
        "active": world.nobody.is_active,
    }


def _denied_writes(world, team) -> list[tuple[str, list, dict]]:
    assignment = RoleAssignment.objects.get(user=world.officer_a)
    return [
        ("zone_create", [], {"code": "x", "name": "X"}),
        ("zone_update", [world.zone_a.pk], {"code": "chip_valley", "name": "改名"}),
        ("body_create", [], {"name": "X局", "kind": BodyKind.OTHER, "headcount_quota": 1}),
        (
            "body_update",
            [world.lead_a.pk],
            {"name": "区发改局", "kind": BodyKind.LEAD, "headcount_quota": 99},
        ),
        ("unit_create", [], {"body": world.sectoral.pk, "name": "X科", "kind": UnitKind.OTHER}),
        (
            "unit_update",
            [team.office.pk],
            {"body": world.committee_a.pk, "name": "改名", "kind": UnitKind.OTHER},
        ),
        ("person_create", [], {"name": "X", "staff_number": "X1"}),
        ("person_update", [team.person.pk], {"name": "改名", "staff_number": "S00001"}),
        (
            "post_create",
            [team.person.pk],
            {"unit": team.service.pk, "title": "X", "start_on": "2025-01-01"},
        ),
        ("post_end", [team.post.pk], {"end_on": "2025-12-31"}),
        ("person_reveal", [team.person.pk], {}),
        (
            "role_assign",
            [world.nobody.pk],
            {"role": Role.ADMINISTRATOR, "scope_kind": ScopeKind.DISTRICT},
        ),
        ("role_revoke", [world.officer_a.pk, assignment.pk], {}),
        (
            "user_create",
            [],
            {"username": "x", "full_name": "X", "password": PASSWORD, "password_again": PASSWORD},
        ),
        ("user_set_active", [world.nobody.pk], {"is_active": "0"}),
    ]


@pytest.mark.parametrize("persona", ["leader", "officer_a", "bureau_officer", "enterprise_user"])
def test_it_refuses_every_write_to_non_administrators_and_changes_nothing(
    client, world, team, persona
):
    user = getattr(world, persona)
    before = _state(world, team)
    for name, args, data in _denied_writes(world, team):
        response = _post(client, user, name, *args, data=data)
        assert response.status_code in (403, 404), name
    assert _state(world, team) == before


@pytest.mark.parametrize(
    "name,args",
    [
        ("zone_create", []),
        ("zone_update", ["zone_a"]),
        ("body_create", []),
        ("body_update", ["lead_a"]),
        ("unit_create", []),
        ("person_create", []),
        ("user_create", []),
        ("user_list", []),
        ("user_detail", ["nobody"]),
    ],
)
def test_it_answers_404_on_form_pages_to_non_administrators(client, world, name, args):
    pks = [getattr(world, arg).pk for arg in args]
    assert _get(client, world.leader, name, *pks).status_code == 404


# ---- query counts do not grow with rows -----------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _add_zones(world, count: int, start: int) -> None:
    for n in range(start, start + count):
        zone = services.zone_create(actor=world.admin, code=f"zone-{n}", name=f"功能区{n}")
        committee = services.body_create(
            actor=world.admin,
            name=f"功能区{n}管委会",
            kind=BodyKind.ZONE_COMMITTEE,
            zone=zone,
            headcount_quota=5,
        )
        services.body_create(
            actor=world.admin,
            name=f"主体局{n}",
            kind=BodyKind.LEAD,
            merged_with=committee,
            headcount_quota=5,
        )
        unit = services.unit_create(
            actor=world.admin, body=committee, name="综合办", kind=UnitKind.GENERAL_OFFICE
        )
        person = services.person_create(actor=world.admin, name=f"人{n}", staff_number=f"Z{n}")
        services.post_create(
            actor=world.admin, person=person, unit=unit, title="科员", start_on=date(2025, 1, 1)
        )


def _add_people(world, team, count: int, start: int) -> None:
    for n in range(start, start + count):
        person = services.person_create(actor=world.admin, name=f"人{n}", staff_number=f"P{n}")
        for unit in (team.service, team.park_service):
            services.post_create(
                actor=world.admin, person=person, unit=unit, title="科员", start_on=date(2025, 1, 1)
            )


def _add_users(world, count: int, start: int) -> None:
    for n in range(start, start + count):
        user = make_user(f"user{n}")
        services.role_assign(
            actor=world.admin,
            user=user,
            role=Role.BUREAU_OFFICER,
            scope_kind=ScopeKind.BODY,
            scope=world.functional,
        )
        services.role_assign(
            actor=world.admin,
            user=user,
            role=Role.ZONE_OFFICER,
            scope_kind=ScopeKind.ZONE,
            scope=world.zone_a,
        )


def test_it_keeps_the_zone_and_body_list_queries_constant(client, world):
    client.force_login(world.admin)
    _add_zones(world, 2, 0)
    zones_few = _queries(client, reverse("org:zone_list"))
    bodies_few = _queries(client, reverse("org:body_list"))
    _add_zones(world, 6, 2)
    assert _queries(client, reverse("org:zone_list")) == zones_few
    assert _queries(client, reverse("org:body_list")) == bodies_few


def test_it_keeps_the_person_list_queries_constant(client, world, team):
    client.force_login(world.leader)
    _add_people(world, team, 3, 0)
    few = _queries(client, reverse("org:person_list"))
    _add_people(world, team, 6, 3)
    assert _queries(client, reverse("org:person_list")) == few


def test_it_keeps_the_user_list_queries_constant(client, world):
    client.force_login(world.admin)
    _add_users(world, 2, 0)
    few = _queries(client, reverse("org:user_list"))
    _add_users(world, 6, 2)
    assert _queries(client, reverse("org:user_list")) == few
