"""Forms of the policies pages: library filters, upload, apply, review, subscription, package."""

import re
from pathlib import Path

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onezone.core.choices import Role
from onezone.enterprises.choices import DevelopmentStage, SizeClass
from onezone.org.models import Zone
from onezone.policies.access import POLICY_OFFICER_ROLES
from onezone.policies.choices import (
    ApplicationState,
    MatchStatus,
    PackageKind,
    PolicyClass,
    PolicyMode,
)
from onezone.policies.models import Policy

UPLOAD_MAX_BYTES = 200 * 1024
UPLOAD_SUFFIXES = (".yaml", ".yml")


def _with_all(label, choices) -> list:
    return [("", label), *choices]


class LibraryFilterForm(forms.Form):
    q = forms.CharField(required=False, label=gettext_lazy("Search"))
    policy_class = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Class"),
        choices=_with_all(gettext_lazy("All classes"), PolicyClass.choices),
    )
    mode = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Mode"),
        choices=_with_all(gettext_lazy("All modes"), PolicyMode.choices),
    )
    industry = forms.RegexField(
        required=False,
        label=gettext_lazy("Industry"),
        regex=r"^([A-Ta-t]|\d{2,4})$",
        error_messages={
            "invalid": gettext_lazy("A section letter or an industry code of 2 to 4 digits.")
        },
    )
    size = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Size class"),
        choices=_with_all(gettext_lazy("All sizes"), SizeClass.choices),
    )
    stage = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Development stage"),
        choices=_with_all(gettext_lazy("All stages"), DevelopmentStage.choices),
    )
    zone = forms.ChoiceField(required=False, label=gettext_lazy("Zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = Zone.objects.order_by("code").values_list("code", "name")
        self.fields["zone"].choices = _with_all(_("All zones"), list(zones))
        self.fields["q"].widget.attrs["placeholder"] = _("Title, code, issuer or reference")
        self.fields["industry"].widget.attrs["placeholder"] = _("Industry code, e.g. 3973")


class PolicyUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Policy file (YAML)"),
        help_text=gettext_lazy("One policy per file, .yaml or .yml, at most 200 KB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise ValidationError(_("Upload a .yaml or .yml file."), code="file_type")
        if upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(_("The file is larger than 200 KB."), code="file_size")
        try:
            upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text."), code="encoding") from None
        finally:
            upload.seek(0)
        return upload


class ApplyForm(forms.Form):
    declaration = forms.BooleanField(
        label=gettext_lazy(
            "I declare that the figures above are true and that the enterprise meets the "
            "policy's conditions."
        ),
        error_messages={"required": gettext_lazy("Tick the declaration to submit.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    """One form for every officer action; the button pressed names the action."""

    amount = forms.DecimalField(
        label=gettext_lazy("Approved amount"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApplicationFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        label=gettext_lazy("State"),
        choices=_with_all(gettext_lazy("All states"), ApplicationState.choices),
    )
    policy = forms.CharField(required=False, label=gettext_lazy("Policy code"))


class MatchFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Status"),
        choices=_with_all(gettext_lazy("Eligible and nearly eligible"), MatchStatus.choices),
    )
    zone = forms.ChoiceField(required=False, label=gettext_lazy("Zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = Zone.objects.order_by("code").values_list("code", "name")
        self.fields["zone"].choices = _with_all(_("All zones"), list(zones))


class SubscriptionForm(forms.Form):
    classes = forms.MultipleChoiceField(
        label=gettext_lazy("Policy classes"),
        required=False,
        choices=PolicyClass.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    industries = forms.CharField(
        label=gettext_lazy("Industries"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Industry codes or section letters separated by spaces or commas, e.g. 39 6520."
        ),
    )

    def clean_industries(self):
        parts = [part for part in re.split(r"[\s,，、]+", self.cleaned_data["industries"]) if part]
        wrong = [part for part in parts if not re.fullmatch(r"[A-Ta-t]|\d{2,4}", part)]
        if wrong:
            raise ValidationError(
                _("Not an industry code: %(codes)s") % {"codes": "、".join(wrong)},
                code="industry",
            )
        return [part.upper() for part in parts]


class PackageForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=60)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=PackageKind.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    policies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Policies"),
        queryset=Policy.objects.order_by("code"),
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    enterprise_uscc = forms.CharField(
        label=gettext_lazy("Enterprise (unified social credit code)"),
        required=False,
        max_length=18,
        help_text=gettext_lazy("Only for a bespoke package."),
    )
    negotiated_terms = forms.CharField(
        label=gettext_lazy("Negotiated terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    agreed_by = forms.ModelChoiceField(
        label=gettext_lazy("Agreed by"),
        required=False,
        queryset=get_user_model().objects.none(),
        help_text=gettext_lazy("The leader or officer who agreed the terms."),
    )
    agreed_on = forms.DateField(
        label=gettext_lazy("Agreed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agreeing_roles = [*POLICY_OFFICER_ROLES, Role.LEADER]
        self.fields["agreed_by"].queryset = (
            get_user_model()
            .objects.filter(Q(roles__role__in=agreeing_roles) | Q(is_superuser=True))
            .filter(is_active=True)
            .distinct()
            .order_by("username")
        )

    def clean(self):
        data = super().clean()
        is_bespoke = data.get("kind") == PackageKind.BESPOKE
        if is_bespoke and not data.get("enterprise_uscc"):
            self.add_error(
                "enterprise_uscc",
                ValidationError(_("A bespoke package names its enterprise."), code="required"),
            )
        if not is_bespoke and data.get("enterprise_uscc"):
            self.add_error(
                "enterprise_uscc",
                ValidationError(_("Only a bespoke package names an enterprise."), code="bundle"),
            )
        return data
