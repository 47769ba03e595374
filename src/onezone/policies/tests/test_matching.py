"""Matching on hand-computed cases: one enterprise's explanation, and the stored matches
refreshed in bulk (new, changed, removed rows; notifications; refresh on changes)."""

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils.module_loading import import_string

from onezone.core.models import Notification, Todo
from onezone.enterprises import services as enterprise_services
from onezone.policies.models import PolicyMatch
from onezone.policies.selectors import matches_for_enterprise, matches_for_version
from onezone.policies.services import refresh
from onezone.policies.services.matching import match_enterprise, rematch
from onezone.policies.services.refresh import on_enterprise_changed
from onezone.policies.tests.conftest import (
    IC_RD_POLICY,
    POLICY_TODAY,
    make_policy_enterprise,
    policy_data,
)

# Software firms (division 65) with R&D of at least 3 % of revenue.
SOFTWARE_POLICY = policy_data(
    IC_RD_POLICY,
    code="DEMO-SW-RD-2025",
    title="软件企业研发补助",
    eligibility={
        "all": [
            {"field": "industry_code", "op": "industry_in", "value": ["65"]},
            {"field": "rd_ratio", "op": ">=", "value": 0.03},
        ]
    },
    amount={"formula": "rd_expense_10k_cny * 0.05", "unit": "10k_cny"},
    tests=[],
)
# Manufacturing (section C) with at least one invention patent.
MANUFACTURING_POLICY = policy_data(
    IC_RD_POLICY,
    code="DEMO-C-PATENT",
    title="制造业专利奖励",
    eligibility={
        "all": [
            {"field": "industry_code", "op": "industry_in", "value": ["C"]},
            {"field": "invention_patents", "op": ">=", "value": 1},
        ]
    },
    amount={"formula": "invention_patents * 2", "unit": "10k_cny"},
    tests=[],
)
QUALIFIES = "Your enterprise qualifies for 集成电路企业研发投入补助"


def _entry(enterprise, at=POLICY_TODAY, code="DEMO-IC-RD-2025"):
    entries = [entry for entry in match_enterprise(enterprise, at) if entry["code"] == code]
    assert len(entries) == 1
    return entries[0]


def _stored(version):
    return {
        row.enterprise_id: (row.status, row.amount, (row.gap or {}).get("field"))
        for row in PolicyMatch.objects.filter(version=version)
    }


# ---- one enterprise ---------------------------------------------------------------------------


def test_it_explains_each_condition_with_the_enterprise_figures(policy_world, load_policy):
    load_policy(IC_RD_POLICY)

    entry = _entry(policy_world.ic)

    # R&D 300 / revenue 3000 = 10 %; small; registered 2023-05-01 → 3 years on 2026-06-30.
    assert entry["eligible"] is True
    assert entry["amount"] == 30.0  # min(300 × 0.1, 200)
    assert entry["unit"] == "10k_cny"
    assert entry["version"] == 1
    assert [c["field"] for c in entry["conditions"]] == [
        "industry_code",
        "rd_ratio",
        "size_class",
        "age_years",
    ]
    assert [c["passed"] for c in entry["conditions"]] == [True, True, True, True]
    assert [c["actual"] for c in entry["conditions"]] == ["3973", 0.1, "small", 3]
    assert entry["conditions"][1]["text"] == "研发投入占比 10%，要求 ≥ 3%"
    assert entry["gaps"] == []


def test_unknown_values_are_neither_true_nor_false(policy_world, load_policy):
    load_policy(IC_RD_POLICY)

    entry = _entry(policy_world.unknown)

    assert entry["eligible"] is False
    assert entry["amount"] is None
    assert [c["passed"] for c in entry["conditions"]] == [None, None, None, None]
    assert [c["actual"] for c in entry["conditions"]] == [None, None, None, None]
    assert entry["gaps"] == []  # more than one change is needed


def test_industry_prefixes_and_sections_cover_their_classes(policy_world, load_policy):
    load_policy(IC_RD_POLICY)
    load_policy(MANUFACTURING_POLICY)

    # "652" covers 6520; the section letter C covers 3973 but not 6520 (section I).
    assert _entry(policy_world.low_rd)["conditions"][0]["passed"] is True
    assert _entry(policy_world.ic, code="DEMO-C-PATENT")["eligible"] is True
    assert _entry(policy_world.ic, code="DEMO-C-PATENT")["amount"] == 8.0
    low_rd = _entry(policy_world.low_rd, code="DEMO-C-PATENT")
    assert [c["passed"] for c in low_rd["conditions"]] == [False, None]


def test_two_failed_conditions_are_not_nearly_eligible(policy_world, load_policy):
    load_policy(IC_RD_POLICY)

    entry = _entry(policy_world.low_rd)

    # R&D 100 / 5000 = 2 % < 3 %, and neither small nor 3 years old (medium, 11 years).
    assert entry["eligible"] is False
    assert [c["passed"] for c in entry["conditions"]] == [True, False, False, False]
    assert entry["gaps"] == []


def test_one_condition_short_is_nearly_eligible_with_the_gap(policy_world, load_policy):
    load_policy(SOFTWARE_POLICY)

    entry = _entry(policy_world.low_rd, code="DEMO-SW-RD-2025")

    assert entry["eligible"] is False
    assert entry["amount"] is None
    assert len(entry["gaps"]) == 1
    gap = entry["gaps"][0]
    assert (gap["field"], gap["op"], gap["value"], gap["actual"]) == ("rd_ratio", ">=", 0.03, 0.02)
    assert "研发投入占比" in gap["message"]


def test_dates_outside_the_validity_match_nothing(policy_world, load_policy):
    load_policy(IC_RD_POLICY)

    assert match_enterprise(policy_world.ic, date(2024, 12, 31)) == []
    assert match_enterprise(policy_world.ic, date(2027, 1, 1)) == []
    assert len(match_enterprise(policy_world.ic, date(2026, 12, 31))) == 1


def test_the_newest_version_covering_the_date_is_used(policy_world, load_policy):
    load_policy(IC_RD_POLICY)
    stricter = IC_RD_POLICY["eligibility"]["all"][1] | {"value": 0.15}
    load_policy(
        policy_data(
            IC_RD_POLICY,
            valid_from=date(2026, 1, 1),
            eligibility={
                "all": [
                    IC_RD_POLICY["eligibility"]["all"][0],
                    stricter,
                    IC_RD_POLICY["eligibility"]["all"][2],
                ]
            },
        )
    )

    in_2025 = _entry(policy_world.ic, at=date(2025, 6, 30))
    in_2026 = _entry(policy_world.ic)

    assert (in_2025["version"], in_2025["eligible"], in_2025["amount"]) == (1, True, 30.0)
    assert (in_2026["version"], in_2026["eligible"]) == (2, False)
    assert [gap["field"] for gap in in_2026["gaps"]] == ["rd_ratio"]
    assert in_2026["gaps"][0]["actual"] == 0.1


# ---- the stored matches ------------------------------------------------------------------------


def test_rematch_stores_eligible_and_nearly_eligible_pairs(policy_world, load_policy):
    world = policy_world
    ic_rd = load_policy(IC_RD_POLICY)
    software = load_policy(SOFTWARE_POLICY)

    stats = rematch()

    assert _stored(ic_rd) == {
        world.ic.pk: ("eligible", Decimal("30.00"), None),
        world.self_declared.pk: ("eligible", Decimal("10.00"), None),
    }
    assert _stored(software) == {
        world.low_rd.pk: ("nearly", None, "rd_ratio"),
        world.ic.pk: ("nearly", None, "industry_code"),
        world.self_declared.pk: ("nearly", None, "industry_code"),
    }
    gap = PolicyMatch.objects.get(version=software, enterprise=world.low_rd).gap
    assert (gap["op"], gap["value"], gap["actual"]) == (">=", 0.03, 0.02)
    assert (stats.created, stats.updated, stats.deleted, stats.newly_eligible) == (5, 0, 0, 2)
    assert PolicyMatch.objects.get(version=ic_rd, enterprise=world.ic).matched_on == POLICY_TODAY


def test_rematch_writes_only_the_difference(policy_world, load_policy):
    world = policy_world
    ic_rd = load_policy(IC_RD_POLICY)
    software = load_policy(SOFTWARE_POLICY)
    rematch()
    first_seen = PolicyMatch.objects.get(version=ic_rd, enterprise=world.ic).first_matched_at
    # Revenue 5000 brings self_declared's R&D ratio to 2 %: nearly for IC, out of software.
    enterprise_services.enterprise_update(
        actor=world.admin,
        enterprise=world.self_declared,
        data={"revenue_10k_cny": 5000, "year": 2025, "source": "self_declared"},
    )
    newcomer = make_policy_enterprise(
        world,
        "芯谷新设计有限公司",
        industry_code="6520",
        registered_on=date(2024, 1, 1),
        employees=10,
        revenue_10k_cny=100,
        assets_10k_cny=100,
        rd_expense_10k_cny=50,
    )

    stats = rematch()

    assert _stored(ic_rd) == {
        world.ic.pk: ("eligible", Decimal("30.00"), None),
        world.self_declared.pk: ("nearly", None, "rd_ratio"),
        newcomer.pk: ("eligible", Decimal("5.00"), None),
    }
    assert world.self_declared.pk not in _stored(software)
    assert _stored(software)[newcomer.pk] == ("eligible", Decimal("2.50"), None)
    assert (stats.created, stats.updated, stats.deleted) == (2, 1, 1)
    assert stats.newly_eligible == 2
    row = PolicyMatch.objects.get(version=ic_rd, enterprise=world.ic)
    assert row.first_matched_at == first_seen
    assert (rematch().created, rematch().updated, rematch().deleted) == (0, 0, 0)


def test_rows_of_versions_no_longer_in_force_are_removed(policy_world, load_policy):
    load_policy(IC_RD_POLICY)
    rematch()
    assert PolicyMatch.objects.count() == 2

    stats = rematch(at=date(2027, 1, 1))

    assert stats.deleted == 2
    assert not PolicyMatch.objects.exists()


def test_a_new_version_replaces_the_rows_of_the_old_one(policy_world, load_policy):
    first = load_policy(IC_RD_POLICY)
    rematch()
    second = load_policy(policy_data(IC_RD_POLICY, summary="修订"))

    rematch()

    assert not PolicyMatch.objects.filter(version=first).exists()
    assert PolicyMatch.objects.filter(version=second).count() == 2


def test_newly_eligible_enterprises_are_told_and_their_liaison_gets_a_to_do(
    policy_world, load_policy
):
    world = policy_world
    version = load_policy(IC_RD_POLICY)

    rematch()
    rematch()  # nothing new: nobody is told twice

    told = Notification.objects.filter(title=QUALIFIES)
    assert list(told.values_list("recipient__username", flat=True)) == ["enterprise"]
    todos = Todo.objects.filter(assignee=world.liaison_user)
    assert list(todos.values_list("title", flat=True)) == [
        "Tell 芯谷示例科技有限公司 it qualifies for 集成电路企业研发投入补助"
    ]
    todo = todos.get()
    assert (todo.source_type, todo.source_id) == (
        "policies.policyversion",
        f"{version.pk}:{world.ic.pk}",
    )
    assert todo.due_at > told.get().created_at


def test_nearly_eligible_enterprises_are_not_told(policy_world, load_policy):
    load_policy(SOFTWARE_POLICY)
    rematch()
    assert not Notification.objects.filter(title__startswith="Your enterprise qualifies").exists()
    assert not Todo.objects.filter(title__startswith="Tell").exists()


def test_loading_a_policy_matches_it_once_committed(
    policy_world, load_policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = load_policy(IC_RD_POLICY)
    assert _stored(version)[policy_world.ic.pk][0] == "eligible"


@pytest.fixture
def no_pending_refresh(policy_world):
    """The fixture's enterprise creations queued a refresh for a commit that never comes (the
    test transaction); drop it so the test sees only its own."""
    connection.run_on_commit[:] = [
        entry for entry in connection.run_on_commit if entry[1] is not refresh._flush
    ]
    refresh._pending.pop(id(connection), None)


def test_changed_figures_refresh_the_enterprise_once_committed(
    policy_world, load_policy, django_capture_on_commit_callbacks, settings, no_pending_refresh
):
    world = policy_world
    version = load_policy(IC_RD_POLICY)
    rematch()
    hook = "onezone.policies.services.refresh.on_enterprise_changed"
    assert hook in settings.ONEZONE_ENTERPRISE_CHANGED_HOOKS

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        # The enterprise service calls the hook itself; two changes, one re-match.
        enterprise_services.enterprise_update(
            actor=world.officer_a,
            enterprise=world.ic,
            data={"rd_expense_10k_cny": 60, "year": 2025, "source": "tax"},
        )
        import_string(hook)([world.self_declared.pk])
        # Nothing moves before the change commits.
        assert _stored(version)[world.ic.pk][0] == "eligible"

    assert len(callbacks) == 1
    # R&D 60 / 3000 = 2 %: only the R&D condition fails now.
    assert _stored(version)[world.ic.pk] == ("nearly", None, "rd_ratio")
    assert _stored(version)[world.self_declared.pk][0] == "eligible"


def test_the_hook_ignores_an_empty_list(policy_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        on_enterprise_changed([])
    assert callbacks == []


def test_a_rolled_back_change_leaves_nothing_pending(
    policy_world, load_policy, django_capture_on_commit_callbacks, no_pending_refresh
):
    load_policy(IC_RD_POLICY)
    with django_capture_on_commit_callbacks() as callbacks:
        with contextlib.suppress(RuntimeError), transaction.atomic():
            on_enterprise_changed([policy_world.ic.pk])
            raise RuntimeError("rolled back")
        on_enterprise_changed([policy_world.self_declared.pk])
    assert len(callbacks) == 1
    assert refresh._pending[id(connection)] == {policy_world.self_declared.pk}


def _query_count(callable_) -> int:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def _eligible_enterprises(world, count: int) -> None:
    for number in range(count):
        make_policy_enterprise(
            world,
            f"批量芯片企业{number}",
            industry_code="3973",
            registered_on=date(2024, 1, 1),
            employees=10,
            revenue_10k_cny=100,
            assets_10k_cny=100,
            rd_expense_10k_cny=10,
        )


def test_rematch_queries_do_not_grow_with_the_enterprises(policy_world, load_policy):
    load_policy(IC_RD_POLICY)
    load_policy(SOFTWARE_POLICY)
    _eligible_enterprises(policy_world, 2)
    first_small, steady_small = _query_count(rematch), _query_count(rematch)
    PolicyMatch.objects.all().delete()
    _eligible_enterprises(policy_world, 6)

    first_large, steady_large = _query_count(rematch), _query_count(rematch)

    assert PolicyMatch.objects.filter(status="eligible").count() == 2 + 8
    assert first_large == first_small
    assert steady_large == steady_small


# ---- who sees stored matches -------------------------------------------------------------------


def test_an_enterprise_sees_only_its_own_matches(policy_world, load_policy):
    world = policy_world
    version = load_policy(IC_RD_POLICY)
    rematch()

    own = matches_for_enterprise(actor=world.enterprise_user, enterprise=world.ic)
    assert [row.version_id for row in own] == [version.pk]
    for reader in (world.liaison_user, world.officer, world.leader):
        assert matches_for_enterprise(actor=reader, enterprise=world.ic).count() == 1
    with pytest.raises(Http404):
        matches_for_enterprise(actor=world.other_enterprise_user, enterprise=world.ic)
    with pytest.raises(Http404):
        matches_for_version(actor=world.enterprise_user, version=version)
    assert matches_for_version(actor=world.officer, version=version).count() == 2


def test_a_nearly_eligible_row_follows_the_changed_figure(policy_world, load_policy):
    world = policy_world
    software = load_policy(SOFTWARE_POLICY)
    rematch()
    enterprise_services.enterprise_update(
        actor=world.admin,
        enterprise=world.low_rd,
        data={"rd_expense_10k_cny": 120, "year": 2025, "source": "statistics"},
    )

    stats = rematch()

    gap = PolicyMatch.objects.get(version=software, enterprise=world.low_rd).gap
    assert gap["actual"] == 0.024  # 120 / 5000
    assert "2.4%" in gap["message"]
    assert (stats.created, stats.updated, stats.deleted) == (0, 1, 0)
    assert rematch().updated == 0
