"""Working-time arithmetic: deadlines and elapsed time against chinesecalendar's data."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from onezone.core import calendar_services, workcal
from onezone.core.workcal import SHANGHAI

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_it_gives_the_worked_example_of_the_issue():
    deadline = workcal.add(at("2025-09-30T10:00+08:00"), 5, "working_days")
    assert deadline == at("2025-10-14T17:30+08:00")
    assert deadline.isoformat() == "2025-10-14T17:30:00+08:00"


def test_it_reads_a_naive_datetime_as_shanghai_time():
    assert workcal.add(datetime(2025, 9, 30, 10), 5, "working_days") == at("2025-10-14T17:30+08:00")


def test_it_converts_other_time_zones_to_shanghai_before_counting_days():
    # 2025-09-30T18:00Z is already 1 October in Shanghai, a holiday.
    assert workcal.add(at("2025-09-30T18:00+00:00"), 1, "working_days") == at(
        "2025-10-09T17:30+08:00"
    )


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        # Spring Festival 2025: 26 January (Sunday) is a make-up day; 28 Jan–4 Feb off.
        ("2025-01-24T10:00+08:00", 3, "2025-02-05T17:30+08:00"),
        # National Day 2025: 28 September (Sunday) is a make-up day.
        ("2025-09-26T15:00+08:00", 2, "2025-09-29T17:30+08:00"),
        # Spring Festival 2026: 14 February (Saturday) is a make-up day; 16–23 Feb off.
        ("2026-02-13T09:00+08:00", 2, "2026-02-24T17:30+08:00"),
        # 2026: 20 September (Sunday) make-up day before the 25 September holiday.
        ("2026-09-18T11:00+08:00", 2, "2026-09-21T17:30+08:00"),
        ("2026-09-24T11:00+08:00", 1, "2026-09-28T17:30+08:00"),
        # National Day 2026: 1–7 October off, 10 October (Saturday) is a make-up day.
        ("2026-09-30T16:00+08:00", 3, "2026-10-10T17:30+08:00"),
    ],
)
def test_it_counts_the_2025_and_2026_holiday_seasons(start, amount, expected):
    assert workcal.add(at(start), amount, "working_days") == at(expected)


def test_it_agrees_with_chinesecalendar_on_every_day_of_2025_and_2026():
    import chinese_calendar

    calendar = workcal.get_calendar(2025, 2026)
    day = date(2025, 1, 1)
    while day.year < 2027:
        assert calendar.is_working(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_it_finds_the_first_uncovered_year_by_asking_the_package():
    year = workcal.first_uncovered_year()
    assert workcal.package_covers(year - 1)
    assert not workcal.package_covers(year)


def _first_monday_of_march(year: int) -> date:
    day = date(year, 3, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def test_it_uses_weekends_only_and_says_unconfirmed_in_the_first_uncovered_year():
    year = workcal.first_uncovered_year()
    monday = _first_monday_of_march(year)
    answer = workcal.deadline(
        datetime(monday.year, monday.month, monday.day, 10), 5, "working_days"
    )
    next_monday = monday + timedelta(days=7)
    assert answer.deadline == datetime(
        next_monday.year, next_monday.month, next_monday.day, 17, 30, tzinfo=SHANGHAI
    )
    assert answer.calendar_confirmed is False
    calendar = workcal.get_calendar(year, year)
    october_first = date(year, 10, 1)
    assert calendar.is_working(october_first) == (october_first.weekday() < 5)


def test_it_says_confirmed_in_covered_years():
    assert workcal.deadline(at("2025-09-30T10:00+08:00"), 5, "working_days").calendar_confirmed


def test_it_says_confirmed_once_an_administrator_confirms_the_year(django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="x")
    year = workcal.first_uncovered_year()
    calendar_services.year_confirm(actor=admin, year=year)
    start = datetime(year, 3, 1, 10)
    assert workcal.deadline(start, 5, "working_days").calendar_confirmed is True


def test_it_lets_overrides_win(django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="x")
    calendar_services.override_set(
        actor=admin, day=date(2025, 10, 9), is_working=False, reason="typhoon"
    )
    assert workcal.add(at("2025-09-30T10:00+08:00"), 5, "working_days") == at(
        "2025-10-15T17:30+08:00"
    )
    calendar_services.override_set(
        actor=admin, day=date(2025, 10, 4), is_working=True, reason="exercise"
    )
    assert workcal.add(at("2025-09-30T10:00+08:00"), 5, "working_days") == at(
        "2025-10-14T17:30+08:00"
    )
    calendar_services.override_remove(actor=admin, day=date(2025, 10, 9))
    assert workcal.add(at("2025-09-30T10:00+08:00"), 5, "working_days") == at(
        "2025-10-13T17:30+08:00"
    )


def test_it_counts_half_a_working_day_as_half():
    # 09:00–12:00 and 13:30–14:00 are 3.5 of the day's 7 office hours.
    elapsed = workcal.elapsed(
        at("2025-09-30T09:00+08:00"), at("2025-09-30T14:00+08:00"), "working_days"
    )
    assert elapsed == 0.5


def test_it_counts_working_days_across_a_holiday():
    elapsed = workcal.elapsed(
        at("2025-09-30T17:30+08:00"), at("2025-10-09T17:30+08:00"), "working_days"
    )
    assert elapsed == 1.0


def test_it_keeps_a_working_hours_deadline_on_the_session_end_it_lands_on():
    start = at("2025-09-30T10:00+08:00")
    assert workcal.add(start, 2, "working_hours") == at("2025-09-30T12:00+08:00")
    assert workcal.add(start, 6, "working_hours") == at("2025-09-30T17:30+08:00")
    assert workcal.add(start, "6.5", "working_hours") == at("2025-10-09T09:30+08:00")


def test_it_skips_the_lunch_break_for_working_hours():
    assert workcal.add(at("2025-09-30T11:00+08:00"), "1.5", "working_hours") == at(
        "2025-09-30T14:00+08:00"
    )


def test_it_ends_calendar_days_at_the_last_second_of_the_nth_day():
    assert workcal.add(at("2025-09-30T10:00+08:00"), 3, "calendar_days") == at(
        "2025-10-03T23:59:59+08:00"
    )


def test_it_adds_natural_hours_exactly():
    start = at("2025-09-30T10:00:30+08:00")
    assert workcal.add(start, 24, "hours") == at("2025-10-01T10:00:30+08:00")
    assert workcal.add(start, "1.5", "hours") == at("2025-09-30T11:30:30+08:00")
    assert workcal.elapsed(start, at("2025-10-01T12:00:30+08:00"), "hours") == 26.0


def test_it_excludes_pauses_from_elapsed_time():
    start, end = at("2025-09-29T09:00+08:00"), at("2025-09-30T17:30+08:00")
    pauses = [(at("2025-09-29T13:30+08:00"), at("2025-09-30T09:00+08:00"))]
    # 14 office hours, 4 of them paused.
    assert workcal.elapsed(start, end, "working_hours", pauses) == 10.0
    assert workcal.elapsed(start, end, "working_days", pauses) == round(10 / 7, 4)
    assert workcal.elapsed(start, end, "hours", pauses) == round(32.5 - 19.5, 4)


def test_it_counts_overlapping_pauses_once():
    start, end = at("2025-09-29T09:00+08:00"), at("2025-09-29T17:30+08:00")
    pauses = [
        (at("2025-09-29T09:00+08:00"), at("2025-09-29T11:00+08:00")),
        (at("2025-09-29T10:00+08:00"), at("2025-09-29T12:00+08:00")),
    ]
    assert workcal.elapsed(start, end, "working_hours", pauses) == 4.0


def test_it_adds_many_deadlines_at_once_like_one_at_a_time():
    starts = [at("2025-09-30T10:00+08:00"), at("2026-02-13T09:00+08:00")]
    assert workcal.add_many(starts, [5, 2], "working_days") == [
        at("2025-10-14T17:30+08:00"),
        at("2026-02-24T17:30+08:00"),
    ]


@pytest.mark.parametrize(
    ("amount", "unit", "field"),
    [
        (-1, "working_days", "amount"),
        ("1.5", "working_days", "amount"),
        (1, "fortnights", "unit"),
        (10**9, "hours", "amount"),
    ],
)
def test_it_refuses_invalid_input_naming_the_field(amount, unit, field):
    with pytest.raises(ValidationError) as error:
        workcal.add(at("2025-09-30T10:00+08:00"), amount, unit)
    assert field in error.value.error_dict


def test_it_refuses_an_end_before_the_start():
    with pytest.raises(ValidationError) as error:
        workcal.elapsed(at("2025-09-30T10:00+08:00"), at("2025-09-29T10:00+08:00"), "hours")
    assert "end" in error.value.error_dict


def test_it_follows_configured_office_hours(settings):
    settings.ONEZONE_OFFICE_HOURS = [("08:30", "12:00"), ("14:00", "18:00")]
    assert workcal.add(at("2025-09-30T10:00+08:00"), 5, "working_days") == at(
        "2025-10-14T18:00+08:00"
    )
