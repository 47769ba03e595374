"""Policy applications: apply with a prefilled form, approve or reject with a reason, the
payout clock, pay; wrong states, wrong people and other enterprises change nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from onezone.core import workcal
from onezone.core.choices import TimeUnit
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent, Notification
from onezone.policies.models import PolicyApplication, PolicyApplicationEvent
from onezone.policies.selectors import application_get, application_list
from onezone.policies.services.applications import policy_application_act, policy_apply
from onezone.policies.tests.conftest import IC_RD_POLICY, POLICY_NOW, policy_data

SOFTWARE_ONLY = policy_data(
    IC_RD_POLICY,
    code="DEMO-SW-ONLY",
    eligibility={"all": [{"field": "industry_code", "op": "industry_in", "value": ["65"]}]},
    tests=[],
)


@pytest.fixture
def version(policy_world, load_policy):
    return load_policy(IC_RD_POLICY)


@pytest.fixture
def application(policy_world, version):
    return policy_apply(
        actor=policy_world.enterprise_user,
        version=version,
        enterprise=policy_world.ic,
        form_data={"contact": "张三"},
    )


def _state(application) -> tuple:
    application = PolicyApplication.objects.get(pk=application.pk)
    return (
        application.state,
        application.version_lock,
        application.amount_approved,
        application.decided_at,
        application.paid_at,
        application.payout_clock_id,
        PolicyApplicationEvent.objects.filter(application=application).count(),
    )


def test_it_applies_with_the_form_prefilled_from_the_file(policy_world, application):
    assert application.state == "submitted"
    assert application.reference.startswith("ZC20260630")
    assert application.applicant == policy_world.enterprise_user
    assert application.form_data == {
        "contact": "张三",
        "age_years": 3,
        "industry_code": "3973",
        "rd_expense_10k_cny": 300.0,
        "rd_ratio": 0.1,
        "size_class": "small",
    }
    assert application.amount_computed == Decimal("30.00")
    assert application.amount_unit == "10k_cny"
    assert application.fallback_reason == ""
    assert application.submitted_at == POLICY_NOW
    assert list(application.events.values_list("action", "from_state", "to_state")) == [
        ("submit", "", "submitted")
    ]
    assert AuditEvent.objects.filter(action="policy_application.submit").count() == 1


def test_the_prefilled_figures_cannot_be_overwritten(policy_world, version):
    application = policy_apply(
        actor=policy_world.enterprise_user,
        version=version,
        enterprise=policy_world.ic,
        form_data={"rd_ratio": 0.9},
    )
    assert application.form_data["rd_ratio"] == 0.1


def test_it_refuses_an_enterprise_that_does_not_qualify(policy_world, load_policy):
    version = load_policy(SOFTWARE_ONLY)
    with pytest.raises(ValidationError) as error:
        policy_apply(
            actor=policy_world.enterprise_user, version=version, enterprise=policy_world.ic
        )
    assert error.value.error_dict["policy"][0].code == "not_eligible"
    assert not PolicyApplication.objects.exists()


def test_it_refuses_a_policy_not_in_force_today(policy_world, load_policy):
    version = load_policy(
        policy_data(IC_RD_POLICY, valid_from=date(2020, 1, 1), valid_to=date(2020, 12, 31))
    )
    with pytest.raises(ValidationError) as error:
        policy_apply(
            actor=policy_world.enterprise_user, version=version, enterprise=policy_world.ic
        )
    assert error.value.error_dict["policy"][0].code == "not_in_force"
    assert not PolicyApplication.objects.exists()


def test_only_the_enterprise_applies_for_itself(policy_world, version):
    world = policy_world
    for user in (world.other_enterprise_user, world.officer, world.liaison_user, world.nobody):
        with pytest.raises(PermissionDenied):
            policy_apply(actor=user, version=version, enterprise=world.ic)
    assert not PolicyApplication.objects.exists()


def test_a_second_application_for_the_same_policy_is_refused(policy_world, version, application):
    with pytest.raises(ConflictError):
        policy_apply(
            actor=policy_world.enterprise_user, version=version, enterprise=policy_world.ic
        )
    assert PolicyApplication.objects.count() == 1


def test_approval_starts_a_60_working_day_payout_clock(policy_world, application):
    world = policy_world

    approved = policy_application_act(
        actor=world.officer, application=application, action="approve", version=1
    )

    assert approved.state == "approved"
    assert approved.decided_by == world.officer
    assert approved.decided_at == POLICY_NOW
    assert approved.amount_approved == Decimal("30.00")
    assert approved.version_lock == 2
    clock = approved.payout_clock
    assert (clock.limit_amount, clock.limit_unit, clock.stopped_at) == (60, "working_days", None)
    assert clock.object_id == str(approved.pk)
    assert approved.payout_due_at == workcal.add(POLICY_NOW, 60, TimeUnit.WORKING_DAYS)
    # July 2026 has 23 working days and August 21: day 60 falls in September.
    assert approved.payout_due_at.month == 9
    assert Notification.objects.filter(
        recipient=world.enterprise_user,
        title="Your application for 集成电路企业研发投入补助 was approved.",
    ).exists()


def test_an_officer_may_approve_another_amount(policy_world, application):
    approved = policy_application_act(
        actor=policy_world.officer, application=application, action="approve", amount="25.5"
    )
    assert approved.amount_approved == Decimal("25.50")


def test_a_bad_amount_changes_nothing(policy_world, application):
    before = _state(application)
    for amount in ("abc", "-1", "NaN"):
        with pytest.raises(ValidationError):
            policy_application_act(
                actor=policy_world.officer, application=application, action="approve", amount=amount
            )
    assert _state(application) == before


def test_rejection_needs_a_reason(policy_world, application):
    before = _state(application)
    with pytest.raises(ValidationError) as error:
        policy_application_act(
            actor=policy_world.officer, application=application, action="reject", reason="  "
        )
    assert error.value.error_dict["reason"][0].code == "required"
    assert _state(application) == before

    rejected = policy_application_act(
        actor=policy_world.officer,
        application=application,
        action="reject",
        reason="研发费用未经专项审计",
    )
    assert rejected.state == "rejected"
    assert rejected.decision_reason == "研发费用未经专项审计"
    assert rejected.payout_clock is None


def test_payment_stops_the_clock(policy_world, application):
    officer = policy_world.officer
    policy_application_act(actor=officer, application=application, action="approve")

    paid = policy_application_act(actor=officer, application=application, action="pay")

    assert paid.state == "paid"
    assert paid.paid_at == POLICY_NOW
    assert paid.payout_clock.stopped_at is not None


@pytest.mark.parametrize(
    ("steps", "action"),
    [
        ((), "pay"),
        (("approve",), "approve"),
        (("approve",), "reject"),
        (("approve", "pay"), "pay"),
        (("approve", "pay"), "withdraw"),
    ],
)
def test_an_action_in_the_wrong_state_is_a_conflict(policy_world, application, steps, action):
    for step in steps:
        policy_application_act(actor=policy_world.officer, application=application, action=step)
    before = _state(application)
    actor = policy_world.enterprise_user if action == "withdraw" else policy_world.officer
    with pytest.raises(ConflictError):
        policy_application_act(actor=actor, application=application, action=action, reason="x")
    assert _state(application) == before


def test_an_outdated_version_is_a_conflict(policy_world, application):
    policy_application_act(actor=policy_world.officer, application=application, action="approve")
    before = _state(application)
    with pytest.raises(ConflictError):
        policy_application_act(
            actor=policy_world.officer, application=application, action="pay", version=1
        )
    assert _state(application) == before


def test_the_enterprise_cannot_decide_and_officers_cannot_withdraw(policy_world, application):
    world = policy_world
    before = _state(application)
    for user in (world.enterprise_user, world.leader, world.liaison_user):
        with pytest.raises(PermissionDenied):
            policy_application_act(actor=user, application=application, action="approve")
    with pytest.raises(PermissionDenied):
        policy_application_act(actor=world.officer, application=application, action="withdraw")
    assert _state(application) == before


def test_the_enterprise_withdraws_and_may_apply_again(policy_world, version, application):
    world = policy_world
    withdrawn = policy_application_act(
        actor=world.enterprise_user, application=application, action="withdraw"
    )
    assert withdrawn.state == "withdrawn"
    again = policy_apply(actor=world.enterprise_user, version=version, enterprise=world.ic)
    assert again.state == "submitted"


def test_the_enterprise_sees_each_step(policy_world, application):
    world = policy_world
    policy_application_act(actor=world.officer, application=application, action="approve")
    policy_application_act(actor=world.officer, application=application, action="pay")

    seen = application_get(actor=world.enterprise_user, pk=application.pk)

    assert list(seen.events.values_list("action", "to_state")) == [
        ("submit", "submitted"),
        ("approve", "approved"),
        ("pay", "paid"),
    ]
    titles = set(
        Notification.objects.filter(recipient=world.enterprise_user).values_list("title", flat=True)
    )
    assert {
        "Your application for 集成电路企业研发投入补助 was approved.",
        "The payout of 集成电路企业研发投入补助 was made.",
    } <= titles


def test_another_enterprise_does_not_see_the_application(policy_world, application):
    world = policy_world
    with pytest.raises(Http404):
        application_get(actor=world.other_enterprise_user, pk=application.pk)
    assert not application_list(actor=world.other_enterprise_user).exists()
    assert not application_list(actor=world.nobody).exists()
    for reader in (world.enterprise_user, world.officer, world.leader):
        assert list(application_list(actor=reader)) == [application]
