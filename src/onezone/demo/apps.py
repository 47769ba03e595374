"""Demo app: synthetic demo data produced by driving the real services."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "onezone.demo"
    label = "demo"
    verbose_name = _("Demo data")
