"""The journey clock and the stage clocks of an application."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from onezone.approvals import selectors, services
from onezone.approvals.services.applications import APPLICATION_OBJECT_TYPE
from onezone.approvals.tests.conftest import VALID_ID_NUMBER
from onezone.core.choices import TimeUnit
from onezone.core.clock import simulated_time
from onezone.core.models import Clock

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FORM = {
    "company_name": "新设公司",
    "legal_representative_id": VALID_ID_NUMBER,
    "contact_phone": "13800001111",
}


def _clocks(application) -> dict[str, Clock]:
    return {
        clock.purpose: clock
        for clock in Clock.objects.filter(
            object_type=APPLICATION_OBJECT_TYPE, object_id=str(application.pk)
        )
    }


def _decide(world, case) -> None:
    services.item_case_act(actor=world.officer_a, item_case=case, action="accept")
    services.item_case_act(actor=world.officer_a, item_case=case, action="approve")


def test_it_starts_the_journey_and_first_stage_clocks_on_submission(world, approvals):
    with simulated_time(datetime(2025, 6, 10, 10, 0, tzinfo=SHANGHAI)):
        application = services.application_create(
            actor=world.founder, journey="business_startup", zone="chip_valley", form=FORM
        )
    clocks = _clocks(application)

    assert sorted(clocks) == ["journey", "stage-1"]
    # Target 0.5 working day = 3.5 office hours; stage 1's longest promise is 0.5 day too.
    assert (clocks["journey"].limit_amount, clocks["journey"].limit_unit) == (
        Decimal("3.50"),
        TimeUnit.WORKING_HOURS,
    )
    assert clocks["stage-1"].stopped_at is None


def test_it_moves_the_stage_clock_and_stops_everything_at_completion(world, approvals):
    with simulated_time(datetime(2025, 6, 10, 10, 0, tzinfo=SHANGHAI)):
        application = services.application_create(
            actor=world.founder, journey="business_startup", zone="chip_valley", form=FORM
        )
    with simulated_time(datetime(2025, 6, 10, 11, 0, tzinfo=SHANGHAI)):
        _decide(world, application.item_cases.get(stage_order=1))
    clocks = _clocks(application)
    assert clocks["stage-1"].stopped_at == datetime(2025, 6, 10, 11, 0, tzinfo=SHANGHAI)
    assert clocks["stage-2"].stopped_at is None
    assert clocks["journey"].stopped_at is None

    with simulated_time(datetime(2025, 6, 11, 16, 0, tzinfo=SHANGHAI)):
        _decide(world, application.item_cases.get(stage_order=2))
    clocks = _clocks(application)
    assert all(clock.stopped_at is not None for clock in clocks.values())
    statuses = selectors.application_clocks(application=application)
    # 10:00 on the 10th to 16:00 on the 11th is beyond half a working day.
    assert statuses["journey"].is_overdue is True
    assert statuses["stages"][1].is_overdue is False


def test_it_shows_the_clocks_on_the_application_page(client, world, approvals):
    application = services.application_create(
        actor=world.founder, journey="business_startup", zone="chip_valley", form=FORM
    )
    client.force_login(world.founder)

    page = client.get(f"/approvals/applications/{application.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="clock-journey"' in html
    assert 'id="clock-stage-1"' in html
