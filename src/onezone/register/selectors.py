"""Reads of the register. The register is public: everyone, anonymous included, may read it."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from onezone.register.models import ListEntry, Matter


def matter_list(
    *, actor=None, kind: str = "", enterprise_related: bool | None = None, search: str = ""
) -> QuerySet[Matter]:
    matters = Matter.objects.select_related("home_body")
    if kind:
        matters = matters.filter(kind=kind)
    if enterprise_related is not None:
        matters = matters.filter(enterprise_related=enterprise_related)
    if search:
        matters = matters.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return matters.order_by("code")


def matter_get(*, actor=None, pk: int | None = None, code: str | None = None) -> Matter:
    lookup = {"pk": pk} if pk is not None else {"code": code}
    return get_object_or_404(Matter.objects.select_related("home_body"), **lookup)


def entries_of_matter(*, matter: Matter) -> QuerySet[ListEntry]:
    """Every version of every line of the matter, newest version first within a line."""
    return (
        ListEntry.objects.filter(matter=matter)
        .select_related("zone", "holder_unit__body", "deciding_unit__body", "commissioner")
        .order_by("list_name", "zone__code", "-version")
    )


def entry_get(*, actor=None, pk: int) -> ListEntry:
    return get_object_or_404(ListEntry.objects.select_related("matter"), pk=pk)
