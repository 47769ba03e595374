"""Register lint: gaps, overlaps, cross-list conflicts and dangling entries on a date."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from onezone.org.models import Zone
from onezone.org.selectors import active_posts
from onezone.register.models import ListEntry, Matter
from onezone.register.routing import effective_by_list, entries_valid_on, pick


@dataclass(frozen=True)
class Finding:
    kind: str  # gap | overlap | conflict | dangling
    matter_code: str
    zone_code: str
    message: str


@dataclass
class LintReport:
    at: date
    findings: list[Finding] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.findings

    def of_kind(self, kind: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.kind == kind]


def register_lint(at: date) -> LintReport:
    """Everything wrong with the register on `at`; a handful of queries whatever its size."""
    report = LintReport(at=at)
    entries = list(entries_valid_on(at).select_related("matter"))
    zones = list(Zone.objects.order_by("code"))
    by_matter: dict[int, list[ListEntry]] = defaultdict(list)
    for entry in entries:
        by_matter[entry.matter_id].append(entry)
    report.findings += _gaps(by_matter, zones)
    report.findings += _overlaps(entries)
    report.findings += _conflicts(by_matter, zones)
    report.findings += _dangling(entries, at)
    return report


def _zone_label(zone) -> str:
    return zone.code if zone else "*"


def _gaps(by_matter, zones) -> list[Finding]:
    findings = []
    for matter in Matter.objects.filter(enterprise_related=True).order_by("code"):
        for zone in zones:
            if pick(by_matter.get(matter.pk, []), zone.pk) is None:
                message = _("%(matter)s has no holder in %(zone)s.") % {
                    "matter": f"{matter.code} {matter.name}",
                    "zone": zone.name,
                }
                findings.append(Finding("gap", matter.code, zone.code, message))
    return findings


def _overlaps(entries) -> list[Finding]:
    """Entries valid on the date that share matter, list and zone scope overlap there."""
    groups: dict[tuple, list[ListEntry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.matter_id, entry.list_name, entry.zone_id)].append(entry)
    findings = []
    for group in groups.values():
        if len(group) < 2:
            continue
        first = group[0]
        message = _("%(matter)s has %(count)s valid entries on the %(list)s for %(zone)s.") % {
            "matter": f"{first.matter.code} {first.matter.name}",
            "count": len(group),
            "list": first.get_list_name_display(),
            "zone": first.zone.name if first.zone else _("all zones"),
        }
        findings.append(Finding("overlap", first.matter.code, _zone_label(first.zone), message))
    return findings


def _conflicts(by_matter, zones) -> list[Finding]:
    findings = []
    for entries in by_matter.values():
        for zone in zones:
            by_list = effective_by_list(entries, zone.pk)
            holders = {entry.holder_unit_id for entry in by_list.values()}
            if len(holders) < 2:
                continue
            matter = entries[0].matter
            names = ", ".join(
                f"{entry.get_list_name_display()}: {entry.holder_unit}"
                for entry in by_list.values()
            )
            message = _("%(matter)s in %(zone)s: the lists name different holders (%(names)s).")
            message %= {"matter": f"{matter.code} {matter.name}", "zone": zone.name, "names": names}
            findings.append(Finding("conflict", matter.code, zone.code, message))
    return findings


def _dangling(entries, at: date) -> list[Finding]:
    """A holder or deciding unit with nobody in post is dissolved for routing purposes (org has
    no dissolution flag); a commissioner without a post cannot serve anyone."""
    posts = active_posts(at).values_list("unit_id", "person_id")
    staffed_units = {unit_id for unit_id, _person in posts}
    posted_people = {person_id for _unit, person_id in posts}
    findings = []
    for entry in entries:
        for unit in (entry.holder_unit, entry.deciding_unit):
            if unit is not None and unit.pk not in staffed_units:
                message = _("%(matter)s: unit %(unit)s has nobody in post.") % {
                    "matter": f"{entry.matter.code} {entry.matter.name}",
                    "unit": unit,
                }
                findings.append(
                    Finding("dangling", entry.matter.code, _zone_label(entry.zone), message)
                )
        if entry.commissioner_id and entry.commissioner_id not in posted_people:
            message = _("%(matter)s: commissioner %(person)s holds no post.") % {
                "matter": f"{entry.matter.code} {entry.matter.name}",
                "person": entry.commissioner.name,
            }
            findings.append(
                Finding("dangling", entry.matter.code, _zone_label(entry.zone), message)
            )
    return findings
