"""Subscriptions: what new policies an enterprise hears of; who may set them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onezone.core.models import AuditEvent
from onezone.policies.models import PolicySubscription
from onezone.policies.services.policies import subscription_concerns
from onezone.policies.services.subscriptions import subscription_set
from onezone.policies.tests.conftest import IC_RD_POLICY, policy_data


def test_an_enterprise_user_sets_its_subscription(policy_world):
    world = policy_world
    subscription = subscription_set(
        actor=world.enterprise_user,
        enterprise=world.ic,
        classes=["subsidy", "reduction", "subsidy"],
        industries=" c39, 6520",
    )
    assert subscription.classes == ["reduction", "subsidy"]
    assert subscription.industries == ["6520", "C39"]
    assert subscription.updated_by == world.enterprise_user
    assert AuditEvent.objects.filter(action="policy_subscription.set").count() == 1

    changed = subscription_set(
        actor=world.officer_a, enterprise=world.ic, classes=[], industries=["39"]
    )
    assert changed.pk == subscription.pk
    assert (changed.classes, changed.industries) == ([], ["39"])


def test_unknown_classes_and_industries_are_refused(policy_world):
    with pytest.raises(ValidationError) as error:
        subscription_set(
            actor=policy_world.enterprise_user,
            enterprise=policy_world.ic,
            classes=["gift"],
            industries=["99999"],
        )
    assert set(error.value.error_dict) == {"classes", "industries"}
    assert not PolicySubscription.objects.exists()


def test_others_may_not_change_it(policy_world):
    world = policy_world
    for user in (world.other_enterprise_user, world.officer_b, world.nobody):
        with pytest.raises(PermissionDenied):
            subscription_set(actor=user, enterprise=world.ic, classes=["subsidy"], industries=[])
    assert not PolicySubscription.objects.exists()
    assert not AuditEvent.objects.filter(action="policy_subscription.set").exists()


@pytest.mark.parametrize(
    ("classes", "industries", "concerned"),
    [
        (["subsidy"], [], True),
        (["reduction"], [], False),
        ([], ["39"], True),  # 3973 is in division 39
        ([], ["C"], True),  # and in section C
        ([], ["652"], True),  # 652 is listed itself
        ([], ["6520"], True),  # a class under the listed group 652
        ([], ["65"], True),  # a division containing the listed group
        ([], ["I"], True),  # the section of 652
        ([], ["37"], False),
        (["subsidy"], ["37"], False),
        ([], [], False),
    ],
)
def test_which_new_policies_concern_a_subscriber(
    policy_world, load_policy, classes, industries, concerned
):
    version = load_policy(IC_RD_POLICY)
    subscription = PolicySubscription(classes=classes, industries=industries)
    assert subscription_concerns(subscription, version) is concerned


def test_a_policy_for_every_industry_concerns_industry_subscribers(policy_world, load_policy):
    version = load_policy(
        policy_data(
            IC_RD_POLICY,
            code="ANY-INDUSTRY",
            eligibility={"all": [{"field": "employees", "op": ">=", "value": 1}]},
        )
    )
    assert subscription_concerns(PolicySubscription(classes=[], industries=["37"]), version)
