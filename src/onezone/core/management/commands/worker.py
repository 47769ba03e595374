"""`onezone worker`: the django-tasks-db worker plus the periodic schedule (see ADR 0003)."""

import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from onezone.core.scheduler import Scheduler, lease_release


class Command(DbWorkerCommand):
    help = "Run background tasks and, when this worker holds the lease, the periodic schedule."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run tasks; never take the scheduler lease.",
        )

    def handle(self, *args, **options):
        stop = threading.Event()
        thread = None
        if not options.pop("no_scheduler") and not options.get("batch"):
            thread = threading.Thread(
                target=self._schedule_loop, args=(options["worker_id"], stop), daemon=True
            )
            thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            if thread:
                thread.join(timeout=5)
                lease_release(options["worker_id"])

    def _schedule_loop(self, holder: str, stop: threading.Event) -> None:
        interval = settings.ONEZONE_SCHEDULER_INTERVAL_SECONDS
        scheduler = Scheduler(holder)
        while not stop.is_set():
            close_old_connections()
            try:
                scheduler.tick(time.monotonic(), lease_seconds=interval * 3)
            except Exception:  # noqa: BLE001 - a failed tick must not stop the worker
                self.stderr.write("scheduler tick failed; retrying next interval")
            stop.wait(interval)
        close_old_connections()
