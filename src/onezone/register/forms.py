"""Forms of the register pages: the public lookup, the lint date, the Excel upload and the
administrator's matter and entry forms. They parse input only; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onezone.org import selectors as org_selectors
from onezone.org.models import Zone
from onezone.register.choices import DelegationMode, MatterKind, RegisterList


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LookupForm(forms.Form):
    q = forms.CharField(label=_("Matter name or code"), required=False, max_length=100)
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        queryset=Zone.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("Choose a zone"),
    )


class LintForm(forms.Form):
    at = forms.DateField(label=_("Date"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))


class MatterForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MatterKind.choices)
    home_body = forms.ModelChoiceField(label=_("Home body"), queryset=None)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("Laws by name, e.g. 《城乡规划法》; no article numbers."),
    )
    enterprise_related = forms.BooleanField(label=_("Enterprise-related"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_body"].queryset = org_selectors.body_list(actor=actor)


class _HolderFields(forms.Form):
    """Who holds the matter and how: shared by a new entry and a change of an entry."""

    holder_unit = forms.ModelChoiceField(label=_("Holder unit"), queryset=None)
    mode = forms.ChoiceField(label=_("Delegation mode"), choices=DelegationMode.choices)
    deciding_unit = forms.ModelChoiceField(
        label=_("Deciding unit"),
        queryset=None,
        required=False,
        help_text=_("Only for authorisation and transfer: the home bureau's deciding unit."),
    )
    commissioner = forms.ModelChoiceField(
        label=_("Service commissioner"),
        queryset=None,
        required=False,
        help_text=_("Only for a stationed section with commissioner."),
    )
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=_date_input())

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        units = org_selectors.unit_list(actor=actor).order_by("body__name", "name")
        self.fields["holder_unit"].queryset = units
        self.fields["deciding_unit"].queryset = units
        self.fields["commissioner"].queryset = org_selectors.person_list(actor=actor)


class EntryForm(_HolderFields):
    list_name = forms.ChoiceField(label=_("List"), choices=RegisterList.choices)
    zone = forms.ModelChoiceField(
        label=_("Zone"), queryset=None, required=False, empty_label=_("All zones")
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=_date_input())
    field_order = [
        "list_name",
        "zone",
        "holder_unit",
        "mode",
        "deciding_unit",
        "commissioner",
        "valid_from",
        "valid_to",
    ]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["zone"].queryset = org_selectors.zone_list(actor=actor).order_by("code")


class EntryChangeForm(_HolderFields):
    effective_from = forms.DateField(
        label=_("Effective from"),
        widget=_date_input(),
        help_text=_("The current version ends the day before."),
    )
    change_reason = forms.CharField(label=_("Change reason"), max_length=300)
    field_order = [
        "effective_from",
        "change_reason",
        "holder_unit",
        "mode",
        "deciding_unit",
        "commissioner",
        "valid_to",
    ]


class EntryEndForm(forms.Form):
    valid_to = forms.DateField(label=_("Last valid day"), widget=_date_input())
    change_reason = forms.CharField(label=_("Reason"), max_length=300)
