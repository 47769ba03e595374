"""Choices shared by every app: roles, scopes, notification channels and states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    FOUNDER = "founder", _("Founder")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    ZONE_OFFICER = "zone_officer", _("Zone officer")
    BUREAU_OFFICER = "bureau_officer", _("Bureau officer")
    LIAISON = "liaison", _("Liaison")
    CHIEF_REPRESENTATIVE = "chief_representative", _("Chief representative")
    LEADER = "leader", _("Leader")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles held by government staff; enterprises and founders are the public side.
STAFF_ROLES = frozenset(
    {
        Role.HOTLINE_OPERATOR,
        Role.ZONE_OFFICER,
        Role.BUREAU_OFFICER,
        Role.LIAISON,
        Role.CHIEF_REPRESENTATIVE,
        Role.LEADER,
        Role.ADMINISTRATOR,
    }
)


class ScopeKind(models.TextChoices):
    DISTRICT = "district", _("Whole district")
    ZONE = "zone", _("Zone")
    BODY = "body", _("Body")
    UNIT = "unit", _("Unit")
    ENTERPRISE = "enterprise", _("Enterprise")


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    HOURS = "hours", _("hours")


class PauseReason(models.TextChoices):
    CORRECTION = "correction", _("Correction requested")
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")
    SUSPENDED = "suspended", _("Suspended")


class TrafficLight(models.TextChoices):
    GREEN = "green", _("On track")
    AMBER = "amber", _("Due soon")
    RED = "red", _("Overdue")
