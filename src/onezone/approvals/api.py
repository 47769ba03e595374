"""Approvals API: journeys (public), applications, materials and item-case actions."""

from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AfterValidator, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from onezone.approvals import selectors, services
from onezone.approvals.access import can_read_outcomes
from onezone.approvals.choices import ItemAction
from onezone.approvals.models import Document
from onezone.approvals.selectors.outcomes import journey_outcomes
from onezone.core import workcal
from onezone.core.access import require_visible
from onezone.core.api import ErrorOut, Pagination, Text, database_id, storable_text
from onezone.core.errors import ConflictError

router = Router(tags=["approvals"])


# ---- input ------------------------------------------------------------------------------------


def _answer(value: Any) -> Any:
    """One answer of the combined form: a plain value (the field's type decides the rest)."""
    if isinstance(value, str):
        return storable_text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    raise PydanticCustomError("not_a_value", _("Answer with text, a number or true/false."))


Answer = Annotated[Any, BeforeValidator(_answer)]


class ApplicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    journey: Text
    zone: Text
    enterprise: Text | None = None
    form: dict[Text, Answer] = {}
    draft: bool = False


def _supported_day(value: date) -> date:
    if not workcal.FIRST_SUPPORTED_YEAR <= value.year <= workcal.LAST_SUPPORTED_YEAR:
        raise PydanticCustomError(
            "out_of_range",
            "Give a date in the years {first}–{last}.",
            {"first": workcal.FIRST_SUPPORTED_YEAR, "last": workcal.LAST_SUPPORTED_YEAR},
        )
    return value


Day = Annotated[date, AfterValidator(_supported_day)]


class OutcomeQuery(Schema):
    journey: Text
    date_from: Day = Field(alias="from")
    date_to: Day = Field(alias="to")
    zone: Text = ""


class CaseActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Text = ""
    version: int | None = None


# ---- output -----------------------------------------------------------------------------------


class MeasureOut(Schema):
    value: float
    unit: str
    definition: str


class JourneyItemOut(Schema):
    """A journey in the list: what it is and how long it takes, before and after the reform."""

    code: str
    name: str
    description: str
    needs_enterprise: bool
    baseline: MeasureOut
    target: MeasureOut

    @staticmethod
    def resolve_baseline(journey) -> dict:
        return {
            "value": journey.baseline_value,
            "unit": journey.baseline_unit,
            "definition": journey.baseline_definition,
        }

    @staticmethod
    def resolve_target(journey) -> dict:
        return {
            "value": journey.target_value,
            "unit": journey.target_unit,
            "definition": journey.target_definition,
        }


class SpecMaterialOut(Schema):
    code: str
    name: str
    required: bool
    accepted_types: list[str]
    max_size_mb: int


class StageItemOut(Schema):
    matter: str
    name: str
    mandatory: bool
    fully_online: bool
    promised_limit_working_days: float
    statutory_limit_working_days: int
    materials: list[SpecMaterialOut]


class StageOut(Schema):
    order: int
    name: str
    lead_body: str
    items: list[StageItemOut]


class FormFieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    choices: list[str] | None = None


class JourneyOut(JourneyItemOut):
    """One journey: its stages in order, their items, and the one combined form."""

    stages: list[StageOut]
    form: list[FormFieldOut]

    @staticmethod
    def resolve_stages(journey) -> list[dict]:
        return [
            {
                "order": stage.order,
                "name": stage.name,
                "lead_body": stage.lead_body.name,
                "items": [_stage_item(item) for item in stage.items.all()],
            }
            for stage in journey.stages.all()
        ]

    @staticmethod
    def resolve_form(journey) -> list[dict]:
        return [field.as_dict() for field in services.journey_form(journey)]


class UnitRef(Schema):
    id: int
    name: str
    body: str


class ItemCaseOut(Schema):
    id: int
    matter: str
    name: str
    stage: int
    state: str
    holder_unit: UnitRef
    due_at: datetime | None
    is_overdue: bool
    version: int

    @staticmethod
    def resolve_matter(case) -> str:
        return case.journey_item.spec.matter.code

    @staticmethod
    def resolve_name(case) -> str:
        return case.journey_item.spec.matter.name

    @staticmethod
    def resolve_stage(case) -> int:
        return case.stage_order

    @staticmethod
    def resolve_holder_unit(case) -> dict:
        unit = case.holder_unit
        return {"id": unit.pk, "name": unit.name, "body": unit.body.name}


class DocumentOut(Schema):
    id: int
    item_case: int
    kind: str
    number: str
    issued_at: datetime
    url: str


class MaterialOut(Schema):
    id: int
    code: str
    name: str
    size: int
    sha256: str

    @staticmethod
    def resolve_name(material) -> str:
        return material.original_name

    @staticmethod
    def resolve_size(material) -> int:
        return material.size_bytes


class ApplicationOut(Schema):
    id: int
    reference: str
    journey: str
    zone: str
    enterprise: str | None
    state: str
    current_stage: int | None
    form: dict[str, Any]
    created_at: datetime
    submitted_at: datetime | None
    finished_at: datetime | None
    version: int
    items: list[ItemCaseOut]
    materials: list[MaterialOut]
    documents: list[DocumentOut]


class OutcomeOut(Schema):
    journey: str
    count: int
    median_working_days: float | None
    p90_working_days: float | None
    median_calendar_days: float | None
    p90_calendar_days: float | None
    doing_business_days: float | None
    baseline: MeasureOut
    target: MeasureOut
    definitions: dict[str, str]


ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# ---- building answers -------------------------------------------------------------------------


def _stage_item(item) -> dict:
    spec = item.spec
    return {
        "matter": spec.matter.code,
        "name": spec.matter.name,
        "mandatory": item.is_mandatory,
        "fully_online": item.is_fully_online,
        "promised_limit_working_days": spec.promised_limit_working_days,
        "statutory_limit_working_days": spec.statutory_limit_working_days,
        "materials": [
            {
                "code": material.code,
                "name": material.name,
                "required": material.is_required,
                "accepted_types": material.extensions,
                "max_size_mb": material.max_size_mb,
            }
            for material in spec.materials.all()
        ],
    }


def _application_out(application) -> dict:
    """The application with every item case so far (at creation: the first stage's)."""
    documents = (
        Document.objects.filter(item_case__application=application)
        .defer("content")
        .order_by("issued_at", "id")
    )
    return {
        "id": application.pk,
        "reference": application.reference,
        "journey": application.journey.code,
        "zone": application.zone.code,
        "enterprise": application.enterprise.uscc if application.enterprise_id else None,
        "state": application.state,
        "current_stage": application.current_stage,
        "form": application.form_data,
        "created_at": application.created_at,
        "submitted_at": application.submitted_at,
        "finished_at": application.finished_at,
        "version": application.version,
        "items": list(application.item_cases.all()),
        "materials": list(application.materials.order_by("code", "id")),
        "documents": [
            {
                "id": document.pk,
                "item_case": document.item_case_id,
                "kind": document.kind,
                "number": document.number,
                "issued_at": document.issued_at,
                "url": reverse("approvals:document_download", args=[document.pk]),
            }
            for document in documents
        ],
    }


def _visible_application(request, pk: int):
    return selectors.application_get(actor=request.user, pk=database_id(pk))


# ---- journeys (public) ------------------------------------------------------------------------


@router.get("/journeys", response=list[JourneyItemOut], auth=None)
@paginate(Pagination)
def journey_list(request):
    return selectors.journey_list().order_by("code")


@router.get("/journeys/{code}", response={200: JourneyOut, 404: ErrorOut}, auth=None)
def journey_get(request, code: str):
    journey = selectors.journey_get(code=code)
    prefetch_related_objects([journey], "stages__lead_body", "stages__items__spec__materials")
    return journey


# ---- applications -----------------------------------------------------------------------------


@router.post("/applications", response={201: ApplicationOut, **ERRORS})
def application_create(request, payload: ApplicationIn):
    application = services.application_create(
        actor=request.user,
        journey=payload.journey,
        zone=payload.zone,
        enterprise=payload.enterprise,
        form=payload.form,
        draft=payload.draft,
    )
    return Status(201, _application_out(_visible_application(request, application.pk)))


@router.get("/applications/{int:id}", response={200: ApplicationOut, 404: ErrorOut})
def application_get(request, id: int):
    return _application_out(_visible_application(request, id))


@router.post("/applications/{int:id}/actions/submit", response={200: ApplicationOut, **ERRORS})
def application_submit(request, id: int):
    application = _visible_application(request, id)
    services.application_submit(actor=request.user, application=application)
    return _application_out(_visible_application(request, id))


@router.post("/applications/{int:id}/actions/withdraw", response={200: ApplicationOut, **ERRORS})
def application_withdraw(request, id: int):
    application = _visible_application(request, id)
    services.application_withdraw(actor=request.user, application=application)
    return _application_out(_visible_application(request, id))


@router.post("/applications/{int:id}/materials", response={201: MaterialOut, **ERRORS})
def material_upload(request, id: int, code: Form[Text], file: File[UploadedFile]):
    application = _visible_application(request, id)
    material = services.material_upload(
        actor=request.user, application=application, code=code, uploaded=file
    )
    return Status(201, material)


# ---- item cases -------------------------------------------------------------------------------


@router.post("/item-cases/{int:id}/actions/{action}", response={200: ItemCaseOut, **ERRORS})
def item_case_act(request, id: int, action: str, payload: CaseActionIn | None = None):
    case = selectors.case_get(actor=request.user, pk=database_id(id))
    if action not in ItemAction.values:
        # Not an action of the transition table: not allowed in any state.
        raise ConflictError(_("There is no such action on an item."))
    payload = payload or CaseActionIn()
    services.item_case_act(
        actor=request.user,
        item_case=case,
        action=action,
        reason=payload.reason,
        version=payload.version,
    )
    return selectors.case_get(actor=request.user, pk=case.pk)


# ---- outcomes ---------------------------------------------------------------------------------


@router.get("/approvals/outcomes", response={200: OutcomeOut, 422: ErrorOut})
def outcomes(request, query: Query[OutcomeQuery]):
    """Measured figures of a journey for applications completed in [from, to] (dates); for
    leaders, administrators and zone officers, like the outcomes page (404 for others)."""
    require_visible(can_read_outcomes(request.user))
    return journey_outcomes(
        journey=query.journey,
        date_from=query.date_from,
        date_to=query.date_to,
        zone=query.zone.strip() or None,
    )
