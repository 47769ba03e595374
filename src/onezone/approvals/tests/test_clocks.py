"""Statutory clocks of item cases across Chinese public holidays (chinesecalendar's schedule):
National Day 2025 (1–8 October off, Sunday 28 September and Saturday 11 October worked) and
Spring Festival 2026 (15–23 February off, Saturdays 14 and 28 February worked). Office hours
09:00–12:00 and 13:30–17:30 (7 hours a working day); the day of receipt/acceptance is not
counted."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from onezone.approvals.choices import ItemAction, ItemCaseState
from onezone.approvals.tests.test_transitions import act, apply_for, stage_case
from onezone.core import clocks
from onezone.core.choices import TimeUnit
from onezone.core.clock import simulated_time

SH = ZoneInfo("Asia/Shanghai")
A, S = ItemAction, ItemCaseState


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def submit_at(world, moment: str):
    with simulated_time(at(moment)):
        return stage_case(apply_for(world))


def act_at(world, case, action, moment: str, **kwargs):
    with simulated_time(at(moment)):
        case = act(world, case, action, **kwargs)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # Tuesday before National Day: 9, 10, 11 (make-up Saturday), 13, 14 October.
        ("2025-09-30 10:00", "2025-10-14 17:30"),
        # Friday before Spring Festival: 14 February (make-up Saturday), 24, 25, 26, 27.
        ("2026-02-13 10:00", "2026-02-27 17:30"),
        # Received on a holiday: the five days start with the first working day after it.
        ("2025-10-03 10:00", "2025-10-14 17:30"),
    ],
)
def test_received_case_is_due_in_five_working_days(world, approvals, submitted, due):
    case = submit_at(world, submitted)
    assert case.state == S.RECEIVED
    assert case.received_at == at(submitted)
    assert case.due_at == at(due)
    assert case.clock.limit_amount == 5
    assert case.clock.limit_unit == TimeUnit.WORKING_DAYS
    assert case.clock.purpose == "acceptance"


def test_accept_starts_the_promised_half_day_in_working_hours(world, approvals):
    case = submit_at(world, "2025-09-30 09:30")
    acceptance_clock = case.clock
    # 16:00–17:30 (1.5 h) on 30 September, then 2 h from 09:00 on 9 October: 3.5 h = 0.5 day.
    case = act_at(world, case, A.ACCEPT, "2025-09-30 16:00")
    assert case.state == S.ACCEPTED
    assert case.accepted_at == at("2025-09-30 16:00")
    assert case.due_at == at("2025-10-09 11:00")
    assert (case.clock.limit_amount, case.clock.limit_unit) == (3.5, TimeUnit.WORKING_HOURS)
    assert case.clock.purpose == "decision"
    acceptance_clock.refresh_from_db()
    assert acceptance_clock.stopped_at == at("2025-09-30 16:00")


def test_half_day_within_one_day_skips_the_lunch_break(world, approvals):
    case = submit_at(world, "2025-10-09 09:00")
    # 10:00–12:00 (2 h) + 13:30–15:00 (1.5 h).
    case = act_at(world, case, A.ACCEPT, "2025-10-09 10:00")
    assert case.due_at == at("2025-10-09 15:00")


def test_whole_day_promise_of_the_second_stage(world, approvals):
    case = submit_at(world, "2025-09-30 09:00")
    case = act_at(world, case, A.ACCEPT, "2025-09-30 09:30")
    case = act_at(world, case, A.APPROVE, "2025-09-30 10:00")
    seal = stage_case(case.application, 2)
    assert seal.received_at == at("2025-09-30 10:00")
    assert seal.due_at == at("2025-10-14 17:30")
    seal = act_at(world, seal, A.ACCEPT, "2025-09-30 11:00")
    # One working day after the day of acceptance: 9 October, close of office.
    assert seal.due_at == at("2025-10-09 17:30")


def test_correction_pause_moves_the_due_time_by_the_paused_working_time(world, approvals):
    case = submit_at(world, "2025-09-30 09:30")
    case = act_at(world, case, A.ACCEPT, "2025-09-30 16:00")
    assert case.due_at == at("2025-10-09 11:00")
    case = act_at(world, case, A.REQUEST_CORRECTION, "2025-09-30 17:00")
    assert case.state == S.IN_CORRECTION
    assert case.due_at is None
    status = clocks.clock_status(case.clock, at("2025-10-20 09:00"))
    assert status.is_paused and not status.is_overdue
    # Paused 17:00–17:30 and 09:00–10:00 on 9 October: 1.5 working hours.
    case = act_at(world, case, A.SUPPLY_CORRECTION, "2025-10-09 10:00", actor=world.founder)
    assert case.state == S.ACCEPTED
    assert case.due_at == at("2025-10-09 14:00")


def test_correction_while_received_pauses_the_acceptance_clock(world, approvals):
    case = submit_at(world, "2025-09-30 10:00")
    assert case.due_at == at("2025-10-14 17:30")
    case = act_at(world, case, A.REQUEST_CORRECTION, "2025-09-30 11:00")
    assert case.due_at is None
    # Paused 11:00–12:00 + 13:30–17:30 on 30 Sep and all of 9 October: 5 h + 7 h = 12 h.
    case = act_at(world, case, A.SUPPLY_CORRECTION, "2025-10-10 09:00", actor=world.founder)
    assert case.state == S.RECEIVED
    # 14 October 17:30 + 12 office hours: 15 October (7 h) then 16 October 09:00 + 5 h.
    assert case.due_at == at("2025-10-16 15:30")


def test_special_procedure_pause_moves_the_due_time(world, approvals):
    case = submit_at(world, "2025-09-30 09:00")
    case = act_at(world, case, A.ACCEPT, "2025-09-30 09:30")
    case = act_at(world, case, A.APPROVE, "2025-09-30 10:00")
    seal = stage_case(case.application, 2)
    seal = act_at(world, seal, A.ACCEPT, "2025-09-30 11:00")
    seal = act_at(world, seal, A.START_PROCESSING, "2025-09-30 11:30")
    assert seal.due_at == at("2025-10-09 17:30")
    seal = act_at(world, seal, A.START_SPECIAL, "2025-09-30 15:00")
    assert (seal.state, seal.due_at) == (S.IN_SPECIAL_PROCEDURE, None)
    seal = act_at(world, seal, A.END_SPECIAL, "2025-10-09 15:00")
    # Paused 15:00–17:30 (2.5 h) + 9 October 09:00–15:00 (4.5 h) = 7 h, one working day.
    assert seal.state == S.PROCESSING
    assert seal.due_at == at("2025-10-10 17:30")


@pytest.mark.parametrize(
    ("path", "decision"),
    [
        ([A.ACCEPT], A.APPROVE),
        ([A.ACCEPT], A.APPROVE_PENDING),
        ([A.ACCEPT, A.START_PROCESSING], A.REJECT),
        ([], A.NOT_ACCEPT),
        ([], A.WITHDRAW),
        ([A.REQUEST_CORRECTION], A.WITHDRAW),
    ],
)
def test_decisions_clear_due_and_stop_the_clock(world, approvals, path, decision):
    case = submit_at(world, "2025-09-30 09:00")
    for action in path:
        case = act_at(world, case, action, "2025-09-30 09:30")
    case = act_at(world, case, decision, "2025-10-09 10:00")
    assert case.due_at is None
    assert case.decided_at == at("2025-10-09 10:00")
    case.clock.refresh_from_db()
    assert case.clock.stopped_at == at("2025-10-09 10:00")
    assert not case.clock.pauses.filter(ended_at__isnull=True).exists()


def test_late_decision_keeps_the_overdue_flag(world, approvals):
    case = submit_at(world, "2025-09-30 09:00")
    case = act_at(world, case, A.ACCEPT, "2025-09-30 09:30")
    assert case.due_at == at("2025-09-30 14:30")
    case = act_at(world, case, A.APPROVE, "2025-10-09 10:00")
    assert case.is_overdue is True
    assert case.due_at is None
