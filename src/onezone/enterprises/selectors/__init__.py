"""Reads of the enterprise file and bindings, scoped to the actor (service reads: `service`)."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from onezone.core.masking import mask_phone
from onezone.enterprises.access import (
    can_read_personal_data,
    current_assignment_filter,
    enterprise_filter_for,
)
from onezone.enterprises.choices import FigureName, MembershipStatus, ServiceRole
from onezone.enterprises.industry import industry_section
from onezone.enterprises.models import (
    Enterprise,
    EnterpriseFigure,
    EnterpriseMembership,
    ServiceAssignment,
)
from onezone.org.access import zone_officer_zone_ids


@dataclass(frozen=True)
class EnterpriseFilters:
    """List filters; every one optional. `industry` is any level: C, 39, 397, 3973 or C3973."""

    search: str = ""
    zone_code: str = ""
    industry: str = ""
    size_class: str = ""
    development_stage: str = ""
    tag: str = ""
    liaison_person_id: int | None = None

    @classmethod
    def from_query(cls, query) -> "EnterpriseFilters":
        """Filters from a GET query (request.GET or a dict), ignoring malformed values."""
        liaison = str(query.get("liaison", "")).strip()
        return cls(
            search=str(query.get("q", query.get("search", ""))).strip(),
            zone_code=str(query.get("zone", "")).strip(),
            industry=str(query.get("industry", "")).strip().upper(),
            size_class=str(query.get("size_class", "")).strip(),
            development_stage=str(query.get("development_stage", "")).strip(),
            tag=str(query.get("tag", "")).strip(),
            liaison_person_id=int(liaison) if liaison.isdigit() else None,
        )


def _industry_filter(value: str) -> Q:
    letter = value[:1] if value[:1].isalpha() else ""
    digits = value[1:] if letter else value
    if not digits:
        return Q(industry_section=letter)
    condition = Q(industry_code__startswith=digits)
    if letter:
        condition &= Q(industry_section=letter)
    return condition if digits.isdigit() and industry_section(value) else Q(pk__in=[])


def _apply_filters(enterprises: QuerySet, filters: EnterpriseFilters) -> QuerySet:
    if filters.search:
        enterprises = enterprises.filter(
            Q(name__icontains=filters.search) | Q(uscc__icontains=filters.search.upper())
        )
    if filters.zone_code:
        enterprises = enterprises.filter(zone__code=filters.zone_code)
    if filters.industry:
        enterprises = enterprises.filter(_industry_filter(filters.industry))
    if filters.size_class == "none":
        enterprises = enterprises.filter(size_class__isnull=True)
    elif filters.size_class:
        enterprises = enterprises.filter(size_class=filters.size_class)
    if filters.development_stage:
        enterprises = enterprises.filter(development_stage=filters.development_stage)
    if filters.tag:
        enterprises = enterprises.filter(
            pk__in=Enterprise.tags.through.objects.filter(tag_id=filters.tag).values(
                "enterprise_id"
            )
        )
    if filters.liaison_person_id:
        enterprises = enterprises.filter(
            pk__in=ServiceAssignment.objects.filter(
                current_assignment_filter(),
                role=ServiceRole.LIAISON,
                post__person_id=filters.liaison_person_id,
            ).values("enterprise_id")
        )
    return enterprises


def _current_assignments() -> Prefetch:
    return Prefetch(
        "service_assignments",
        queryset=ServiceAssignment.objects.filter(current_assignment_filter()).select_related(
            "post__person", "post__unit__body"
        ),
        to_attr="current_assignments",
    )


def enterprise_list(
    *, actor, filters: EnterpriseFilters | None = None, search: str = "", zone_code: str = ""
) -> QuerySet[Enterprise]:
    """Enterprises the actor may see, filtered; each carries `current_assignments`."""
    filters = filters or EnterpriseFilters(search=search, zone_code=zone_code)
    visible = enterprise_filter_for(actor)
    enterprises = Enterprise.objects.all()
    if visible:
        # A subquery keeps one row per enterprise without DISTINCT over wide rows.
        enterprises = enterprises.filter(pk__in=Enterprise.objects.filter(visible).values("pk"))
    enterprises = _apply_filters(enterprises, filters)
    return (
        enterprises.select_related("zone")
        .prefetch_related("tags", _current_assignments())
        .order_by("name", "pk")
    )


def enterprise_get(*, actor, pk: int) -> Enterprise:
    return get_object_or_404(enterprise_list(actor=actor), pk=pk)


def enterprise_get_by_uscc(*, actor, uscc: str) -> Enterprise:
    return get_object_or_404(enterprise_list(actor=actor), uscc=(uscc or "").strip().upper())


def holder_of(enterprise: Enterprise, role: str):
    """The running assignment of a role from `current_assignments`, or None."""
    for assignment in getattr(enterprise, "current_assignments", []):
        if assignment.role == role:
            return assignment
    return None


@dataclass(frozen=True)
class FigureCell:
    value: object
    source: str
    source_label: str
    as_of: object
    is_authoritative: bool


def figures_by_year(*, enterprise: Enterprise) -> dict[int, dict[str, FigureCell]]:
    """{year: {figure name: cell}}, latest year first, for the file's figure table."""
    from onezone.enterprises.choices import AUTHORITATIVE_SOURCES, COUNT_FIGURES

    table: dict[int, dict[str, FigureCell]] = {}
    for row in EnterpriseFigure.objects.filter(enterprise=enterprise).order_by("-year", "name"):
        value = int(row.value) if row.name in COUNT_FIGURES else row.value
        table.setdefault(row.year, {})[row.name] = FigureCell(
            value=value,
            source=row.source,
            source_label=row.get_source_display(),
            as_of=row.as_of,
            is_authoritative=row.source in AUTHORITATIVE_SOURCES,
        )
    return table


def current_figure_sources(*, enterprise: Enterprise) -> dict[str, dict]:
    """Per current figure: its year, source and as-of date (the latest year's row)."""
    sources: dict[str, dict] = {}
    for year, cells in figures_by_year(enterprise=enterprise).items():
        for name, cell in cells.items():
            sources.setdefault(name, {"year": year, "source": cell.source, "as_of": cell.as_of})
    return {name: sources[name] for name in FigureName.values if name in sources}


def contacts_for(*, actor, enterprise: Enterprise) -> list[dict]:
    """Contacts with phones masked unless the actor needs them in full."""
    full = can_read_personal_data(actor, enterprise)
    return [
        {
            "name": contact.name,
            "title": contact.title,
            "phone": contact.phone if full else mask_phone(contact.phone),
            "email": contact.email,
            "is_primary": contact.is_primary,
        }
        for contact in enterprise.contacts.all()
    ]


def assignment_history(*, enterprise: Enterprise) -> QuerySet[ServiceAssignment]:
    return (
        ServiceAssignment.objects.filter(enterprise=enterprise)
        .select_related("post__person", "post__unit__body", "created_by")
        .order_by("role", "-start_on", "-id")
    )


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
