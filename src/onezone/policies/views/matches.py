"""Matches: "my policies" (我的政策) for enterprise users with explanations and gaps, the
subscription settings, and the officers' match views per enterprise and per policy."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from onezone.core import clock
from onezone.core.access import require, require_visible
from onezone.core.forms import add_service_errors, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.enterprises.excel import XLSX
from onezone.enterprises.selectors import enterprise_get
from onezone.policies.access import can_manage_policies, can_read_matches, enterprises_of
from onezone.policies.choices import AmountUnit, PolicyClass, PolicyMode
from onezone.policies.engine.facts import provenance_for
from onezone.policies.forms import MatchFilterForm, SubscriptionForm
from onezone.policies.models import PolicyApplication, PolicySubscription
from onezone.policies.selectors import matches_for_version, policy_get
from onezone.policies.services.applications import LIVE_STATES
from onezone.policies.services.evaluation import auto_grant_check
from onezone.policies.services.matching import match_enterprise, rematch
from onezone.policies.services.policies import policy_versions_at
from onezone.policies.services.subscriptions import subscription_set

NAV_MINE = "my_policies"
NAV = "policies"


def unit_label(unit: str) -> str:
    return AmountUnit(unit).label if unit in AmountUnit.values else unit


def _latest_applications(enterprise) -> dict[str, PolicyApplication]:
    """The enterprise's newest application per policy code."""
    latest: dict[str, PolicyApplication] = {}
    applications = PolicyApplication.objects.filter(enterprise=enterprise).select_related(
        "version__policy"
    )
    for application in applications.order_by("submitted_at", "id"):
        latest[application.version.policy.code] = application
    return latest


def _card(entry: dict, version, application, enterprise, provenance: dict) -> dict:
    """One policy on the page: the match entry, its version and what the enterprise can do."""
    is_auto = version.mode == PolicyMode.AUTO_GRANT
    auto_ok, fallback_reason = (False, "")
    if is_auto and entry["eligible"]:
        auto_ok, fallback_reason = auto_grant_check(version, enterprise, provenance)
    is_live = application is not None and application.state in LIVE_STATES
    return {
        **entry,
        "version_obj": version,
        "unit_label": unit_label(entry["unit"]),
        "application": application if is_live else None,
        "is_auto_grant": is_auto and auto_ok,
        "fallback_reason": fallback_reason if is_auto and not auto_ok else "",
        "can_apply": entry["eligible"] and not (is_auto and auto_ok) and not is_live,
    }


def policy_cards(enterprise) -> dict:
    """The enterprise's eligible and nearly eligible policies today, each explained."""
    today = clock.today()
    versions = {(v.policy.code, v.number): v for v in policy_versions_at(today)}
    applications = _latest_applications(enterprise)
    provenance = provenance_for(enterprise)
    eligible, nearly = [], []
    for entry in match_enterprise(enterprise, today):
        version = versions.get((entry["code"], entry["version"]))
        if version is None:
            continue
        card = _card(entry, version, applications.get(entry["code"]), enterprise, provenance)
        if entry["eligible"]:
            eligible.append(card)
        elif entry["gaps"]:
            nearly.append(card)
    eligible.sort(key=lambda card: -(card["amount"] or 0))
    return {"eligible": eligible, "nearly": nearly, "today": today}


def _chosen_enterprise(request):
    """The enterprise the user acts for (the first, or the one picked by `?enterprise=`)."""
    enterprises = list(enterprises_of(request.user).order_by("name", "pk"))
    if not enterprises:
        return None, []
    wanted = request.GET.get("enterprise", "")
    chosen = next((e for e in enterprises if str(e.pk) == wanted), enterprises[0])
    return chosen, enterprises


@login_required
def my_policies(request):
    enterprise, enterprises = _chosen_enterprise(request)
    context = {"nav_active": NAV_MINE, "enterprise": enterprise, "enterprises": enterprises}
    if enterprise is not None:
        context.update(policy_cards(enterprise))
        subscription = PolicySubscription.objects.filter(enterprise=enterprise).first()
        context["subscription"] = subscription
        context["subscription_classes"] = [
            PolicyClass(value).label
            for value in (subscription.classes if subscription else [])
            if value in PolicyClass.values
        ]
        context["can_apply"] = True
    return render(request, "policies/my_policies.html", context)


def _subscription_initial(enterprise) -> dict:
    subscription = PolicySubscription.objects.filter(enterprise=enterprise).first()
    if subscription is None:
        return {}
    return {"classes": subscription.classes, "industries": " ".join(subscription.industries)}


@login_required
def subscription_edit(request):
    enterprise, _enterprises = _chosen_enterprise(request)
    require_visible(enterprise is not None)
    form = SubscriptionForm(request.POST or None, initial=_subscription_initial(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            subscription_set(
                actor=request.user,
                enterprise=enterprise,
                classes=form.cleaned_data["classes"],
                industries=form.cleaned_data["industries"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your subscription is saved."))
            return redirect("policies:my_policies")
    context = {"nav_active": NAV_MINE, "enterprise": enterprise, "form": form}
    return render(request, "policies/subscription.html", context)


@login_required
def enterprise_matches(request, pk: int):
    """The same explanation as "my policies", for officers and the enterprise's liaison."""
    enterprise = enterprise_get(actor=request.user, pk=pk)
    require_visible(can_read_matches(request.user, enterprise))
    context = {"nav_active": NAV, "enterprise": enterprise, "can_apply": False}
    context.update(policy_cards(enterprise))
    return render(request, "policies/enterprise_matches.html", context)


@login_required
def policy_matches(request, code: str):
    version = policy_get(code=code)
    form = MatchFilterForm(request.GET or None)
    matches = _matches_of(request, version)
    context = {
        "nav_active": NAV,
        "version": version,
        "unit_label": unit_label(version.amount_unit),
        "filter_form": with_form_controls(form),
        "can_rematch": can_manage_policies(request.user),
        "list_target": "match-results",
        **paginate(request, matches),
    }
    return render_list(
        request, "policies/policy_matches.html", "policies/policy_matches_results.html", context
    )


def _matches_of(request, version):
    status, zone = request.GET.get("status", ""), request.GET.get("zone", "")
    matches = matches_for_version(actor=request.user, version=version, status=status)
    return matches.filter(enterprise__zone__code=zone) if zone else matches


def _export_header() -> list[str]:
    return [
        _("Enterprise"),
        _("Unified social credit code"),
        _("Zone"),
        _("Status"),
        _("Amount"),
        _("Unit"),
        _("Still missing"),
        _("Matched on"),
    ]


def _export_row(match, unit: str) -> list:
    return [
        match.enterprise.name,
        match.enterprise.uscc,
        match.enterprise.zone.name,
        str(match.get_status_display()),
        float(match.amount) if match.amount is not None else None,
        unit if match.amount is not None else "",
        (match.gap or {}).get("message", ""),
        match.matched_on,
    ]


@login_required
def policy_matches_export(request, code: str):
    """The filtered matches of a policy as an Excel workbook (officials live in Excel)."""
    version = policy_get(code=code)
    matches = _matches_of(request, version)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Matches"))
    sheet.append(_export_header())
    unit = str(unit_label(version.amount_unit))
    for match in matches.iterator(chunk_size=2000):
        sheet.append(_export_row(match, unit))
    # FileResponse closes the file once it has been sent.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"policy-matches-{version.policy.code}-{clock.today()}.xlsx",
        content_type=XLSX,
    )


@require_POST
@login_required
def policy_rematch(request, code: str):
    require(can_manage_policies(request.user), _("Only a policy officer may re-match."))
    version = policy_get(code=code)
    stats = rematch(version_ids=[version.pk], actor=request.user)
    messages.success(
        request,
        _(
            "Re-matched: %(created)s new, %(updated)s changed, %(deleted)s removed, "
            "%(newly)s newly eligible."
        )
        % {
            "created": stats.created,
            "updated": stats.updated,
            "deleted": stats.deleted,
            "newly": stats.newly_eligible,
        },
    )
    return redirect("policies:policy_matches", code=version.policy.code)


urlpatterns = [
    path("mine/", my_policies, name="my_policies"),
    path("mine/subscription/", subscription_edit, name="subscription_edit"),
    path("enterprise/<int:pk>/", enterprise_matches, name="enterprise_matches"),
    path("policy/<str:code>/matches/", policy_matches, name="policy_matches"),
    path("policy/<str:code>/matches.xlsx", policy_matches_export, name="policy_matches_export"),
    path("policy/<str:code>/rematch/", policy_rematch, name="policy_rematch"),
]
