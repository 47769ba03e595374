"""Enterprise API: the enterprise file (一企一档) — list, read, create and change by USCC."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from onezone.core.api import DatabaseId, ErrorOut, Pagination, Text, storable_text
from onezone.core.errors import validation_errors
from onezone.enterprises import selectors, services
from onezone.enterprises.access import current_assignment_filter
from onezone.enterprises.choices import DevelopmentStage, ServiceRole, SizeClass

router = Router(tags=["enterprises"])
USCC_LENGTH = 18


# ---- input ------------------------------------------------------------------------------------


def _number_text(value: Any) -> str | None:
    """A number sent as a JSON number or a string, handed on as text (never a float)."""
    if value is None:
        return None
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    raise PydanticCustomError("not_a_number", _("Enter a number."))


def _code_list(value: Any) -> Any:
    """Tags as a JSON list of codes or one "a,b" string."""
    if isinstance(value, str):
        return [code.strip() for code in value.split(",") if code.strip()]
    return value


# Numbers travel as text so amounts keep their exact decimals; the service checks them.
NumberText = Annotated[str | None, BeforeValidator(_number_text)]
CodeList = Annotated[list[Text] | None, BeforeValidator(_code_list)]


class ContactIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Text | None = None
    title: Text | None = None
    phone: Text | None = None
    email: Text | None = None
    is_primary: bool = False


class EnterpriseIn(Schema):
    """Fields of the file. Required on create (checked by the service, one error per field):
    uscc, name, zone, industry_code, registered_on, employees, revenue_10k_cny,
    assets_10k_cny, rd_expense_10k_cny."""

    model_config = ConfigDict(extra="forbid")

    uscc: Text | None = None
    name: Text | None = None
    legal_representative: Text | None = None
    registered_address: Text | None = None
    zone: Text | None = None
    industry_code: Text | None = None
    registered_on: Text | None = None
    employees: NumberText = None
    revenue_10k_cny: NumberText = None
    assets_10k_cny: NumberText = None
    rd_expense_10k_cny: NumberText = None
    tax_10k_cny: NumberText = None
    invention_patents: NumberText = None
    rd_staff: NumberText = None
    year: NumberText = None
    as_of: Text | None = None
    source: Text | None = None
    tags: CodeList = None
    development_stage: Text | None = None
    development_stage_override_reason: Text | None = None
    uscc_override_reason: Text | None = None
    contacts: list[ContactIn] | None = None


class EnterprisePatch(EnterpriseIn):
    """Only the fields sent are changed; `version` (optional) refuses a stale edit with 409."""

    version: int | None = None


class EnterpriseQuery(Schema):
    search: Text = ""
    q: Text = ""
    zone: Text = ""
    industry: Text = ""
    size_class: Text = ""
    development_stage: DevelopmentStage | None = None
    tag: Text = ""
    liaison: DatabaseId | None = None

    @field_validator("size_class")
    @classmethod
    def _known_size_class(cls, value: str) -> str:
        value = value.strip()
        if value and value != "none" and value not in SizeClass.values:
            raise PydanticCustomError(
                "enum", "Expected one of: {choices}", {"choices": ", ".join(SizeClass.values)}
            )
        return value

    def filters(self) -> selectors.EnterpriseFilters:
        return selectors.EnterpriseFilters(
            search=(self.search or self.q).strip(),
            zone_code=self.zone.strip(),
            industry=self.industry.strip().upper(),
            size_class=self.size_class,
            development_stage=self.development_stage or "",
            tag=self.tag.strip(),
            liaison_person_id=self.liaison,
        )


# ---- output -----------------------------------------------------------------------------------


class ServicePersonOut(Schema):
    name: str
    unit: str
    phone: str


class ContactOut(Schema):
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool


class FigureSourceOut(Schema):
    year: int
    source: str
    as_of: date


class EnterpriseItem(Schema):
    """A list row; built from prefetched data (zone, tags, current assignments): no queries."""

    id: int
    uscc: str
    name: str
    legal_representative: str
    registered_address: str
    zone: str
    industry_code: str
    industry_section: str
    registered_on: date | None
    employees: int | None
    revenue_10k_cny: Decimal | None
    assets_10k_cny: Decimal | None
    rd_expense_10k_cny: Decimal | None
    invention_patents: int | None
    rd_staff: int | None
    size_class: str | None
    development_stage: str
    development_stage_override_reason: str
    uscc_override_reason: str
    tags: list[str]
    liaison: ServicePersonOut | None
    chief_representative: ServicePersonOut | None
    version: int
    updated_at: datetime | None

    @staticmethod
    def resolve_zone(enterprise) -> str:
        return enterprise.zone.code

    @staticmethod
    def resolve_tags(enterprise) -> list[str]:
        return [tag.code for tag in enterprise.tags.all()]

    @staticmethod
    def resolve_liaison(enterprise) -> dict | None:
        return _service_person(enterprise, ServiceRole.LIAISON)

    @staticmethod
    def resolve_chief_representative(enterprise) -> dict | None:
        return _service_person(enterprise, ServiceRole.CHIEF_REPRESENTATIVE)


class EnterpriseOut(EnterpriseItem):
    """The whole file; contact phones masked for callers who don't need them."""

    contacts: list[ContactOut]
    figure_sources: dict[str, FigureSourceOut]

    @staticmethod
    def resolve_contacts(enterprise, context) -> list[dict]:
        return selectors.contacts_for(actor=context["request"].user, enterprise=enterprise)

    @staticmethod
    def resolve_figure_sources(enterprise) -> dict[str, dict]:
        return selectors.current_figure_sources(enterprise=enterprise)


def _service_person(enterprise, role: str) -> dict | None:
    # The liaison's number is a service contact: shown in full to whoever sees the file.
    assignment = selectors.holder_of(enterprise, role)
    if assignment is None:
        return None
    post = assignment.post
    return {"name": post.person.name, "unit": str(post.unit), "phone": post.person.phone}


def _reload(actor, enterprise):
    """The written file as the caller's list shows it (prefetched), even when out of sight."""
    visible = selectors.enterprise_list(actor=actor).filter(pk=enterprise.pk).first()
    if visible is not None:
        return visible
    enterprise.current_assignments = list(
        selectors.assignment_history(enterprise=enterprise).filter(current_assignment_filter())
    )
    return enterprise


def _is_duplicate(error: ValidationError) -> bool:
    return any(
        item.code == "duplicate" for item in getattr(error, "error_dict", {}).get("uscc", [])
    )


# ---- endpoints --------------------------------------------------------------------------------


@router.get("/enterprises", response=list[EnterpriseItem])
@paginate(Pagination)
def list_enterprises(request, query: Query[EnterpriseQuery]):
    return selectors.enterprise_list(actor=request.user, filters=query.filters())


@router.post(
    "/enterprises",
    response={201: EnterpriseOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def create_enterprise(request, payload: EnterpriseIn):
    data = payload.model_dump(exclude_unset=True)
    try:
        enterprise = services.enterprise_create(actor=request.user, data=data)
    except ValidationError as error:
        if not _is_duplicate(error):
            raise
        errors = validation_errors(error)
        return Status(409, {"detail": errors[0]["message"], "errors": errors})
    return Status(201, _reload(request.user, enterprise))


def _visible(actor, uscc: str):
    """The file by its code, or 404 (also for a path no code could have)."""
    if not uscc.isalnum() or len(uscc) > USCC_LENGTH:
        raise Http404
    return selectors.enterprise_get_by_uscc(actor=actor, uscc=uscc)


@router.get("/enterprises/{uscc}", response=EnterpriseOut)
def get_enterprise(request, uscc: str):
    return _visible(request.user, uscc)


@router.patch(
    "/enterprises/{uscc}",
    response={200: EnterpriseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def update_enterprise(request, uscc: str, payload: EnterprisePatch):
    enterprise = _visible(request.user, uscc)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version", None)
    if data:
        enterprise = services.enterprise_update(
            actor=request.user, enterprise=enterprise, data=data, version=version
        )
        enterprise = _reload(request.user, enterprise)
    return enterprise
