"""The demands worker on a simulated clock: it urges once per expired stage, puts a demand under
supervision after the configured overdue working days, and gives the callback to-do from the
working day after the reply (to the receiving unit)."""

from datetime import datetime, timedelta

import pytest

from onezone.core.clock import simulated_time
from onezone.core.models import Notification, Todo
from onezone.core.scheduler import SCHEDULE
from onezone.core.workcal import SHANGHAI
from onezone.demands.choices import DemandAction
from onezone.demands.models import Demand
from onezone.demands.services.demands import demand_act, demand_mark_invalid, demands_sweep

pytestmark = pytest.mark.django_db

# Tuesday 10 March 2026, 09:30 in Shanghai (no public holiday in March).
MORNING = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
CALLBACK = {
    "valid": True,
    "contacted": True,
    "resolved": True,
    "satisfaction": "satisfied",
    "note": "满意",
}


def at(moment):
    return simulated_time(moment)


def sweep(moment) -> dict:
    with at(moment):
        return demands_sweep()


def fresh(demand) -> Demand:
    return Demand.objects.get(pk=demand.pk)


def test_the_sweep_is_scheduled():
    assert "onezone.demands.tasks.sweep_demands" in {entry.task_path for entry in SCHEDULE}


def test_urges_once_per_expired_stage(demands_world, demand_factory):
    dw = demands_world
    with at(MORNING):
        demand = demand_factory()
    # Dispatch is due 24 hours after acceptance.
    assert sweep(MORNING + timedelta(hours=23))["urged"] == 0
    assert sweep(MORNING + timedelta(hours=25))["urged"] == 1
    assert sweep(MORNING + timedelta(hours=26))["urged"] == 0
    demand = fresh(demand)
    assert demand.urge_count == 1
    assert demand.urged_stage_due_at == MORNING + timedelta(hours=24)
    urge = demand.events.get(action=DemandAction.URGE)
    assert urge.actor is None
    # Nobody leads it yet: the receiving unit (the hotline) hears of it.
    assert Notification.objects.filter(recipient=dw.hotline).count() == 1
    with at(MORNING + timedelta(hours=27)):
        demand = demand_act(actor=dw.hotline, demand=demand, action="dispatch", data={})
    # The sign stage has its own deadline, urged once in its turn.
    assert sweep(MORNING + timedelta(hours=30))["urged"] == 1
    assert sweep(MORNING + timedelta(hours=31))["urged"] == 0
    assert fresh(demand).urge_count == 2
    assert Notification.objects.filter(
        recipient=dw.water_officer, title__contains=demand.reference
    ).exists()


def _overdue_reply(demands_world, demand_factory):
    dw = demands_world
    with at(MORNING):
        demand = demand_factory()
        demand = demand_act(actor=dw.hotline, demand=demand, action="dispatch", data={})
        demand = demand_act(actor=dw.water_officer, demand=demand, action="sign", data={})
    # Ordinary: the reply is due at the close of Thursday 19 March.
    assert demand.due_at == datetime(2026, 3, 19, 17, 30, tzinfo=SHANGHAI)
    return demand


def test_escalates_after_three_overdue_working_days(demands_world, demand_factory):
    demand = _overdue_reply(demands_world, demand_factory)
    # Friday 20, Monday 23 and Tuesday 24 March make three overdue working days.
    result = sweep(datetime(2026, 3, 24, 17, 0, tzinfo=SHANGHAI))
    assert result["escalated"] == 0
    assert result["urged"] == 1
    assert fresh(demand).is_supervised is False
    assert sweep(datetime(2026, 3, 25, 9, 0, tzinfo=SHANGHAI))["escalated"] == 1
    demand = fresh(demand)
    assert demand.is_supervised is True
    assert demand.events.filter(action=DemandAction.SUPERVISE).count() == 1
    assert sweep(datetime(2026, 3, 26, 9, 0, tzinfo=SHANGHAI))["escalated"] == 0
    assert fresh(demand).urge_count == 1


def test_escalation_threshold_is_configuration(demands_world, demand_factory, settings):
    settings.ONEZONE_DEMAND_ESCALATE_AFTER_WORKING_DAYS = 1
    demand = _overdue_reply(demands_world, demand_factory)
    assert sweep(datetime(2026, 3, 20, 17, 0, tzinfo=SHANGHAI))["escalated"] == 0
    assert sweep(datetime(2026, 3, 20, 17, 31, tzinfo=SHANGHAI))["escalated"] == 1
    assert fresh(demand).is_supervised is True


def test_invalid_and_closed_demands_are_left_alone(demands_world, demand_factory):
    dw = demands_world
    with at(MORNING):
        invalid = demand_factory()
        demand_mark_invalid(actor=dw.hotline, demand=invalid, reason="恶意重复来电")
        answered = demand_factory()
        demand_act(
            actor=dw.hotline,
            demand=answered,
            action="answer_directly",
            data={"content": "已答复"},
        )
    assert sweep(MORNING + timedelta(days=10)) == {
        "urged": 0,
        "escalated": 0,
        "callback_todos": 0,
    }


def test_callback_todo_the_working_day_after_the_reply(demands_world, demand_factory):
    dw = demands_world
    with at(MORNING):
        demand = demand_factory()
        demand = demand_act(actor=dw.hotline, demand=demand, action="dispatch", data={})
        demand = demand_act(actor=dw.water_officer, demand=demand, action="sign", data={})
    # Replied on Friday 13 March: the callback to-do comes on Monday 16 March.
    with at(datetime(2026, 3, 13, 16, 0, tzinfo=SHANGHAI)):
        demand = demand_act(
            actor=dw.water_officer, demand=demand, action="reply", data={"content": "已恢复"}
        )
    assert sweep(datetime(2026, 3, 14, 10, 0, tzinfo=SHANGHAI))["callback_todos"] == 0
    assert sweep(datetime(2026, 3, 15, 23, 59, tzinfo=SHANGHAI))["callback_todos"] == 0
    assert sweep(datetime(2026, 3, 16, 0, 5, tzinfo=SHANGHAI))["callback_todos"] == 1
    assert sweep(datetime(2026, 3, 16, 9, 0, tzinfo=SHANGHAI))["callback_todos"] == 0
    todo = Todo.objects.get(source_type="demands.demand", source_id=str(demand.pk))
    assert todo.assignee == dw.hotline
    assert todo.due_at == datetime(2026, 3, 16, 17, 30, tzinfo=SHANGHAI)
    assert todo.done_at is None
    with at(datetime(2026, 3, 16, 10, 0, tzinfo=SHANGHAI)):
        demand = demand_act(
            actor=dw.hotline, demand=demand, action="review", data={"decision": "accept"}
        )
        demand_act(actor=dw.hotline, demand=demand, action="callback", data=CALLBACK)
    todo.refresh_from_db()
    assert todo.done_at == datetime(2026, 3, 16, 10, 0, tzinfo=SHANGHAI)
