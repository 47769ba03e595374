"""Case clocks: due time, pauses, extensions, traffic light and the denied paths."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from onezone.core.clocks import (
    clock_extend,
    clock_pause,
    clock_resume,
    clock_start,
    clock_status,
    clock_stop,
)
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent, Clock, ClockExtension, ClockPause

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text + "+08:00")


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(username="officer", password="x")


@pytest.fixture
def approver(django_user_model):
    return django_user_model.objects.create_user(username="approver", password="x")


@pytest.fixture
def case_clock(officer):
    return clock_start(
        actor=officer,
        object_type="approvals.itemcase",
        object_id="42",
        started_at=at("2025-09-30T10:00"),
        amount=5,
        unit="working_days",
        purpose="statutory",
    )


def _counts() -> tuple[int, int, int, int]:
    return (
        Clock.objects.count(),
        ClockPause.objects.count(),
        ClockExtension.objects.count(),
        AuditEvent.objects.count(),
    )


def test_it_derives_the_due_time_of_a_new_clock(case_clock):
    status = clock_status(case_clock, at=at("2025-10-09T09:00"))
    assert status.due_at == at("2025-10-14T17:30")
    assert status.remaining == 5.0
    assert status.is_overdue is False
    assert status.traffic_light == "green"
    assert status.calendar_confirmed is True
    assert AuditEvent.objects.filter(action="clock.start", object_id=str(case_clock.pk)).exists()


def test_it_turns_amber_when_little_time_is_left_and_red_when_overdue(case_clock):
    amber = clock_status(case_clock, at=at("2025-10-14T09:00"))
    assert (amber.remaining, amber.traffic_light) == (1.0, "amber")
    red = clock_status(case_clock, at=at("2025-10-15T09:00"))
    assert red.is_overdue is True
    assert red.traffic_light == "red"
    assert red.remaining == 0.0
    later = clock_status(case_clock, at=at("2025-10-15T12:00"))
    assert later.remaining == round(-3 / 7, 4)


def test_it_reads_traffic_light_thresholds_from_settings(case_clock, settings):
    settings.ONEZONE_CLOCK_TRAFFIC_LIGHT = {"amber_remaining_share": 0.5}
    assert clock_status(case_clock, at=at("2025-10-13T09:00")).traffic_light == "amber"
    settings.ONEZONE_CLOCK_TRAFFIC_LIGHT = {"amber_remaining_share": 0.25}
    assert clock_status(case_clock, at=at("2025-10-13T09:00")).traffic_light == "green"


def test_it_moves_the_due_time_by_the_paused_working_time(case_clock, officer):
    clock_pause(actor=officer, clock=case_clock, reason="correction", at=at("2025-10-09T09:00"))
    while_paused = clock_status(case_clock, at=at("2025-10-09T17:30"))
    assert while_paused.is_paused is True
    assert while_paused.remaining == 5.0
    assert while_paused.due_at == at("2025-10-15T17:30")
    clock_resume(actor=officer, clock=case_clock, at=at("2025-10-10T09:00"))
    status = clock_status(case_clock, at=at("2025-10-10T09:00"))
    assert status.is_paused is False
    assert status.due_at == at("2025-10-15T17:30")
    assert ClockPause.objects.get(clock=case_clock).ended_at == at("2025-10-10T09:00")
    actions = list(
        AuditEvent.objects.filter(object_id=str(case_clock.pk)).values_list("action", flat=True)
    )
    assert actions == ["clock.start", "clock.pause", "clock.resume"]


def test_it_adds_extensions_to_the_limit(case_clock, officer, approver):
    extension = clock_extend(
        actor=officer, clock=case_clock, amount=2, reason="expert review", approver=approver
    )
    assert extension.amount == Decimal(2)
    assert clock_status(case_clock, at=at("2025-10-09T09:00")).due_at == at("2025-10-16T17:30")
    assert AuditEvent.objects.filter(action="clock.extend").count() == 1


def test_it_freezes_a_stopped_clock(case_clock, officer):
    stopped = clock_stop(actor=officer, clock=case_clock, at=at("2025-10-13T10:00"))
    status = clock_status(stopped, at=at("2025-12-01T10:00"))
    assert status.is_overdue is False
    assert status.remaining == round(1 + 6 / 7, 4)


def test_it_refuses_to_pause_a_paused_clock_and_changes_nothing(case_clock, officer):
    clock_pause(actor=officer, clock=case_clock, reason="correction", at=at("2025-10-09T09:00"))
    before = _counts()
    with pytest.raises(ConflictError):
        clock_pause(actor=officer, clock=case_clock, reason="suspended", at=at("2025-10-09T10:00"))
    assert _counts() == before
    assert ClockPause.objects.get().reason == "correction"


def test_it_refuses_to_resume_a_running_clock_and_changes_nothing(case_clock, officer):
    before = _counts()
    with pytest.raises(ConflictError):
        clock_resume(actor=officer, clock=case_clock, at=at("2025-10-09T10:00"))
    assert _counts() == before


def test_it_refuses_an_extension_without_a_reason_and_changes_nothing(
    case_clock, officer, approver
):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        clock_extend(actor=officer, clock=case_clock, amount=2, reason="  ", approver=approver)
    assert "reason" in error.value.error_dict
    assert _counts() == before


def test_it_refuses_a_fractional_working_day_extension(case_clock, officer, approver):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        clock_extend(actor=officer, clock=case_clock, amount="0.5", reason="x", approver=approver)
    assert "amount" in error.value.error_dict
    assert _counts() == before


def test_it_refuses_an_unknown_pause_reason_and_changes_nothing(case_clock, officer):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        clock_pause(actor=officer, clock=case_clock, reason="lunch", at=at("2025-10-09T10:00"))
    assert "reason" in error.value.error_dict
    assert _counts() == before


def test_it_refuses_a_pause_before_the_clock_started(case_clock, officer):
    before = _counts()
    with pytest.raises(ValidationError):
        clock_pause(actor=officer, clock=case_clock, reason="correction", at=at("2025-09-29T10:00"))
    assert _counts() == before


def test_it_refuses_to_change_a_stopped_clock(case_clock, officer, approver):
    clock_stop(actor=officer, clock=case_clock, at=at("2025-10-13T10:00"))
    before = _counts()
    with pytest.raises(ConflictError):
        clock_pause(actor=officer, clock=case_clock, reason="correction")
    with pytest.raises(ConflictError):
        clock_extend(actor=officer, clock=case_clock, amount=1, reason="x", approver=approver)
    assert _counts() == before


def test_it_keeps_natural_hour_clocks_exact(officer):
    hotline = clock_start(
        actor=officer,
        object_type="demands.demand",
        object_id="7",
        started_at=at("2025-10-01T22:00"),
        amount=24,
        unit="hours",
    )
    clock_pause(actor=officer, clock=hotline, reason="suspended", at=at("2025-10-02T08:00"))
    clock_resume(actor=officer, clock=hotline, at=at("2025-10-02T10:30"))
    assert clock_status(hotline, at=at("2025-10-02T11:00")).due_at == at("2025-10-03T00:30")
