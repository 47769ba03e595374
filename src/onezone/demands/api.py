"""Demands API: categories, demands (create, list, read, act on) and their KPIs."""

from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from onezone.core import clock, workcal
from onezone.core.access import is_staff_member, require_visible
from onezone.core.api import (
    LARGEST_QUERY_NUMBER,
    DatabaseId,
    ErrorOut,
    Pagination,
    Text,
    database_id,
)
from onezone.core.masking import mask_phone
from onezone.demands import access
from onezone.demands.choices import (
    COORDINATOR_ACTIONS,
    FLAG_ACTIONS,
    TRANSITIONS,
    UNIT_ACTIONS,
    Channel,
    DemandAction,
    DemandState,
    Priority,
    ReviewDecision,
    Satisfaction,
)
from onezone.demands.models import DemandEvent
from onezone.demands.selectors import demands as selectors
from onezone.demands.selectors.kpis import demand_kpis
from onezone.demands.selectors.phones import PhoneReader
from onezone.demands.services import demands as services

router = Router(tags=["demands"])

# An action's body may carry no more than this many co-units.
MAX_CO_UNITS = 50


# ---- input ------------------------------------------------------------------------------------


class DemandIn(Schema):
    """A new demand. `zone` (a zone code) is required when no `enterprise` (USCC) is given."""

    model_config = ConfigDict(extra="forbid")

    enterprise: Text | None = None
    zone: Text | None = None
    caller_name: Text = ""
    caller_phone: Text = ""
    address: Text = ""
    channel: Channel
    category: Text
    title: Text
    description: Text = ""
    priority: Priority = Priority.ORDINARY
    is_legacy: bool = False
    is_public: bool = False


class ActionIn(Schema):
    """The body of every action; which keys an action needs is the service's rule."""

    model_config = ConfigDict(extra="forbid")

    lead_unit: DatabaseId | None = None
    co_units: list[DatabaseId] | None = Field(None, max_length=MAX_CO_UNITS)
    unclear: bool | None = None
    reason: Text | None = None
    note: Text | None = None
    content: Text | None = None
    # Its range is the service's rule (one error code for it, wherever it is checked).
    working_days: int | None = None
    decision: ReviewDecision | None = None
    valid: bool | None = None
    contacted: bool | None = None
    resolved: bool | None = None
    satisfaction: Satisfaction | None = None
    unit_at_fault: bool | None = None
    version: int | None = Field(None, ge=1, le=LARGEST_QUERY_NUMBER)


class DemandQuery(Schema):
    state: DemandState | None = None
    channel: Channel | None = None
    priority: Priority | None = None
    zone: Text = ""
    unit: DatabaseId | None = None
    enterprise: Text = ""
    category: Text = ""
    is_overdue: bool | None = None
    is_legacy: bool | None = None
    q: Text = ""

    def filters(self) -> dict:
        values = {
            "state": self.state,
            "channel": self.channel,
            "priority": self.priority,
            "zone": self.zone.strip(),
            "unit": self.unit,
            "enterprise": self.enterprise.strip(),
            "category": self.category.strip(),
            "is_overdue": self.is_overdue,
            "is_legacy": self.is_legacy,
            "q": self.q.strip(),
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def _supported_day(value: date) -> date:
    if not workcal.FIRST_SUPPORTED_YEAR <= value.year <= workcal.LAST_SUPPORTED_YEAR:
        raise PydanticCustomError(
            "out_of_range",
            "Give a date in the years {first}–{last}.",
            {"first": workcal.FIRST_SUPPORTED_YEAR, "last": workcal.LAST_SUPPORTED_YEAR},
        )
    return value


Day = Annotated[date, AfterValidator(_supported_day)]


class KpiQuery(Schema):
    date_from: Day = Field(alias="from")
    date_to: Day = Field(alias="to")
    zone: Text = ""
    unit: DatabaseId | None = None
    channel: Channel | None = None
    enterprise: Text = ""

    @field_validator("date_to")
    @classmethod
    def _not_before_start(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("date_from")
        if start is not None and value < start:
            raise PydanticCustomError("before_start", "`to` must not be before `from`.")
        return value


# ---- output -----------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    name: str
    body: str


class CategoryOut(Schema):
    code: str
    name: str
    group: str
    matter: str

    @staticmethod
    def resolve_matter(category) -> str:
        return category.matter.code


class DemandItem(Schema):
    """A list row, built from the selector's joined rows: no query per row."""

    id: int
    reference: str
    state: str
    channel: str
    priority: str
    category: str
    title: str
    enterprise: str | None
    enterprise_name: str | None
    zone: str
    caller_name: str
    caller_phone: str
    receiving_unit: UnitRef
    suggested_unit: UnitRef | None
    lead_unit: UnitRef | None
    accepted_at: datetime
    due_at: datetime | None
    is_overdue: bool
    is_legacy: bool
    is_invalid: bool
    is_public: bool
    is_supervised: bool
    urge_count: int
    version: int


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    note: str
    data: dict[str, Any]
    actor: str | None
    at: datetime


class CallbackOut(Schema):
    valid: bool
    contacted: bool
    resolved: bool
    satisfaction: str
    unit_at_fault: bool
    note: str
    actor: str | None
    at: datetime


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime


class DemandOut(DemandItem):
    """One demand with what happened to it."""

    description: str
    address: str
    co_units: list[UnitRef]
    duplicate_of: str | None
    invalid_reason: str
    dispatched_at: datetime | None
    signed_at: datetime | None
    first_contact_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    reply_content: str
    sign_on_time: bool | None
    reply_on_time: bool | None
    extension_approved: bool
    extension_requested_days: int | None
    return_approved: bool
    actions: list[str]
    timeline: list[EventOut]
    callbacks: list[CallbackOut]
    attachments: list[AttachmentOut]


class KpiOut(Schema):
    valid_callbacks: int
    contacted: int
    resolved: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    composite: float | None
    on_time_sign_rate: float | None
    on_time_reply_rate: float | None
    extension_rate: float | None
    return_rate: float | None
    repeat_rate: float | None
    mean_handling_working_days: float | None
    legacy_total: int
    legacy_resolved: int
    legacy_resolution_rate: float | None


ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# ---- building answers -------------------------------------------------------------------------


def _unit_ref(unit) -> dict | None:
    if unit is None:
        return None
    return {"id": unit.pk, "name": unit.name, "body": unit.body.name}


def _user_name(user) -> str | None:
    if user is None:
        return None
    return getattr(user, "full_name", "") or user.get_username()


def _item(demand, reader: PhoneReader, moment: datetime) -> dict:
    enterprise = demand.enterprise
    return {
        "id": demand.pk,
        "reference": demand.reference,
        "state": demand.state,
        "channel": demand.channel,
        "priority": demand.priority,
        "category": demand.category_id,
        "title": demand.title,
        "enterprise": enterprise.uscc if enterprise else None,
        "enterprise_name": enterprise.name if enterprise else None,
        "zone": demand.zone.code,
        "caller_name": demand.caller_name,
        "caller_phone": reader.phone(demand),
        "receiving_unit": _unit_ref(demand.receiving_unit),
        "suggested_unit": _unit_ref(demand.suggested_unit),
        "lead_unit": _unit_ref(demand.lead_unit),
        "accepted_at": demand.accepted_at,
        "due_at": demand.due_at,
        "is_overdue": demand.due_at is not None and demand.due_at < moment,
        "is_legacy": demand.is_legacy,
        "is_invalid": demand.is_invalid,
        "is_public": demand.is_public,
        "is_supervised": demand.is_supervised,
        "urge_count": demand.urge_count,
        "version": demand.version,
    }


def _detail(demand, reader: PhoneReader) -> dict:
    prefetch_related_objects(
        [demand],
        "co_units__body",
        Prefetch("events", queryset=DemandEvent.objects.select_related("actor")),
        "callbacks__actor",
        "attachments",
    )
    return {
        **_item(demand, reader, clock.now()),
        "description": demand.description,
        "address": demand.address,
        "co_units": [_unit_ref(unit) for unit in demand.co_units.all()],
        "duplicate_of": demand.duplicate_of.reference if demand.duplicate_of_id else None,
        "invalid_reason": demand.invalid_reason,
        "dispatched_at": demand.dispatched_at,
        "signed_at": demand.signed_at,
        "first_contact_at": demand.first_contact_at,
        "replied_at": demand.replied_at,
        "closed_at": demand.closed_at,
        "reply_content": demand.reply_content,
        "sign_on_time": demand.sign_on_time,
        "reply_on_time": demand.reply_on_time,
        "extension_approved": demand.extension_approved,
        "extension_requested_days": demand.extension_requested_days,
        "return_approved": demand.return_approved,
        "actions": _allowed_actions(reader.user, demand),
        "timeline": [_event(event, reader.full(demand)) for event in demand.events.all()],
        "callbacks": [
            {
                "valid": callback.valid,
                "contacted": callback.contacted,
                "resolved": callback.resolved,
                "satisfaction": callback.satisfaction,
                "unit_at_fault": callback.unit_at_fault,
                "note": callback.note,
                "actor": _user_name(callback.actor),
                "at": callback.at,
            }
            for callback in demand.callbacks.all()
        ],
        "attachments": [
            {
                "id": attachment.pk,
                "name": attachment.name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "uploaded_at": attachment.uploaded_at,
            }
            for attachment in demand.attachments.all()
        ],
    }


def _allowed_actions(user, demand) -> list[str]:
    """The actions the state allows and the caller's part permits (the service has the last
    word, e.g. `reopen` only after a callback that found the unit at fault)."""
    allowed = {
        "coordinate": access.can_coordinate(user, demand),
        "handle": access.can_handle(user, demand),
        "flag": access.can_flag(user, demand),
    }
    part = {
        **dict.fromkeys(COORDINATOR_ACTIONS, "coordinate"),
        **dict.fromkeys(UNIT_ACTIONS, "handle"),
        **dict.fromkeys(FLAG_ACTIONS, "flag"),
    }
    return [
        action
        for action in DemandAction.values
        if action in TRANSITIONS.get(demand.state, {}) and allowed[part[action]]
    ]


def _event(event, full_phone: bool) -> dict:
    data = dict(event.data or {})
    if not full_phone and isinstance(data.get("caller_phone"), str):
        data["caller_phone"] = mask_phone(data["caller_phone"])
    return {
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "note": event.note,
        "data": data,
        "actor": _user_name(event.actor),
        "at": event.at,
    }


def _visible(request, pk: int):
    return selectors.demand_get(actor=request.user, pk=database_id(pk))


# ---- categories -------------------------------------------------------------------------------


@router.get("/demands/categories", response=list[CategoryOut], auth=None)
@paginate(Pagination)
def category_list(request):
    """Active categories (public: Open311 publishes them as its services too)."""
    return selectors.demand_categories().select_related("matter")


# ---- demands ----------------------------------------------------------------------------------


@router.post("/demands", response={201: DemandOut, **ERRORS})
def demand_create(request, payload: DemandIn):
    demand = services.demand_create(
        actor=request.user,
        channel=payload.channel,
        category=payload.category,
        title=payload.title,
        description=payload.description,
        priority=payload.priority,
        enterprise=payload.enterprise or None,
        zone=payload.zone or None,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        address=payload.address,
        is_legacy=payload.is_legacy,
        is_public=payload.is_public,
    )
    return Status(201, _detail(_visible(request, demand.pk), PhoneReader(request.user)))


@router.get("/demands", response=list[DemandItem])
@paginate(Pagination)
def demand_list(request, query: Query[DemandQuery]):
    return _DemandRows(
        selectors.demand_list(actor=request.user, filters=query.filters()),
        PhoneReader(request.user),
    )


class _DemandRows:
    """The selector's queryset, turned into answer rows only for the page ninja slices out."""

    def __init__(self, queryset, reader: PhoneReader):
        self.queryset = queryset
        self.reader = reader

    def all(self) -> "_DemandRows":
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[dict]:
        moment = clock.now()
        return [_item(demand, self.reader, moment) for demand in self.queryset[window]]


@router.get("/demands/kpis", response={200: KpiOut, 404: ErrorOut, 422: ErrorOut})
def kpis(request, query: Query[KpiQuery]):
    """The KPIs of demands in [from, to] (local dates), for staff (404 for others)."""
    require_visible(is_staff_member(request.user))
    return demand_kpis(
        start=query.date_from,
        end=query.date_to,
        zone=query.zone.strip() or None,
        unit=query.unit,
        channel=query.channel or None,
        enterprise=query.enterprise.strip() or None,
    )


@router.get("/demands/{int:id}", response={200: DemandOut, 404: ErrorOut})
def demand_get(request, id: int):
    return _detail(_visible(request, id), PhoneReader(request.user))


@router.post("/demands/{int:id}/actions/{action}", response={200: DemandOut, **ERRORS})
def demand_act(request, id: int, action: str, payload: ActionIn | None = None):
    """Any action of the transition table; an action that does not exist is a 404."""
    demand = _visible(request, id)
    if action not in DemandAction.values:
        raise Http404
    data = (payload or ActionIn()).model_dump(exclude_unset=True, mode="json")
    version = data.pop("version", None)
    services.demand_act(
        actor=request.user, demand=demand, action=action, data=data, version=version
    )
    return _detail(_visible(request, id), PhoneReader(request.user))
