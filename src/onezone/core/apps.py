"""Core app: no domain; clock, audit trail, access helpers, notifications, API auth, UI shell."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onezone.core"
    label = "core"
    verbose_name = _("Core")
