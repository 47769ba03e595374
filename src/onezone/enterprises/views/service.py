"""Pages of one-to-one service: portfolios, visits, designations, assignments and KPIs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onezone.core import clock
from onezone.core.access import is_staff_member, require, require_visible
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.enterprises import forms, selectors, services
from onezone.enterprises.access import can_manage_file, can_manage_zone
from onezone.enterprises.choices import ServiceRole
from onezone.enterprises.selectors import service as service_selectors
from onezone.org.models import Zone

PORTFOLIO_PER_PAGE = 50
KPI_PEOPLE_PER_PAGE = 50
KPI_UNVISITED_PER_PAGE = 50


def _month_of(request):
    """The month asked for in `?month=YYYY-MM`, never later than this month."""
    this_month = service_selectors.month_start(clock.today())
    month = service_selectors.parse_month(request.GET.get("month"))
    return min(month, this_month) if month else this_month


def _require_service_reader(user) -> None:
    require_visible(service_selectors.can_read_service(user))


# ---- the liaison's portfolio ----------------------------------------------------------


@login_required
def portfolio(request):
    require_visible(service_selectors.serves_anyone(actor=request.user))
    month = service_selectors.month_start(clock.today())
    unvisited_only = request.GET.get("unvisited", "1") != "0"
    enterprises = service_selectors.portfolio(
        actor=request.user, unvisited_only=unvisited_only, month=month
    )
    context = {
        "nav_active": "portfolio",
        "summary": service_selectors.portfolio_summary(actor=request.user, month=month),
        "unvisited_only": unvisited_only,
        "month": month,
        **paginate(request, enterprises, PORTFOLIO_PER_PAGE),
    }
    return render_list(
        request, "enterprises/portfolio.html", "enterprises/_portfolio_results.html", context
    )


# ---- visits ---------------------------------------------------------------------------


def _after_visit_url(request, enterprise) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    if service_selectors.serves_anyone(actor=request.user):
        return reverse("enterprises:portfolio")
    return reverse("enterprises:visit_list") + f"?enterprise={enterprise.pk}"


@login_required
def visit_create(request, pk: int):
    enterprise = selectors.enterprise_get(actor=request.user, pk=pk)
    require(
        can_manage_file(request.user, enterprise),
        _("Only those who serve this enterprise may record visits to it."),
    )
    form = forms.VisitForm(request.POST or None, initial={"visited_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The visit is recorded."))
            return redirect(_after_visit_url(request, enterprise))
    context = {
        "nav_active": "portfolio",
        "form": with_form_controls(form),
        "enterprise": enterprise,
        "next": request.GET.get("next", ""),
        "recent_visits": service_selectors.visits_of(actor=request.user, enterprise=enterprise)[:5],
    }
    return render(request, "enterprises/visit_form.html", context)


@login_required
def visit_list(request):
    require_visible(is_staff_member(request.user))
    filter_form = forms.VisitFilterForm(request.GET)
    filters = service_selectors.VisitFilters.from_query(request.GET)
    visits = service_selectors.visit_list(actor=request.user, filters=filters)
    context = {
        "nav_active": "service",
        "filter_form": with_form_controls(filter_form),
        **paginate(request, visits),
    }
    return render_list(
        request, "enterprises/visit_list.html", "enterprises/_visit_results.html", context
    )


# ---- service overview, designations and balancing --------------------------------------


@login_required
def service_overview(request):
    _require_service_reader(request.user)
    managed = set(service_selectors.managed_zones(actor=request.user).values_list("pk", flat=True))
    context = {
        "nav_active": "service",
        "zones": service_selectors.service_overview(actor=request.user),
        "managed_zone_ids": managed,
        "roles": ServiceRole,
    }
    return render(request, "enterprises/service_overview.html", context)


@login_required
def designation_create(request):
    zones = service_selectors.managed_zones(actor=request.user)
    require_visible(zones.exists())
    form = forms.DesignationForm(
        request.POST or None,
        initial={"zone": request.GET.get("zone"), "role": request.GET.get("role")},
        zones=zones,
        posts_of=lambda zone_ids: service_selectors.posts_for_designation(zone_ids=zone_ids),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.designation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The designation is saved."))
            return redirect("enterprises:service_overview")
    context = {
        "nav_active": "service",
        "form": with_form_controls(form),
        "title": _("New liaison or chief representative"),
        "intro": _(
            "Choose a person in post in one of the zone's units; choosing the zone first "
            "narrows the list of posts."
        ),
        "cancel_url": reverse("enterprises:service_overview"),
    }
    return render(request, "enterprises/service_designation_form.html", context)


@login_required
@require_POST
def designation_end(request, pk: int):
    designation = service_selectors.designation_get(actor=request.user, pk=pk)
    require(can_manage_zone(request.user, designation.zone_id))
    try:
        moved = services.designation_end(actor=request.user, designation=designation)
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("The designation is ended; %(count)d enterprises were reassigned.")
            % {"count": moved},
        )
    return redirect("enterprises:service_overview")


@login_required
@require_POST
def auto_assign(request):
    _require_service_reader(request.user)
    zone = get_object_or_404(
        service_selectors.zones_in_scope(actor=request.user),
        pk=service_selectors.parse_id(request.POST.get("zone")),
    )
    role = request.POST.get("role", ServiceRole.LIAISON)
    if role not in ServiceRole.values:
        messages.error(request, _("Unknown service role."))
        return redirect("enterprises:service_overview")
    try:
        count = services.assignment_auto_assign(actor=request.user, zone=zone, role=role)
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(count)d enterprises of %(zone)s were assigned.")
            % {"count": count, "zone": zone.name},
        )
    return redirect("enterprises:service_overview")


@login_required
def assignment_set(request, pk: int):
    enterprise = selectors.enterprise_get(actor=request.user, pk=pk)
    require(
        can_manage_zone(request.user, enterprise.zone_id),
        _("Only an officer of the enterprise's zone may assign who serves it."),
    )
    designations = service_selectors.designations_of_zone(zone=enterprise.zone)
    form = forms.AssignmentForm(request.POST or None, designations=designations)
    if request.method == "POST" and form.is_valid():
        designation = form.cleaned_data["designation"]
        try:
            services.assignment_set(
                actor=request.user,
                enterprise=enterprise,
                role=designation.role,
                post=designation.post,
                start_on=form.cleaned_data["start_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error, renamed={"post": "designation"})
        else:
            messages.success(request, _("The assignment is saved."))
            return redirect("enterprises:assignment_set", pk=enterprise.pk)
    context = {
        "nav_active": "service",
        "form": with_form_controls(form),
        "enterprise": enterprise,
        "history": selectors.assignment_history(enterprise=enterprise),
    }
    return render(request, "enterprises/service_assignment.html", context)


# ---- KPIs -----------------------------------------------------------------------------


@login_required
def visit_kpis(request):
    _require_service_reader(request.user)
    month = _month_of(request)
    kpis = service_selectors.visit_kpis(actor=request.user, month=month)
    context = {
        "nav_active": "service",
        "kpis": kpis,
        "month_value": month.strftime("%Y-%m"),
        # A district has about a thousand people serving enterprises: page them.
        "people_page": Paginator(kpis.people, KPI_PEOPLE_PER_PAGE).get_page(
            request.GET.get("people_page")
        ),
    }
    zone_id, person_id = (
        service_selectors.parse_id(request.GET.get("zone")),
        service_selectors.parse_id(request.GET.get("person")),
    )
    if zone_id or person_id:
        unvisited = service_selectors.unvisited_enterprises(
            actor=request.user, month=month, zone_id=zone_id, person_id=person_id
        )
        context["unvisited_zone"] = Zone.objects.filter(pk=zone_id).first() if zone_id else None
        context["unvisited_person"] = next(
            (row for row in kpis.people if row.key == person_id), None
        )
        context.update(paginate(request, unvisited, KPI_UNVISITED_PER_PAGE))
        context["show_unvisited"] = True
    return render_list(
        request, "enterprises/visit_kpis.html", "enterprises/_visit_unvisited.html", context
    )
