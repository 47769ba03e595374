"""Register API: the public matter list and "who handles it" routing (anonymous read)."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from onezone.core.api import Pagination
from onezone.org.models import Zone
from onezone.register import selectors
from onezone.register.choices import MatterKind
from onezone.register.routing import NoHolder, route

router = Router(tags=["register"])


class MatterOut(Schema):
    id: int
    code: str
    name: str
    kind: MatterKind
    home_body: str
    legal_basis: str
    enterprise_related: bool

    @staticmethod
    def resolve_home_body(matter) -> str:
        return matter.home_body.name


class MatterFilters(Schema):
    kind: MatterKind | None = None
    enterprise_related: bool | None = None
    q: str = ""


class UnitRef(Schema):
    id: int
    name: str
    body: str


class PersonRef(Schema):
    id: int
    name: str


class RouteOut(Schema):
    matter: str
    zone: str
    list: str
    mode: str
    holder_unit: UnitRef
    deciding_unit: UnitRef | None
    commissioner: PersonRef | None
    entry_id: int


class Message(Schema):
    detail: str


@router.get("/register/matters", response=list[MatterOut], auth=None)
@paginate(Pagination)
def matter_list(request, filters: Query[MatterFilters]):
    return selectors.matter_list(
        actor=request.user,
        kind=filters.kind or "",
        enterprise_related=filters.enterprise_related,
        search=filters.q.strip(),
    )


def _unit(unit) -> dict | None:
    if unit is None:
        return None
    return {"id": unit.pk, "name": unit.name, "body": unit.body.name}


@router.get("/register/route", response={200: RouteOut, 404: Message}, auth=None)
def route_get(request, matter: str, zone: str, at: date | None = None):
    """Who handles the matter (by code) in the zone (by code) on `at` (today by default)."""
    found = selectors.matter_get(actor=request.user, code=matter)
    zone_obj = get_object_or_404(Zone, code=zone)
    try:
        routing = route(found, zone_obj, at)
    except NoHolder as error:
        return Status(404, {"detail": str(error)})
    return {
        "matter": found.code,
        "zone": zone_obj.code,
        "list": routing.list_name,
        "mode": routing.mode,
        "holder_unit": _unit(routing.holder_unit),
        "deciding_unit": _unit(routing.deciding_unit),
        "commissioner": None
        if routing.commissioner is None
        else {"id": routing.commissioner.pk, "name": routing.commissioner.name},
        "entry_id": routing.entry.pk,
    }
