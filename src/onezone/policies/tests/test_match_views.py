"""My policies (我的政策), the subscription form and the officers' match views."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.policies.choices import MatchStatus
from onezone.policies.models import PolicyMatch, PolicySubscription
from onezone.policies.services.matching import rematch
from onezone.policies.tests.conftest import (
    AUTO_GRANT_POLICY,
    IC_RD_POLICY,
    make_policy_enterprise,
    policy_data,
)

MINE = reverse("policies:my_policies")
# `ic` has an R&D ratio of 10 %: this policy asks for 20 %, everything else fits (nearly).
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


@pytest.fixture
def policies(load_policy):
    return [load_policy(data) for data in (IC_RD_POLICY, AUTO_GRANT_POLICY, HIGH_RD_POLICY)]


def page(client, user, url=MINE, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    return html.split(f'id="{element_id}"')[1]


def test_it_shows_an_eligible_policy_with_its_amount_and_conditions(client, policy_world, policies):
    html = page(client, policy_world.enterprise_user)
    card = section(html, "eligible-DEMO-IC-RD-2025").split('class="col-lg-6"')[0]
    assert '<div class="h2 mb-2 policy-amount">30 ' in card
    assert "研发投入占比 10%" in card  # the enterprise's own figure, in prose
    assert "apply-button" in card
    assert reverse("policies:policy_apply", args=["DEMO-IC-RD-2025"]) in card


def test_it_shows_a_nearly_eligible_policy_with_its_gap(client, policy_world, policies):
    html = page(client, policy_world.enterprise_user)
    nearly = section(html, "nearly-policies")
    assert 'id="nearly-DEMO-HIGH-RD-2026"' in nearly
    gap = nearly.split('class="alert alert-warning py-2 policy-gap">')[1].split("</div>")[0]
    assert "研发投入占比" in gap and "10%" in gap and "20%" in gap
    assert "DEMO-HIGH-RD-2026" not in section(html, "eligible-policies").split("nearly-policies")[0]


def test_it_marks_a_no_application_policy_without_an_apply_button(client, policy_world, policies):
    html = page(client, policy_world.enterprise_user)
    card = section(html, "eligible-DEMO-PATENT-AUTO-2025").split('class="col-lg-6"')[0]
    assert 'data-mode="auto_grant"' in card
    assert "auto-grant" in card
    assert "apply-button" not in card


def test_it_falls_back_to_an_application_when_the_data_are_self_declared(
    client, policy_world, load_policy
):
    load_policy(AUTO_GRANT_POLICY)
    user = _member_of(policy_world, policy_world.self_declared)
    card = section(page(client, user), "eligible-DEMO-PATENT-AUTO-2025")
    card = card.split('class="col-lg-6"')[0]
    assert "fallback-reason" in card and "apply-button" in card


def _member_of(policy_world, enterprise):
    from onezone.enterprises import services as enterprise_services

    membership = enterprise_services.enterprise_signup(
        username="self_declared_user",
        password="Persona-Pass-2026",
        full_name="自报企业经办人",
        phone="13800138001",
        uscc=enterprise.uscc,
        enterprise_name=enterprise.name,
        zone=enterprise.zone,
    )
    enterprise_services.membership_confirm(actor=policy_world.officer_a, membership=membership)
    return membership.user


def test_it_shows_an_unbound_user_an_explanation(client, policy_world, policies):
    html = page(client, policy_world.founder)
    assert "eligible-policies" not in html
    assert "alert-info" in html


def test_it_shows_each_enterprise_only_its_own_policies(client, policy_world, policies):
    # The other enterprise knows nothing beyond its zone: no policy fits it.
    html = page(client, policy_world.other_enterprise_user)
    assert "eligible-DEMO-IC-RD-2025" not in html
    assert policy_world.ic.name not in html
    # Asking for another enterprise by id falls back to one's own.
    html = page(client, policy_world.other_enterprise_user, enterprise=policy_world.ic.pk)
    assert "eligible-DEMO-IC-RD-2025" not in html


def test_it_shows_the_enterprise_view_to_officers_and_the_liaison(client, policy_world, policies):
    url = reverse("policies:enterprise_matches", args=[policy_world.ic.pk])
    for user in (policy_world.officer_a, policy_world.liaison_user, policy_world.leader):
        client.logout()
        html = page(client, user, url)
        assert 'id="eligible-DEMO-IC-RD-2025"' in html
        assert "apply-button" not in html


def test_it_hides_the_enterprise_view_from_another_enterprise(client, policy_world, policies):
    url = reverse("policies:enterprise_matches", args=[policy_world.ic.pk])
    client.force_login(policy_world.other_enterprise_user)
    assert client.get(url).status_code == 404


# ---- subscription ---------------------------------------------------------------------------

SUBSCRIPTION = reverse("policies:subscription_edit")


def test_it_saves_a_subscription(client, policy_world):
    client.force_login(policy_world.enterprise_user)
    response = client.post(
        SUBSCRIPTION, {"classes": ["subsidy", "reduction"], "industries": "39, 6520"}
    )
    assert response.status_code == 302
    subscription = PolicySubscription.objects.get(enterprise=policy_world.ic)
    assert sorted(subscription.classes) == ["reduction", "subsidy"]
    assert subscription.industries == ["39", "6520"]


def test_it_shows_a_field_error_for_a_wrong_industry(client, policy_world):
    client.force_login(policy_world.enterprise_user)
    response = client.post(SUBSCRIPTION, {"classes": ["subsidy"], "industries": "39 chips"})
    assert response.status_code == 200
    assert 'data-field="industries"' in response.content.decode()
    assert not PolicySubscription.objects.exists()


def test_it_answers_404_to_a_user_without_an_enterprise(client, policy_world):
    client.force_login(policy_world.founder)
    assert client.post(SUBSCRIPTION, {"classes": ["subsidy"]}).status_code == 404
    assert not PolicySubscription.objects.exists()


# ---- per policy -----------------------------------------------------------------------------


def matches_url(code="DEMO-IC-RD-2025") -> str:
    return reverse("policies:policy_matches", args=[code])


def test_it_lists_the_enterprises_matching_a_policy(client, policy_world, policies):
    rematch()
    html = page(client, policy_world.officer, matches_url())
    rows = section(html, "match-table")
    assert policy_world.ic.name in rows and policy_world.self_declared.name in rows
    assert policy_world.low_rd.name not in rows
    assert "30 " in rows


def test_it_filters_the_matches_by_zone_and_status(client, policy_world, policies):
    make_policy_enterprise(
        policy_world.world,
        "航空芯片设计有限公司",
        zone=policy_world.zone_b,
        industry_code="6520",
        registered_on=policy_world.ic.registered_on,
        employees=40,
        revenue_10k_cny=2000,
        assets_10k_cny=1000,
        rd_expense_10k_cny=400,
    )
    rematch()
    html = page(client, policy_world.officer, matches_url(), zone="aviation")
    rows = section(html, "match-table")
    assert "航空芯片设计有限公司" in rows and policy_world.ic.name not in rows
    html = page(client, policy_world.officer, matches_url("DEMO-HIGH-RD-2026"), status="nearly")
    assert policy_world.ic.name in section(html, "match-table")


def test_it_keeps_the_match_list_query_count_flat(client, policy_world, policies):
    client.force_login(policy_world.officer)

    def queries() -> int:
        rematch()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(matches_url()).status_code == 200
        return len(captured)

    few = queries()
    for index in range(4):
        make_policy_enterprise(
            policy_world.world,
            f"芯谷新设计{index}有限公司",
            industry_code="6520",
            registered_on=policy_world.ic.registered_on,
            employees=30,
            revenue_10k_cny=1000,
            assets_10k_cny=800,
            rd_expense_10k_cny=100,
        )
    assert queries() == few
    assert PolicyMatch.objects.filter(version=policies[0]).count() >= 6


def test_it_hides_the_match_list_from_enterprise_users(client, policy_world, policies):
    client.force_login(policy_world.enterprise_user)
    assert client.get(matches_url()).status_code == 404


def test_it_rematches_a_policy_for_an_officer(client, policy_world, policies):
    assert not PolicyMatch.objects.exists()
    client.force_login(policy_world.officer)
    response = client.post(reverse("policies:policy_rematch", args=["DEMO-IC-RD-2025"]))
    assert response.status_code == 302
    eligible = PolicyMatch.objects.filter(version=policies[0], status=MatchStatus.ELIGIBLE)
    assert set(eligible.values_list("enterprise_id", flat=True)) == {
        policy_world.ic.pk,
        policy_world.self_declared.pk,
    }


def test_it_refuses_a_rematch_to_others_and_to_a_get(client, policy_world, policies):
    url = reverse("policies:policy_rematch", args=["DEMO-IC-RD-2025"])
    client.force_login(policy_world.enterprise_user)
    assert client.post(url).status_code == 403
    client.force_login(policy_world.officer)
    assert client.get(url).status_code == 405
    assert not PolicyMatch.objects.exists()


def test_it_exports_the_filtered_matches_to_excel(client, policy_world, policies):
    from io import BytesIO

    from openpyxl import load_workbook

    rematch()
    client.force_login(policy_world.officer)
    url = reverse("policies:policy_matches_export", args=["DEMO-IC-RD-2025"])
    response = client.get(url, {"zone": "chip_valley"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    names = {row[0] for row in rows[1:]}
    assert names == {policy_world.ic.name, policy_world.self_declared.name}
    ic_row = next(row for row in rows if row[0] == policy_world.ic.name)
    assert ic_row[1] == policy_world.ic.uscc and ic_row[4] == 30


def test_it_refuses_the_export_to_enterprise_users(client, policy_world, policies):
    rematch()
    client.force_login(policy_world.enterprise_user)
    url = reverse("policies:policy_matches_export", args=["DEMO-IC-RD-2025"])
    assert client.get(url).status_code == 404
