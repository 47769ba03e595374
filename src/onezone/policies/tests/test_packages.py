"""Packages: bundles (组合包) and bespoke packages (一企一策) with negotiated terms."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onezone.core.models import AuditEvent
from onezone.policies.models import PolicyPackage
from onezone.policies.services.packages import package_create, package_update
from onezone.policies.tests.conftest import AUTO_GRANT_POLICY, IC_RD_POLICY


@pytest.fixture
def policies(policy_world, load_policy):
    return [load_policy(IC_RD_POLICY), load_policy(AUTO_GRANT_POLICY)]


def test_an_officer_bundles_policies(policy_world, policies):
    package = package_create(
        actor=policy_world.officer,
        code="ic-startup",
        title="集成电路初创组合包",
        kind="bundle",
        description="研发补助与专利奖励",
        policy_codes=["DEMO-IC-RD-2025", "DEMO-PATENT-AUTO-2025"],
    )
    assert sorted(package.policies.values_list("code", flat=True)) == [
        "DEMO-IC-RD-2025",
        "DEMO-PATENT-AUTO-2025",
    ]
    assert package.created_by == policy_world.officer
    event = AuditEvent.objects.get(action="policy_package.create")
    assert event.after["policies"] == ["DEMO-IC-RD-2025", "DEMO-PATENT-AUTO-2025"]


def test_a_bespoke_package_records_the_terms_and_who_agreed(policy_world, policies):
    world = policy_world
    package = package_create(
        actor=world.officer,
        code="ic-major-project",
        title="重大项目一企一策",
        kind="bespoke",
        policy_codes=["DEMO-IC-RD-2025"],
        enterprise=world.ic,
        negotiated_terms="研发补助上限提高至 500 万元",
        agreed_by=world.leader,
        agreed_on=date(2026, 6, 1),
    )
    assert (package.enterprise, package.agreed_by) == (world.ic, world.leader)
    assert package.negotiated_terms == "研发补助上限提高至 500 万元"


def test_a_bespoke_package_needs_its_enterprise_terms_and_agreement(policy_world, policies):
    with pytest.raises(ValidationError) as error:
        package_create(
            actor=policy_world.officer,
            code="incomplete",
            title="一企一策",
            kind="bespoke",
            policy_codes=["NO-SUCH-POLICY"],
        )
    assert set(error.value.error_dict) == {
        "enterprise",
        "negotiated_terms",
        "agreed_by",
        "policy_codes",
    }
    assert not PolicyPackage.objects.exists()


def test_a_duplicate_code_is_refused(policy_world, policies):
    package_create(actor=policy_world.officer, code="p1", title="包", kind="bundle")
    with pytest.raises(ValidationError) as error:
        package_create(actor=policy_world.officer, code="p1", title="另一个包", kind="bundle")
    assert error.value.error_dict["code"][0].code == "duplicate"
    assert PolicyPackage.objects.count() == 1


def test_only_policy_officers_make_packages(policy_world, policies):
    for user in (policy_world.enterprise_user, policy_world.leader, policy_world.nobody):
        with pytest.raises(PermissionDenied):
            package_create(actor=user, code="p2", title="包", kind="bundle")
    assert not PolicyPackage.objects.exists()


def test_an_officer_updates_a_package(policy_world, policies):
    package = package_create(
        actor=policy_world.officer,
        code="p3",
        title="包",
        kind="bundle",
        policy_codes=["DEMO-IC-RD-2025"],
    )
    updated = package_update(
        actor=policy_world.officer_a,
        package=package,
        title="新包",
        kind="bundle",
        policy_codes=["DEMO-PATENT-AUTO-2025"],
    )
    assert updated.title == "新包"
    assert list(updated.policies.values_list("code", flat=True)) == ["DEMO-PATENT-AUTO-2025"]
    event = AuditEvent.objects.get(action="policy_package.update")
    assert event.before["policies"] == ["DEMO-IC-RD-2025"]

    with pytest.raises(PermissionDenied):
        package_update(
            actor=policy_world.enterprise_user, package=package, title="x", kind="bundle"
        )
    package.refresh_from_db()
    assert package.title == "新包"
