"""Forms of the enterprise app: sign-up and binding decisions (rules live in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onezone.org.models import Zone


class AccountFields(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class EnterpriseSignupForm(AccountFields):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    enterprise_name = forms.CharField(label=_("Enterprise name"), max_length=200)
    zone = forms.ModelChoiceField(
        label=_("Zone"), queryset=Zone.objects.all(), empty_label=_("Choose the zone")
    )


class FounderSignupForm(AccountFields):
    pass


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300)
