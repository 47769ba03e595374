"""Forms of the core app; password reset mails go through the notification outbox."""

from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from onezone.core.choices import OutboxChannel
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
