"""Forms of the enterprise app: sign-up and binding decisions (rules live in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onezone.core.forms import NewPasswordFields
from onezone.enterprises.choices import (
    COUNT_FIGURES,
    DevelopmentStage,
    FigureName,
    Provenance,
    ServiceRole,
    SizeClass,
    VisitMode,
)
from onezone.enterprises.models import ServiceDesignation, Tag
from onezone.org.models import Post, Zone


class AccountFields(NewPasswordFields):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    field_order = ["username", "full_name", "phone", "password", "password_again"]


class EnterpriseSignupForm(AccountFields):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    enterprise_name = forms.CharField(label=_("Enterprise name"), max_length=200)
    zone = forms.ModelChoiceField(
        label=_("Zone"), queryset=Zone.objects.all(), empty_label=_("Choose the zone")
    )
    field_order = ["uscc", "enterprise_name", "zone", *AccountFields.field_order]


class FounderSignupForm(AccountFields):
    pass


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300)


# ---- the enterprise file (一企一档): list filters, officer form, member form --------------

# The list filter's value for "the size standard does not apply" (EnterpriseFilters).
SIZE_NOT_APPLICABLE = "none"
CONTACT_PARTS = ("name", "title", "phone", "email")


def _file_date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def liaison_choices(zones) -> list[tuple[str, str]]:
    """People designated liaison in `zones` (a queryset), in one query."""
    people = (
        ServiceDesignation.objects.filter(role=ServiceRole.LIAISON, zone__in=zones)
        .values_list("post__person_id", "post__person__name", "post__person__staff_number")
        .order_by("post__person__name", "post__person_id")
        .distinct()
    )
    return [(str(pk), f"{name}（{number}）") for pk, name, number in people]


class EnterpriseFilterForm(forms.Form):
    """Filters of the enterprise list; values are read by selectors.EnterpriseFilters."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name or unified social credit code"),
                "aria-label": _("Search"),
            }
        ),
    )
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        required=False,
        queryset=None,
        to_field_name="code",
        empty_label=_("All zones"),
    )
    industry = forms.CharField(
        label=_("Industry"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"placeholder": _("Industry code: C, 39, 397, 3973"), "aria-label": _("Industry")}
        ),
    )
    size_class = forms.ChoiceField(
        label=_("Size class"),
        required=False,
        choices=[
            ("", _("All sizes")),
            *SizeClass.choices,
            (SIZE_NOT_APPLICABLE, _("Not applicable")),
        ],
    )
    development_stage = forms.ChoiceField(
        label=_("Development stage"),
        required=False,
        choices=[("", _("All stages")), *DevelopmentStage.choices],
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        required=False,
        queryset=Tag.objects.all(),
        to_field_name="code",
        empty_label=_("All tags"),
    )
    liaison = forms.ChoiceField(label=_("Liaison"), required=False)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
        self.fields["liaison"].choices = [("", _("All liaisons")), *liaison_choices(zones)]


def _figure_field(name: str) -> forms.Field:
    label = FigureName(name).label
    if name in COUNT_FIGURES:
        return forms.IntegerField(label=label, required=False, min_value=0)
    return forms.DecimalField(label=label, required=False, min_value=0, decimal_places=2)


class FigureFields(forms.Form):
    """One year's figures; `year` chooses the year, each figure keeps its own source."""

    year = forms.IntegerField(label=_("Year of the figures"), min_value=1949)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FigureName.values:
            self.fields[name] = _figure_field(name)

    def changed_figures(self, current: dict) -> dict:
        """Figures typed that differ from `current` (name -> value); blanks never delete."""
        changed = {}
        for name in FigureName.values:
            value = self.cleaned_data.get(name)
            if value is not None and value != current.get(name):
                changed[name] = value
        return changed


class ContactFields(forms.Form):
    """`contact_rows` rows of contact fields; the first is the primary contact."""

    def __init__(self, *args, contact_rows: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_rows = contact_rows
        for row in range(1, contact_rows + 1):
            who = _("Primary contact") if row == 1 else _("Contact %(number)d") % {"number": row}
            self.fields[f"contact_{row}_name"] = forms.CharField(
                label=f"{who} · {_('full name')}", max_length=50, required=False
            )
            self.fields[f"contact_{row}_title"] = forms.CharField(
                label=f"{who} · {_('position')}", max_length=50, required=False
            )
            self.fields[f"contact_{row}_phone"] = forms.CharField(
                label=f"{who} · {_('phone')}", max_length=20, required=False
            )
            self.fields[f"contact_{row}_email"] = forms.EmailField(
                label=f"{who} · {_('email')}", required=False
            )

    def contacts(self) -> list[dict]:
        """The rows with a name, as the service's `contacts` list (first one primary)."""
        contacts = []
        for row in range(1, self.contact_rows + 1):
            contact = {
                part: (self.cleaned_data.get(f"contact_{row}_{part}") or "").strip()
                for part in CONTACT_PARTS
            }
            if contact["name"] or contact["phone"] or contact["email"]:
                contacts.append({**contact, "is_primary": not contacts})
        return contacts

    @staticmethod
    def initial_for(contacts) -> dict:
        return {
            f"contact_{row}_{part}": getattr(contact, part)
            for row, contact in enumerate(contacts, start=1)
            for part in CONTACT_PARTS
        }


class EnterpriseFileForm(FigureFields, ContactFields):
    """The whole file, for officers (create and edit); the rules live in services.files."""

    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    uscc_override_reason = forms.CharField(
        label=_("Reason for accepting a code that fails the checksum"),
        max_length=300,
        required=False,
        help_text=_(
            "Only needed when the code's check character is wrong, e.g. an early pilot code "
            "that is legal but fails the checksum; the reason is recorded."
        ),
    )
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=50, required=False
    )
    registered_address = forms.CharField(
        label=_("Registered address"), max_length=300, required=False
    )
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=None, empty_label=_("Choose the zone"))
    industry_code = forms.CharField(
        label=_("Industry class (GB/T 4754-2017)"),
        max_length=10,
        help_text=_("The 4-digit class, with or without its section letter: 3973 or C3973."),
    )
    registered_on = forms.DateField(label=_("Registered on"), widget=_file_date_input())
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.ChoiceField(
        label=_("Source of the figures"),
        choices=Provenance.choices,
        initial=Provenance.OFFICER,
        help_text=_("Every figure typed here is labelled with this source and today's date."),
    )
    development_stage = forms.ChoiceField(
        label=_("Development stage"),
        required=False,
        choices=[("", _("Derived by the rule")), *DevelopmentStage.choices],
        help_text=_("Leave as derived unless there is a reason to set it by hand."),
    )
    development_stage_override_reason = forms.CharField(
        label=_("Reason for setting the development stage by hand"),
        max_length=300,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = [
        "uscc",
        "uscc_override_reason",
        "name",
        "legal_representative",
        "registered_address",
        "zone",
        "industry_code",
        "registered_on",
        "tags",
        "year",
        "source",
        *FigureName.values,
        "development_stage",
        "development_stage_override_reason",
    ]

    def __init__(self, *args, zones, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
        if editing:
            # The code of a file never changes; it is shown in the page header. The year is
            # chosen above the form, so the figures shown are that year's.
            del self.fields["uscc"], self.fields["uscc_override_reason"]
            self.fields["year"].widget = forms.HiddenInput()
        self.order_fields(self.field_order)

    FILE_FIELDS = (
        "uscc",
        "uscc_override_reason",
        "name",
        "legal_representative",
        "registered_address",
        "industry_code",
        "registered_on",
        "development_stage",
        "development_stage_override_reason",
    )

    def service_data(self, current_figures: dict | None = None) -> dict:
        """The `data` dict of services.enterprise_create / enterprise_update."""
        cleaned = self.cleaned_data
        data = {name: cleaned[name] for name in self.FILE_FIELDS if name in self.fields}
        data["zone"] = cleaned["zone"]
        data["tags"] = [tag.code for tag in cleaned["tags"]]
        data["contacts"] = self.contacts()
        figures = self.changed_figures(current_figures or {})
        if figures:
            data.update(figures, year=cleaned["year"], source=cleaned["source"])
        return data


class MemberFileForm(FigureFields, ContactFields):
    """What an enterprise's own users may change: contacts and self-declared figures."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, locked: dict | None = None, **kwargs):
        """`locked`: figure name -> source label of figures from an authoritative source."""
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.HiddenInput()
        for name, source_label in (locked or {}).items():
            field = self.fields[name]
            field.widget.attrs["readonly"] = True
            field.help_text = _(
                "From %(source)s (authoritative source): read-only here; ask your liaison to "
                "correct it."
            ) % {"source": source_label}

    def service_data(self, current_figures: dict) -> dict:
        data = {"contacts": self.contacts()}
        figures = self.changed_figures(current_figures)
        if figures:
            data.update(figures, year=self.cleaned_data["year"])
        return data


# ---- one-to-one service and visits ----------------------------------------------------


class IssuesField(forms.CharField):
    """Issues raised in a visit, typed one per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=VisitMode.choices)
    participants = forms.CharField(label=_("Participants"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    issues = IssuesField(
        label=_("Issues raised"),
        required=False,
        help_text=_("One issue per line; each is handed on as a demand of the enterprise."),
    )
    next_visit_on = forms.DateField(
        label=_("Next visit"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, post):
        return f"{post.person.name} · {post.unit} · {post.title}"


class DesignationForm(forms.Form):
    """Designate a post held in one of the zones the actor manages."""

    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none())
    role = forms.ChoiceField(label=_("Service role"), choices=ServiceRole.choices)
    post = PostChoiceField(label=_("Person in post"), queryset=Post.objects.none())

    def __init__(self, *args, zones, posts_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.posts_of = posts_of
        self.fields["zone"].queryset = zones
        zone = self._chosen_zone(zones)
        self.fields["post"].queryset = posts_of([zone.pk] if zone else zones.values("pk"))

    def _chosen_zone(self, zones):
        value = self.data.get("zone") or self.initial.get("zone")
        value = getattr(value, "pk", value)
        text = str(value or "")
        if not (text.isascii() and text.isdecimal() and len(text) <= 18):
            return None
        return zones.filter(pk=int(text)).first()

    def clean(self):
        data = super().clean()
        zone, post = data.get("zone"), data.get("post")
        if zone and post and not self.posts_of([zone.pk]).filter(pk=post.pk).exists():
            self.add_error("post", _("This post is not held in a unit of the chosen zone."))
        return data


class DesignationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, designation):
        return _("%(role)s · %(name)s · %(unit)s (serves %(load)d)") % {
            "role": designation.get_role_display(),
            "name": designation.post.person.name,
            "unit": designation.post.unit,
            "load": designation.load,
        }


class AssignmentForm(forms.Form):
    """Choose who serves one enterprise among the zone's designated posts."""

    designation = DesignationChoiceField(
        label=_("Liaison or chief representative"), queryset=ServiceDesignation.objects.none()
    )
    start_on = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to start today."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, designations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["designation"].queryset = designations


class VisitFilterForm(forms.Form):
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        queryset=Zone.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All zones"),
    )
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.DateInput(attrs={"type": "month"})
    )
    mode = forms.ChoiceField(
        label=_("Mode"), required=False, choices=[("", _("All modes")), *VisitMode.choices]
    )


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        help_text=_("Fill in the template; at most 10 MB."),
    )
