"""免申即享: granted without application only when every field the policy reads comes from an
authoritative source for the enterprise; otherwise a fast application, saying why."""

from datetime import date

import pytest

from onezone.conftest import PASSWORD
from onezone.core.choices import TimeUnit
from onezone.core.errors import ConflictError
from onezone.core.models import Notification
from onezone.enterprises import services as enterprise_services
from onezone.policies.models import PolicyApplication
from onezone.policies.services.applications import (
    policy_application_act,
    policy_apply,
    policy_grant_automatically,
)
from onezone.policies.services.matching import auto_grant_check, rematch
from onezone.policies.tests.conftest import (
    AUTO_GRANT_POLICY,
    IC_RD_POLICY,
    SHANGHAI,
)

GRANTED = "Granted without application: 发明专利奖励（免申即享）"


def member_of(world, enterprise, username: str):
    """A confirmed user of an enterprise opened by an officer."""
    membership = enterprise_services.enterprise_signup(
        username=username,
        password=PASSWORD,
        full_name=username,
        phone="13800138001",
        uscc=enterprise.uscc,
        enterprise_name=enterprise.name,
        zone=enterprise.zone,
    )
    return enterprise_services.membership_confirm(actor=world.officer_a, membership=membership).user


def test_a_fully_authoritative_enterprise_is_granted_on_matching(policy_world, load_policy):
    world = policy_world
    version = load_policy(AUTO_GRANT_POLICY)

    stats = rematch()

    grant = PolicyApplication.objects.get()
    assert (grant.enterprise, grant.version) == (world.ic, version)
    assert grant.state == "granted"
    assert grant.is_auto_grant is True
    assert grant.applicant is None
    # min(4 patents × 2, 10) = 8 (万元).
    assert (str(grant.amount_computed), str(grant.amount_approved)) == ("8.00", "8.00")
    assert grant.amount_unit == "10k_cny"
    assert grant.form_data == {"industry_code": "3973", "invention_patents": 4}
    # 20 working days from Tuesday 2026-06-30: 3 + 5 + 5 + 5 in July up to the 24th, then
    # 27 and 28 July.
    assert grant.payout_clock.limit_amount == 20
    assert grant.payout_clock.limit_unit == TimeUnit.WORKING_DAYS
    assert grant.payout_due_at.astimezone(SHANGHAI).date() == date(2026, 7, 28)
    assert list(grant.events.values_list("action", "to_state")) == [("grant", "granted")]
    assert stats.granted == 1
    assert Notification.objects.filter(recipient=world.enterprise_user, title=GRANTED).count() == 1


def test_it_grants_once(policy_world, load_policy):
    load_policy(AUTO_GRANT_POLICY)
    rematch()
    rematch()
    assert PolicyApplication.objects.count() == 1
    version = PolicyApplication.objects.get().version
    again = policy_grant_automatically(version=version, enterprise=policy_world.ic)
    assert again == PolicyApplication.objects.get()
    assert PolicyApplication.objects.count() == 1


def test_self_declared_figures_fall_back_to_a_fast_application(policy_world, load_policy):
    world = policy_world
    version = load_policy(AUTO_GRANT_POLICY)
    rematch()
    assert not PolicyApplication.objects.filter(enterprise=world.self_declared).exists()

    granted, reason = auto_grant_check(version, world.self_declared)

    assert granted is False
    assert "invention patents" in reason
    assert "所属行业" not in reason  # registration data is authoritative
    assert policy_grant_automatically(version=version, enterprise=world.self_declared) is None
    user = member_of(world, world.self_declared, "self_declared_user")
    application = policy_apply(actor=user, version=version, enterprise=world.self_declared)
    assert application.state == "submitted"
    assert application.is_auto_grant is False
    assert application.fallback_reason == reason
    assert str(application.amount_computed) == "2.00"
    assert application.events.get().note == reason


def test_the_authoritative_enterprise_has_nothing_to_apply_for(policy_world, load_policy):
    world = policy_world
    version = load_policy(AUTO_GRANT_POLICY)
    assert auto_grant_check(version, world.ic) == (True, "")
    with pytest.raises(ConflictError):
        policy_apply(actor=world.enterprise_user, version=version, enterprise=world.ic)
    assert not PolicyApplication.objects.exists()


def test_an_officer_figure_is_not_authoritative(policy_world, load_policy):
    world = policy_world
    version = load_policy(AUTO_GRANT_POLICY)
    enterprise_services.enterprise_update(
        actor=world.officer_a,
        enterprise=world.ic,
        data={"invention_patents": 5, "year": 2025, "source": "officer"},
    )
    granted, reason = auto_grant_check(version, world.ic)
    assert granted is False
    assert "invention patents" in reason
    rematch()
    assert not PolicyApplication.objects.exists()


def test_other_modes_are_never_granted_without_application(policy_world, load_policy):
    version = load_policy(IC_RD_POLICY)
    granted, reason = auto_grant_check(version, policy_world.ic)
    assert granted is False
    assert reason == "This policy is not granted without application."
    rematch()
    assert not PolicyApplication.objects.exists()


def test_a_grant_is_paid_like_an_approved_application(policy_world, load_policy):
    world = policy_world
    load_policy(AUTO_GRANT_POLICY)
    rematch()
    grant = PolicyApplication.objects.get()

    paid = policy_application_act(actor=world.officer, application=grant, action="pay")

    assert paid.state == "paid"
    assert paid.paid_at is not None
    assert paid.payout_clock.stopped_at is not None
