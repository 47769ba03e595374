"""Choices of the policies app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyClass(models.TextChoices):
    REDUCTION = "reduction", _("Reduction")
    SUBSIDY = "subsidy", _("Subsidy")
    ENTITLEMENT = "entitlement", _("Entitlement")
    QUALIFICATION = "qualification", _("Qualification")


class PolicyMode(models.TextChoices):
    AUTO_GRANT = "auto_grant", _("No application needed")
    FAST_APPLICATION = "fast_application", _("Fast application")
    APPLICATION = "application", _("Application")


class AmountUnit(models.TextChoices):
    TEN_K_CNY = "10k_cny", _("10,000 CNY")
    CNY = "cny", _("CNY")


class MatchStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NEARLY = "nearly", _("Nearly eligible")


class PackageKind(models.TextChoices):
    BUNDLE = "bundle", _("Policy bundle")
    BESPOKE = "bespoke", _("Bespoke package (一企一策)")


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved, payout pending")
    REJECTED = "rejected", _("Rejected")
    GRANTED = "granted", _("Granted without application, payout pending")
    PAID = "paid", _("Paid")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationAction(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    PAY = "pay", _("Record payout")
    WITHDRAW = "withdraw", _("Withdraw")


S, A = ApplicationState, ApplicationAction
TRANSITIONS: dict[str, dict[str, str]] = {
    S.SUBMITTED: {A.APPROVE: S.APPROVED, A.REJECT: S.REJECTED, A.WITHDRAW: S.WITHDRAWN},
    S.APPROVED: {A.PAY: S.PAID},
    S.GRANTED: {A.PAY: S.PAID},
    S.REJECTED: {},
    S.PAID: {},
    S.WITHDRAWN: {},
}
REASON_REQUIRED = frozenset({A.REJECT})
OPEN_STATES = frozenset({S.SUBMITTED, S.APPROVED, S.GRANTED})
