from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "onezone.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from onezone.policies import tasks  # noqa: F401  (registers the nightly re-match)
