"""Enterprise file (一企一档) keyed by USCC, and the accounts bound to an enterprise."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from onezone.enterprises.choices import (
    DevelopmentStage,
    FigureName,
    ImportStatus,
    MembershipStatus,
    Provenance,
    ServiceRole,
    SizeClass,
    VisitMode,
)

AMOUNT = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True}


class Tag(models.Model):
    """Enterprise tag (企业标签) as reference data: a code with its labels."""

    code = models.CharField(_("code"), max_length=30, primary_key=True)
    label_zh = models.CharField(_("Chinese label"), max_length=50)
    label_en = models.CharField(_("English label"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("enterprise tag")
        verbose_name_plural = _("enterprise tags")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "").startswith("en") else self.label_zh


class Enterprise(models.Model):
    """The enterprise file (一企一档); current figures are copied from the latest year's."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry_code = models.CharField(
        _("industry class (GB/T 4754-2017)"), max_length=4, blank=True, db_index=True
    )
    industry_section = models.CharField(
        _("industry section"), max_length=1, blank=True, db_index=True
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_10k_cny = models.DecimalField(_("revenue (10,000 CNY)"), **AMOUNT)
    assets_10k_cny = models.DecimalField(_("total assets (10,000 CNY)"), **AMOUNT)
    rd_expense_10k_cny = models.DecimalField(_("R&D expense (10,000 CNY)"), **AMOUNT)
    invention_patents = models.PositiveIntegerField(_("invention patents"), null=True, blank=True)
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)
    size_class = models.CharField(
        _("size class"),
        max_length=10,
        choices=SizeClass.choices,
        null=True,
        blank=True,
        db_index=True,
    )
    development_stage = models.CharField(
        _("development stage"),
        max_length=10,
        choices=DevelopmentStage.choices,
        blank=True,
        db_index=True,
    )
    development_stage_override_reason = models.CharField(
        _("reason for setting the development stage by hand"), max_length=300, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    uscc_override_reason = models.CharField(
        _("reason for accepting a code that fails the checksum"), max_length=300, blank=True
    )
    is_synthetic = models.BooleanField(_("synthetic demo enterprise"), default=False)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    # Optimistic lock: an edit based on an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["zone", "name"], name="enterprise_zone_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def industry_label(self) -> str:
        return f"{self.industry_section}{self.industry_code}" if self.industry_code else ""

    @property
    def is_stage_overridden(self) -> bool:
        return bool(self.development_stage_override_reason)


class EnterpriseContact(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("enterprise contact")
        verbose_name_plural = _("enterprise contacts")

    def __str__(self) -> str:
        return self.name


class EnterpriseFigure(models.Model):
    """One figure of one year with where it came from (数据来源) and its as-of date."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("figure"), max_length=30, choices=FigureName.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=20, choices=Provenance.choices)
    as_of = models.DateField(_("as of"))
    recorded_by = models.ForeignKey(
        "core.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["enterprise", "-year", "name"]
        verbose_name = _("enterprise figure")
        verbose_name_plural = _("enterprise figures")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "name"], name="one_figure_per_enterprise_year"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.name}={self.value}"


class ServiceDesignation(models.Model):
    """A post designated to serve a zone's enterprises as liaison or chief representative."""

    post = models.ForeignKey(
        "org.Post",
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        related_name="service_designations",
    )
    role = models.CharField(_("service role"), max_length=30, choices=ServiceRole.choices)
    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["zone", "role", "post__person__staff_number"]
        verbose_name = _("service designation")
        verbose_name_plural = _("service designations")
        constraints = [
            models.UniqueConstraint(fields=["post", "role"], name="one_designation_per_post_role")
        ]

    def __str__(self) -> str:
        return f"{self.post} · {self.get_role_display()}"


class ServiceAssignment(models.Model):
    """Who serves an enterprise one to one, from `start_on` to `end_on` (both inclusive)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="service_assignments",
    )
    role = models.CharField(_("service role"), max_length=30, choices=ServiceRole.choices)
    post = models.ForeignKey(
        "org.Post",
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        related_name="service_assignments",
    )
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "core.User",
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["enterprise", "role", "-start_on", "-id"]
        verbose_name = _("service assignment")
        verbose_name_plural = _("service assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "role"],
                condition=Q(end_on__isnull=True),
                name="one_open_assignment_per_role",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["post", "role", "end_on"], name="assignment_post_role")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} · {self.get_role_display()} · {self.post_id}"


class Visit(models.Model):
    """A liaison's or chief representative's visit to an enterprise (走访)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("visit date"), db_index=True)
    mode = models.CharField(_("mode"), max_length=10, choices=VisitMode.choices)
    visitor = models.ForeignKey(
        "org.Person", verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="visits"
    )
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    next_visit_on = models.DateField(_("next visit"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "core.User", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["enterprise", "visited_on"], name="visit_enterprise_day")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.visited_on}"


class VisitIssue(models.Model):
    """A problem raised during a visit; the demands app turns it into a demand and links it."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="issues"
    )
    text = models.CharField(_("issue"), max_length=500)
    # Set by the demands app through `visit_issue_link_demand`; this app never imports demands.
    demand_reference = models.CharField(_("demand"), max_length=40, blank=True)
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    class Meta:
        ordering = ["visit", "id"]
        verbose_name = _("issue raised in a visit")
        verbose_name_plural = _("issues raised in visits")

    def __str__(self) -> str:
        return self.text


class EnterpriseImport(models.Model):
    """An uploaded enterprise workbook checked and written by a background task."""

    created_by = models.ForeignKey(
        "core.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"))
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(_("workbook"))
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("enterprises created"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enterprise import")
        verbose_name_plural = _("enterprise imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def progress_percent(self) -> int:
        if self.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED}:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)


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
