"""The demands worker: urge once when a stage clock expires, put a demand under supervision
after the configured overdue working days, give the callback to-do the working day after the
reply. Each change is its own transaction, so one bad row never holds the others back."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from onezone.core import clock, workcal
from onezone.core.audit import audit_record
from onezone.core.choices import TimeUnit
from onezone.core.notifications import todo_create
from onezone.demands.choices import DemandAction, DemandState
from onezone.demands.models import Demand
from onezone.demands.services.actions import (
    demand_link,
    event_add,
    local_midnight,
    next_working_day,
    open_q,
    snapshot,
    tell,
    unit_users,
)

DEFAULT_ESCALATE_AFTER = 3
CALLBACK_STATES = (DemandState.REPLIED, DemandState.REVIEWED)


def _escalate_after() -> int:
    return int(
        getattr(settings, "ONEZONE_DEMAND_ESCALATE_AFTER_WORKING_DAYS", DEFAULT_ESCALATE_AFTER)
    )


def _responsible_users(demand: Demand) -> list:
    """Who hears of an overdue stage: the lead unit while it works, else the receiving unit."""
    unit_id = demand.lead_unit_id or demand.receiving_unit_id
    return unit_users([unit_id])


def _flag(demand_id: int, actor, now, action: str, change) -> bool:
    """Lock, re-check and change one demand; write its timeline and audit rows."""
    with transaction.atomic():
        demand = Demand.objects.select_for_update().filter(open_q(), pk=demand_id).first()
        if demand is None:
            return False
        before = snapshot(demand)
        note = change(demand)
        if note is None:
            return False
        demand.version += 1
        demand.save()
        event_add(
            demand,
            actor=actor,
            action=action,
            from_state=demand.state,
            to_state=demand.state,
            note=note,
            data={"by": "sweep"},
            at=now,
        )
        audit_record(
            actor=actor,
            action=f"demand.{action}",
            obj=demand,
            before=before,
            after={**snapshot(demand), "by": "sweep"},
        )
        title = _("Overdue demand: %(ref)s") % {"ref": demand.reference}
        tell(_responsible_users(demand), actor=actor, title=title, demand=demand, body=note)
    return True


def _urge(now):
    def change(demand):
        if (
            demand.due_at is None
            or demand.due_at >= now
            or demand.urged_stage_due_at == demand.due_at
        ):
            return None
        demand.urge_count += 1
        demand.urged_stage_due_at = demand.due_at
        return _("The time limit has expired.")

    return change


def _escalate(now, after_days: int):
    def change(demand):
        if demand.is_supervised or demand.due_at is None or demand.due_at >= now:
            return None
        if workcal.elapsed(demand.due_at, now, TimeUnit.WORKING_DAYS) < after_days:
            return None
        demand.is_supervised = True
        return _("Overdue for %(days)s working days: under supervision.") % {"days": after_days}

    return change


def _give_callback_todo(demand_id: int, actor, now) -> bool:
    with transaction.atomic():
        demand = (
            Demand.objects.select_for_update()
            .filter(pk=demand_id, state__in=CALLBACK_STATES, callback_todo_given=False)
            .first()
        )
        if demand is None or demand.replied_at is None:
            return False
        day = next_working_day(demand.replied_at)
        if now < local_midnight(day):
            return False
        # Due at the close of that working day (the first working day after the reply's).
        due = workcal.add(demand.replied_at, 1, TimeUnit.WORKING_DAYS)
        assignees = unit_users([demand.receiving_unit_id])
        if not assignees and demand.created_by_id and demand.created_by.is_active:
            assignees = [demand.created_by]
        for user in assignees:
            todo_create(
                assignee=user,
                title=_("Call back on demand %(ref)s") % {"ref": demand.reference},
                due_at=due,
                link=demand_link(demand),
                source=demand,
                actor=actor,
            )
        demand.callback_todo_given = True
        demand.save(update_fields=["callback_todo_given"])
        audit_record(
            actor=actor,
            action="demand.callback_todo",
            obj=demand,
            after={"assignees": [u.username for u in assignees], "due_at": due},
        )
    return True


def demands_sweep(*, actor=None) -> dict:
    """One pass of the worker; returns how many demands it urged, escalated, gave to-dos."""
    now = clock.now()
    overdue = list(
        Demand.objects.filter(open_q(), due_at__lt=now, is_invalid=False).values_list(
            "pk", "due_at", "urged_stage_due_at", "is_supervised"
        )
    )
    # Only rows that may change are locked; each is checked again under its lock.
    to_urge = [pk for pk, due_at, urged, _supervised in overdue if urged != due_at]
    urged = sum(_flag(pk, actor, now, DemandAction.URGE, _urge(now)) for pk in to_urge)
    escalate = _escalate(now, _escalate_after())
    to_escalate = [pk for pk, _due, _urged, supervised in overdue if not supervised]
    escalated = sum(_flag(pk, actor, now, DemandAction.SUPERVISE, escalate) for pk in to_escalate)
    waiting = Demand.objects.filter(
        state__in=CALLBACK_STATES, callback_todo_given=False, replied_at__isnull=False
    ).values_list("pk", flat=True)
    todos = sum(_give_callback_todo(pk, actor, now) for pk in list(waiting))
    return {"urged": urged, "escalated": escalated, "callback_todos": todos}
