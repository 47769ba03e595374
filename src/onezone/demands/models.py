"""Demands (诉求) from every channel, their timeline and callbacks, Coffee Time sessions and the
Happiness Center catalogue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onezone.core.choices import TimeUnit
from onezone.demands.choices import (
    CategoryGroup,
    Channel,
    CoffeeIssueOutcome,
    CoffeeSessionState,
    DemandState,
    Priority,
    Satisfaction,
)


class DemandCategory(models.Model):
    """What a demand is about; each maps to a register matter so routing finds the unit."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("group"), max_length=20, choices=CategoryGroup.choices)
    matter = models.ForeignKey(
        "register.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("demand category")
        verbose_name_plural = _("demand categories")

    def __str__(self) -> str:
        return self.name


class Demand(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
    )
    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="demands"
    )
    caller_name = models.CharField(_("caller"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        DemandCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    priority = models.CharField(_("priority"), max_length=20, choices=Priority.choices)
    is_legacy = models.BooleanField(_("legacy problem"), default=False)
    is_invalid = models.BooleanField(_("invalid"), default=False)
    invalid_reason = models.CharField(_("why invalid"), max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    is_public = models.BooleanField(_("description may be public"), default=False)
    state = models.CharField(
        _("state"), max_length=30, choices=DemandState.choices, default=DemandState.ACCEPTED
    )
    # 首接负责: the unit that first received the demand coordinates it to the end.
    receiving_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    suggested_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("suggested unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_demands",
    )
    co_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("co-units"), blank=True, related_name="co_demands"
    )
    coffee_session = models.ForeignKey(
        "CoffeeSession",
        verbose_name=_("Coffee Time session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
    )
    happiness_service = models.ForeignKey(
        "HappinessService",
        verbose_name=_("Happiness Center service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
    )
    open311_token = models.CharField(_("Open311 token"), max_length=40, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reply_content = models.TextField(_("reply"), blank=True)
    # The running stage clock and its deadline, denormalised so queues sort and filter by it;
    # due_at is null when no clock runs (replied, reviewed, called back, closed).
    clock = models.ForeignKey(
        "core.Clock",
        verbose_name=_("clock"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    sign_on_time = models.BooleanField(_("signed in time"), null=True)
    reply_on_time = models.BooleanField(_("replied in time"), null=True)
    extension_approved = models.BooleanField(_("extension approved"), default=False)
    extension_requested_days = models.PositiveSmallIntegerField(
        _("extension asked (working days)"), null=True, blank=True
    )
    return_approved = models.BooleanField(_("return approved"), default=False)
    is_supervised = models.BooleanField(_("supervised"), default=False)
    urge_count = models.PositiveSmallIntegerField(_("urged"), default=0)
    # The stage whose expiry the sweep has urged, so one expiry urges once.
    urged_stage_due_at = models.DateTimeField(null=True, blank=True)
    callback_todo_given = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        indexes = [
            models.Index(fields=["lead_unit", "state", "due_at"], name="demand_queue"),
            models.Index(fields=["zone", "state"], name="demand_zone_state"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class DemandEvent(models.Model):
    """One line of a demand's timeline: every action, by whom, when, with its note."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("demand event")
        verbose_name_plural = _("demand events")

    def __str__(self) -> str:
        return f"{self.demand_id} {self.action}"


class DemandCallback(models.Model):
    """A callback (回访) to the enterprise after the reply; KPIs count the valid ones."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="callbacks")
    valid = models.BooleanField(_("valid"))
    contacted = models.BooleanField(_("contacted"))
    resolved = models.BooleanField(_("resolved"))
    satisfaction = models.CharField(_("satisfaction"), max_length=30, choices=Satisfaction.choices)
    unit_at_fault = models.BooleanField(_("unit at fault"), default=False)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")

    def __str__(self) -> str:
        return f"{self.demand_id} {self.satisfaction}"


class DemandAttachment(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="demands/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class CoffeeSession(models.Model):
    """An 企业咖啡时 session: a leader meets invited enterprises with the departments."""

    held_on = models.DateField(_("date"), db_index=True)
    host = models.ForeignKey(
        "org.Person", verbose_name=_("host"), on_delete=models.PROTECT, related_name="+"
    )
    host_title = models.CharField(_("host's position"), max_length=60, blank=True)
    theme = models.CharField(_("theme"), max_length=200)
    zone = models.ForeignKey(
        "org.Zone",
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    departments = models.ManyToManyField(
        "org.Body", verbose_name=_("departments"), blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=CoffeeSessionState.choices,
        default=CoffeeSessionState.PLANNED,
    )
    capacity = models.PositiveSmallIntegerField(_("places"), default=20)
    follow_up_report = models.TextField(_("follow-up report"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("Coffee Time session")
        verbose_name_plural = _("Coffee Time sessions")

    def __str__(self) -> str:
        return f"{self.held_on} {self.theme}"


class CoffeeParticipant(models.Model):
    """An enterprise at a session: invited by the zone, signed up in the portal, present."""

    session = models.ForeignKey(
        CoffeeSession, on_delete=models.CASCADE, related_name="participants"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited = models.BooleanField(_("invited"), default=False)
    signed_up_at = models.DateTimeField(_("signed up at"), null=True, blank=True)
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enterprise"], name="coffee_one_seat")
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.session_id} {self.enterprise_id}"


class CoffeeIssue(models.Model):
    """An issue raised at a session: solved on the spot, or followed up as a demand."""

    session = models.ForeignKey(CoffeeSession, on_delete=models.CASCADE, related_name="issues")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("issue"), max_length=500)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CoffeeIssueOutcome.choices)
    solution = models.TextField(_("solution on the spot"), blank=True)
    demand = models.OneToOneField(
        Demand, on_delete=models.PROTECT, null=True, blank=True, related_name="coffee_issue"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("Coffee Time issue")
        verbose_name_plural = _("Coffee Time issues")

    def __str__(self) -> str:
        return self.text[:50]


class HappinessService(models.Model):
    """A Happiness Center service (人才住房, 子女入学, 就医绿色通道 …): a provider and a clock."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        DemandCategory,
        verbose_name=_("demand category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("provider unit"), on_delete=models.PROTECT, related_name="+"
    )
    limit_amount = models.PositiveSmallIntegerField(_("time limit"))
    limit_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("Happiness Center service")
        verbose_name_plural = _("Happiness Center services")

    def __str__(self) -> str:
        return self.name
