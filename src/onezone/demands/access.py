"""Who may see demands, record them, coordinate them and handle them.

Coordinators (the receiving unit, hotline operators, officers of the demand's zone,
administrators) take the coordinating actions; the lead unit's officers take the unit actions;
leaders may only supervise and urge.
"""

from functools import cached_property

from django.db.models import Q

from onezone.core.access import is_administrator, is_staff_member, role_names
from onezone.core.choices import Role, ScopeKind
from onezone.demands.choices import COORDINATOR_ACTIONS, FLAG_ACTIONS, UNIT_ACTIONS
from onezone.enterprises.access import portfolio_filter
from onezone.enterprises.choices import MembershipStatus
from onezone.org.access import zone_ids_for
from onezone.org.models import RoleAssignment, Unit
from onezone.org.selectors import active_posts

HANDLER_ROLES = {Role.ZONE_OFFICER, Role.BUREAU_OFFICER}
# Roles that see every demand of the district.
DISTRICT_READERS = {Role.LEADER, Role.HOTLINE_OPERATOR}


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


class ActorScope:
    """One actor's derived permission sets, each computed at most once. Build one per service
    call or request and pass it to the checks below instead of the user, so a call that checks
    several things asks the database once; never keep one across calls (posts and role
    assignments change)."""

    def __init__(self, user):
        self.user = user
        self.authenticated = _authenticated(user)

    @cached_property
    def roles(self) -> frozenset[str]:
        return role_names(self.user) if self.authenticated else frozenset()

    @cached_property
    def is_administrator(self) -> bool:
        return self.authenticated and is_administrator(self.user)

    @cached_property
    def post_unit_ids(self) -> frozenset[int]:
        if not self.authenticated:
            return frozenset()
        # No ordering: the default one joins units and bodies for nothing.
        posts = active_posts().filter(person__user=self.user).order_by()
        return frozenset(posts.values_list("unit_id", flat=True))

    @cached_property
    def assigned_unit_ids(self) -> frozenset[int]:
        """Units the user's officer role assignments cover (posts aside)."""
        if not self.authenticated:
            return frozenset()
        assignments = (
            RoleAssignment.objects.filter(user=self.user, role__in=HANDLER_ROLES)
            .select_related("body")
            .order_by()
        )
        unit_ids: set[int] = set()
        for assignment in assignments:
            unit_ids |= _units_of_assignment(assignment)
        return frozenset(unit_ids)

    @cached_property
    def handled_unit_ids(self) -> frozenset[int]:
        if not self.authenticated:
            return frozenset()
        if self.is_administrator:
            return frozenset(Unit.objects.order_by().values_list("pk", flat=True))
        return self.post_unit_ids | self.assigned_unit_ids

    def handles(self, unit_id: int | None) -> bool:
        """Whether `unit_id` is among the handled units, reading as little as needed: most
        officers are assigned to their unit, so the posts are read only when that fails."""
        if unit_id is None or not self.authenticated:
            return False
        if self.is_administrator:  # administrators handle every unit
            return True
        if "handled_unit_ids" in self.__dict__:
            return unit_id in self.handled_unit_ids
        return unit_id in self.assigned_unit_ids or unit_id in self.post_unit_ids

    @cached_property
    def coordinated_zone_ids(self) -> frozenset[int]:
        if not self.authenticated:
            return frozenset()
        return frozenset(zone_ids_for(self.user, roles={Role.ZONE_OFFICER, Role.ADMINISTRATOR}))


def actor_scope(user) -> ActorScope:
    """The user's scope (a scope passed in is used as it is)."""
    return user if isinstance(user, ActorScope) else ActorScope(user)


def post_unit_ids(user) -> set[int]:
    """Units the user holds an active post in."""
    return set(actor_scope(user).post_unit_ids)


def handled_unit_ids(user) -> set[int]:
    """Units whose demands the user handles: their posts' units and the units their officer
    roles cover (a unit, a body with its merged partner, a zone's units, the district)."""
    return set(actor_scope(user).handled_unit_ids)


def _units_of_assignment(assignment: RoleAssignment) -> set[int]:
    if assignment.scope_kind == ScopeKind.UNIT:
        return {assignment.unit_id}
    if assignment.scope_kind == ScopeKind.BODY:
        body = assignment.body
        units = Unit.objects.filter(
            Q(body=body) | Q(body__merged_with=body) | Q(body__pk=body.merged_with_id or 0)
        )
    elif assignment.scope_kind == ScopeKind.ZONE:
        zone_id = assignment.zone_id
        units = Unit.objects.filter(
            Q(body__zone_id=zone_id)
            | Q(body__merged_with__zone_id=zone_id)
            | Q(stationed_in_id=zone_id)
        )
    elif assignment.scope_kind == ScopeKind.DISTRICT:
        units = Unit.objects.all()
    else:
        return set()
    return set(units.order_by().values_list("pk", flat=True))


def coordinated_zone_ids(user) -> set[int]:
    """Zones whose demands a zone officer coordinates (every zone for administrators)."""
    return set(actor_scope(user).coordinated_zone_ids)


def demand_filter_for(user) -> Q:
    """Row filter on Demand: district readers see all; zone officers their zones' demands;
    officers the demands their units lead, co-handle or received; those who serve an enterprise
    its demands; enterprise users their enterprises' demands; everyone what they recorded.
    Subqueries rather than joins, so the filter never duplicates rows. `user` may be an
    ActorScope."""
    from onezone.demands.models import Demand
    from onezone.enterprises.models import Enterprise, EnterpriseMembership

    scope = actor_scope(user)
    if not scope.authenticated:
        return Q(pk__in=[])
    roles = scope.roles
    if scope.is_administrator or roles & DISTRICT_READERS:
        return Q()
    user = scope.user
    condition = Q(created_by=user)
    unit_ids = scope.handled_unit_ids if roles & HANDLER_ROLES else scope.post_unit_ids
    if unit_ids:
        unit_ids = sorted(unit_ids)
        co_handled = Demand.co_units.through.objects.filter(unit_id__in=unit_ids)
        condition |= (
            Q(lead_unit_id__in=unit_ids)
            | Q(receiving_unit_id__in=unit_ids)
            | Q(pk__in=co_handled.values("demand_id"))
        )
    if Role.ZONE_OFFICER in roles:
        condition |= Q(zone_id__in=sorted(scope.coordinated_zone_ids))
    served = Enterprise.objects.filter(portfolio_filter(user)).values("pk")
    member_of = EnterpriseMembership.objects.filter(
        user=user, status=MembershipStatus.CONFIRMED, enterprise__isnull=False
    ).values("enterprise_id")
    return condition | Q(enterprise_id__in=served) | Q(enterprise_id__in=member_of)


def can_see(user, demand) -> bool:
    from onezone.demands.models import Demand

    scope = actor_scope(user)
    condition = demand_filter_for(scope)
    if condition == Q() and scope.authenticated:
        return True
    return Demand.objects.filter(condition, pk=demand.pk).exists()


def can_record(user) -> bool:
    """Staff record demands for callers and enterprises (首接负责 makes their unit receive it)."""
    scope = actor_scope(user)
    return scope.authenticated and is_staff_member(scope.user)


def can_coordinate(user, demand) -> bool:
    """Administrators, hotline operators, officers in post in the receiving unit, and zone
    officers whose scope covers the demand's zone."""
    scope = actor_scope(user)
    if not scope.authenticated:
        return False
    roles = scope.roles
    if scope.is_administrator or Role.HOTLINE_OPERATOR in roles:
        return True
    if Role.ZONE_OFFICER in roles and demand.zone_id in scope.coordinated_zone_ids:
        return True
    return demand.receiving_unit_id in scope.post_unit_ids


def can_handle(user, demand) -> bool:
    """Officers in post in the lead unit or with an officer role covering it."""
    scope = actor_scope(user)
    return scope.handles(demand.lead_unit_id)


def can_flag(user, demand) -> bool:
    """Supervise and urge: coordinators and leaders."""
    scope = actor_scope(user)
    return can_coordinate(scope, demand) or Role.LEADER in scope.roles


def can_act(user, demand, action: str) -> bool:
    """Whoever may take an action also sees the demand (coordinators, handlers and leaders are
    all inside `demand_filter_for`), so callers may skip the visibility query when this is
    true."""
    scope = actor_scope(user)
    if action in FLAG_ACTIONS:
        return can_flag(scope, demand)
    if action in UNIT_ACTIONS:
        return can_handle(scope, demand)
    if action in COORDINATOR_ACTIONS:
        return can_coordinate(scope, demand)
    return False
