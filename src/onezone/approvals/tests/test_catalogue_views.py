"""Catalogue pages: everyone logged in reads specifications and journeys; only administrators
edit them (others 403, nothing changed); lists paginate in a constant number of queries."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.approvals import services
from onezone.approvals.models import JourneyItem, ServiceSpec
from onezone.approvals.services.catalogue import journey_save, spec_save
from onezone.approvals.tests.conftest import FORM_FIELDS
from onezone.core.models import AuditEvent
from onezone.org.choices import UnitKind
from onezone.register import services as register
from onezone.register.choices import MatterKind


def _matter(world, code, name, kind=MatterKind.APPROVAL):
    return register.matter_create(
        actor=world.admin,
        code=code,
        name=name,
        kind=kind,
        home_body=world.functional,
        enterprise_related=True,
    )


def _spec(world, code, name, stage=None):
    return spec_save(
        actor=world.admin,
        matter=_matter(world, code, name),
        data={
            "statutory_limit_working_days": 20,
            "promised_limit_working_days": Decimal("5"),
            "fee_cny": Decimal("0"),
            "national_stage": stage,
            "result_document": "许可证",
            "form_fields": FORM_FIELDS,
        },
        materials=[
            {
                "code": "application_form",
                "name": "申请表",
                "is_required": True,
                "accepted_types": "pdf",
                "max_size_mb": 10,
            }
        ],
    )


def _spec_post(spec, **changes) -> dict:
    data = {
        "statutory_limit_working_days": "20",
        "promised_limit_working_days": "0.5",
        "fee_cny": "0",
        "national_stage": "",
        "result_document": "营业执照",
        "form_fields": json.dumps(spec.form_fields, ensure_ascii=False),
        "materials-TOTAL_FORMS": "1",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "20",
        "materials-0-code": "articles",
        "materials-0-name": "公司章程",
        "materials-0-is_required": "on",
        "materials-0-accepted_types": "PDF, jpg",
        "materials-0-max_size_mb": "5",
        "materials-0-template": "",
    }
    data.update(changes)
    return data


def _snapshot(spec) -> tuple:
    spec.refresh_from_db()
    return (
        spec.statutory_limit_working_days,
        spec.promised_limit_working_days,
        spec.result_document,
        spec.form_fields,
        list(spec.materials.values_list("code", flat=True)),
    )


# ---- reading ----------------------------------------------------------------------------------


def test_it_sends_anonymous_readers_to_the_login(client, approvals):
    response = client.get(reverse("approvals:spec_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_lists_specifications_to_everyone_logged_in(client, world, approvals):
    client.force_login(world.enterprise_user)
    response = client.get(reverse("approvals:spec_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "REG-001" in content and "SEAL-001" in content
    assert reverse("approvals:spec_edit", args=[approvals.registration.pk]) not in content


def test_it_searches_and_filters_specifications(client, world, approvals):
    _spec(world, "GZ-1", "建设用地规划许可证核发", stage=1)
    _spec(world, "ZJ-3", "建筑工程施工许可证核发", stage=3)
    client.force_login(world.officer_a)
    url = reverse("approvals:spec_list")
    by_stage = client.get(url, {"stage": "3"}).content.decode()
    assert "ZJ-3" in by_stage and "GZ-1" not in by_stage and "REG-001" not in by_stage
    no_stage = client.get(url, {"stage": "none"}).content.decode()
    assert "REG-001" in no_stage and "GZ-1" not in no_stage
    by_body = client.get(url, {"body": world.functional.pk}).content.decode()
    assert "GZ-1" in by_body and "REG-001" not in by_body
    searched = client.get(url, {"q": "施工"}, HTTP_HX_REQUEST="true")
    assert "ZJ-3" in searched.content.decode() and "GZ-1" not in searched.content.decode()
    assert "<html" not in searched.content.decode()  # the fragment only
    assert client.get(url, {"stage": "9", "body": "x"}).status_code == 200  # bad filters


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_lists_specifications_in_a_constant_number_of_queries(client, world, approvals):
    client.force_login(world.officer_a)
    url = reverse("approvals:spec_list")
    few = _count_queries(client, url)
    for number in range(30):
        _spec(world, f"X-{number:02d}", f"事项{number}", stage=(number % 5) + 1)
    assert _count_queries(client, url) == few
    page_two = client.get(url, {"page": 2}).content.decode()
    assert page_two.count('<tr id="spec-') == 32 - 25


def test_it_shows_a_specification_with_its_materials_and_fields(client, world, approvals):
    client.force_login(world.founder)
    response = client.get(reverse("approvals:spec_detail", args=[approvals.registration.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "营业执照" in content and "legal_representative_id" in content
    assert reverse("approvals:journey_detail", args=["business_startup"]) in content
    missing = client.get(reverse("approvals:spec_detail", args=[99999]))
    assert missing.status_code == 404


def test_it_shows_a_journey_with_lead_units_and_the_combined_form(client, world, approvals):
    client.force_login(world.officer_b)
    response = client.get(reverse("approvals:journey_detail", args=["business_startup"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "REG-001" in content and "SEAL-001" in content
    # Both stages are led by committee A; in zone A through its 政务服务科, and zone B's
    # committee has no unit yet.
    zone_a_row = content.split('id="zone-chip_valley"')[1].split("</tr>")[0]
    assert "政务服务科" in zone_a_row
    zone_b_row = content.split('id="zone-aviation"')[1].split("</tr>")[0]
    assert zone_b_row.count('data-missing="lead"') == 2
    assert zone_b_row.count('data-missing="holder"') == 2
    assert "data-missing" not in zone_a_row
    combined = content.split('id="journey-form"')[1]
    assert combined.count("<code>company_name</code>") == 1
    assert "seal_count" in combined


def test_it_lists_journeys_in_a_constant_number_of_queries(client, world, approvals):
    client.force_login(world.nobody)
    url = reverse("approvals:journey_admin_list")
    few = _count_queries(client, url)
    for number in range(3):
        journey_save(
            actor=world.admin,
            data={
                "code": f"journey_{number}",
                "name": f"一件事{number}",
                "baseline_value": 10,
                "baseline_unit": "working_days",
                "baseline_definition": "改革前",
                "target_value": 2,
                "target_unit": "working_days",
                "target_definition": "目标",
            },
            stages=[
                {
                    "order": order,
                    "name": f"阶段{order}",
                    "lead_body": world.committee_a,
                    "items": [{"spec": approvals.registration}, {"spec": approvals.seal}],
                }
                for order in (1, 2)
            ],
        )
    assert _count_queries(client, url) == few
    content = client.get(url).content.decode()
    assert "business_startup" in content and "journey_2" in content
    missing = client.get(reverse("approvals:journey_detail", args=["no_such_journey"]))
    assert missing.status_code == 404


# ---- editing specifications -------------------------------------------------------------------


def test_it_saves_a_specification_with_its_materials(client, world, approvals):
    spec = approvals.registration
    client.force_login(world.admin)
    url = reverse("approvals:spec_edit", args=[spec.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _spec_post(spec, promised_limit_working_days="1.5", fee_cny="10"))
    assert response.status_code == 302
    spec.refresh_from_db()
    assert (spec.promised_limit_working_days, spec.fee_cny) == (Decimal("1.5"), Decimal("10"))
    assert list(spec.materials.values_list("code", "accepted_types", "max_size_mb")) == [
        ("articles", "pdf,jpg", 5)
    ]
    assert AuditEvent.objects.filter(action="service_spec.save", object_id=str(spec.pk)).exists()


def test_it_refuses_a_promise_beyond_the_statutory_limit(client, world, approvals):
    spec = approvals.registration
    before = _snapshot(spec)
    client.force_login(world.admin)
    response = client.post(
        reverse("approvals:spec_edit", args=[spec.pk]),
        _spec_post(spec, statutory_limit_working_days="3", promised_limit_working_days="4"),
    )
    assert response.status_code == 200
    assert 'data-field="promised_limit_working_days"' in response.content.decode()
    assert _snapshot(spec) == before


@pytest.mark.parametrize(
    "form_fields",
    [
        "not json",
        '{"name": "x"}',
        '[{"name": "x", "type": "colour"}]',
        '[{"label": "no name", "type": "string"}]',
        '[{"name": "a", "type": "string"}, {"name": "a", "type": "integer"}]',
        '[{"name": "c", "type": "choice"}]',
        "[1, 2]",
    ],
)
def test_it_refuses_malformed_form_fields(client, world, approvals, form_fields):
    spec = approvals.registration
    before = _snapshot(spec)
    client.force_login(world.admin)
    response = client.post(
        reverse("approvals:spec_edit", args=[spec.pk]), _spec_post(spec, form_fields=form_fields)
    )
    assert response.status_code == 200
    assert 'data-field="form_fields"' in response.content.decode()
    assert _snapshot(spec) == before


def test_it_refuses_two_materials_with_one_code(client, world, approvals):
    spec = approvals.registration
    before = _snapshot(spec)
    client.force_login(world.admin)
    data = _spec_post(
        spec,
        **{
            "materials-TOTAL_FORMS": "2",
            "materials-1-code": "articles",
            "materials-1-name": "另一份",
            "materials-1-accepted_types": "pdf",
            "materials-1-max_size_mb": "5",
        },
    )
    response = client.post(reverse("approvals:spec_edit", args=[spec.pk]), data)
    assert response.status_code == 200
    assert _snapshot(spec) == before


@pytest.mark.parametrize("persona", ["officer_a", "bureau_officer", "leader", "enterprise_user"])
def test_it_forbids_others_to_edit_a_specification(client, world, approvals, persona):
    spec = approvals.registration
    before = _snapshot(spec)
    audit_rows = AuditEvent.objects.count()
    client.force_login(getattr(world, persona))
    url = reverse("approvals:spec_edit", args=[spec.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _spec_post(spec, promised_limit_working_days="1")).status_code == 403
    assert _snapshot(spec) == before
    assert AuditEvent.objects.count() == audit_rows


# ---- editing journeys -------------------------------------------------------------------------


def _journey_post(**changes) -> dict:
    data = {
        "name": "企业开办（新）",
        "description": "一表申请",
        "needs_enterprise": "",
        "is_active": "on",
        "baseline_value": "20",
        "baseline_unit": "working_days",
        "baseline_definition": "改革前",
        "target_value": "0.5",
        "target_unit": "working_days",
        "target_definition": "改革目标",
        "stages": "登记 | 成都芯谷管委会 | REG-001*\n刻章 | 成都芯谷管委会 | SEAL-001?",
    }
    data.update(changes)
    return data


def _items(journey) -> list[tuple]:
    return list(
        JourneyItem.objects.filter(stage__journey=journey)
        .order_by("stage__order", "order")
        .values_list("stage__order", "stage__name", "spec__matter__code", "is_mandatory")
    )


def test_it_saves_a_journey_with_its_stages(client, world, approvals):
    journey = approvals.journey
    client.force_login(world.admin)
    url = reverse("approvals:journey_edit", args=[journey.code])
    form_page = client.get(url).content.decode()
    assert "REG-001*" in form_page and "SEAL-001?" in form_page
    response = client.post(
        url, _journey_post(stages="一并办理 | 区发改局 | REG-001* SEAL-001", target_value="1")
    )
    assert response.status_code == 302
    journey.refresh_from_db()
    assert (journey.name, journey.target_value) == ("企业开办（新）", Decimal("1"))
    assert _items(journey) == [(1, "一并办理", "REG-001", True), (1, "一并办理", "SEAL-001", True)]
    assert journey.stages.get().lead_body == world.lead_a


@pytest.mark.parametrize(
    "stages",
    [
        "",
        "只有名称",
        "登记 | 没有这个单位 | REG-001",
        "登记 | 成都芯谷管委会 | NOPE-1",
        "登记 | 成都芯谷管委会 | REG-001 REG-001",
        "登" * 101 + " | 成都芯谷管委会 | REG-001",
    ],
)
def test_it_refuses_bad_stage_lines(client, world, approvals, stages):
    journey = approvals.journey
    before = _items(journey)
    client.force_login(world.admin)
    response = client.post(
        reverse("approvals:journey_edit", args=[journey.code]), _journey_post(stages=stages)
    )
    assert response.status_code == 200
    assert 'data-field="stages"' in response.content.decode()
    assert _items(journey) == before
    journey.refresh_from_db()
    assert journey.name == "企业开办"


def _draft(world):
    return services.application_create(
        actor=world.founder,
        journey="business_startup",
        zone="chip_valley",
        enterprise=None,
        form={"company_name": "草稿公司"},
        draft=True,
    )


def test_it_refuses_to_restructure_a_journey_with_applications(client, world, approvals):
    journey = approvals.journey
    _draft(world)
    before = _items(journey)
    client.force_login(world.admin)
    url = reverse("approvals:journey_edit", args=[journey.code])
    response = client.post(url, _journey_post(stages="一并办理 | 成都芯谷管委会 | REG-001"))
    assert response.status_code == 200
    assert 'data-field="stages"' in response.content.decode()
    assert _items(journey) == before
    journey.refresh_from_db()
    assert journey.name == "企业开办"
    # The same structure with new texts is saved.
    assert client.post(url, _journey_post()).status_code == 302
    journey.refresh_from_db()
    assert journey.name == "企业开办（新）"
    assert _items(journey) == before


@pytest.mark.parametrize("persona", ["officer_a", "leader", "founder", "nobody"])
def test_it_forbids_others_to_edit_a_journey(client, world, approvals, persona):
    journey = approvals.journey
    before = _items(journey)
    client.force_login(getattr(world, persona))
    url = reverse("approvals:journey_edit", args=[journey.code])
    assert client.get(url).status_code == 403
    assert client.post(url, _journey_post(stages="x | 成都芯谷管委会 | REG-001")).status_code == 403
    journey.refresh_from_db()
    assert journey.name == "企业开办"
    assert _items(journey) == before


def test_it_shows_the_lead_unit_of_a_stationed_body(client, world, approvals, unit_factory):
    stationed = unit_factory(
        world.functional, UnitKind.PARK_SERVICE, name="芯谷园区服务科", stationed_in=world.zone_a
    )
    client.force_login(world.admin)
    client.post(
        reverse("approvals:journey_edit", args=[approvals.journey.code]),
        _journey_post(stages="规划 | 区规划和自然资源局 | REG-001"),
    )
    content = client.get(
        reverse("approvals:journey_detail", args=[approvals.journey.code])
    ).content.decode()
    zone_a_row = content.split('id="zone-chip_valley"')[1].split("</tr>")[0]
    assert stationed.name in zone_a_row
    assert ServiceSpec.objects.count() == 2
