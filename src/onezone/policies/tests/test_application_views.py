"""Applying for a policy, "my applications", the review queue and an application's page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.core import clock
from onezone.policies.choices import ApplicationAction, ApplicationState
from onezone.policies.models import PolicyApplication
from onezone.policies.services.applications import policy_application_act, policy_apply
from onezone.policies.tests.conftest import IC_RD_POLICY, policy_data

APPLY = reverse("policies:policy_apply", args=["DEMO-IC-RD-2025"])
LIST = reverse("policies:application_list")


@pytest.fixture
def version(load_policy):
    return load_policy(IC_RD_POLICY)


@pytest.fixture
def application(policy_world, version):
    return policy_apply(
        actor=policy_world.enterprise_user, version=version, enterprise=policy_world.ic
    )


def detail(application) -> str:
    return reverse("policies:application_detail", args=[application.pk])


def act(application) -> str:
    return reverse("policies:application_act", args=[application.pk])


# ---- apply ----------------------------------------------------------------------------------


def test_it_shows_the_facts_that_will_be_submitted(client, policy_world, version):
    client.force_login(policy_world.enterprise_user)
    html = client.get(APPLY).content.decode()
    facts = html.split('id="apply-facts"')[1].split("</table>")[0]
    assert "3973" in facts and "300" in facts  # industry and R&D expense of the file
    assert 'name="declaration"' in html
    assert 'id="apply-amount"' in html and "30" in html.split('id="apply-amount"')[1][:200]


def test_it_submits_an_application_with_the_declaration(client, policy_world, version):
    client.force_login(policy_world.enterprise_user)
    response = client.post(APPLY, {"declaration": "on", "note": "请尽快审核"})
    application = PolicyApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(application)
    assert application.state == ApplicationState.SUBMITTED
    assert application.enterprise == policy_world.ic
    assert application.amount_computed == Decimal("30.00")
    assert application.form_data["note"] == "请尽快审核"
    assert application.form_data["rd_expense_10k_cny"] == 300


def test_it_needs_the_declaration(client, policy_world, version):
    client.force_login(policy_world.enterprise_user)
    response = client.post(APPLY, {"note": "忘记勾选"})
    assert response.status_code == 200
    assert 'data-field="declaration"' in response.content.decode()
    assert not PolicyApplication.objects.exists()


def test_it_refuses_an_enterprise_that_does_not_qualify(client, policy_world, version):
    client.force_login(policy_world.other_enterprise_user)
    response = client.post(APPLY, {"declaration": "on"})
    assert response.status_code == 200
    assert 'id="apply-not-eligible"' in response.content.decode()
    assert not PolicyApplication.objects.exists()


def test_it_refuses_a_second_application_with_a_message(client, policy_world, application):
    client.force_login(policy_world.enterprise_user)
    response = client.post(APPLY, {"declaration": "on"}, follow=True)
    assert "alert" in response.content.decode()
    assert PolicyApplication.objects.count() == 1


def test_it_refuses_the_apply_page_to_an_officer(client, policy_world, version):
    client.force_login(policy_world.officer)
    assert client.post(APPLY, {"declaration": "on"}).status_code == 403
    assert not PolicyApplication.objects.exists()


# ---- lists ----------------------------------------------------------------------------------


def test_it_lists_an_enterprises_own_applications_only(client, policy_world, application):
    client.force_login(policy_world.enterprise_user)
    assert application.reference in client.get(LIST).content.decode()
    client.force_login(policy_world.other_enterprise_user)
    assert application.reference not in client.get(LIST).content.decode()


def test_it_puts_overdue_payouts_first_in_the_review_queue(
    client, policy_world, load_policy, application
):
    other = load_policy(policy_data(IC_RD_POLICY, code="DEMO-IC-RD-B", title="第二个政策"))
    later = policy_apply(
        actor=policy_world.enterprise_user, version=other, enterprise=policy_world.ic
    )
    policy_application_act(
        actor=policy_world.officer, application=application, action=ApplicationAction.APPROVE
    )
    application.refresh_from_db()
    client.force_login(policy_world.officer)
    with clock.simulated_time(application.payout_due_at + timedelta(days=1)):
        html = client.get(LIST).content.decode()
    # The newer submission would come first; the overdue payout goes before it.
    assert html.index(application.reference) < html.index(later.reference)
    assert "payout-overdue" in html


def test_it_keeps_the_queue_query_count_flat(client, policy_world, load_policy, application):
    client.force_login(policy_world.officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    few = queries()
    for index in range(3):
        data = policy_data(IC_RD_POLICY, code=f"DEMO-IC-RD-{index}", title=f"政策{index}")
        policy_apply(
            actor=policy_world.enterprise_user,
            version=load_policy(data),
            enterprise=policy_world.ic,
        )
    assert queries() == few


def test_it_filters_the_queue_by_state(client, policy_world, application):
    client.force_login(policy_world.officer)
    assert application.reference in client.get(LIST, {"state": "submitted"}).content.decode()
    assert application.reference not in client.get(LIST, {"state": "paid"}).content.decode()


# ---- detail and actions ---------------------------------------------------------------------


def test_it_hides_an_application_from_another_enterprise(client, policy_world, application):
    client.force_login(policy_world.other_enterprise_user)
    assert client.get(detail(application)).status_code == 404


def test_it_shows_the_steps_to_the_enterprise(client, policy_world, application):
    client.force_login(policy_world.enterprise_user)
    html = client.get(detail(application)).content.decode()
    assert 'data-action="submit"' in html
    assert 'id="action-approve"' not in html
    assert 'id="action-withdraw"' in html


def test_it_approves_with_an_amount_and_starts_the_payout_clock(client, policy_world, application):
    client.force_login(policy_world.officer)
    response = client.post(
        act(application),
        {"action": "approve", "amount": "25.50", "version_lock": application.version_lock},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED
    assert application.amount_approved == Decimal("25.50")
    assert application.payout_due_at is not None
    html = client.get(detail(application)).content.decode()
    assert 'id="action-pay"' in html and 'data-action="approve"' in html


def test_it_needs_a_reason_to_reject(client, policy_world, application):
    client.force_login(policy_world.officer)
    response = client.post(
        act(application), {"action": "reject", "version_lock": application.version_lock}
    )
    assert response.status_code == 422
    assert 'data-field="reason"' in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_it_rejects_with_a_reason(client, policy_world, application):
    client.force_login(policy_world.officer)
    client.post(
        act(application),
        {"action": "reject", "reason": "材料不全", "version_lock": application.version_lock},
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.REJECTED
    client.force_login(policy_world.enterprise_user)
    assert "材料不全" in client.get(detail(application)).content.decode()


def test_it_reports_a_stale_form_as_a_conflict(client, policy_world, application):
    client.force_login(policy_world.officer)
    stale = application.version_lock
    policy_application_act(
        actor=policy_world.officer, application=application, action=ApplicationAction.APPROVE
    )
    response = client.post(
        act(application), {"action": "reject", "reason": "迟到的驳回", "version_lock": stale}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED
    page = client.get(detail(application)).content.decode()
    assert "alert" in page


def test_it_refuses_a_decision_by_the_enterprise(client, policy_world, application):
    client.force_login(policy_world.enterprise_user)
    response = client.post(
        act(application), {"action": "approve", "version_lock": application.version_lock}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.decided_at is None


def test_it_records_the_payout(client, policy_world, application):
    policy_application_act(
        actor=policy_world.officer, application=application, action=ApplicationAction.APPROVE
    )
    application.refresh_from_db()
    client.force_login(policy_world.officer)
    client.post(act(application), {"action": "pay", "version_lock": application.version_lock})
    application.refresh_from_db()
    assert application.state == ApplicationState.PAID
    assert application.paid_at is not None
    client.force_login(policy_world.enterprise_user)
    html = client.get(detail(application)).content.decode()
    assert 'data-action="pay"' in html
    assert 'id="paid-at"' in html
