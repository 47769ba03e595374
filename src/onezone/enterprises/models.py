"""Enterprise file (一企一档) keyed by USCC, and the accounts bound to an enterprise."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onezone.enterprises.choices import MembershipStatus


class Enterprise(models.Model):
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="enterprises"
    )
    uscc_override_reason = models.CharField(
        _("reason for accepting a code that fails the checksum"), max_length=300, blank=True
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class EnterpriseMembership(models.Model):
    """A user's claim to act for an enterprise; it sees nothing until an officer confirms it."""

    user = models.ForeignKey(
        "core.User",
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="enterprise_memberships",
    )
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    enterprise_name = models.CharField(_("enterprise name"), max_length=200)
    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "core.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("enterprise account binding")
        verbose_name_plural = _("enterprise account bindings")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "uscc"],
                condition=~Q(status=MembershipStatus.REJECTED),
                name="one_live_membership_per_user_and_uscc",
            ),
            models.CheckConstraint(
                condition=Q(status=MembershipStatus.CONFIRMED, enterprise__isnull=False)
                | ~Q(status=MembershipStatus.CONFIRMED),
                name="confirmed_membership_names_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise_name}"
