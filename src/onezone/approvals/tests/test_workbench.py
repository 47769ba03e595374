"""The officer workbench: the queue by time left with traffic lights, a case's page, its
actions and comments, and who may see or act (denied requests change nothing)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onezone.approvals import services
from onezone.approvals.models import CaseEvent, Document, ItemCase
from onezone.approvals.services.catalogue import spec_save
from onezone.approvals.tests.conftest import VALID_ID_NUMBER
from onezone.core import clock
from onezone.core.clocks import clock_status
from onezone.core.models import AuditEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORM = {
    "company_name": "芯谷工作台科技有限公司",
    "legal_representative_id": VALID_ID_NUMBER,
    "contact_phone": "13800138002",
}


def at(day: int, hour: int = 10) -> datetime:
    """A moment in the week of Monday 3 March 2025 (no holidays that week or the next)."""
    return datetime(2025, 3, day, hour, tzinfo=SHANGHAI)


def apply_for(world, when: datetime | None = None, form=None):
    with clock.simulated_time(when or at(3)):
        return services.application_create(
            actor=world.founder, journey="business_startup", zone="chip_valley", form=form or FORM
        )


def first_case(application) -> ItemCase:
    return ItemCase.objects.get(application=application, stage_order=1)


def english_client(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def snapshot(case) -> tuple:
    case.refresh_from_db()
    return (
        case.state,
        case.version,
        case.due_at,
        CaseEvent.objects.filter(item_case=case).count(),
        Document.objects.filter(item_case=case).count(),
        AuditEvent.objects.count(),
    )


def act(client, case, action, *, reason="", version=None):
    return client.post(
        reverse("approvals:case_act", args=[case.pk]),
        {"action": action, "reason": reason, "version": version or case.version},
        follow=True,
    )


def message_texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def officer(client, world, approvals):
    return english_client(client, world.officer_a)


# ---- acting through the pages ------------------------------------------------------------


def test_it_takes_a_case_through_acceptance_correction_and_approval(world, approvals, officer):
    application = apply_for(world, at(3))
    case = first_case(application)
    detail = reverse("approvals:case_detail", args=[case.pk])

    page = officer.get(detail)
    assert page.status_code == 200
    assert [a["value"] for a in page.context["actions"]] == [
        "accept",
        "not_accept",
        "request_correction",
    ]

    with clock.simulated_time(at(3, 11)):
        response = act(officer, case, "accept")
    assert message_texts(response) == ["Done: Accept."]
    case.refresh_from_db()
    assert case.state == "accepted"

    before = snapshot(case)
    with clock.simulated_time(at(3, 14)):
        response = act(officer, case, "request_correction", reason="  ")
    assert message_texts(response) == ["Give the reason for this action."]
    assert snapshot(case) == before

    with clock.simulated_time(at(3, 14)):
        act(officer, case, "request_correction", reason="请补充法定代表人签字")
    case.refresh_from_db()
    assert (case.state, case.due_at) == ("in_correction", None)

    with clock.simulated_time(at(4, 9)):
        services.item_case_act(
            actor=world.founder, item_case=case, action="supply_correction", reason=""
        )
    case.refresh_from_db()
    assert case.state == "accepted"

    page = officer.get(detail)
    assert "approve" in [a["value"] for a in page.context["actions"]]
    with clock.simulated_time(at(4, 10)):
        response = act(officer, case, "approve")
    case.refresh_from_db()
    assert case.state == "approved"
    assert list(
        CaseEvent.objects.filter(item_case=case).values_list("action", "actor__username")
    ) == [
        ("accept", "officer_a"),
        ("request_correction", "officer_a"),
        ("supply_correction", "founder"),
        ("approve", "officer_a"),
    ]
    timeline = response.context["timeline"]
    assert [row["event"].reason for row in timeline][1] == "请补充法定代表人签字"
    assert sorted(Document.objects.filter(item_case=case).values_list("kind", flat=True)) == [
        "acceptance_notice",
        "approval_decision",
        "correction_notice",
    ]
    # the next stage's case was routed to the same unit and is in the queue
    queue = officer.get(reverse("approvals:workbench"))
    assert [row["case"].journey_item.spec.matter.code for row in queue.context["rows"]] == [
        "SEAL-001"
    ]


def test_it_shows_the_items_answers_documents_clock_and_timeline(world, approvals, officer):
    application = apply_for(world, at(3))
    case = first_case(application)
    with clock.simulated_time(at(3, 11)):
        act(officer, case, "accept")
    with clock.simulated_time(at(3, 12)):
        page = officer.get(reverse("approvals:case_detail", args=[case.pk]))
    body = page.content.decode()
    assert page.context["answers"] == [
        {"label": "企业名称", "value": "芯谷工作台科技有限公司"},
        {"label": "法定代表人身份证号", "value": VALID_ID_NUMBER},
        {"label": "联系电话", "value": "13800138002"},
    ]
    document = Document.objects.get(item_case=case)
    assert reverse("approvals:document_download", args=[document.pk]) in body
    status = page.context["clock"]["status"]
    case.refresh_from_db()
    assert status.due_at == case.due_at
    assert status.is_paused is False
    assert page.context["clock"]["purpose"] == "decision"
    assert [row["label"] for row in page.context["timeline"]] == ["Accept"]
    assert [a["value"] for a in page.context["actions"]] == [
        "start_processing",
        "request_correction",
        "approve",
        "approve_pending",
        "reject",
    ]


def test_it_adds_a_comment_and_refuses_an_empty_one(world, approvals, officer):
    case = first_case(apply_for(world))
    url = reverse("approvals:case_comment", args=[case.pk])
    response = officer.post(url, {"text": "已电话联系申请人"}, follow=True)
    assert message_texts(response) == ["The comment is added."]
    assert list(CaseEvent.objects.filter(item_case=case).values_list("action", "reason")) == [
        ("comment", "已电话联系申请人")
    ]
    before = snapshot(case)
    response = officer.post(url, {"text": ""}, follow=True)
    assert message_texts(response) == ["This field is required."]
    assert snapshot(case) == before


# ---- refused actions change nothing ------------------------------------------------------


def test_it_refuses_an_action_the_table_does_not_allow(world, approvals, officer):
    case = first_case(apply_for(world))
    before = snapshot(case)
    response = act(officer, case, "approve")
    assert response.status_code == 200
    assert message_texts(response) == ["“Approve” is not possible while the item is “Received”."]
    assert snapshot(case) == before


def test_it_refuses_a_stale_version(world, approvals, officer):
    case = first_case(apply_for(world))
    seen = case.version
    services.item_case_act(actor=world.officer_a, item_case=case, action="accept")
    before = snapshot(case)
    response = act(officer, case, "request_correction", reason="缺材料", version=seen)
    assert message_texts(response) == [
        "This item changed after you opened it; reload and try again."
    ]
    assert snapshot(case) == before


def test_it_refuses_applicant_actions_and_garbage_posts(world, approvals, officer):
    case = first_case(apply_for(world))
    before = snapshot(case)
    url = reverse("approvals:case_act", args=[case.pk])
    assert officer.post(url, {"action": "withdraw", "version": case.version}).status_code == 403
    response = officer.post(url, {"action": "fly", "version": "x"}, follow=True)
    assert message_texts(response) == [
        "The action could not be read; reload the page and try again."
    ]
    assert snapshot(case) == before


@pytest.mark.parametrize("persona", ["officer_b", "bureau_officer", "other_enterprise_user"])
def test_it_hides_the_case_from_those_outside_it(client, world, approvals, persona):
    case = first_case(apply_for(world))
    before = snapshot(case)
    client.force_login(getattr(world, persona))
    assert client.get(reverse("approvals:case_detail", args=[case.pk])).status_code == 404
    response = client.post(
        reverse("approvals:case_act", args=[case.pk]),
        {"action": "accept", "version": case.version},
    )
    assert response.status_code == 404
    response = client.post(reverse("approvals:case_comment", args=[case.pk]), {"text": "看看"})
    assert response.status_code == 404
    assert snapshot(case) == before


def test_it_answers_403_to_a_reader_who_may_not_act(client, world, approvals):
    case = first_case(apply_for(world))
    before = snapshot(case)
    client.force_login(world.leader)
    page = client.get(reverse("approvals:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert page.context["actions"] == []
    response = client.post(
        reverse("approvals:case_act", args=[case.pk]),
        {"action": "accept", "version": case.version},
    )
    assert response.status_code == 403
    assert snapshot(case) == before


def test_it_shows_the_applicant_no_officer_actions(client, world, approvals):
    case = first_case(apply_for(world))
    client.force_login(world.founder)
    page = client.get(reverse("approvals:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert page.context["actions"] == []
    assert client.get(reverse("approvals:workbench")).status_code == 404


# ---- materials -------------------------------------------------------------------------------


def test_it_offers_the_items_materials_to_those_who_see_the_application(
    client, world, approvals, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    registration = approvals.registration
    spec_save(
        actor=world.admin,
        matter=registration.matter,
        data={
            "statutory_limit_working_days": 20,
            "promised_limit_working_days": "0.5",
            "fee_cny": "0",
            "result_document": "营业执照",
            "form_fields": registration.form_fields,
        },
        materials=[{"code": "articles", "name": "公司章程", "accepted_types": "pdf"}],
    )
    with clock.simulated_time(at(3)):
        application = services.application_create(
            actor=world.founder,
            journey="business_startup",
            zone="chip_valley",
            form=FORM,
            draft=True,
        )
        content = b"%PDF-1.4 articles"
        material = services.material_upload(
            actor=world.founder,
            application=application,
            code="articles",
            uploaded=SimpleUploadedFile("章程.pdf", content, content_type="application/pdf"),
        )
        services.application_submit(actor=world.founder, application=application)
    case = first_case(application)
    url = reverse("approvals:case_material_download", args=[case.pk, material.pk])

    client.force_login(world.officer_a)
    page = client.get(reverse("approvals:case_detail", args=[case.pk]))
    assert page.context["materials"] == [material]
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content

    client.force_login(world.officer_b)
    assert client.get(url).status_code == 404


# ---- the queue -----------------------------------------------------------------------------


def test_it_orders_the_queue_by_time_left_with_paused_cases_last(world, approvals, officer):
    wednesday = first_case(apply_for(world, at(5)))
    monday = first_case(apply_for(world, at(3)))
    tuesday = first_case(apply_for(world, at(4)))
    with clock.simulated_time(at(5, 11)):
        services.item_case_act(
            actor=world.officer_a, item_case=monday, action="request_correction", reason="缺签字"
        )
    with clock.simulated_time(at(11)):
        page = officer.get(reverse("approvals:workbench"))
    rows = page.context["rows"]
    assert [row["case"].pk for row in rows] == [tuesday.pk, wednesday.pk, monday.pk]
    assert [row["light"] for row in rows] == ["amber", "green", "paused"]
    with clock.simulated_time(at(12)):
        page = officer.get(reverse("approvals:workbench"))
    rows = page.context["rows"]
    assert [row["light"] for row in rows] == ["red", "amber", "paused"]
    assert [row["is_overdue"] for row in rows] == [True, False, False]
    assert 'class="badge bg-red text-red-fg overdue-flag"' in page.content.decode()
    # the light agrees with the clock's own status
    for row in rows[:2]:
        case = ItemCase.objects.select_related("clock").get(pk=row["case"].pk)
        status = clock_status(case.clock, at(12))
        assert row["light"] == status.traffic_light
        assert row["remaining"] == status.remaining


def test_it_filters_the_queue(world, approvals, officer):
    first = first_case(apply_for(world, at(3)))
    second = first_case(apply_for(world, at(5)))
    services.item_case_act(actor=world.officer_a, item_case=second, action="accept")
    url = reverse("approvals:workbench")

    def pks(query):
        with clock.simulated_time(at(11)):
            return [row["case"].pk for row in officer.get(url, query).context["rows"]]

    assert pks({"state": "accepted"}) == [second.pk]
    assert pks({"q": "设立登记"}) == [first.pk, second.pk]
    assert pks({"q": "刻章"}) == []
    assert pks({"zone": "chip_valley", "state": "received"}) == [first.pk]
    assert pks({"overdue": "on"}) == [first.pk]
    # filters the page does not offer are ignored, the others still apply
    assert pks({"state": "nonsense", "overdue": "on"}) == [first.pk]
    assert pks({"zone": "aviation", "state": "accepted"}) == [second.pk]


def test_it_answers_htmx_with_the_results_fragment(world, approvals, officer):
    apply_for(world)
    response = officer.get(reverse("approvals:workbench"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="workbench-table"' in body
    assert "<html" not in body


def test_it_keeps_the_queue_query_count_flat(
    world, approvals, officer, django_assert_max_num_queries
):
    url = reverse("approvals:workbench")
    for day in (3, 4):
        apply_for(world, at(day))
    officer.get(url)  # warm the working-day calendar
    with clock.simulated_time(at(6)):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            response = officer.get(url)
    assert len(response.context["rows"]) == 2
    for index in range(18):
        apply_for(world, at(3 + index % 5, 9 + index % 7))
    with clock.simulated_time(at(6)), django_assert_max_num_queries(len(few.captured_queries)):
        response = officer.get(url)
    assert len(response.context["rows"]) == 20


def test_it_shows_the_workbench_only_to_staff(client, world, approvals):
    client.force_login(world.enterprise_user)
    assert client.get(reverse("approvals:workbench")).status_code == 404
    client.force_login(world.officer_a)
    page = client.get(reverse("approvals:workbench"))
    assert page.status_code == 200
    assert reverse("approvals:workbench") in [item["url"] for item in page.context["nav_items"]]
