"""Pages of the enterprise app: Excel import (upload, progress, errors), template and export."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import is_staff_member, require_visible
from onezone.core.forms import add_service_errors, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.enterprises import excel, selectors
from onezone.enterprises.choices import ImportStatus
from onezone.enterprises.forms import EnterpriseImportForm
from onezone.enterprises.selectors import imports as import_selectors
from onezone.enterprises.services import imports as import_services

ERRORS_SHOWN = 500
RUNNING = {ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING}


@login_required
def import_list(request):
    require_visible(import_services.may_import(request.user))
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = import_services.import_start(
                actor=request.user, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file was uploaded; its rows are being checked."))
            return redirect("enterprises:import_detail", pk=record.pk)
    context = {
        "nav_active": "enterprises",
        "form": with_form_controls(form),
        **paginate(request, import_selectors.import_list(actor=request.user)),
    }
    return render_list(
        request, "enterprises/import_list.html", "enterprises/_import_results.html", context
    )


@login_required
def import_detail(request, pk: int):
    record = import_selectors.import_get(actor=request.user, pk=pk)
    context = {
        "nav_active": "enterprises",
        "record": record,
        "is_running": record.status in RUNNING,
        "errors_shown": record.errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(record.errors) - ERRORS_SHOWN),
    }
    if getattr(request, "htmx", False):
        return render(request, "enterprises/_import_progress.html", context)
    return render(request, "enterprises/import_detail.html", context)


@login_required
def import_template(request):
    require_visible(import_services.may_import(request.user))
    response = HttpResponse(excel.template_workbook(), content_type=excel.XLSX)
    response["Content-Disposition"] = 'attachment; filename="enterprise-import-template.xlsx"'
    return response


@login_required
def enterprise_export(request):
    require_visible(is_staff_member(request.user))
    filters = selectors.EnterpriseFilters.from_query(request.GET)
    # FileResponse closes the file once it has been sent.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    excel.export_workbook(
        import_selectors.export_rows(actor=request.user, filters=filters),
        import_selectors.personal_data_reader(request.user),
        output,
    )
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"enterprises-{clock.today()}.xlsx",
        content_type=excel.XLSX,
    )
