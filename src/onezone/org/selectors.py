"""Reads of the organisation, each scoped to what the actor may see."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from onezone.core import clock
from onezone.core.access import require_visible
from onezone.org.access import org_visibility, people_filter_for
from onezone.org.choices import COORDINATION_UNIT_KINDS, BodyKind
from onezone.org.models import Body, Person, Post, RoleAssignment, Unit, Zone


def active_posts(on=None) -> QuerySet[Post]:
    """Posts held on a date (today by default): started, and not yet ended."""
    day = on or clock.today()
    return Post.objects.filter(Q(end_on__isnull=True) | Q(end_on__gte=day), start_on__lte=day)


def _structure_visible(actor) -> None:
    require_visible(org_visibility(actor).can_see_structure)


def zone_list(*, actor, search: str = "") -> QuerySet[Zone]:
    _structure_visible(actor)
    zones = Zone.objects.all()
    if search:
        zones = zones.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return zones


def zone_get(*, actor, pk: int | None = None, code: str | None = None) -> Zone:
    _structure_visible(actor)
    lookup = {"pk": pk} if pk is not None else {"code": code}
    return get_object_or_404(Zone, **lookup)


def _zone_units_filter(zone: Zone, prefix: str = "") -> Q:
    """Units that belong to a zone's own team: the committee, its merged lead bureau and the
    units stationed in the zone."""
    return (
        Q(**{f"{prefix}body__kind": BodyKind.ZONE_COMMITTEE, f"{prefix}body__zone": zone})
        | Q(**{f"{prefix}body__merged_with__zone": zone})
        | Q(**{f"{prefix}stationed_in": zone})
    )


@dataclass(frozen=True)
class ZoneShares:
    posts: int
    front_line_posts: int
    coordination_posts: int

    @property
    def front_line_share(self) -> Decimal | None:
        return _ratio(self.front_line_posts, self.posts)

    @property
    def coordination_share(self) -> Decimal | None:
        return _ratio(self.coordination_posts, self.posts)


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def zone_shares_by_zone(*, on=None) -> dict[int, ZoneShares]:
    """Front-line and coordination shares of every zone, over the posts of the zone's own team,
    in one query: a post belongs to the zone its unit is stationed in, or whose committee (or
    merged lead bureau) its unit belongs to."""
    rows = (
        active_posts(on)
        .annotate(
            team_zone=Coalesce(
                "unit__stationed_in_id", "unit__body__zone_id", "unit__body__merged_with__zone_id"
            )
        )
        .filter(team_zone__isnull=False)
        .values("team_zone")
        .annotate(
            posts=Count("pk"),
            front_line_posts=Count("pk", filter=Q(unit__front_line=True)),
            coordination_posts=Count("pk", filter=Q(unit__kind__in=COORDINATION_UNIT_KINDS)),
        )
    )
    return {row.pop("team_zone"): ZoneShares(**row) for row in rows}


def zone_shares(*, zone: Zone, on=None) -> ZoneShares:
    return zone_shares_by_zone(on=on).get(zone.pk, ZoneShares(0, 0, 0))


def zone_units(*, zone: Zone) -> dict[str, QuerySet[Unit]]:
    """The zone's units grouped the 局区合一 way."""
    base = Unit.objects.select_related("body", "stationed_in").annotate(
        post_count=Count("posts", filter=Q(posts__in=active_posts()))
    )
    return {
        "committee": base.filter(
            Q(body__kind=BodyKind.ZONE_COMMITTEE, body__zone=zone) | Q(body__merged_with__zone=zone)
        ),
        "stationed": base.filter(stationed_in=zone),
        "serving": base.filter(serves_zones=zone),
    }


def zone_bodies(*, zone: Zone) -> dict[str, Body | None]:
    committee = Body.objects.filter(kind=BodyKind.ZONE_COMMITTEE, zone=zone).first()
    lead = Body.objects.filter(merged_with=committee).first() if committee else None
    return {"committee": committee, "lead": lead}


def body_list(*, actor, kind: str = "", search: str = "", zone_code: str = "") -> QuerySet[Body]:
    _structure_visible(actor)
    bodies = Body.objects.select_related("zone", "merged_with__zone").annotate(
        unit_count=Count("units", distinct=True)
    )
    if kind:
        bodies = bodies.filter(kind=kind)
    if search:
        bodies = bodies.filter(Q(name__icontains=search) | Q(short_name__icontains=search))
    if zone_code:
        bodies = bodies.filter(
            Q(zone__code=zone_code)
            | Q(merged_with__zone__code=zone_code)
            | Q(units__stationed_in__code=zone_code)
            | Q(units__serves_zones__code=zone_code)
        ).distinct()
    # Meta.ordering is not applied to GROUP BY queries; without it pages are unstable.
    return bodies.order_by("kind", "name")


def body_get(*, actor, pk: int) -> Body:
    _structure_visible(actor)
    return get_object_or_404(Body.objects.select_related("zone", "merged_with__zone"), pk=pk)


@dataclass(frozen=True)
class QuotaUse:
    quota: int
    used: int
    bodies: tuple[Body, ...]

    @property
    def remaining(self) -> int:
        return self.quota - self.used

    @property
    def is_over(self) -> bool:
        return self.used > self.quota


def quota_pool(body: Body) -> tuple[Body, ...]:
    """A lead bureau and the committee it is merged with share one team and one quota."""
    if body.kind == BodyKind.LEAD and body.merged_with_id:
        return (body, body.merged_with)
    partner = Body.objects.filter(merged_with=body).first()
    return (body, partner) if partner else (body,)


def quota_use(*, body: Body, on=None) -> QuotaUse:
    pool = quota_pool(body)
    used = active_posts(on).filter(unit__body__in=pool).count()
    return QuotaUse(quota=sum(b.headcount_quota for b in pool), used=used, bodies=pool)


def unit_list(
    *,
    actor,
    body_id: int | None = None,
    zone_code: str = "",
    kind: str = "",
    front_line: bool | None = None,
    search: str = "",
) -> QuerySet[Unit]:
    _structure_visible(actor)
    units = Unit.objects.select_related("body", "stationed_in").prefetch_related("serves_zones")
    if body_id:
        units = units.filter(body_id=body_id)
    if zone_code:
        units = units.filter(
            Q(stationed_in__code=zone_code)
            | Q(serves_zones__code=zone_code)
            | Q(body__zone__code=zone_code)
            | Q(body__merged_with__zone__code=zone_code)
        ).distinct()
    if kind:
        units = units.filter(kind=kind)
    if front_line is not None:
        units = units.filter(front_line=front_line)
    if search:
        units = units.filter(Q(name__icontains=search) | Q(body__name__icontains=search))
    return units


def unit_get(*, actor, pk: int) -> Unit:
    _structure_visible(actor)
    return get_object_or_404(Unit.objects.select_related("body", "stationed_in"), pk=pk)


def person_list(
    *, actor, search: str = "", body_id: int | None = None, zone_code: str = ""
) -> QuerySet[Person]:
    people = Person.objects.filter(people_filter_for(actor))
    if search:
        people = people.filter(Q(name__icontains=search) | Q(staff_number__icontains=search))
    if body_id:
        people = people.filter(posts__in=active_posts().filter(unit__body_id=body_id))
    if zone_code:
        zone = Zone.objects.filter(code=zone_code).first()
        zone_posts = active_posts().filter(_zone_units_filter(zone, "unit__")) if zone else []
        people = people.filter(posts__in=zone_posts)
    people = people.distinct().annotate(post_count=Count("posts", distinct=True))
    # Meta.ordering is not applied to GROUP BY queries; without it pages are unstable.
    people = people.order_by("staff_number")
    return people.prefetch_related(
        Prefetch(
            "posts", queryset=active_posts().select_related("unit__body"), to_attr="current_posts"
        )
    )


def person_get(*, actor, pk: int) -> Person:
    return get_object_or_404(person_list(actor=actor), pk=pk)


def posts_of_person(*, person: Person) -> QuerySet[Post]:
    return person.posts.select_related("unit__body", "unit__stationed_in").order_by("-start_on")


def posts_of_body(*, body: Body) -> QuerySet[Post]:
    return active_posts().filter(unit__body=body).select_related("person", "unit")


def is_cross_appointed(person: Person) -> bool:
    """Holds current posts in more than one body (交叉任职 / 一肩挑)."""
    return active_posts().filter(person=person).values("unit__body").distinct().count() > 1


def role_assignment_list(*, actor, user_id: int | None = None) -> QuerySet[RoleAssignment]:
    from onezone.org.access import can_manage_org

    require_visible(can_manage_org(actor))
    assignments = RoleAssignment.objects.select_related("user", "zone", "body", "unit__body")
    return assignments.filter(user_id=user_id) if user_id else assignments


def zone_list_with_committees(*, actor, search: str = "") -> QuerySet[Zone]:
    """Zones with their committee and its merged lead bureau prefetched (`zone.committees`)."""
    committees = Body.objects.filter(kind=BodyKind.ZONE_COMMITTEE).select_related("merged_lead")
    return zone_list(actor=actor, search=search).prefetch_related(
        Prefetch("bodies", queryset=committees, to_attr="committees")
    )


def posts_of_zone(*, zone: Zone) -> QuerySet[Post]:
    """Current posts of the zone's own team (committee, merged lead bureau, stationed units)."""
    return (
        active_posts()
        .filter(_zone_units_filter(zone, "unit__"))
        .select_related("person", "unit__body")
    )


def units_of_body(*, body: Body) -> QuerySet[Unit]:
    """A body's units, each with its number of current posts (`post_count`)."""
    return (
        Unit.objects.filter(body=body)
        .select_related("body", "stationed_in")
        .prefetch_related("serves_zones")
        .annotate(post_count=Count("posts", filter=Q(posts__in=active_posts())))
    )


def post_get(*, actor, pk: int) -> Post:
    """A post, for those who may see people."""
    require_visible(org_visibility(actor).can_see_people)
    return get_object_or_404(Post.objects.select_related("person", "unit__body"), pk=pk)


def user_list(*, actor, search: str = ""):
    """Accounts with their role assignments prefetched, for administrators."""
    from django.contrib.auth import get_user_model

    from onezone.org.access import can_manage_org

    require_visible(can_manage_org(actor))
    roles = RoleAssignment.objects.select_related("zone", "body", "unit__body")
    users = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related(Prefetch("roles", queryset=roles))
    )
    if search:
        users = users.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return users


def user_get(*, actor, pk: int):
    return get_object_or_404(user_list(actor=actor), pk=pk)
