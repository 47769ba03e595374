"""Form helpers shared by every app, and the password reset form that mails via the outbox."""

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext_lazy as _

from onezone.core.choices import OutboxChannel
from onezone.core.errors import ConflictError
from onezone.core.notifications import outbox_enqueue


class OutboxPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        outbox_enqueue(channel=OutboxChannel.EMAIL, recipient=to_email, subject=subject, body=body)


def with_form_controls(form: forms.Form) -> forms.Form:
    """Give every widget Tabler's classes, and mark the fields that have errors."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        widget.attrs["class"] = css
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["class"] += " is-invalid"
    return form


def add_service_errors(form, error: ValidationError, renamed: dict | None = None) -> None:
    """Show a service's ValidationError on the form's fields (unknown fields: form-wide)."""
    error_dict = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in error_dict.items():
        target = (renamed or {}).get(field, field)
        for item in errors:
            form.add_error(target if target in form.fields else None, item)


def error_text(error: Exception) -> str:
    """One line for a messages.error() from a ValidationError, ConflictError or the like."""
    return " ".join(getattr(error, "messages", None) or [str(error)])


class NewPasswordFields(forms.Form):
    """A password typed twice; subclasses list their own fields first via `field_order`."""

    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


def form_page(request, form, save, *, done: str, next_url, **page):
    """Parse the form, call the service, and redirect to what was saved, or show the errors
    on the form (field errors from a ValidationError, a message for a ConflictError)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
            return redirect(next_url(saved))
    context = {"form": with_form_controls(form), "submit_label": _("Save"), **page}
    return render(request, "core/form_page.html", context)
