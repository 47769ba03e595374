"""Matching: one enterprise with full explanations, and the stored matches of every enterprise
refreshed in bulk (snapshot → vectorised evaluation → digest or numeric diff → bulk writes).

Each version's fresh set (enterprise ids, statuses, amounts in cents, gap condition index and
gap value as numbers) is hashed; a full run whose digest and date equal the version's stored
ones reads and writes no match rows. Otherwise the stored numbers are compared with numpy and
only new and changed rows are written (their gap JSON built then)."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.utils.translation import gettext as _

from onezone.core import clock, workcal
from onezone.core.audit import audit_record, audit_record_bulk
from onezone.core.choices import TimeUnit
from onezone.core.models import Notification, Todo
from onezone.enterprises.access import current_assignment_filter
from onezone.enterprises.choices import MembershipStatus, ServiceRole
from onezone.enterprises.models import Enterprise, EnterpriseMembership, ServiceAssignment
from onezone.policies.choices import MatchStatus, PolicyMode
from onezone.policies.engine.bulk import evaluate_bulk, nearly_bulk
from onezone.policies.engine.facts import facts_for, snapshot
from onezone.policies.engine.fields import FIELDS
from onezone.policies.engine.rules import gap_text, json_value
from onezone.policies.models import PolicyMatch, PolicyVersion
from onezone.policies.services.evaluation import (
    auto_grant_check,  # noqa: F401 (re-exported)
    evaluate,
    matching_snapshot,
    spec_of,
)
from onezone.policies.services.links import page_link
from onezone.policies.services.policies import policy_versions_at

# SQLite refuses statements with too many parameters; `__in` lists are sent in chunks.
CHUNK = 900
# A liaison tells a newly eligible enterprise within this many working days.
LIAISON_FOLLOW_UP_WORKING_DAYS = 5


# ---- one enterprise -----------------------------------------------------------------------------


def _amount_out(amount: Decimal | None) -> float | None:
    return float(amount) if amount is not None else None


def match_entry(version: PolicyVersion, evaluation) -> dict:
    """One entry of `policies match --json` and of the enterprise policies API."""
    explanation = evaluation.explanation
    return {
        "code": version.policy.code,
        "title": version.title,
        "version": version.number,
        "mode": version.mode,
        "eligible": evaluation.eligible is True,
        "amount": _amount_out(evaluation.amount),
        "unit": version.amount_unit,
        "conditions": [
            {
                "field": item.field,
                "op": item.op,
                "value": item.value,
                "actual": item.actual,
                "passed": item.passed,
                "text": item.text,
            }
            for item in explanation.conditions
        ],
        "gaps": [
            {
                "field": gap.field,
                "op": gap.op,
                "value": gap.value,
                "actual": gap.actual,
                "message": gap.message,
            }
            for gap in explanation.gaps
        ],
    }


def match_enterprise(enterprise: Enterprise, at: date | None = None) -> list[dict]:
    """Every policy version in force at `at` against one enterprise, with explanations."""
    at = at or clock.today()
    facts = facts_for(enterprise, at)
    return [
        match_entry(version, evaluate(version, enterprise, at, facts=facts))
        for version in policy_versions_at(at)
    ]


# ---- the stored matches, in bulk -----------------------------------------------------------------


@dataclass
class RematchStats:
    at: date
    versions: int = 0
    enterprises: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    newly_eligible: int = 0
    granted: int = 0
    # Versions whose stored set already had the fresh set's digest: nothing read or written.
    skipped: int = 0
    # (version id, enterprise id) of every pair that became eligible in this run.
    newly_eligible_pairs: list = field(default_factory=list)


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Status codes and "no amount"/"no gap" in the arrays the diff works on.
ELIGIBLE, NEARLY = 1, 2
STATUS_OF_CODE = {ELIGIBLE: MatchStatus.ELIGIBLE, NEARLY: MatchStatus.NEARLY}
CODE_OF_STATUS = {MatchStatus.ELIGIBLE: ELIGIBLE, MatchStatus.NEARLY: NEARLY}
NO_AMOUNT = np.iinfo(np.int64).min
NO_GAP = -1
# Bumped whenever what the digest covers changes, so old digests never match.
DIGEST_SCHEME = b"policy-match-set/1"
# The digest of a version with no stored rows (outdated versions once cleared).
EMPTY_DIGEST = "empty"
# Rows per INSERT/UPDATE batch.
WRITE_BATCH = 5000


def _hash48(text: str) -> int:
    """A stable 48-bit number for a text (exact as a float): text and tag values of a gap are
    stored in `gap_actual` as such numbers, so a changed value is seen without JSON."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=6).digest(), "big")


def _gap_numbers(snap, name: str, positions: np.ndarray) -> np.ndarray:
    """The enterprises' values of a field as numbers (NaN: unknown) for `gap_actual`."""
    kind = FIELDS[name].kind
    if kind == "tags":
        total = np.zeros(len(positions), dtype=np.int64)
        for code, members in snap.columns["tags"].items():
            total += members[positions].astype(np.int64) * _hash48(code)
        numbers = (total % (1 << 48)).astype(float)
        return np.where(snap.known_tags()[positions], numbers, np.nan)
    if kind == "text":
        codes, categories = snap.categorical(name)
        hashes = np.array([*(float(_hash48(c)) for c in categories), np.nan], dtype=float)
        return hashes[codes[positions]]
    return snap.columns[name][positions].astype(float)


def _gap_values(snap, name: str, positions: np.ndarray) -> list:
    """The enterprises' values of a field, typed as in `facts_for` (for the stored gap JSON)."""
    kind = FIELDS[name].kind
    if kind == "tags":
        known = snap.known_tags()[positions]
        members = {code: column[positions] for code, column in snap.columns["tags"].items()}
        return [
            frozenset(code for code, column in members.items() if column[row])
            if known[row]
            else None
            for row in range(len(positions))
        ]
    if kind == "text":
        return [value or None for value in snap.columns[name][positions].tolist()]
    values = snap.columns[name][positions].tolist()
    if kind == "date":
        return [None if v != v else date.fromordinal(int(v)) for v in values]
    if kind == "integer":
        return [None if v != v else int(v) for v in values]
    return [None if v != v else v for v in values]


def _cents(values: np.ndarray) -> np.ndarray:
    cents = np.full(len(values), NO_AMOUNT, dtype=np.int64)
    known = ~np.isnan(values)
    cents[known] = np.rint(values[known] * 100).astype(np.int64)
    return cents


def _canonical(numbers: np.ndarray) -> np.ndarray:
    # One NaN bit pattern and no negative zero, so equal sets hash equally.
    numbers = numbers + 0.0
    numbers[np.isnan(numbers)] = np.nan
    return numbers


@dataclass
class Rows:
    """Match rows of one version as arrays sorted by enterprise id: status code, amount in
    cents (NO_AMOUNT: none), gap condition index (NO_GAP: none), gap actual (NaN: none).
    Fresh rows know their snapshot positions; stored rows their primary keys."""

    ids: np.ndarray
    status: np.ndarray
    cents: np.ndarray
    gap_condition: np.ndarray
    gap_actual: np.ndarray
    positions: np.ndarray | None = None
    pks: np.ndarray | None = None

    def sorted(self) -> "Rows":
        if np.all(self.ids[1:] > self.ids[:-1]):
            return self
        order = np.argsort(self.ids, kind="stable")
        return Rows(
            *(None if array is None else array[order] for array in self._arrays()),
        )

    def _arrays(self) -> tuple:
        return (
            self.ids,
            self.status,
            self.cents,
            self.gap_condition,
            self.gap_actual,
            self.positions,
            self.pks,
        )

    def digest(self) -> str:
        """sha256 over the set: enterprise ids, statuses, amounts, gap condition and actual."""
        digest = hashlib.sha256(DIGEST_SCHEME)
        for array, dtype in (
            (self.ids, np.int64),
            (self.status, np.int8),
            (self.cents, np.int64),
            (self.gap_condition, np.int16),
            (_canonical(self.gap_actual.astype(float)), np.float64),
        ):
            digest.update(np.ascontiguousarray(array, dtype=dtype).tobytes())
        return digest.hexdigest()


def _fresh(spec, snap) -> Rows:
    """The eligible and nearly eligible enterprises of one version, vectorised."""
    eligible = evaluate_bulk(spec.rule, snap) == 1
    nearly, condition_index = nearly_bulk(spec.rule, snap)
    nearly &= ~eligible
    positions = np.flatnonzero(eligible | nearly)
    is_eligible = eligible[positions]
    status = np.where(is_eligible, ELIGIBLE, NEARLY).astype(np.int8)
    cents = np.full(len(positions), NO_AMOUNT, dtype=np.int64)
    if spec.formula is not None:
        amounts = _cents(spec.formula.evaluate_columns(snap)[positions])
        cents = np.where(is_eligible, amounts, NO_AMOUNT)
    gap_condition = np.where(is_eligible, NO_GAP, condition_index[positions]).astype(np.int16)
    gap_actual = np.full(len(positions), np.nan)
    for index in np.unique(gap_condition[gap_condition >= 0]).tolist():
        rows = np.flatnonzero(gap_condition == index)
        name = spec.rule.conditions[index].field
        gap_actual[rows] = _gap_numbers(snap, name, positions[rows])
    # Snapshot positions follow enterprise ids, so these rows are sorted already.
    return Rows(
        ids=snap.ids[positions].astype(np.int64),
        status=status,
        cents=cents,
        gap_condition=gap_condition,
        gap_actual=_canonical(gap_actual),
        positions=positions,
    ).sorted()


def _stored_rows(version: PolicyVersion, enterprise_ids) -> list[tuple]:
    """(pk, enterprise id, status code, amount in cents, gap condition, gap actual) rows with
    the codes and cents worked out by the database, read with a plain cursor: Django's
    converters and a Decimal per amount cost more than the rest of a diff at 100k rows; the
    gap JSON is never read."""
    table = connection.ops.quote_name(PolicyMatch._meta.db_table)
    # The table name is the model's own, quoted; every value is a parameter.
    sql = (
        "SELECT id, enterprise_id, CASE status WHEN %s THEN %s WHEN %s THEN %s ELSE 0 END, "  # noqa: S608
        "COALESCE(CAST(ROUND(amount * 100) AS BIGINT), CAST(%s AS BIGINT)), "
        "COALESCE(gap_condition, %s), "
        f"gap_actual FROM {table} WHERE version_id = %s"
    )
    params = [
        MatchStatus.ELIGIBLE.value,
        ELIGIBLE,
        MatchStatus.NEARLY.value,
        NEARLY,
        int(NO_AMOUNT),
        NO_GAP,
        version.pk,
    ]
    with connection.cursor() as cursor:
        if enterprise_ids is None:
            cursor.execute(sql, params)
            return cursor.fetchall()
        rows = []
        for chunk in _chunks(enterprise_ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{sql} AND enterprise_id IN ({marks})", [*params, *chunk])
            rows += cursor.fetchall()
        return rows


def _stored(version: PolicyVersion, enterprise_ids) -> Rows:
    rows = _stored_rows(version, enterprise_ids)
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return Rows(
            empty, empty.astype(np.int8), empty, empty.astype(np.int16), empty * 0.0, pks=empty
        )
    pks, ids, statuses, cents, conditions, actuals = zip(*rows, strict=True)
    return Rows(
        ids=np.array(ids, dtype=np.int64),
        status=np.array(statuses, dtype=np.int8),
        cents=np.array(cents, dtype=np.int64),
        gap_condition=np.array(conditions, dtype=np.int16),
        # None (no gap number) becomes NaN.
        gap_actual=_canonical(np.array(actuals, dtype=float)),
        pks=np.array(pks, dtype=np.int64),
    ).sorted()


@dataclass
class Difference:
    new: np.ndarray  # indexes into the fresh rows
    changed: np.ndarray  # indexes into the fresh rows
    changed_pks: np.ndarray  # the stored rows they replace
    gone: np.ndarray  # stored pks
    newly_eligible: list


def _difference(fresh: Rows, stored: Rows) -> Difference:
    present = np.isin(fresh.ids, stored.ids)
    both = np.flatnonzero(present)
    at = np.searchsorted(stored.ids, fresh.ids[both])
    old_actual, new_actual = stored.gap_actual[at], fresh.gap_actual[both]
    same_actual = (old_actual == new_actual) | (np.isnan(old_actual) & np.isnan(new_actual))
    differs = (
        (fresh.status[both] != stored.status[at])
        | (fresh.cents[both] != stored.cents[at])
        | (fresh.gap_condition[both] != stored.gap_condition[at])
        | ~same_actual
    )
    was_eligible = np.zeros(len(fresh.ids), dtype=bool)
    was_eligible[both] = stored.status[at] == ELIGIBLE
    newly = fresh.ids[(fresh.status == ELIGIBLE) & ~was_eligible]
    return Difference(
        new=np.flatnonzero(~present),
        changed=both[differs],
        changed_pks=stored.pks[at[differs]],
        gone=stored.pks[~np.isin(stored.ids, fresh.ids)],
        newly_eligible=newly.tolist(),
    )


class _GapWriter:
    """The human-readable gap JSON of fresh rows about to be written (and only of those),
    one text per distinct (condition, actual value)."""

    def __init__(self, spec, snap):
        self.spec, self.snap = spec, snap
        self.texts: dict = {}

    def texts_for(self, fresh: Rows, indexes: np.ndarray) -> list:
        result = np.full(len(indexes), None, dtype=object)
        conditions = fresh.gap_condition[indexes]
        for condition_index in np.unique(conditions[conditions >= 0]).tolist():
            rows = np.flatnonzero(conditions == condition_index)
            # `gap_actual` stands for the value one to one: one text per distinct number.
            _numbers, first, inverse = np.unique(
                fresh.gap_actual[indexes[rows]], return_index=True, return_inverse=True
            )
            condition = self.spec.rule.conditions[condition_index]
            positions = fresh.positions[indexes[rows[first]]]
            texts = np.array(
                [
                    self._text(condition_index, condition, actual)
                    for actual in _gap_values(self.snap, condition.field, positions)
                ],
                dtype=object,
            )
            result[rows] = texts[inverse.reshape(-1)]
        return result.tolist()

    def _text(self, condition_index: int, condition, actual) -> str:
        key = (condition_index, actual)
        text = self.texts.get(key)
        if text is None:
            negated = self.spec.rule.negated[condition_index]
            gap = {
                "field": condition.field,
                "op": condition.op,
                "value": json_value(condition.value),
                "actual": json_value(actual),
                "message": gap_text(condition, actual, negated=negated),
            }
            text = self.texts[key] = json.dumps(gap, ensure_ascii=False)
        return text


def _row_values(fresh: Rows, indexes: np.ndarray, gaps: _GapWriter) -> list[tuple]:
    """(enterprise id, status, amount, gap JSON, gap condition, gap actual) per row."""
    cents = fresh.cents[indexes].tolist()
    conditions = fresh.gap_condition[indexes].tolist()
    actuals = fresh.gap_actual[indexes].tolist()
    return list(
        zip(
            fresh.ids[indexes].tolist(),
            [STATUS_OF_CODE[code] for code in fresh.status[indexes].tolist()],
            [None if c == NO_AMOUNT else Decimal(c).scaleb(-2) for c in cents],
            gaps.texts_for(fresh, indexes),
            [None if c == NO_GAP else c for c in conditions],
            [None if a != a else a for a in actuals],
            strict=True,
        )
    )


def _json_mark() -> str:
    # PostgreSQL takes the gap as JSON text cast to jsonb; SQLite stores the text.
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"


INSERT_COLUMNS = (
    "version_id",
    "enterprise_id",
    "status",
    "amount",
    "gap",
    "gap_condition",
    "gap_actual",
    "matched_on",
    "first_matched_at",
)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    """A value in COPY's text format: NULL as \\N, text with its specials escaped."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _copy_line(row: tuple) -> str:
    return "\t".join([_copy_value(value) for value in row]) + "\n"


def _insert(cursor, table: str, rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        # COPY: one statement for any number of rows, the cheapest way in; the text is built
        # here in blocks (psycopg's write_row costs tens of µs a row).
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(INSERT_COLUMNS)}) FROM STDIN") as copy:
            for chunk in _chunks(rows, WRITE_BATCH):
                copy.write("".join(_copy_line(row) for row in chunk).encode())
        return
    # The table name is the model's own, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(INSERT_COLUMNS)}) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s, {_json_mark()}, %s, %s, %s, %s)"
    )
    for chunk in _chunks(rows, WRITE_BATCH):
        cursor.executemany(sql, chunk)


def _write(version, spec, snap, fresh: Rows, difference: Difference, at, moment) -> None:
    """Plain INSERT (COPY on PostgreSQL)/UPDATE/DELETE statements: the ORM's per-object work
    dominates at 100k rows. Only new and changed rows get their gap JSON built."""
    ops = connection.ops
    table = ops.quote_name(PolicyMatch._meta.db_table)
    matched_on = ops.adapt_datefield_value(at)
    first_seen = ops.adapt_datetimefield_value(moment)
    gaps = _GapWriter(spec, snap)
    with connection.cursor() as cursor:
        if len(difference.new):
            inserts = [
                (version.pk, *values, matched_on, first_seen)
                for values in _row_values(fresh, difference.new, gaps)
            ]
            _insert(cursor, table, inserts)
        if len(difference.changed):
            updates = [
                (*values[1:], matched_on, pk)
                for values, pk in zip(
                    _row_values(fresh, difference.changed, gaps),
                    difference.changed_pks.tolist(),
                    strict=True,
                )
            ]
            sql = (
                f"UPDATE {table} SET status = %s, amount = %s, gap = {_json_mark()}, "  # noqa: S608
                "gap_condition = %s, gap_actual = %s, matched_on = %s WHERE id = %s"
            )
            for chunk in _chunks(updates, WRITE_BATCH):
                cursor.executemany(sql, chunk)
    for chunk in _chunks(difference.gone.tolist()):
        PolicyMatch.objects.filter(pk__in=chunk).delete()


def _refresh_version(version, snap, ids, at, moment, stats) -> list[int]:
    """Bring one version's stored rows in line with the fresh set; returns the newly eligible
    enterprise ids. A full run whose fresh digest equals the stored one (same date) reads and
    writes no rows; a subset run that writes clears the digest (it no longer describes the
    stored set)."""
    spec = spec_of(version)
    fresh = _fresh(spec, snap)
    digest = fresh.digest() if ids is None else ""
    if ids is None and version.match_digest == digest and version.match_digest_on == at:
        stats.skipped += 1
        return []
    difference = _difference(fresh, _stored(version, ids))
    _write(version, spec, snap, fresh, difference, at, moment)
    stats.created += len(difference.new)
    stats.updated += len(difference.changed)
    stats.deleted += len(difference.gone)
    wrote = len(difference.new) + len(difference.changed) + len(difference.gone) > 0
    if ids is None:
        _store_digest([version.pk], digest, at)
    elif wrote and version.match_digest:
        _store_digest([version.pk], "", None)
    return difference.newly_eligible


def _store_digest(version_ids: list[int], digest: str, on) -> None:
    if version_ids:
        PolicyVersion.objects.filter(pk__in=version_ids).update(
            match_digest=digest, match_digest_on=on
        )


def _remove_outdated(current_ids: list[int], enterprise_ids, at, stats) -> None:
    """Rows of versions no longer in force (expired, superseded) go. A version cleared in a
    full run keeps EMPTY_DIGEST, so later runs do not look at it again."""
    outdated = PolicyVersion.objects.exclude(pk__in=current_ids)
    if enterprise_ids is None:
        todo = list(outdated.exclude(match_digest=EMPTY_DIGEST).values_list("pk", flat=True))
        for chunk in _chunks(todo):
            stats.deleted += PolicyMatch.objects.filter(version_id__in=chunk).delete()[0]
        _store_digest(todo, EMPTY_DIGEST, at)
        return
    outdated_ids = list(outdated.values_list("pk", flat=True))
    if not outdated_ids:
        return
    deleted = 0
    rows = PolicyMatch.objects.exclude(version_id__in=current_ids)
    for chunk in _chunks(list(enterprise_ids)):
        deleted += rows.filter(enterprise_id__in=chunk).delete()[0]
    if deleted:
        stats.deleted += deleted
        outdated.exclude(match_digest="").update(match_digest="", match_digest_on=None)


def _select_versions(at: date, version_ids) -> tuple[list[PolicyVersion], list[int]]:
    current = policy_versions_at(at)
    current_ids = [version.pk for version in current]
    if version_ids is None:
        return current, current_ids
    wanted = set(version_ids)
    return [version for version in current if version.pk in wanted], current_ids


def _fields_read(versions) -> set[str]:
    names: set[str] = set()
    for version in versions:
        spec = spec_of(version)
        names |= set(spec.rule.fields)
        if spec.formula is not None:
            names |= set(spec.formula.fields)
    return names


def rematch(*, at=None, enterprise_ids=None, version_ids=None, actor=None) -> RematchStats:
    """Refresh the stored matches of the versions in force at `at` (default today).

    Limited to some enterprises and/or versions when given. Enterprises that become eligible
    are told in the portal, their liaison gets a to-do, and 免申即享 policies grant at once.
    """
    at = at or clock.today()
    stats = RematchStats(at=at)
    ids = sorted(set(enterprise_ids)) if enterprise_ids is not None else None
    if ids == []:
        return stats
    versions, current_ids = _select_versions(at, version_ids)
    # Provenance is only needed for the few newly eligible 免申即享 pairs (loaded then).
    snap = matching_snapshot(at, ids, fields=_fields_read(versions))
    stats.versions, stats.enterprises = len(versions), len(snap.ids)
    moment = clock.now()
    newly_by_version: dict[int, list[int]] = {}
    with transaction.atomic():
        for version in versions:
            newly = _refresh_version(version, snap, ids, at, moment, stats)
            if newly:
                newly_by_version[version.pk] = newly
        if version_ids is None:
            _remove_outdated(current_ids, ids, at, stats)
        _after_newly_eligible(versions, newly_by_version, at, actor, stats)
        audit_record(
            actor=actor,
            action="policy_match.rematch",
            object_type="policies.policymatch",
            object_id="*",
            object_repr=f"rematch {at.isoformat()}",
            after=_stats_dict(stats),
        )
    return stats


def _stats_dict(stats: RematchStats) -> dict:
    return {
        "at": stats.at.isoformat(),
        "versions": stats.versions,
        "enterprises": stats.enterprises,
        "created": stats.created,
        "updated": stats.updated,
        "deleted": stats.deleted,
        "skipped": stats.skipped,
        "newly_eligible": stats.newly_eligible,
        "granted": stats.granted,
    }


# ---- telling the newly eligible ---------------------------------------------------------------


# From this many enterprises on, one read of the whole table (one row or so per enterprise)
# beats hundreds of `IN` lists.
WHOLE_TABLE_FROM = 20 * CHUNK


def _for_enterprises(queryset, enterprise_ids: list[int], id_field: str, *columns) -> list:
    """`columns` (the first being the enterprise id) of the rows of these enterprises."""
    if len(enterprise_ids) >= WHOLE_TABLE_FROM:
        wanted = set(enterprise_ids)
        return [row for row in queryset.values_list(*columns) if row[0] in wanted]
    rows: list = []
    for chunk in _chunks(enterprise_ids):
        rows += queryset.filter(**{f"{id_field}__in": chunk}).values_list(*columns)
    return rows


def _members_of(enterprise_ids: list[int]) -> dict[int, list[int]]:
    users = defaultdict(list)
    confirmed = EnterpriseMembership.objects.filter(status=MembershipStatus.CONFIRMED)
    for enterprise_id, user_id in _for_enterprises(
        confirmed, enterprise_ids, "enterprise_id", "enterprise_id", "user_id"
    ):
        users[enterprise_id].append(user_id)
    return users


def _liaisons_of(enterprise_ids: list[int], on: date) -> dict[int, int]:
    current = ServiceAssignment.objects.filter(
        current_assignment_filter(on=on),
        role=ServiceRole.LIAISON,
        post__person__user__isnull=False,
    )
    return dict(
        _for_enterprises(
            current, enterprise_ids, "enterprise_id", "enterprise_id", "post__person__user_id"
        )
    )


def _names_of(enterprise_ids: list[int]) -> dict[int, str]:
    return dict(_for_enterprises(Enterprise.objects.all(), enterprise_ids, "pk", "pk", "name"))


def _after_newly_eligible(versions, newly_by_version, at, actor, stats) -> None:
    pairs = [
        (version, enterprise_id)
        for version in versions
        for enterprise_id in newly_by_version.get(version.pk, [])
    ]
    stats.newly_eligible = len(pairs)
    stats.newly_eligible_pairs = [(version.pk, enterprise_id) for version, enterprise_id in pairs]
    if not pairs:
        return
    granted = _grant_automatically(pairs, at, actor)
    stats.granted = len(granted)
    _tell(pairs, granted, actor)


def _fully_authoritative(version, provenance, index: int) -> bool:
    authoritative = provenance.authoritative
    return all(
        name in authoritative and bool(authoritative[name][index]) for name in version.fields_read
    )


def _grant_automatically(pairs, at, actor) -> set[tuple[int, int]]:
    """免申即享 for newly eligible pairs of auto_grant policies with authoritative data (the
    provenance of just these enterprises is loaded here, in a few queries)."""
    from onezone.policies.services.applications import policy_grant_automatically

    auto = [(version, eid) for version, eid in pairs if version.mode == PolicyMode.AUTO_GRANT]
    if not auto:
        return set()
    provenance = snapshot(at, sorted({eid for _version, eid in auto}), with_provenance=True)
    position = {int(enterprise_id): index for index, enterprise_id in enumerate(provenance.ids)}
    candidates = [
        (version, eid)
        for version, eid in auto
        if _fully_authoritative(version, provenance, position[eid])
    ]
    if not candidates:
        return set()
    enterprises = Enterprise.objects.in_bulk([enterprise_id for _v, enterprise_id in candidates])
    granted = set()
    for version, enterprise_id in candidates:
        application = policy_grant_automatically(
            version=version, enterprise=enterprises[enterprise_id], actor=actor
        )
        if application is not None:
            granted.add((version.pk, enterprise_id))
    return granted


def _tell(pairs, granted, actor) -> None:
    """Portal messages to the enterprises' users and a to-do for each current liaison, written
    in bulk (one audit event each) so a first load over many enterprises stays cheap."""
    enterprise_ids = sorted({enterprise_id for _version, enterprise_id in pairs})
    members = _members_of(enterprise_ids)
    liaisons = _liaisons_of(enterprise_ids, clock.today())
    names = _names_of(enterprise_ids) if liaisons else {}
    moment = clock.now()
    due = workcal.add(moment, LIAISON_FOLLOW_UP_WORKING_DAYS, TimeUnit.WORKING_DAYS)
    notifications, todos, links = [], [], {}
    for version, enterprise_id in pairs:
        if (version.pk, enterprise_id) in granted:
            continue  # the grant itself told the enterprise
        if version.pk not in links:
            links[version.pk] = page_link("policies:policy_detail", version.policy.code)
        link = links[version.pk]
        title = _("Your enterprise qualifies for %(title)s") % {"title": version.title}
        notifications += [
            Notification(recipient_id=user_id, title=title[:200], link=link, created_at=moment)
            for user_id in members.get(enterprise_id, [])
        ]
        if enterprise_id in liaisons:
            todo = _liaison_todo(version, enterprise_id, liaisons, names, moment, due)
            todo.link = link
            todos.append(todo)
    _write_bulk(notifications, todos, actor)


def _liaison_todo(version, enterprise_id, liaisons, names, moment, due) -> Todo:
    title = _("Tell %(enterprise)s it qualifies for %(title)s") % {
        "enterprise": names.get(enterprise_id, ""),
        "title": version.title,
    }
    return Todo(
        assignee_id=liaisons[enterprise_id],
        title=title[:200],
        due_at=due,
        source_type="policies.policyversion",
        source_id=f"{version.pk}:{enterprise_id}",
        created_at=moment,
    )


def _write_bulk(notifications: list, todos: list, actor) -> None:
    if notifications:
        Notification.objects.bulk_create(notifications, batch_size=CHUNK)
        audit_record_bulk(
            actor=actor,
            action="notification.create_bulk",
            object_type="core.notification",
            rows=[{"recipient": n.recipient_id, "title": n.title} for n in notifications],
        )
    if todos:
        Todo.objects.bulk_create(todos, batch_size=CHUNK)
        audit_record_bulk(
            actor=actor,
            action="todo.create_bulk",
            object_type="core.todo",
            rows=[{"assignee": t.assignee_id, "title": t.title} for t in todos],
        )


# ---- refresh hooks ------------------------------------------------------------------------------


def on_enterprise_changed(enterprise_ids) -> None:
    """Registered in ONEZONE_ENTERPRISE_CHANGED_HOOKS: re-match these enterprises once the
    change that moved their figures has committed."""
    ids = sorted({int(pk) for pk in enterprise_ids})
    if ids:
        transaction.on_commit(lambda: rematch(enterprise_ids=ids))


def rematch_nightly() -> RematchStats:
    """Ages and validity move with the date: every enterprise against today's versions."""
    return rematch(at=clock.today())
