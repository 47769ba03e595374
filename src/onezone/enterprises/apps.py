"""Enterprise app: the enterprise file and the accounts bound to it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "onezone.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from onezone.core.scheduler import SCHEDULE, Entry

        # Age alone moves start-ups on; a daily look is plenty, hourly keeps restarts harmless.
        entry = Entry("onezone.enterprises.tasks.refresh_development_stages", 3600)
        if entry not in SCHEDULE:
            SCHEDULE.append(entry)
