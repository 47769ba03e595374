"""Organisation API: zones, bodies, units and people, read-only and filterable."""

from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from onezone.core.api import DatabaseId, Pagination
from onezone.core.masking import mask_id_number, mask_phone
from onezone.org import selectors
from onezone.org.access import org_visibility

router = Router(tags=["organisation"])


class ZoneOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    industry_focus: str
    posts: int
    front_line_share: Decimal | None
    coordination_share: Decimal | None


class BodyRef(Schema):
    id: int
    name: str
    kind: str


class BodyOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    zone_code: str | None
    merged_with: BodyRef | None
    headcount_quota: int

    @staticmethod
    def resolve_zone_code(body) -> str | None:
        return body.zone.code if body.zone_id else None


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    front_line: bool
    body: BodyRef
    stationed_in: str | None
    serves_zones: list[str]

    @staticmethod
    def resolve_stationed_in(unit) -> str | None:
        return unit.stationed_in.code if unit.stationed_in_id else None

    @staticmethod
    def resolve_serves_zones(unit) -> list[str]:
        return sorted(zone.code for zone in unit.serves_zones.all())


class PostOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    body_name: str
    title: str
    is_leader: bool
    start_on: str
    end_on: str | None


class PersonOut(Schema):
    id: int
    name: str
    staff_number: str
    phone: str
    id_number: str
    is_synthetic: bool
    posts: list[PostOut]

    @staticmethod
    def resolve_phone(person, context) -> str:
        return _personal(person.phone, context, mask_phone)

    @staticmethod
    def resolve_id_number(person, context) -> str:
        return _personal(person.id_number, context, mask_id_number)

    @staticmethod
    def resolve_posts(person) -> list[dict]:
        return [
            {
                "id": post.pk,
                "unit_id": post.unit_id,
                "unit_name": post.unit.name,
                "body_name": post.unit.body.name,
                "title": post.title,
                "is_leader": post.is_leader,
                "start_on": post.start_on.isoformat(),
                "end_on": post.end_on.isoformat() if post.end_on else None,
            }
            for post in person.current_posts
        ]


def _personal(value: str, context, mask) -> str:
    if org_visibility(context["request"].user).can_see_personal_data:
        return value
    return mask(value)


def _zone_out(zone, shares) -> dict:
    return {
        "id": zone.pk,
        "code": zone.code,
        "name": zone.name,
        "name_en": zone.name_en,
        "industry_focus": zone.industry_focus,
        "posts": shares.posts,
        "front_line_share": shares.front_line_share,
        "coordination_share": shares.coordination_share,
    }


@router.get("/zones", response=list[ZoneOut])
@paginate(Pagination)
def list_zones(request, search: str = ""):
    shares = selectors.zone_shares_by_zone()
    empty = selectors.ZoneShares(0, 0, 0)
    zones = selectors.zone_list(actor=request.user, search=search)
    return [_zone_out(zone, shares.get(zone.pk, empty)) for zone in zones]


@router.get("/zones/{int:zone_id}", response=ZoneOut)
def get_zone(request, zone_id: int):
    zone = selectors.zone_get(actor=request.user, pk=zone_id)
    return _zone_out(zone, selectors.zone_shares(zone=zone))


@router.get("/bodies", response=list[BodyOut])
@paginate(Pagination)
def list_bodies(request, kind: str = "", zone: str = "", search: str = ""):
    return selectors.body_list(actor=request.user, kind=kind, zone_code=zone, search=search)


@router.get("/bodies/{int:body_id}", response=BodyOut)
def get_body(request, body_id: int):
    return selectors.body_get(actor=request.user, pk=body_id)


@router.get("/units", response=list[UnitOut])
@paginate(Pagination)
def list_units(
    request,
    body: DatabaseId | None = None,
    zone: str = "",
    kind: str = "",
    front_line: bool | None = None,
    search: str = "",
):
    return selectors.unit_list(
        actor=request.user,
        body_id=body,
        zone_code=zone,
        kind=kind,
        front_line=front_line,
        search=search,
    )


@router.get("/units/{int:unit_id}", response=UnitOut)
def get_unit(request, unit_id: int):
    return selectors.unit_get(actor=request.user, pk=unit_id)


@router.get("/people", response=list[PersonOut])
@paginate(Pagination)
def list_people(request, search: str = "", body: DatabaseId | None = None, zone: str = ""):
    return selectors.person_list(actor=request.user, search=search, body_id=body, zone_code=zone)


@router.get("/people/{int:person_id}", response=PersonOut)
def get_person(request, person_id: int):
    return selectors.person_get(actor=request.user, pk=person_id)
