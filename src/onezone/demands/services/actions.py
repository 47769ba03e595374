"""The demand actions of the transition table, their stage clocks, timeline rows and messages.

`demand_act` (in services.demands) locks the demand, checks visibility, permission, version and
state, then calls the handler of the action here; the handler changes the locked row and says
where the demand goes. Everything runs in the caller's transaction.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from onezone.core import clock, clocks, workcal
from onezone.core.audit import audit_record
from onezone.core.canonical import jsonable
from onezone.core.choices import TimeUnit
from onezone.core.errors import ConflictError, field_error
from onezone.core.models import Clock, Todo
from onezone.core.notifications import notify
from onezone.demands.choices import (
    REASON_REQUIRED,
    REVIEW_TARGETS,
    DemandAction,
    DemandState,
    ReviewDecision,
    Satisfaction,
)
from onezone.demands.models import Demand, DemandCallback, DemandEvent
from onezone.enterprises.choices import MembershipStatus
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Unit
from onezone.org.selectors import active_posts

OBJECT_TYPE = "demands.demand"
A, S = DemandAction, DemandState
DEFAULT_CLOCKS = {
    "dispatch": {
        "emergency": [1, "hours"],
        "utilities": [2, "hours"],
        "ordinary": [24, "hours"],
        "complex": [24, "hours"],
    },
    "sign": [2, "hours"],
    "reply": {
        "emergency": [2, "hours"],
        "utilities": [24, "hours"],
        "ordinary": [7, "working_days"],
        "complex": [15, "working_days"],
    },
}
MAX_EXTENSION_WORKING_DAYS = 30


def demand_link(demand: Demand) -> str:
    return f"/demands/{demand.pk}/"


# ---- clocks ---------------------------------------------------------------------------------


def stage_limit(stage: str, priority: str) -> tuple[int, str]:
    """(amount, unit) of a stage's clock for a priority, from settings."""
    config = getattr(settings, "ONEZONE_DEMAND_CLOCKS", DEFAULT_CLOCKS)[stage]
    amount, unit = config[priority] if isinstance(config, dict) else config
    return amount, unit


def _stop_running(demand: Demand, actor, at: datetime) -> None:
    """Stop every running clock of the demand (normally the one stage clock)."""
    running = Clock.objects.filter(
        object_type=OBJECT_TYPE, object_id=str(demand.pk), stopped_at__isnull=True
    ).order_by()
    for running_clock in running:
        clocks.clock_stop(actor=actor, clock=running_clock, at=max(at, running_clock.started_at))
    demand.clock = None
    demand.due_at = None


def start_stage(demand: Demand, actor, stage: str, at: datetime, limit=None) -> Clock:
    """Stop the running clock and start the stage's clock; `due_at` follows it."""
    _stop_running(demand, actor, at)
    amount, unit = limit or stage_limit(stage, demand.priority)
    stage_clock = clocks.clock_start(
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=str(demand.pk),
        started_at=at,
        amount=amount,
        unit=unit,
        purpose=stage,
    )
    demand.clock = stage_clock
    # A clock just started has no pause or extension: its due time is the plain deadline
    # (what clocks.clock_status would derive, without reading pauses and extensions back).
    demand.due_at = workcal.deadline(
        stage_clock.started_at, stage_clock.limit_amount, stage_clock.limit_unit
    ).deadline
    return stage_clock


def reply_limit(demand: Demand) -> tuple[int, str]:
    """A Happiness Center request is answered within its service's limit; others by priority."""
    service = demand.happiness_service
    if service is not None:
        return service.limit_amount, service.limit_unit
    return stage_limit("reply", demand.priority)


def stop_clocks(demand: Demand, actor, at: datetime) -> None:
    _stop_running(demand, actor, at)


def _on_time(demand: Demand, at: datetime) -> bool | None:
    """Whether `at` is within the running clock's deadline (extensions included)."""
    if demand.clock is None:
        return None
    return at <= clocks.clock_status(demand.clock, at).due_at


# ---- routing --------------------------------------------------------------------------------


def zone_service_unit(zone) -> Unit | None:
    """The enterprise-service department of the zone's committee."""
    return (
        Unit.objects.filter(
            body__kind=BodyKind.ZONE_COMMITTEE,
            body__zone=zone,
            kind=UnitKind.ENTERPRISE_SERVICE,
        )
        .select_related("body")
        .order_by("pk")
        .first()
    )


def fallback_unit(zone) -> Unit | None:
    """Where demands of unclear responsibility go: the configured unit, else the zone's
    committee's enterprise-service department."""
    configured = getattr(settings, "ONEZONE_DEMAND_FALLBACK_UNIT", "") or ""
    if "/" in configured:
        body_name, unit_name = configured.split("/", 1)
        unit = (
            Unit.objects.filter(body__name=body_name.strip(), name=unit_name.strip())
            .select_related("body")
            .first()
        )
        if unit is not None:
            return unit
    return zone_service_unit(zone)


def routed_unit(category, zone, at: date | None = None, unclear: bool = False) -> Unit | None:
    """The register's holder of the category's matter in the zone, else the fallback."""
    from onezone.register.routing import NoHolder, route

    if not unclear:
        try:
            return route(category.matter, zone, at or clock.today()).holder_unit
        except NoHolder:
            pass
    return fallback_unit(zone)


# ---- people to tell -------------------------------------------------------------------------


def unit_users(unit_ids) -> list:
    """Active users holding a post in the units today."""
    user_ids = (
        active_posts()
        .filter(unit_id__in=list(unit_ids), person__user__isnull=False)
        .values("person__user_id")
    )
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def enterprise_users(demand: Demand) -> list:
    if demand.enterprise_id is None:
        return []
    return list(
        get_user_model()
        .objects.filter(
            enterprise_memberships__enterprise_id=demand.enterprise_id,
            enterprise_memberships__status=MembershipStatus.CONFIRMED,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def tell(users, *, actor, title: str, demand: Demand, body: str = "") -> None:
    for user in users:
        notify(recipient=user, title=title, body=body, link=demand_link(demand), actor=actor)


def _tell_lead_unit(demand: Demand, actor, title: str, body: str = "") -> None:
    if demand.lead_unit_id:
        tell(unit_users([demand.lead_unit_id]), actor=actor, title=title, demand=demand, body=body)


# ---- data checks ----------------------------------------------------------------------------


def _text(data: dict, key: str, message: str, required: bool = True) -> str:
    value = data.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise field_error(key, message, "required")
    return value


def _flag(data: dict, key: str, required: bool = True) -> bool:
    value = data.get(key)
    if value is None and not required:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "1", "yes", "on", "false", "0", "no"}:
        return value.lower() in {"true", "1", "yes", "on"}
    raise field_error(key, _("Answer yes or no."), "required" if value is None else "invalid")


def _reason(data: dict) -> str:
    return _text(data, "reason", _("Say why."))


def _unit(value, field_name: str) -> Unit:
    if isinstance(value, Unit):
        return value
    try:
        return Unit.objects.select_related("body").get(pk=int(value))
    except (TypeError, ValueError, Unit.DoesNotExist):
        raise field_error(field_name, _("No such unit."), "invalid") from None


# ---- the handlers ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a handler decided: the next state, the timeline note and its details."""

    to_state: str
    note: str = ""
    data: dict = field(default_factory=dict)
    after: list = field(default_factory=list)


def _dispatch(demand, actor, data, now):
    if data.get("lead_unit") not in (None, ""):
        lead = _unit(data["lead_unit"], "lead_unit")
        how = "named"
    else:
        lead = routed_unit(demand.category, demand.zone, clock.today(), bool(data.get("unclear")))
        how = "fallback" if data.get("unclear") else "routed"
        if lead is None:
            raise field_error(
                "lead_unit", _("No unit is found for this demand; name the lead unit."), "required"
            )
    co_ids = data.get("co_units") or []
    if not isinstance(co_ids, list | tuple | set):
        raise field_error("co_units", _("Give a list of unit ids."), "invalid")
    co_units = [_unit(value, "co_units") for value in co_ids]
    co_units = [unit for unit in co_units if unit.pk != lead.pk]
    demand.lead_unit = lead
    # The first dispatch counts (the return rate is over dispatched demands); the sign clock
    # restarts at every dispatch.
    demand.dispatched_at = demand.dispatched_at or now
    start_stage(demand, actor, "sign", now)
    outcome = Outcome(
        S.DISPATCHED,
        note=str(lead),
        data={"lead_unit": lead.pk, "co_units": [u.pk for u in co_units], "how": how},
    )

    def after():
        demand.co_units.set(co_units)
        title = _("New demand to sign for: %(ref)s") % {"ref": demand.reference}
        _tell_lead_unit(demand, actor, title, demand.title)
        if co_units:
            tell(
                unit_users([u.pk for u in co_units]),
                actor=actor,
                title=_("Demand to co-handle: %(ref)s") % {"ref": demand.reference},
                demand=demand,
                body=demand.title,
            )

    outcome.after.append(after)
    return outcome


def _tell_enterprise(demand, actor, title):
    return lambda: tell(enterprise_users(demand), actor=actor, title=title, demand=demand)


def _answer_directly(demand, actor, data, now):
    content = _text(data, "content", _("Write the answer."))
    demand.reply_content = content
    demand.replied_at = now
    demand.closed_at = now
    stop_clocks(demand, actor, now)
    title = _("Your demand %(ref)s was answered") % {"ref": demand.reference}
    return Outcome(S.CLOSED, note=content, after=[_tell_enterprise(demand, actor, title)])


def _sign(demand, actor, data, now):
    demand.signed_at = now
    demand.sign_on_time = _on_time(demand, now)
    start_stage(demand, actor, "reply", now, reply_limit(demand))
    return Outcome(S.IN_PROGRESS, data={"on_time": demand.sign_on_time})


def _request_return(demand, actor, data, now):
    reason = _reason(data)
    return Outcome(S.RETURN_REQUESTED, note=reason)


def _approve_return(demand, actor, data, now):
    previous = demand.lead_unit_id
    demand.return_approved = True
    demand.lead_unit = None
    start_stage(demand, actor, "dispatch", now)
    outcome = Outcome(S.ACCEPTED, note=_text(data, "reason", "", False), data={"from": previous})
    outcome.after.append(lambda: demand.co_units.clear())
    return outcome


def _reject_return(demand, actor, data, now):
    reason = _reason(data)
    title = _("Return refused: %(ref)s") % {"ref": demand.reference}
    return Outcome(
        S.DISPATCHED,
        note=reason,
        after=[lambda: _tell_lead_unit(demand, actor, title, reason)],
    )


def _contact(demand, actor, data, now):
    first = demand.first_contact_at is None
    if first:
        demand.first_contact_at = now
    return Outcome(S.IN_PROGRESS, note=_text(data, "note", "", False), data={"first": first})


def _hours_clock(demand) -> bool:
    return demand.clock is not None and demand.clock.limit_unit in (
        TimeUnit.HOURS,
        TimeUnit.WORKING_HOURS,
    )


def _request_extension(demand, actor, data, now):
    if _hours_clock(demand):
        raise ConflictError(_("A reply limit in hours (emergency, utilities) cannot be extended."))
    if demand.extension_approved:
        raise ConflictError(_("This demand has already had its extension."))
    try:
        days = int(data.get("working_days"))
    except (TypeError, ValueError):
        raise field_error("working_days", _("Give the working days needed."), "required") from None
    if not 1 <= days <= MAX_EXTENSION_WORKING_DAYS:
        raise field_error(
            "working_days",
            _("An extension is 1 to %(max)s working days.") % {"max": MAX_EXTENSION_WORKING_DAYS},
            "out_of_range",
        )
    reason = _reason(data)
    demand.extension_requested_days = days
    return Outcome(S.EXTENSION_REQUESTED, note=reason, data={"working_days": days})


def _last_request_reason(demand) -> str:
    event = demand.events.filter(action=A.REQUEST_EXTENSION).order_by("-at", "-id").first()
    return event.note if event else ""


def _approve_extension(demand, actor, data, now):
    days = demand.extension_requested_days
    reason = _last_request_reason(demand) or _text(data, "reason", "", False) or "-"
    clocks.clock_extend(actor=actor, clock=demand.clock, amount=days, reason=reason, approver=actor)
    demand.extension_approved = True
    demand.due_at = clocks.clock_status(demand.clock, now).due_at
    title = _("Extension approved: %(ref)s") % {"ref": demand.reference}
    return Outcome(
        S.IN_PROGRESS,
        data={"working_days": days, "due_at": demand.due_at},
        after=[lambda: _tell_lead_unit(demand, actor, title)],
    )


def _reject_extension(demand, actor, data, now):
    reason = _reason(data)
    demand.extension_requested_days = None
    title = _("Extension refused: %(ref)s") % {"ref": demand.reference}
    return Outcome(
        S.IN_PROGRESS, note=reason, after=[lambda: _tell_lead_unit(demand, actor, title, reason)]
    )


def _reply(demand, actor, data, now):
    content = _text(data, "content", _("Write the reply."))
    demand.reply_content = content
    demand.replied_at = now
    demand.reply_on_time = _on_time(demand, now)
    demand.callback_todo_given = False
    stop_clocks(demand, actor, now)
    title = _("Your demand %(ref)s has a reply") % {"ref": demand.reference}
    return Outcome(
        S.REPLIED,
        note=content,
        data={"on_time": demand.reply_on_time},
        after=[_tell_enterprise(demand, actor, title)],
    )


def _review(demand, actor, data, now):
    decision = data.get("decision")
    if decision not in ReviewDecision.values:
        raise field_error("decision", _("Accept the reply or send it back."), "invalid_choice")
    target = REVIEW_TARGETS[ReviewDecision(decision)]
    if decision == ReviewDecision.ACCEPT:
        return Outcome(target, note=_text(data, "reason", "", False), data={"decision": decision})
    reason = _reason(data)
    # A reply sent back is worked again against a fresh reply clock.
    start_stage(demand, actor, "reply", now, reply_limit(demand))
    demand.reply_on_time = None
    title = _("Reply sent back: %(ref)s") % {"ref": demand.reference}
    return Outcome(
        target,
        note=reason,
        data={"decision": decision},
        after=[lambda: _tell_lead_unit(demand, actor, title, reason)],
    )


def _callback(demand, actor, data, now):
    satisfaction = data.get("satisfaction")
    if satisfaction not in Satisfaction.values:
        raise field_error(
            "satisfaction", _("Choose how satisfied the enterprise is."), "invalid_choice"
        )
    values = {
        "valid": _flag(data, "valid"),
        "contacted": _flag(data, "contacted"),
        "resolved": _flag(data, "resolved"),
        "satisfaction": satisfaction,
        "unit_at_fault": _flag(data, "unit_at_fault", required=False),
    }
    note = _text(data, "note", "", False)

    def after():
        callback = DemandCallback.objects.create(
            demand=demand, note=note, actor=actor, at=now, **values
        )
        _complete_callback_todos(demand, actor, now)
        audit_record(actor=actor, action="demand_callback.create", obj=callback, after=values)

    return Outcome(S.CALLBACK_DONE, note=note, data=values, after=[after])


def _complete_callback_todos(demand, actor, now) -> None:
    """The callback is made: its to-dos are done, whoever was given them."""
    todos = Todo.objects.filter(
        source_type=OBJECT_TYPE, source_id=str(demand.pk), done_at__isnull=True
    )
    ids = list(todos.values_list("pk", flat=True))
    if ids:
        Todo.objects.filter(pk__in=ids).update(done_at=now)
        audit_record(
            actor=actor,
            action="todo.complete",
            object_type="core.todo",
            object_id=",".join(map(str, ids))[:60],
            after={"done_at": now, "by": "demand.callback"},
        )


def _close(demand, actor, data, now):
    demand.closed_at = now
    stop_clocks(demand, actor, now)
    title = _("Your demand %(ref)s is closed") % {"ref": demand.reference}
    return Outcome(S.CLOSED, after=[_tell_enterprise(demand, actor, title)])


def _reopen(demand, actor, data, now):
    last = demand.callbacks.order_by("-at", "-id").first()
    if last is None or not last.unit_at_fault:
        raise ConflictError(_("Only a callback that found the unit at fault reopens a demand."))
    reason = _reason(data)
    demand.closed_at = None
    demand.callback_todo_given = False
    start_stage(demand, actor, "reply", now, reply_limit(demand))
    title = _("Demand reopened: %(ref)s") % {"ref": demand.reference}
    return Outcome(
        S.IN_PROGRESS, note=reason, after=[lambda: _tell_lead_unit(demand, actor, title, reason)]
    )


def _supervise(demand, actor, data, now):
    reason = _reason(data)
    demand.is_supervised = True
    title = _("Demand under supervision: %(ref)s") % {"ref": demand.reference}
    return Outcome(
        demand.state, note=reason, after=[lambda: _tell_lead_unit(demand, actor, title, reason)]
    )


def _urge(demand, actor, data, now):
    reason = _reason(data)
    demand.urge_count += 1
    title = _("Demand urged: %(ref)s") % {"ref": demand.reference}
    return Outcome(
        demand.state,
        note=reason,
        data={"count": demand.urge_count},
        after=[lambda: _tell_lead_unit(demand, actor, title, reason)],
    )


HANDLERS = {
    A.DISPATCH: _dispatch,
    A.ANSWER_DIRECTLY: _answer_directly,
    A.SIGN: _sign,
    A.REQUEST_RETURN: _request_return,
    A.APPROVE_RETURN: _approve_return,
    A.REJECT_RETURN: _reject_return,
    A.CONTACT: _contact,
    A.REQUEST_EXTENSION: _request_extension,
    A.APPROVE_EXTENSION: _approve_extension,
    A.REJECT_EXTENSION: _reject_extension,
    A.REPLY: _reply,
    A.REVIEW: _review,
    A.CALLBACK: _callback,
    A.CLOSE: _close,
    A.REOPEN: _reopen,
    A.SUPERVISE: _supervise,
    A.URGE: _urge,
}
assert set(HANDLERS) == set(DemandAction.values)
assert set(HANDLERS) >= REASON_REQUIRED


# ---- snapshot and timeline -------------------------------------------------------------------

SNAPSHOT_FIELDS = (
    "state",
    "lead_unit_id",
    "due_at",
    "sign_on_time",
    "reply_on_time",
    "extension_approved",
    "return_approved",
    "is_supervised",
    "urge_count",
    "is_invalid",
    "duplicate_of_id",
    "version",
)


def snapshot(demand: Demand) -> dict:
    return {name: getattr(demand, name) for name in SNAPSHOT_FIELDS}


def event_add(demand, *, actor, action, from_state, to_state, note="", data=None, at=None):
    return DemandEvent.objects.create(
        demand=demand,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=jsonable(data or {}),
        actor=actor if getattr(actor, "pk", None) else None,
        at=at or clock.now(),
    )


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=workcal.SHANGHAI)


def next_working_day(moment: datetime) -> date:
    """The first working day after the local date of `moment`."""
    day = workcal.local(moment).date()
    calendar = workcal.get_calendar(day.year, day.year + 1)
    for offset in range(1, 40):
        candidate = day + timedelta(days=offset)
        if calendar.is_working(candidate):
            return candidate
    return day + timedelta(days=1)


def open_q() -> Q:
    return ~Q(state=S.CLOSED)
