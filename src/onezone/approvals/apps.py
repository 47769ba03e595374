"""Approvals app: service specs, journeys (一件事), applications and item cases, outcomes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "onezone.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from onezone.core.scheduler import SCHEDULE, Entry

        # Overdue cases are flagged within five minutes of their due time.
        entry = Entry("onezone.approvals.tasks.mark_overdue_item_cases", 300)
        if entry not in SCHEDULE:
            SCHEDULE.append(entry)
