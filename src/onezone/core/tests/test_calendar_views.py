"""Working-day calendar pages: the year view, overrides and year confirmation."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from onezone.core import workcal
from onezone.core.models import AuditEvent, CalendarOverride, CalendarYearConfirmation

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)


def _counts():
    return (
        CalendarOverride.objects.count(),
        CalendarYearConfirmation.objects.count(),
        AuditEvent.objects.count(),
    )


def test_it_shows_holidays_and_make_up_days_of_a_year(client, world):
    _login(client, world.admin)
    response = client.get("/calendar/2025/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-date="2025-10-08" data-kind="holiday"' in html
    assert 'data-date="2025-10-11" data-kind="makeup"' in html
    assert 'data-date="2025-10-13" data-kind="working"' in html
    assert 'id="calendar-unconfirmed"' not in html


def test_it_warns_about_the_first_uncovered_year(client, world):
    _login(client, world.admin)
    year = workcal.first_uncovered_year()
    html = client.get(f"/calendar/{year}/").content.decode()
    assert 'id="calendar-unconfirmed"' in html
    assert 'id="calendar-confirm"' in html


def test_it_lets_an_administrator_confirm_a_year(client, world):
    _login(client, world.admin)
    year = workcal.first_uncovered_year()
    response = client.post(f"/calendar/{year}/confirm/")
    assert response.status_code == 302
    assert CalendarYearConfirmation.objects.get().year == year
    assert AuditEvent.objects.filter(action="calendar.year_confirm").count() == 1
    assert 'id="calendar-unconfirmed"' not in client.get(f"/calendar/{year}/").content.decode()


def test_it_lets_an_administrator_add_and_remove_an_override(client, world):
    _login(client, world.admin)
    response = client.post(
        "/calendar/overrides/",
        {"date": "2025-12-31", "is_working": "0", "reason": "year-end closure", "year": "2025"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert (override.date, override.is_working, override.set_by) == (
        date(2025, 12, 31),
        False,
        world.admin,
    )
    html = client.get("/calendar/2025/").content.decode()
    assert 'data-date="2025-12-31" data-kind="holiday"' in html
    assert "year-end closure" in html
    assert "return confirm(" in html
    client.post("/calendar/overrides/2025-12-31/remove/")
    assert CalendarOverride.objects.count() == 0
    actions = list(
        AuditEvent.objects.filter(action__startswith="calendar.").values_list("action", flat=True)
    )
    assert actions == ["calendar.override_set", "calendar.override_remove"]


def test_it_shows_form_errors_without_saving(client, world):
    _login(client, world.admin)
    before = _counts()
    response = client.post(
        "/calendar/overrides/", {"date": "not a date", "is_working": "1", "reason": ""}
    )
    assert response.status_code == 200
    assert 'data-field="date"' in response.content.decode()
    assert _counts() == before


def test_it_hides_editing_from_non_administrators(client, world):
    _login(client, world.officer_a)
    html = client.get("/calendar/2025/").content.decode()
    assert 'id="calendar-override-form"' not in html


@pytest.mark.parametrize("persona", ["officer_a", "leader", "enterprise_user"])
def test_it_refuses_non_administrators_and_changes_nothing(client, world, persona):
    world_admin_override = {"date": "2025-12-31", "is_working": "0", "reason": "closure"}
    _login(client, getattr(world, persona))
    before = _counts()
    assert client.post("/calendar/overrides/", world_admin_override).status_code == 404
    year = workcal.first_uncovered_year()
    assert client.post(f"/calendar/{year}/confirm/").status_code == 404
    assert client.post("/calendar/overrides/2025-10-01/remove/").status_code == 404
    assert _counts() == before


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/calendar/2025/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_shows_the_nav_item_to_administrators_only(client, world):
    _login(client, world.admin)
    assert 'href="/calendar/"' in client.get("/").content.decode()
    client.logout()
    _login(client, world.officer_a)
    assert 'href="/calendar/"' not in client.get("/").content.decode()


def test_it_warns_staff_on_every_page_while_next_years_calendar_is_unconfirmed(client, world):
    from onezone.core import calendar_services
    from onezone.core.clock import simulated_time
    from onezone.core.workcal import first_uncovered_year

    year = first_uncovered_year()
    client.force_login(world.leader)
    with simulated_time(datetime(year - 1, 11, 27, 10, 0, tzinfo=UTC)):
        assert f'id="calendar-warning-{year}"' in client.get(reverse("home")).content.decode()
        client.force_login(world.enterprise_user)
        assert "calendar-warning" not in client.get(reverse("home")).content.decode()
        calendar_services.year_confirm(actor=world.admin, year=year)
        client.force_login(world.leader)
        assert "calendar-warning" not in client.get(reverse("home")).content.decode()
