"""Who may see and change what in the organisation; the role resolver used by core.access."""

from dataclasses import dataclass

from django.db.models import Q

from onezone.core.access import is_administrator, is_staff_member, role_names
from onezone.core.choices import Role, ScopeKind
from onezone.org.choices import BodyKind
from onezone.org.models import Body, RoleAssignment, Unit, Zone


def role_names_of(user) -> set[str]:
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def forget_cached_roles(user) -> None:
    """Drop the per-request role cache after the user's roles changed."""
    for attribute in ("_onezone_role_names", "_onezone_zone_ids"):
        if hasattr(user, attribute):
            delattr(user, attribute)


@dataclass(frozen=True)
class OrgVisibility:
    can_see_structure: bool
    can_see_people: bool
    can_see_personal_data: bool


def org_visibility(user) -> OrgVisibility:
    """Staff see the whole organisation; enterprises see the public directory of bodies and
    units but not the people; only administrators see phone and ID numbers in full."""
    authenticated = bool(user and user.is_authenticated and user.is_active)
    return OrgVisibility(
        can_see_structure=authenticated,
        can_see_people=is_staff_member(user),
        can_see_personal_data=is_administrator(user),
    )


def can_manage_org(user) -> bool:
    return is_administrator(user)


def zone_ids_for(user, roles: set[str] | None = None) -> set[int]:
    """Ids of the zones a user's role assignments (optionally only `roles`) cover."""
    if is_administrator(user):
        return set(Zone.objects.values_list("pk", flat=True))
    assignments = RoleAssignment.objects.filter(user=user).select_related(
        "body__merged_with", "unit__body__merged_with"
    )
    if roles is not None:
        assignments = assignments.filter(role__in=roles)
    zone_ids: set[int] = set()
    for assignment in assignments:
        if assignment.scope_kind == ScopeKind.DISTRICT:
            return set(Zone.objects.values_list("pk", flat=True))
        zone_ids |= _zones_of_assignment(assignment)
    return zone_ids


def _zones_of_body(body: Body) -> set[int]:
    """A committee or its merged lead bureau covers its zone; any other bureau covers the zones
    its units are stationed in or serve (functional and sectoral bureaus work there)."""
    if body.kind == BodyKind.ZONE_COMMITTEE:
        return {body.zone_id}
    if body.merged_with_id:
        return {body.merged_with.zone_id}
    return _zones_of_units(Unit.objects.filter(body=body))


def _zones_of_units(units) -> set[int]:
    stationed = units.exclude(stationed_in=None).values_list("stationed_in", flat=True)
    served = units.values_list("serves_zones", flat=True)
    return {zone_id for zone_id in [*stationed, *served] if zone_id is not None}


def _zones_of_assignment(assignment: RoleAssignment) -> set[int]:
    if assignment.scope_kind == ScopeKind.ZONE:
        return {assignment.zone_id}
    if assignment.scope_kind == ScopeKind.BODY:
        return _zones_of_body(assignment.body)
    if assignment.scope_kind == ScopeKind.UNIT:
        unit = assignment.unit
        if unit.body.kind == BodyKind.ZONE_COMMITTEE or unit.body.merged_with_id:
            return _zones_of_body(unit.body)
        return _zones_of_units(Unit.objects.filter(pk=unit.pk))
    return set()


def zone_officer_zone_ids(user) -> set[int]:
    """Zones in which the user acts as a zone officer (or administers everything)."""
    return zone_ids_for(user, roles={Role.ZONE_OFFICER, Role.ADMINISTRATOR})


def zone_officers_of(zone: Zone):
    """Active users acting as zone officers in `zone`, by the same coverage as zone_ids_for
    (a zone, its committee or merged lead bureau, one of their units, a bureau or unit
    stationed in or serving it, or the whole district)."""
    from django.contrib.auth import get_user_model

    covering = (
        Q(scope_kind=ScopeKind.DISTRICT)
        | Q(scope_kind=ScopeKind.ZONE, zone=zone)
        | Q(scope_kind=ScopeKind.BODY, body__zone=zone)
        | Q(scope_kind=ScopeKind.BODY, body__merged_with__zone=zone)
        | Q(scope_kind=ScopeKind.UNIT, unit__body__zone=zone)
        | Q(scope_kind=ScopeKind.UNIT, unit__body__merged_with__zone=zone)
        | Q(scope_kind=ScopeKind.UNIT, unit__stationed_in=zone)
        | Q(scope_kind=ScopeKind.UNIT, unit__serves_zones=zone)
        | Q(scope_kind=ScopeKind.BODY, body__units__stationed_in=zone)
        | Q(scope_kind=ScopeKind.BODY, body__units__serves_zones=zone)
    )
    user_ids = RoleAssignment.objects.filter(covering, role=Role.ZONE_OFFICER).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk")


def people_filter_for(user) -> Q:
    """Row filter on Person for the user: everyone for staff, nobody otherwise."""
    return Q() if org_visibility(user).can_see_people else Q(pk__in=[])


__all__ = [
    "OrgVisibility",
    "can_manage_org",
    "org_visibility",
    "people_filter_for",
    "role_names",
    "role_names_of",
    "zone_ids_for",
    "zone_officer_zone_ids",
    "zone_officers_of",
]
