"""Pages of demands: the list (诉求列表 / 我的诉求), one demand with the actions its state and the
user allow, the online submission (提交诉求), marking invalid or duplicate, attachments.

The list's traffic lights come from each demand's denormalised `due_at` and its running clock
(extensions prefetched), with one working-day calendar per page, so a page costs the same
number of queries whatever its rows. The detail page asks core.clocks for its one clock.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from onezone.core import clock, workcal
from onezone.core.access import is_staff_member, role_names
from onezone.core.choices import Role, TimeUnit
from onezone.core.clocks import clock_status, traffic_light
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.demands import access
from onezone.demands.choices import (
    OPEN_STATES,
    REASON_REQUIRED,
    TRANSITIONS,
    Channel,
    DemandAction,
    DemandState,
)
from onezone.demands.forms import (
    ACTION_FIELDS,
    AttachmentForm,
    DemandActionForm,
    DemandFilterForm,
    DemandSubmitForm,
    MarkDuplicateForm,
    MarkInvalidForm,
)
from onezone.demands.models import Demand
from onezone.demands.selectors import demands as selectors
from onezone.demands.selectors.phones import PhoneReader
from onezone.demands.services import demands as services
from onezone.enterprises.access import is_member_of
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import Enterprise

A = DemandAction
# Actions that end a demand or cannot be taken back: the page asks for confirmation.
CONFIRMED_ACTIONS = frozenset({A.CLOSE, A.ANSWER_DIRECTLY, A.APPROVE_RETURN, A.REOPEN})
PRIMARY_ACTIONS = frozenset({A.DISPATCH, A.SIGN, A.REPLY, A.REVIEW, A.CALLBACK, A.CLOSE})

# ---- the list ------------------------------------------------------------------------------


def _is_public_side(user) -> bool:
    return not is_staff_member(user)


def _time_left(demand, now, calendar) -> dict:
    """Remaining time, light and overdue flag of one row, without a query."""
    running = demand.clock
    if demand.state not in OPEN_STATES or running is None or demand.due_at is None:
        return {"light": None, "remaining": None, "unit_label": "", "is_overdue": False}
    unit = running.limit_unit
    if now <= demand.due_at:
        measured = workcal.counted_micros(now, demand.due_at, unit, (), calendar)
    else:
        measured = -workcal.counted_micros(demand.due_at, now, unit, (), calendar)
    remaining = round(measured / workcal.unit_micros(unit, calendar), workcal.ELAPSED_PLACES)
    total = running.limit_amount + sum((e.amount for e in running.extensions.all()), Decimal(0))
    is_late = now > demand.due_at
    return {
        "light": traffic_light(remaining, total, is_late),
        "remaining": remaining,
        "unit_label": TimeUnit(unit).label,
        "is_overdue": is_late,
    }


def _rows(demands: list, now) -> list[dict]:
    years = [now.year, *(demand.due_at.year for demand in demands if demand.due_at)]
    calendar = workcal.get_calendar(min(years), max(years))
    return [{"demand": demand, **_time_left(demand, now, calendar)} for demand in demands]


@login_required
def demand_list(request):
    user = request.user
    is_public_side = _is_public_side(user)
    filter_form = DemandFilterForm(request.GET or None, is_staff=not is_public_side)
    filter_form.is_valid()  # an invalid filter is ignored; the others apply
    demands = selectors.demand_list(actor=user, filters=filter_form.filters())
    demands = demands.select_related(
        "enterprise", "zone", "category", "lead_unit__body", "clock"
    ).prefetch_related("clock__extensions")
    context = {
        "nav_active": "demands",
        "filter_form": with_form_controls(filter_form),
        "is_public_side": is_public_side,
        "may_submit": _member_enterprises(user).exists(),
        "may_record": access.can_record(user),
        "is_filtered": any(value for key, value in request.GET.items() if key != "page"),
        **paginate(request, demands),
    }
    context["rows"] = _rows(list(context["page_obj"]), clock.now())
    return render_list(request, "demands/demand_list.html", "demands/_demand_results.html", context)


# ---- one demand ----------------------------------------------------------------------------


def _may_take(user, demand, action: str) -> bool:
    return access.can_act(user, demand, action)


def _last_callback(demand):
    callbacks = list(demand.callbacks.all())
    return callbacks[-1] if callbacks else None


def _action_form(demand, action: str, failed_form) -> DemandActionForm:
    """The action's own form (ids prefixed by the action, so forms on one page never share an
    id); the posted one, with its errors, when this action just failed."""
    if failed_form is not None and failed_form.data.get("action") == action:
        return failed_form
    initial = {"lead_unit": demand.suggested_unit_id, "valid": True}
    return DemandActionForm(initial=initial, auto_id=f"id_{action}_%s")


def _actions(user, demand, failed_form=None) -> list[dict]:
    """The table's actions from the current state that this user may take on this demand."""
    if demand.is_invalid:
        return []
    last = _last_callback(demand)
    actions = []
    for action in TRANSITIONS.get(demand.state, {}):
        if not _may_take(user, demand, action):
            continue
        if action == A.REOPEN and not (last and last.unit_at_fault):
            continue  # the table allows reopening only when the callback found the unit at fault
        form = with_form_controls(_action_form(demand, action, failed_form))
        actions.append(
            {
                "value": action,
                "label": DemandAction(action).label,
                "form": form,
                "fields": [form[name] for name in ACTION_FIELDS.get(action, ())],
                "needs_reason": action in REASON_REQUIRED,
                "needs_confirm": action in CONFIRMED_ACTIONS,
                "is_primary": action in PRIMARY_ACTIONS,
            }
        )
    return actions


def _clock(demand) -> dict | None:
    if demand.clock is None or demand.state not in OPEN_STATES:
        return None
    status = clock_status(demand.clock)
    return {"status": status, "unit_label": TimeUnit(status.unit).label}


# Timeline lines that are not actions of the transition table.
EVENT_LABELS = {
    "accept": _lazy("Accepted"),
    "mark_invalid": _lazy("Marked invalid"),
    "mark_duplicate": _lazy("Marked as a duplicate"),
    "attach": _lazy("File attached"),
    "escalate": _lazy("Escalated to supervision"),
}


def _event_label(action: str) -> str:
    if action in DemandAction.values:
        return DemandAction(action).label
    return EVENT_LABELS.get(action, action)


def _timeline(demand) -> list[dict]:
    return [
        {
            "event": event,
            "label": _event_label(event.action),
            "to_state": DemandState(event.to_state).label
            if event.to_state in DemandState.values and event.to_state != event.from_state
            else "",
        }
        for event in selectors.demand_timeline(demand)
    ]


def _flags(demand) -> dict:
    return {
        "is_supervised": demand.is_supervised,
        "urge_count": demand.urge_count,
        "is_legacy": demand.is_legacy,
        "is_invalid": demand.is_invalid,
        "duplicate_of": demand.duplicate_of,
    }


def _may_attach(user, demand, may_coordinate: bool) -> bool:
    """Who sees the upload form; the service decides again when the file arrives."""
    if may_coordinate or demand.created_by_id == user.pk or access.can_handle(user, demand):
        return True
    return demand.enterprise_id is not None and is_member_of(user, demand.enterprise)


def _detail_context(request, demand, *, failed_form=None) -> dict:
    user = request.user
    may_coordinate = access.can_coordinate(user, demand)
    is_open = demand.state in OPEN_STATES
    return {
        "nav_active": "demands",
        "demand": demand,
        "caller_phone": PhoneReader(user).phone(demand),
        "flags": _flags(demand),
        "clock": _clock(demand),
        "timeline": _timeline(demand),
        "callbacks": demand.callbacks.select_related("actor"),
        "attachments": demand.attachments.all(),
        "co_units": demand.co_units.select_related("body"),
        "actions": _actions(user, demand, failed_form),
        "may_mark_invalid": may_coordinate and not demand.is_invalid,
        "may_mark_duplicate": may_coordinate and is_open and not demand.duplicate_of_id,
        "invalid_form": with_form_controls(MarkInvalidForm()),
        "duplicate_form": with_form_controls(MarkDuplicateForm()),
        "may_attach": is_open and _may_attach(user, demand, may_coordinate),
        "attachment_form": with_form_controls(AttachmentForm()),
    }


def _get(request, pk: int) -> Demand:
    return selectors.demand_get(actor=request.user, pk=pk)


@login_required
def demand_detail(request, pk: int):
    demand = _get(request, pk)
    return render(request, "demands/demand_detail.html", _detail_context(request, demand))


def _back(demand):
    return redirect(reverse("demands:demand_detail", args=[demand.pk]))


@login_required
@require_POST
def demand_act(request, pk: int):
    """Every action posts here; a refused or stale one says why, a bad field shows on the form."""
    demand = _get(request, pk)
    posted = request.POST.get("action", "")
    id_prefix = posted if posted in DemandAction.values else "action"
    form = DemandActionForm(request.POST, auto_id=f"id_{id_prefix}_%s")
    if "action" in form.errors or "version" in form.errors:
        messages.error(request, _("The action could not be read; reload the page and try again."))
        return _back(demand)
    if not form.is_valid():
        context = _detail_context(request, demand, failed_form=form)
        return render(request, "demands/demand_detail.html", context, status=422)
    action = form.cleaned_data["action"]
    if not _may_take(request.user, demand, action):
        raise PermissionDenied(_("You may not take this action on this demand."))
    try:
        services.demand_act(
            actor=request.user,
            demand=demand,
            action=action,
            data=form.data_for_service(),
            version=form.cleaned_data.get("version"),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        demand = _get(request, pk)
        context = _detail_context(request, demand, failed_form=form)
        return render(request, "demands/demand_detail.html", context, status=422)
    except ConflictError as error:
        messages.error(request, error_text(error))
        return _back(demand)
    messages.success(request, _("Done: %(action)s.") % {"action": DemandAction(action).label})
    return _back(demand)


def _require_flagging(request, demand) -> None:
    if not access.can_coordinate(request.user, demand):
        raise PermissionDenied(_("Only the demand's coordinators may mark it."))


@login_required
@require_POST
def demand_mark_invalid(request, pk: int):
    demand = _get(request, pk)
    _require_flagging(request, demand)
    form = MarkInvalidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the demand is invalid."))
        return _back(demand)
    try:
        services.demand_mark_invalid(
            actor=request.user, demand=demand, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The demand is marked invalid."))
    return _back(demand)


def _original(request, reference: str) -> Demand | None:
    visible = selectors.demand_list(actor=request.user, filters={})
    return visible.filter(reference__iexact=reference.strip()).first()


@login_required
@require_POST
def demand_mark_duplicate(request, pk: int):
    demand = _get(request, pk)
    _require_flagging(request, demand)
    form = MarkDuplicateForm(request.POST)
    original = _original(request, form.data.get("original", "")) if form.is_valid() else None
    if original is None:
        messages.error(request, _("No demand you can see has this reference."))
        return _back(demand)
    try:
        services.demand_mark_duplicate(actor=request.user, demand=demand, original=original)
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("The demand is marked as a duplicate of %(reference)s.")
            % {"reference": original.reference},
        )
    return _back(demand)


@login_required
@require_POST
def demand_attachment_add(request, pk: int):
    """Files for an open demand; the service refuses those who may not add them (403)."""
    demand = _get(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("attachments", [])))
        return _back(demand)
    try:
        with transaction.atomic():
            for upload in form.cleaned_data["attachments"]:
                services.demand_attach(actor=request.user, demand=demand, upload=upload)
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The files are attached."))
    return _back(demand)


@login_required
def demand_attachment_download(request, pk: int, attachment_pk: int):
    demand = _get(request, pk)
    attachment = get_object_or_404(demand.attachments, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


# ---- the online submission (提交诉求) --------------------------------------------------------


def _member_enterprises(user):
    if Role.ENTERPRISE not in role_names(user):
        return Enterprise.objects.none()
    return Enterprise.objects.filter(
        memberships__user=user, memberships__status=MembershipStatus.CONFIRMED
    ).distinct()


def _submit(user, data: dict) -> Demand:
    """Record the demand and its files together: a refused file leaves no demand behind."""
    with transaction.atomic():
        demand = services.demand_create(
            actor=user,
            channel=Channel.ONLINE,
            category=data["category"],
            title=data["title"],
            description=data["description"],
            priority=data["priority"],
            enterprise=data["enterprise"],
            is_public=data["is_public"],
        )
        for upload in data["attachments"]:
            services.demand_attach(actor=user, demand=demand, upload=upload)
    return demand


@login_required
def demand_submit(request):
    enterprises = _member_enterprises(request.user)
    if not enterprises.exists():
        raise PermissionDenied(_("Only users of a confirmed enterprise submit demands here."))
    data = request.POST if request.method == "POST" else None
    form = DemandSubmitForm(data, request.FILES or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        try:
            demand = _submit(request.user, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Your demand %(reference)s is received.") % {"reference": demand.reference},
            )
            return _back(demand)
    context = {"nav_active": "demands", "form": with_form_controls(form)}
    status = 422 if request.method == "POST" else 200
    return render(request, "demands/demand_submit.html", context, status=status)


urlpatterns = [
    path("", demand_list, name="demand_list"),
    path("new/", demand_submit, name="demand_submit"),
    path("<int:pk>/", demand_detail, name="demand_detail"),
    path("<int:pk>/act/", demand_act, name="demand_act"),
    path("<int:pk>/invalid/", demand_mark_invalid, name="demand_mark_invalid"),
    path("<int:pk>/duplicate/", demand_mark_duplicate, name="demand_mark_duplicate"),
    path("<int:pk>/attachments/", demand_attachment_add, name="demand_attachment_add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        demand_attachment_download,
        name="demand_attachment_download",
    ),
]
