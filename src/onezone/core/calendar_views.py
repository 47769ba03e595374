"""Pages of the working-day calendar: a year at a glance; administrators edit overrides and
confirm years the official calendar does not cover."""

import calendar as month_calendar
from datetime import date

import chinese_calendar
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onezone.core import calendar_services, clock, workcal
from onezone.core.access import is_administrator, require_visible
from onezone.core.errors import ConflictError
from onezone.core.forms import error_text, with_form_controls
from onezone.core.models import CalendarOverride, CalendarYearConfirmation

CHINESE_HOLIDAY_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


class OverrideForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    is_working = forms.TypedChoiceField(
        label=gettext_lazy("The day is"),
        choices=[("1", gettext_lazy("a working day")), ("0", gettext_lazy("not a working day"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


def _holiday_label(name: str) -> str:
    if get_language().startswith("zh"):
        return CHINESE_HOLIDAY_NAMES.get(name, name)
    return name


def _months(year: int, calendar: workcal.WorkingCalendar, overrides: dict) -> list[dict]:
    weeks_of = month_calendar.Calendar(firstweekday=0).monthdatescalendar
    months = []
    for month in range(1, 13):
        weeks = [
            [_cell(day, month, calendar, overrides) for day in week]
            for week in weeks_of(year, month)
        ]
        months.append({"number": month, "weeks": weeks})
    return months


def _cell(day: date, month: int, calendar: workcal.WorkingCalendar, overrides: dict) -> dict:
    if day.month != month:
        return {"day": None}
    working = calendar.is_working(day)
    weekend = day.weekday() >= 5
    kind = "working" if working and not weekend else "weekend"
    if working and weekend:
        kind = "makeup"
    elif not working and not weekend:
        kind = "holiday"
    return {"day": day, "kind": kind, "is_override": day in overrides}


def _year_or_404(year: int | None) -> int:
    year = year or clock.today().year
    require_visible(workcal.FIRST_SUPPORTED_YEAR <= year <= workcal.LAST_SUPPORTED_YEAR)
    return year


@login_required
def calendar_year(request, year: int | None = None, form: OverrideForm | None = None):
    year = _year_or_404(year)
    summary = workcal.year_summary(year)
    calendar = workcal.get_calendar(year, year)
    overrides = {item.date: item for item in CalendarOverride.objects.filter(date__year=year)}
    context = {
        "nav_active": "calendar",
        "year": year,
        "summary": summary,
        "months": _months(year, calendar, overrides),
        "holidays": [
            (day, _holiday_label(summary.holiday_names[day]))
            for day in summary.non_working_weekdays
        ],
        "makeup_days": summary.working_weekend_days,
        "overrides": sorted(overrides.values(), key=lambda item: item.date),
        "confirmation": CalendarYearConfirmation.objects.filter(year=year).first(),
        "can_edit": is_administrator(request.user),
        "form": with_form_controls(form or OverrideForm(initial={"date": date(year, 1, 1)})),
    }
    return render(request, "core/calendar_year.html", context)


@login_required
@require_POST
def calendar_override_add(request):
    require_visible(is_administrator(request.user))
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return calendar_year(request, _year_from(request.POST.get("year")), form=form)
    data = form.cleaned_data
    try:
        calendar_services.override_set(
            actor=request.user,
            day=data["date"],
            is_working=data["is_working"],
            reason=data["reason"],
        )
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Override saved."))
    return redirect("calendar_year", year=data["date"].year)


def _year_from(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def calendar_override_remove(request, day: str):
    require_visible(is_administrator(request.user))
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    try:
        calendar_services.override_remove(actor=request.user, day=parsed)
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Override removed."))
    return redirect("calendar_year", year=parsed.year)


@login_required
@require_POST
def calendar_year_confirm(request, year: int):
    require_visible(is_administrator(request.user))
    year = _year_or_404(year)
    try:
        calendar_services.year_confirm(actor=request.user, year=year)
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Calendar of %(year)s confirmed.") % {"year": year})
    return redirect("calendar_year", year=year)
