"""Pages of the enterprise file (一企一档): list, create, detail, edit, history, my enterprise."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from onezone.core.access import is_administrator, is_staff_member, require, require_visible
from onezone.core.audit import audit_history
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, with_form_controls
from onezone.core.masking import mask_phone
from onezone.core.paging import paginate, render_list
from onezone.enterprises import selectors, services
from onezone.enterprises.access import (
    can_manage_file,
    can_manage_zone,
    enterprise_filter_for,
    is_member_of,
)
from onezone.enterprises.choices import FigureName, ServiceRole
from onezone.enterprises.forms import (
    CONTACT_PARTS,
    EnterpriseFileForm,
    EnterpriseFilterForm,
    MemberFileForm,
)
from onezone.enterprises.industry import industry_table
from onezone.enterprises.models import Visit
from onezone.enterprises.services.files import default_figure_year
from onezone.enterprises.stage import revenue_growth
from onezone.org.access import org_visibility, zone_ids_for, zone_officer_zone_ids
from onezone.org.models import Zone

HISTORY_LIMIT = 100
VISITS_SHOWN = 10
SPARE_CONTACT_ROWS = 1

# ---- helpers ----------------------------------------------------------------------------


def _managed_zones(user):
    """Zones where the user may open files: all for administrators, else their officer zones."""
    if is_administrator(user):
        return Zone.objects.all()
    return Zone.objects.filter(pk__in=zone_officer_zone_ids(user))


def _visible_zones(user):
    """Zones offered as list filters: every zone for district-wide roles, else the user's."""
    if not enterprise_filter_for(user):
        return Zone.objects.all()
    zone_ids = zone_ids_for(user)
    return Zone.objects.filter(pk__in=zone_ids) if zone_ids else Zone.objects.all()


def industry_of(enterprise) -> dict | None:
    """Label (C3973) and Chinese class name of the enterprise's industry, if known."""
    entry = industry_table().get(enterprise.industry_code) if enterprise.industry_code else None
    if entry is None:
        return None
    return {"label": entry.label, "section": entry.section, "name": entry.name_zh}


def _list_rows(enterprises) -> list[dict]:
    return [
        {
            "enterprise": enterprise,
            "industry": industry_of(enterprise),
            "liaison": selectors.holder_of(enterprise, ServiceRole.LIAISON),
        }
        for enterprise in enterprises
    ]


def _without_page(query) -> str:
    params = query.copy()
    params.pop("page", None)
    return params.urlencode()


def _detail_url(enterprise) -> str:
    return reverse("enterprises:enterprise_detail", args=[enterprise.pk])


# ---- list -------------------------------------------------------------------------------


@login_required
def enterprise_list(request):
    require_visible(is_staff_member(request.user))
    filter_form = EnterpriseFilterForm(request.GET or None, zones=_visible_zones(request.user))
    enterprises = selectors.enterprise_list(
        actor=request.user, filters=selectors.EnterpriseFilters.from_query(request.GET)
    )
    context = {
        "nav_active": "enterprises",
        "filter_form": with_form_controls(filter_form),
        "can_create": _managed_zones(request.user).exists(),
        "export_query": _without_page(request.GET),
        "is_filtered": any(value for key, value in request.GET.items() if key != "page"),
        **paginate(request, enterprises),
    }
    context["rows"] = _list_rows(context["page_obj"])
    return render_list(
        request, "enterprises/enterprise_list.html", "enterprises/_enterprise_results.html", context
    )


# ---- create and edit --------------------------------------------------------------------


BASIC_FIELDS = (
    "uscc",
    "uscc_override_reason",
    "name",
    "legal_representative",
    "registered_address",
    "zone",
    "industry_code",
    "registered_on",
)
STAGE_FIELDS = ("development_stage", "development_stage_override_reason")


def _form_sections(form, cells: dict) -> dict:
    """The form's fields grouped as the page shows them."""
    present = [name for name in BASIC_FIELDS if name in form.fields]
    return {
        "basic_fields": [form[name] for name in present],
        "stage_fields": [form[name] for name in STAGE_FIELDS if name in form.fields],
        "figure_fields": [
            {"field": form[name], "cell": cells.get(name)} for name in FigureName.values
        ],
        "contact_rows": [
            [form[f"contact_{row}_{part}"] for part in CONTACT_PARTS]
            for row in range(1, form.contact_rows + 1)
        ],
    }


def _form_page(request, form, *, title: str, enterprise=None, status: int = 200, **extra):
    with_form_controls(form)
    if "tags" in form.fields:
        form.fields["tags"].widget.attrs["class"] = "form-check-input"
    context = {
        "nav_active": "enterprises" if extra.get("is_officer_form") else "my_enterprise",
        "form": form,
        **_form_sections(form, extra.get("cells", {})),
        "title": title,
        "enterprise": enterprise,
        "cancel_url": _detail_url(enterprise)
        if enterprise
        else reverse("enterprises:enterprise_list"),
        **extra,
    }
    return render(request, "enterprises/enterprise_form.html", context, status=status)


@login_required
def enterprise_create(request):
    require_visible(is_staff_member(request.user))
    zones = _managed_zones(request.user)
    require(zones.exists(), _("Only an officer of a zone may open enterprise files."))
    form = EnterpriseFileForm(
        request.POST or None,
        zones=zones,
        initial={"year": default_figure_year(None), "source": "officer"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The enterprise file is saved."))
            return redirect(_detail_url(enterprise))
    return _form_page(request, form, title=_("New enterprise file"), is_officer_form=True)


def _edit_year(request, enterprise, table: dict) -> int:
    """The year whose figures the edit form shows: ?year=, else the latest on file."""
    raw = request.POST.get("year") or request.GET.get("year") or ""
    if raw.isdigit() and 1949 <= int(raw) <= 9999:
        return int(raw)
    return max(table) if table else default_figure_year(enterprise.registered_on)


def _year_choices(table: dict, year: int) -> list[int]:
    recent = default_figure_year(None)
    return sorted({*table, year, recent, recent - 1, recent - 2}, reverse=True)


def _figure_context(request, enterprise) -> dict:
    table = selectors.figures_by_year(enterprise=enterprise)
    year = _edit_year(request, enterprise, table)
    cells = table.get(year, {})
    return {
        "year": year,
        "years": _year_choices(table, year),
        "cells": cells,
        "current": {name: cell.value for name, cell in cells.items()},
    }


def _officer_form(request, enterprise, figures: dict):
    contacts = list(enterprise.contacts.all())
    initial = {
        "name": enterprise.name,
        "legal_representative": enterprise.legal_representative,
        "registered_address": enterprise.registered_address,
        "zone": enterprise.zone,
        "industry_code": enterprise.industry_label,
        "registered_on": enterprise.registered_on,
        "tags": list(enterprise.tags.all()),
        "development_stage": enterprise.development_stage if enterprise.is_stage_overridden else "",
        "development_stage_override_reason": enterprise.development_stage_override_reason,
        "year": figures["year"],
        "source": "officer",
        "version": enterprise.version,
        **figures["current"],
        **EnterpriseFileForm.initial_for(contacts),
    }
    zones = _managed_zones(request.user) | Zone.objects.filter(pk=enterprise.zone_id)
    return EnterpriseFileForm(
        request.POST or None,
        zones=zones.distinct(),
        editing=True,
        initial=initial,
        contact_rows=len(contacts) + SPARE_CONTACT_ROWS,
    )


def _member_form(request, enterprise, figures: dict):
    contacts = list(enterprise.contacts.all())
    locked = {
        name: cell.source_label for name, cell in figures["cells"].items() if cell.is_authoritative
    }
    initial = {
        "year": figures["year"],
        "version": enterprise.version,
        **figures["current"],
        **MemberFileForm.initial_for(contacts),
    }
    return MemberFileForm(
        request.POST or None,
        initial=initial,
        locked=locked,
        contact_rows=len(contacts) + SPARE_CONTACT_ROWS,
    )


@login_required
def enterprise_edit(request, pk: int):
    enterprise = selectors.enterprise_get(actor=request.user, pk=pk)
    is_officer = can_manage_file(request.user, enterprise)
    require(
        is_officer or is_member_of(request.user, enterprise),
        _("You may not change this enterprise's file."),
    )
    figures = _figure_context(request, enterprise)
    form = (_officer_form if is_officer else _member_form)(request, enterprise, figures)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                data=form.service_data(figures["current"]),
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(request, _("The enterprise file is saved."))
            return redirect(_detail_url(enterprise))
    return _form_page(
        request,
        form,
        title=_("Edit the file of %(name)s") % {"name": enterprise.name},
        enterprise=enterprise,
        status=status,
        is_officer_form=is_officer,
        **figures,
    )


# ---- detail, history --------------------------------------------------------------------


def _server(enterprise, role: str, see_phone: bool) -> dict | None:
    assignment = selectors.holder_of(enterprise, role)
    if assignment is None:
        return None
    person, unit = assignment.post.person, assignment.post.unit
    return {
        "assignment": assignment,
        "person": person,
        "unit": unit,
        "phone": person.phone if see_phone else mask_phone(person.phone),
    }


def _figure_rows(table: dict) -> list[dict]:
    return [
        {"year": year, "cells": [cells.get(name) for name in FigureName.values]}
        for year, cells in table.items()
    ]


def _growth(table: dict):
    revenue = {
        year: cells[FigureName.REVENUE].value
        for year, cells in table.items()
        if FigureName.REVENUE in cells
    }
    growth = revenue_growth(revenue)
    return None if growth is None else growth * 100


@login_required
def enterprise_detail(request, pk: int):
    user = request.user
    enterprise = selectors.enterprise_get(actor=user, pk=pk)
    is_member = is_member_of(user, enterprise)
    is_staff = is_staff_member(user)
    # Whoever the enterprise is served by: its own users must reach them, so phones in full.
    see_server_phone = is_member or org_visibility(user).can_see_personal_data
    table = selectors.figures_by_year(enterprise=enterprise)
    can_manage = can_manage_file(user, enterprise)
    context = {
        "nav_active": "my_enterprise" if is_member and not is_staff else "enterprises",
        "enterprise": enterprise,
        "industry": industry_of(enterprise),
        "figure_names": FigureName.choices,
        "figure_rows": _figure_rows(table),
        "revenue_growth_percent": _growth(table),
        "contacts": selectors.contacts_for(actor=user, enterprise=enterprise),
        "liaison": _server(enterprise, ServiceRole.LIAISON, see_server_phone),
        "chief": _server(enterprise, ServiceRole.CHIEF_REPRESENTATIVE, see_server_phone),
        "is_staff": is_staff,
        "can_manage": can_manage,
        "can_edit": can_manage or is_member,
        "can_assign": can_manage_zone(user, enterprise.zone_id),
    }
    if is_staff:
        context["assignments"] = selectors.assignment_history(enterprise=enterprise)
        context["visits"] = Visit.objects.filter(enterprise=enterprise).select_related("visitor")[
            :VISITS_SHOWN
        ]
    return render(request, "enterprises/enterprise_detail.html", context)


@login_required
def enterprise_history(request, pk: int):
    user = request.user
    enterprise = selectors.enterprise_get(actor=user, pk=pk)
    require_visible(is_staff_member(user) or is_member_of(user, enterprise))
    # Audit snapshots are stored with phones masked, so the history shows no personal data.
    history = audit_history(obj=enterprise)[:HISTORY_LIMIT]
    context = {
        "nav_active": "enterprises" if is_staff_member(user) else "my_enterprise",
        "enterprise": enterprise,
        "history": history,
    }
    return render(request, "enterprises/enterprise_history.html", context)


# ---- the enterprise portal --------------------------------------------------------------


@login_required
def my_enterprise(request):
    """One confirmed enterprise: its file; several: a choice; none: why, and the bindings."""
    enterprises = list(selectors.confirmed_enterprises_of(user=request.user).select_related("zone"))
    if len(enterprises) == 1:
        return redirect(_detail_url(enterprises[0]))
    context = {
        "nav_active": "my_enterprise",
        "enterprises": enterprises,
        "memberships": [] if enterprises else list(selectors.memberships_of(user=request.user)),
    }
    return render(request, "enterprises/my_enterprise.html", context)
