"""Choices of the register: matter kinds, the four lists and the delegation modes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterKind(models.TextChoices):
    APPROVAL = "approval", _("Approval")
    PUBLIC_SERVICE = "public_service", _("Public service")
    ENFORCEMENT = "enforcement", _("Enforcement")
    MANAGEMENT = "management", _("Management")
    DUTY = "duty", _("Duty")


class RegisterList(models.TextChoices):
    """The "2+2" lists, declared in routing order (the first list that holds a matter wins)."""

    APPROVAL_ENFORCEMENT = "approval_enforcement", _("Approval and enforcement list")
    DELEGATED_POWER = "delegated_power", _("Delegated-power list")
    MANAGEMENT_MATTER = "management_matter", _("Management-matter list")
    DUTY = "duty", _("Duty list")


ROUTING_ORDER = tuple(RegisterList.values)


class DelegationMode(models.TextChoices):
    RETAINED = "retained", _("Retained by the home bureau")
    AUTHORISED_TRANSFER = "authorised_transfer", _("Authorisation and transfer")
    STATIONED_COMMISSIONER = "stationed_commissioner", _("Stationed section and commissioner")
    ZONE_OWN = "zone_own", _("Zone's own matter")


# Kinds counted among the enterprise-related approval and service items (the 174).
SERVICE_KINDS = (MatterKind.APPROVAL, MatterKind.PUBLIC_SERVICE)
