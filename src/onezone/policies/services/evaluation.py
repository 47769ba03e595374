"""One enterprise against one stored policy version: the engine's explanation, the amount and
whether a grant without application (免申即享) is allowed."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from onezone.policies.choices import PolicyMode
from onezone.policies.engine.facts import (
    _ROW_FIELDS,
    FIGURE_FIELDS,
    REVENUE,
    Snapshot,
    _ages,
    _ratio_column,
    facts_for,
    provenance_for,
)
from onezone.policies.engine.fields import FIELDS
from onezone.policies.engine.rules import explain
from onezone.policies.engine.spec import spec_from_version

_SPECS: dict = {}
_SPECS_LIMIT = 512


def _spec_key(version) -> tuple:
    # By content, not by id alone: ids come back after a rollback (tests) or a restore.
    return (
        version.pk,
        version.number,
        version.policy_id,
        json.dumps(version.eligibility, sort_keys=True, default=str),
        version.amount_formula,
        version.amount_unit,
        version.valid_from,
        version.valid_to,
    )


def spec_of(version):
    """The compiled spec of a stored version (cached: compiling is the costly part)."""
    key = _spec_key(version)
    spec = _SPECS.get(key)
    if spec is None:
        if len(_SPECS) >= _SPECS_LIMIT:
            _SPECS.clear()
        spec = _SPECS[key] = spec_from_version(version)
    return spec


@dataclass(frozen=True)
class Evaluation:
    eligible: bool | None  # three-valued: None when unknown
    amount: Decimal | None
    explanation: object  # engine Explanation
    facts: dict


def evaluate(version, enterprise, at: date, facts: dict | None = None) -> Evaluation:
    spec = spec_of(version)
    facts = facts if facts is not None else facts_for(enterprise, at)
    explanation = explain(spec.rule, facts)
    amount = None
    if explanation.result is True and spec.formula is not None:
        amount = spec.formula.evaluate(facts)
    return Evaluation(
        eligible=explanation.result, amount=amount, explanation=explanation, facts=facts
    )


def field_label(name: str) -> str:
    spec = FIELDS.get(name)
    if spec is None:
        return name
    return spec.label_en if (get_language() or "").startswith("en") else spec.label_zh


def auto_grant_check(version, enterprise, provenance: dict | None = None) -> tuple[bool, str]:
    """免申即享 only for an auto_grant policy whose every field read is authoritative for this
    enterprise; otherwise why it falls back to a fast application."""
    if version.mode != PolicyMode.AUTO_GRANT:
        return False, _("This policy is not granted without application.")
    provenance = provenance if provenance is not None else provenance_for(enterprise)
    missing = [name for name in version.fields_read if not provenance.get(name)]
    if not missing:
        return True, ""
    labels = "、".join(field_label(name) for name in sorted(missing))
    return False, _(
        "Not granted without application: these figures do not come from an authoritative "
        "source (market regulation, tax or statistics): %(fields)s."
    ) % {"fields": labels}


def jsonable_fact(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


# ---- the snapshot of a bulk re-match -------------------------------------------------------------

# SQLite refuses statements with too many parameters; `__in` lists are sent in chunks.
_ID_CHUNK = 900
_SNAPSHOT_TEXT = ("industry_code", "size_class", "development_stage")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _select(sql: str, params: list, enterprise_ids, id_column: str, order: str = "") -> list:
    """Rows of `sql` (which ends in a WHERE clause) for every enterprise or, in chunks, for
    `enterprise_ids` (sorted), read with a plain cursor."""
    with connection.cursor() as cursor:
        if enterprise_ids is None:
            cursor.execute(f"{sql} {order}", params)
            return cursor.fetchall()
        rows: list = []
        for start in range(0, len(enterprise_ids), _ID_CHUNK):
            chunk = enterprise_ids[start : start + _ID_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{sql} AND {id_column} IN ({marks}) {order}", [*params, *chunk])
            rows += cursor.fetchall()
        return rows


def _day_ordinal_sql(column: str) -> str:
    """SQL for a date column's day ordinal (`date.toordinal()`), NULL staying NULL: numbers
    come back without Python parsing a date per row."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '0001-01-01' + 1)"
    return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"


def _positions(ids: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """Each owner's position in the sorted `ids`, -1 when it is not there."""
    if len(ids) == 0:
        return np.full(len(owners), -1, dtype=np.int64)
    where = np.minimum(np.searchsorted(ids, owners), len(ids) - 1)
    return np.where(ids[where] == owners, where, -1)


def _snapshot_tags(ids: np.ndarray, enterprise_ids) -> dict:
    from onezone.enterprises.models import Enterprise

    through = Enterprise.tags.through
    owner = _column(through, "enterprise")
    sql = f"SELECT {owner}, {_column(through, 'tag')} FROM {_table(through)} WHERE 1 = 1"  # noqa: S608
    owners_of: dict = {}
    for enterprise_id, tag in _select(sql, [], enterprise_ids, owner):
        owners_of.setdefault(tag, []).append(enterprise_id)
    columns: dict = {}
    for tag, owners in owners_of.items():
        where = _positions(ids, np.array(owners, dtype=np.int64))
        members = np.zeros(len(ids), dtype=bool)
        members[where[where >= 0]] = True
        columns[str(tag)] = members
    return columns


def _snapshot_revenue_growth(ids: np.ndarray, enterprise_ids) -> np.ndarray:
    """(latest − previous) / previous over each enterprise's two latest yearly revenues."""
    from onezone.enterprises.models import EnterpriseFigure

    latest, previous = np.full(len(ids), np.nan), np.full(len(ids), np.nan)
    # Ranked here: a window function in SQLite costs twice as much at 100k enterprises.
    owner = _column(EnterpriseFigure, "enterprise")
    sql = (
        f"SELECT {owner}, {_column(EnterpriseFigure, 'year')}, "  # noqa: S608
        f"{_column(EnterpriseFigure, 'value')} FROM {_table(EnterpriseFigure)} "
        f"WHERE {_column(EnterpriseFigure, 'name')} = %s"
    )
    rows = _select(sql, [REVENUE], enterprise_ids, owner)
    if rows:
        owners, years, values = zip(*rows, strict=True)
        where = _positions(ids, np.array(owners, dtype=np.int64))
        order = np.lexsort((-np.array(years, dtype=np.int64), where))
        where, values = where[order], np.array(values, dtype=float)[order]
        first = np.ones(len(where), dtype=bool)
        first[1:] = where[1:] != where[:-1]
        second = np.zeros(len(where), dtype=bool)
        second[1:] = first[:-1] & ~first[1:]
        keep = where >= 0
        latest[where[first & keep]] = values[first & keep]
        previous[where[second & keep]] = values[second & keep]
    return _ratio_column(latest - previous, previous)


def matching_snapshot(at: date, enterprise_ids=None, *, fields=None) -> Snapshot:
    """`facts.snapshot` without provenance, read with plain cursors: the same columns (a test
    holds them equal), without Django's per-value converters, which cost seconds at 100k
    enterprises. `enterprise_ids` must be sorted. Revenue growth is only loaded when read."""
    from onezone.enterprises.models import Enterprise
    from onezone.org.models import Zone

    names = ("id", *_ROW_FIELDS)
    selected = ", ".join(
        _day_ordinal_sql(f"e.{_column(Enterprise, name)}")
        if name == "registered_on"
        else f"e.{_column(Enterprise, name)}"
        for name in names
    )
    sql = (
        f"SELECT {selected}, z.{_column(Zone, 'code')} FROM {_table(Enterprise)} e "  # noqa: S608
        f"JOIN {_table(Zone)} z ON z.{_column(Zone, 'id')} = e.{_column(Enterprise, 'zone')} "
        "WHERE 1 = 1"
    )
    id_column = f"e.{_column(Enterprise, 'id')}"
    rows = _select(sql, [], enterprise_ids, id_column, order=f"ORDER BY {id_column}")
    raw = dict(zip((*names, "zone"), zip(*rows, strict=True), strict=True)) if rows else {}
    ids = np.array(raw.get("id", ()), dtype=np.int64)
    columns: dict = {}
    for name in FIGURE_FIELDS:
        columns[name] = np.array(raw.get(name, ()), dtype=float).reshape(-1)
    columns["registered_on"] = np.array(raw.get("registered_on", ()), dtype=float).reshape(-1)
    columns["age_years"] = _ages(columns["registered_on"], at)
    columns["rd_ratio"] = _ratio_column(columns["rd_expense_10k_cny"], columns[REVENUE])
    columns["zone"] = np.array(raw.get("zone", ()), dtype=str)
    for name in _SNAPSHOT_TEXT:
        columns[name] = np.array([value or "" for value in raw.get(name, ())], dtype=str)
    columns["tags"] = _snapshot_tags(ids, enterprise_ids)
    if fields is None or "revenue_growth" in fields:
        columns["revenue_growth"] = _snapshot_revenue_growth(ids, enterprise_ids)
    else:
        columns["revenue_growth"] = np.full(len(ids), np.nan)
    return Snapshot(at=at, ids=ids, columns=columns)
