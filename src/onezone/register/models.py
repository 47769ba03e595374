"""Register tables: matters and their versioned entries on the four lists."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onezone.register.choices import DelegationMode, MatterKind, RegisterList


class Matter(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MatterKind.choices)
    home_body = models.ForeignKey(
        "org.Body", verbose_name=_("home body"), on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        blank=True,
        help_text=_("Laws by name, e.g. 《城乡规划法》; no article numbers."),
    )
    enterprise_related = models.BooleanField(_("enterprise-related"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ListEntry(models.Model):
    """One version of a matter's line on a list; a change closes it and adds the next version."""

    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="entries"
    )
    list_name = models.CharField(_("list"), max_length=30, choices=RegisterList.choices)
    zone = models.ForeignKey(
        "org.Zone",
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: all zones."),
    )
    holder_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("holder unit"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("delegation mode"), max_length=30, choices=DelegationMode.choices)
    deciding_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("deciding unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commissioner = models.ForeignKey(
        "org.Person",
        verbose_name=_("service commissioner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    change_reason = models.CharField(_("change reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["matter__code", "list_name", "zone__code", "version"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        indexes = [models.Index(fields=["matter", "valid_from"], name="register_entry_matter")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="entry_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(mode=DelegationMode.AUTHORISED_TRANSFER, deciding_unit__isnull=False)
                | (~Q(mode=DelegationMode.AUTHORISED_TRANSFER) & Q(deciding_unit__isnull=True)),
                name="entry_deciding_unit_only_for_transfer",
            ),
            models.CheckConstraint(
                condition=Q(mode=DelegationMode.STATIONED_COMMISSIONER, commissioner__isnull=False)
                | (~Q(mode=DelegationMode.STATIONED_COMMISSIONER) & Q(commissioner__isnull=True)),
                name="entry_commissioner_only_when_stationed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter.code} · {self.list_name} · v{self.version}"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)
