"""Coffee Time: sessions, invitations, sign-up (capacity, double sign-up), presence, issues
(demand or solved on the spot), the follow-up report, the Shuangliu schedule, and the pages."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.conftest import USCC_B
from onezone.core.clock import simulated_time
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent
from onezone.demands.choices import Channel, CoffeeIssueOutcome, CoffeeSessionState
from onezone.demands.models import CoffeeIssue, CoffeeParticipant, CoffeeSession, Demand
from onezone.demands.selectors.coffee import coffee_summary, portal_sessions
from onezone.demands.services import coffee as services
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
SESSION_DAY = date(2025, 3, 14)  # a Friday


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def government(demands_world, unit_factory, post_factory):
    """The district government's leadership: a district head and two deputies."""
    admin = demands_world.world.admin
    body = org.body_create(
        actor=admin, name="双流区人民政府（演示）", kind=BodyKind.OTHER, headcount_quota=10
    )
    unit = unit_factory(body, UnitKind.GENERAL_OFFICE, name="区政府领导", front_line=False)
    head = post_factory(unit, title="区长", is_leader=True)
    deputy_1 = post_factory(unit, title="副区长", is_leader=True)
    deputy_2 = post_factory(unit, title="副区长", is_leader=True)
    return {"head": head, "deputies": [deputy_1, deputy_2], "unit": unit}


@pytest.fixture
def session(demands_world, government):
    world = demands_world.world
    with simulated_time(at(date(2025, 3, 3))):
        return services.coffee_session_create(
            actor=world.leader,
            held_on=SESSION_DAY,
            host=government["deputies"][0].person,
            host_title="副区长",
            theme="芯谷企业咖啡时",
            zone=world.zone_a,
            departments=[world.functional, world.sectoral],
            capacity=2,
        )


def _audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# ---- sessions -----------------------------------------------------------------------------


def test_it_creates_a_session_with_an_audit_row(session, demands_world):
    assert session.state == CoffeeSessionState.PLANNED
    assert set(session.departments.values_list("name", flat=True)) == {
        "区规划和自然资源局",
        "区水务局",
    }
    event = AuditEvent.objects.get(action="coffee.session.create")
    assert event.object_id == str(session.pk) and event.after["theme"] == "芯谷企业咖啡时"


@pytest.mark.parametrize("name", ["officer_b", "bureau_officer", "enterprise_user", "nobody"])
def test_it_refuses_sessions_to_those_who_do_not_organise_the_zone(demands_world, government, name):
    world = demands_world.world
    with pytest.raises(PermissionDenied):
        services.coffee_session_create(
            actor=getattr(world, name),
            held_on=SESSION_DAY,
            host=government["head"].person,
            theme="x",
            zone=world.zone_a,
        )
    assert not CoffeeSession.objects.exists()
    assert _audits("coffee.session.create") == 0


def test_it_lets_a_zone_officer_run_a_session_of_their_zone(demands_world, government):
    world = demands_world.world
    session = services.coffee_session_create(
        actor=world.officer_a,
        held_on=SESSION_DAY,
        host=government["head"].person,
        theme="芯谷专场",
        zone=world.zone_a,
    )
    updated = services.coffee_session_update(
        actor=world.officer_a, session=session, theme="芯谷专场（改）", version=session.version
    )
    assert updated.theme == "芯谷专场（改）" and updated.version == 2
    with pytest.raises(PermissionDenied):
        services.coffee_session_update(actor=world.officer_b, session=session, theme="改")
    with pytest.raises(PermissionDenied):
        services.coffee_session_update(actor=world.officer_a, session=session, zone=world.zone_b)
    session.refresh_from_db()
    assert (session.theme, session.zone_id) == ("芯谷专场（改）", world.zone_a.pk)


def test_it_refuses_a_stale_edit_and_an_empty_theme(session, demands_world):
    leader = demands_world.world.leader
    with pytest.raises(ConflictError):
        services.coffee_session_update(actor=leader, session=session, theme="新", version=99)
    with pytest.raises(ValidationError) as error:
        services.coffee_session_update(actor=leader, session=session, theme="  ")
    assert "theme" in error.value.message_dict
    session.refresh_from_db()
    assert session.theme == "芯谷企业咖啡时" and session.version == 1


def test_it_cancels_a_planned_session_once(session, demands_world):
    leader = demands_world.world.leader
    with pytest.raises(ValidationError):
        services.coffee_session_cancel(actor=leader, session=session, reason="")
    services.coffee_session_cancel(actor=leader, session=session, reason="领导临时公务")
    session.refresh_from_db()
    assert session.state == CoffeeSessionState.CANCELLED
    with pytest.raises(ConflictError):
        services.coffee_session_cancel(actor=leader, session=session, reason="again")
    assert _audits("coffee.session.cancel") == 1


# ---- invitations and sign-up --------------------------------------------------------------


def test_it_invites_enterprises_once(session, demands_world):
    world = demands_world.world
    leader = world.leader
    assert (
        services.coffee_invite(actor=leader, session=session, enterprises=[world.enterprise]) == 1
    )
    assert (
        services.coffee_invite(actor=leader, session=session, enterprises=[world.enterprise]) == 0
    )
    assert session.participants.get().invited is True
    assert _audits("coffee.invite") == 1


def test_it_refuses_invitations_from_another_zone(session, demands_world):
    world = demands_world.world
    with pytest.raises(PermissionDenied):
        services.coffee_invite(
            actor=world.officer_b, session=session, enterprises=[world.other_enterprise]
        )
    assert not CoffeeParticipant.objects.exists()


def test_it_signs_an_enterprise_up_once(session, demands_world):
    world = demands_world.world
    with simulated_time(at(date(2025, 3, 5))):
        row = services.coffee_sign_up(
            actor=world.enterprise_user, session=session, enterprise=world.enterprise
        )
        assert row.signed_up_by == world.enterprise_user
        with pytest.raises(ConflictError):
            services.coffee_sign_up(
                actor=world.enterprise_user, session=session, enterprise=world.enterprise
            )
    assert session.participants.filter(signed_up_at__isnull=False).count() == 1
    assert _audits("coffee.sign_up") == 1


def test_it_keeps_other_enterprises_out_unless_invited(session, demands_world):
    world = demands_world.world
    with simulated_time(at(date(2025, 3, 5))):
        with pytest.raises(PermissionDenied):
            services.coffee_sign_up(
                actor=world.other_enterprise_user,
                session=session,
                enterprise=world.other_enterprise,
            )
        # Acting for an enterprise one is not a member of is refused as well.
        with pytest.raises(PermissionDenied):
            services.coffee_sign_up(
                actor=world.other_enterprise_user, session=session, enterprise=world.enterprise
            )
        assert not CoffeeParticipant.objects.exists()
        services.coffee_invite(
            actor=world.leader, session=session, enterprises=[world.other_enterprise]
        )
        services.coffee_sign_up(
            actor=world.other_enterprise_user, session=session, enterprise=world.other_enterprise
        )
    assert session.participants.get().signed_up_at is not None


def test_it_refuses_sign_up_when_the_session_is_full_or_past(session, demands_world):
    world = demands_world.world
    with simulated_time(at(date(2025, 3, 5))):
        session.capacity = 1
        session.save(update_fields=["capacity"])
        services.coffee_invite(
            actor=world.leader, session=session, enterprises=[world.other_enterprise]
        )
        services.coffee_sign_up(
            actor=world.other_enterprise_user, session=session, enterprise=world.other_enterprise
        )
        with pytest.raises(ConflictError):
            services.coffee_sign_up(
                actor=world.enterprise_user, session=session, enterprise=world.enterprise
            )
    with simulated_time(at(date(2025, 3, 17))), pytest.raises(ConflictError):
        services.coffee_sign_up(
            actor=world.enterprise_user, session=session, enterprise=world.enterprise
        )
    assert session.participants.filter(signed_up_at__isnull=False).count() == 1


def test_it_shows_open_sessions_in_the_portal(session, demands_world):
    world = demands_world.world
    with simulated_time(at(date(2025, 3, 5))):
        assert list(portal_sessions(actor=world.enterprise_user)) == [session]
        assert list(portal_sessions(actor=world.other_enterprise_user)) == []
        assert list(portal_sessions(actor=world.officer_a)) == []
    with simulated_time(at(date(2025, 3, 15))):
        assert list(portal_sessions(actor=world.enterprise_user)) == []


# ---- the day of the session ---------------------------------------------------------------


@pytest.fixture
def held(session, demands_world):
    world = demands_world.world
    with simulated_time(at(date(2025, 3, 5))):
        services.coffee_invite(actor=world.leader, session=session, enterprises=[world.enterprise])
        services.coffee_sign_up(
            actor=world.enterprise_user, session=session, enterprise=world.enterprise
        )
    with simulated_time(at(SESSION_DAY)):
        services.coffee_presence_mark(
            actor=world.leader, session=session, present=[world.enterprise.pk]
        )
    session.refresh_from_db()
    return session


def test_it_refuses_presence_before_the_day(session, demands_world):
    world = demands_world.world
    services.coffee_invite(actor=world.leader, session=session, enterprises=[world.enterprise])
    with simulated_time(at(date(2025, 3, 13))), pytest.raises(ConflictError):
        services.coffee_presence_mark(
            actor=world.leader, session=session, present=[world.enterprise.pk]
        )
    assert not session.participants.filter(present=True).exists()


def test_it_marks_presence_and_holds_the_session(held, demands_world):
    world = demands_world.world
    assert held.state == CoffeeSessionState.HELD
    assert held.participants.get(enterprise=world.enterprise).present is True
    with simulated_time(at(SESSION_DAY)), pytest.raises(ValidationError):
        services.coffee_presence_mark(
            actor=world.leader, session=held, present=[world.other_enterprise.pk]
        )


def test_it_opens_a_demand_for_an_issue_raised(held, demands_world):
    world = demands_world.world
    with simulated_time(at(SESSION_DAY, 11)):
        issue = services.coffee_issue_record(
            actor=world.leader,
            session=held,
            text="园区东路供水压力不足，影响生产线。",
            outcome=CoffeeIssueOutcome.DEMAND,
            enterprise=world.enterprise,
            category="water_supply",
        )
    demand = issue.demand
    assert demand.channel == Channel.COFFEE_TIME
    assert demand.coffee_session_id == held.pk
    assert demand.enterprise_id == world.enterprise.pk and demand.zone_id == world.zone_a.pk
    assert demand.category_id == "water_supply" and demand.state == "accepted"
    assert _audits("coffee.issue") == 1 and _audits("demand.create") == 1


def test_it_records_an_issue_solved_on_the_spot(held, demands_world):
    world = demands_world.world
    with simulated_time(at(SESSION_DAY, 11)):
        with pytest.raises(ValidationError) as error:
            services.coffee_issue_record(
                actor=world.leader,
                session=held,
                text="发票领用流程咨询",
                outcome=CoffeeIssueOutcome.SOLVED_ON_SPOT,
            )
        assert "solution" in error.value.message_dict
        issue = services.coffee_issue_record(
            actor=world.leader,
            session=held,
            text="发票领用流程咨询",
            outcome=CoffeeIssueOutcome.SOLVED_ON_SPOT,
            solution="税务部门现场讲解并演示线上申领。",
        )
    assert issue.demand is None and issue.solution.startswith("税务部门")
    assert not Demand.objects.exists()


def test_it_refuses_issues_from_others_and_before_the_day(session, held, demands_world):
    world = demands_world.world
    with simulated_time(at(SESSION_DAY, 11)), pytest.raises(PermissionDenied):
        services.coffee_issue_record(
            actor=world.officer_b,
            session=held,
            text="x",
            outcome=CoffeeIssueOutcome.DEMAND,
            category="water_supply",
        )
    with simulated_time(at(date(2025, 3, 13))), pytest.raises(ConflictError):
        services.coffee_issue_record(
            actor=world.leader,
            session=held,
            text="x",
            outcome=CoffeeIssueOutcome.SOLVED_ON_SPOT,
            solution="y",
        )
    assert not CoffeeIssue.objects.exists() and not Demand.objects.exists()


def test_it_writes_the_follow_up_report_with_a_generated_summary(held, demands_world):
    world = demands_world.world
    with simulated_time(at(SESSION_DAY, 11)):
        services.coffee_issue_record(
            actor=world.leader,
            session=held,
            text="供水压力不足",
            outcome=CoffeeIssueOutcome.DEMAND,
            enterprise=world.enterprise,
            category="water_supply",
        )
        services.coffee_issue_record(
            actor=world.leader,
            session=held,
            text="发票咨询",
            outcome=CoffeeIssueOutcome.SOLVED_ON_SPOT,
            solution="现场解答",
        )
        services.coffee_report(actor=world.leader, session=held, text="共收集问题2个。")
    held.refresh_from_db()
    assert held.state == CoffeeSessionState.REPORTED and held.reported_at is not None
    summary = coffee_summary(held)
    assert (summary.invited, summary.signed_up, summary.present) == (1, 1, 1)
    assert (summary.issues, summary.solved_on_spot, len(summary.demands)) == (2, 1, 1)
    assert summary.demand_states == {str(Demand.objects.get().get_state_display()): 1}


def test_it_refuses_a_report_before_the_session_is_held(session, demands_world):
    with pytest.raises(ConflictError):
        services.coffee_report(actor=demands_world.world.leader, session=session, text="x")
    session.refresh_from_db()
    assert session.follow_up_report == "" and session.state == CoffeeSessionState.PLANNED


# ---- the Shuangliu schedule ---------------------------------------------------------------

# 26 Sep 2025 is the last Friday of September; 3 Oct is a National Day holiday; 31 Oct is
# the last Friday of October.
AUTUMN = {"start": date(2025, 9, 22), "end": date(2025, 10, 31)}


def test_it_plans_every_working_friday_with_the_district_head_last(demands_world, government):
    with simulated_time(at(date(2025, 9, 1))):
        created = services.coffee_schedule_generate(actor=demands_world.world.leader, **AUTUMN)
    days = [(s.held_on, s.host_title) for s in created]
    assert [day for day, _title in days] == [
        date(2025, 9, 26),
        date(2025, 10, 10),
        date(2025, 10, 17),
        date(2025, 10, 24),
        date(2025, 10, 31),
    ]
    head = government["head"].person
    assert [s.host for s in created if s.held_on in (date(2025, 9, 26), date(2025, 10, 31))] == [
        head,
        head,
    ]
    deputies = [s.host for s in created if s.host_title == "副区长"]
    assert len(deputies) == 3 and deputies[0] == deputies[2] != deputies[1]
    assert _audits("coffee.session.generate") == 5


def test_it_generates_idempotently(demands_world, government):
    leader = demands_world.world.leader
    first = services.coffee_schedule_generate(actor=leader, **AUTUMN)
    assert services.coffee_schedule_generate(actor=leader, **AUTUMN) == []
    assert CoffeeSession.objects.count() == len(first) == 5


def test_it_names_the_host_when_no_leader_post_exists(demands_world):
    with pytest.raises(ValidationError) as error:
        services.coffee_schedule_generate(actor=demands_world.world.leader, **AUTUMN)
    assert "host" in error.value.message_dict
    assert not CoffeeSession.objects.exists()


@pytest.mark.parametrize("name", ["officer_a", "hotline", "enterprise_user"])
def test_it_lets_only_leaders_and_administrators_plan(demands_world, government, name):
    user = getattr(demands_world, name, None) or getattr(demands_world.world, name)
    with pytest.raises(PermissionDenied):
        services.coffee_schedule_generate(actor=user, **AUTUMN)
    assert not CoffeeSession.objects.exists()


# ---- pages --------------------------------------------------------------------------------


def _client(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["enterprise_user", "founder", "nobody"])
def test_it_hides_the_staff_pages_from_the_public(client, session, demands_world, name):
    user_client = _client(client, getattr(demands_world.world, name))
    assert user_client.get(reverse("demands:coffee_list")).status_code == 404
    assert user_client.get(reverse("demands:coffee_detail", args=[session.pk])).status_code == 404
    response = user_client.post(reverse("demands:coffee_report", args=[session.pk]), {"text": "x"})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.follow_up_report == ""


def test_it_lists_sessions_with_constant_queries(client, demands_world, government):
    leader = demands_world.world.leader
    user_client = _client(client, leader)

    def add(n: int) -> None:
        for index in range(n):
            session = services.coffee_session_create(
                actor=leader,
                held_on=date(2025, 4, 1 + CoffeeSession.objects.count()),
                host=government["head"].person,
                theme=f"专场 {index}",
            )
            services.coffee_invite(
                actor=leader, session=session, enterprises=[demands_world.world.enterprise]
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = user_client.get(reverse("demands:coffee_list"))
            assert response.status_code == 200
        return len(queries)

    add(2)
    few = count()
    add(6)
    assert count() == few
    page = user_client.get(reverse("demands:coffee_list"), {"zone": ""}).content.decode()
    assert page.count('id="coffee-session-') == 8


def test_it_creates_a_session_from_the_form(client, demands_world, government):
    world = demands_world.world
    response = _client(client, world.leader).post(
        reverse("demands:coffee_create"),
        {
            "held_on": "2025-04-04",
            "host": government["head"].person.pk,
            "host_title": "区长",
            "theme": "四月企业咖啡时",
            "zone": world.zone_a.pk,
            "departments": [world.functional.pk],
            "capacity": 15,
        },
    )
    session = CoffeeSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("demands:coffee_detail", args=[session.pk])
    assert (session.theme, session.capacity, session.zone_id) == (
        "四月企业咖啡时",
        15,
        world.zone_a.pk,
    )


def test_it_refuses_the_form_to_a_bureau_officer(client, demands_world, government):
    response = _client(client, demands_world.world.bureau_officer).post(
        reverse("demands:coffee_create"),
        {"held_on": "2025-04-04", "host": government["head"].person.pk, "theme": "x"},
    )
    assert response.status_code == 403
    assert not CoffeeSession.objects.exists()


def test_it_records_presence_and_an_issue_on_the_session_page(client, held, demands_world):
    world = demands_world.world
    user_client = _client(client, world.leader)
    with simulated_time(at(SESSION_DAY, 11)):
        response = user_client.post(
            reverse("demands:coffee_issue", args=[held.pk]),
            {
                "text": "厂区周边道路破损",
                "enterprise": world.enterprise.pk,
                "outcome": CoffeeIssueOutcome.DEMAND,
                "category": "water_supply",
                "priority": "ordinary",
            },
        )
    assert response.status_code == 302
    issue = CoffeeIssue.objects.get()
    assert issue.demand.channel == Channel.COFFEE_TIME
    page = user_client.get(reverse("demands:coffee_detail", args=[held.pk])).content.decode()
    assert issue.demand.reference in page and 'id="summary-demands">1<' in page


def test_it_shows_an_issue_error_on_the_page(client, held, demands_world):
    with simulated_time(at(SESSION_DAY, 11)):
        response = _client(client, demands_world.world.leader).post(
            reverse("demands:coffee_issue", args=[held.pk]),
            {"text": "问题", "outcome": CoffeeIssueOutcome.DEMAND, "priority": "ordinary"},
        )
    assert response.status_code == 400
    assert "category" in response.context["issue_form"].errors
    assert not CoffeeIssue.objects.exists()


def test_it_signs_up_from_the_portal(client, session, demands_world):
    world = demands_world.world
    user_client = _client(client, world.enterprise_user)
    with simulated_time(at(date(2025, 3, 5))):
        page = user_client.get(reverse("demands:coffee_portal"))
        assert page.status_code == 200
        assert f'id="portal-session-{session.pk}"' in page.content.decode()
        response = user_client.post(
            reverse("demands:coffee_sign_up", args=[session.pk]),
            {"enterprise": world.enterprise.pk},
        )
        assert response.status_code == 302
        again = user_client.post(
            reverse("demands:coffee_sign_up", args=[session.pk]),
            {"enterprise": world.enterprise.pk},
            follow=True,
        )
    assert "已报名" in again.content.decode() or "already" in again.content.decode()
    assert session.participants.filter(signed_up_at__isnull=False).count() == 1


def test_it_hides_a_zone_session_from_another_zones_enterprise(client, session, demands_world):
    world = demands_world.world
    user_client = _client(client, world.other_enterprise_user)
    with simulated_time(at(date(2025, 3, 5))):
        response = user_client.post(
            reverse("demands:coffee_sign_up", args=[session.pk]),
            {"enterprise": world.other_enterprise.pk},
        )
    assert response.status_code == 404
    assert not CoffeeParticipant.objects.exists()
    assert world.other_enterprise.uscc == USCC_B


def test_it_previews_and_then_creates_the_schedule(client, demands_world, government):
    user_client = _client(client, demands_world.world.leader)
    form = {"start": "2025-09-22", "end": "2025-10-31", "zone": ""}
    preview = user_client.get(reverse("demands:coffee_schedule"), form)
    assert len(preview.context["preview"]) == 5
    assert not CoffeeSession.objects.exists()
    done = user_client.post(reverse("demands:coffee_schedule"), {**form, "confirm": "1"})
    assert len(done.context["created"]) == 5
    assert CoffeeSession.objects.count() == 5


def test_it_shows_the_missing_host_on_the_schedule_page(client, demands_world):
    response = _client(client, demands_world.world.admin).post(
        reverse("demands:coffee_schedule"),
        {"start": "2025-09-22", "end": "2025-10-31", "confirm": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not CoffeeSession.objects.exists()


def test_it_shows_a_month_as_a_calendar(client, session, demands_world):
    user_client = _client(client, demands_world.world.officer_b)
    response = user_client.get(reverse("demands:coffee_calendar"), {"month": "2025-03"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-session="{session.pk}"' in page
    cells = [cell for week in response.context["weeks"] for cell in week if cell]
    assert len(cells) == 31
    friday = next(cell for cell in cells if cell["day"] == SESSION_DAY)
    assert friday["sessions"] == [session]
    april = user_client.get(reverse("demands:coffee_calendar"), {"month": "2025-04"})
    assert f'data-session="{session.pk}"' not in april.content.decode()
    bad = user_client.get(reverse("demands:coffee_calendar"), {"month": "March"})
    assert bad.status_code == 200


def test_it_hides_the_calendar_from_enterprises(client, session, demands_world):
    response = _client(client, demands_world.world.enterprise_user).get(
        reverse("demands:coffee_calendar")
    )
    assert response.status_code == 404
