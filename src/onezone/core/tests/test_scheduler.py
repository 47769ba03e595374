"""The periodic schedule: a lease so one worker runs it, and entries enqueued once per period."""

from datetime import UTC, datetime, timedelta

import pytest
from django_tasks import task, task_backends

from onezone.core import clock
from onezone.core.models import SchedulerLease
from onezone.core.scheduler import SCHEDULE, Entry, Scheduler, lease_acquire, lease_release

T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
OUTBOX_TASK = "onezone.core.tasks.deliver_due_outbox"
SLOW_TASK = f"{__name__}.slow_sweep"


@task()
def slow_sweep() -> int:
    return 0


@pytest.fixture
def dummy_tasks(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    return backend


def lease() -> tuple[str, datetime]:
    row = SchedulerLease.objects.get()
    return row.holder, row.expires_at


def enqueued_paths(backend) -> list[str]:
    return [result.task.module_path for result in backend.results]


def test_it_gives_the_lease_to_the_first_holder(db):
    with clock.simulated_time(T0):
        assert lease_acquire("A", 90) is True

    assert lease() == ("A", T0 + timedelta(seconds=90))


def test_it_refuses_the_lease_to_another_holder_while_it_is_valid(db):
    with clock.simulated_time(T0):
        lease_acquire("A", 90)

    with clock.simulated_time(T0 + timedelta(seconds=89)):
        assert lease_acquire("B", 90) is False

    assert lease() == ("A", T0 + timedelta(seconds=90))


def test_it_hands_the_lease_over_once_it_expired(db):
    with clock.simulated_time(T0):
        lease_acquire("A", 90)

    with clock.simulated_time(T0 + timedelta(seconds=90)):
        assert lease_acquire("B", 90) is True
        assert lease_acquire("A", 90) is False

    assert lease() == ("B", T0 + timedelta(seconds=180))


def test_it_lets_the_holder_renew_its_lease(db):
    with clock.simulated_time(T0):
        lease_acquire("A", 90)

    with clock.simulated_time(T0 + timedelta(seconds=60)):
        assert lease_acquire("A", 90) is True

    assert lease() == ("A", T0 + timedelta(seconds=150))
    assert SchedulerLease.objects.count() == 1


def test_it_releases_only_the_holders_own_lease(db):
    with clock.simulated_time(T0):
        lease_acquire("A", 90)

    lease_release("B")
    assert lease()[0] == "A"

    lease_release("A")
    assert SchedulerLease.objects.count() == 0
    with clock.simulated_time(T0 + timedelta(seconds=1)):
        assert lease_acquire("B", 90) is True


def test_it_schedules_the_outbox_sweep():
    assert Entry(OUTBOX_TASK, 60) in SCHEDULE


def test_it_enqueues_due_entries_once_per_period(dummy_tasks):
    scheduler = Scheduler("A", schedule=[Entry(OUTBOX_TASK, 60)])

    with clock.simulated_time(T0):
        assert scheduler.tick(1000.0, lease_seconds=180) == [OUTBOX_TASK]
        assert scheduler.tick(1059.9, lease_seconds=180) == []
        assert scheduler.tick(1060.0, lease_seconds=180) == [OUTBOX_TASK]

    assert enqueued_paths(dummy_tasks) == [OUTBOX_TASK, OUTBOX_TASK]


def test_it_keeps_a_period_for_each_entry(dummy_tasks):
    scheduler = Scheduler("A", schedule=[Entry(OUTBOX_TASK, 60), Entry(SLOW_TASK, 300)])

    with clock.simulated_time(T0):
        ticks = [scheduler.tick(moment, lease_seconds=180) for moment in (0.0, 120.0, 299.0, 300.0)]

    assert ticks == [[OUTBOX_TASK, SLOW_TASK], [OUTBOX_TASK], [OUTBOX_TASK], [SLOW_TASK]]
    assert enqueued_paths(dummy_tasks) == [
        OUTBOX_TASK,
        SLOW_TASK,
        OUTBOX_TASK,
        OUTBOX_TASK,
        SLOW_TASK,
    ]
    assert scheduler.last_run == {OUTBOX_TASK: 299.0, SLOW_TASK: 300.0}


def test_it_enqueues_nothing_while_another_worker_holds_the_lease(dummy_tasks):
    with clock.simulated_time(T0):
        lease_acquire("B", 180)
        assert Scheduler("A", schedule=[Entry(OUTBOX_TASK, 60)]).tick(0.0, 180) == []

    assert dummy_tasks.results == []
    assert lease()[0] == "B"


def test_it_takes_over_the_schedule_when_the_other_worker_stops_renewing(dummy_tasks):
    first = Scheduler("A", schedule=[Entry(OUTBOX_TASK, 60)])
    second = Scheduler("B", schedule=[Entry(OUTBOX_TASK, 60)])
    with clock.simulated_time(T0):
        first.tick(0.0, lease_seconds=180)
        assert second.tick(0.0, lease_seconds=180) == []

    with clock.simulated_time(T0 + timedelta(seconds=180)):
        assert second.tick(180.0, lease_seconds=180) == [OUTBOX_TASK]

    assert len(dummy_tasks.results) == 2
    assert lease() == ("B", T0 + timedelta(seconds=360))
