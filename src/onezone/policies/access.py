"""Who manages policies, who reads an enterprise's matches, and who acts on applications."""

from django.db.models import Q

from onezone.core.access import is_administrator, role_names
from onezone.core.choices import Role
from onezone.enterprises.access import is_member_of, serves
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.selectors import confirmed_enterprises_of

# "Policy officers": they write policies, see every match and decide applications.
POLICY_OFFICER_ROLES = {Role.ADMINISTRATOR, Role.BUREAU_OFFICER, Role.ZONE_OFFICER}
# Readers of every enterprise's matches and applications, without acting on them.
DISTRICT_READERS = {Role.LEADER}


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def can_manage_policies(user) -> bool:
    return _signed_in(user) and (
        is_administrator(user) or bool(role_names(user) & POLICY_OFFICER_ROLES)
    )


def reads_all_matches(user) -> bool:
    return can_manage_policies(user) or bool(role_names(user) & DISTRICT_READERS)


def can_read_matches(user, enterprise) -> bool:
    """The enterprise's confirmed users, whoever serves it, policy officers and leaders."""
    if not _signed_in(user):
        return False
    return reads_all_matches(user) or is_member_of(user, enterprise) or serves(user, enterprise)


def enterprises_of(user):
    """The enterprises an enterprise user acts for (confirmed bindings)."""
    if not _signed_in(user):
        from onezone.enterprises.models import Enterprise

        return Enterprise.objects.none()
    return confirmed_enterprises_of(user=user)


def can_apply_for(user, enterprise) -> bool:
    return _signed_in(user) and is_member_of(user, enterprise)


def can_decide_applications(user) -> bool:
    return can_manage_policies(user)


def application_filter_for(user) -> Q:
    """Row filter on PolicyApplication: the enterprise's users, policy officers, leaders."""
    if not _signed_in(user):
        return Q(pk__in=[])
    if reads_all_matches(user):
        return Q()
    return Q(
        enterprise__memberships__user=user,
        enterprise__memberships__status=MembershipStatus.CONFIRMED,
    )


def match_filter_for(user) -> Q:
    """Row filter on PolicyMatch with the same readers as `can_read_matches`."""
    from onezone.enterprises.access import portfolio_filter
    from onezone.enterprises.models import Enterprise

    if not _signed_in(user):
        return Q(pk__in=[])
    if reads_all_matches(user):
        return Q()
    served = Enterprise.objects.filter(portfolio_filter(user)).values("pk")
    members = Enterprise.objects.filter(
        memberships__user=user, memberships__status=MembershipStatus.CONFIRMED
    ).values("pk")
    return Q(enterprise_id__in=members) | Q(enterprise_id__in=served)
