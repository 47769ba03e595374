"""Reads of the enterprise app, scoped to the actor."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from onezone.enterprises.access import enterprise_filter_for
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import Enterprise, EnterpriseMembership
from onezone.org.access import zone_officer_zone_ids


def enterprise_list(*, actor, search: str = "", zone_code: str = "") -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.filter(enterprise_filter_for(actor)).distinct()
    if search:
        enterprises = enterprises.filter(Q(name__icontains=search) | Q(uscc__icontains=search))
    if zone_code:
        enterprises = enterprises.filter(zone__code=zone_code)
    return enterprises.select_related("zone")


def enterprise_get(*, actor, pk: int) -> Enterprise:
    return get_object_or_404(enterprise_list(actor=actor), pk=pk)


def memberships_to_decide(*, actor, status: str = MembershipStatus.PENDING):
    """Bindings in the zones where the actor is a zone officer."""
    memberships = EnterpriseMembership.objects.filter(
        zone_id__in=zone_officer_zone_ids(actor)
    ).select_related("user", "zone", "enterprise", "decided_by")
    return memberships.filter(status=status) if status else memberships


def membership_get_for_decision(*, actor, pk: int) -> EnterpriseMembership:
    return get_object_or_404(memberships_to_decide(actor=actor, status=""), pk=pk)


def memberships_of(*, user) -> QuerySet[EnterpriseMembership]:
    return EnterpriseMembership.objects.filter(user=user).select_related("enterprise", "zone")


def confirmed_enterprises_of(*, user) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(
        memberships__user=user, memberships__status=MembershipStatus.CONFIRMED
    ).distinct()
