"""Working-time arithmetic: the working-day calendar, office hours, deadlines, elapsed time.

Every answer comes from precomputed tables (see docs/adr/0004-working-time-clock.md): per day a
working flag, the cumulative count of working days before it, and the list of working days, so
a deadline is two list look-ups, never a day-by-day walk. Working time is measured as a position
in microseconds of office time since the table's first day; `add` and `elapsed` are differences
and inverses of that position.
"""

import functools
import itertools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from onezone.core.choices import TimeUnit
from onezone.core.errors import field_error

# Naive datetimes mean the platform's place; Shanghai keeps no daylight saving time, so wall
# clock arithmetic on it is exact.
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_OFFICE_HOURS = (("09:00", "12:00"), ("13:30", "17:30"))
# Dates outside these years are invalid input rather than tables of unbounded size.
FIRST_SUPPORTED_YEAR = 1900
LAST_SUPPORTED_YEAR = 2299
MAX_AMOUNT = Decimal(10000)
# The SiteFlag whose value changes with every override or year confirmation.
VERSION_FLAG = "working_calendar_version"
VERSION_QUERY = 'SELECT "value" FROM "core_siteflag" WHERE "key" = %s'
# Rounding of elapsed answers (decimal places).
ELAPSED_PLACES = 4

MICROS = 1_000_000
HOUR_MICROS = 3600 * MICROS
DAY_MICROS = 24 * HOUR_MICROS
WORKING_UNITS = frozenset({TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS})


# ---- the package's coverage -------------------------------------------------------------


# chinesecalendar's answer for a date past its last published year (it raises this class).
YearNotCovered = NotImplementedError


def package_covers(year: int) -> bool:
    """Whether `chinesecalendar` carries the State Council schedule for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except YearNotCovered:
        return False
    return True


@functools.cache
def first_uncovered_year() -> int:
    """The first year after the package's data (it raises YearNotCovered from there on)."""
    year = max(chinese_calendar.holidays).year
    while package_covers(year):
        year += 1
    return year


@functools.cache
def _covered_years() -> frozenset[int]:
    first = min(chinese_calendar.holidays).year
    return frozenset(year for year in range(first, first_uncovered_year()) if package_covers(year))


def _package_is_working(day: date, covered: bool) -> bool:
    if covered:
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


# ---- office hours ---------------------------------------------------------------------------


def _micros_of(text: str) -> int:
    moment = time.fromisoformat(text)
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * MICROS


def office_sessions() -> tuple[tuple[int, int], ...]:
    """Office sessions of a working day as (start, end) microseconds since midnight."""
    configured = getattr(settings, "ONEZONE_OFFICE_HOURS", DEFAULT_OFFICE_HOURS)
    sessions = tuple((_micros_of(start), _micros_of(end)) for start, end in configured)
    previous_end = 0
    for start, end in sessions:
        if not previous_end <= start < end:
            raise ValueError("ONEZONE_OFFICE_HOURS must be ordered, non-overlapping sessions")
        previous_end = end
    if not sessions:
        raise ValueError("ONEZONE_OFFICE_HOURS needs at least one session")
    return sessions


# ---- the tables -----------------------------------------------------------------------------


class WorkingCalendar:
    """Precomputed working-day tables for the years `first_year`..`last_year`."""

    def __init__(
        self,
        *,
        first_year: int,
        last_year: int,
        overrides: dict[date, bool],
        confirmed_years: frozenset[int],
        sessions: tuple[tuple[int, int], ...],
        version: str = "",
    ):
        self.first_year = first_year
        self.last_year = last_year
        self.overrides = overrides
        self.confirmed_years = confirmed_years
        self.sessions = sessions
        self.version = version
        self.day_micros = sum(end - start for start, end in sessions)
        self.close_micros = sessions[-1][1]
        self.base = date(first_year, 1, 1).toordinal()
        self.flags = self._build_flags()
        # cumulative[i] = working days before day i; working_days[k] = index of the (k+1)-th.
        self.cumulative = [0, *itertools.accumulate(self.flags)]
        self.working_days = [index for index, flag in enumerate(self.flags) if flag]

    def _build_flags(self) -> bytearray:
        covered_years = _covered_years()
        flags = bytearray()
        for year in range(self.first_year, self.last_year + 1):
            covered = year in covered_years
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            flags.extend(
                _package_is_working(date.fromordinal(day), covered)
                for day in range(first, last + 1)
            )
        for day, is_working in self.overrides.items():
            index = day.toordinal() - self.base
            if 0 <= index < len(flags):
                flags[index] = is_working
        return flags

    def covers(self, first_year: int, last_year: int) -> bool:
        return self.first_year <= first_year and last_year <= self.last_year

    def is_confirmed(self, year: int) -> bool:
        return year in _covered_years() or year in self.confirmed_years

    def confirmed_between(self, first: date, last: date) -> bool:
        return all(self.is_confirmed(year) for year in range(first.year, last.year + 1))

    def is_working(self, day: date) -> bool:
        return bool(self.flags[day.toordinal() - self.base])

    # working-time positions

    def _in_day(self, micros: int) -> int:
        total = 0
        for start, end in self.sessions:
            if micros <= start:
                break
            total += min(micros, end) - start
        return total

    def position(self, moment: datetime) -> int:
        """Office time (microseconds) from the table's first day to a local `moment`."""
        index = moment.toordinal() - self.base
        position = self.cumulative[index] * self.day_micros
        if self.flags[index]:
            micros = (
                (moment.hour * 60 + moment.minute) * 60 + moment.second
            ) * MICROS + moment.microsecond
            position += self._in_day(micros)
        return position

    def instant(self, position: int) -> datetime:
        """The earliest local moment whose position is `position` (so a session end stays)."""
        whole_days, rest = divmod(position, self.day_micros)
        if rest == 0:
            return self._at(self.working_days[whole_days - 1], self.close_micros)
        for start, end in self.sessions:
            if rest <= end - start:
                return self._at(self.working_days[whole_days], start + rest)
            rest -= end - start
        raise AssertionError("unreachable: rest is below one day's office time")

    def _at(self, index: int, micros: int) -> datetime:
        day = date.fromordinal(self.base + index)
        return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(
            microseconds=micros
        )

    def nth_working_day_close(self, start: datetime, amount: int) -> datetime:
        """Close of office on the `amount`-th working day after the start day."""
        count = self.cumulative[start.toordinal() - self.base + 1] + amount
        return self._at(self.working_days[count - 1], self.close_micros)


_lock = threading.Lock()
_cached: WorkingCalendar | None = None


def _current_version() -> str:
    # Plain SQL: this runs on every answer, and building an ORM query costs more than the read.
    with connection.cursor() as cursor:
        cursor.execute(VERSION_QUERY, [VERSION_FLAG])
        row = cursor.fetchone()
    return row[0] if row else "0"


def _load(first_year: int, last_year: int, version: str) -> WorkingCalendar:
    from onezone.core.models import CalendarOverride, CalendarYearConfirmation

    return WorkingCalendar(
        first_year=first_year,
        last_year=last_year,
        overrides=dict(CalendarOverride.objects.values_list("date", "is_working")),
        confirmed_years=frozenset(CalendarYearConfirmation.objects.values_list("year", flat=True)),
        sessions=office_sessions(),
        version=version,
    )


def invalidate() -> None:
    """Forget the tables (the next answer rebuilds them from the database)."""
    global _cached
    with _lock:
        _cached = None


def get_calendar(first_year: int | None = None, last_year: int | None = None) -> WorkingCalendar:
    """The cached tables covering at least the given years, rebuilt when the overrides,
    confirmations or office hours changed (one small query per call)."""
    global _cached
    this_year = datetime.now(SHANGHAI).year
    first_year = max(FIRST_SUPPORTED_YEAR, min(first_year or this_year, 2000))
    last_year = min(
        LAST_SUPPORTED_YEAR + 50, max(last_year or this_year, first_uncovered_year() + 4)
    )
    version = _current_version()
    with _lock:
        cached = _cached
        if (
            cached is None
            or cached.version != version
            or cached.sessions != office_sessions()
            or not cached.covers(first_year, last_year)
        ):
            if cached is not None and cached.version == version:
                first_year = min(first_year, cached.first_year)
                last_year = max(last_year, cached.last_year)
            cached = _load(first_year, last_year, version)
            _cached = cached
        return cached


# ---- input ----------------------------------------------------------------------------------


def local(moment: datetime, field: str = "start") -> datetime:
    """`moment` in Asia/Shanghai; a naive datetime already means Asia/Shanghai."""
    if not isinstance(moment, datetime):
        raise field_error(field, _("Give a date and time."), "invalid")
    moment = moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment
    moment = moment.astimezone(SHANGHAI)
    if not FIRST_SUPPORTED_YEAR <= moment.year <= LAST_SUPPORTED_YEAR:
        raise field_error(
            field,
            _("Dates must lie between %(first)s and %(last)s.")
            % {"first": FIRST_SUPPORTED_YEAR, "last": LAST_SUPPORTED_YEAR},
            "out_of_range",
        )
    return moment


def checked_unit(unit) -> TimeUnit:
    try:
        return TimeUnit(unit)
    except ValueError:
        raise field_error("unit", _("Unknown unit."), "invalid_choice") from None


def checked_amount(amount, unit: TimeUnit) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise field_error("amount", _("Give a number."), "invalid") from None
    if not value.is_finite() or value < 0:
        raise field_error("amount", _("The amount cannot be negative."), "negative")
    if value > MAX_AMOUNT:
        raise field_error(
            "amount", _("The amount is larger than %(max)s.") % {"max": MAX_AMOUNT}, "too_large"
        )
    if unit == TimeUnit.WORKING_DAYS and value != value.to_integral_value():
        raise field_error("amount", _("Working days are counted in whole days."), "not_whole")
    return value


def _micros(amount: Decimal, unit_micros: int) -> int:
    return int((amount * unit_micros).to_integral_value(rounding=ROUND_HALF_UP))


def _span_years(start: datetime, amount: Decimal, unit: TimeUnit) -> tuple[int, int]:
    """Years the tables must cover for an answer (generous: 200 working days a year)."""
    return start.year, start.year + int(amount) // 200 + 2


# ---- arithmetic -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    deadline: datetime
    calendar_confirmed: bool


def _add(calendar: WorkingCalendar, start: datetime, amount: Decimal, unit: TimeUnit) -> datetime:
    if amount == 0:
        return start
    if unit == TimeUnit.WORKING_DAYS:
        return calendar.nth_working_day_close(start, int(amount))
    if unit == TimeUnit.WORKING_HOURS:
        return calendar.instant(calendar.position(start) + _micros(amount, HOUR_MICROS))
    if unit == TimeUnit.CALENDAR_DAYS:
        day = start.date() + timedelta(days=int(amount))
        return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)
    return start + timedelta(microseconds=_micros(amount, HOUR_MICROS))


def deadline(start: datetime, amount, unit) -> Deadline:
    """`add` with whether the answer rests only on confirmed calendar years."""
    unit = checked_unit(unit)
    amount = checked_amount(amount, unit)
    start = local(start)
    calendar = get_calendar(*_span_years(start, amount, unit))
    due = _add(calendar, start, amount, unit)
    confirmed = unit not in WORKING_UNITS or calendar.confirmed_between(start, due)
    return Deadline(due, confirmed)


def add(start: datetime, amount, unit) -> datetime:
    """The deadline `amount` `unit`s after `start` (see the units in docs/adr/0004)."""
    return deadline(start, amount, unit).deadline


def add_many(starts: Sequence[datetime], amounts: Sequence, unit) -> list[datetime]:
    """`add` for many starts at once: one calendar look-up, one validation of the unit."""
    unit = checked_unit(unit)
    checked = [checked_amount(amount, unit) for amount in amounts]
    if len(checked) != len(starts):
        raise field_error("amount", _("Give one amount per start."), "length")
    if not starts:
        return []
    locals_ = [local(start) for start in starts]
    first = min(moment.year for moment in locals_)
    last = max(moment.year for moment in locals_) + int(max(checked)) // 200 + 2
    calendar = get_calendar(first, last)
    if unit == TimeUnit.WORKING_DAYS:
        # The hot path of deadlines, inlined: two list look-ups per deadline.
        cumulative, working_days, base = calendar.cumulative, calendar.working_days, calendar.base
        at, close = calendar._at, calendar.close_micros
        return [
            at(working_days[cumulative[start.toordinal() - base + 1] + int(amount) - 1], close)
            if amount
            else start
            for start, amount in zip(locals_, checked, strict=True)
        ]
    return [
        _add(calendar, start, amount, unit) for start, amount in zip(locals_, checked, strict=True)
    ]


def _merged(
    pauses: Iterable[tuple[datetime, datetime | None]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Pauses clipped to [start, end] and merged, so overlapping pauses count once; an open
    pause (no end) runs to `end`."""
    clipped = []
    for pause_start, pause_end in pauses:
        first = max(local(pause_start, "pauses"), start)
        last = min(local(pause_end, "pauses") if pause_end else end, end)
        if first < last:
            clipped.append((first, last))
    merged: list[tuple[datetime, datetime]] = []
    for first, last in sorted(clipped):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _measure(calendar: WorkingCalendar, start: datetime, end: datetime, unit: TimeUnit) -> int:
    """Microseconds between two local moments that count in `unit` (office time or all)."""
    if unit in WORKING_UNITS:
        return calendar.position(end) - calendar.position(start)
    return (end - start) // timedelta(microseconds=1)


def _unit_micros(calendar: WorkingCalendar, unit: TimeUnit) -> int:
    return {
        TimeUnit.WORKING_DAYS: calendar.day_micros,
        TimeUnit.WORKING_HOURS: HOUR_MICROS,
        TimeUnit.CALENDAR_DAYS: DAY_MICROS,
        TimeUnit.HOURS: HOUR_MICROS,
    }[unit]


def counted_micros(start, end, unit, pauses=(), calendar: WorkingCalendar | None = None) -> int:
    """Microseconds from `start` to `end` that count in `unit`, pauses excluded."""
    unit = checked_unit(unit)
    start, end = local(start, "start"), local(end, "end")
    if end < start:
        raise field_error("end", _("The end is before the start."), "before_start")
    calendar = calendar or get_calendar(start.year, end.year)
    total = _measure(calendar, start, end, unit)
    for first, last in _merged(pauses, start, end):
        total -= _measure(calendar, first, last, unit)
    return total


def elapsed(start: datetime, end: datetime, unit, pauses=()) -> float:
    """Time from `start` to `end` in `unit`, without the paused spans; half a working day of
    office time is 0.5 working days. Rounded to ELAPSED_PLACES decimals."""
    unit = checked_unit(unit)
    start, end = local(start, "start"), local(end, "end")
    calendar = get_calendar(start.year, end.year)
    micros = counted_micros(start, end, unit, pauses, calendar)
    return round(micros / _unit_micros(calendar, unit), ELAPSED_PLACES)


def shifted(moment: datetime, micros: int, unit, calendar: WorkingCalendar) -> datetime:
    """`moment` moved later by `micros` of time that counts in `unit` (used for pauses)."""
    if micros == 0:
        return moment
    if checked_unit(unit) in WORKING_UNITS:
        return calendar.instant(calendar.position(moment) + micros)
    return moment + timedelta(microseconds=micros)


def unit_micros(unit, calendar: WorkingCalendar) -> int:
    return _unit_micros(calendar, checked_unit(unit))


# ---- a year at a glance -----------------------------------------------------------------------


@dataclass(frozen=True)
class YearSummary:
    year: int
    calendar_confirmed: bool
    package_covers: bool
    non_working_weekdays: list[date]
    working_weekend_days: list[date]
    holiday_names: dict[date, str]


def holiday_name(day: date) -> str:
    """The package's English name of the holiday on `day` ("" when none or uncovered)."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except YearNotCovered:
        return ""
    return name if is_holiday and name else ""


def year_summary(year: int) -> YearSummary:
    calendar = get_calendar(year, year)
    days = [
        date.fromordinal(ordinal)
        for ordinal in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1)
    ]
    non_working = [day for day in days if day.weekday() < 5 and not calendar.is_working(day)]
    return YearSummary(
        year=year,
        calendar_confirmed=calendar.is_confirmed(year),
        package_covers=year in _covered_years(),
        non_working_weekdays=non_working,
        working_weekend_days=[d for d in days if d.weekday() >= 5 and calendar.is_working(d)],
        holiday_names={day: holiday_name(day) for day in non_working},
    )
