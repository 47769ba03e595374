"""The KPI page and its Excel export: who sees them, the figures as percentages, the tables per
zone, unit and channel, the workbook's unrounded rates, constant queries."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from onezone.demands.tests.test_kpis import MARCH, at, march, script  # noqa: F401

PERIOD = {"date_from": "2025-03-01", "date_to": "2025-03-31"}


def _client(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "name", ["enterprise_user", "founder", "bureau_officer", "nobody", "other_enterprise_user"]
)
@pytest.mark.parametrize("url", ["demands:kpis", "demands:kpi_export"])
def test_it_hides_the_pages_from_others(client, world, name, url):
    response = _client(client, getattr(world, name)).get(reverse(url), PERIOD)
    assert response.status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client, world):
    response = client.get(reverse("demands:kpis"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["leader", "admin", "officer_a", "hotline"])
def test_it_shows_the_page_to_leaders_zone_officers_hotline_and_administrators(
    client, demands_world, name
):
    user = getattr(demands_world, name, None) or getattr(demands_world.world, name)
    response = _client(client, user).get(reverse("demands:kpis"), PERIOD)
    assert response.status_code == 200
    assert response.context["totals"]["valid_callbacks"] == 0


def test_it_shows_the_figures_as_percentages_with_one_decimal(client, march, demands_world):  # noqa: F811
    response = _client(client, demands_world.world.leader).get(reverse("demands:kpis"), PERIOD)
    page = response.content.decode()
    cells = {column[0]: value for column, value in response.context["total_cells"]}
    assert cells["response_rate"] == "66.7%"
    assert cells["resolution_rate"] == "33.3%"
    assert cells["satisfaction_rate"] == "63.3%"
    assert cells["composite"] == "48.7%"
    assert cells["on_time_sign_rate"] == "80.0%"
    assert cells["repeat_rate"] == "16.7%"
    assert cells["mean_handling_working_days"] == "5.64"
    assert cells["legacy_resolution_rate"] == "—"
    assert 'id="kpi-total-response_rate" data-value>66.7%' in page
    for table in ("zone", "unit", "channel"):
        assert f'id="kpi-by-{table}"' in page
    assert demands_world.water_unit.name in page
    assert "—" in page


def test_it_writes_the_definitions_on_the_page(client, march, demands_world):  # noqa: F811
    from onezone.demands.selectors.kpis import DEFINITIONS

    page = (
        _client(client, demands_world.world.admin)
        .get(reverse("demands:kpis"), PERIOD)
        .content.decode()
    )
    for text in DEFINITIONS.values():
        assert str(text) in page


def test_it_scopes_the_page_by_channel_and_zone(client, march, demands_world):  # noqa: F811
    user_client = _client(client, demands_world.world.leader)
    online = user_client.get(reverse("demands:kpis"), {**PERIOD, "channel": "online"})
    assert online.context["totals"]["valid_callbacks"] == 0
    zone_b = user_client.get(
        reverse("demands:kpis"), {**PERIOD, "zone": demands_world.world.zone_b.code}
    )
    assert zone_b.context["totals"]["valid_callbacks"] == 0
    zone_a = user_client.get(
        reverse("demands:kpis"), {**PERIOD, "zone": demands_world.world.zone_a.code}
    )
    assert zone_a.context["totals"]["valid_callbacks"] == 3


def test_it_refuses_an_upside_down_period_with_a_field_error(client, demands_world):
    response = _client(client, demands_world.world.leader).get(
        reverse("demands:kpis"), {"date_from": "2025-03-31", "date_to": "2025-03-01"}
    )
    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors
    assert "totals" not in response.context
    export = client.get(
        reverse("demands:kpi_export"), {"date_from": "2025-03-31", "date_to": "2025-03-01"}
    )
    assert export.status_code == 400


def test_it_exports_the_same_figures_with_unrounded_rates(client, march, demands_world):  # noqa: F811
    response = _client(client, demands_world.world.leader).get(
        reverse("demands:kpi_export"), PERIOD
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "demand-kpis-2025-03-01-2025-03-31.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    totals = workbook.worksheets[0]
    # Five scope lines, a blank row, the header, the totals.
    assert [totals.cell(row=n, column=2).value for n in (1, 2)] == ["2025-03-01", "2025-03-31"]
    values = list(totals[8])
    assert values[1].value == 3  # valid callbacks
    assert values[2].value == pytest.approx(2 / 3)  # the response rate, unrounded
    assert values[2].number_format == "0.0%"
    assert values[5].value == pytest.approx(1.46 / 3)  # the composite
    assert len(workbook.worksheets) == 5  # totals, three breakdowns, definitions
    by_unit = workbook.worksheets[2]
    labels = [row[0].value for row in by_unit.iter_rows(min_row=2)]
    assert any(demands_world.water_unit.name in (label or "") for label in labels)


def test_it_keeps_the_page_queries_constant(client, script, demands_world):  # noqa: F811
    user_client = _client(client, demands_world.world.leader)

    def add(n: int) -> None:
        for _ in range(n):
            demand = script.create(at(3, 10, 9))
            demand = script.to_reply(demand, at(3, 10, 9, 30), at(3, 10, 10), at(3, 11))
            script.callback(demand, at(3, 12))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert user_client.get(reverse("demands:kpis"), PERIOD).status_code == 200
        return len(queries)

    add(1)
    few = count()
    add(3)
    assert count() == few
    assert MARCH["start"].month == 3
