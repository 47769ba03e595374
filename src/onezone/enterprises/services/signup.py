"""Writes of the enterprise app: sign-up of enterprise users and founders, binding decisions."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import require
from onezone.core.audit import audit_record, snapshot
from onezone.core.choices import Role
from onezone.core.errors import ConflictError, field_error
from onezone.core.notifications import notify, todo_create
from onezone.enterprises.access import can_decide_membership
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import Enterprise, EnterpriseMembership
from onezone.enterprises.uscc import uscc_clean
from onezone.org.access import zone_officers_of
from onezone.org.models import Zone
from onezone.org.services import account_errors, role_grant_at_signup

ENTERPRISE_FIELDS = ("uscc", "name", "zone", "uscc_override_reason")
MEMBERSHIP_FIELDS = ("status", "enterprise", "decided_by", "decided_at", "decision_note")
# Officers get a working-day clock once the clock issue lands; until then one natural day.
BINDING_DECISION_DUE = timedelta(days=1)


def _create_account(*, username: str, password: str, full_name: str, phone: str):
    user = get_user_model()(username=username.strip(), full_name=full_name.strip(), phone=phone)
    errors = account_errors(user, password, mobile_required=True)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user


def enterprise_signup(
    *,
    username: str,
    password: str,
    full_name: str,
    phone: str,
    uscc: str,
    enterprise_name: str,
    zone: Zone | None,
) -> EnterpriseMembership:
    """Register a person for an enterprise; the zone's officers are asked to confirm."""
    errors = {}
    try:
        code = uscc_clean(uscc)
    except ValidationError as error:
        errors.update(error.error_dict)
        code = ""
    if not enterprise_name.strip():
        errors["enterprise_name"] = [
            ValidationError(_("Enter the enterprise's name."), code="required")
        ]
    if zone is None:
        errors["zone"] = [
            ValidationError(_("Choose the zone the enterprise is in."), code="required")
        ]
    with transaction.atomic():
        try:
            user = _create_account(
                username=username, password=password, full_name=full_name, phone=phone
            )
        except ValidationError as error:
            errors.update(error.error_dict)
        if errors:
            raise ValidationError(errors)
        role_grant_at_signup(user=user, role=Role.ENTERPRISE)
        membership = EnterpriseMembership.objects.create(
            user=user,
            uscc=code,
            enterprise_name=enterprise_name.strip(),
            zone=zone,
            requested_at=clock.now(),
        )
        audit_record(
            actor=user,
            action="enterprise.signup",
            obj=membership,
            after={
                "username": user.username,
                "phone": phone,
                "uscc": code,
                "enterprise_name": membership.enterprise_name,
                "zone": zone.code,
            },
        )
        _ask_zone_officers(membership)
    return membership


def _ask_zone_officers(membership: EnterpriseMembership) -> None:
    # Everyone who may decide the binding, however their zone-officer role is scoped.
    officers = zone_officers_of(membership.zone)
    link = reverse("enterprises:membership_list")
    title = _("Confirm that %(user)s acts for %(name)s") % {
        "user": membership.user.full_name,
        "name": membership.enterprise_name,
    }
    for officer in officers:
        todo_create(
            assignee=officer,
            title=title,
            link=link,
            due_at=clock.now() + BINDING_DECISION_DUE,
            source=membership,
        )


def founder_signup(*, username: str, password: str, full_name: str, phone: str):
    """A founder starts a business, so has no USCC yet."""
    with transaction.atomic():
        user = _create_account(
            username=username, password=password, full_name=full_name, phone=phone
        )
        role_grant_at_signup(user=user, role=Role.FOUNDER)
        audit_record(
            actor=user,
            action="founder.signup",
            obj=user,
            after={"username": user.username, "phone": phone},
        )
    return user


def _lock_pending(membership: EnterpriseMembership, actor) -> EnterpriseMembership:
    membership = EnterpriseMembership.objects.select_for_update().get(pk=membership.pk)
    require(
        can_decide_membership(actor, membership.zone_id),
        _("Only an officer of the enterprise's zone may decide this binding."),
    )
    if membership.status != MembershipStatus.PENDING:
        raise ConflictError(_("This binding has already been decided."))
    return membership


def _close_todos(membership: EnterpriseMembership) -> None:
    from onezone.core.models import Todo

    Todo.objects.filter(
        source_type="enterprises.enterprisemembership",
        source_id=str(membership.pk),
        done_at__isnull=True,
    ).update(done_at=clock.now())


def enterprise_get_or_create(*, actor, uscc: str, name: str, zone: Zone) -> Enterprise:
    enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if enterprise:
        return enterprise
    enterprise = Enterprise.objects.create(uscc=uscc, name=name, zone=zone, created_at=clock.now())
    audit_record(
        actor=actor,
        action="enterprise.create",
        obj=enterprise,
        after=snapshot(enterprise, ENTERPRISE_FIELDS),
    )
    return enterprise


def membership_confirm(*, actor, membership: EnterpriseMembership) -> EnterpriseMembership:
    with transaction.atomic():
        membership = _lock_pending(membership, actor)
        enterprise = enterprise_get_or_create(
            actor=actor,
            uscc=membership.uscc,
            name=membership.enterprise_name,
            zone=membership.zone,
        )
        if enterprise.zone_id != membership.zone_id:
            raise field_error(
                "zone",
                _("This enterprise is registered in %(zone)s.") % {"zone": enterprise.zone.name},
                "other_zone",
            )
        membership.enterprise = enterprise
        _decide(membership, actor, MembershipStatus.CONFIRMED, "")
        notify(
            recipient=membership.user,
            title=_("Your account now acts for %(name)s") % {"name": enterprise.name},
            link=reverse("home"),
            actor=actor,
        )
    return membership


def membership_reject(
    *, actor, membership: EnterpriseMembership, note: str
) -> EnterpriseMembership:
    if not note.strip():
        raise field_error("decision_note", _("Give the reason for rejecting."), "required")
    with transaction.atomic():
        membership = _lock_pending(membership, actor)
        _decide(membership, actor, MembershipStatus.REJECTED, note.strip())
        notify(
            recipient=membership.user,
            title=_("Your enterprise binding was not confirmed"),
            body=membership.decision_note,
            link=reverse("home"),
            actor=actor,
        )
    return membership


def _decide(membership: EnterpriseMembership, actor, status: str, note: str) -> None:
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.status = status
    membership.decided_by = actor
    membership.decided_at = clock.now()
    membership.decision_note = note
    membership.save()
    _close_todos(membership)
    audit_record(
        actor=actor,
        action=f"membership.{status}",
        obj=membership,
        before=before,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
