"""Which enterprises a user may see."""

from django.db.models import Q

from onezone.core.access import is_administrator, role_names
from onezone.core.choices import Role
from onezone.enterprises.choices import MembershipStatus
from onezone.org.access import zone_ids_for, zone_officer_zone_ids

# Roles that see every enterprise of the district (they serve all of them).
DISTRICT_WIDE_ROLES = {Role.HOTLINE_OPERATOR, Role.LEADER}
ZONE_BOUND_ROLES = {Role.ZONE_OFFICER, Role.LIAISON, Role.CHIEF_REPRESENTATIVE, Role.BUREAU_OFFICER}


def enterprise_filter_for(user) -> Q:
    """Row filter on Enterprise: staff by their zones, enterprise users by confirmed binding."""
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    roles = role_names(user)
    if is_administrator(user) or roles & DISTRICT_WIDE_ROLES:
        return Q()
    condition = Q(memberships__user=user, memberships__status=MembershipStatus.CONFIRMED)
    if roles & ZONE_BOUND_ROLES:
        condition |= Q(zone_id__in=zone_ids_for(user, roles=ZONE_BOUND_ROLES))
    return condition


def can_decide_membership(user, zone_id: int) -> bool:
    return zone_id in zone_officer_zone_ids(user)
