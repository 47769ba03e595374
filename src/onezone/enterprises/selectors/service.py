"""Reads of one-to-one service: portfolios, designations, visits and visit KPIs."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from onezone.core import clock
from onezone.core.access import is_administrator, is_staff_member, role_names
from onezone.core.choices import Role
from onezone.enterprises.access import (
    ZONE_BOUND_ROLES,
    current_assignment_filter,
    enterprise_filter_for,
    portfolio_filter,
)
from onezone.enterprises.choices import ServiceRole, VisitMode
from onezone.enterprises.models import (
    Enterprise,
    ServiceAssignment,
    ServiceDesignation,
    Visit,
    VisitIssue,
)
from onezone.org.access import zone_ids_for, zone_officer_zone_ids
from onezone.org.models import Post, Zone

KEY_TAG = "key"


# ---- months ---------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_reference_day(month: date) -> date:
    """The day a month's portfolio is counted on: its last day, or today while it runs."""
    today = clock.today()
    return today if month_start(month) == month_start(today) else month_end(month)


def parse_month(value: str | None) -> date | None:
    """`2026-11` (or an ISO date) → the month's first day; None when malformed."""
    text = (value or "").strip()
    try:
        year, month = (int(part) for part in text[:7].split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


def parse_id(value) -> int | None:
    """A primary key from a query parameter, or None (never an overflowing or odd number)."""
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and text.isascii() and len(text) <= 18 else None


def _visited_in(month: date, enterprise_ref: str = "pk") -> Exists:
    return Exists(
        Visit.objects.filter(
            enterprise_id=OuterRef(enterprise_ref),
            visited_on__range=(month_start(month), month_end(month)),
        )
    )


# ---- the actor's own portfolio --------------------------------------------------------


def serves_anyone(*, actor) -> bool:
    """Whether the actor's person is designated to serve or serves an enterprise today."""
    if not (actor and actor.is_authenticated):
        return False
    return (
        ServiceDesignation.objects.filter(post__person__user=actor).exists()
        or ServiceAssignment.objects.filter(
            current_assignment_filter(), post__person__user=actor
        ).exists()
    )


def _portfolio_base(actor) -> QuerySet[Enterprise]:
    # A subquery keeps one row per enterprise when the actor serves it in both roles.
    return Enterprise.objects.filter(
        pk__in=Enterprise.objects.filter(portfolio_filter(actor)).values("pk")
    )


@dataclass(frozen=True)
class PortfolioSummary:
    served: int
    visited: int
    month: date

    @property
    def not_visited(self) -> int:
        return self.served - self.visited


def portfolio_summary(*, actor, month: date | None = None) -> PortfolioSummary | None:
    """None when the actor serves no enterprise and holds no designation; else the counts."""
    if not serves_anyone(actor=actor):
        return None
    month = month_start(month or clock.today())
    counts = _portfolio_base(actor).aggregate(
        served=Count("pk"), visited=Count("pk", filter=Q(_visited_in(month)))
    )
    return PortfolioSummary(served=counts["served"], visited=counts["visited"], month=month)


def _latest_visit(field: str) -> Subquery:
    return Subquery(
        Visit.objects.filter(enterprise_id=OuterRef("pk"))
        .order_by("-visited_on", "-id")
        .values(field)[:1]
    )


def _serves_as(actor, role: str) -> Exists:
    return Exists(
        ServiceAssignment.objects.filter(
            current_assignment_filter(),
            enterprise_id=OuterRef("pk"),
            role=role,
            post__person__user=actor,
        )
    )


def portfolio(
    *, actor, unvisited_only: bool = False, month: date | None = None
) -> QuerySet[Enterprise]:
    """The enterprises the actor serves today, with `last_visit_on`, `next_visit_on` (as set
    at the latest visit), `is_visited` (in `month`, default this month) and the roles held."""
    month = month_start(month or clock.today())
    enterprises = _portfolio_base(actor).annotate(
        last_visit_on=_latest_visit("visited_on"),
        next_visit_on=_latest_visit("next_visit_on"),
        is_visited=_visited_in(month),
        is_liaison=_serves_as(actor, ServiceRole.LIAISON),
        is_chief_representative=_serves_as(actor, ServiceRole.CHIEF_REPRESENTATIVE),
    )
    if unvisited_only:
        enterprises = enterprises.filter(is_visited=False)
    return enterprises.select_related("zone").order_by("name", "pk")


# ---- who may read zone-wide service figures -------------------------------------------


def service_zone_ids(actor) -> set[int] | None:
    """Zones whose service figures the actor may read: None = all, empty set = none."""
    if not (actor and actor.is_authenticated):
        return set()
    roles = role_names(actor)
    if is_administrator(actor) or roles & {Role.LEADER}:
        return None
    if roles & ZONE_BOUND_ROLES:
        return zone_ids_for(actor, roles=ZONE_BOUND_ROLES)
    return set()


def can_read_service(actor) -> bool:
    return service_zone_ids(actor) != set()


def zones_in_scope(*, actor) -> QuerySet[Zone]:
    zone_ids = service_zone_ids(actor)
    zones = Zone.objects.all()
    return zones if zone_ids is None else zones.filter(pk__in=zone_ids)


def managed_zones(*, actor) -> QuerySet[Zone]:
    """Zones where the actor may arrange service (designate, assign, balance)."""
    return Zone.objects.filter(pk__in=zone_officer_zone_ids(actor))


# ---- designations and loads -----------------------------------------------------------


def _load() -> Coalesce:
    running = (
        ServiceAssignment.objects.filter(
            current_assignment_filter(),
            post_id=OuterRef("post_id"),
            role=OuterRef("role"),
            enterprise__zone_id=OuterRef("zone_id"),
        )
        .order_by()
        .values("post_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(running, output_field=IntegerField()), Value(0))


def designations_with_load(*, zone_ids) -> QuerySet[ServiceDesignation]:
    """Designations of the zones, each with `load`: enterprises it serves in the zone today."""
    return (
        ServiceDesignation.objects.filter(zone_id__in=zone_ids)
        .select_related("post__person", "post__unit__body", "zone")
        .annotate(load=_load())
        .order_by("zone__code", "role", "post__person__staff_number")
    )


def designation_get(*, actor, pk: int) -> ServiceDesignation:
    """A designation in a zone whose service the actor may read (404 otherwise)."""
    designation = designations_with_load(zone_ids=Zone.objects.values("pk")).filter(pk=pk).first()
    zone_ids = service_zone_ids(actor)
    if designation is None or (zone_ids is not None and designation.zone_id not in zone_ids):
        raise Http404
    return designation


@dataclass
class ZoneService:
    zone: Zone
    enterprises: int
    without_liaison: int
    key_without_chief_representative: int
    liaisons: list
    chief_representatives: list

    @property
    def groups(self) -> list[dict]:
        """Both roles side by side, each with the enterprises still waiting for one."""
        return [
            {
                "role": ServiceRole.LIAISON,
                "designations": self.liaisons,
                "waiting": self.without_liaison,
            },
            {
                "role": ServiceRole.CHIEF_REPRESENTATIVE,
                "designations": self.chief_representatives,
                "waiting": self.key_without_chief_representative,
            },
        ]


def _has_running(role: str) -> Exists:
    return Exists(
        ServiceAssignment.objects.filter(
            current_assignment_filter(), enterprise_id=OuterRef("pk"), role=role
        )
    )


def _zone_counts(zone_ids) -> dict[int, dict]:
    is_key = Exists(
        Enterprise.tags.through.objects.filter(enterprise_id=OuterRef("pk"), tag_id=KEY_TAG)
    )
    rows = (
        Enterprise.objects.filter(zone_id__in=zone_ids)
        .annotate(
            has_liaison=_has_running(ServiceRole.LIAISON),
            has_chief=_has_running(ServiceRole.CHIEF_REPRESENTATIVE),
            is_key=is_key,
        )
        .order_by()
        .values("zone_id")
        .annotate(
            total=Count("pk"),
            without_liaison=Count("pk", filter=Q(has_liaison=False)),
            key_without_chief=Count("pk", filter=Q(is_key=True, has_chief=False)),
        )
    )
    return {row["zone_id"]: row for row in rows}


def service_overview(*, actor) -> list[ZoneService]:
    """Per zone in scope: its designated liaisons and chief representatives with their load,
    and how many enterprises lack a liaison (or, if key, a chief representative)."""
    zones = list(zones_in_scope(actor=actor))
    zone_ids = [zone.pk for zone in zones]
    counts = _zone_counts(zone_ids)
    by_zone: dict[int, list] = {pk: [] for pk in zone_ids}
    for designation in designations_with_load(zone_ids=zone_ids):
        by_zone[designation.zone_id].append(designation)
    overview = []
    for zone in zones:
        row = counts.get(zone.pk, {})
        designations = by_zone[zone.pk]
        overview.append(
            ZoneService(
                zone=zone,
                enterprises=row.get("total", 0),
                without_liaison=row.get("without_liaison", 0),
                key_without_chief_representative=row.get("key_without_chief", 0),
                liaisons=[d for d in designations if d.role == ServiceRole.LIAISON],
                chief_representatives=[
                    d for d in designations if d.role == ServiceRole.CHIEF_REPRESENTATIVE
                ],
            )
        )
    return overview


def designations_of_zone(*, zone) -> QuerySet[ServiceDesignation]:
    return designations_with_load(zone_ids=[zone.pk])


def posts_for_designation(*, zone_ids) -> QuerySet[Post]:
    """Posts held today in the units of the zones: the committee's and its merged lead
    bureau's units, and units stationed in or serving the zones."""
    today = clock.today()
    in_zone = (
        Q(unit__body__zone_id__in=zone_ids)
        | Q(unit__body__merged_with__zone_id__in=zone_ids)
        | Q(unit__stationed_in_id__in=zone_ids)
        | Q(unit__serves_zones__in=zone_ids)
    )
    post_ids = Post.objects.filter(in_zone).values("pk")
    return (
        Post.objects.filter(pk__in=post_ids, start_on__lte=today)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=today))
        .select_related("person", "unit__body")
        .order_by("unit__body__name", "unit__name", "person__staff_number")
    )


# ---- visits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFilters:
    zone_code: str = ""
    month: date | None = None
    mode: str = ""
    enterprise_id: int | None = None

    @classmethod
    def from_query(cls, query) -> "VisitFilters":
        mode = str(query.get("mode", "")).strip()
        return cls(
            zone_code=str(query.get("zone", "")).strip(),
            month=parse_month(query.get("month")),
            mode=mode if mode in VisitMode.values else "",
            enterprise_id=parse_id(query.get("enterprise")),
        )


def visit_list(*, actor, filters: VisitFilters | None = None) -> QuerySet[Visit]:
    """Visits to enterprises the actor may see (staff only), newest first."""
    filters = filters or VisitFilters()
    if not is_staff_member(actor):
        return Visit.objects.none()
    visits = Visit.objects.all()
    visible = enterprise_filter_for(actor)
    if visible:
        visits = visits.filter(enterprise_id__in=Enterprise.objects.filter(visible).values("pk"))
    if filters.zone_code:
        visits = visits.filter(enterprise__zone__code=filters.zone_code)
    if filters.month:
        visits = visits.filter(
            visited_on__range=(month_start(filters.month), month_end(filters.month))
        )
    if filters.mode:
        visits = visits.filter(mode=filters.mode)
    if filters.enterprise_id:
        visits = visits.filter(enterprise_id=filters.enterprise_id)
    return (
        visits.select_related("enterprise__zone", "visitor", "recorded_by")
        .prefetch_related(Prefetch("issues", queryset=VisitIssue.objects.order_by("id")))
        .order_by("-visited_on", "-id")
    )


def visits_of(*, actor, enterprise: Enterprise) -> QuerySet[Visit]:
    """Visits to one enterprise (already fetched through a scoped selector)."""
    return visit_list(actor=actor, filters=VisitFilters(enterprise_id=enterprise.pk))


# ---- visit KPIs -----------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRow:
    key: int
    name: str
    role: str
    portfolio: int
    visited: int

    @property
    def not_visited(self) -> int:
        return self.portfolio - self.visited

    @property
    def share(self) -> float | None:
        return self.visited / self.portfolio if self.portfolio else None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else round(self.share * 100, 1)


@dataclass(frozen=True)
class VisitKpis:
    month: date
    reference_day: date
    people: list[KpiRow]
    zones: list[KpiRow]


def _running_assignments(actor, month: date) -> QuerySet[ServiceAssignment]:
    assignments = ServiceAssignment.objects.filter(
        current_assignment_filter(on=month_reference_day(month))
    )
    zone_ids = service_zone_ids(actor)
    if zone_ids is not None:
        assignments = assignments.filter(enterprise__zone_id__in=zone_ids)
    return assignments.annotate(is_visited=_visited_in(month, "enterprise_id")).order_by()


def _kpi_counts() -> dict:
    return {
        "portfolio": Count("enterprise_id", distinct=True),
        "visited": Count("enterprise_id", distinct=True, filter=Q(is_visited=True)),
    }


def visit_kpis(*, actor, month: date) -> VisitKpis:
    """Per person and role, and per zone (liaison portfolios), for the month:
    the portfolio = enterprises whose assignment runs on the month's reference day (its last
    day, or today for the running month); visited = those of them with at least one visit
    dated in the month, by anyone. Two queries whatever the number of rows."""
    month = month_start(month)
    assignments = _running_assignments(actor, month)
    people = [
        KpiRow(
            key=row["post__person_id"],
            name=row["post__person__name"],
            role=row["role"],
            portfolio=row["portfolio"],
            visited=row["visited"],
        )
        for row in assignments.values("post__person_id", "post__person__name", "role")
        .annotate(**_kpi_counts())
        .order_by("role", "post__person__staff_number", "post__person_id")
    ]
    zones = [
        KpiRow(
            key=row["enterprise__zone_id"],
            name=row["enterprise__zone__name"],
            role=ServiceRole.LIAISON,
            portfolio=row["portfolio"],
            visited=row["visited"],
        )
        for row in assignments.filter(role=ServiceRole.LIAISON)
        .values("enterprise__zone_id", "enterprise__zone__name", "enterprise__zone__code")
        .annotate(**_kpi_counts())
        .order_by("enterprise__zone__code")
    ]
    return VisitKpis(
        month=month, reference_day=month_reference_day(month), people=people, zones=zones
    )


def unvisited_enterprises(
    *, actor, month: date, zone_id: int | None = None, person_id: int | None = None
) -> QuerySet[Enterprise]:
    """The KPI's unvisited part: portfolio enterprises with no visit in the month, for a zone
    (liaison portfolios) or for one person (any role)."""
    month = month_start(month)
    assignments = _running_assignments(actor, month).filter(is_visited=False)
    if person_id:
        assignments = assignments.filter(post__person_id=person_id)
    else:
        assignments = assignments.filter(role=ServiceRole.LIAISON)
    if zone_id:
        assignments = assignments.filter(enterprise__zone_id=zone_id)
    return (
        Enterprise.objects.filter(pk__in=assignments.values("enterprise_id"))
        .annotate(last_visit_on=_latest_visit("visited_on"))
        .select_related("zone")
        .order_by("name", "pk")
    )


__all__ = [
    "PortfolioSummary",
    "VisitFilters",
    "VisitKpis",
    "designation_get",
    "designations_of_zone",
    "managed_zones",
    "portfolio",
    "portfolio_summary",
    "posts_for_designation",
    "service_overview",
    "unvisited_enterprises",
    "visit_kpis",
    "visit_list",
    "visits_of",
]
