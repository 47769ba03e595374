"""Who may see applications and act on item cases."""

from django.db.models import Q

from onezone.core.access import is_administrator, role_names
from onezone.core.choices import Role, ScopeKind
from onezone.enterprises.choices import MembershipStatus
from onezone.org.models import RoleAssignment, Unit
from onezone.org.selectors import active_posts

HANDLER_ROLES = {Role.ZONE_OFFICER, Role.BUREAU_OFFICER}
DISTRICT_READERS = {Role.LEADER}
# Who reads the measured outcomes and ratings (aggregates of every zone).
OUTCOME_READERS = {Role.LEADER, Role.ADMINISTRATOR, Role.ZONE_OFFICER}


def handled_unit_ids(user) -> set[int]:
    """Units whose item cases the user handles: units they hold a post in, units (or bodies) of
    their officer roles, and for zone-scoped zone officers the zone team's and stationed units."""
    if not (user and user.is_authenticated):
        return set()
    if is_administrator(user):
        return set(Unit.objects.values_list("pk", flat=True))
    unit_ids = set(active_posts().filter(person__user=user).values_list("unit_id", flat=True))
    for assignment in RoleAssignment.objects.filter(user=user, role__in=HANDLER_ROLES):
        unit_ids |= _units_of_assignment(assignment)
    return unit_ids


def _units_of_assignment(assignment: RoleAssignment) -> set[int]:
    units = Unit.objects.none()
    if assignment.scope_kind == ScopeKind.UNIT:
        return {assignment.unit_id}
    if assignment.scope_kind == ScopeKind.BODY:
        units = Unit.objects.filter(
            Q(body=assignment.body)
            | Q(body__merged_with=assignment.body)
            | Q(body__pk=assignment.body.merged_with_id or 0)
        )
    elif assignment.scope_kind == ScopeKind.ZONE:
        zone = assignment.zone
        units = Unit.objects.filter(
            Q(body__zone=zone) | Q(body__merged_with__zone=zone) | Q(stationed_in=zone)
        )
    elif assignment.scope_kind == ScopeKind.DISTRICT:
        units = Unit.objects.all()
    return set(units.values_list("pk", flat=True))


def application_filter_for(user) -> Q:
    """Row filter on Application: applicants and their enterprise, handlers, district readers."""
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    if is_administrator(user) or role_names(user) & DISTRICT_READERS:
        return Q()
    condition = Q(applicant=user) | Q(
        enterprise__memberships__user=user,
        enterprise__memberships__status=MembershipStatus.CONFIRMED,
    )
    unit_ids = handled_unit_ids(user)
    if unit_ids:
        condition |= Q(item_cases__holder_unit_id__in=unit_ids)
    return condition


def is_applicant_side(user, application) -> bool:
    """The applicant, or a confirmed user of the application's enterprise."""
    if not (user and user.is_authenticated):
        return False
    if application.applicant_id == user.pk:
        return True
    return bool(
        application.enterprise_id
        and application.enterprise.memberships.filter(
            user=user, status=MembershipStatus.CONFIRMED
        ).exists()
    )


def can_handle(user, item_case) -> bool:
    return item_case.holder_unit_id in handled_unit_ids(user)


def can_read_outcomes(user) -> bool:
    return bool(user and user.is_authenticated) and (
        is_administrator(user) or bool(role_names(user) & OUTCOME_READERS)
    )
