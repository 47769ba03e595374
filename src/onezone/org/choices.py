"""Choices of the organisation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    ZONE_COMMITTEE = "zone_committee", _("Zone committee")
    LEAD = "lead", _("Lead bureau")
    FUNCTIONAL = "functional", _("Functional bureau")
    SECTORAL = "sectoral", _("Sectoral bureau")
    TOWN = "town", _("Town")
    SOE = "soe", _("State-owned company")
    OTHER = "other", _("Other")


class UnitKind(models.TextChoices):
    GENERAL_OFFICE = "general_office", _("General office")
    COORDINATION = "coordination", _("Coordination")
    INVESTMENT_ATTRACTION = "investment_attraction", _("Investment attraction")
    ENTERPRISE_SERVICE = "enterprise_service", _("Enterprise service")
    PLANNING_CONSTRUCTION = "planning_construction", _("Planning and construction")
    PARK_SERVICE = "park_service", _("Park service section")
    PARK_ENFORCEMENT = "park_enforcement", _("Park enforcement brigade")
    INVESTMENT_PROMOTION = "investment_promotion", _("Investment promotion section")
    OTHER = "other", _("Other")


# Units counted as general coordination work (the article's 64 % → 25 %).
COORDINATION_UNIT_KINDS = (UnitKind.GENERAL_OFFICE, UnitKind.COORDINATION)
