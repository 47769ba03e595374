"""Measured outcomes of journeys (elapsed working and calendar days, a Doing-Business-style
figure) and the ratings report per holder unit. Every figure is defined in docs/approvals.md."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, CharField, Count, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from onezone.approvals.choices import ApplicationState
from onezone.approvals.models import Application, ItemCase, Journey, Rating
from onezone.approvals.services.applications import CASE_OBJECT_TYPE
from onezone.core import workcal
from onezone.core.choices import PauseReason, TimeUnit
from onezone.core.errors import field_error
from onezone.core.models import ClockPause
from onezone.org.models import Zone

# Pauses the Administrative Licensing Law keeps out of the time limit (Art. 32 corrections,
# Art. 45 hearings, tests, expert reviews and the like).
EXCLUDED_PAUSES = (PauseReason.CORRECTION, PauseReason.SPECIAL_PROCEDURE)
DAY_SECONDS = 86400
PLACES = 2
# A fully online procedure counts half a day; any other at least one (Doing Business rule).
ONLINE_MINIMUM_DAYS = 0.5
PROCEDURE_MINIMUM_DAYS = 1.0
# Ratings of a unit shown as its lowest comments.
LOWEST_COMMENTS = 3

DEFINITIONS = {
    "count": _(
        "Applications of this journey completed in the period (by the date the last item was "
        "decided and the application closed as completed), in the chosen zone."
    ),
    "median_working_days": _(
        "Median, by nearest rank, of the working days from submission of the complete "
        "application to the decision on its last mandatory item. Time when every running "
        "mandatory item was paused for corrections or a special procedure is not counted "
        "(Administrative Licensing Law Art. 32, 45); half a day of office hours is 0.5."
    ),
    "p90_working_days": _(
        "90th percentile, by nearest rank, of the same working days: the value that nine in ten of "
        "the applications did not exceed (the ⌈0.9 × count⌉-th smallest)."
    ),
    "median_calendar_days": _(
        "Median, by nearest rank, of the calendar days (24 hours each, with decimals) from "
        "submission to the decision on the last mandatory item, pauses included: the time the "
        "applicant waited."
    ),
    "p90_calendar_days": _(
        "90th percentile, by nearest rank, of the same calendar days (the ⌈0.9 × count⌉-th "
        "smallest)."
    ),
    "doing_business_days": _(
        "Doing-Business-style time, the median over the applications: each mandatory item is "
        "a procedure counted in calendar days from receipt to decision, at least one day, or "
        "0.5 day if fully online; the procedures of a stage run in parallel but start on "
        "consecutive days (fully online ones on the first day); the stages add up."
    ),
    "baseline": _("The time before the reform, as recorded with the journey."),
    "target": _("The time the reform promises, as recorded with the journey."),
}


@dataclass
class Measure:
    """The numbers of one completed application."""

    application_id: int
    reference: str
    zone: str
    submitted_at: datetime
    decided_at: datetime
    working_days: float
    calendar_days: float
    paused_days: float
    doing_business_days: float
    procedures: int


@dataclass
class _Case:
    pk: int
    stage: int
    received_at: datetime
    decided_at: datetime
    is_fully_online: bool
    pauses: list = field(default_factory=list)


# ---- arguments -------------------------------------------------------------------------


def _journey(journey) -> Journey:
    if isinstance(journey, Journey):
        return journey
    found = Journey.objects.filter(code=str(journey or "")).first()
    if found is None:
        raise field_error("journey", _("There is no journey with this code."), "unknown")
    return found


def _zone(zone) -> Zone | None:
    if zone in (None, "") or isinstance(zone, Zone):
        return zone or None
    found = Zone.objects.filter(code=str(zone)).first()
    if found is None:
        raise field_error("zone", _("There is no zone with this code."), "unknown")
    return found


def _period(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The period as [first moment, moment after the last day) in Shanghai time."""
    if date_from > date_to:
        raise field_error("to", _("The end of the period is before its start."), "before_start")
    start = datetime.combine(date_from, time.min, tzinfo=workcal.SHANGHAI)
    return start, datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=workcal.SHANGHAI)


def completed_applications(*, journey, date_from: date, date_to: date, zone=None):
    """Applications of a journey completed in the period (by finished date), in a zone."""
    journey, zone = _journey(journey), _zone(zone)
    start, end = _period(date_from, date_to)
    applications = Application.objects.filter(
        journey=journey,
        state=ApplicationState.COMPLETED,
        finished_at__gte=start,
        finished_at__lt=end,
        submitted_at__isnull=False,
    )
    return applications.filter(zone=zone) if zone else applications


# ---- measuring -------------------------------------------------------------------------


def measure_applications(*, journey, date_from: date, date_to: date, zone=None) -> list[Measure]:
    """One Measure per completed application, in three queries whatever the count."""
    applications = completed_applications(
        journey=journey, date_from=date_from, date_to=date_to, zone=zone
    )
    rows = list(
        applications.order_by("finished_at", "id").values(
            "pk", "reference", "zone__name", "submitted_at", "finished_at"
        )
    )
    cases = ItemCase.objects.filter(
        application__in=applications, journey_item__is_mandatory=True, decided_at__isnull=False
    )
    by_application: dict[int, list[_Case]] = {}
    by_pk: dict[int, _Case] = {}
    for row in cases.values(
        "pk",
        "application_id",
        "stage_order",
        "received_at",
        "decided_at",
        "journey_item__is_fully_online",
    ):
        case = _Case(
            row["pk"],
            row["stage_order"],
            row["received_at"],
            row["decided_at"],
            row["journey_item__is_fully_online"],
        )
        by_application.setdefault(row["application_id"], []).append(case)
        by_pk[case.pk] = case
    pauses = ClockPause.objects.filter(
        reason__in=EXCLUDED_PAUSES,
        clock__object_type=CASE_OBJECT_TYPE,
        clock__object_id__in=cases.annotate(key=Cast("pk", CharField())).values("key"),
    )
    for object_id, started_at, ended_at in pauses.values_list(
        "clock__object_id", "started_at", "ended_at"
    ):
        case = by_pk.get(int(object_id))
        if case is not None:
            case.pauses.append((started_at, ended_at or case.decided_at))
    if not rows:
        return []
    # One calendar for the whole set (get_calendar costs a query per call).
    calendar = workcal.get_calendar(
        min(row["submitted_at"] for row in rows).year - 1,
        max(row["finished_at"] for row in rows).year + 1,
    )
    return [_measure(row, by_application.get(row["pk"], []), calendar) for row in rows]


def _working_days(start: datetime, end: datetime, pauses, calendar) -> float:
    """workcal.elapsed on a calendar fetched once (same rounding)."""
    micros = workcal.counted_micros(start, end, TimeUnit.WORKING_DAYS, pauses, calendar)
    unit = workcal.unit_micros(TimeUnit.WORKING_DAYS, calendar)
    return round(micros / unit, workcal.ELAPSED_PLACES)


def _measure(row: dict, cases: list[_Case], calendar) -> Measure:
    start = row["submitted_at"]
    # Without a decided mandatory item (a journey of optional items), the application's close.
    end = max((case.decided_at for case in cases), default=row["finished_at"])
    end = max(end, start)
    excluded = joint_pauses(cases)
    paused_seconds = sum((last - first).total_seconds() for first, last in excluded)
    return Measure(
        application_id=row["pk"],
        reference=row["reference"],
        zone=row["zone__name"],
        submitted_at=start,
        decided_at=end,
        working_days=_working_days(start, end, excluded, calendar),
        calendar_days=round((end - start).total_seconds() / DAY_SECONDS, 4),
        paused_days=round(paused_seconds / DAY_SECONDS, 4),
        doing_business_days=doing_business_days(cases),
        procedures=len(cases),
    )


def joint_pauses(cases: list[_Case]) -> list[tuple[datetime, datetime]]:
    """Spans when at least one mandatory item was running and every running one was paused:
    only then is the applicant waiting on nobody but themselves or a statutory procedure."""
    moments = sorted(
        {case.received_at for case in cases}
        | {case.decided_at for case in cases}
        | {moment for case in cases for pause in case.pauses for moment in pause}
    )
    spans: list[tuple[datetime, datetime]] = []
    for first, last in zip(moments, moments[1:], strict=False):
        running = [c for c in cases if c.received_at <= first and last <= c.decided_at]
        if running and all(_paused_over(c, first, last) for c in running):
            if spans and spans[-1][1] == first:
                spans[-1] = (spans[-1][0], last)
            else:
                spans.append((first, last))
    return spans


def _paused_over(case: _Case, first: datetime, last: datetime) -> bool:
    return any(start <= first and last <= end for start, end in case.pauses)


def doing_business_days(cases: list[_Case]) -> float:
    """Stages add up; within a stage the procedures overlap but start on consecutive days,
    longest first (which gives the shortest stage); fully online ones all start on day one."""
    total = 0.0
    for stage in sorted({case.stage for case in cases}):
        offline, online = [], []
        for case in (c for c in cases if c.stage == stage):
            days = (case.decided_at - case.received_at).total_seconds() / DAY_SECONDS
            if case.is_fully_online:
                online.append(max(days, ONLINE_MINIMUM_DAYS))
            else:
                offline.append(max(days, PROCEDURE_MINIMUM_DAYS))
        offline.sort(reverse=True)
        spans = [days + offset for offset, days in enumerate(offline)] + online
        total += max(spans)
    return round(total, 4)


def nearest_rank(values: list[float], percent: int) -> float | None:
    """The ⌈percent/100 × n⌉-th smallest value (nearest-rank percentile); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(Decimal(percent) / 100 * len(ordered)))
    return ordered[rank - 1]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, PLACES)


def _reference_value(value: Decimal, unit: str, definition: str) -> dict:
    return {"value": float(value), "unit": unit, "definition": definition}


def summarise(journey: Journey, measures: list[Measure]) -> dict:
    working = [m.working_days for m in measures]
    calendar = [m.calendar_days for m in measures]
    return {
        "journey": journey.code,
        "count": len(measures),
        "median_working_days": _rounded(nearest_rank(working, 50)),
        "p90_working_days": _rounded(nearest_rank(working, 90)),
        "median_calendar_days": _rounded(nearest_rank(calendar, 50)),
        "p90_calendar_days": _rounded(nearest_rank(calendar, 90)),
        "doing_business_days": _rounded(
            nearest_rank([m.doing_business_days for m in measures], 50)
        ),
        "baseline": _reference_value(
            journey.baseline_value, journey.baseline_unit, journey.baseline_definition
        ),
        "target": _reference_value(
            journey.target_value, journey.target_unit, journey.target_definition
        ),
        "definitions": {name: str(text) for name, text in DEFINITIONS.items()},
    }


def journey_outcomes(*, journey, date_from: date, date_to: date, zone=None) -> dict:
    """The outcome figures of a journey in a period (and zone), each with its definition.
    `journey` and `zone` are codes or objects; ValidationError on an unknown one."""
    journey = _journey(journey)
    measures = measure_applications(
        journey=journey, date_from=date_from, date_to=date_to, zone=zone
    )
    return summarise(journey, measures)


def histogram(measures: list[Measure], bins: int = 12) -> dict:
    """Working days per application in equal bins (for the chart)."""
    if not measures:
        return {"labels": [], "counts": []}
    top = max(m.working_days for m in measures)
    width = max(top / bins, 0.5) if top else 0.5
    width = math.ceil(width * 2) / 2  # half-day steps
    count = max(1, math.ceil(top / width + 1e-9)) if top else 1
    counts = [0] * count
    for m in measures:
        counts[min(int(m.working_days // width), count - 1)] += 1
    labels = [f"{_fmt(i * width)}–{_fmt((i + 1) * width)}" for i in range(count)]
    return {"labels": labels, "counts": counts}


def _fmt(value: float) -> str:
    return f"{value:g}"


# ---- ratings ------------------------------------------------------------------------------


@dataclass
class UnitRatings:
    unit_id: int
    unit: str
    body: str
    count: int
    average: float
    high_share_percent: float
    lowest: list = field(default_factory=list)


def rating_report(*, date_from: date, date_to: date, zone=None) -> list[UnitRatings]:
    """Per holder unit: ratings given in the period (and zone), average score, share of 4–5,
    and its lowest-scored comments. Two queries."""
    start, end = _period(date_from, date_to)
    ratings = Rating.objects.filter(rated_at__gte=start, rated_at__lt=end)
    zone = _zone(zone)
    if zone:
        ratings = ratings.filter(item_case__application__zone=zone)
    rows = (
        ratings.values(
            "item_case__holder_unit",
            "item_case__holder_unit__name",
            "item_case__holder_unit__body__name",
        )
        .annotate(count=Count("pk"), average=Avg("score"), high=Count("pk", filter=Q(score__gte=4)))
        .order_by("average", "item_case__holder_unit__name")
    )
    report = {
        row["item_case__holder_unit"]: UnitRatings(
            unit_id=row["item_case__holder_unit"],
            unit=row["item_case__holder_unit__name"],
            body=row["item_case__holder_unit__body__name"],
            count=row["count"],
            average=round(row["average"], PLACES),
            high_share_percent=round(100 * row["high"] / row["count"], 1),
        )
        for row in rows
    }
    lowest = (
        ratings.exclude(comment="")
        .filter(score__lte=3)
        .order_by("score", "-rated_at", "pk")
        .values("item_case__holder_unit", "score", "comment", "rated_at")
    )
    for row in lowest:
        unit = report[row["item_case__holder_unit"]]
        if len(unit.lowest) < LOWEST_COMMENTS:
            unit.lowest.append(row)
    return list(report.values())
