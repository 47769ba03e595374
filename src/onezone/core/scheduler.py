"""The periodic schedule run inside `onezone worker`, guarded by a lease so one runs at a time.

Each entry is a task enqueued every `every` seconds; domain apps add theirs to SCHEDULE.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from onezone.core import clock
from onezone.core.models import SchedulerLease

logger = logging.getLogger("onezone.scheduler")
LEASE_NAME = "scheduler"


@dataclass(frozen=True)
class Entry:
    task_path: str
    every_seconds: int


SCHEDULE = [
    Entry("onezone.core.tasks.deliver_due_outbox", 60),
]


def lease_acquire(holder: str, seconds: int) -> bool:
    """Take or renew the lease; True when `holder` now runs the schedule."""
    moment = clock.now()
    expires = moment + timedelta(seconds=seconds)
    with transaction.atomic():
        lease = SchedulerLease.objects.select_for_update().filter(name=LEASE_NAME).first()
        if lease is None:
            try:
                with transaction.atomic():
                    SchedulerLease.objects.create(
                        name=LEASE_NAME, holder=holder, expires_at=expires
                    )
                return True
            except IntegrityError:
                return False
        if lease.holder != holder and lease.expires_at > moment:
            return False
        lease.holder = holder
        lease.expires_at = expires
        lease.save()
    return True


def lease_release(holder: str) -> None:
    SchedulerLease.objects.filter(name=LEASE_NAME, holder=holder).delete()


class Scheduler:
    def __init__(self, holder: str, schedule=None):
        self.holder = holder
        self.schedule = schedule if schedule is not None else SCHEDULE
        self.last_run: dict[str, float] = {}

    def tick(self, monotonic_now: float, lease_seconds: int) -> list[str]:
        """Enqueue every entry that is due; return the paths enqueued."""
        if not lease_acquire(self.holder, lease_seconds):
            return []
        enqueued = []
        for entry in self.schedule:
            last = self.last_run.get(entry.task_path)
            if last is not None and monotonic_now - last < entry.every_seconds:
                continue
            import_string(entry.task_path).enqueue()
            self.last_run[entry.task_path] = monotonic_now
            enqueued.append(entry.task_path)
        if enqueued:
            logger.info("scheduler %s enqueued %s", self.holder, ", ".join(enqueued))
        return enqueued
