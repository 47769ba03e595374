"""Calendar API: anonymous reads of deadlines, elapsed time and a year; 422 naming the field."""

from datetime import date

import pytest

from onezone.core import calendar_services, workcal

pytestmark = pytest.mark.django_db


def test_it_answers_the_worked_example_anonymously(client):
    response = client.get(
        "/api/calendar/deadline",
        {"start": "2025-09-30T10:00+08:00", "amount": 5, "unit": "working_days"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "deadline": "2025-10-14T17:30:00+08:00",
        "deadline_date": "2025-10-14",
        "calendar_confirmed": True,
    }


def test_it_reads_an_unencoded_plus_in_the_offset(client):
    response = client.get(
        "/api/calendar/deadline?start=2025-09-30T10:00+08:00&amount=5&unit=working_days"
    )
    assert response.json()["deadline"] == "2025-10-14T17:30:00+08:00"


def test_it_says_unconfirmed_in_the_first_uncovered_year(client):
    year = workcal.first_uncovered_year()
    response = client.get(
        "/api/calendar/deadline",
        {"start": f"{year}-03-01T10:00", "amount": 3, "unit": "working_days"},
    )
    assert response.status_code == 200
    assert response.json()["calendar_confirmed"] is False


def test_it_gives_elapsed_time(client):
    response = client.get(
        "/api/calendar/elapsed",
        {"start": "2025-09-30T09:00", "end": "2025-09-30T14:00", "unit": "working_days"},
    )
    assert response.json() == {"elapsed": 0.5, "unit": "working_days"}


def test_it_lists_the_exceptions_of_a_year(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="x")
    calendar_services.override_set(
        actor=admin, day=date(2025, 12, 31), is_working=False, reason="year-end closure"
    )
    body = client.get("/api/calendar/days", {"year": 2025}).json()
    assert body["year"] == 2025
    assert body["calendar_confirmed"] is True
    assert body["working_weekend_days"] == [
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
    ]
    assert "2025-10-08" in body["non_working_weekdays"]
    assert "2025-12-31" in body["non_working_weekdays"]
    assert "2025-10-04" not in body["non_working_weekdays"]  # a Saturday
    assert body["overrides"] == [
        {"date": "2025-12-31", "working": False, "reason": "year-end closure"}
    ]


def test_it_has_no_exceptions_in_an_unconfirmed_year(client):
    year = workcal.first_uncovered_year()
    body = client.get("/api/calendar/days", {"year": year}).json()
    assert body["calendar_confirmed"] is False
    assert body["non_working_weekdays"] == []
    assert body["working_weekend_days"] == []


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("deadline", {"start": "2025-09-30T10:00", "amount": 5, "unit": "fortnights"}, "unit"),
        ("deadline", {"start": "2025-09-30T10:00", "amount": -1, "unit": "hours"}, "amount"),
        (
            "deadline",
            {"start": "2025-09-30T10:00", "amount": "1.5", "unit": "working_days"},
            "amount",
        ),
        ("deadline", {"start": "yesterday", "amount": 5, "unit": "hours"}, "start"),
        ("deadline", {"start": "2025-02-30T10:00", "amount": 5, "unit": "hours"}, "start"),
        ("deadline", {"start": "1800-01-01T10:00", "amount": 5, "unit": "hours"}, "start"),
        ("deadline", {"amount": 5, "unit": "hours"}, "start"),
        (
            "elapsed",
            {"start": "2025-09-30T10:00", "end": "2025-09-29T10:00", "unit": "hours"},
            "end",
        ),
        ("elapsed", {"start": "2025-09-30T10:00", "end": "soon", "unit": "hours"}, "end"),
        ("elapsed", {"start": "2025-09-30T10:00", "end": "2025-10-01", "unit": "x"}, "unit"),
        ("days", {"year": "twenty"}, "year"),
        ("days", {"year": 99999}, "year"),
    ],
)
def test_it_answers_422_naming_the_field(client, path, params, field):
    response = client.get(f"/api/calendar/{path}", params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert field in [error["field"] for error in body["errors"]]
