"""Browser test: an enterprise user finds its policies explained, applies, and an officer
approves the application."""

import re

import pytest

from onezone.conftest import PASSWORD, browser_login, skip_without_chromium
from onezone.policies.choices import ApplicationState
from onezone.policies.models import PolicyApplication
from onezone.policies.tests.conftest import IC_RD_POLICY, policy_data

pytestmark = [pytest.mark.browser, skip_without_chromium]

# Everything fits `ic` but an R&D ratio of 20 % (it has 10 %): nearly eligible.
HIGH_RD_POLICY = policy_data(
    IC_RD_POLICY,
    code="DEMO-HIGH-RD-2026",
    title="高强度研发奖励",
    eligibility={
        "all": [
            {"field": "industry_code", "op": "industry_in", "value": ["39"]},
            {"field": "rd_ratio", "op": ">=", "value": 0.2},
        ]
    },
    tests=[],
)


def test_it_takes_an_enterprise_from_its_policies_to_an_approved_application(
    transactional_db, live_server, browser_page, policy_world, load_policy
):
    load_policy(IC_RD_POLICY)
    load_policy(HIGH_RD_POLICY)
    page = browser_page
    browser_login(page, live_server.url, policy_world.enterprise_user.username, PASSWORD)
    page.goto(f"{live_server.url}/policies/mine/")

    eligible = page.locator("#eligible-DEMO-IC-RD-2025")
    assert eligible.locator(".policy-amount").inner_text().startswith("30")
    conditions = eligible.locator(".policy-conditions").inner_text()
    assert "研发投入占比" in conditions and "10%" in conditions
    gap = page.locator("#nearly-DEMO-HIGH-RD-2026 .policy-gap").inner_text()
    assert "20%" in gap

    eligible.locator(".apply-button").click()
    page.wait_for_url(re.compile(r".*/policies/policy/DEMO-IC-RD-2025/apply/.*"))
    assert "3973" in page.locator("#apply-facts").inner_text()
    page.check("input[name=declaration]")
    page.fill("textarea[name=note]", "浏览器测试申报")
    page.click("#apply-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/policies/applications/\d+/$"))
    application = PolicyApplication.objects.get()
    assert application.state == ApplicationState.SUBMITTED

    page.context.clear_cookies()
    browser_login(page, live_server.url, policy_world.officer.username, PASSWORD)
    page.goto(f"{live_server.url}/policies/applications/")
    page.click(f"#application-{application.pk} a")
    page.fill("input[name=amount]", "28")
    page.click("#action-approve")
    page.wait_for_url(re.compile(rf".*/policies/applications/{application.pk}/$"))
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED
    assert str(application.amount_approved) == "28.00"
    assert page.locator("#amount-approved").inner_text().startswith("28")
    assert page.locator("#payout-due").inner_text() != "—"
