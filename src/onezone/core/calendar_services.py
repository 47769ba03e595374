"""Every write to the working-day calendar (overrides, year confirmations), audited."""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from onezone.core import clock, workcal
from onezone.core.access import is_administrator, require
from onezone.core.audit import audit_record, snapshot
from onezone.core.errors import ConflictError
from onezone.core.models import CalendarOverride, CalendarYearConfirmation, SiteFlag

OVERRIDE_FIELDS = ("date", "is_working", "reason")


def _require_administrator(actor) -> None:
    require(is_administrator(actor), _("Only administrators may change the working-day calendar."))


def _bump_version() -> None:
    """A new version makes every process rebuild its tables (and rolls back with the change)."""
    SiteFlag.objects.update_or_create(
        key=workcal.VERSION_FLAG, defaults={"value": uuid.uuid4().hex, "set_at": clock.now()}
    )


def _check_day(day) -> None:
    if not isinstance(day, date):
        raise ValidationError({"date": ValidationError(_("Give a date."), code="invalid")})
    if not workcal.FIRST_SUPPORTED_YEAR <= day.year <= workcal.LAST_SUPPORTED_YEAR:
        raise ValidationError(
            {"date": ValidationError(_("This date is out of range."), code="out_of_range")}
        )


def override_set(*, actor, day: date, is_working: bool, reason: str) -> CalendarOverride:
    """Mark `day` working or not, replacing any earlier override of that date."""
    _require_administrator(actor)
    _check_day(day)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code="required")})
    with transaction.atomic():
        override = CalendarOverride.objects.select_for_update().filter(date=day).first()
        before = snapshot(override, OVERRIDE_FIELDS) if override else None
        override = override or CalendarOverride(date=day)
        override.is_working = bool(is_working)
        override.reason = reason
        override.set_by = actor
        override.set_at = clock.now()
        override.full_clean()
        override.save()
        _bump_version()
        audit_record(
            actor=actor,
            action="calendar.override_set",
            obj=override,
            before=before,
            after=snapshot(override, OVERRIDE_FIELDS),
        )
    return override


def override_remove(*, actor, day: date) -> None:
    _require_administrator(actor)
    with transaction.atomic():
        override = CalendarOverride.objects.select_for_update().filter(date=day).first()
        if override is None:
            raise ConflictError(_("There is no override on this date."))
        before = snapshot(override, OVERRIDE_FIELDS)
        audit_record(actor=actor, action="calendar.override_remove", obj=override, before=before)
        override.delete()
        _bump_version()


def year_confirm(*, actor, year: int) -> CalendarYearConfirmation:
    """State that a year the package does not cover is complete (its overrides entered)."""
    _require_administrator(actor)
    if not workcal.FIRST_SUPPORTED_YEAR <= year <= workcal.LAST_SUPPORTED_YEAR:
        raise ValidationError(
            {"year": ValidationError(_("This year is out of range."), code="out_of_range")}
        )
    if workcal.package_covers(year):
        raise ConflictError(_("The official calendar already covers this year."))
    with transaction.atomic():
        if CalendarYearConfirmation.objects.select_for_update().filter(year=year).exists():
            raise ConflictError(_("This year is already confirmed."))
        confirmation = CalendarYearConfirmation.objects.create(
            year=year, confirmed_by=actor, confirmed_at=clock.now()
        )
        _bump_version()
        audit_record(
            actor=actor,
            action="calendar.year_confirm",
            obj=confirmation,
            after={"year": year},
        )
    return confirmation
