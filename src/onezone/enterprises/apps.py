"""Enterprise app: the enterprise file and the accounts bound to it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "onezone.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")
