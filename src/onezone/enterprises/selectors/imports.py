"""Reads for Excel import and export: imports an actor may see, and the export's rows."""

from collections.abc import Callable

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from onezone.core.access import is_administrator, role_names
from onezone.core.choices import Role
from onezone.enterprises.access import portfolio_filter
from onezone.enterprises.choices import FigureName, MembershipStatus
from onezone.enterprises.models import (
    Enterprise,
    EnterpriseContact,
    EnterpriseFigure,
    EnterpriseImport,
    EnterpriseMembership,
)
from onezone.enterprises.selectors import EnterpriseFilters, enterprise_list
from onezone.org.access import zone_officer_zone_ids

EXPORT_CHUNK = 2000


def import_list(*, actor) -> QuerySet[EnterpriseImport]:
    """Imports the actor uploaded (administrators: every import), newest first; no content."""
    imports = EnterpriseImport.objects.defer("content", "errors").select_related("created_by")
    if not is_administrator(actor):
        imports = imports.filter(created_by=actor)
    return imports.order_by("-created_at", "-id")


def import_get(*, actor, pk: int) -> EnterpriseImport:
    return get_object_or_404(import_list(actor=actor).defer(None).defer("content"), pk=pk)


def export_rows(*, actor, filters: EnterpriseFilters):
    """The filtered list with what the export prints, fetched in chunks (queries per chunk)."""
    enterprises = enterprise_list(actor=actor, filters=filters).prefetch_related(
        Prefetch(
            "contacts",
            queryset=EnterpriseContact.objects.order_by("-is_primary", "pk"),
            to_attr="export_contacts",
        ),
        Prefetch(
            "figures",
            queryset=EnterpriseFigure.objects.filter(
                name__in=[FigureName.REVENUE, FigureName.TAX]
            ).order_by("-year", "name"),
            to_attr="export_figures",
        ),
    )
    return enterprises.iterator(chunk_size=EXPORT_CHUNK)


def personal_data_reader(actor) -> Callable[[Enterprise], bool]:
    """access.can_read_personal_data for many enterprises, with a fixed number of queries."""
    if is_administrator(actor) or Role.HOTLINE_OPERATOR in role_names(actor):
        return lambda enterprise: True
    zone_ids = zone_officer_zone_ids(actor)
    enterprise_ids = set(
        Enterprise.objects.filter(portfolio_filter(actor)).values_list("pk", flat=True)
    ) | set(
        EnterpriseMembership.objects.filter(
            user=actor, status=MembershipStatus.CONFIRMED, enterprise__isnull=False
        ).values_list("enterprise_id", flat=True)
    )
    return lambda enterprise: enterprise.zone_id in zone_ids or enterprise.pk in enterprise_ids
