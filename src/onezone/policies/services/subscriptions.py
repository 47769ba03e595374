"""An enterprise's subscription to new policies of some classes or industries."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.audit import audit_record
from onezone.enterprises.access import can_manage_file, is_member_of
from onezone.enterprises.industry import industry_section
from onezone.policies.choices import PolicyClass
from onezone.policies.models import PolicySubscription

MAX_INDUSTRIES = 50


def _clean_classes(classes) -> list[str]:
    values = [str(value).strip() for value in (classes or []) if str(value).strip()]
    unknown = [value for value in values if value not in PolicyClass.values]
    if unknown:
        raise ValidationError(
            {
                "classes": ValidationError(
                    _("Unknown policy class: %(values)s.") % {"values": ", ".join(unknown)},
                    code="unknown",
                )
            }
        )
    return sorted(set(values))


def _clean_industries(industries) -> list[str]:
    if isinstance(industries, str):
        industries = industries.replace("，", ",").split(",")
    values = [str(value).strip().upper() for value in (industries or []) if str(value).strip()]
    unknown = [value for value in values if industry_section(value) is None]
    if unknown:
        raise ValidationError(
            {
                "industries": ValidationError(
                    _("Unknown industry code: %(values)s.") % {"values": ", ".join(unknown)},
                    code="unknown",
                )
            }
        )
    if len(set(values)) > MAX_INDUSTRIES:
        raise ValidationError(
            {"industries": ValidationError(_("Choose fewer industries."), code="too_many")}
        )
    return sorted(set(values))


def subscription_set(*, actor, enterprise, classes, industries) -> PolicySubscription:
    """Set what new policies the enterprise hears of; empty lists mean none."""
    if not (is_member_of(actor, enterprise) or can_manage_file(actor, enterprise)):
        raise PermissionDenied(_("Only the enterprise or its officers may change this."))
    errors, cleaned = {}, {}
    for name, clean, value in (
        ("classes", _clean_classes, classes),
        ("industries", _clean_industries, industries),
    ):
        try:
            cleaned[name] = clean(value)
        except ValidationError as error:
            errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    cleaned_classes, cleaned_industries = cleaned["classes"], cleaned["industries"]
    with transaction.atomic():
        subscription = (
            PolicySubscription.objects.select_for_update().filter(enterprise=enterprise).first()
        )
        before = (
            {"classes": subscription.classes, "industries": subscription.industries}
            if subscription
            else None
        )
        subscription = subscription or PolicySubscription(enterprise=enterprise)
        subscription.classes = cleaned_classes
        subscription.industries = cleaned_industries
        subscription.updated_by = actor
        subscription.updated_at = clock.now()
        subscription.save()
        audit_record(
            actor=actor,
            action="policy_subscription.set",
            obj=subscription,
            before=before,
            after={"classes": cleaned_classes, "industries": cleaned_industries},
        )
    return subscription
