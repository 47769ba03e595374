"""Choices of the enterprise app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Provenance(models.TextChoices):
    """Where a figure came from (数据来源)."""

    SELF_DECLARED = "self_declared", _("Self-declared")
    MARKET_REGULATION = "market_regulation", _("Market regulation")
    TAX = "tax", _("Tax")
    STATISTICS = "statistics", _("Statistics")
    OFFICER = "officer", _("Officer")


# Sources an enterprise user may not overwrite (GLOSSARY: authoritative sources).
AUTHORITATIVE_SOURCES = frozenset(
    {Provenance.MARKET_REGULATION, Provenance.TAX, Provenance.STATISTICS}
)


class FigureName(models.TextChoices):
    """Yearly figures of an enterprise; the names are the Enterprise fields they feed."""

    EMPLOYEES = "employees", _("Employees")
    REVENUE = "revenue_10k_cny", _("Revenue (10,000 CNY)")
    ASSETS = "assets_10k_cny", _("Total assets (10,000 CNY)")
    RD_EXPENSE = "rd_expense_10k_cny", _("R&D expense (10,000 CNY)")
    TAX = "tax_10k_cny", _("Tax paid (10,000 CNY)")
    INVENTION_PATENTS = "invention_patents", _("Invention patents")
    RD_STAFF = "rd_staff", _("R&D staff")


# Figures counted in whole numbers; the others are amounts with two decimals.
COUNT_FIGURES = frozenset({FigureName.EMPLOYEES, FigureName.INVENTION_PATENTS, FigureName.RD_STAFF})
# Figures copied to the Enterprise row as its current value (tax is kept per year only).
CURRENT_FIGURES = tuple(name for name in FigureName.values if name != FigureName.TAX)


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class DevelopmentStage(models.TextChoices):
    STARTUP = "startup", _("Start-up")
    GROWTH = "growth", _("Growth")
    MATURE = "mature", _("Mature")


class ServiceRole(models.TextChoices):
    LIAISON = "liaison", _("Liaison")
    CHIEF_REPRESENTATIVE = "chief_representative", _("Chief representative")


class VisitMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking rows")
    WRITING = "writing", _("Writing")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed, nothing imported")
