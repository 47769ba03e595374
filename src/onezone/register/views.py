"""Pages of the register: "who handles it" (public), a matter's entries, lint, Excel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import is_staff_member, require_visible
from onezone.core.forms import add_service_errors, with_form_controls
from onezone.core.masking import mask_phone
from onezone.core.paging import paginate, render_list
from onezone.org.access import can_manage_org, org_visibility
from onezone.register import excel, forms, selectors
from onezone.register.lint import register_lint
from onezone.register.routing import routes_for


def _phone(user, routing) -> str:
    """The holder unit's office line; failing that the commissioner's phone, in full only for
    those who may see personal data."""
    if routing is None:
        return ""
    if routing.holder_unit.phone:
        return routing.holder_unit.phone
    person = routing.commissioner
    if person is None or not person.phone:
        return ""
    return person.phone if org_visibility(user).can_see_personal_data else mask_phone(person.phone)


def lookup(request):
    """谁来办: search a matter by name or code, choose a zone, see who handles it and how."""
    form = forms.LookupForm(request.GET or None)
    search, zone = "", None
    if form.is_valid():
        search, zone = form.cleaned_data["q"].strip(), form.cleaned_data["zone"]
    matters = selectors.matter_list(actor=request.user, search=search)
    context = {
        "nav_active": "register",
        "form": with_form_controls(form),
        "zone": zone,
        **paginate(request, matters),
    }
    routes = routes_for(context["page_obj"], zone) if zone else {}
    context["rows"] = [
        {
            "matter": matter,
            "routing": routes.get(matter.pk),
            "phone": _phone(request.user, routes.get(matter.pk)),
        }
        for matter in context["page_obj"]
    ]
    return render_list(request, "register/lookup.html", "register/_lookup_results.html", context)


def matter_detail(request, pk: int):
    matter = selectors.matter_get(actor=request.user, pk=pk)
    context = {
        "nav_active": "register",
        "matter": matter,
        "entries": selectors.entries_of_matter(matter=matter),
    }
    return render(request, "register/matter_detail.html", context)


@login_required
def lint(request):
    require_visible(is_staff_member(request.user))
    form = forms.LintForm(request.GET or None)
    at = form.cleaned_data["at"] if form.is_valid() and form.cleaned_data["at"] else None
    report = register_lint(at or clock.today())
    context = {"nav_active": "register", "form": with_form_controls(form), "report": report}
    return render(request, "register/lint.html", context)


@login_required
def export(request):
    require_visible(can_manage_org(request.user))
    response = HttpResponse(
        excel.register_export(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="register-{clock.today()}.xlsx"'
    return response


@login_required
def import_page(request):
    require_visible(can_manage_org(request.user))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            excel.check_upload(upload)
            result = excel.register_import(actor=request.user, upload=upload)
        except ValidationError as error:
            add_service_errors(form, error)
        except excel.ImportFailed as failure:
            row_errors = failure.errors
            messages.error(request, str(failure))
        except PermissionDenied:
            raise
        else:
            messages.success(
                request,
                _(
                    "Imported: %(matters)s matters created, %(updated)s updated, "
                    "%(entries)s entries written, %(unchanged)s unchanged."
                )
                % {
                    "matters": result.matters_created,
                    "updated": result.matters_updated,
                    "entries": result.entries_created,
                    "unchanged": result.entries_unchanged,
                },
            )
    context = {"nav_active": "register", "form": with_form_controls(form), "row_errors": row_errors}
    return render(request, "register/import.html", context)
