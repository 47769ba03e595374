"""Pages of measured outcomes per journey (with an Excel export) and of ratings per unit."""

from datetime import timedelta
from io import BytesIO

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from onezone.approvals.access import can_read_outcomes
from onezone.approvals.models import Journey
from onezone.approvals.selectors import outcomes as selectors
from onezone.approvals.services.applications import TARGET_UNITS
from onezone.core import clock
from onezone.core.access import require_visible
from onezone.core.choices import TimeUnit
from onezone.core.forms import add_service_errors, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.org.models import Zone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The longest period one page or export measures (a few years of applications).
MAX_PERIOD_DAYS = 3 * 366
UNITS_PER_PAGE = 25
FIGURES = (
    "count",
    "median_working_days",
    "p90_working_days",
    "median_calendar_days",
    "p90_calendar_days",
    "doing_business_days",
)


def _require_reader(user) -> None:
    require_visible(can_read_outcomes(user))


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False)
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"),
        queryset=Zone.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All zones"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].widget.input_type = "date"

    def clean(self):
        data = super().clean()
        today = clock.today()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or data["date_to"] - timedelta(days=364)
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        elif (data["date_to"] - data["date_from"]).days > MAX_PERIOD_DAYS:
            self.add_error("date_from", _("Choose a period of at most three years."))
        return data


class OutcomeForm(PeriodForm):
    journey = forms.ModelChoiceField(
        label=gettext_lazy("Journey"),
        queryset=Journey.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=None,
    )
    field_order = ["journey", "date_from", "date_to", "zone"]

    def clean(self):
        data = super().clean()
        if not data.get("journey") and "journey" not in self.errors:
            first = self.fields["journey"].queryset.first()
            if first is None:
                self.add_error("journey", _("No journey has been defined yet."))
            data["journey"] = first
        return data


def _outcome_form(request) -> OutcomeForm:
    return with_form_controls(OutcomeForm(request.GET or {}))


def _measure(form: OutcomeForm):
    data = form.cleaned_data
    measures = selectors.measure_applications(
        journey=data["journey"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        zone=data["zone"],
    )
    return measures, selectors.summarise(data["journey"], measures)


@login_required
def outcome_report(request):
    _require_reader(request.user)
    form = _outcome_form(request)
    context = {"nav_active": "approvals", "form": form}
    if form.is_valid():
        try:
            measures, outcome = _measure(form)
        except ValidationError as error:
            add_service_errors(form, error, renamed={"to": "date_to"})
        else:
            context.update(
                outcome=outcome,
                unit_labels={
                    key: _unit_label(outcome[key]["unit"]) for key in ("baseline", "target")
                },
                cards=_cards(outcome),
                chart=selectors.histogram(measures),
                journey=form.cleaned_data["journey"],
                export_query=request.GET.urlencode(),
            )
    return render(request, "approvals/outcome_report.html", context)


def _unit_label(unit: str) -> str:
    """The unit recorded with a journey's baseline or target, as its translated label."""
    known = TARGET_UNITS.get(unit)
    return str(TimeUnit(known).label) if known else unit


def _cards(outcome: dict) -> list[dict]:
    labels = {
        "count": _("Completed applications"),
        "median_working_days": _("Median (working days)"),
        "p90_working_days": _("90th percentile (working days)"),
        "median_calendar_days": _("Median (calendar days)"),
        "p90_calendar_days": _("90th percentile (calendar days)"),
        "doing_business_days": _("Doing Business time (days)"),
    }
    return [
        {
            "key": name,
            "label": labels[name],
            "value": outcome[name],
            "definition": outcome["definitions"][name],
        }
        for name in FIGURES
    ]


@login_required
def outcome_export(request):
    _require_reader(request.user)
    form = _outcome_form(request)
    if not form.is_valid():
        return render(
            request,
            "approvals/outcome_report.html",
            {"nav_active": "approvals", "form": form},
            status=400,
        )
    try:
        measures, outcome = _measure(form)
    except ValidationError as error:
        add_service_errors(form, error, renamed={"to": "date_to"})
        return render(
            request,
            "approvals/outcome_report.html",
            {"nav_active": "approvals", "form": form},
            status=400,
        )
    response = HttpResponse(_workbook(form.cleaned_data, outcome, measures), content_type=XLSX)
    name = f"outcomes-{outcome['journey']}-{form.cleaned_data['date_from']}-"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}{form.cleaned_data["date_to"]}.xlsx"'
    )
    return response


def _workbook(filters: dict, outcome: dict, measures) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Figures")
    bold = Font(bold=True)
    zone = filters["zone"]
    for label, value in (
        (_("Journey"), f"{filters['journey'].name} ({outcome['journey']})"),
        (_("From"), filters["date_from"].isoformat()),
        (_("To"), filters["date_to"].isoformat()),
        (_("Zone"), zone.name if zone else _("All zones")),
    ):
        sheet.append([label, value])
    sheet.append([])
    sheet.append([_("Figure"), _("Value"), _("Definition")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for card in _cards(outcome):
        sheet.append([card["label"], card["value"], card["definition"]])
    for key, label in (("baseline", _("Baseline")), ("target", _("Target"))):
        reference = outcome[key]
        sheet.append(
            [label, reference["value"], f"{reference['unit']} · {reference['definition']}"]
        )
    rows = workbook.create_sheet(_("Applications"))
    rows.append(
        [
            _("Reference"),
            _("Zone"),
            _("Submitted at"),
            _("Last mandatory item decided at"),
            _("Working days"),
            _("Calendar days"),
            _("Paused (calendar days)"),
            _("Doing Business time (days)"),
            _("Mandatory items"),
        ]
    )
    for cell in rows[1]:
        cell.font = bold
    for measure in measures:
        rows.append(
            [
                measure.reference,
                measure.zone,
                _local(measure.submitted_at),
                _local(measure.decided_at),
                measure.working_days,
                measure.calendar_days,
                measure.paused_days,
                measure.doing_business_days,
                measure.procedures,
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@login_required
def rating_report(request):
    _require_reader(request.user)
    form = with_form_controls(PeriodForm(request.GET or {}))
    context = {"nav_active": "approvals", "form": form}
    if form.is_valid():
        data = form.cleaned_data
        units = selectors.rating_report(
            date_from=data["date_from"], date_to=data["date_to"], zone=data["zone"]
        )
        context.update(paginate(request, units, UNITS_PER_PAGE))
        context["rating_count"] = sum(unit.count for unit in units)
    return render_list(
        request, "approvals/rating_report.html", "approvals/_outcome_ratings.html", context
    )
