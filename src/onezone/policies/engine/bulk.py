"""Bulk matching: a compiled rule evaluated over a Snapshot's columns with numpy.

Three-valued truth is carried as two boolean arrays, `t` (true) and `f` (false); neither is
unknown. `all` is true where every part is true and false where any is false; `any` the
reverse; `not` swaps them. Each condition is evaluated once per call, over all enterprises;
nothing loops over enterprises in Python.

Text conditions are evaluated once per distinct value (category) with the single-enterprise
`condition_value`, then spread to enterprises by index, so both evaluations agree by
construction; numbers are compared as floats in both.
"""

import numpy as np

from onezone.policies.engine.fields import FIELDS, NUMERIC_KINDS
from onezone.policies.engine.rules import All, Leaf, Not, Rule, condition_value

TRUE, FALSE, UNKNOWN = 1, 0, -1


def _number(value) -> float:
    return float(value.toordinal()) if hasattr(value, "toordinal") else float(value)


# For each comparison, the comparison that is true exactly where it is false on known values;
# NaN (unknown) makes both false, so no separate mask of known values is needed.
_COMPARE = {
    "<": (np.less, np.greater_equal),
    "<=": (np.less_equal, np.greater),
    ">": (np.greater, np.less_equal),
    ">=": (np.greater_equal, np.less),
}


def _numeric_leaf(condition, column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    op, value = condition.op, condition.value
    if op in _COMPARE:
        holds, fails = _COMPARE[op]
        wanted = _number(value)
        return holds(column, wanted), fails(column, wanted)
    if op == "between":
        low, high = _number(value[0]), _number(value[1])
        true = (column >= low) & (column <= high)
        return true, (column < low) | (column > high)
    if op in ("==", "!="):
        wanted = _number(value)
        equal = column == wanted
        different = (column < wanted) | (column > wanted)
        return (equal, different) if op == "==" else (different, equal)
    inside = np.isin(column, [_number(item) for item in value])
    outside = ~inside & ~np.isnan(column)
    return (inside, outside) if op == "in" else (outside, inside)


def _text_leaf(condition, snapshot) -> tuple[np.ndarray, np.ndarray]:
    codes, categories = snapshot.categorical(condition.field)
    # One extra slot, read by the unknown code -1: neither true nor false.
    true = np.zeros(len(categories) + 1, dtype=bool)
    false = np.zeros(len(categories) + 1, dtype=bool)
    for index, category in enumerate(categories):
        value = condition_value(condition, {condition.field: category}) is True
        true[index], false[index] = value, not value
    return true[codes], false[codes]


def _tag_leaf(condition, snapshot) -> tuple[np.ndarray, np.ndarray]:
    result = np.zeros(len(snapshot.ids), dtype=bool)
    for tag in condition.value:
        result |= snapshot.tag(tag)
    if snapshot.tags_known is None:
        return result, ~result
    known = snapshot.tags_known
    return result & known, ~result & known


def _leaf(condition, snapshot) -> tuple[np.ndarray, np.ndarray]:
    kind = FIELDS[condition.field].kind
    if kind == "tags":
        return _tag_leaf(condition, snapshot)
    if kind in NUMERIC_KINDS or kind == "date":
        return _numeric_leaf(condition, snapshot.numeric(condition.field))
    return _text_leaf(condition, snapshot)


def leaf_states(rule: Rule, snapshot) -> list[tuple[np.ndarray, np.ndarray]]:
    """(true, false) arrays of each condition of the rule, in `rule.conditions` order.

    Policies share conditions (an industry, a zone, a size), so each distinct condition is
    evaluated once per snapshot and kept with it; the arrays are never modified in place.
    """
    cache = snapshot.leaf_cache
    states = []
    for condition in rule.conditions:
        key = (condition.field, condition.op, condition.value)
        state = cache.get(key)
        if state is None:
            state = cache[key] = _leaf(condition, snapshot)
        states.append(state)
    return states


def _reduce(arrays: list, operation) -> np.ndarray:
    result = operation(arrays[0], arrays[1]) if len(arrays) > 1 else arrays[0].copy()
    for array in arrays[2:]:
        operation(result, array, out=result)
    return result


def combine(node, leaves: list) -> tuple[np.ndarray, np.ndarray]:
    """(true, false) arrays of a (sub)tree from those of its leaves."""
    if isinstance(node, Leaf):
        return leaves[node.index]
    if isinstance(node, Not):
        true, false = combine(node.child, leaves)
        return false, true
    parts = [combine(child, leaves) for child in node.children]
    trues = [true for true, _false in parts]
    falses = [false for _true, false in parts]
    if isinstance(node, All):
        return _reduce(trues, np.logical_and), _reduce(falses, np.logical_or)
    return _reduce(trues, np.logical_or), _reduce(falses, np.logical_and)


def _as_int8(true: np.ndarray, false: np.ndarray) -> np.ndarray:
    result = np.full(len(true), UNKNOWN, dtype=np.int8)
    result[true] = TRUE
    result[false] = FALSE
    return result


def evaluate_bulk(rule: Rule, snapshot) -> np.ndarray:
    """int8 per enterprise: 1 true, 0 false, -1 unknown."""
    return _as_int8(*combine(rule.root, leaf_states(rule, snapshot)))


def nearly_bulk(rule: Rule, snapshot) -> tuple[np.ndarray, np.ndarray]:
    """Nearly eligible enterprises: exactly one non-true condition whose becoming true makes
    the tree true. Returns (mask, condition index into rule.conditions, -1 where not nearly).

    Each condition is forced true in turn over every enterprise at once (conditions × tree
    size array operations, independent of the number of enterprises' Python cost).
    """
    leaves = leaf_states(rule, snapshot)
    count = len(snapshot.ids)
    base_true, _base_false = combine(rule.root, leaves)
    fixes = np.zeros(count, dtype=np.int16)
    index = np.full(count, -1, dtype=np.int32)
    yes, no = np.ones(count, dtype=bool), np.zeros(count, dtype=bool)
    for position, (true, false) in enumerate(leaves):
        # What the policy wants of this condition: true, or false under an odd number of nots.
        negated = rule.negated[position]
        flipped = list(leaves)
        flipped[position] = (no, yes) if negated else (yes, no)
        not_as_wanted = ~false if negated else ~true
        fixed = combine(rule.root, flipped)[0] & not_as_wanted & ~base_true
        fixes += fixed
        index = np.where(fixed & (index < 0), position, index)
    mask = fixes == 1
    return mask, np.where(mask, index, -1)
