"""Tables of the approvals app: service specs, journeys, applications, item cases, materials,
documents and ratings."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onezone.approvals.choices import (
    ApplicationState,
    DocumentKind,
    ItemCaseState,
    NationalStage,
)


class ServiceSpec(models.Model):
    """How one approval or public-service matter is handled (办事指南)."""

    matter = models.OneToOneField(
        "register.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="spec"
    )
    statutory_limit_working_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)")
    )
    promised_limit_working_days = models.DecimalField(
        _("promised time limit (working days)"), max_digits=5, decimal_places=1
    )
    fee_cny = models.DecimalField(_("fee (CNY)"), max_digits=12, decimal_places=2, default=0)
    national_stage = models.PositiveSmallIntegerField(
        _("national stage"), choices=NationalStage.choices, null=True, blank=True
    )
    result_document = models.CharField(_("result document"), max_length=100)
    # The fields this item needs from the applicant: [{name, label, type, required, choices?}].
    form_fields = models.JSONField(_("form fields"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["matter__code"]
        verbose_name = _("service specification")
        verbose_name_plural = _("service specifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit_working_days__lte=F("statutory_limit_working_days")),
                name="promised_within_statutory",
            ),
            models.CheckConstraint(condition=Q(fee_cny__gte=0), name="fee_not_negative"),
        ]

    def __str__(self) -> str:
        return str(self.matter)


class SpecMaterial(models.Model):
    spec = models.ForeignKey(
        ServiceSpec,
        verbose_name=_("service specification"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    is_required = models.BooleanField(_("required"), default=True)
    accepted_types = models.CharField(
        _("accepted file types"),
        max_length=100,
        default="pdf,jpg,png",
        help_text=_("File extensions, comma separated."),
    )
    max_size_mb = models.PositiveSmallIntegerField(_("size limit (MB)"), default=10)
    template = models.CharField(_("template"), max_length=300, blank=True)

    class Meta:
        ordering = ["spec", "id"]
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        constraints = [
            models.UniqueConstraint(fields=["spec", "code"], name="material_code_unique_in_spec")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def extensions(self) -> list[str]:
        return [part.strip().lower() for part in self.accepted_types.split(",") if part.strip()]


class Journey(models.Model):
    """一件事: items across ordered stages, handled in parallel within a stage, one form."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    needs_enterprise = models.BooleanField(
        _("needs an existing enterprise"),
        default=True,
        help_text=_("Off for journeys that create the enterprise, such as starting a business."),
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=8, decimal_places=1)
    baseline_unit = models.CharField(_("baseline unit"), max_length=20)
    baseline_definition = models.TextField(_("baseline definition"))
    target_value = models.DecimalField(_("target"), max_digits=8, decimal_places=1)
    target_unit = models.CharField(_("target unit"), max_length=20)
    target_definition = models.TextField(_("target definition"))
    is_active = models.BooleanField(_("open for applications"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")

    def __str__(self) -> str:
        return self.name


class JourneyStage(models.Model):
    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    lead_body = models.ForeignKey(
        "org.Body", verbose_name=_("lead body"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["journey", "order"]
        verbose_name = _("journey stage")
        verbose_name_plural = _("journey stages")
        constraints = [
            models.UniqueConstraint(fields=["journey", "order"], name="stage_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.journey.code} {self.order}. {self.name}"


class JourneyItem(models.Model):
    stage = models.ForeignKey(
        JourneyStage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="items"
    )
    spec = models.ForeignKey(
        ServiceSpec,
        verbose_name=_("service specification"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    is_fully_online = models.BooleanField(_("fully online"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["stage", "order", "id"]
        verbose_name = _("journey item")
        verbose_name_plural = _("journey items")
        constraints = [
            models.UniqueConstraint(fields=["stage", "spec"], name="item_once_per_stage")
        ]

    def __str__(self) -> str:
        return str(self.spec)


class Application(models.Model):
    """One applicant's run through a journey in a zone."""

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.PROTECT, related_name="applications"
    )
    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        "core.User",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    current_stage = models.PositiveSmallIntegerField(_("current stage"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["journey", "state", "finished_at"], name="application_outcome")
        ]

    def __str__(self) -> str:
        return self.reference


class ItemCase(models.Model):
    """One item of an application, handled by the holder unit in the applicant's zone."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="item_cases",
    )
    journey_item = models.ForeignKey(
        JourneyItem, verbose_name=_("journey item"), on_delete=models.PROTECT, related_name="+"
    )
    stage_order = models.PositiveSmallIntegerField(_("stage"))
    holder_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("holder unit"),
        on_delete=models.PROTECT,
        related_name="item_cases",
    )
    state = models.CharField(
        _("state"),
        max_length=30,
        choices=ItemCaseState.choices,
        default=ItemCaseState.RECEIVED,
        db_index=True,
    )
    # Where a correction returns to (the state before `request_correction`).
    state_before_correction = models.CharField(
        _("state before corrections"), max_length=30, blank=True
    )
    received_at = models.DateTimeField(_("received at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Denormalised from the running clock so queues sort by it; null while paused or closed.
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)
    clock = models.ForeignKey(
        "core.Clock",
        verbose_name=_("clock"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["application", "stage_order", "id"]
        verbose_name = _("item case")
        verbose_name_plural = _("item cases")
        indexes = [models.Index(fields=["holder_unit", "state", "due_at"], name="item_queue")]

    def __str__(self) -> str:
        return f"{self.application.reference}/{self.pk}"


class CaseEvent(models.Model):
    """The timeline of an item case: every action with its actor, reason and states."""

    item_case = models.ForeignKey(
        ItemCase, verbose_name=_("item case"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        "core.User",
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["item_case", "at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.item_case_id} {self.action}"


class Material(models.Model):
    """An uploaded file, kept with the enterprise (or founder) so it is asked for only once."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="materials",
    )
    owner = models.ForeignKey(
        "core.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("material"), max_length=40)
    file = models.FileField(_("file"), upload_to="materials/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size_bytes = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    applications = models.ManyToManyField(
        Application, verbose_name=_("applications"), blank=True, related_name="materials"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.original_name


class Document(models.Model):
    """An official notice or decision generated as a PDF from the case's data."""

    item_case = models.ForeignKey(
        ItemCase, verbose_name=_("item case"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    number = models.CharField(_("document number"), max_length=40, unique=True)
    content = models.BinaryField(_("PDF"))
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["item_case", "issued_at", "id"]
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")

    def __str__(self) -> str:
        return self.number


class Rating(models.Model):
    """好差评: the applicant's rating of one decided item, reported per unit."""

    item_case = models.OneToOneField(
        ItemCase, verbose_name=_("item case"), on_delete=models.PROTECT, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_by = models.ForeignKey(
        "core.User", verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["-rated_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.item_case_id}: {self.score}"
