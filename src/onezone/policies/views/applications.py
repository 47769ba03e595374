"""Policy applications (政策申报): the prefilled apply form, "my applications" for enterprise
users, the officers' review queue (审核) and an application's page with each step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onezone.core import clock
from onezone.core.access import require
from onezone.core.clocks import clock_status
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.policies.access import can_apply_for, can_decide_applications, enterprises_of
from onezone.policies.choices import (
    TRANSITIONS,
    ApplicationAction,
    ApplicationState,
)
from onezone.policies.engine.rules import format_value
from onezone.policies.forms import ApplicationFilterForm, ApplyForm, ReviewForm
from onezone.policies.selectors import (
    ApplicationFilters,
    application_events,
    application_get,
    application_list,
    policy_get,
)
from onezone.policies.services.applications import policy_application_act, policy_apply
from onezone.policies.services.evaluation import evaluate, field_label
from onezone.policies.views.matches import NAV_MINE, unit_label

NAV_APPLICATIONS = "policy_apps"  # the nav entry of both "my applications" and the queue
PAYOUT_STATES = (ApplicationState.APPROVED, ApplicationState.GRANTED)


def _enterprise_for(request):
    enterprises = list(enterprises_of(request.user).order_by("name", "pk"))
    wanted = request.POST.get("enterprise") or request.GET.get("enterprise", "")
    chosen = next((e for e in enterprises if str(e.pk) == wanted), None)
    return chosen or (enterprises[0] if enterprises else None)


def fact_rows(version, facts: dict) -> list[dict]:
    """The facts the application will carry, labelled and formatted as the rules show them."""
    return [
        {"field": name, "label": field_label(name), "value": format_value(name, facts.get(name))}
        for name in version.fields_read
    ]


@login_required
def policy_apply_page(request, code: str):
    enterprise = _enterprise_for(request)
    require(
        enterprise is not None and can_apply_for(request.user, enterprise),
        _("Only a confirmed user of an enterprise may apply."),
    )
    version = policy_get(code=code)
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = policy_apply(
                actor=request.user,
                version=version,
                enterprise=enterprise,
                form_data={"note": form.cleaned_data["note"], "declaration": True},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your application is submitted."))
            return redirect("policies:application_detail", pk=application.pk)
    evaluation = evaluate(version, enterprise, clock.today())
    context = {
        "nav_active": NAV_MINE,
        "version": version,
        "enterprise": enterprise,
        "facts": fact_rows(version, evaluation.facts),
        "eligible": evaluation.eligible is True,
        "amount": evaluation.amount,
        "unit_label": unit_label(version.amount_unit),
        "form": with_form_controls(form),
    }
    return render(request, "policies/apply.html", context)


def _overdue_first(applications):
    """Payouts past their due time first, then the rest, newest first."""
    overdue = When(state__in=PAYOUT_STATES, payout_due_at__lt=clock.now(), then=Value(0))
    return applications.annotate(
        overdue_rank=Case(overdue, default=Value(1), output_field=IntegerField())
    ).order_by("overdue_rank", "-submitted_at", "-id")


@login_required
def application_list_page(request):
    is_reviewer = can_decide_applications(request.user)
    applications = application_list(
        actor=request.user, filters=ApplicationFilters.from_query(request.GET)
    )
    if is_reviewer:
        applications = _overdue_first(applications)
    context = {
        "nav_active": NAV_APPLICATIONS,
        "is_reviewer": is_reviewer,
        "now": clock.now(),
        "filter_form": with_form_controls(ApplicationFilterForm(request.GET or None)),
        **paginate(request, applications),
    }
    return render_list(
        request,
        "policies/application_list.html",
        "policies/application_list_results.html",
        context,
    )


def _detail_context(request, application, review_form=None) -> dict:
    allowed = TRANSITIONS.get(application.state, {})
    is_reviewer = can_decide_applications(request.user)
    payout = clock_status(application.payout_clock) if application.payout_clock_id else None
    return {
        "nav_active": NAV_APPLICATIONS,
        "application": application,
        "events": [
            {"event": event, "label": _event_label(event.action)}
            for event in application_events(application=application)
        ],
        "unit_label": unit_label(application.amount_unit),
        "payout": payout,
        "form_rows": _form_rows(application),
        "is_reviewer": is_reviewer,
        "review_actions": [a for a in allowed if a != ApplicationAction.WITHDRAW]
        if is_reviewer
        else [],
        "can_withdraw": ApplicationAction.WITHDRAW in allowed
        and can_apply_for(request.user, application.enterprise),
        "review_form": with_form_controls(
            review_form or ReviewForm(initial={"amount": application.amount_computed})
        ),
    }


def _event_label(action: str) -> str:
    if action in ApplicationAction.values:
        return str(ApplicationAction(action).label)
    labels = {"submit": _("Submitted"), "grant": _("Granted without application")}
    return labels.get(action, action)


def _form_rows(application) -> list[dict]:
    rows = []
    for name, value in application.form_data.items():
        if name in ("note", "declaration"):
            continue
        try:
            shown = format_value(name, value)
        except KeyError:
            shown = value
        rows.append({"label": field_label(name), "value": shown})
    return rows


@login_required
def application_detail(request, pk: int):
    application = application_get(actor=request.user, pk=pk)
    return render(
        request, "policies/application_detail.html", _detail_context(request, application)
    )


@require_POST
@login_required
def application_act(request, pk: int):
    application = application_get(actor=request.user, pk=pk)
    action = request.POST.get("action", "")
    form = ReviewForm(request.POST)
    if action not in ApplicationAction.values:
        messages.error(request, _("Unknown action."))
        return redirect("policies:application_detail", pk=application.pk)
    if form.is_valid():
        try:
            policy_application_act(
                actor=request.user,
                application=application,
                action=action,
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data["amount"],
                version=_version_lock(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            messages.error(request, error_text(error))
            return redirect("policies:application_detail", pk=application.pk)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": _label(action)})
            return redirect("policies:application_detail", pk=application.pk)
    context = _detail_context(request, application, review_form=form)
    return render(request, "policies/application_detail.html", context, status=422)


def _label(action: str) -> str:
    return str(ApplicationAction(action).label)


def _version_lock(request) -> int | None:
    value = request.POST.get("version_lock", "")
    return int(value) if value.isdigit() else None


urlpatterns = [
    path("policy/<str:code>/apply/", policy_apply_page, name="policy_apply"),
    path("applications/", application_list_page, name="application_list"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/act/", application_act, name="application_act"),
]
