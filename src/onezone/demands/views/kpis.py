"""The demand KPIs page (诉求考核指标): totals and tables per zone, unit and channel for a
period and scope, with the definitions, and the same figures as an Excel workbook."""

from datetime import date
from io import BytesIO

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from onezone.core import clock
from onezone.core.access import is_administrator, require_visible, role_names
from onezone.core.choices import Role
from onezone.core.forms import add_service_errors, with_form_controls
from onezone.demands.choices import Channel
from onezone.demands.selectors import kpis as selectors
from onezone.org.models import Unit, Zone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAV = "demands"
KPI_ROLES = {Role.LEADER, Role.ZONE_OFFICER, Role.HOTLINE_OPERATOR}
MAX_PERIOD_DAYS = 3 * 366
DIMENSIONS = ("zone", "unit", "channel")
# (key, label, kind): kind "count", "rate" (a fraction shown as a percentage) or "days".
COLUMNS = (
    ("valid_callbacks", gettext_lazy("Valid callbacks"), "count"),
    ("response_rate", gettext_lazy("Response rate"), "rate"),
    ("resolution_rate", gettext_lazy("Resolution rate"), "rate"),
    ("satisfaction_rate", gettext_lazy("Satisfaction rate"), "rate"),
    ("composite", gettext_lazy("Composite score"), "rate"),
    ("on_time_sign_rate", gettext_lazy("On-time signing rate"), "rate"),
    ("on_time_reply_rate", gettext_lazy("On-time reply rate"), "rate"),
    ("extension_rate", gettext_lazy("Extension rate"), "rate"),
    ("return_rate", gettext_lazy("Return rate"), "rate"),
    ("repeat_rate", gettext_lazy("Repeat rate"), "rate"),
    ("mean_handling_working_days", gettext_lazy("Mean handling time (working days)"), "days"),
    ("legacy_total", gettext_lazy("Legacy problems"), "count"),
    ("legacy_resolved", gettext_lazy("Legacy problems resolved"), "count"),
    ("legacy_resolution_rate", gettext_lazy("Legacy resolution rate"), "rate"),
)
CALLBACK_COUNTS = (
    ("contacted", gettext_lazy("Contacted")),
    ("resolved", gettext_lazy("Resolved")),
    ("satisfied", gettext_lazy("Satisfied")),
    ("basically_satisfied", gettext_lazy("Basically satisfied")),
    ("unsatisfied", gettext_lazy("Unsatisfied")),
)
DIMENSION_LABELS = {
    "zone": gettext_lazy("By zone"),
    "unit": gettext_lazy("By lead unit"),
    "channel": gettext_lazy("By channel"),
}


def can_read_kpis(user) -> bool:
    return is_administrator(user) or bool(role_names(user) & KPI_ROLES)


class KpiForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False)
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"),
        queryset=Zone.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All zones"),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Lead unit"),
        queryset=Unit.objects.select_related("body").order_by("body__name", "name"),
        required=False,
        empty_label=gettext_lazy("All units"),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[("", gettext_lazy("All channels")), *Channel.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].widget.input_type = "date"
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.body.name} · {unit.name}"

    def clean(self):
        data = super().clean()
        today = clock.today()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or date(data["date_to"].year, 1, 1)
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        elif (data["date_to"] - data["date_from"]).days > MAX_PERIOD_DAYS:
            self.add_error("date_from", _("Choose a period of at most three years."))
        return data

    def scope(self) -> dict:
        data = self.cleaned_data
        return {
            "zone": data.get("zone"),
            "unit": data.get("unit"),
            "channel": data.get("channel") or None,
        }


def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _cell(value, kind: str) -> str:
    if kind == "rate":
        return percent(value)
    if kind == "days":
        return "—" if value is None else f"{value:.2f}"
    return str(value)


def _display(figures: dict) -> list[str]:
    return [_cell(figures[key], kind) for key, _label, kind in COLUMNS]


def _compute(form: KpiForm) -> dict:
    data, scope = form.cleaned_data, form.scope()
    period = {"start": data["date_from"], "end": data["date_to"]}
    return {
        "totals": selectors.demand_kpis_raw(**period, **scope),
        "tables": {
            dimension: selectors.demand_kpis_by_raw(dimension=dimension, **period, **scope)
            for dimension in DIMENSIONS
        },
    }


def _kpi_form(request) -> KpiForm:
    return with_form_controls(KpiForm(request.GET or {}))


def _page_context(request, form: KpiForm) -> dict:
    context = {"nav_active": NAV, "form": form}
    if not form.is_valid():
        return context
    try:
        figures = _compute(form)
    except ValidationError as error:
        add_service_errors(form, error, renamed={"to": "date_to", "from": "date_from"})
        return context
    totals = figures["totals"]
    context.update(
        figures=figures,
        totals=totals,
        total_cells=list(zip(COLUMNS, _display(totals), strict=True)),
        callback_counts=[(label, totals[key]) for key, label in CALLBACK_COUNTS],
        tables=[
            {
                "dimension": dimension,
                "title": DIMENSION_LABELS[dimension],
                "rows": [{"label": row["label"], "cells": _display(row)} for row in rows],
            }
            for dimension, rows in figures["tables"].items()
        ],
        columns=COLUMNS,
        definitions=_definitions(),
        export_query=request.GET.urlencode(),
    )
    return context


def _definitions() -> list[tuple[str, str]]:
    labels = {key: label for key, label, _kind in COLUMNS}
    return [(labels.get(key, _("Exclusions")), text) for key, text in selectors.DEFINITIONS.items()]


@login_required
def kpi_report(request):
    require_visible(can_read_kpis(request.user))
    context = _page_context(request, _kpi_form(request))
    return render(request, "demands/kpi_report.html", context)


@login_required
def kpi_export(request):
    require_visible(can_read_kpis(request.user))
    form = _kpi_form(request)
    context = _page_context(request, form)
    if "figures" not in context:
        return render(request, "demands/kpi_report.html", context, status=400)
    data = form.cleaned_data
    response = HttpResponse(_workbook(form, context["figures"]), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="demand-kpis-{data["date_from"]}-{data["date_to"]}.xlsx"'
    )
    return response


# ---- the workbook -------------------------------------------------------------------------


def _write_cell(sheet, row: int, column: int, value, kind: str) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if kind == "rate" and value is not None:
        cell.number_format = "0.0%"
    elif kind == "days" and value is not None:
        cell.number_format = "0.00"


def _write_table(sheet, first_column_label: str, rows: list[tuple[str, dict]]) -> None:
    bold = Font(bold=True)
    sheet.append([first_column_label, *[str(label) for _key, label, _kind in COLUMNS]])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for label, figures in rows:
        sheet.append([label])
        row = sheet.max_row
        for index, (key, _label, kind) in enumerate(COLUMNS, start=2):
            _write_cell(sheet, row, index, figures[key], kind)


def _scope_lines(form: KpiForm) -> list[tuple[str, str]]:
    data = form.cleaned_data
    return [
        (_("From"), data["date_from"].isoformat()),
        (_("To"), data["date_to"].isoformat()),
        (_("Zone"), data["zone"].name if data.get("zone") else _("All zones")),
        (
            _("Lead unit"),
            f"{data['unit'].body.name} · {data['unit'].name}"
            if data.get("unit")
            else _("All units"),
        ),
        (
            _("Channel"),
            str(Channel(data["channel"]).label) if data.get("channel") else _("All channels"),
        ),
    ]


def _workbook(form: KpiForm, figures: dict) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Totals")
    for label, value in _scope_lines(form):
        sheet.append([label, value])
    sheet.append([])
    _write_table(sheet, _("Scope"), [(_("Total"), figures["totals"])])
    sheet.append([])
    for key, label in CALLBACK_COUNTS:
        sheet.append([str(label), figures["totals"][key]])
    for dimension, rows in figures["tables"].items():
        table = workbook.create_sheet(str(DIMENSION_LABELS[dimension]))
        _write_table(table, str(DIMENSION_LABELS[dimension]), [(r["label"], r) for r in rows])
    definitions = workbook.create_sheet(_("Definitions"))
    for label, text in _definitions():
        definitions.append([str(label), str(text)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


urlpatterns = [
    path("kpis/", kpi_report, name="kpis"),
    path("kpis.xlsx", kpi_export, name="kpi_export"),
]
