"""Organisation tables: zones, bodies, units, people, posts and role assignments."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onezone.core.choices import Role, ScopeKind
from onezone.org.choices import BodyKind, UnitKind


class Zone(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    industry_focus = models.CharField(_("industry focus"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("functional zone")
        verbose_name_plural = _("functional zones")

    def __str__(self) -> str:
        return self.name


class Body(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone managed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bodies",
        help_text=_("For a zone committee: the zone it manages."),
    )
    merged_with = models.OneToOneField(
        "self",
        verbose_name=_("merged office with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_lead",
        help_text=_("For a lead bureau: the zone committee it shares one team with."),
    )
    headcount_quota = models.PositiveIntegerField(_("headcount quota"), default=0)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=BodyKind.ZONE_COMMITTEE, zone__isnull=False)
                | (~Q(kind=BodyKind.ZONE_COMMITTEE) & Q(zone__isnull=True)),
                name="body_zone_only_for_committee",
            ),
            models.CheckConstraint(
                condition=Q(merged_with__isnull=True) | Q(kind=BodyKind.LEAD),
                name="body_merge_only_for_lead",
            ),
            models.UniqueConstraint(
                fields=["zone"],
                condition=Q(kind=BodyKind.ZONE_COMMITTEE),
                name="one_committee_per_zone",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    stationed_in = models.ForeignKey(
        Zone,
        verbose_name=_("stationed in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stationed_units",
    )
    serves_zones = models.ManyToManyField(
        Zone, verbose_name=_("serves zones"), blank=True, related_name="serving_units"
    )
    front_line = models.BooleanField(_("front line"), default=False)
    phone = models.CharField(
        _("office phone"),
        max_length=20,
        blank=True,
        help_text=_("The unit's public office line, shown to enterprises."),
    )

    class Meta:
        ordering = ["body__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="unit_name_unique_in_body"),
        ]

    def __str__(self) -> str:
        return f"{self.body.short_name or self.body.name}·{self.name}"


class Person(models.Model):
    name = models.CharField(_("name"), max_length=50)
    staff_number = models.CharField(_("staff number"), max_length=30, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    user = models.OneToOneField(
        "core.User",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    is_synthetic = models.BooleanField(_("synthetic demo person"), default=False)

    class Meta:
        ordering = ["staff_number"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="posts"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(_("title"), max_length=60)
    is_leader = models.BooleanField(_("leader post"), default=False)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    quota_override_reason = models.CharField(
        _("reason for exceeding the quota"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["unit__body__name", "unit__name", "-is_leader", "person__staff_number"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="post_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.title}"


class RoleAssignment(models.Model):
    """A role held by a user over a scope; enterprise scope is bound through the enterprise app."""

    user = models.ForeignKey(
        "core.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    scope_kind = models.CharField(_("scope"), max_length=20, choices=ScopeKind.choices)
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        scope_kind=ScopeKind.ZONE,
                        zone__isnull=False,
                        body__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        scope_kind=ScopeKind.BODY,
                        zone__isnull=True,
                        body__isnull=False,
                        unit__isnull=True,
                    )
                    | Q(
                        scope_kind=ScopeKind.UNIT,
                        zone__isnull=True,
                        body__isnull=True,
                        unit__isnull=False,
                    )
                    | (
                        Q(scope_kind__in=[ScopeKind.DISTRICT, ScopeKind.ENTERPRISE])
                        & Q(zone__isnull=True, body__isnull=True, unit__isnull=True)
                    )
                ),
                name="role_scope_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def scope_object(self):
        return self.zone or self.body or self.unit
