"""Case clocks: start, pause, resume, extend and stop a time limit (every write audited), and
its derived due time, remaining time, overdue flag and traffic light.

Core knows no domain: the calling app names its case by `object_type`/`object_id` (as the
audit trail does) and checks the actor's permission before calling.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from onezone.core import clock as platform_clock
from onezone.core import workcal
from onezone.core.audit import audit_record
from onezone.core.choices import PauseReason, TimeUnit, TrafficLight
from onezone.core.errors import ConflictError, field_error
from onezone.core.models import Clock, ClockExtension, ClockPause

DEFAULT_TRAFFIC_LIGHT = {"amber_remaining_share": 0.25}


def _state(clock: Clock) -> dict:
    return {
        "started_at": clock.started_at,
        "limit_amount": clock.limit_amount,
        "limit_unit": clock.limit_unit,
        "stopped_at": clock.stopped_at,
    }


def _locked(clock: Clock) -> Clock:
    return Clock.objects.select_for_update().get(pk=clock.pk)


def _open_pause(clock: Clock) -> ClockPause | None:
    return clock.pauses.filter(ended_at__isnull=True).first()


def _require_not_stopped(clock: Clock) -> None:
    if clock.stopped_at is not None:
        raise ConflictError(_("This clock has stopped."))


def _moment(at: datetime | None, field: str) -> datetime:
    return workcal.local(at or platform_clock.now(), field)


# ---- writes -------------------------------------------------------------------------------


def clock_start(
    *, actor, object_type: str, object_id: str, started_at: datetime, amount, unit, purpose=""
) -> Clock:
    unit = workcal.checked_unit(unit)
    amount = workcal.checked_amount(amount, unit)
    if not object_type or not object_id:
        raise field_error("object_type", _("Name the case the clock belongs to."), "required")
    clock = Clock(
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose,
        started_at=workcal.local(started_at, "started_at"),
        limit_amount=amount,
        limit_unit=unit,
        created_at=platform_clock.now(),
    )
    with transaction.atomic():
        clock.full_clean()
        clock.save()
        audit_record(actor=actor, action="clock.start", obj=clock, after=_state(clock))
    return clock


def clock_pause(*, actor, clock: Clock, reason: str, at: datetime | None = None, note="") -> Clock:
    if reason not in PauseReason.values:
        raise field_error("reason", _("Unknown pause reason."), "invalid_choice")
    with transaction.atomic():
        clock = _locked(clock)
        _require_not_stopped(clock)
        if _open_pause(clock) is not None:
            raise ConflictError(_("This clock is already paused."))
        at = _moment(at, "at")
        last_end = clock.pauses.order_by("-ended_at").values_list("ended_at", flat=True).first()
        if at < clock.started_at or (last_end and at < last_end):
            raise field_error("at", _("A pause cannot begin before the clock runs."), "too_early")
        pause = ClockPause.objects.create(clock=clock, started_at=at, reason=reason, note=note)
        audit_record(
            actor=actor,
            action="clock.pause",
            obj=clock,
            after={"pause_id": pause.pk, "from": at, "reason": reason, "note": note},
        )
    return clock


def clock_resume(*, actor, clock: Clock, at: datetime | None = None) -> Clock:
    with transaction.atomic():
        clock = _locked(clock)
        _require_not_stopped(clock)
        pause = _open_pause(clock)
        if pause is None:
            raise ConflictError(_("This clock is running; there is no pause to end."))
        at = _moment(at, "at")
        if at < pause.started_at:
            raise field_error("at", _("A pause cannot end before it began."), "before_start")
        pause.ended_at = at
        pause.save(update_fields=["ended_at"])
        audit_record(
            actor=actor,
            action="clock.resume",
            obj=clock,
            before={"pause_id": pause.pk, "from": pause.started_at, "reason": pause.reason},
            after={"pause_id": pause.pk, "to": at},
        )
    return clock


def clock_extend(*, actor, clock: Clock, amount, reason: str, approver) -> ClockExtension:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("An extension needs a reason."), "required")
    if approver is None or not getattr(approver, "pk", None):
        raise field_error("approver", _("An extension needs an approver."), "required")
    with transaction.atomic():
        clock = _locked(clock)
        _require_not_stopped(clock)
        amount = workcal.checked_amount(amount, TimeUnit(clock.limit_unit))
        if amount == 0:
            raise field_error("amount", _("An extension must add time."), "zero")
        extension = ClockExtension.objects.create(
            clock=clock,
            amount=amount,
            reason=reason,
            approver=approver,
            granted_at=platform_clock.now(),
        )
        audit_record(
            actor=actor,
            action="clock.extend",
            obj=clock,
            after={"amount": amount, "reason": reason, "approver": approver.pk},
        )
    return extension


def clock_stop(*, actor, clock: Clock, at: datetime | None = None) -> Clock:
    """The case is done: the clock freezes (an open pause ends at the same moment)."""
    with transaction.atomic():
        clock = _locked(clock)
        _require_not_stopped(clock)
        at = _moment(at, "at")
        if at < clock.started_at:
            raise field_error("at", _("A clock cannot stop before it started."), "before_start")
        clock.pauses.filter(ended_at__isnull=True).update(ended_at=at)
        before = _state(clock)
        clock.stopped_at = at
        clock.save(update_fields=["stopped_at"])
        audit_record(
            actor=actor, action="clock.stop", obj=clock, before=before, after=_state(clock)
        )
    return clock


# ---- derived ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockStatus:
    due_at: datetime
    remaining: float
    unit: str
    is_paused: bool
    is_overdue: bool
    traffic_light: str
    calendar_confirmed: bool


def traffic_light(remaining: float, total: Decimal, is_overdue: bool) -> TrafficLight:
    """Green, amber or red for a time left out of a limit (queues use it without a Clock)."""
    thresholds = {**DEFAULT_TRAFFIC_LIGHT, **getattr(settings, "ONEZONE_CLOCK_TRAFFIC_LIGHT", {})}
    if is_overdue:
        return TrafficLight.RED
    if total and remaining / float(total) <= thresholds["amber_remaining_share"]:
        return TrafficLight.AMBER
    return TrafficLight.GREEN


def clock_status(clock: Clock, at: datetime | None = None) -> ClockStatus:
    """Due time shifted by the paused time that counts in the clock's unit; remaining time in
    that unit (negative once overdue); a stopped clock is judged at its stop."""
    unit = TimeUnit(clock.limit_unit)
    at = workcal.local(clock.stopped_at or at or platform_clock.now(), "at")
    total = clock.limit_amount + sum((e.amount for e in clock.extensions.all()), Decimal(0))
    base = workcal.deadline(clock.started_at, total, unit)
    pauses = list(clock.pauses.all())
    start = workcal.local(clock.started_at)
    end = max(at, start)
    calendar = workcal.get_calendar(start.year, max(end, base.deadline).year + 1)
    paused = sum(
        workcal.counted_micros(p.started_at, min(p.ended_at or end, end), unit, (), calendar)
        for p in pauses
        if p.started_at < end
    )
    due = workcal.shifted(base.deadline, paused, unit, calendar)
    measured = (
        workcal.counted_micros(at, due, unit, (), calendar)
        if at <= due
        else -workcal.counted_micros(due, at, unit, (), calendar)
    )
    remaining = round(measured / workcal.unit_micros(unit, calendar), workcal.ELAPSED_PLACES)
    is_overdue = at > due
    return ClockStatus(
        due_at=due,
        remaining=remaining,
        unit=unit,
        is_paused=any(p.ended_at is None for p in pauses),
        is_overdue=is_overdue,
        traffic_light=traffic_light(remaining, total, is_overdue),
        calendar_confirmed=base.calendar_confirmed,
    )


def clock_list_for(*, object_type: str, object_id: str):
    return Clock.objects.filter(object_type=object_type, object_id=str(object_id)).prefetch_related(
        "pauses", "extensions"
    )
