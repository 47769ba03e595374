"""Approvals API: journeys, applications, materials, item-case actions and outcomes, only as far
as the caller may, with nothing changed by a refused request."""

import json
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onezone.approvals.models import (
    Application,
    CaseEvent,
    Document,
    ItemCase,
    Material,
)
from onezone.approvals.services.catalogue import journey_save, spec_save
from onezone.approvals.tests.conftest import FORM_FIELDS, VALID_ID_NUMBER
from onezone.conftest import USCC_A
from onezone.core import clock, workcal
from onezone.core.models import AuditEvent
from onezone.core.tokens import token_create

# A Tuesday morning with no holiday within two weeks.
TUESDAY_MORNING = datetime(2025, 6, 10, 10, 0, tzinfo=workcal.SHANGHAI)
ACCEPTANCE_DUE = "2025-06-17T09:30:00Z"  # 5 working days, end of office hours (17:30 +08:00)
FORM = {
    "company_name": "芯谷新材料有限公司",
    "legal_representative_id": VALID_ID_NUMBER,
    "contact_phone": "13800138000",
    "seal_count": 2,
}
PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture(autouse=True)
def fixed_time():
    with clock.simulated_time(TUESDAY_MORNING):
        yield


@pytest.fixture
def api(client, world):
    class Caller:
        def __init__(self, persona=None):
            self.header = {}
            if persona is not None:
                user = getattr(world, persona)
                _token, raw = token_create(user=user, actor=None)
                self.header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get(path, params, **self.header)

        def post(self, path, body=None):
            data = "" if body is None else json.dumps(body)
            return client.post(path, data, content_type="application/json", **self.header)

        def upload(self, path, code, file=None):
            data = {"code": code} if file is None else {"code": code, "file": file}
            return client.post(path, data, **self.header)

    return Caller


@pytest.fixture
def licence_form(approvals, world):
    """The registration item asks for a signed application form (PDF, at most 1 MB)."""
    spec_save(
        actor=world.admin,
        matter=approvals.registration.matter,
        data={
            "statutory_limit_working_days": 20,
            "promised_limit_working_days": "0.5",
            "result_document": "营业执照",
            "form_fields": FORM_FIELDS,
        },
        materials=[
            {
                "code": "registration_form",
                "name": "公司登记（备案）申请书",
                "accepted_types": "pdf",
                "max_size_mb": 1,
            }
        ],
    )


def counts() -> dict:
    """What a refused request must leave as it was."""
    return {
        "applications": Application.objects.count(),
        "cases": ItemCase.objects.count(),
        "events": CaseEvent.objects.count(),
        # Issuing the callers' tokens is audited too; everything else counts.
        "audit": AuditEvent.objects.exclude(action__startswith="api_token.").count(),
        "materials": Material.objects.count(),
        "documents": Document.objects.count(),
        "states": sorted(Application.objects.values_list("pk", "state", "version")),
        "case_states": sorted(ItemCase.objects.values_list("pk", "state", "version")),
    }


def error_fields(response) -> list[tuple[str, str]]:
    return sorted((error["field"], error["code"]) for error in response.json()["errors"])


def pdf(name="申请书.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def start(api, persona="founder", **changes):
    body = {"journey": "business_startup", "zone": "chip_valley", "form": FORM, **changes}
    response = api(persona).post("/api/applications", body)
    assert response.status_code == 201, response.content
    return response.json()


def unit_ref(approvals) -> dict:
    unit = approvals.unit
    return {"id": unit.pk, "name": unit.name, "body": unit.body.name}


# ---- journeys ---------------------------------------------------------------------------------


def test_it_lists_journeys_to_anyone_in_constant_queries(api, approvals, world):
    with CaptureQueriesContext(connection) as one:
        response = api().get("/api/journeys")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "code": "business_startup",
                "name": "企业开办",
                "description": "",
                "needs_enterprise": False,
                "baseline": {"value": 20.0, "unit": "days", "definition": "改革前"},
                "target": {"value": 0.5, "unit": "working_days", "definition": "改革目标"},
            }
        ],
        "count": 1,
    }
    journey_save(
        actor=world.admin,
        data={
            "code": "seal_only",
            "name": "刻章",
            "baseline_value": 3,
            "baseline_unit": "days",
            "baseline_definition": "改革前",
            "target_value": 1,
            "target_unit": "working_days",
            "target_definition": "目标",
        },
        stages=[
            {
                "order": 1,
                "name": "刻章",
                "lead_body": world.committee_a,
                "items": [{"spec": approvals.seal}],
            }
        ],
    )
    with CaptureQueriesContext(connection) as two:
        response = api().get("/api/journeys")
    assert [item["code"] for item in response.json()["items"]] == ["business_startup", "seal_only"]
    assert len(two) == len(one)


def test_it_shows_a_journey_with_its_stages_materials_and_one_form(api, approvals, licence_form):
    response = api().get("/api/journeys/business_startup")

    assert response.status_code == 200
    body = response.json()
    assert body["stages"] == [
        {
            "order": 1,
            "name": "登记",
            "lead_body": "成都芯谷管委会",
            "items": [
                {
                    "matter": "REG-001",
                    "name": "企业设立登记",
                    "mandatory": True,
                    "fully_online": True,
                    "promised_limit_working_days": 0.5,
                    "statutory_limit_working_days": 20,
                    "materials": [
                        {
                            "code": "registration_form",
                            "name": "公司登记（备案）申请书",
                            "required": True,
                            "accepted_types": ["pdf"],
                            "max_size_mb": 1,
                        }
                    ],
                }
            ],
        },
        {
            "order": 2,
            "name": "刻章",
            "lead_body": "成都芯谷管委会",
            "items": [
                {
                    "matter": "SEAL-001",
                    "name": "公章刻制备案",
                    "mandatory": False,
                    "fully_online": False,
                    "promised_limit_working_days": 1.0,
                    "statutory_limit_working_days": 20,
                    "materials": [],
                }
            ],
        },
    ]
    # company_name is asked by both items, and only once.
    assert body["form"] == [
        {
            "name": "company_name",
            "label": "企业名称",
            "type": "string",
            "required": True,
            "choices": None,
        },
        {
            "name": "legal_representative_id",
            "label": "法定代表人身份证号",
            "type": "id_number",
            "required": True,
            "choices": None,
        },
        {
            "name": "contact_phone",
            "label": "联系电话",
            "type": "phone",
            "required": True,
            "choices": None,
        },
        {
            "name": "seal_count",
            "label": "印章数量",
            "type": "integer",
            "required": False,
            "choices": None,
        },
    ]
    assert body["code"] == "business_startup"
    assert body["target"] == {"value": 0.5, "unit": "working_days", "definition": "改革目标"}


def test_it_answers_404_for_an_unknown_or_closed_journey(api, approvals):
    assert api().get("/api/journeys/no_such_journey").status_code == 404
    approvals.journey.is_active = False
    approvals.journey.save(update_fields=["is_active"])
    assert api().get("/api/journeys/business_startup").status_code == 404
    assert api().get("/api/journeys").json() == {"items": [], "count": 0}


# ---- the whole journey ------------------------------------------------------------------------


def test_it_runs_business_startup_from_draft_to_completed(api, approvals, licence_form, world):
    founder, officer = api("founder"), api("officer_a")

    draft = start(api, draft=True)
    assert (draft["state"], draft["items"], draft["current_stage"]) == ("draft", [], None)
    application = Application.objects.get()
    assert draft["reference"] == application.reference
    assert draft["form"] == FORM

    uploaded = founder.upload(
        f"/api/applications/{draft['id']}/materials", "registration_form", pdf()
    )
    assert uploaded.status_code == 201, uploaded.content
    material = Material.objects.get()
    assert uploaded.json() == {
        "id": material.pk,
        "code": "registration_form",
        "name": "申请书.pdf",
        "size": len(PDF),
        "sha256": material.sha256,
    }

    submitted = founder.post(f"/api/applications/{draft['id']}/actions/submit")
    assert submitted.status_code == 200, submitted.content
    registration = ItemCase.objects.get()
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["items"] == [
        {
            "id": registration.pk,
            "matter": "REG-001",
            "name": "企业设立登记",
            "stage": 1,
            "state": "received",
            "holder_unit": unit_ref(approvals),
            "due_at": ACCEPTANCE_DUE,
            "is_overdue": False,
            "version": 1,
        }
    ]

    with CaptureQueriesContext(connection) as one_item:
        founder.get(f"/api/applications/{draft['id']}")

    accepted = officer.post(f"/api/item-cases/{registration.pk}/actions/accept", {"version": 1})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["version"] == 2
    # Half a promised working day is 3.5 office hours from 10:00: 15:00 in Chengdu.
    assert accepted.json()["due_at"] == "2025-06-10T07:00:00Z"
    approved = officer.post(f"/api/item-cases/{registration.pk}/actions/approve")
    assert (approved.status_code, approved.json()["state"]) == (200, "approved")
    assert approved.json()["due_at"] is None

    with CaptureQueriesContext(connection) as two_items:
        halfway = founder.get(f"/api/applications/{draft['id']}").json()
    # Items, materials and documents are read in a fixed number of queries.
    assert len(two_items) == len(one_item)
    assert halfway["state"] == "in_progress"
    assert halfway["current_stage"] == 2
    assert [(item["matter"], item["state"]) for item in halfway["items"]] == [
        ("REG-001", "approved"),
        ("SEAL-001", "received"),
    ]
    seal = halfway["items"][1]["id"]
    for action in ("accept", "approve"):
        response = officer.post(f"/api/item-cases/{seal}/actions/{action}", {"reason": ""})
        assert response.status_code == 200, response.content

    finished = founder.get(f"/api/applications/{draft['id']}").json()
    assert finished["state"] == "completed"
    assert finished["finished_at"] is not None
    assert [item["state"] for item in finished["items"]] == ["approved", "approved"]
    assert [(doc["item_case"], doc["kind"]) for doc in finished["documents"]] == [
        (registration.pk, "acceptance_notice"),
        (registration.pk, "approval_decision"),
        (seal, "acceptance_notice"),
        (seal, "approval_decision"),
    ]
    document = Document.objects.get(item_case=registration, kind="approval_decision")
    assert finished["documents"][1]["url"] == f"/approvals/documents/{document.pk}/"
    assert finished["documents"][1]["number"] == document.number
    assert [m["code"] for m in finished["materials"]] == ["registration_form"]
    # The officer sees the same application.
    assert officer.get(f"/api/applications/{draft['id']}").json()["state"] == "completed"


def test_it_submits_in_one_call_with_the_first_stage_cases(api, approvals):
    body = start(api)

    application = Application.objects.get()
    case = ItemCase.objects.get()
    assert body == {
        "id": application.pk,
        "reference": application.reference,
        "journey": "business_startup",
        "zone": "chip_valley",
        "enterprise": None,
        "state": "submitted",
        "current_stage": 1,
        "form": FORM,
        "created_at": "2025-06-10T02:00:00Z",
        "submitted_at": "2025-06-10T02:00:00Z",
        "finished_at": None,
        "version": 1,
        "items": [
            {
                "id": case.pk,
                "matter": "REG-001",
                "name": "企业设立登记",
                "stage": 1,
                "state": "received",
                "holder_unit": unit_ref(approvals),
                "due_at": ACCEPTANCE_DUE,
                "is_overdue": False,
                "version": 1,
            }
        ],
        "materials": [],
        "documents": [],
    }


def test_an_enterprise_applies_for_itself(api, approvals):
    body = start(api, "enterprise_user", enterprise=USCC_A.lower())

    assert body["enterprise"] == USCC_A
    assert body["state"] == "submitted"


# ---- refused applications ---------------------------------------------------------------------


def test_an_invalid_form_names_each_bad_field_and_writes_nothing(api, approvals):
    before = counts()
    form = {
        "company_name": "芯谷新材料有限公司",
        "legal_representative_id": VALID_ID_NUMBER[:-1] + "1",
        "seal_count": "two",
        "colour": "red",
    }

    response = api("founder").post(
        "/api/applications", {"journey": "business_startup", "zone": "chip_valley", "form": form}
    )

    assert response.status_code == 422
    assert error_fields(response) == [
        ("form.colour", "unknown_field"),
        ("form.contact_phone", "required"),
        ("form.legal_representative_id", "invalid_checksum"),
        ("form.seal_count", "not_whole"),
    ]
    assert counts() == before


def test_a_form_answer_must_be_a_plain_value(api, approvals):
    before = counts()
    form = {**FORM, "company_name": {"nested": 1}, "contact_phone": "138\x00"}

    response = api("founder").post(
        "/api/applications", {"journey": "business_startup", "zone": "chip_valley", "form": form}
    )

    assert response.status_code == 422
    assert error_fields(response) == [
        ("form.company_name", "not_a_value"),
        ("form.contact_phone", "invalid_character"),
    ]
    assert counts() == before


def test_unknown_journey_and_zone_are_invalid_input(api, approvals):
    before = counts()

    response = api("founder").post(
        "/api/applications", {"journey": "no_such", "zone": "atlantis", "form": FORM}
    )

    assert response.status_code == 422
    assert error_fields(response) == [("journey", "unknown"), ("zone", "unknown")]
    assert counts() == before


def test_missing_required_fields_of_the_body_are_invalid_input(api, approvals):
    before = counts()

    response = api("founder").post("/api/applications", {"form": FORM, "colour": "red"})

    assert response.status_code == 422
    assert error_fields(response) == [
        ("colour", "extra_forbidden"),
        ("journey", "missing"),
        ("zone", "missing"),
    ]
    assert counts() == before


@pytest.mark.parametrize("persona", ["officer_a", "leader", "nobody"])
def test_only_applicants_apply(api, approvals, persona):
    before = counts()

    response = api(persona).post(
        "/api/applications", {"journey": "business_startup", "zone": "chip_valley", "form": FORM}
    )

    assert response.status_code == 403
    assert counts() == before


def test_an_enterprise_cannot_apply_for_another(api, approvals, world):
    before = counts()

    response = api("other_enterprise_user").post(
        "/api/applications",
        {
            "journey": "business_startup",
            "zone": "chip_valley",
            "enterprise": USCC_A,
            "form": FORM,
        },
    )

    assert response.status_code == 422
    assert error_fields(response) == [("enterprise", "unknown")]
    assert counts() == before


def test_submission_without_a_required_material_is_refused(api, approvals, licence_form):
    before = counts()

    response = api("founder").post(
        "/api/applications", {"journey": "business_startup", "zone": "chip_valley", "form": FORM}
    )

    assert response.status_code == 422
    assert error_fields(response) == [("materials.registration_form", "required")]
    assert counts() == before


def test_a_draft_with_an_incomplete_form_cannot_be_submitted(api, approvals):
    draft = start(api, draft=True, form={"company_name": "芯谷新材料有限公司"})
    before = counts()

    response = api("founder").post(f"/api/applications/{draft['id']}/actions/submit")

    assert response.status_code == 422
    assert error_fields(response) == [
        ("form.contact_phone", "required"),
        ("form.legal_representative_id", "required"),
    ]
    assert counts() == before


def test_application_actions_not_allowed_in_the_state_are_conflicts(api, approvals):
    submitted = start(api)
    founder = api("founder")
    before = counts()

    assert founder.post(f"/api/applications/{submitted['id']}/actions/submit").status_code == 409
    assert counts() == before

    withdrawn = founder.post(f"/api/applications/{submitted['id']}/actions/withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["state"] == "withdrawn"
    assert [item["state"] for item in withdrawn.json()["items"]] == ["withdrawn"]
    after_withdrawal = counts()
    assert founder.post(f"/api/applications/{submitted['id']}/actions/withdraw").status_code == 409
    assert founder.post(f"/api/applications/{submitted['id']}/actions/submit").status_code == 409
    assert counts() == after_withdrawal


def test_an_unknown_application_action_is_not_found(api, approvals):
    draft = start(api, draft=True)
    before = counts()

    response = api("founder").post(f"/api/applications/{draft['id']}/actions/approve")

    assert response.status_code == 404
    assert counts() == before


def test_an_officer_who_sees_an_application_may_not_withdraw_it(api, approvals):
    submitted = start(api)
    before = counts()

    response = api("officer_a").post(f"/api/applications/{submitted['id']}/actions/withdraw")

    assert response.status_code == 403
    assert counts() == before


def test_another_enterprises_application_is_not_found(api, approvals):
    mine = start(api, "enterprise_user", enterprise=USCC_A, draft=True)
    path = f"/api/applications/{mine['id']}"
    before = counts()

    for persona in ("other_enterprise_user", "founder", "officer_b", "nobody"):
        caller = api(persona)
        assert caller.get(path).status_code == 404
        assert caller.post(f"{path}/actions/submit").status_code == 404
        assert caller.post(f"{path}/actions/withdraw").status_code == 404
        assert caller.upload(f"{path}/materials", "registration_form", pdf()).status_code == 404
    assert api("enterprise_user").get("/api/applications/999999").status_code == 404
    assert api("enterprise_user").get(f"/api/applications/{2**70}").status_code == 404
    assert counts() == before


# ---- materials --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "file", "field", "error"),
    [
        (
            "registration_form",
            SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n"),
            "file",
            "file_type",
        ),
        ("registration_form", pdf(content=b"not a pdf"), "file", "file_content"),
        ("registration_form", pdf(content=PDF + b"0" * 1024 * 1024), "file", "file_size"),
        ("registration_form", None, "file", "missing"),
        ("business_plan", pdf(), "code", "unknown"),
    ],
)
def test_a_bad_upload_is_refused_by_field(api, approvals, licence_form, code, file, field, error):
    draft = start(api, draft=True)
    before = counts()

    response = api("founder").upload(f"/api/applications/{draft['id']}/materials", code, file)

    assert response.status_code == 422
    assert error_fields(response) == [(field, error)]
    assert counts() == before


def test_materials_cannot_be_added_to_a_closed_application(api, approvals, licence_form):
    draft = start(api, draft=True)
    founder = api("founder")
    assert founder.post(f"/api/applications/{draft['id']}/actions/withdraw").status_code == 200
    before = counts()

    response = founder.upload(
        f"/api/applications/{draft['id']}/materials", "registration_form", pdf()
    )

    assert response.status_code == 409
    assert counts() == before


def test_an_officer_may_not_upload_for_the_applicant(api, approvals, licence_form):
    draft = start(api, "enterprise_user", enterprise=USCC_A, draft=True)
    before = counts()

    # The leader sees every application but is not its applicant.
    response = api("leader").upload(
        f"/api/applications/{draft['id']}/materials", "registration_form", pdf()
    )

    assert response.status_code == 403
    assert counts() == before


# ---- item-case actions ------------------------------------------------------------------------


@pytest.fixture
def case(api, approvals):
    start(api)
    return ItemCase.objects.get()


@pytest.mark.parametrize("action", ["approve", "complete_materials", "end_special", "frobnicate"])
def test_an_action_not_allowed_in_the_state_is_a_conflict(api, case, action):
    before = counts()

    response = api("officer_a").post(
        f"/api/item-cases/{case.pk}/actions/{action}", {"reason": "因为"}
    )

    assert response.status_code == 409
    assert response.json()["detail"]
    assert counts() == before


def test_a_stale_version_is_a_conflict(api, case):
    officer = api("officer_a")
    assert officer.post(f"/api/item-cases/{case.pk}/actions/accept").status_code == 200
    before = counts()

    response = officer.post(f"/api/item-cases/{case.pk}/actions/approve", {"version": 1})

    assert response.status_code == 409
    assert counts() == before


def test_an_action_that_needs_a_reason_without_one_is_invalid(api, case):
    before = counts()

    response = api("officer_a").post(f"/api/item-cases/{case.pk}/actions/not_accept", {})

    assert response.status_code == 422
    assert error_fields(response) == [("reason", "required")]
    assert counts() == before


def test_the_reason_is_kept_on_the_timeline(api, case, world):
    response = api("officer_a").post(
        f"/api/item-cases/{case.pk}/actions/request_correction", {"reason": "申请书未签字"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["due_at"]) == ("in_correction", None)
    event = CaseEvent.objects.get(item_case=case)
    assert (event.action, event.reason, event.actor) == (
        "request_correction",
        "申请书未签字",
        world.officer_a,
    )
    supplied = api("founder").post(f"/api/item-cases/{case.pk}/actions/supply_correction")
    assert (supplied.status_code, supplied.json()["state"]) == (200, "received")


@pytest.mark.parametrize("persona", ["founder", "leader"])
def test_a_caller_who_sees_the_case_but_does_not_handle_it_is_forbidden(api, case, persona):
    before = counts()

    response = api(persona).post(f"/api/item-cases/{case.pk}/actions/accept")

    assert response.status_code == 403
    assert counts() == before


@pytest.mark.parametrize("persona", ["officer_b", "other_enterprise_user", "enterprise_user"])
def test_a_hidden_case_is_not_found(api, case, persona):
    before = counts()

    for action in ("accept", "frobnicate"):
        response = api(persona).post(f"/api/item-cases/{case.pk}/actions/{action}")
        assert response.status_code == 404
    assert api("officer_a").post(f"/api/item-cases/{2**70}/actions/accept").status_code == 404
    assert counts() == before


def test_a_malformed_action_body_is_invalid(api, case):
    before = counts()

    response = api("officer_a").post(
        f"/api/item-cases/{case.pk}/actions/accept", {"version": "latest", "colour": "red"}
    )

    assert response.status_code == 422
    assert error_fields(response) == [("colour", "extra_forbidden"), ("version", "int_parsing")]
    assert counts() == before


# ---- authentication ---------------------------------------------------------------------------


def test_without_a_token_every_application_call_is_401(api, case):
    anonymous = api()
    before = counts()

    responses = [
        anonymous.post(
            "/api/applications",
            {"journey": "business_startup", "zone": "chip_valley", "form": FORM},
        ),
        anonymous.get(f"/api/applications/{case.application_id}"),
        anonymous.post(f"/api/applications/{case.application_id}/actions/withdraw"),
        anonymous.upload(f"/api/applications/{case.application_id}/materials", "x", pdf()),
        anonymous.post(f"/api/item-cases/{case.pk}/actions/accept"),
        anonymous.get("/api/approvals/outcomes", journey="business_startup"),
    ]

    assert [response.status_code for response in responses] == [401] * 6
    assert counts() == before


# ---- outcomes ---------------------------------------------------------------------------------


def test_it_reports_the_outcomes_of_completed_applications(api, approvals):
    founder, officer = api("founder"), api("officer_a")
    application = start(api)
    case = application["items"][0]["id"]
    with clock.simulated_time(TUESDAY_MORNING.replace(hour=11)):
        officer.post(f"/api/item-cases/{case}/actions/accept")
        officer.post(f"/api/item-cases/{case}/actions/approve")
    seal = founder.get(f"/api/applications/{application['id']}").json()["items"][1]["id"]
    with clock.simulated_time(TUESDAY_MORNING.replace(hour=14)):
        officer.post(f"/api/item-cases/{seal}/actions/accept")
        officer.post(f"/api/item-cases/{seal}/actions/approve")
    assert founder.get(f"/api/applications/{application['id']}").json()["state"] == "completed"

    response = api("leader").get(
        "/api/approvals/outcomes",
        journey="business_startup",
        **{"from": "2025-06-01", "to": "2025-06-30", "zone": "chip_valley"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    # Only the mandatory registration counts: decided an hour after submission.
    hour_in_days = round(1 / 24, 2)
    assert {key: body[key] for key in ("journey", "count")} == {
        "journey": "business_startup",
        "count": 1,
    }
    assert body["median_calendar_days"] == body["p90_calendar_days"] == hour_in_days
    assert body["median_working_days"] == body["p90_working_days"]
    # One office hour of a seven-hour working day.
    assert body["median_working_days"] == 0.14
    assert body["doing_business_days"] == 0.5
    assert body["baseline"] == {"value": 20.0, "unit": "days", "definition": "改革前"}
    assert set(body["definitions"]) >= {"count", "median_working_days", "doing_business_days"}
    empty = api("leader").get(
        "/api/approvals/outcomes",
        journey="business_startup",
        **{"from": "2025-07-01", "to": "2025-07-31"},
    )
    assert (empty.json()["count"], empty.json()["median_working_days"]) == (0, None)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"journey": "no_such", "from": "2025-01-01", "to": "2025-12-31"},
            [("journey", "unknown")],
        ),
        (
            {"journey": "business_startup", "from": "2025-01-01", "to": "2025-12-31", "zone": "x"},
            [("zone", "unknown")],
        ),
        (
            {"journey": "business_startup", "from": "2025-12-31", "to": "2025-01-01"},
            [("to", "before_start")],
        ),
        ({"journey": "business_startup", "to": "2025-12-31"}, [("from", "missing")]),
        (
            {"journey": "business_startup", "from": "2025-01-01", "to": "9999-12-31"},
            [("to", "out_of_range")],
        ),
        (
            {"journey": "business_startup", "from": "2025-13-01", "to": "2025-12-31"},
            [("from", "date_from_datetime_parsing")],
        ),
    ],
)
def test_bad_outcome_parameters_are_invalid_input(api, approvals, params, expected):
    response = api("leader").get("/api/approvals/outcomes", **params)

    assert response.status_code == 422
    assert error_fields(response) == expected


def test_it_hides_the_outcomes_from_enterprises_and_founders(api, approvals):
    for persona in ("enterprise_user", "founder", "bureau_officer"):
        response = api(persona).get(
            "/api/approvals/outcomes",
            journey="business_startup",
            **{"from": "2025-01-01", "to": "2025-12-31"},
        )
        assert response.status_code == 404, persona
