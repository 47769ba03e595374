"""Pages of the officer workbench: the queue by time left, one case with its actions, comments.

Traffic lights in the queue are computed from each case's denormalised `due_at` and its clock's
limit (plus extensions, prefetched), with one working-day calendar per page, so a page costs the
same number of queries whatever its rows: remaining time = working time from now to `due_at` in
the clock's unit, amber at or below the configured share of the limit, red once past due. A
paused case has no `due_at` (its deadline moves with the pause) and shows as paused, last.
The case page asks core.clocks.clock_status for the exact figures of its one clock.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onezone.approvals import selectors, services
from onezone.approvals.access import can_handle, is_applicant_side
from onezone.approvals.choices import (
    APPLICANT_ACTIONS,
    APPLICATION_OPEN_STATES,
    DECIDED_STATES,
    REASON_REQUIRED,
    TRANSITIONS,
    FieldType,
    ItemAction,
    ItemCaseState,
)
from onezone.approvals.forms import CaseActionForm, CaseCommentForm, WorkbenchFilterForm
from onezone.approvals.formspec import spec_fields
from onezone.core import clock, workcal
from onezone.core.access import is_administrator, is_staff_member, require_visible
from onezone.core.choices import TimeUnit
from onezone.core.clocks import clock_status, traffic_light
from onezone.core.errors import ConflictError
from onezone.core.forms import error_text, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.org.access import zone_ids_for
from onezone.org.models import Zone

# Actions that end or undo a case: the page asks for confirmation before sending them.
CONFIRMED_ACTIONS = frozenset({ItemAction.REJECT, ItemAction.NOT_ACCEPT, ItemAction.REVOKE})
PAUSED = "paused"

# ---- the queue ----------------------------------------------------------------------------


def _filter_zones(user):
    if is_administrator(user):
        return Zone.objects.all()
    zone_ids = zone_ids_for(user)
    return Zone.objects.filter(pk__in=zone_ids) if zone_ids else Zone.objects.all()


def _filtered_queue(actor, filters: dict, now):
    state = filters.get("state") or ""
    cases = selectors.queue(actor=actor, include_decided=state in DECIDED_STATES)
    if state:
        cases = cases.filter(state=state)
    if filters.get("zone"):
        cases = cases.filter(application__zone=filters["zone"])
    if filters.get("q"):
        text = filters["q"]
        cases = cases.filter(
            Q(journey_item__spec__matter__name__icontains=text)
            | Q(journey_item__spec__matter__code__icontains=text)
            | Q(application__reference__icontains=text)
        )
    if filters.get("overdue"):
        cases = cases.filter(Q(is_overdue=True) | Q(due_at__lt=now))
    return cases.select_related("application__applicant", "clock").prefetch_related(
        "clock__extensions"
    )


def _calendar_for(cases, now):
    years = [now.year, *(case.due_at.year for case in cases if case.due_at)]
    return workcal.get_calendar(min(years), max(years))


def _time_left(case, now, calendar) -> dict:
    """Remaining time, light and overdue flag of one queue row, without a query."""
    running = case.clock
    if case.state in DECIDED_STATES or running is None:
        return {"light": None, "remaining": None, "unit_label": "", "is_overdue": case.is_overdue}
    if case.due_at is None:
        return {"light": PAUSED, "remaining": None, "unit_label": "", "is_overdue": case.is_overdue}
    unit = running.limit_unit
    if now <= case.due_at:
        measured = workcal.counted_micros(now, case.due_at, unit, (), calendar)
    else:
        measured = -workcal.counted_micros(case.due_at, now, unit, (), calendar)
    remaining = round(measured / workcal.unit_micros(unit, calendar), workcal.ELAPSED_PLACES)
    total = running.limit_amount + sum((e.amount for e in running.extensions.all()), Decimal(0))
    is_late = now > case.due_at
    return {
        "light": traffic_light(remaining, total, is_late),
        "remaining": remaining,
        "unit_label": TimeUnit(unit).label,
        "is_overdue": case.is_overdue or is_late,
    }


@login_required
def workbench(request):
    require_visible(is_staff_member(request.user))
    filter_form = WorkbenchFilterForm(request.GET or None, zones=_filter_zones(request.user))
    filter_form.is_valid()  # a filter not offered (zone, state) is ignored; the others apply
    filters = getattr(filter_form, "cleaned_data", {})
    now = clock.now()
    cases = _filtered_queue(request.user, filters, now)
    context = {
        "nav_active": "workbench",
        "filter_form": with_form_controls(filter_form),
        "is_filtered": any(value for key, value in request.GET.items() if key != "page"),
        **paginate(request, cases),
    }
    page_cases = list(context["page_obj"])
    calendar = _calendar_for(page_cases, now)
    context["rows"] = [{"case": case, **_time_left(case, now, calendar)} for case in page_cases]
    return render_list(
        request, "approvals/workbench.html", "approvals/_workbench_results.html", context
    )


# ---- one case -----------------------------------------------------------------------------


def _answers(case) -> list[dict]:
    """The application's answers to the fields this case's item asks for."""
    try:
        fields = spec_fields(case.journey_item.spec.form_fields)
    except ValueError:
        fields = []
    data = case.application.form_data or {}
    rows = []
    for field in fields:
        value = data.get(field.name)
        if field.type == FieldType.BOOLEAN and value is not None:
            value = _("Yes") if value else _("No")
        rows.append({"label": field.label, "value": value})
    return rows


def _materials(case) -> list:
    codes = case.journey_item.spec.materials.values("code")
    return list(case.application.materials.filter(code__in=codes).order_by("code", "-id"))


def _timeline(case) -> list[dict]:
    events = case.events.select_related("actor").order_by("at", "id")
    return [
        {
            "event": event,
            "is_comment": event.action == "comment",
            "label": ItemAction(event.action).label
            if event.action in ItemAction.values
            else _("Comment"),
            "to_state": ItemCaseState(event.to_state).label
            if event.to_state in ItemCaseState.values
            else event.to_state,
        }
        for event in events
    ]


def _actions(user, case) -> list[dict]:
    """The table's actions from the current state that this user may take here."""
    if not can_handle(user, case):
        return []
    is_open = case.application.state in APPLICATION_OPEN_STATES
    return [
        {
            "value": action,
            "label": ItemAction(action).label,
            "needs_reason": action in REASON_REQUIRED,
            "needs_confirm": action in CONFIRMED_ACTIONS,
            "is_danger": action in CONFIRMED_ACTIONS,
        }
        for action in TRANSITIONS[case.state]
        if action not in APPLICANT_ACTIONS and (is_open or action == ItemAction.REVOKE)
    ]


def _clock(case) -> dict | None:
    if case.clock is None:
        return None
    status = clock_status(case.clock)
    return {
        "status": status,
        "is_stopped": case.clock.stopped_at is not None,
        "purpose": case.clock.purpose,
        "unit_label": TimeUnit(status.unit).label,
    }


@login_required
def case_detail(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    user = request.user
    may_comment = can_handle(user, case) or is_applicant_side(user, case.application)
    context = {
        "nav_active": "workbench",
        "case": case,
        "application": case.application,
        "answers": _answers(case),
        "materials": _materials(case),
        "documents": case.documents.defer("content").order_by("issued_at", "id"),
        "timeline": _timeline(case),
        "clock": _clock(case),
        "actions": _actions(user, case),
        "comment_form": with_form_controls(CaseCommentForm()) if may_comment else None,
    }
    return render(request, "approvals/case_detail.html", context)


def _back(case):
    return redirect(reverse("approvals:case_detail", args=[case.pk]))


@login_required
@require_POST
def case_act(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    if request.POST.get("action") in APPLICANT_ACTIONS:
        raise PermissionDenied(_("The applicant takes this action in the portal."))
    form = CaseActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read; reload the page and try again."))
        return _back(case)
    action = form.cleaned_data["action"]
    try:
        services.item_case_act(
            actor=request.user,
            item_case=case,
            action=action,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except (ConflictError, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": ItemAction(action).label})
    return _back(case)


@login_required
@require_POST
def case_comment(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    form = CaseCommentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(message for errors in form.errors.values() for message in errors)
        )
        return _back(case)
    try:
        services.item_case_comment(
            actor=request.user, item_case=case, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The comment is added."))
    return _back(case)


@login_required
def case_material_download(request, pk: int, material_pk: int):
    """A material of the case's application, for those who may see the application."""
    case = selectors.case_get(actor=request.user, pk=pk)
    material = get_object_or_404(case.application.materials, pk=material_pk)
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=material.original_name)
