"""Working-day calendar API: deadlines, elapsed time and a year's calendar; anonymous reads."""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Query, Router, Schema
from pydantic import BeforeValidator

from onezone.core import workcal
from onezone.core.choices import TimeUnit
from onezone.core.models import CalendarOverride

router = Router(tags=["calendar"])

# An unencoded "+08:00" in a query string arrives as " 08:00"; read it as the offset it was.
_SPACED_OFFSET = re.compile(r" (\d\d(:?\d\d)?)$")


def _restore_plus(value):
    return _SPACED_OFFSET.sub(r"+\1", value) if isinstance(value, str) else value


Moment = Annotated[datetime, BeforeValidator(_restore_plus)]

Year = Annotated[int, Field(ge=workcal.FIRST_SUPPORTED_YEAR, le=workcal.LAST_SUPPORTED_YEAR)]


class DeadlineQuery(Schema):
    start: Moment
    amount: Annotated[Decimal, Field(ge=0, le=workcal.MAX_AMOUNT)]
    unit: TimeUnit


class DeadlineOut(Schema):
    deadline: datetime
    deadline_date: date
    calendar_confirmed: bool


class ElapsedQuery(Schema):
    start: Moment
    end: Moment
    unit: TimeUnit


class ElapsedOut(Schema):
    elapsed: float
    unit: TimeUnit


class YearQuery(Schema):
    year: Year


class OverrideOut(Schema):
    date: date
    working: bool
    reason: str


class YearOut(Schema):
    year: int
    calendar_confirmed: bool
    non_working_weekdays: list[date]
    working_weekend_days: list[date]
    overrides: list[OverrideOut]


@router.get("/calendar/deadline", response=DeadlineOut, auth=None)
def calendar_deadline(request, query: Query[DeadlineQuery]):
    """Deadline `amount` `unit`s after `start` (a naive time means Asia/Shanghai)."""
    answer = workcal.deadline(query.start, query.amount, query.unit)
    return {
        "deadline": answer.deadline,
        "deadline_date": answer.deadline.date(),
        "calendar_confirmed": answer.calendar_confirmed,
    }


@router.get("/calendar/elapsed", response=ElapsedOut, auth=None)
def calendar_elapsed(request, query: Query[ElapsedQuery]):
    """Time from `start` to `end` in `unit` (working days: office time / one day's)."""
    return {"elapsed": workcal.elapsed(query.start, query.end, query.unit), "unit": query.unit}


@router.get("/calendar/days", response=YearOut, auth=None)
def calendar_days(request, query: Query[YearQuery]):
    """A year's exceptions to "Monday to Friday": holidays on weekdays, working weekend days."""
    summary = workcal.year_summary(query.year)
    overrides = CalendarOverride.objects.filter(date__year=query.year).order_by("date")
    return {
        "year": summary.year,
        "calendar_confirmed": summary.calendar_confirmed,
        "non_working_weekdays": summary.non_working_weekdays,
        "working_weekend_days": summary.working_weekend_days,
        "overrides": [
            {"date": item.date, "working": item.is_working, "reason": item.reason}
            for item in overrides
        ],
    }
