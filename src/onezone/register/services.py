"""Every write to the register, audited in the same transaction; routing is re-exported here."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from onezone.core.access import require
from onezone.core.audit import audit_record, snapshot
from onezone.core.errors import apply_fields, field_error
from onezone.org.access import can_manage_org
from onezone.register.choices import DelegationMode
from onezone.register.models import ListEntry, Matter
from onezone.register.routing import NoHolder, Routing, route, routes_for

MATTER_FIELDS = ("code", "name", "kind", "home_body", "legal_basis", "enterprise_related")
ENTRY_FIELDS = (
    "matter",
    "list_name",
    "zone",
    "holder_unit",
    "mode",
    "deciding_unit",
    "commissioner",
    "valid_from",
    "valid_to",
    "version",
    "previous",
    "change_reason",
)
# What a new version may change; matter, list and zone scope identify the line.
CHANGEABLE_FIELDS = ("holder_unit", "mode", "deciding_unit", "commissioner", "valid_to")

__all__ = [
    "NoHolder",
    "Routing",
    "entry_change",
    "entry_create",
    "entry_end",
    "matter_create",
    "matter_update",
    "route",
    "routes_for",
]


def _require_manager(actor) -> None:
    require(can_manage_org(actor), _("Only administrators may change the register."))


# ---- matters --------------------------------------------------------------------------


def matter_create(*, actor, **data) -> Matter:
    _require_manager(actor)
    matter = Matter()
    apply_fields(matter, data, MATTER_FIELDS)
    with transaction.atomic():
        matter.full_clean()
        matter.save()
        audit_record(
            actor=actor, action="matter.create", obj=matter, after=snapshot(matter, MATTER_FIELDS)
        )
    return matter


def matter_update(*, actor, matter: Matter, **data) -> Matter:
    _require_manager(actor)
    with transaction.atomic():
        matter = Matter.objects.select_for_update().get(pk=matter.pk)
        before = snapshot(matter, MATTER_FIELDS)
        apply_fields(matter, data, MATTER_FIELDS)
        matter.full_clean()
        matter.save()
        audit_record(
            actor=actor,
            action="matter.update",
            obj=matter,
            before=before,
            after=snapshot(matter, MATTER_FIELDS),
        )
    return matter


# ---- list entries ---------------------------------------------------------------------


def _validate_mode(entry: ListEntry) -> None:
    transfer = entry.mode == DelegationMode.AUTHORISED_TRANSFER
    stationed = entry.mode == DelegationMode.STATIONED_COMMISSIONER
    if transfer and entry.deciding_unit_id is None:
        raise field_error(
            "deciding_unit",
            _("Authorisation and transfer needs the deciding unit of the home bureau."),
            "required",
        )
    if not transfer and entry.deciding_unit_id is not None:
        raise field_error(
            "deciding_unit",
            _("Only authorisation and transfer names a deciding unit."),
            "not_transfer",
        )
    if stationed and entry.commissioner_id is None:
        raise field_error(
            "commissioner", _("A stationed section needs its service commissioner."), "required"
        )
    if not stationed and entry.commissioner_id is not None:
        raise field_error(
            "commissioner",
            _("Only a stationed section with commissioner names a commissioner."),
            "not_stationed",
        )


def overlapping(entry: ListEntry):
    """Other entries on the same matter, list and zone scope whose validity meets `entry`'s."""
    others = ListEntry.objects.filter(
        matter_id=entry.matter_id, list_name=entry.list_name, zone_id=entry.zone_id
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=entry.valid_from))
    if entry.valid_to is not None:
        others = others.filter(valid_from__lte=entry.valid_to)
    return others.exclude(pk=entry.pk) if entry.pk else others


def _validate_entry(entry: ListEntry) -> None:
    _validate_mode(entry)
    if entry.valid_to is not None and entry.valid_to < entry.valid_from:
        raise field_error("valid_to", _("The entry cannot end before it starts."), "ends_before")
    entry.full_clean(validate_constraints=False)
    if overlapping(entry).exists():
        raise field_error(
            "valid_from",
            _("Another entry for this matter, list and zone scope is valid in this period."),
            "overlap",
        )


def entry_create(*, actor, **data) -> ListEntry:
    """Version 1 of a matter's line on a list (zone=None: all zones)."""
    _require_manager(actor)
    entry = ListEntry(version=1)
    apply_fields(entry, data, tuple(f for f in ENTRY_FIELDS if f not in ("version", "previous")))
    with transaction.atomic():
        _validate_entry(entry)
        entry.save()
        audit_record(
            actor=actor, action="entry.create", obj=entry, after=snapshot(entry, ENTRY_FIELDS)
        )
    return entry


def _lock_current(entry: ListEntry) -> ListEntry:
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    if ListEntry.objects.filter(previous=entry).exists():
        raise field_error(
            "__all__", _("This is not the latest version of the entry."), "not_latest"
        )
    return entry


def entry_change(
    *, actor, entry: ListEntry, effective_from: date, change_reason: str, **changes
) -> ListEntry:
    """Close `entry` the day before `effective_from` and add the next version with `changes`."""
    _require_manager(actor)
    if not change_reason.strip():
        raise field_error("change_reason", _("Say why the entry changes."), "required")
    with transaction.atomic():
        old = _lock_current(entry)
        if effective_from <= old.valid_from:
            raise field_error(
                "effective_from",
                _("A change takes effect after the current version starts."),
                "too_early",
            )
        # The day after a closed version's end continues the line (imports replay history).
        if old.valid_to is not None and effective_from > old.valid_to + timedelta(days=1):
            raise field_error(
                "effective_from", _("The entry has ended before that date."), "entry_ended"
            )
        new = ListEntry(**{name: getattr(old, name) for name in ENTRY_FIELDS if name != "previous"})
        new.version, new.previous, new.valid_from = old.version + 1, old, effective_from
        new.change_reason = change_reason
        apply_fields(new, changes, CHANGEABLE_FIELDS)
        before = snapshot(old, ENTRY_FIELDS)
        old.valid_to = effective_from - timedelta(days=1)
        old.save(update_fields=["valid_to"])
        _validate_entry(new)
        new.save()
        audit_record(
            actor=actor,
            action="entry.close",
            obj=old,
            before=before,
            after=snapshot(old, ENTRY_FIELDS),
        )
        audit_record(actor=actor, action="entry.change", obj=new, after=snapshot(new, ENTRY_FIELDS))
    return new


def entry_end(*, actor, entry: ListEntry, valid_to: date, change_reason: str) -> ListEntry:
    """End the latest version on `valid_to` (its last valid day); nothing replaces it."""
    _require_manager(actor)
    if not change_reason.strip():
        raise field_error("change_reason", _("Say why the entry ends."), "required")
    with transaction.atomic():
        entry = _lock_current(entry)
        if valid_to < entry.valid_from:
            raise field_error(
                "valid_to", _("The entry cannot end before it starts."), "ends_before"
            )
        before = snapshot(entry, ENTRY_FIELDS)
        entry.valid_to = valid_to
        entry.save(update_fields=["valid_to"])
        after = {**snapshot(entry, ENTRY_FIELDS), "end_reason": change_reason}
        audit_record(actor=actor, action="entry.end", obj=entry, before=before, after=after)
    return entry
