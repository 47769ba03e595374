"""Which enterprises a user may see, edit, and whose personal data they may read in full."""

from django.db.models import Q

from onezone.core import clock
from onezone.core.access import is_administrator, role_names
from onezone.core.choices import Role
from onezone.enterprises.choices import MembershipStatus
from onezone.org.access import zone_ids_for, zone_officer_zone_ids

# Roles that see every enterprise of the district (they serve all of them).
DISTRICT_WIDE_ROLES = {Role.HOTLINE_OPERATOR, Role.LEADER}
# Roles that see the enterprises of the zones their scope covers.
ZONE_BOUND_ROLES = {Role.ZONE_OFFICER, Role.BUREAU_OFFICER}


def current_assignment_filter(prefix: str = "", on=None) -> Q:
    """Q on ServiceAssignment (through `prefix`) for assignments running on a day."""
    day = on or clock.today()
    return Q(**{f"{prefix}start_on__lte": day}) & (
        Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gte": day})
    )


def portfolio_filter(user, on=None) -> Q:
    """Q on Enterprise: the enterprises the user serves as liaison or chief representative."""
    return Q(
        current_assignment_filter("service_assignments__", on),
        service_assignments__post__person__user=user,
    )


def enterprise_filter_for(user) -> Q:
    """Row filter on Enterprise: staff by zone or portfolio, enterprise users by binding."""
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    roles = role_names(user)
    if is_administrator(user) or roles & DISTRICT_WIDE_ROLES:
        return Q()
    condition = Q(memberships__user=user, memberships__status=MembershipStatus.CONFIRMED)
    if roles & ZONE_BOUND_ROLES:
        condition |= Q(zone_id__in=zone_ids_for(user, roles=ZONE_BOUND_ROLES))
    # Whoever serves an enterprise today sees it, whether or not an administrator has also
    # given them the liaison role: the assignment, not the role, is the source of truth.
    condition |= Q(pk__in=_portfolio_ids(user))
    return condition


def _portfolio_ids(user):
    from onezone.enterprises.models import Enterprise

    return Enterprise.objects.filter(portfolio_filter(user)).values("pk")


def can_decide_membership(user, zone_id: int) -> bool:
    return zone_id in zone_officer_zone_ids(user)


def is_member_of(user, enterprise) -> bool:
    """Whether the user acts for the enterprise through a confirmed binding."""
    return enterprise.memberships.filter(user=user, status=MembershipStatus.CONFIRMED).exists()


def serves(user, enterprise) -> bool:
    """Whether the user is the enterprise's liaison or chief representative today."""
    from onezone.enterprises.models import Enterprise

    return Enterprise.objects.filter(portfolio_filter(user), pk=enterprise.pk).exists()


def can_manage_file(user, enterprise) -> bool:
    """Officers who may edit the whole file: administrators, the zone's officers, its servers."""
    if not (user and user.is_authenticated):
        return False
    return (
        is_administrator(user)
        or enterprise.zone_id in zone_officer_zone_ids(user)
        or serves(user, enterprise)
    )


def can_manage_zone(user, zone_id: int) -> bool:
    """Who may create enterprises and arrange service in a zone."""
    return is_administrator(user) or zone_id in zone_officer_zone_ids(user)


def can_read_personal_data(user, enterprise) -> bool:
    """Contact phones in full: the enterprise itself, those who serve it, the hotline."""
    return (
        can_manage_file(user, enterprise)
        or is_member_of(user, enterprise)
        or Role.HOTLINE_OPERATOR in role_names(user)
    )
