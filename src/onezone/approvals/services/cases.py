"""Writes of item cases: the state machine of the transition table, clocks, notices, sweep."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onezone.approvals.access import can_handle, is_applicant_side
from onezone.approvals.choices import (
    APPLICANT_ACTIONS,
    DECIDED_STATES,
    DOCUMENT_OF_ACTION,
    PAUSED_STATES,
    PREVIOUS,
    REASON_REQUIRED,
    TRANSITIONS,
    ApplicationState,
    ItemAction,
    ItemCaseState,
)
from onezone.approvals.models import Application, CaseEvent, ItemCase
from onezone.approvals.services.applications import (
    CASE_OBJECT_TYPE,
    application_advance,
    promised_limit,
    refresh_due,
)
from onezone.core import clock, clocks
from onezone.core.audit import audit_record
from onezone.core.choices import PauseReason
from onezone.core.errors import ConflictError
from onezone.core.notifications import notify, outbox_enqueue

MAX_REASON = 2000


def _check_reason(action: str, reason: str) -> str:
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for this action."), code="required")}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": ValidationError(_("The reason is too long."), code="too_long")}
        )
    return reason


def _check_actor(actor, case: ItemCase, action: str) -> None:
    if action in APPLICANT_ACTIONS and is_applicant_side(actor, case.application):
        return
    if action not in APPLICANT_ACTIONS and can_handle(actor, case):
        return
    raise PermissionDenied(_("You may not take this action on this item."))


def _next_state(case: ItemCase, action: str) -> str:
    allowed = TRANSITIONS[case.state]
    if action not in allowed:
        raise ConflictError(
            _("“%(action)s” is not possible while the item is “%(state)s”.")
            % {
                "action": ItemAction(action).label if action in ItemAction.values else action,
                "state": ItemCaseState(case.state).label,
            }
        )
    target = allowed[action]
    return case.state_before_correction if target == PREVIOUS else target


def item_case_act(
    *, actor, item_case: ItemCase, action: str, reason: str = "", version: int | None = None
) -> ItemCase:
    """Take one action of the transition table; anything else is a ConflictError (409)."""
    with transaction.atomic():
        case = (
            ItemCase.objects.select_for_update(of=("self",))
            .select_related(
                "application__journey", "journey_item__spec__matter", "holder_unit__body", "clock"
            )
            .get(pk=item_case.pk)
        )
        Application.objects.select_for_update().filter(pk=case.application_id).first()
        _check_actor(actor, case, action)
        if (
            case.application.state not in {ApplicationState.SUBMITTED, ApplicationState.IN_PROGRESS}
            and action != ItemAction.REVOKE
        ):
            raise ConflictError(_("The application is closed."))
        if version is not None and version != case.version:
            raise ConflictError(_("This item changed after you opened it; reload and try again."))
        target = _next_state(case, action)
        reason = _check_reason(action, reason)
        before = case.state
        _move_clock(actor, case, action)
        _apply(case, action, target)
        CaseEvent.objects.create(
            item_case=case,
            action=action,
            from_state=before,
            to_state=target,
            reason=reason,
            actor=actor,
            at=clock.now(),
        )
        audit_record(
            actor=actor,
            action=f"item_case.{action}",
            obj=case,
            before={"state": before},
            after={"state": target, "reason": reason, "due_at": case.due_at},
        )
        _issue_document(case, action, reason)
        _tell_applicant(actor, case, action)
        application_advance(actor, case.application)
    return case


def _apply(case: ItemCase, action: str, target: str) -> None:
    now = clock.now()
    if action == ItemAction.REQUEST_CORRECTION:
        case.state_before_correction = case.state
    if action == ItemAction.SUPPLY_CORRECTION:
        case.state_before_correction = ""
    if action == ItemAction.ACCEPT:
        case.accepted_at = now
    if target in DECIDED_STATES and case.decided_at is None:
        case.decided_at = now
    case.state = target
    refresh_due(case)
    case.version += 1
    case.save()


def _move_clock(actor, case: ItemCase, action: str) -> None:
    """Acceptance starts the promised clock; corrections and special procedures pause; a
    decision stops it (行政许可法 Art. 32, 42, 45)."""
    running = case.clock
    if action == ItemAction.ACCEPT:
        clocks.clock_stop(actor=actor, clock=running)
        case.clock = clocks.clock_start(
            actor=actor,
            object_type=CASE_OBJECT_TYPE,
            object_id=str(case.pk),
            started_at=clock.now(),
            purpose="decision",
            **promised_limit(case.journey_item.spec.promised_limit_working_days),
        )
    elif action == ItemAction.REQUEST_CORRECTION:
        case.clock = clocks.clock_pause(actor=actor, clock=running, reason=PauseReason.CORRECTION)
    elif action == ItemAction.START_SPECIAL:
        case.clock = clocks.clock_pause(
            actor=actor, clock=running, reason=PauseReason.SPECIAL_PROCEDURE
        )
    elif action in {ItemAction.SUPPLY_CORRECTION, ItemAction.END_SPECIAL}:
        case.clock = clocks.clock_resume(actor=actor, clock=running)
    elif (
        running is not None
        and running.stopped_at is None
        and action
        in {
            ItemAction.APPROVE,
            ItemAction.APPROVE_PENDING,
            ItemAction.REJECT,
            ItemAction.NOT_ACCEPT,
            ItemAction.WITHDRAW,
        }
    ):
        if case.state in PAUSED_STATES:
            clocks.clock_resume(actor=actor, clock=running)
        # The stopped clock (a fresh instance) replaces the stale one, so due_at clears.
        case.clock = clocks.clock_stop(actor=actor, clock=running)


def _issue_document(case: ItemCase, action: str, reason: str) -> None:
    kind = DOCUMENT_OF_ACTION.get(action)
    if kind:
        from onezone.approvals.services.notices import document_issue

        document_issue(item_case=case, kind=kind, reason=reason)


def _tell_applicant(actor, case: ItemCase, action: str) -> None:
    notify(
        recipient=case.application.applicant,
        title=_("%(item)s: %(state)s")
        % {"item": case.journey_item.spec.matter.name, "state": ItemCaseState(case.state).label},
        link=reverse("approvals:application_detail", args=[case.application_id]),
        actor=actor,
    )


def close_open_cases(actor, application: Application, state: str, reason: str) -> None:
    """Withdraw every undecided case of an application (the applicant withdrew it)."""
    for case in application.item_cases.exclude(state__in=DECIDED_STATES).select_related("clock"):
        before = case.state
        if case.clock and case.clock.stopped_at is None:
            if case.state in PAUSED_STATES:
                clocks.clock_resume(actor=actor, clock=case.clock)
            case.clock = clocks.clock_stop(actor=actor, clock=case.clock)
        case.state = state
        case.decided_at = clock.now()
        refresh_due(case)
        case.version += 1
        case.save()
        CaseEvent.objects.create(
            item_case=case,
            action=ItemAction.WITHDRAW,
            from_state=before,
            to_state=state,
            reason=reason,
            actor=actor,
            at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="item_case.withdraw",
            obj=case,
            before={"state": before},
            after={"state": state, "reason": reason},
        )


# ---- the worker's sweep ------------------------------------------------------------------------

OVERDUE_NOTICE_EVERY = timedelta(days=1)


def item_cases_mark_overdue() -> int:
    """Flag open cases past their due time and tell everyone in post in the holder unit, its
    leader included, by SMS through the outbox and in their inbox (once a day per case).
    Returns how many cases were newly flagged."""
    now = clock.now()
    flagged = 0
    due = ItemCase.objects.filter(due_at__lt=now).exclude(state__in=DECIDED_STATES)
    for case_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            case = (
                ItemCase.objects.select_for_update(of=("self",))
                .select_related("holder_unit", "application", "journey_item__spec__matter")
                .get(pk=case_id)
            )
            if case.overdue_notified_at and now - case.overdue_notified_at < OVERDUE_NOTICE_EVERY:
                continue
            flagged += not case.is_overdue
            case.is_overdue = True
            case.overdue_notified_at = now
            case.save(update_fields=["is_overdue", "overdue_notified_at"])
            audit_record(
                actor=None, action="item_case.overdue", obj=case, after={"due_at": case.due_at}
            )
            _send_overdue_notices(case)
    return flagged


def _send_overdue_notices(case: ItemCase) -> None:
    from onezone.org.selectors import active_posts

    posts = active_posts().filter(unit=case.holder_unit).select_related("person__user")
    text = _("%(reference)s · %(item)s is overdue (due %(due)s).") % {
        "reference": case.application.reference,
        "item": case.journey_item.spec.matter.name,
        "due": f"{timezone.localtime(case.due_at):%Y-%m-%d %H:%M}" if case.due_at else "",
    }
    for post in posts:
        person = post.person
        if person.phone:
            outbox_enqueue(
                channel="sms",
                recipient=person.phone,
                subject=text,
                body=text,
                dedupe_key=f"overdue:{case.pk}:{clock.today()}:{person.pk}",
            )
        if person.user:
            notify(
                recipient=person.user, title=text, link=reverse("approvals:workbench"), actor=None
            )


def item_case_comment(*, actor, item_case: ItemCase, text: str) -> CaseEvent:
    """A note on the case's timeline (no state change), by a handler or the applicant."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError(_("Write the comment."), code="required")})
    if len(text) > MAX_REASON:
        raise ValidationError(
            {"text": ValidationError(_("The comment is too long."), code="too_long")}
        )
    if not (can_handle(actor, item_case) or is_applicant_side(actor, item_case.application)):
        raise PermissionDenied(_("You may not comment on this item."))
    with transaction.atomic():
        event = CaseEvent.objects.create(
            item_case=item_case,
            action="comment",
            from_state=item_case.state,
            to_state=item_case.state,
            reason=text,
            actor=actor,
            at=clock.now(),
        )
        audit_record(
            actor=actor, action="item_case.comment", obj=item_case, after={"comment": text}
        )
    return event
