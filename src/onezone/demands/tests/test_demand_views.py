"""Pages of demands: the list, one demand with its actions, marks, the online submission."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.core import clock
from onezone.demands.choices import Channel, DemandState, Priority
from onezone.demands.models import Demand, DemandAttachment, DemandCallback, DemandEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST = reverse("demands:demand_list")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=SHANGHAI)


def login(client, user):
    client.force_login(user)
    return client


def detail_url(demand) -> str:
    return reverse("demands:demand_detail", args=[demand.pk])


def act_url(demand) -> str:
    return reverse("demands:demand_act", args=[demand.pk])


def act(client, demand, action, **data):
    demand.refresh_from_db()
    return client.post(act_url(demand), {"action": action, "version": demand.version, **data})


def action_ids(response) -> set[str]:
    return {action["value"] for action in response.context["actions"]}


# ---- the list ------------------------------------------------------------------------------


def test_it_lists_demands_with_a_traffic_light_per_row(client, demands_world, demand_factory):
    with clock.simulated_time(at(3)):
        late = demand_factory(priority=Priority.EMERGENCY, title="紧急停水")
        fresh = demand_factory(priority=Priority.ORDINARY, title="水压偏低")
    login(client, demands_world.hotline)
    with clock.simulated_time(at(3, 12)):
        response = client.get(LIST)
    assert response.status_code == 200
    rows = {row["demand"].pk: row for row in response.context["rows"]}
    assert rows[late.pk]["light"] == "red" and rows[late.pk]["is_overdue"] is True
    assert rows[fresh.pk]["light"] == "green" and rows[fresh.pk]["is_overdue"] is False
    page = response.content.decode()
    assert f'id="demand-{late.pk}"' in page and 'data-light="red"' in page


def test_it_keeps_the_list_query_count_constant(client, demands_world, demand_factory):
    login(client, demands_world.hotline)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for _ in range(2):
        demand_factory()
    few = count_queries()
    for _ in range(4):
        demand_factory(enterprise=None, zone=demands_world.world.zone_b, category="general")
    assert Demand.objects.count() == 6
    assert count_queries() == few


def test_it_filters_the_list(client, demands_world, demand_factory, demand_driver):
    water = demand_factory(title="停水")
    legacy = demand_factory(category="land_use", is_legacy=True, title="历史遗留用地")
    demand_driver.to(water, DemandState.IN_PROGRESS)
    login(client, demands_world.hotline)
    by_state = client.get(LIST, {"state": DemandState.IN_PROGRESS})
    assert [row["demand"].pk for row in by_state.context["rows"]] == [water.pk]
    by_legacy = client.get(LIST, {"is_legacy": "on"})
    assert [row["demand"].pk for row in by_legacy.context["rows"]] == [legacy.pk]
    by_text = client.get(LIST, {"q": "历史遗留"}, headers={"HX-Request": "true"})
    assert [row["demand"].pk for row in by_text.context["rows"]] == [legacy.pk]
    assert "<html" not in by_text.content.decode()  # the htmx fragment only


def test_it_shows_officers_only_their_scope(client, demands_world, demand_factory):
    world = demands_world.world
    demand_zone_a = demand_factory()
    demand_zone_b = demand_factory(enterprise=world.other_enterprise, category="general")
    login(client, world.officer_b)
    shown = {row["demand"].pk for row in client.get(LIST).context["rows"]}
    assert demand_zone_b.pk in shown and demand_zone_a.pk not in shown


def test_it_shows_enterprise_users_their_own_demands(client, demands_world, demand_factory):
    world = demands_world.world
    ours = demand_factory()
    demand_factory(enterprise=world.other_enterprise, category="general")
    login(client, world.enterprise_user)
    response = client.get(LIST)
    assert response.context["is_public_side"] is True
    assert [row["demand"].pk for row in response.context["rows"]] == [ours.pk]
    assert "zone" not in response.context["filter_form"].fields
    assert reverse("demands:demand_submit") in response.content.decode()


# ---- one demand ----------------------------------------------------------------------------


def test_it_hides_a_demand_from_another_zone_and_enterprise(client, demands_world, demand_factory):
    world = demands_world.world
    demand = demand_factory()
    for user in (world.officer_b, world.other_enterprise_user):
        login(client, user)
        assert client.get(detail_url(demand)).status_code == 404
        before = DemandEvent.objects.count()
        assert act(client, demand, "dispatch").status_code == 404
        demand.refresh_from_db()
        assert demand.state == DemandState.ACCEPTED
        assert DemandEvent.objects.count() == before


def test_it_masks_the_phone_for_those_who_may_not_read_it(
    client, demands_world, demand_factory, demand_driver
):
    demand = demand_driver.to(demand_factory(), DemandState.DISPATCHED)
    login(client, demands_world.hotline)
    assert client.get(detail_url(demand)).context["caller_phone"] == "13800138000"
    # The lead unit's officer calls the enterprise (see test_phone_privacy); a leader does not.
    login(client, demands_world.world.leader)
    response = client.get(detail_url(demand))
    assert response.context["caller_phone"] == "138****8000"
    assert "13800138000" not in response.content.decode()


def test_it_offers_only_the_actions_the_state_and_user_allow(client, demands_world, demand_factory):
    demand = demand_factory()
    login(client, demands_world.hotline)
    assert action_ids(client.get(detail_url(demand))) == {
        "dispatch",
        "answer_directly",
        "supervise",
        "urge",
    }
    login(client, demands_world.water_officer)  # not dispatched to the water unit yet
    assert client.get(detail_url(demand)).status_code == 404
    login(client, demands_world.world.leader)
    assert action_ids(client.get(detail_url(demand))) == {"supervise", "urge"}
    login(client, demands_world.world.enterprise_user)
    assert action_ids(client.get(detail_url(demand))) == set()


def test_it_preselects_the_suggested_unit_and_dispatches_to_it(
    client, demands_world, demand_factory
):
    demand = demand_factory()
    assert demand.suggested_unit == demands_world.water_unit
    login(client, demands_world.hotline)
    response = client.get(detail_url(demand))
    dispatch = next(a for a in response.context["actions"] if a["value"] == "dispatch")
    assert dispatch["form"]["lead_unit"].value() == demands_world.water_unit.pk
    assert 'id="id_dispatch_lead_unit"' in response.content.decode()
    response = act(
        client,
        demand,
        "dispatch",
        lead_unit=demands_world.water_unit.pk,
        co_units=[demands_world.planning_unit.pk],
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.state == DemandState.DISPATCHED
    assert demand.lead_unit == demands_world.water_unit
    assert list(demand.co_units.all()) == [demands_world.planning_unit]
    login(client, demands_world.water_officer)
    assert action_ids(client.get(detail_url(demand))) == {"sign", "request_return"}


def test_it_answers_a_double_submit_with_the_conflict(
    client, demands_world, demand_factory, demand_driver
):
    demand = demand_driver.to(demand_factory(), DemandState.DISPATCHED)
    login(client, demands_world.water_officer)
    version = demand.version
    first = client.post(act_url(demand), {"action": "sign", "version": version}, follow=True)
    assert [message.level_tag for message in first.context["messages"]] == ["success"]
    events = DemandEvent.objects.filter(demand=demand).count()
    second = client.post(act_url(demand), {"action": "sign", "version": version}, follow=True)
    assert second.status_code == 200
    assert [message.level_tag for message in second.context["messages"]] == ["error"]
    demand.refresh_from_db()
    assert demand.state == DemandState.IN_PROGRESS
    assert demand.version == version + 1
    assert DemandEvent.objects.filter(demand=demand).count() == events


def test_it_shows_a_missing_reason_on_the_action_form(
    client, demands_world, demand_factory, demand_driver
):
    demand = demand_driver.to(demand_factory(), DemandState.IN_PROGRESS)
    login(client, demands_world.water_officer)
    response = act(client, demand, "request_extension", working_days="3", reason="")
    assert response.status_code == 422
    extension = next(a for a in response.context["actions"] if a["value"] == "request_extension")
    assert extension["form"].errors
    assert 'data-field="reason"' in response.content.decode()
    demand.refresh_from_db()
    assert demand.state == DemandState.IN_PROGRESS


def test_it_refuses_an_action_the_user_may_not_take(client, demands_world, demand_factory):
    demand = demand_factory()
    login(client, demands_world.world.enterprise_user)
    before = DemandEvent.objects.filter(demand=demand).count()
    assert act(client, demand, "answer_directly", content="已答复").status_code == 403
    demand.refresh_from_db()
    assert demand.state == DemandState.ACCEPTED
    assert DemandEvent.objects.filter(demand=demand).count() == before


def test_it_records_a_callback_from_the_form(client, demands_world, demand_factory, demand_driver):
    demand = demand_driver.to(demand_factory(), DemandState.REVIEWED)
    login(client, demands_world.hotline)
    response = act(
        client,
        demand,
        "callback",
        valid="on",
        contacted="on",
        satisfaction="basically_satisfied",
        note="企业基本满意",
    )
    assert response.status_code == 302
    callback = DemandCallback.objects.get(demand=demand)
    assert (callback.valid, callback.contacted, callback.resolved) == (True, True, False)
    assert callback.satisfaction == "basically_satisfied"
    assert callback.unit_at_fault is False
    page = client.get(detail_url(demand)).content.decode()
    assert "企业基本满意" in page and 'id="action-close"' in page


def test_it_marks_a_demand_invalid_and_refuses_others(client, demands_world, demand_factory):
    demand = demand_factory()
    url = reverse("demands:demand_mark_invalid", args=[demand.pk])
    login(client, demands_world.world.enterprise_user)
    assert client.post(url, {"reason": "骚扰电话"}).status_code == 403
    demand.refresh_from_db()
    assert demand.is_invalid is False
    login(client, demands_world.hotline)
    assert client.post(url, {"reason": "骚扰电话"}).status_code == 302
    demand.refresh_from_db()
    assert demand.is_invalid is True and demand.invalid_reason == "骚扰电话"
    page = client.get(detail_url(demand)).content.decode()
    assert 'id="flag-invalid"' in page


def test_it_marks_a_duplicate_by_reference(client, demands_world, demand_factory):
    original = demand_factory()
    repeat = demand_factory()
    login(client, demands_world.hotline)
    url = reverse("demands:demand_mark_duplicate", args=[repeat.pk])
    assert client.post(url, {"original": "SQ00000000-99999"}).status_code == 302
    repeat.refresh_from_db()
    assert repeat.duplicate_of is None
    assert client.post(url, {"original": original.reference.lower()}).status_code == 302
    repeat.refresh_from_db()
    assert repeat.duplicate_of == original
    page = client.get(detail_url(repeat)).content.decode()
    assert original.reference in page and 'id="flag-duplicate"' in page


def test_it_shows_the_timeline_and_flags(client, demands_world, demand_factory):
    demand = demand_factory(is_legacy=True)
    login(client, demands_world.world.leader)
    for action in ("supervise", "urge", "urge"):
        assert act(client, demand, action, reason="请加快办理").status_code == 302
    response = client.get(detail_url(demand))
    flags = response.context["flags"]
    assert (flags["is_supervised"], flags["urge_count"], flags["is_legacy"]) == (True, 2, True)
    actions = [row["event"].action for row in response.context["timeline"]]
    assert actions == ["accept", "supervise", "urge", "urge"]
    page = response.content.decode()
    assert 'id="flag-urged"' in page and "×2" in page


# ---- the online submission -----------------------------------------------------------------


def test_it_takes_an_enterprise_users_demand_with_a_file(client, demands_world):
    world = demands_world.world
    login(client, world.enterprise_user)
    response = client.post(
        reverse("demands:demand_submit"),
        {
            "enterprise": world.enterprise.pk,
            "category": "water_supply",
            "priority": Priority.ORDINARY,
            "title": "厂区水压不足",
            "description": "二号厂房水压不足，影响冷却系统。",
            "is_public": "on",
            "attachments": [SimpleUploadedFile("photo.pdf", PDF, "application/pdf")],
        },
    )
    demand = Demand.objects.get()
    assert response.status_code == 302 and response.url == detail_url(demand)
    assert (demand.channel, demand.enterprise, demand.is_public) == (
        Channel.ONLINE,
        world.enterprise,
        True,
    )
    attachment = DemandAttachment.objects.get(demand=demand)
    assert attachment.name == "photo.pdf"
    download = client.get(
        reverse("demands:demand_attachment_download", args=[demand.pk, attachment.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    login(client, world.other_enterprise_user)
    assert (
        client.get(
            reverse("demands:demand_attachment_download", args=[demand.pk, attachment.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        SimpleUploadedFile("script.exe", b"MZ\x90\x00", "application/octet-stream"),
        SimpleUploadedFile("photo.png", PDF, "application/pdf"),
    ],
    ids=["content", "extension", "declared_type"],
)
def test_it_refuses_a_bad_file_and_keeps_no_demand(client, demands_world, upload):
    world = demands_world.world
    login(client, world.enterprise_user)
    response = client.post(
        reverse("demands:demand_submit"),
        {
            "enterprise": world.enterprise.pk,
            "category": "water_supply",
            "priority": Priority.ORDINARY,
            "title": "厂区水压不足",
            "description": "二号厂房水压不足。",
            "attachments": [upload],
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["attachments"]
    assert Demand.objects.count() == 0 and DemandAttachment.objects.count() == 0


def test_it_shows_field_errors_on_the_submission(client, demands_world):
    world = demands_world.world
    login(client, world.enterprise_user)
    response = client.post(
        reverse("demands:demand_submit"),
        {"enterprise": world.enterprise.pk, "category": "water_supply", "priority": "ordinary"},
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"title", "description"}
    assert Demand.objects.count() == 0


def test_it_keeps_the_submission_for_confirmed_enterprise_users(client, demands_world):
    world = demands_world.world
    for user in (world.founder, world.officer_a):
        login(client, user)
        assert client.get(reverse("demands:demand_submit")).status_code == 403
    login(client, world.enterprise_user)
    assert client.get(reverse("demands:demand_submit")).status_code == 200


def test_it_sends_anonymous_visitors_to_log_in(client, demands_world):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_it_shows_the_reply_and_clock_on_the_page(
    client, demands_world, demand_factory, demand_driver
):
    with clock.simulated_time(at(3)):
        demand = demand_driver.to(demand_factory(), DemandState.IN_PROGRESS)
    login(client, demands_world.water_officer)
    with clock.simulated_time(at(3) + timedelta(minutes=30)):
        response = client.get(detail_url(demand))
    assert response.context["clock"]["status"].due_at == demand.due_at
    with clock.simulated_time(at(3, 11)):
        assert act(client, demand, "reply", content="已恢复供水").status_code == 302
    demand.refresh_from_db()
    page = client.get(detail_url(demand)).content.decode()
    assert "已恢复供水" in page and client.get(detail_url(demand)).context["clock"] is None


def test_it_attaches_files_for_handlers_and_refuses_others(
    client, demands_world, demand_factory, demand_driver
):
    demand = demand_driver.to(demand_factory(), DemandState.IN_PROGRESS)
    url = reverse("demands:demand_attachment_add", args=[demand.pk])
    login(client, demands_world.world.leader)
    upload = SimpleUploadedFile("scene.pdf", PDF, "application/pdf")
    assert client.post(url, {"attachments": [upload]}).status_code == 403
    assert DemandAttachment.objects.count() == 0
    login(client, demands_world.water_officer)
    assert client.get(detail_url(demand)).context["may_attach"] is True
    fake = SimpleUploadedFile("scene.png", b"not a png", "image/png")
    assert client.post(url, {"attachments": [fake]}).status_code == 302
    assert DemandAttachment.objects.count() == 0
    upload = SimpleUploadedFile("scene.pdf", PDF, "application/pdf")
    assert client.post(url, {"attachments": [upload]}).status_code == 302
    assert list(DemandAttachment.objects.values_list("name", "uploaded_by")) == [
        ("scene.pdf", demands_world.water_officer.pk)
    ]
