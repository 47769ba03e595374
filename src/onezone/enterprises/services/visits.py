"""Writes of visits (走访): recording a visit and linking its issues to demands."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import require
from onezone.core.audit import audit_record
from onezone.core.errors import ConflictError
from onezone.enterprises.access import can_manage_file
from onezone.enterprises.choices import VisitMode
from onezone.enterprises.models import Enterprise, Visit, VisitIssue
from onezone.org.models import Person

MAX_ISSUE_LENGTH = 500


def _visit_errors(visited_on, mode, next_visit_on, issues, visitor) -> dict:
    errors = {}
    if not isinstance(visited_on, date):
        errors["visited_on"] = [ValidationError(_("Enter the visit date."), code="required")]
    elif visited_on > clock.today():
        errors["visited_on"] = [
            ValidationError(_("A visit cannot be in the future."), code="future")
        ]
    if mode not in VisitMode.values:
        errors["mode"] = [ValidationError(_("Choose how the visit took place."), code="unknown")]
    if next_visit_on and isinstance(visited_on, date) and next_visit_on <= visited_on:
        errors["next_visit_on"] = [
            ValidationError(_("The next visit must come after this one."), code="before_visit")
        ]
    long_issues = [n for n, text in enumerate(issues, start=1) if len(text) > MAX_ISSUE_LENGTH]
    if long_issues:
        errors["issues"] = [
            ValidationError(
                _("Issue %(n)d is longer than %(limit)d characters.")
                % {"n": long_issues[0], "limit": MAX_ISSUE_LENGTH},
                code="too_long",
            )
        ]
    if visitor is None:
        errors["visitor"] = [
            ValidationError(_("Your account is not linked to a person in post."), code="no_person")
        ]
    return errors


def visit_record(
    *,
    actor,
    enterprise: Enterprise,
    visited_on: date,
    mode: str,
    visitor: Person | None = None,
    participants: str = "",
    notes: str = "",
    issues: list[str] = (),
    next_visit_on: date | None = None,
) -> Visit:
    """Record a visit; each issue raised is handed to the configured issue handlers."""
    require(
        can_manage_file(actor, enterprise),
        _("Only those who serve this enterprise may record visits to it."),
    )
    visitor = visitor or getattr(actor, "person", None)
    issue_texts = [text.strip() for text in issues if text and text.strip()]
    errors = _visit_errors(visited_on, mode, next_visit_on, issue_texts, visitor)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit = Visit.objects.create(
            enterprise=enterprise,
            visited_on=visited_on,
            mode=mode,
            visitor=visitor,
            participants=participants.strip()[:300],
            notes=notes.strip(),
            next_visit_on=next_visit_on,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        created = VisitIssue.objects.bulk_create(
            VisitIssue(visit=visit, text=text) for text in issue_texts
        )
        audit_record(
            actor=actor,
            action="visit.record",
            obj=visit,
            after={
                "enterprise": enterprise.uscc,
                "visited_on": visited_on,
                "mode": mode,
                "visitor": visitor.name,
                "issues": issue_texts,
                "next_visit_on": next_visit_on,
            },
        )
        for issue in VisitIssue.objects.filter(pk__in=[i.pk for i in created]):
            for handler in visit_issue_handlers():
                handler(actor=actor, issue=issue)
    return visit


def visit_issue_handlers():
    """Callables `(actor, issue)` from settings.ONEZONE_VISIT_ISSUE_HANDLERS.

    The demands app registers one that opens a demand and calls `visit_issue_link_demand`;
    this app never imports demands.
    """
    return [import_string(path) for path in getattr(settings, "ONEZONE_VISIT_ISSUE_HANDLERS", [])]


def visit_issue_link_demand(*, actor, issue: VisitIssue, demand_reference: str) -> VisitIssue:
    """Record that an issue raised in a visit became a demand (called by the demands app)."""
    with transaction.atomic():
        issue = VisitIssue.objects.select_for_update().get(pk=issue.pk)
        if issue.demand_reference:
            raise ConflictError(_("This issue is already linked to a demand."))
        issue.demand_reference = str(demand_reference)[:40]
        issue.linked_at = clock.now()
        issue.save(update_fields=["demand_reference", "linked_at"])
        audit_record(
            actor=actor,
            action="visit_issue.link_demand",
            obj=issue,
            after={"visit": issue.visit_id, "demand": issue.demand_reference},
        )
    return issue
