"""Working-day deadlines: precomputed tables against a day-by-day loop asking chinesecalendar."""

import random
from datetime import date, datetime, time, timedelta

import chinese_calendar

from bench.timing import best_of, report
from onezone.core import workcal

DEADLINES = 100_000
SEED = 20260101
FIRST_YEAR, LAST_YEAR = 2020, 2026
SINGLE_CALLS = 10_000


def _cases() -> tuple[list[datetime], list[int]]:
    """Starts uniform over the office time of 2020–2026; amounts uniform in 1–60 working days."""
    rng = random.Random(SEED)
    calendar = workcal.get_calendar(FIRST_YEAR, LAST_YEAR + 1)
    first = calendar.position(datetime(FIRST_YEAR, 1, 1, tzinfo=workcal.SHANGHAI))
    last = calendar.position(datetime(LAST_YEAR + 1, 1, 1, tzinfo=workcal.SHANGHAI))
    starts = [calendar.instant(rng.randrange(first, last) + 1) for _ in range(DEADLINES)]
    amounts = [rng.randint(1, 60) for _ in range(DEADLINES)]
    return starts, amounts


def _is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except workcal.YearNotCovered:  # after the package's last year: weekends only
        return day.weekday() < 5


def _naive(starts: list[datetime], amounts: list[int]) -> list[datetime]:
    close = time(17, 30, tzinfo=workcal.SHANGHAI)
    results = []
    for start, amount in zip(starts, amounts, strict=True):
        day, counted = start.date(), 0
        while counted < amount:
            day += timedelta(days=1)
            counted += _is_workday(day)
        results.append(datetime.combine(day, close).astimezone(workcal.SHANGHAI))
    return results


def run() -> None:
    starts, amounts = _cases()
    # The loop is slow (the package re-derives its year range on every call): time it once
    # and keep its answers to check the tables against.
    expected: list[datetime] = []
    naive_seconds = best_of(1, lambda: expected.extend(_naive(starts, amounts)))
    batch = workcal.add_many(starts, amounts, "working_days")
    few = list(zip(starts[:SINGLE_CALLS], amounts[:SINGLE_CALLS], strict=True))
    single = [workcal.add(s, a, "working_days") for s, a in few]
    assert batch == expected, "tables and loop disagree"
    assert single == expected[:SINGLE_CALLS], "add() and loop disagree"
    batch_seconds = best_of(3, lambda: workcal.add_many(starts, amounts, "working_days"))
    single_seconds = best_of(3, lambda: [workcal.add(s, a, "working_days") for s, a in few])
    report("day-by-day loop (baseline)", DEADLINES, naive_seconds, naive_seconds)
    report(
        "add() per call (incl. calendar version query)",
        SINGLE_CALLS,
        single_seconds,
        naive_seconds * SINGLE_CALLS / DEADLINES,
    )
    report("add_many() batch, precomputed tables", DEADLINES, batch_seconds, naive_seconds)
