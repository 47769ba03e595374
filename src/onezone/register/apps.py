"""Register app: the "2+2" lists — matters, list entries, routing and lint."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "onezone.register"
    label = "register"
    verbose_name = _("Register")
