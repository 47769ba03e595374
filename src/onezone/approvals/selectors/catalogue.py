"""Reads of the catalogue: service specifications, journeys and each stage's lead unit."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from onezone.approvals.models import Journey, JourneyItem, ServiceSpec
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Body, Unit

# Which unit of a body leads in a zone when it has several there: service before enforcement.
LEAD_KIND_ORDER = (
    UnitKind.PARK_SERVICE,
    UnitKind.ENTERPRISE_SERVICE,
    UnitKind.PLANNING_CONSTRUCTION,
    UnitKind.INVESTMENT_PROMOTION,
    UnitKind.INVESTMENT_ATTRACTION,
    UnitKind.COORDINATION,
    UnitKind.PARK_ENFORCEMENT,
)


def spec_list(*, search: str = "", stage: str = "", body_id: int | None = None):
    """Specifications with their matter and home body, filtered; ordered by matter code."""
    specs = ServiceSpec.objects.select_related("matter__home_body")
    if search:
        specs = specs.filter(Q(matter__name__icontains=search) | Q(matter__code__icontains=search))
    if stage == "none":
        specs = specs.filter(national_stage__isnull=True)
    elif stage:
        specs = specs.filter(national_stage=stage)
    if body_id:
        specs = specs.filter(matter__home_body_id=body_id)
    return specs.order_by("matter__code")


def spec_get(*, pk: int) -> ServiceSpec:
    return get_object_or_404(
        ServiceSpec.objects.select_related("matter__home_body").prefetch_related("materials"),
        pk=pk,
    )


def spec_home_bodies() -> QuerySet[Body]:
    """Bodies that are the home of at least one specified matter (the list's filter)."""
    return Body.objects.filter(pk__in=ServiceSpec.objects.values("matter__home_body_id")).order_by(
        "name"
    )


def journey_admin_list() -> QuerySet[Journey]:
    """Every journey, open or not, with its stages and items (for administrators' pages)."""
    return Journey.objects.prefetch_related(
        "stages__lead_body", "stages__items__spec__matter__home_body"
    ).order_by("code")


def journey_items_by_stage(journey: Journey) -> dict[int, list[JourneyItem]]:
    items = JourneyItem.objects.filter(stage__journey=journey).select_related(
        "spec__matter__home_body"
    )
    by_stage: dict[int, list[JourneyItem]] = {}
    for item in items.order_by("stage__order", "order", "id"):
        by_stage.setdefault(item.stage_id, []).append(item)
    return by_stage


def _kind_rank():
    return Case(
        *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(LEAD_KIND_ORDER)],
        default=Value(len(LEAD_KIND_ORDER)),
        output_field=IntegerField(),
    )


def _first_unit(units: QuerySet[Unit]) -> Unit | None:
    return (
        units.select_related("body")
        .annotate(kind_rank=_kind_rank())
        .order_by("-front_line", "kind_rank", "name", "pk")
        .first()
    )


def stage_lead_unit(stage, zone) -> Unit | None:
    """The unit that leads `stage` in `zone`: the lead body's unit stationed in the zone, else
    its unit serving the zone. A zone committee or lead bureau (局区合一) leads through a zone
    team: its own units where it belongs to the zone's team, elsewhere that zone's team
    (committee and merged lead bureau, same kind of body first), which does its work there.
    None when the body has no presence in the zone."""
    body = stage.lead_body
    own = Unit.objects.filter(Q(body=body) | Q(body__merged_with=body))
    if body.merged_with_id:
        own = own | Unit.objects.filter(body_id=body.merged_with_id)
    for units in (own.filter(stationed_in=zone), own.filter(serves_zones=zone)):
        unit = _first_unit(units.distinct())
        if unit is not None:
            return unit
    if body.kind not in (BodyKind.ZONE_COMMITTEE, BodyKind.LEAD):
        return None
    team = Body.objects.filter(
        Q(kind=BodyKind.ZONE_COMMITTEE, zone=zone) | Q(merged_with__zone=zone)
    )
    if team.filter(pk=body.pk).exists():
        return _first_unit(Unit.objects.filter(body=body)) or _first_unit(
            Unit.objects.filter(body__in=team)
        )
    return _first_unit(Unit.objects.filter(body__in=team.filter(kind=body.kind))) or _first_unit(
        Unit.objects.filter(body__in=team)
    )


def journey_get_any(*, code: str) -> Journey:
    """A journey by code, open or not (administrators' pages)."""
    return get_object_or_404(journey_admin_list(), code=code)
