"""The stored match set and its digest: an unchanged full re-match reads and writes no match
rows, a re-match of some enterprises clears the digest, a changed figure rewrites exactly the
rows it affects (and the numbers the diff compares follow the gap JSON)."""

import datetime

import numpy as np
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from onezone.core.models import Notification, Todo
from onezone.enterprises import services as enterprise_services
from onezone.policies.engine.facts import snapshot
from onezone.policies.models import PolicyMatch, PolicyVersion
from onezone.policies.services import matching
from onezone.policies.services.evaluation import matching_snapshot
from onezone.policies.services.matching import EMPTY_DIGEST, rematch
from onezone.policies.tests.conftest import IC_RD_POLICY, POLICY_TODAY
from onezone.policies.tests.test_matching import SOFTWARE_POLICY

MATCH_TABLE = PolicyMatch._meta.db_table


def _match_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if MATCH_TABLE in query["sql"]]


def _rows(version) -> dict:
    """Everything stored per enterprise, so an untouched row compares equal."""
    return {
        row["enterprise_id"]: row
        for row in PolicyMatch.objects.filter(version=version).values(
            "id",
            "enterprise_id",
            "status",
            "amount",
            "gap",
            "gap_condition",
            "gap_actual",
            "matched_on",
            "first_matched_at",
        )
    }


def _digest(version) -> tuple:
    version = PolicyVersion.objects.get(pk=version.pk)
    return version.match_digest, version.match_digest_on


def _raise_low_rd_expense(world, amount=120):
    """low_rd: R&D 100 → `amount` on revenue 5000 (still short of the software policy's 3 %)."""
    enterprise_services.enterprise_update(
        actor=world.admin,
        enterprise=world.low_rd,
        data={"rd_expense_10k_cny": amount, "year": 2025, "source": "statistics"},
    )


def test_a_full_run_stores_each_versions_digest(policy_world, load_policy):
    ic_rd = load_policy(IC_RD_POLICY)
    software = load_policy(SOFTWARE_POLICY)

    rematch()

    ic_digest, software_digest = _digest(ic_rd), _digest(software)
    assert ic_digest[1] == software_digest[1] == POLICY_TODAY
    assert len(ic_digest[0]) == len(software_digest[0]) == 64
    assert ic_digest[0] != software_digest[0]


def test_an_unchanged_second_run_reads_and_writes_no_match_rows(policy_world, load_policy):
    ic_rd = load_policy(IC_RD_POLICY)
    software = load_policy(SOFTWARE_POLICY)
    rematch()
    before = (_rows(ic_rd), _rows(software), _digest(ic_rd), _digest(software))

    with CaptureQueriesContext(connection) as queries:
        stats = rematch()

    assert _match_queries(queries.captured_queries) == []
    assert (stats.skipped, stats.created, stats.updated, stats.deleted) == (2, 0, 0, 0)
    assert stats.newly_eligible == 0
    assert (_rows(ic_rd), _rows(software), _digest(ic_rd), _digest(software)) == before


def test_a_run_on_another_day_compares_the_rows_again(policy_world, load_policy):
    software = load_policy(SOFTWARE_POLICY)
    rematch()
    rows = _rows(software)
    next_day = POLICY_TODAY + datetime.timedelta(days=1)

    with CaptureQueriesContext(connection) as queries:
        stats = rematch(at=next_day)

    reads = [sql for sql in _match_queries(queries.captured_queries) if "SELECT" in sql]
    assert reads  # the stored set was read and compared, not trusted
    assert (stats.skipped, stats.created, stats.updated, stats.deleted) == (0, 0, 0, 0)
    assert _rows(software) == rows
    assert _digest(software)[1] == next_day


def test_a_subset_run_clears_the_digest_and_the_next_full_run_diffs(policy_world, load_policy):
    world = policy_world
    ic_rd = load_policy(IC_RD_POLICY)
    software = load_policy(SOFTWARE_POLICY)
    rematch()
    full_digest = _digest(software)[0]
    ic_digest = _digest(ic_rd)
    _raise_low_rd_expense(world)

    stats = rematch(enterprise_ids=[world.low_rd.pk])

    assert (stats.created, stats.updated, stats.deleted) == (0, 1, 0)
    assert _digest(software) == ("", None)
    assert _digest(ic_rd) == ic_digest  # nothing of it was written
    row = PolicyMatch.objects.get(version=software, enterprise=world.low_rd)
    assert row.gap["actual"] == 0.024

    with CaptureQueriesContext(connection) as queries:
        stats = rematch()

    assert any("SELECT" in sql for sql in _match_queries(queries.captured_queries))
    assert (stats.skipped, stats.created, stats.updated, stats.deleted) == (1, 0, 0, 0)
    new_digest = _digest(software)
    assert new_digest[1] == POLICY_TODAY
    assert new_digest[0] not in ("", full_digest)


def test_a_changed_figure_changes_exactly_the_affected_rows(policy_world, load_policy):
    world = policy_world
    ic_rd = load_policy(IC_RD_POLICY)
    software = load_policy(SOFTWARE_POLICY)
    rematch()
    ic_before, software_before = _rows(ic_rd), _rows(software)
    ic_digest, software_digest = _digest(ic_rd), _digest(software)
    _raise_low_rd_expense(world)

    stats = rematch()

    assert (stats.skipped, stats.created, stats.updated, stats.deleted) == (1, 0, 1, 0)
    assert _rows(ic_rd) == ic_before
    assert _digest(ic_rd) == ic_digest
    software_after = _rows(software)
    changed = {
        enterprise_id
        for enterprise_id, row in software_after.items()
        if software_before.get(enterprise_id) != row
    }
    assert changed == {world.low_rd.pk}
    row, old = software_after[world.low_rd.pk], software_before[world.low_rd.pk]
    assert row["id"] == old["id"] and row["first_matched_at"] == old["first_matched_at"]
    assert (row["status"], row["gap_condition"], row["gap_actual"]) == ("nearly", 1, 0.024)
    assert (old["gap_condition"], old["gap_actual"]) == (1, 0.02)
    assert (row["gap"]["field"], row["gap"]["actual"]) == ("rd_ratio", 0.024)
    assert "2.4%" in row["gap"]["message"]
    assert _digest(software)[0] != software_digest[0]


def test_a_text_gap_changes_when_the_value_changes(policy_world, load_policy):
    """An industry gap's value is stored as a number too, so a new industry is rewritten."""
    world = policy_world
    software = load_policy(SOFTWARE_POLICY)
    rematch()
    old = PolicyMatch.objects.get(version=software, enterprise=world.ic)
    enterprise_services.enterprise_update(
        actor=world.admin, enterprise=world.ic, data={"industry_code": "3974"}
    )

    stats = rematch()

    row = PolicyMatch.objects.get(version=software, enterprise=world.ic)
    assert stats.updated == 1
    assert (row.gap_condition, old.gap_condition) == (0, 0)
    assert row.gap_actual is not None and row.gap_actual != old.gap_actual
    assert (old.gap["actual"], row.gap["actual"]) == ("3973", "3974")


def test_stored_numbers_without_digest_are_rewritten_once(policy_world, load_policy):
    """Rows written before the gap numbers existed (NULLs) are brought up to date."""
    world = policy_world
    software = load_policy(SOFTWARE_POLICY)
    rematch()
    PolicyMatch.objects.filter(version=software).update(gap_condition=None, gap_actual=None)
    PolicyVersion.objects.filter(pk=software.pk).update(match_digest="")

    stats = rematch()

    assert stats.updated == 3  # the three nearly rows
    row = PolicyMatch.objects.get(version=software, enterprise=world.low_rd)
    assert (row.gap_condition, row.gap_actual) == (1, 0.02)
    assert rematch().skipped == 1


def test_an_outdated_version_is_cleared_once(policy_world, load_policy):
    world = policy_world
    ic_rd = load_policy(IC_RD_POLICY)
    rematch()
    assert PolicyMatch.objects.filter(version=ic_rd).count() == 2
    after_expiry = datetime.date(2027, 1, 4)  # IC_RD_POLICY is valid to 2026-12-31

    stats = rematch(at=after_expiry)

    assert stats.deleted == 2
    assert not PolicyMatch.objects.filter(version=ic_rd).exists()
    assert _digest(ic_rd) == (EMPTY_DIGEST, after_expiry)
    with CaptureQueriesContext(connection) as queries:
        rematch(at=after_expiry)
    assert _match_queries(queries.captured_queries) == []
    assert world.ic.pk  # the enterprise itself is untouched


def _assert_same_snapshot(ours, theirs):
    np.testing.assert_array_equal(ours.ids, theirs.ids)
    assert set(ours.columns) == set(theirs.columns)
    for name, column in theirs.columns.items():
        if name == "tags":
            assert set(ours.columns["tags"]) == set(column)
            for code, members in column.items():
                np.testing.assert_array_equal(ours.columns["tags"][code], members)
        else:
            np.testing.assert_array_equal(ours.columns[name], column, err_msg=name)


def test_the_matching_snapshot_holds_the_same_columns_as_the_engines(policy_world):
    """The re-match reads with plain cursors; its columns must be the engine snapshot's."""
    world = policy_world
    at = POLICY_TODAY

    _assert_same_snapshot(matching_snapshot(at), snapshot(at, with_provenance=False))
    some = sorted([world.low_rd.pk, world.ic.pk, world.unknown.pk])
    _assert_same_snapshot(matching_snapshot(at, some), snapshot(at, some, with_provenance=False))
    ours = matching_snapshot(at)
    position = int(np.flatnonzero(ours.ids == world.ic.pk)[0])
    assert ours.columns["revenue_growth"][position] == 0.5  # 3000 after 2000
    assert ours.columns["registered_on"][position] == datetime.date(2023, 5, 1).toordinal()
    assert bool(ours.columns["tags"]["high_tech"][position])
    skipped = matching_snapshot(at, fields={"rd_ratio"})
    assert np.isnan(skipped.columns["revenue_growth"]).all()


def test_many_newly_eligible_enterprises_are_told_from_one_read(
    policy_world, load_policy, monkeypatch
):
    """From WHOLE_TABLE_FROM enterprises on, members and liaisons are read table-wide and
    filtered; the same people are told as through `IN` lists."""
    world = policy_world
    monkeypatch.setattr(matching, "WHOLE_TABLE_FROM", 1)
    version = load_policy(IC_RD_POLICY)

    rematch()

    # The titles as the active language has them (the catalogue translates them).
    policy = {"title": "集成电路企业研发投入补助"}
    told = Notification.objects.filter(title=_("Your enterprise qualifies for %(title)s") % policy)
    assert list(told.values_list("recipient__username", flat=True)) == ["enterprise"]
    todo = Todo.objects.get(assignee=world.liaison_user)
    tell = _("Tell %(enterprise)s it qualifies for %(title)s")
    assert todo.title == tell % {"enterprise": "芯谷示例科技有限公司", **policy}
    assert todo.source_id == f"{version.pk}:{world.ic.pk}"
    assert Todo.objects.filter(source_type="policies.policyversion").count() == 1
