"""Forms of the enterprise app: sign-up and binding decisions (rules live in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onezone.core.forms import NewPasswordFields
from onezone.org.models import Zone


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
