"""The policy library, a policy's page, the YAML upload and the packages pages."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.core.models import AuditEvent
from onezone.policies.choices import PackageKind
from onezone.policies.models import Policy, PolicyPackage, PolicyVersion
from onezone.policies.services.packages import package_create
from onezone.policies.tests.conftest import AUTO_GRANT_POLICY, IC_RD_POLICY, policy_data

LIBRARY = reverse("policies:library")


def login(client, user):
    client.force_login(user)
    return client


def numbered(index: int, **changes) -> dict:
    return policy_data(IC_RD_POLICY, code=f"DEMO-N-{index:03d}", title=f"政策{index}", **changes)


@pytest.fixture
def two_policies(load_policy):
    return load_policy(IC_RD_POLICY), load_policy(AUTO_GRANT_POLICY)


def test_it_sends_anonymous_visitors_to_the_login(client, policy_world):
    response = client.get(LIBRARY)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_lists_the_policies_in_force_for_an_enterprise_user(client, policy_world, two_policies):
    response = login(client, policy_world.enterprise_user).get(LIBRARY)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="policy-DEMO-IC-RD-2025"' in html
    assert 'id="policy-DEMO-PATENT-AUTO-2025"' in html
    assert 'data-mode="auto_grant"' in html
    assert "区经济和信息化局" in html


def test_it_filters_by_class_mode_and_text(client, policy_world, two_policies):
    login(client, policy_world.officer)
    html = client.get(LIBRARY, {"mode": "auto_grant"}).content.decode()
    assert "DEMO-PATENT-AUTO-2025" in html and "DEMO-IC-RD-2025" not in html
    html = client.get(LIBRARY, {"policy_class": "subsidy"}).content.decode()
    assert "DEMO-IC-RD-2025" in html and "DEMO-PATENT-AUTO-2025" not in html
    html = client.get(LIBRARY, {"q": "发明专利"}).content.decode()
    assert "DEMO-PATENT-AUTO-2025" in html and "DEMO-IC-RD-2025" not in html


def test_it_filters_by_industry_prefix(client, policy_world, two_policies):
    # The IC policy names 3973 and 652; the patent policy covers all of manufacturing (C).
    login(client, policy_world.officer)
    html = client.get(LIBRARY, {"industry": "6520"}).content.decode()
    assert "DEMO-IC-RD-2025" in html and "DEMO-PATENT-AUTO-2025" not in html
    html = client.get(LIBRARY, {"industry": "3744"}).content.decode()
    assert "DEMO-IC-RD-2025" not in html and "DEMO-PATENT-AUTO-2025" in html


def test_it_answers_an_htmx_request_with_the_results_only(client, policy_world, two_policies):
    response = login(client, policy_world.officer).get(LIBRARY, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="policy-table"' in html
    assert "<html" not in html


def test_it_flags_a_policy_listed_more_than_seven_working_days_late(
    client, policy_world, load_policy
):
    # Published Monday 2025-03-03, listed 2025-03-17: ten working days later.
    load_policy(numbered(1, published_on=date(2025, 3, 3), listed_on=date(2025, 3, 17)))
    load_policy(numbered(2, published_on=date(2025, 3, 3), listed_on=date(2025, 3, 7)))
    html = login(client, policy_world.officer).get(LIBRARY).content.decode()
    late, on_time = html.split('id="policy-DEMO-N-002"')
    assert "listing-late" in late.split('id="policy-DEMO-N-001"')[1]
    assert "listing-late" not in on_time


def test_it_keeps_the_library_query_count_flat(client, policy_world, load_policy):
    login(client, policy_world.officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIBRARY).status_code == 200
        return len(captured)

    for index in range(3):
        load_policy(numbered(index))
    few = queries()
    for index in range(3, 9):
        load_policy(numbered(index))
    assert queries() == few


def test_it_shows_a_policy_page_with_rules_in_prose(client, policy_world, two_policies):
    url = reverse("policies:policy_detail", args=["DEMO-IC-RD-2025"])
    html = login(client, policy_world.enterprise_user).get(url).content.decode()
    assert "双经信发〔2025〕1号" in html
    assert "成都芯谷企业服务中心" in html and "028-00000000" in html
    assert "研发投入占比" in html  # the rules in prose
    assert "取较小值" in html and "× 0.1" in html  # the amount formula in words
    assert 'id="policy-payout-limit"' in html and "60" in html
    # Officers' parts are hidden from an enterprise user.
    assert 'id="policy-yaml"' not in html
    assert 'id="policy-matches-link"' not in html


def test_it_shows_officers_the_raw_file_and_the_matches_link(client, policy_world, two_policies):
    url = reverse("policies:policy_detail", args=["DEMO-IC-RD-2025"])
    html = login(client, policy_world.officer).get(url).content.decode()
    assert 'id="policy-yaml"' in html and "min(rd_expense_10k_cny * 0.1, 200)" in html
    assert reverse("policies:policy_matches", args=["DEMO-IC-RD-2025"]) in html


def test_it_lists_every_version_of_a_policy(client, policy_world, load_policy):
    load_policy(IC_RD_POLICY)
    load_policy(
        policy_data(
            IC_RD_POLICY,
            title="集成电路企业研发投入补助（修订）",
            valid_from=date(2027, 1, 1),
            valid_to=date(2027, 12, 31),
        )
    )
    url = reverse("policies:policy_detail", args=["DEMO-IC-RD-2025"])
    html = login(client, policy_world.officer).get(url).content.decode()
    versions = html.split('id="policy-versions"')[1].split("</ul>")[0]
    assert "2027-01-01 – 2027-12-31" in versions and "2025-01-01 – 2026-12-31" in versions


def test_it_answers_404_for_an_unknown_policy(client, policy_world):
    url = reverse("policies:policy_detail", args=["NO-SUCH-POLICY"])
    assert login(client, policy_world.officer).get(url).status_code == 404


# ---- upload ---------------------------------------------------------------------------------

UPLOAD = reverse("policies:policy_upload")
GOOD_YAML = """\
code: DEMO-UPLOAD-2026
title: 上传测试政策（演示）
issuer: 区科学技术局（演示）
class: subsidy
mode: application
valid_from: 2026-01-01
valid_to: 2026-12-31
eligibility:
  all:
    - {field: employees, op: ">=", value: 10}
amount:
  formula: "min(employees * 0.1, 5)"
  unit: 10k_cny
"""


def yaml_file(text: str, name: str = "policy.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/x-yaml")


def test_it_loads_an_uploaded_policy_file(client, policy_world):
    response = login(client, policy_world.officer).post(UPLOAD, {"file": yaml_file(GOOD_YAML)})
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:policy_detail", args=["DEMO-UPLOAD-2026"])
    version = PolicyVersion.objects.get(policy__code="DEMO-UPLOAD-2026")
    assert version.number == 1 and version.created_by == policy_world.officer
    assert version.source == GOOD_YAML


def test_it_lists_the_faults_of_a_malformed_file_with_their_paths(client, policy_world):
    bad = GOOD_YAML.replace('op: ">="', 'op: "~="').replace("employees * 0.1", "staff * 0.1")
    response = login(client, policy_world.officer).post(UPLOAD, {"file": yaml_file(bad)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="policy-file-errors"' in html
    assert "eligibility.all[0].op" in html
    assert "amount" in html
    assert not Policy.objects.exists()


def test_it_refuses_a_file_that_is_not_yaml_or_too_large(client, policy_world):
    login(client, policy_world.officer)
    response = client.post(UPLOAD, {"file": yaml_file(GOOD_YAML, name="policy.txt")})
    assert 'data-field="file"' in response.content.decode()
    big = GOOD_YAML + "# " + "x" * (200 * 1024) + "\n"
    response = client.post(UPLOAD, {"file": yaml_file(big)})
    assert 'data-field="file"' in response.content.decode()
    assert not Policy.objects.exists()


def test_it_refuses_the_upload_to_an_enterprise_user(client, policy_world):
    login(client, policy_world.enterprise_user)
    assert client.get(UPLOAD).status_code == 403
    response = client.post(UPLOAD, {"file": yaml_file(GOOD_YAML)})
    assert response.status_code == 403
    assert not Policy.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="policy.").exists()


# ---- packages -------------------------------------------------------------------------------

PACKAGES = reverse("policies:package_list")


@pytest.fixture
def packages(policy_world, two_policies):
    bundle = package_create(
        actor=policy_world.officer,
        code="ic-bundle",
        title="集成电路组合包",
        kind=PackageKind.BUNDLE,
        policy_codes=["DEMO-IC-RD-2025", "DEMO-PATENT-AUTO-2025"],
    )
    bespoke = package_create(
        actor=policy_world.officer,
        code="ic-bespoke",
        title="芯谷一企一策",
        kind=PackageKind.BESPOKE,
        policy_codes=["DEMO-IC-RD-2025"],
        enterprise=policy_world.ic,
        negotiated_terms="分两年拨付",
        agreed_by=policy_world.officer,
        agreed_on=date(2026, 6, 1),
    )
    return bundle, bespoke


def test_it_shows_a_bespoke_package_to_its_enterprise_and_officers_only(
    client, policy_world, packages
):
    for user, sees_bespoke in (
        (policy_world.enterprise_user, True),
        (policy_world.officer, True),
        (policy_world.other_enterprise_user, False),
    ):
        client.logout()
        html = login(client, user).get(PACKAGES).content.decode()
        assert 'id="package-ic-bundle"' in html
        assert ('id="package-ic-bespoke"' in html) is sees_bespoke, user.username


def test_it_hides_a_bespoke_package_on_the_policy_page_from_others(client, policy_world, packages):
    url = reverse("policies:policy_detail", args=["DEMO-IC-RD-2025"])
    html = login(client, policy_world.other_enterprise_user).get(url).content.decode()
    assert "集成电路组合包" in html and "芯谷一企一策" not in html


def test_it_creates_a_bespoke_package_from_the_form(client, policy_world, two_policies):
    response = login(client, policy_world.officer).post(
        reverse("policies:package_new"),
        {
            "code": "new-bespoke",
            "title": "新一企一策",
            "kind": PackageKind.BESPOKE,
            "policies": ["DEMO-IC-RD-2025"],
            "enterprise_uscc": policy_world.ic.uscc,
            "negotiated_terms": "三年内兑现",
            "agreed_by": policy_world.leader.pk,
            "agreed_on": "2026-06-29",
        },
    )
    assert response.status_code == 302
    package = PolicyPackage.objects.get(code="new-bespoke")
    assert package.enterprise == policy_world.ic
    assert package.agreed_by == policy_world.leader
    assert list(package.policies.values_list("code", flat=True)) == ["DEMO-IC-RD-2025"]


def test_it_shows_field_errors_on_the_package_form(client, policy_world, two_policies):
    response = login(client, policy_world.officer).post(
        reverse("policies:package_new"),
        {"code": "x", "title": "x", "kind": PackageKind.BESPOKE, "policies": ["DEMO-IC-RD-2025"]},
    )
    assert response.status_code == 200
    assert 'data-field="enterprise_uscc"' in response.content.decode()
    assert not PolicyPackage.objects.exists()


def test_it_refuses_the_package_form_to_an_enterprise_user(client, policy_world, two_policies):
    login(client, policy_world.enterprise_user)
    response = client.post(
        reverse("policies:package_new"),
        {"code": "x", "title": "x", "kind": PackageKind.BUNDLE, "policies": ["DEMO-IC-RD-2025"]},
    )
    assert response.status_code == 403
    assert not PolicyPackage.objects.exists()
