"""Pages of the register: "who handles it" (public), a matter's entries, lint, Excel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import is_staff_member, require_visible
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, form_page, with_form_controls
from onezone.core.masking import mask_phone
from onezone.core.paging import paginate, render_list
from onezone.org.access import can_manage_org, org_visibility
from onezone.register import excel, forms, selectors, services
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
        "can_manage": can_manage_org(request.user),
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
    entries = selectors.entries_of_matter(matter=matter)
    context = {
        "nav_active": "register",
        "matter": matter,
        "entries": entries,
        "can_manage": can_manage_org(request.user),
        # Versions a later version replaced: they can be neither changed nor ended.
        "superseded": {e.previous_id for e in entries if e.previous_id},
        "today": clock.today(),
    }
    return render(request, "register/matter_detail.html", context)


# ---- administrator forms --------------------------------------------------------------

ENTRY_HOLDER_FIELDS = ("holder_unit", "mode", "deciding_unit", "commissioner", "valid_to")


def _require_manager(user) -> None:
    """Administrator pages do not exist for anyone else (404); services re-check anyway."""
    require_visible(can_manage_org(user))


def _matter_url(matter_id: int) -> str:
    return reverse("register:matter_detail", args=[matter_id])


@login_required
def matter_create(request):
    _require_manager(request.user)
    return form_page(
        request,
        forms.MatterForm(request.POST or None, actor=request.user),
        lambda data: services.matter_create(actor=request.user, **data),
        done=_("The matter is saved."),
        nav_active="register",
        next_url=lambda matter: _matter_url(matter.pk),
        title=_("New matter"),
        cancel_url=reverse("register:lookup"),
    )


@login_required
def matter_update(request, pk: int):
    _require_manager(request.user)
    matter = selectors.matter_get(actor=request.user, pk=pk)
    return form_page(
        request,
        forms.MatterForm(request.POST or None, initial=model_to_dict(matter), actor=request.user),
        lambda data: services.matter_update(actor=request.user, matter=matter, **data),
        done=_("The matter is saved."),
        nav_active="register",
        next_url=lambda saved: _matter_url(saved.pk),
        title=_("Edit matter %(name)s") % {"name": matter.name},
        cancel_url=_matter_url(matter.pk),
    )


@login_required
def entry_create(request, pk: int):
    _require_manager(request.user)
    matter = selectors.matter_get(actor=request.user, pk=pk)
    return form_page(
        request,
        forms.EntryForm(
            request.POST or None, initial={"valid_from": clock.today()}, actor=request.user
        ),
        lambda data: services.entry_create(actor=request.user, matter=matter, **data),
        done=_("The entry is saved."),
        nav_active="register",
        next_url=lambda entry: _matter_url(entry.matter_id),
        title=_("New list entry for %(name)s") % {"name": matter.name},
        cancel_url=_matter_url(matter.pk),
    )


@login_required
def entry_change(request, pk: int):
    _require_manager(request.user)
    entry = selectors.entry_get(actor=request.user, pk=pk)
    initial = {name: getattr(entry, name) for name in ENTRY_HOLDER_FIELDS}
    return form_page(
        request,
        forms.EntryChangeForm(request.POST or None, initial=initial, actor=request.user),
        lambda data: services.entry_change(actor=request.user, entry=entry, **data),
        done=_("The entry is changed; the previous version is closed."),
        nav_active="register",
        next_url=lambda new: _matter_url(new.matter_id),
        title=_("Change the entry %(entry)s") % {"entry": entry},
        intro=_(
            "A change adds a new version from the effective date; the current version ends "
            "the day before."
        ),
        cancel_url=_matter_url(entry.matter_id),
    )


@login_required
def entry_end(request, pk: int):
    _require_manager(request.user)  # before the method check: others see no page at all
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry = selectors.entry_get(actor=request.user, pk=pk)
    form = forms.EntryEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the last valid day and the reason."))
        services.entry_end(actor=request.user, entry=entry, **form.cleaned_data)
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The entry is ended."))
    return redirect("register:matter_detail", pk=entry.matter_id)


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
