"""Forms of the organisation app: they parse input only; the rules live in org.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onezone.core.choices import STAFF_ROLES, Role, ScopeKind
from onezone.core.forms import NewPasswordFields
from onezone.org import selectors
from onezone.org.choices import BodyKind, UnitKind

__all__ = [
    "BodyFilterForm",
    "BodyForm",
    "PersonFilterForm",
    "PersonForm",
    "PostEndForm",
    "PostForm",
    "RoleAssignForm",
    "UnitForm",
    "UserCreateForm",
    "ZoneForm",
]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ZoneForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=120, required=False)
    industry_focus = forms.CharField(label=_("Industry focus"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BodyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)
    zone = forms.ModelChoiceField(
        label=_("Zone managed"),
        queryset=None,
        required=False,
        help_text=_("Only for a zone committee: the zone it manages."),
    )
    merged_with = forms.ModelChoiceField(
        label=_("Merged office with"),
        queryset=None,
        required=False,
        help_text=_("Only for a lead bureau: the zone committee it shares one team with."),
    )
    headcount_quota = forms.IntegerField(label=_("Headcount quota"), min_value=0, initial=0)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = selectors.zone_list(actor=actor)
        self.fields["merged_with"].queryset = selectors.body_list(
            actor=actor, kind=BodyKind.ZONE_COMMITTEE
        )


class UnitForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    stationed_in = forms.ModelChoiceField(
        label=_("Stationed in"),
        queryset=None,
        required=False,
        help_text=_("For a unit a bureau dispatches to a zone (park service, park enforcement)."),
    )
    serves_zones = forms.ModelMultipleChoiceField(
        label=_("Serves zones"),
        queryset=None,
        required=False,
        help_text=_("Zones a sectoral bureau's unit serves (investment promotion sections)."),
    )
    front_line = forms.BooleanField(label=_("Front line"), required=False)
    phone = forms.CharField(label=_("Office phone"), max_length=20, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = selectors.body_list(actor=actor)
        self.fields["stationed_in"].queryset = selectors.zone_list(actor=actor)
        self.fields["serves_zones"].queryset = selectors.zone_list(actor=actor)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    staff_number = forms.CharField(label=_("Staff number"), max_length=30)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    user = forms.ModelChoiceField(label=_("Account"), queryset=None, required=False)

    def __init__(self, *args, actor, keep_personal_data: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.user_list(actor=actor)
        if keep_personal_data:
            # Editing never shows phone and ID number in full: that needs an audited reveal.
            for name in ("phone", "id_number"):
                self.fields[name].help_text = _("Leave empty to keep the current value.")


class PostForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=60)
    is_leader = forms.BooleanField(label=_("Leader post"), required=False)
    start_on = forms.DateField(label=_("Start"), widget=_date_input())
    end_on = forms.DateField(label=_("End"), required=False, widget=_date_input())
    quota_override_reason = forms.CharField(
        label=_("Reason for exceeding the quota"),
        max_length=300,
        required=False,
        help_text=_("Only needed to exceed the headcount quota."),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.unit_list(actor=actor)


class PostEndForm(forms.Form):
    end_on = forms.DateField(label=_("End"), widget=_date_input())


class UserCreateForm(NewPasswordFields):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    field_order = ["username", "full_name", "phone", "email", "password", "password_again"]


SCOPE_SELECTS = {ScopeKind.ZONE: "zone", ScopeKind.BODY: "body", ScopeKind.UNIT: "unit"}


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES]
    )
    scope_kind = forms.ChoiceField(
        label=_("Scope"),
        choices=[(s.value, s.label) for s in ScopeKind if s != ScopeKind.ENTERPRISE],
    )
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=None, required=False)
    body = forms.ModelChoiceField(label=_("Body"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = selectors.zone_list(actor=actor)
        self.fields["body"].queryset = selectors.body_list(actor=actor)
        self.fields["unit"].queryset = selectors.unit_list(actor=actor)

    def scope_field(self) -> str | None:
        """The select that holds the scope of the chosen kind (None for the whole district)."""
        return SCOPE_SELECTS.get(self.cleaned_data.get("scope_kind"))

    def scope(self):
        field = self.scope_field()
        return self.cleaned_data.get(field) if field else None


def _search_input(placeholder) -> forms.TextInput:
    return forms.TextInput(attrs={"placeholder": placeholder, "aria-label": _("Search")})


class BodyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, widget=_search_input(_("Name or short name"))
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *BodyKind.choices]
    )
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        required=False,
        queryset=None,
        to_field_name="code",
        empty_label=_("All zones"),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = selectors.zone_list(actor=actor)


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, widget=_search_input(_("Name or staff number"))
    )
    body = forms.ModelChoiceField(
        label=_("Body"), required=False, queryset=None, empty_label=_("All bodies")
    )
    zone = forms.ModelChoiceField(
        label=_("Zone"),
        required=False,
        queryset=None,
        to_field_name="code",
        empty_label=_("All zones"),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = selectors.body_list(actor=actor)
        self.fields["zone"].queryset = selectors.zone_list(actor=actor)


def filters_of(form: forms.Form) -> dict:
    """The valid filter values of a GET filter form; an invalid value is simply not applied."""
    form.is_valid()
    return {name: form.cleaned_data.get(name) for name in form.fields}
