"""Storing policies: new policies, new versions, identical re-loads, who may load, which
version applies at a date, the listing delay and subscribers of new policies."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from onezone.core.models import AuditEvent, Notification
from onezone.policies.engine.spec import parse_policy
from onezone.policies.models import Policy, PolicyVersion
from onezone.policies.services.policies import (
    is_listing_late,
    listing_delay_working_days,
    policy_load,
    policy_versions_at,
)
from onezone.policies.services.subscriptions import subscription_set
from onezone.policies.tests.conftest import IC_RD_POLICY, policy_data


def test_it_stores_a_new_policy_as_version_1(policy_world, load_policy):
    version = load_policy(IC_RD_POLICY)

    assert version.policy.code == "DEMO-IC-RD-2025"
    assert version.number == 1
    assert version.title == "集成电路企业研发投入补助"
    assert version.policy_class == "subsidy"
    assert version.mode == "fast_application"
    assert version.valid_from == date(2025, 1, 1)
    assert version.valid_to == date(2026, 12, 31)
    assert version.payout_limit_working_days == 60
    assert version.amount_formula == "min(rd_expense_10k_cny * 0.1, 200)"
    assert version.amount_unit == "10k_cny"
    assert version.fields_read == [
        "age_years",
        "industry_code",
        "rd_expense_10k_cny",
        "rd_ratio",
        "size_class",
    ]
    assert version.tests[0]["date"] == "2025-06-30"
    assert version.created_by == policy_world.officer
    assert AuditEvent.objects.filter(action="policy.load", object_id=str(version.pk)).count() == 1


def test_it_stores_nothing_when_the_same_file_is_loaded_again(policy_world, load_policy):
    first = load_policy(IC_RD_POLICY)
    events = AuditEvent.objects.count()

    again = load_policy(IC_RD_POLICY)

    assert again.pk == first.pk
    assert PolicyVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_it_makes_a_new_version_when_anything_changes(policy_world, load_policy):
    load_policy(IC_RD_POLICY)

    second = load_policy(policy_data(IC_RD_POLICY, title="集成电路企业研发投入补助（修订）"))

    assert second.number == 2
    assert Policy.objects.count() == 1
    assert list(second.policy.versions.values_list("number", flat=True)) == [2, 1]
    assert AuditEvent.objects.filter(action="policy.new_version").count() == 1


def test_it_refuses_anyone_but_a_policy_officer_and_stores_nothing(policy_world):
    spec = parse_policy(IC_RD_POLICY)
    for user in (policy_world.enterprise_user, policy_world.leader, policy_world.nobody):
        with pytest.raises(PermissionDenied):
            policy_load(actor=user, spec=spec)
    assert not Policy.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="policy.").exists()


def test_zone_officers_and_administrators_are_policy_officers(policy_world):
    spec = parse_policy(IC_RD_POLICY)
    assert policy_load(actor=policy_world.officer_a, spec=spec).number == 1
    changed = parse_policy(policy_data(IC_RD_POLICY, summary="修订"))
    assert policy_load(actor=policy_world.admin, spec=changed).number == 2


def test_the_command_line_loads_without_a_user(policy_world):
    version = policy_load(actor=None, spec=parse_policy(IC_RD_POLICY), source="code: x")
    assert version.created_by is None
    assert version.source == "code: x"


def test_the_newest_version_covering_a_date_applies(policy_world, load_policy):
    first = load_policy(IC_RD_POLICY)
    # Version 2 starts later; before it starts, version 1 still applies.
    second = load_policy(policy_data(IC_RD_POLICY, valid_from=date(2026, 1, 1)))
    expired = load_policy(
        policy_data(
            IC_RD_POLICY, code="OLD-2020", valid_from=date(2020, 1, 1), valid_to=date(2020, 12, 31)
        )
    )

    assert policy_versions_at(date(2025, 6, 1)) == [first]
    assert policy_versions_at(date(2026, 6, 1)) == [second]
    assert policy_versions_at(date(2027, 1, 1)) == []
    assert policy_versions_at(date(2020, 12, 31)) == [expired]
    assert policy_versions_at(date(2021, 1, 1)) == []


def test_a_version_without_an_end_applies_from_its_start(policy_world, load_policy):
    version = load_policy(policy_data(IC_RD_POLICY, valid_to=None))
    assert policy_versions_at(date(2024, 12, 31)) == []
    assert policy_versions_at(date(2040, 1, 1)) == [version]


def test_it_counts_the_working_days_from_publication_to_listing(policy_world, load_policy):
    # 2025-09-26 (Fri) → 2025-10-13 (Mon) spans the National Day holiday: 2025-09-28 (Sun) and
    # 2025-10-11 (Sat) are working days, 1–8 October are holidays. Working days after the
    # 26th up to the 13th: 28, 29, 30 Sep, 9, 10, 11, 13 Oct = 7.
    on_time = load_policy(
        policy_data(IC_RD_POLICY, published_on=date(2025, 9, 26), listed_on=date(2025, 10, 13))
    )
    assert listing_delay_working_days(on_time) == 7
    assert not is_listing_late(on_time)

    late = load_policy(
        policy_data(
            IC_RD_POLICY, code="LATE", published_on=date(2025, 9, 26), listed_on=date(2025, 10, 14)
        )
    )
    assert listing_delay_working_days(late) == 8
    assert is_listing_late(late)
    unknown = load_policy(policy_data(IC_RD_POLICY, code="NO-DATES"))
    assert listing_delay_working_days(unknown) is None


def test_subscribers_hear_of_a_new_policy_that_concerns_them(policy_world, load_policy):
    world = policy_world
    subscription_set(
        actor=world.enterprise_user, enterprise=world.ic, classes=["subsidy"], industries=["39"]
    )
    subscription_set(
        actor=world.other_enterprise_user,
        enterprise=world.unknown,
        classes=["reduction"],
        industries=[],
    )

    load_policy(IC_RD_POLICY)

    news = Notification.objects.filter(title__startswith="New policy")
    assert list(news.filter(recipient=world.enterprise_user).values_list("title", flat=True)) == [
        "New policy: 集成电路企业研发投入补助"
    ]
    assert not news.filter(recipient=world.other_enterprise_user).exists()


def test_a_new_version_is_not_announced_again(policy_world, load_policy):
    world = policy_world
    subscription_set(actor=world.enterprise_user, enterprise=world.ic, classes=[], industries=["C"])
    load_policy(IC_RD_POLICY)
    load_policy(policy_data(IC_RD_POLICY, summary="修订"))
    assert (
        Notification.objects.filter(
            recipient=world.enterprise_user, title__startswith="New policy"
        ).count()
        == 1
    )
