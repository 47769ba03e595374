"""Browser test: an officer takes a received case from the workbench through acceptance and
approval, and the next stage's case appears in the queue."""

import pytest

from onezone.approvals import services
from onezone.approvals.models import CaseEvent, ItemCase
from onezone.approvals.tests.conftest import VALID_ID_NUMBER
from onezone.conftest import PASSWORD, browser_login, skip_without_chromium

pytestmark = [pytest.mark.browser, skip_without_chromium]

FORM = {
    "company_name": "芯谷浏览器工作台有限公司",
    "legal_representative_id": VALID_ID_NUMBER,
    "contact_phone": "13800138003",
}


def test_it_accepts_and_approves_a_case_from_the_workbench(
    transactional_db, live_server, browser_page, world, approvals
):
    application = services.application_create(
        actor=world.founder, journey="business_startup", zone="chip_valley", form=FORM
    )
    case = ItemCase.objects.get(application=application, stage_order=1)
    page = browser_page
    browser_login(page, live_server.url, "officer_a", PASSWORD)

    page.click("a.nav-link[href='/approvals/workbench/']")
    row = page.locator(f"#case-{case.pk}")
    assert application.reference in row.inner_text()
    assert row.get_attribute("data-state") == "received"
    row.locator(f"a[href='/approvals/cases/{case.pk}/']").first.click()
    page.wait_for_url(f"{live_server.url}/approvals/cases/{case.pk}/")

    page.click("#action-accept button[type=submit]")
    page.wait_for_selector("#case-state[data-state=accepted]")
    page.click("#action-approve button[type=submit]")
    page.wait_for_selector("#case-state[data-state=approved]")
    assert page.locator("#action-approve").count() == 0

    page.click("a.nav-link[href='/approvals/workbench/']")
    following = ItemCase.objects.get(application=application, stage_order=2)
    page.wait_for_selector(f"#case-{following.pk}")
    assert "公章刻制备案" in page.locator(f"#case-{following.pk}").inner_text()
    assert page.locator(f"#case-{case.pk}").count() == 0
    case.refresh_from_db()
    assert case.state == "approved"
    assert list(
        CaseEvent.objects.filter(item_case=case).values_list("action", "actor__username")
    ) == [("accept", "officer_a"), ("approve", "officer_a")]
