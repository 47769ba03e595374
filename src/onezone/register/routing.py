"""Who handles a matter in a zone on a date: `route()`, the function every later app calls."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.register.choices import ROUTING_ORDER
from onezone.register.models import ListEntry, Matter


class NoHolder(LookupError):
    """No list entry valid on the date gives the matter a holder in the zone."""

    def __init__(self, matter, zone, at: date):
        self.matter, self.zone, self.at = matter, zone, at
        super().__init__(
            _("No unit holds matter %(matter)s in zone %(zone)s on %(date)s.")
            % {"matter": f"{matter.code} {matter.name}", "zone": zone.name, "date": at.isoformat()}
        )


@dataclass(frozen=True)
class Routing:
    matter: Matter
    zone: object
    at: date
    list_name: str
    mode: str
    holder_unit: object
    deciding_unit: object | None
    commissioner: object | None
    entry: ListEntry


def entries_valid_on(at: date) -> QuerySet[ListEntry]:
    """Entries valid on `at` (valid_to is the last valid day), with what routing shows."""
    return ListEntry.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=at), valid_from__lte=at
    ).select_related(
        "zone",
        "holder_unit__body",
        "holder_unit__stationed_in",
        "deciding_unit__body",
        "commissioner",
    )


def effective_by_list(entries, zone_id: int) -> dict[str, ListEntry]:
    """Per list, the entry that applies in the zone: a zone-specific entry overrides an
    all-zones one; among equals (an overlap lint reports) the latest start, then newest row."""
    chosen: dict[str, ListEntry] = {}
    for entry in entries:
        if entry.zone_id not in (None, zone_id):
            continue
        current = chosen.get(entry.list_name)
        if current is None or _rank(entry) > _rank(current):
            chosen[entry.list_name] = entry
    return chosen


def _rank(entry: ListEntry) -> tuple:
    return (entry.zone_id is not None, entry.valid_from, entry.pk)


def pick(entries, zone_id: int) -> ListEntry | None:
    """The entry that routes: the first list, in ROUTING_ORDER, that holds the matter."""
    by_list = effective_by_list(entries, zone_id)
    for list_name in ROUTING_ORDER:
        if list_name in by_list:
            return by_list[list_name]
    return None


def _routing(matter, zone, at: date, entry: ListEntry) -> Routing:
    return Routing(
        matter=matter,
        zone=zone,
        at=at,
        list_name=entry.list_name,
        mode=entry.mode,
        holder_unit=entry.holder_unit,
        deciding_unit=entry.deciding_unit,
        commissioner=entry.commissioner,
        entry=entry,
    )


def route(matter: Matter, zone, at: date | None = None) -> Routing:
    """Who handles `matter` in `zone` on `at` (today by default).

    Looks only at entries valid on that date for that zone or for all zones. A zone-specific
    entry overrides an all-zones entry on the same list; across lists the order is
    approval_enforcement, delegated_power, management_matter, duty. Returns the holder unit,
    deciding unit (authorised_transfer), mode, commissioner (stationed_commissioner) and the
    entry; raises `NoHolder` naming matter, zone and date when nothing applies.
    """
    at = at or clock.today()
    entries = entries_valid_on(at).filter(Q(zone=zone) | Q(zone__isnull=True), matter=matter)
    entry = pick(list(entries), zone.pk)
    if entry is None:
        raise NoHolder(matter, zone, at)
    return _routing(matter, zone, at, entry)


def routes_for(matters, zone, at: date | None = None) -> dict[int, Routing | None]:
    """route() for many matters in one query (list pages): matter id → Routing or None."""
    at = at or clock.today()
    matters = list(matters)
    entries = entries_valid_on(at).filter(
        Q(zone=zone) | Q(zone__isnull=True), matter__in=[matter.pk for matter in matters]
    )
    by_matter: dict[int, list[ListEntry]] = {}
    for entry in entries:
        by_matter.setdefault(entry.matter_id, []).append(entry)
    result: dict[int, Routing | None] = {}
    for matter in matters:
        entry = pick(by_matter.get(matter.pk, []), zone.pk)
        result[matter.pk] = None if entry is None else _routing(matter, zone, at, entry)
    return result
