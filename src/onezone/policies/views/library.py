"""Pages of the policy library (政策库): the list with filters, a policy's page, the YAML
upload for policy officers, and the packages (组合包 and 一企一策)."""

import re

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from onezone.core import workcal
from onezone.core.access import require
from onezone.core.errors import field_error
from onezone.core.forms import add_service_errors, form_page, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.policies.access import can_manage_policies, enterprises_of
from onezone.policies.choices import AmountUnit
from onezone.policies.engine.errors import PolicyFileError
from onezone.policies.engine.fields import FIELDS
from onezone.policies.engine.rules import rule_prose
from onezone.policies.engine.spec import load_policy_text, spec_from_version, spec_to_dict
from onezone.policies.forms import LibraryFilterForm, PackageForm, PolicyUploadForm
from onezone.policies.selectors import (
    PolicyFilters,
    enterprise_for_policies,
    policy_get,
    policy_library,
    policy_versions,
)
from onezone.policies.selectors import package_list as visible_packages
from onezone.policies.services.packages import package_create
from onezone.policies.services.policies import (
    is_listing_late,
    listing_delay_working_days,
    policy_load,
)

NAV = "policies"
FUNCTION_WORDS = {"min": "取较小值", "max": "取较大值", "round": "四舍五入", "brackets": "分档"}
OPERATOR_WORDS = {"*": " × ", "/": " ÷ ", "+": " + ", "-": " − "}


def _require_policy_officer(user) -> None:
    require(can_manage_policies(user), _("Only a policy officer may do this."))


def formula_words(formula: str, unit: str) -> str:
    """The amount formula with Chinese field names and operators, and its unit."""
    if not formula:
        return ""

    def word(match) -> str:
        name = match.group(0)
        if name in FIELDS:
            return FIELDS[name].label_zh
        return FUNCTION_WORDS.get(name, name)

    text = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", word, formula)
    text = re.sub(r"\s*([*/+])\s*", lambda m: OPERATOR_WORDS[m.group(1)], text)
    unit_label = AmountUnit(unit).label if unit in AmountUnit.values else unit
    return f"{text}（{unit_label}）" if unit_label else text


def delay_rows(versions) -> list[dict]:
    """Each version with its listing delay and whether it broke the 7-working-day rule (one
    working-day calendar for the whole page)."""
    versions = list(versions)
    years = [d.year for v in versions for d in (v.published_on, v.listed_on) if d]
    calendar = workcal.get_calendar(min(years), max(years)) if years else None
    return [
        {
            "version": version,
            "listing_delay": listing_delay_working_days(version, calendar),
            "is_listed_late": is_listing_late(version, calendar),
        }
        for version in versions
    ]


@login_required
def library(request):
    form = LibraryFilterForm(request.GET or None)
    context = {
        "nav_active": NAV,
        "filter_form": with_form_controls(form),
        "can_manage": can_manage_policies(request.user),
        **paginate(request, policy_library(filters=PolicyFilters.from_query(request.GET))),
    }
    context["rows"] = delay_rows(context["page_obj"])
    return render_list(request, "policies/library.html", "policies/library_results.html", context)


def raw_yaml(version, spec) -> str:
    if version.source:
        return version.source
    return yaml.safe_dump(spec_to_dict(spec), allow_unicode=True, sort_keys=False)


@login_required
def policy_detail(request, code: str):
    version = policy_get(code=code)
    spec = spec_from_version(version)
    is_officer = can_manage_policies(request.user)
    versions = policy_versions(version=version)
    context = {
        "nav_active": NAV,
        "version": version,
        "prose": rule_prose(spec.rule),
        "formula_words": formula_words(version.amount_formula, version.amount_unit),
        "version_rows": delay_rows(versions),
        "packages": visible_packages(actor=request.user).filter(policies=version.policy),
        "is_officer": is_officer,
        "raw_yaml": raw_yaml(version, spec) if is_officer else "",
        "is_enterprise_user": enterprises_of(request.user).exists(),
    }
    return render(request, "policies/policy_detail.html", context)


@login_required
def policy_upload(request):
    _require_policy_officer(request.user)
    form = PolicyUploadForm(request.POST or None, request.FILES or None)
    file_errors: list = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        text = upload.read().decode("utf-8")
        try:
            spec = load_policy_text(text, source_name=upload.name)
            version = policy_load(actor=request.user, spec=spec, source=text)
        except PolicyFileError as error:
            file_errors = list(error.errors)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Policy %(code)s is loaded as version %(number)s.")
                % {"code": version.policy.code, "number": version.number},
            )
            return redirect("policies:policy_detail", code=version.policy.code)
    context = {"nav_active": NAV, "form": with_form_controls(form), "file_errors": file_errors}
    return render(request, "policies/upload.html", context)


@login_required
def package_list(request):
    packages = (
        visible_packages(actor=request.user).prefetch_related("policies").order_by("kind", "code")
    )
    context = {
        "nav_active": NAV,
        "can_manage": can_manage_policies(request.user),
        **paginate(request, packages),
    }
    return render(request, "policies/package_list.html", context)


def _package_enterprise(user, uscc: str):
    if not uscc:
        return None
    try:
        return enterprise_for_policies(actor=user, uscc=uscc)
    except Http404:
        raise field_error(
            "enterprise_uscc", _("No enterprise you can see has this code."), "unknown"
        ) from None


@login_required
def package_new(request):
    _require_policy_officer(request.user)
    form = PackageForm(request.POST or None, initial={"agreed_by": request.user.pk})

    def save(data):
        enterprise = _package_enterprise(request.user, data["enterprise_uscc"])
        return package_create(
            actor=request.user,
            code=data["code"],
            title=data["title"],
            kind=data["kind"],
            description=data["description"],
            policy_codes=[policy.code for policy in data["policies"]],
            enterprise=enterprise,
            negotiated_terms=data["negotiated_terms"],
            agreed_by=(data["agreed_by"] or request.user) if enterprise else None,
            agreed_on=data["agreed_on"],
        )

    return form_page(
        request,
        form,
        save,
        done=_("The package is saved."),
        next_url=lambda package: "policies:package_list",
        title=_("New policy package"),
        nav_active=NAV,
    )


urlpatterns = [
    path("", library, name="library"),
    path("upload/", policy_upload, name="policy_upload"),
    path("packages/", package_list, name="package_list"),
    path("packages/new/", package_new, name="package_new"),
    path("policy/<str:code>/", policy_detail, name="policy_detail"),
]
