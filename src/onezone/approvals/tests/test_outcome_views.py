"""Outcome and rating pages: who sees them, the figures with definitions, the Excel export."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from onezone.approvals.models import ItemCase
from onezone.approvals.services.ratings import rating_submit
from onezone.approvals.tests import test_outcomes as scenario
from onezone.core.choices import TimeUnit
from onezone.core.clock import simulated_time

at = scenario.at
# The five applications of known durations (fixtures shared with test_outcomes).
routed, year = scenario.routed, scenario.year
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-12-31", "journey": "business_startup"}


def _client(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["enterprise_user", "founder", "bureau_officer", "nobody"])
@pytest.mark.parametrize(
    "url", ["approvals:outcomes", "approvals:outcome_export", "approvals:ratings"]
)
def test_it_hides_the_pages_from_others(client, approvals, world, name, url):
    response = _client(client, getattr(world, name)).get(reverse(url), PERIOD)
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["leader", "admin", "officer_a", "officer_b"])
def test_it_shows_the_pages_to_leaders_administrators_and_zone_officers(
    client, approvals, world, name
):
    user_client = _client(client, getattr(world, name))
    assert user_client.get(reverse("approvals:outcomes")).status_code == 200
    assert user_client.get(reverse("approvals:ratings")).status_code == 200


def test_it_shows_the_figures_with_their_definitions(client, year):
    response = _client(client, year.world.leader).get(reverse("approvals:outcomes"), PERIOD)
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert (outcome["count"], outcome["median_working_days"], outcome["p90_working_days"]) == (
        5,
        1.5,
        5.0,
    )
    page = response.content.decode()
    cards = {card["key"]: card for card in response.context["cards"]}
    assert cards["median_calendar_days"]["value"] == 4.35
    for card in cards.values():
        assert str(card["definition"]) in page
    assert 'id="outcome-histogram"' in page
    assert sum(response.context["chart"]["counts"]) == 5
    assert "改革前" in page and "改革目标" in page


def test_it_filters_the_page_by_zone(client, year):
    response = _client(client, year.world.leader).get(
        reverse("approvals:outcomes"), {**PERIOD, "zone": "aviation"}
    )
    assert response.context["outcome"]["count"] == 1
    assert response.context["outcome"]["median_working_days"] == 5.0


def test_it_shows_an_empty_period_without_figures(client, year):
    response = _client(client, year.world.leader).get(
        reverse("approvals:outcomes"),
        {**PERIOD, "date_from": "2025-01-01", "date_to": "2025-01-31"},
    )
    assert response.context["outcome"]["count"] == 0
    assert response.context["outcome"]["median_working_days"] is None
    assert 'id="outcome-empty"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-01"},
        {"date_from": "2026-03-01", "date_to": "2026-02-01"},
        {"date_from": "2000-01-01", "date_to": "2026-01-01"},
        {"zone": "atlantis"},
        {"journey": "nope"},
    ],
)
def test_it_shows_errors_for_bad_filters(client, approvals, world, query):
    response = _client(client, world.leader).get(reverse("approvals:outcomes"), query)
    assert response.status_code == 200
    assert "outcome" not in response.context
    assert response.context["form"].errors
    export = client.get(reverse("approvals:outcome_export"), query)
    assert export.status_code == 400


def test_it_exports_the_figures_and_one_row_per_application(client, year):
    response = _client(client, year.world.officer_a).get(
        reverse("approvals:outcome_export"), {**PERIOD, "zone": "chip_valley"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('2026-12-31.xlsx"')
    workbook = load_workbook(BytesIO(response.content))
    figures, rows = workbook.worksheets
    values = {row[0]: row[1:] for row in figures.iter_rows(values_only=True) if row and row[0]}
    labels = [row[0] for row in figures.iter_rows(values_only=True)]
    assert len(labels) == 4 + 1 + 1 + 6 + 2
    figure_rows = list(figures.iter_rows(min_row=7, values_only=True))
    assert [row[1] for row in figure_rows[:6]] == [4, 1.0, 2.0, 1.0, 5.21, 1.0]
    assert all(row[2] for row in figure_rows)
    assert figure_rows[6][1] == 20.0 and figure_rows[7][1] == 0.5
    assert values  # the filter rows are present
    data = list(rows.iter_rows(min_row=2, values_only=True))
    assert len(data) == 4
    assert sorted(row[4] for row in data) == [0.5, 1.0, 1.5, 2.0]
    assert sorted(row[6] for row in data) == [0.0, 0.0, 3.0, 4.0]
    assert {row[1] for row in data} == {"成都芯谷"}


def test_it_reports_ratings_per_unit_on_the_page(client, year):
    cases = ItemCase.objects.filter(journey_item__spec=year.approvals.registration).order_by(
        "received_at", "pk"
    )
    for item, score in zip(cases, (5, 4, 2, 1, 3), strict=True):
        with simulated_time(at(5, 1, 9)):
            rating_submit(
                actor=year.world.founder, item_case=item, score=score, comment=f"评{score}"
            )
    user_client = _client(client, year.world.leader)
    with CaptureQueriesContext(connection) as few:
        user_client.get(
            reverse("approvals:ratings"), {"date_from": "2026-06-01", "date_to": "2026-06-30"}
        )
    with CaptureQueriesContext(connection) as many:
        response = user_client.get(
            reverse("approvals:ratings"), {"date_from": "2026-05-01", "date_to": "2026-05-31"}
        )
    assert len(many) == len(few)
    page = response.content.decode()
    assert f'id="rating-unit-{year.approvals.unit.pk}"' in page
    units = list(response.context["page_obj"])
    assert [(unit.count, unit.average, unit.high_share_percent) for unit in units] == [
        (1, 1.0, 0.0),
        (4, 3.5, 50.0),
    ]
    assert "评2" in page and "评5" not in page
    fragment = user_client.get(
        reverse("approvals:ratings"), {"date_from": "2026-06-01"}, headers={"HX-Request": "true"}
    )
    assert 'id="rating-empty"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_it_defaults_to_the_last_year(client, approvals, world):
    with simulated_time(at(11, 26, 9)):
        response = _client(client, world.leader).get(reverse("approvals:outcomes"))
    data = response.context["form"].cleaned_data
    assert (data["date_from"], data["date_to"]) == (date(2025, 11, 27), date(2026, 11, 26))
    assert data["journey"].code == "business_startup"


def test_it_names_the_units_of_baseline_and_target(client, year):
    response = _client(client, year.world.leader).get(reverse("approvals:outcomes"), PERIOD)

    # The fixture journey records its baseline in "days" and its target in "working_days".
    assert response.context["unit_labels"] == {
        "baseline": str(TimeUnit.CALENDAR_DAYS.label),
        "target": str(TimeUnit.WORKING_DAYS.label),
    }
    page = response.content.decode()
    assert "<td>working_days</td>" not in page
    assert f"<td>{TimeUnit.WORKING_DAYS.label}</td>" in page
