"""An application ends when a mandatory item fails in any stage, not only the current one."""

import pytest

from onezone.approvals import services
from onezone.approvals.tests.test_application_clocks import FORM, _clocks, _decide

pytestmark = pytest.mark.django_db


def test_a_revoked_mandatory_approval_of_an_earlier_stage_ends_the_application(world, approvals):
    application = services.application_create(
        actor=world.founder, journey="business_startup", zone="chip_valley", form=FORM
    )
    registration = application.item_cases.get(stage_order=1)
    _decide(world, registration)
    seal = application.item_cases.get(stage_order=2)

    services.item_case_act(
        actor=world.officer_a, item_case=registration, action="revoke", reason="以欺骗手段取得"
    )

    application.refresh_from_db()
    seal.refresh_from_db()
    assert application.state == "rejected"
    assert seal.state == "withdrawn"
    assert all(clock.stopped_at is not None for clock in _clocks(application).values())
