"""Policies as dated, versioned rules; stored matches; subscriptions; packages; applications
and payouts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onezone.policies.choices import (
    AmountUnit,
    ApplicationState,
    MatchStatus,
    PackageKind,
    PolicyClass,
    PolicyMode,
)


class Policy(models.Model):
    """A policy by its code; what it says lives in its versions."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return self.code


class PolicyVersion(models.Model):
    """One version of a policy. Matching at a date uses the newest version whose validity
    covers the date."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100)
    policy_class = models.CharField(_("class"), max_length=20, choices=PolicyClass.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=PolicyMode.choices)
    reference = models.CharField(_("legal reference"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    office = models.CharField(_("office"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    payout_limit_working_days = models.PositiveSmallIntegerField(
        _("payout limit (working days)"), null=True, blank=True
    )
    eligibility = models.JSONField(_("eligibility rules"))
    amount_formula = models.CharField(_("amount formula"), max_length=500, blank=True)
    amount_unit = models.CharField(
        _("amount unit"), max_length=10, choices=AmountUnit.choices, blank=True
    )
    # The fields the rules and the formula read (for 免申即享 provenance checks and refresh).
    fields_read = models.JSONField(_("fields read"), default=list)
    tests = models.JSONField(_("tests"), default=list, blank=True)
    # Digest of the stored match set of this version (pairs, statuses, amounts, gaps) as of
    # `match_digest_on`: a re-match whose fresh set has the same digest writes nothing.
    match_digest = models.CharField(max_length=64, blank=True)
    match_digest_on = models.DateField(null=True, blank=True)
    source = models.TextField(_("source file"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["policy__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number")
        ]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self) -> str:
        return f"{self.policy.code} v{self.number} {self.title}"


class PolicyMatch(models.Model):
    """A stored eligible or nearly eligible pair, refreshed by re-matching."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="matches")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="policy_matches"
    )
    status = models.CharField(_("status"), max_length=10, choices=MatchStatus.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # For a nearly eligible pair: the one condition that is not true ({field, op, value, actual}).
    gap = models.JSONField(_("gap"), null=True, blank=True)
    # The gap as numbers (index into the rule's flat conditions, the enterprise's value), so a
    # re-match compares stored and fresh pairs without decoding JSON.
    gap_condition = models.SmallIntegerField(null=True, blank=True)
    gap_actual = models.FloatField(null=True, blank=True)
    matched_on = models.DateField(_("matched on"))
    first_matched_at = models.DateTimeField(_("first matched at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "enterprise"], name="policy_match_pair")
        ]
        indexes = [models.Index(fields=["enterprise", "status"], name="policy_match_ent")]
        verbose_name = _("policy match")
        verbose_name_plural = _("policy matches")

    def __str__(self) -> str:
        return f"{self.version_id} {self.enterprise_id} {self.status}"


class PolicySubscription(models.Model):
    """An enterprise asks to hear of new policies of some classes or industries."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="policy_subscription"
    )
    classes = models.JSONField(_("classes"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("policy subscription")
        verbose_name_plural = _("policy subscriptions")

    def __str__(self) -> str:
        return f"{self.enterprise_id}"


class PolicyPackage(models.Model):
    """A bundle of policies (组合包), or a bespoke package for a major project (一企一策)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=PackageKind.choices)
    description = models.TextField(_("description"), blank=True)
    policies = models.ManyToManyField(Policy, verbose_name=_("policies"), blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policy_packages",
    )
    negotiated_terms = models.TextField(_("negotiated terms"), blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy package")
        verbose_name_plural = _("policy packages")

    def __str__(self) -> str:
        return self.title


class PolicyApplication(models.Model):
    """An application (政策申报), or a grant without one (免申即享), up to its payout."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="policy_applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=20, choices=ApplicationState.choices)
    is_auto_grant = models.BooleanField(_("granted without application"), default=False)
    form_data = models.JSONField(_("form"), default=dict)
    amount_computed = models.DecimalField(
        _("computed amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    amount_approved = models.DecimalField(
        _("approved amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    amount_unit = models.CharField(_("unit"), max_length=10, choices=AmountUnit.choices, blank=True)
    fallback_reason = models.CharField(_("why an application"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payout_clock = models.ForeignKey(
        "core.Clock", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payout_due_at = models.DateTimeField(_("payout due"), null=True, blank=True, db_index=True)
    version_lock = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("policy application")
        verbose_name_plural = _("policy applications")

    def __str__(self) -> str:
        return self.reference


class PolicyApplicationEvent(models.Model):
    application = models.ForeignKey(
        PolicyApplication, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"
