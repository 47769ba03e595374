"""Forms of the register pages: the public lookup, the lint date and the Excel upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onezone.org.models import Zone


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
