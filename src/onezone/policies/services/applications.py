"""Policy applications (政策申报) and grants without one (免申即享), up to their payout."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from onezone.core import clock, clocks, workcal
from onezone.core.audit import audit_record
from onezone.core.choices import TimeUnit
from onezone.core.errors import ConflictError, field_error
from onezone.core.notifications import notify
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import EnterpriseMembership
from onezone.policies.access import can_apply_for, can_decide_applications
from onezone.policies.choices import (
    REASON_REQUIRED,
    TRANSITIONS,
    ApplicationAction,
    ApplicationState,
    PolicyMode,
)
from onezone.policies.models import PolicyApplication, PolicyApplicationEvent, PolicyVersion
from onezone.policies.services.evaluation import auto_grant_check, evaluate, jsonable_fact
from onezone.policies.services.links import page_link
from onezone.policies.services.policies import covering

OBJECT_TYPE = "policies.policyapplication"
# Fast applications are paid within 60 working days unless the policy says otherwise.
FAST_APPLICATION_PAYOUT_WORKING_DAYS = 60
# An application or grant that still counts: a second one for the same policy is refused.
LIVE_STATES = frozenset(
    {
        ApplicationState.SUBMITTED,
        ApplicationState.APPROVED,
        ApplicationState.GRANTED,
        ApplicationState.PAID,
    }
)
MAX_AMOUNT = Decimal("99999999999999.99")


def _reference() -> str:
    return f"ZC{clock.now():%Y%m%d}{get_random_string(6, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ')}"


def payout_limit(version: PolicyVersion) -> int | None:
    if version.payout_limit_working_days:
        return version.payout_limit_working_days
    if version.mode in (PolicyMode.FAST_APPLICATION, PolicyMode.AUTO_GRANT):
        return FAST_APPLICATION_PAYOUT_WORKING_DAYS
    return None


def _event(application, *, action, from_state, to_state, actor, note="") -> None:
    PolicyApplicationEvent.objects.create(
        application=application,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
        at=clock.now(),
    )


def _tell_enterprise(application, title: str, actor) -> None:
    """The enterprise sees each step: every confirmed user gets it in the portal inbox."""
    link = page_link("policies:application_detail", application.pk)
    users = EnterpriseMembership.objects.filter(
        enterprise_id=application.enterprise_id, status=MembershipStatus.CONFIRMED
    ).select_related("user")
    for membership in users:
        if membership.user_id != getattr(actor, "pk", None):
            notify(recipient=membership.user, title=title, link=link, actor=actor)


def _start_payout_clock(application, actor) -> None:
    limit = payout_limit(application.version)
    if limit is None:
        return
    started = clock.now()
    application.payout_clock = clocks.clock_start(
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=str(application.pk),
        started_at=started,
        amount=limit,
        unit=TimeUnit.WORKING_DAYS,
        purpose="payout",
    )
    application.payout_due_at = workcal.add(started, limit, TimeUnit.WORKING_DAYS)


def _prefill(version, facts: dict) -> dict:
    """The form prefilled from the enterprise file: every field the policy reads."""
    return {name: jsonable_fact(facts.get(name)) for name in version.fields_read}


def _refuse_second(version, enterprise) -> None:
    live = PolicyApplication.objects.filter(
        version__policy_id=version.policy_id, enterprise=enterprise, state__in=LIVE_STATES
    )
    if live.exists():
        raise ConflictError(_("This enterprise already has an application for this policy."))


def _clean_form_data(form_data) -> dict:
    if form_data is None:
        return {}
    if not isinstance(form_data, dict) or not all(
        isinstance(value, str | int | float | bool) or value is None for value in form_data.values()
    ):
        raise field_error("form_data", _("Answer each question with a plain value."), "invalid")
    return {str(key): value for key, value in form_data.items()}


def policy_apply(*, actor, version, enterprise, form_data=None) -> PolicyApplication:
    """Apply for a policy the enterprise is eligible for today, with the form prefilled."""
    if not can_apply_for(actor, enterprise):
        raise PermissionDenied(_("You do not act for this enterprise."))
    extra = _clean_form_data(form_data)
    today = clock.today()
    if not PolicyVersion.objects.filter(covering(today), pk=version.pk).exists():
        raise field_error("policy", _("This policy is not in force today."), "not_in_force")
    evaluation = evaluate(version, enterprise, today)
    if evaluation.eligible is not True:
        raise field_error(
            "policy", _("Your enterprise does not meet this policy's conditions."), "not_eligible"
        )
    granted, reason = auto_grant_check(version, enterprise)
    if granted:
        raise ConflictError(_("This policy is granted without application; nothing to apply."))
    with transaction.atomic():
        _refuse_second(version, enterprise)
        application = PolicyApplication.objects.create(
            reference=_reference(),
            version=version,
            enterprise=enterprise,
            applicant=actor,
            state=ApplicationState.SUBMITTED,
            form_data={**extra, **_prefill(version, evaluation.facts)},
            amount_computed=evaluation.amount,
            amount_unit=version.amount_unit,
            fallback_reason=reason if version.mode == PolicyMode.AUTO_GRANT else "",
            submitted_at=clock.now(),
        )
        _event(
            application,
            action="submit",
            from_state="",
            to_state=application.state,
            actor=actor,
            note=application.fallback_reason,
        )
        audit_record(
            actor=actor,
            action="policy_application.submit",
            obj=application,
            after=_audit_state(application),
        )
    return application


def _audit_state(application) -> dict:
    return {
        "policy": application.version.policy.code,
        "version": application.version.number,
        "enterprise": application.enterprise.uscc,
        "state": application.state,
        "amount_computed": application.amount_computed,
        "amount_approved": application.amount_approved,
        "fallback_reason": application.fallback_reason,
    }


def policy_grant_automatically(*, version, enterprise, actor=None, evaluation=None):
    """Grant an auto_grant policy without application (免申即享); None if not allowed, the
    existing record when the enterprise already has one."""
    granted, _reason = auto_grant_check(version, enterprise)
    if not granted:
        return None
    evaluation = evaluation or evaluate(version, enterprise, clock.today())
    if evaluation.eligible is not True:
        return None
    with transaction.atomic():
        existing = PolicyApplication.objects.filter(
            version__policy_id=version.policy_id, enterprise=enterprise, state__in=LIVE_STATES
        ).first()
        if existing is not None:
            return existing
        application = PolicyApplication.objects.create(
            reference=_reference(),
            version=version,
            enterprise=enterprise,
            state=ApplicationState.GRANTED,
            is_auto_grant=True,
            form_data=_prefill(version, evaluation.facts),
            amount_computed=evaluation.amount,
            amount_approved=evaluation.amount,
            amount_unit=version.amount_unit,
            submitted_at=clock.now(),
            decided_at=clock.now(),
        )
        _start_payout_clock(application, actor)
        application.save(update_fields=["payout_clock", "payout_due_at"])
        _event(application, action="grant", from_state="", to_state=application.state, actor=actor)
        audit_record(
            actor=actor,
            action="policy_application.grant",
            obj=application,
            after=_audit_state(application),
        )
        _tell_enterprise(
            application,
            _("Granted without application: %(title)s") % {"title": version.title},
            actor,
        )
    return application


# ---- acting on an application -------------------------------------------------------------------


def _locked(application) -> PolicyApplication:
    return (
        PolicyApplication.objects.select_for_update()
        .select_related("version__policy", "enterprise")
        .get(pk=application.pk)
    )


def _check_permission(actor, application, action) -> None:
    if action == ApplicationAction.WITHDRAW:
        allowed = can_apply_for(actor, application.enterprise)
    else:
        allowed = can_decide_applications(actor)
    if not allowed:
        raise PermissionDenied(_("You may not do this to this application."))


def _approved_amount(application, amount) -> Decimal | None:
    if amount is None or amount == "":
        return application.amount_computed
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise field_error("amount", _("Enter a number."), "not_a_number") from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise field_error("amount", _("Enter an amount of zero or more."), "invalid")
    return value.quantize(Decimal("0.01"))


def _apply_action(actor, application, action, reason, amount) -> None:
    moment = clock.now()
    if action in (ApplicationAction.APPROVE, ApplicationAction.REJECT):
        application.decided_at = moment
        application.decided_by = actor
        application.decision_reason = reason
    if action == ApplicationAction.APPROVE:
        application.amount_approved = _approved_amount(application, amount)
        _start_payout_clock(application, actor)
    if action == ApplicationAction.PAY:
        application.paid_at = moment
        if application.payout_clock_id and application.payout_clock.stopped_at is None:
            application.payout_clock = clocks.clock_stop(
                actor=actor, clock=application.payout_clock, at=moment
            )


def _message(action: str, title: str) -> str:
    messages = {
        ApplicationAction.APPROVE: _("Your application for %(title)s was approved."),
        ApplicationAction.REJECT: _("Your application for %(title)s was rejected."),
        ApplicationAction.PAY: _("The payout of %(title)s was made."),
        ApplicationAction.WITHDRAW: _("The application for %(title)s was withdrawn."),
    }
    return messages[action] % {"title": title}


def policy_application_act(
    *, actor, application, action: str, reason: str = "", amount=None, version: int | None = None
) -> PolicyApplication:
    """Approve (starts the payout clock), reject (with a reason), pay (stops it) or withdraw."""
    reason = (reason or "").strip()
    with transaction.atomic():
        application = _locked(application)
        _check_permission(actor, application, action)
        if version is not None and version != application.version_lock:
            raise ConflictError(
                _("Someone else acted on this application after you opened it; reload it.")
            )
        target = TRANSITIONS.get(application.state, {}).get(action)
        if target is None:
            raise ConflictError(_("This action is not possible in the application's state."))
        if action in REASON_REQUIRED and not reason:
            raise field_error("reason", _("Give the reason."), "required")
        before = _audit_state(application)
        _apply_action(actor, application, action, reason, amount)
        from_state, application.state = application.state, target
        application.version_lock += 1
        application.save()
        _event(
            application,
            action=action,
            from_state=from_state,
            to_state=target,
            actor=actor,
            note=reason,
        )
        audit_record(
            actor=actor,
            action=f"policy_application.{action}",
            obj=application,
            before=before,
            after={**_audit_state(application), "reason": reason},
        )
        _tell_enterprise(application, _message(action, application.version.title), actor)
    return application
