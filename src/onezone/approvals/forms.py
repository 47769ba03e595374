"""Forms of the approvals app (input shapes only; the services hold the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onezone.approvals.choices import (
    APPLICANT_ACTIONS,
    ApplicationState,
    FieldType,
    ItemAction,
    ItemCaseState,
)
from onezone.approvals.formspec import FormField
from onezone.org.models import Zone

# ---- portal: the journey's one combined form, materials, corrections, ratings --------------

# Names the portal form uses itself; a journey field with one of them is renamed on the page.
PLACE_FIELDS = ("zone", "enterprise")
BOOLEAN_CHOICES = [("", "—"), ("true", _("Yes")), ("false", _("No"))]


def _answer_field(item: FormField) -> forms.Field:
    """A permissive Django field for one answer: the service validates every type, so the
    page shows exactly the errors the API gives (drafts may leave anything blank)."""
    label = item.label
    if item.type == FieldType.TEXT:
        return forms.CharField(label=label, required=False, widget=forms.Textarea({"rows": 3}))
    if item.type == FieldType.INTEGER:
        return forms.CharField(label=label, required=False, widget=forms.NumberInput({"step": "1"}))
    if item.type == FieldType.DECIMAL:
        return forms.CharField(
            label=label, required=False, widget=forms.NumberInput({"step": "any"})
        )
    if item.type == FieldType.DATE:
        return forms.CharField(
            label=label, required=False, widget=forms.DateInput({"type": "date"})
        )
    if item.type == FieldType.BOOLEAN:
        return forms.ChoiceField(label=label, required=False, choices=BOOLEAN_CHOICES)
    if item.type == FieldType.CHOICE:
        # Unknown values reach the service, which names the allowed ones in its error.
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.Select(choices=[("", "—"), *((c, c) for c in item.choices)]),
        )
    if item.type == FieldType.PHONE:
        return forms.CharField(label=label, required=False, widget=forms.TextInput({"type": "tel"}))
    if item.type == FieldType.EMAIL:
        return forms.CharField(label=label, required=False, widget=forms.EmailInput())
    return forms.CharField(label=label, required=False, widget=forms.TextInput())


def _initial_value(item: FormField, value):
    if item.type == FieldType.BOOLEAN and isinstance(value, bool):
        return "true" if value else "false"
    return value


class ApplicationForm(forms.Form):
    """Zone, enterprise (when starting) and the answers of a journey's combined form."""

    def __init__(
        self,
        *args,
        answers: list[FormField],
        zones=None,
        enterprises=None,
        needs_enterprise: bool = True,
        saved: dict | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.answers = answers
        self.field_names = {}
        if zones is not None:
            self.fields["zone"] = forms.ModelChoiceField(
                label=_("Zone"),
                queryset=zones,
                to_field_name="code",
                empty_label=_("Choose the zone"),
            )
        if enterprises is not None and (needs_enterprise or enterprises.exists()):
            self.fields["enterprise"] = forms.ModelChoiceField(
                label=_("Enterprise"),
                queryset=enterprises,
                to_field_name="uscc",
                required=needs_enterprise,
                empty_label=_("Choose the enterprise")
                if needs_enterprise
                else _("None: the enterprise is yet to be founded"),
            )
        for item in answers:
            name = f"answer_{item.name}" if item.name in PLACE_FIELDS else item.name
            self.field_names[item.name] = name
            self.fields[name] = _answer_field(item)
            if saved and item.name in saved:
                self.initial[name] = _initial_value(item, saved[item.name])

    def answer_fields(self) -> list[tuple]:
        """(bound field, required, type) per answer, in the form's order."""
        return [
            (self[self.field_names[item.name]], item.required, item.type) for item in self.answers
        ]

    def answer_data(self) -> dict:
        """The answers as the service takes them (blank = not answered)."""
        return {
            item.name: self.cleaned_data.get(self.field_names[item.name]) or ""
            for item in self.answers
        }

    def error_names(self) -> dict:
        """Service error keys (`form.<name>`) → the page's field names."""
        return {f"form.{name}": field for name, field in self.field_names.items()}


def zone_choices():
    return Zone.objects.order_by("name")


class ApplicationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *ApplicationState.choices],
    )


class MaterialUploadForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("File"))


class MaterialReuseForm(forms.Form):
    material = forms.IntegerField(widget=forms.HiddenInput)


class CorrectionForm(forms.Form):
    code = forms.ChoiceField(label=_("Material"), required=False)
    file = forms.FileField(label=_("File"), required=False)
    note = forms.CharField(
        label=_("Note to the officer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "—"), *((m.code, m.name) for m in materials)]

    def clean(self):
        data = super().clean()
        if data.get("file") and not data.get("code"):
            self.add_error("code", _("Choose which material the file is."))
        return data


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"),
        coerce=int,
        choices=[(score, str(score)) for score in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )


# ---- officer workbench: queue filters, item actions, comments ------------------------------

OFFICER_ACTIONS = [
    (value, label) for value, label in ItemAction.choices if value not in APPLICANT_ACTIONS
]


class WorkbenchFilterForm(forms.Form):
    """Filters of the officer's queue (open cases unless a state is chosen)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Matter or reference"), "aria-label": _("Search")}
        ),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All open cases")), *ItemCaseState.choices],
    )
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        required=False,
        queryset=None,
        to_field_name="code",
        empty_label=_("All zones"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones


class CaseActionForm(forms.Form):
    """One action on an item case, with its reason and the version the officer saw."""

    action = forms.ChoiceField(label=_("Action"), choices=OFFICER_ACTIONS)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea)
    version = forms.IntegerField(label=_("Version"), min_value=1, widget=forms.HiddenInput)


class CaseCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
