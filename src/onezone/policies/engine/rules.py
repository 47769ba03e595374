"""The eligibility rule language: compile a condition tree, evaluate it in three-valued logic
for one enterprise, and explain it condition by condition in Chinese prose.

A tree is `{all: [...]}`, `{any: [...]}`, `{not: {...}}` or a condition `{field, op, value}`.
Truth values are True, False and None (unknown: the field has no value). `all` is false if any
part is false, else unknown if any is unknown, else true; `any` is true if any part is true,
else unknown if any is unknown, else false; `not` of unknown is unknown.

The prose is Chinese only, with no gettext: it quotes the policy documents, which are Chinese.
"""

import datetime
import functools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from onezone.enterprises.industry import industry_table
from onezone.policies.engine.errors import PolicyFileError
from onezone.policies.engine.fields import (
    FIELDS,
    NUMERIC_KINDS,
    SIZE_LABELS,
    STAGE_LABELS,
    reference_tags,
)

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
OPS = (*COMPARISONS, "in", "not_in", "between", "industry_in", "has_tag")
_KIND_OPS = {
    "number": (*COMPARISONS, "in", "not_in", "between"),
    "integer": (*COMPARISONS, "in", "not_in", "between"),
    "ratio": (*COMPARISONS, "in", "not_in", "between"),
    "date": (*COMPARISONS, "in", "not_in", "between"),
    "text": ("==", "!=", "in", "not_in"),
    "tags": ("has_tag",),
}
_FIELD_OPS = {"industry_code": ("==", "!=", "in", "not_in", "industry_in")}
MAX_DEPTH = 20
UNKNOWN_ZH = "未知（缺少数据）"


# -- compiled form ------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A leaf of the tree. `value` is the value as written (normalised: industry codes without
    their letter, dates as dates, lists as tuples); `path` names it in the policy file."""

    field: str
    op: str
    value: object
    path: str


@dataclass(frozen=True)
class All:
    children: tuple


@dataclass(frozen=True)
class Any:
    children: tuple


@dataclass(frozen=True)
class Not:
    child: object


@dataclass(frozen=True)
class Leaf:
    index: int


@dataclass(frozen=True)
class Rule:
    root: object
    conditions: tuple[Condition, ...]
    # Per condition: under an odd number of `not`s, so the policy wants it false.
    negated: tuple[bool, ...] = ()
    # Per condition, prepared once for explanations: the test of a known value, what the
    # condition asks in prose ("要求 ≥ 3%") and its value as JSON.
    predicates: tuple = field(default=(), compare=False, repr=False)
    demands: tuple[str, ...] = field(default=(), compare=False, repr=False)
    values_json: tuple = field(default=(), compare=False, repr=False)

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(condition.field for condition in self.conditions)


# -- compiling ----------------------------------------------------------------------------


@dataclass
class _Compiler:
    known_tags: frozenset[str]
    errors: list[tuple[str, str]] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    negated: list[bool] = field(default_factory=list)

    def fail(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def node(self, tree, path: str, depth: int, negated: bool = False):
        if depth > MAX_DEPTH:
            self.fail(
                path, _("the rules are nested more than %(n)s levels deep") % {"n": MAX_DEPTH}
            )
            return None
        if not isinstance(tree, dict):
            self.fail(path, _("expected all, any, not or a condition {field, op, value}"))
            return None
        groups = [key for key in ("all", "any", "not") if key in tree]
        if groups:
            return self.group(tree, groups, path, depth, negated)
        return self.condition(tree, path, negated)

    def group(self, tree: dict, groups: list[str], path: str, depth: int, negated: bool):
        extra = sorted(set(tree) - {groups[0]}, key=str)
        if len(groups) > 1 or extra:
            self.fail(path, _("a group has exactly one key: all, any or not"))
            return None
        key = groups[0]
        body = tree[key]
        if key == "not":
            child = self.node(body, f"{path}.not", depth + 1, not negated)
            return Not(child) if child is not None else None
        if not isinstance(body, list) or not body:
            self.fail(f"{path}.{key}", _("expected a non-empty list of conditions"))
            return None
        children = [
            self.node(item, f"{path}.{key}[{n}]", depth + 1, negated) for n, item in enumerate(body)
        ]
        if any(child is None for child in children):
            return None
        return (All if key == "all" else Any)(tuple(children))

    def condition(self, tree: dict, path: str, negated: bool):
        before = len(self.errors)
        unknown_keys = sorted(set(tree) - {"field", "op", "value"}, key=str)
        for key in unknown_keys:
            self.fail(f"{path}.{key}", _("unknown key “%(key)s”") % {"key": key})
        for key in ("field", "op", "value"):
            if key not in tree:
                self.fail(path, _("a condition needs “%(key)s”") % {"key": key})
        if len(self.errors) > before:
            return None
        name, op = tree["field"], tree["op"]
        spec = FIELDS.get(name) if isinstance(name, str) else None
        if spec is None:
            self.fail(f"{path}.field", _("unknown field “%(field)s”") % {"field": name})
        if not isinstance(op, str) or op not in OPS:
            self.fail(f"{path}.op", _("unknown operator “%(op)s”") % {"op": op})
        if len(self.errors) > before:
            return None
        allowed = _FIELD_OPS.get(name) or _KIND_OPS[spec.kind]
        if op not in allowed:
            self.fail(
                f"{path}.op",
                _("operator “%(op)s” does not apply to %(field)s; use one of %(ops)s")
                % {"op": op, "field": name, "ops": ", ".join(allowed)},
            )
            return None
        value = self.value(spec, op, tree["value"], f"{path}.value")
        if len(self.errors) > before:
            return None
        self.conditions.append(Condition(name, op, value, path))
        self.negated.append(negated)
        return Leaf(len(self.conditions) - 1)

    # -- values --

    def value(self, spec, op: str, raw, path: str):
        if op == "has_tag":
            return self.many(raw, path, self.tag, single_ok=True)
        if op == "industry_in":
            return self.many(raw, path, self.industry_prefix, single_ok=True)
        scalar = self.scalar_checker(spec)
        if op in ("in", "not_in"):
            return self.many(raw, path, scalar)
        if op == "between":
            return self.between(raw, path, scalar)
        return scalar(raw, path)

    def many(self, raw, path: str, check, *, single_ok: bool = False) -> tuple:
        if single_ok and isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list | tuple) or not raw:
            if single_ok:
                self.fail(path, _("expected a code or a non-empty list of codes"))
            else:
                self.fail(path, _("expected a non-empty list"))
            return ()
        return tuple(check(item, f"{path}[{n}]") for n, item in enumerate(raw))

    def between(self, raw, path: str, scalar) -> tuple:
        if not isinstance(raw, list | tuple) or len(raw) != 2:
            self.fail(path, _("between needs [low, high]"))
            return ()
        low, high = scalar(raw[0], f"{path}[0]"), scalar(raw[1], f"{path}[1]")
        if low is not None and high is not None and low > high:
            self.fail(path, _("between needs low ≤ high"))
        return (low, high)

    def scalar_checker(self, spec):
        if spec.kind in NUMERIC_KINDS:
            return self.number
        if spec.kind == "date":
            return self.date
        if spec.name == "industry_code":
            return self.industry_class
        return lambda raw, path: self.text(spec, raw, path)

    def number(self, raw, path: str):
        if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
            self.fail(path, _("expected a number, not “%(value)s”") % {"value": raw})
            return None
        if not Decimal(str(raw)).is_finite():
            self.fail(path, _("expected a finite number"))
            return None
        return raw

    def date(self, raw, path: str):
        parsed = parse_date(raw)
        if parsed is None:
            self.fail(path, _("expected a date YYYY-MM-DD, not “%(value)s”") % {"value": raw})
        return parsed

    def text(self, spec, raw, path: str):
        if not isinstance(raw, str) or not raw:
            self.fail(path, _("expected a code, not “%(value)s”") % {"value": raw})
            return None
        if spec.choices is not None and raw not in spec.choices:
            self.fail(
                path,
                _("“%(value)s” is not one of %(choices)s")
                % {"value": raw, "choices": ", ".join(spec.choices)},
            )
            return None
        return raw

    def tag(self, raw, path: str):
        if not isinstance(raw, str) or not raw:
            self.fail(path, _("expected a tag code, not “%(value)s”") % {"value": raw})
            return None
        if raw not in self.known_tags:
            self.fail(path, _("unknown tag “%(value)s”") % {"value": raw})
        return raw

    def industry_prefix(self, raw, path: str):
        prefix = industry_prefix_clean(raw)
        if prefix is None:
            self.fail(path, _("“%(value)s” is not a code of GB/T 4754-2017") % {"value": raw})
        return prefix

    def industry_class(self, raw, path: str):
        prefix = industry_prefix_clean(raw)
        if prefix is None or len(prefix) != 4:
            self.fail(
                path,
                _(
                    "“%(value)s” is not a 4-digit industry class of GB/T 4754-2017; "
                    "use industry_in for divisions and groups"
                )
                % {"value": raw},
            )
            return None
        return prefix


def industry_prefix_clean(raw) -> str | None:
    """ "3973", "C3973", "39", "C39" → the digits; "C" → "C"; None when not in GB/T 4754."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    text = raw.strip().upper()
    letter, digits = (text[:1], text[1:]) if text[:1].isalpha() else ("", text)
    table = industry_table()
    if not digits:
        entry = table.get(letter)
        return letter if entry is not None and entry.level == "section" else None
    entry = table.get(digits)
    if entry is None or not digits.isdigit() or (letter and entry.section != letter):
        return None
    return digits


def parse_date(raw) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, str):
        try:
            return datetime.date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def compile_rule(
    tree, path: str = "eligibility", *, known_tags: Iterable[str] | None = None
) -> Rule:
    """Check and compile a tree, raising PolicyFileError listing every fault with its path.

    Tag codes are checked against `known_tags` (pass the tags table's codes when a database is
    at hand), by default against the reference file the tags table is loaded from.
    """
    tags = frozenset(known_tags) if known_tags is not None else frozenset(reference_tags())
    compiler = _Compiler(known_tags=tags)
    root = compiler.node(tree, path, 0)
    if compiler.errors or root is None:
        raise PolicyFileError(compiler.errors or [(path, _("empty rules"))])
    conditions = tuple(compiler.conditions)
    return Rule(
        root=root,
        conditions=conditions,
        negated=tuple(compiler.negated),
        predicates=tuple(predicate(c) for c in conditions),
        demands=tuple(_join("要求", requirement(c)) for c in conditions),
        values_json=tuple(json_value(c.value) for c in conditions),
    )


# -- evaluating one enterprise ------------------------------------------------------------


def _known(value) -> bool:
    return value is not None and value != ""


def _num(value) -> float:
    return float(value)


def industry_covers(code: str, prefix: str) -> bool:
    """Whether the 4-digit class `code` falls under `prefix` (a section letter or digits)."""
    if prefix.isalpha():
        entry = industry_table().get(code)
        return entry is not None and entry.section == prefix
    return code.startswith(prefix)


_OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _membership(prefixes: tuple, code) -> bool:
    code = str(code)
    return any(industry_covers(code, prefix) for prefix in prefixes)


@functools.lru_cache(maxsize=8192)
def predicate(condition: Condition):
    """The test of a condition on a known value (numbers compared as floats, as the bulk
    evaluation does, so both always agree)."""
    op, value = condition.op, condition.value
    if op == "has_tag":
        return lambda actual: any(tag in actual for tag in value)
    if op == "industry_in":
        return functools.partial(_membership, value)
    kind = FIELDS[condition.field].kind
    if kind in NUMERIC_KINDS:
        convert, value = float, _coerce(value, _num)
    elif kind == "date":
        convert = parse_date
    else:
        convert = str
    if op == "in":
        return lambda actual: convert(actual) in value
    if op == "not_in":
        return lambda actual: convert(actual) not in value
    if op == "between":
        low, high = value
        return lambda actual: low <= convert(actual) <= high
    compare = _OPERATORS[op]
    return lambda actual: compare(convert(actual), value)


def condition_value(condition: Condition, facts: dict) -> bool | None:
    """The truth of one condition for one enterprise's facts (None: unknown)."""
    actual = facts.get(condition.field)
    if actual is None or actual == "":
        return None
    return predicate(condition)(actual)


def _coerce(value, convert):
    if isinstance(value, tuple):
        return tuple(convert(item) for item in value)
    return convert(value)


def tree_value(node, leaves: Sequence) -> bool | None:
    """The truth of a (sub)tree from the truth of its leaves (short-circuiting: explanations
    evaluate trees many times, so this stays a plain loop)."""
    kind = node.__class__
    if kind is Leaf:
        return leaves[node.index]
    if kind is Not:
        inner = tree_value(node.child, leaves)
        return None if inner is None else not inner
    decisive = kind is Any  # the value that settles the group: True for any, False for all
    unknown = False
    for child in node.children:
        value = tree_value(child, leaves)
        if value is decisive:
            return decisive
        if value is None:
            unknown = True
    return None if unknown else not decisive


def evaluate(rule: Rule, facts: dict) -> bool | None:
    return tree_value(rule.root, [condition_value(c, facts) for c in rule.conditions])


def _leaf_indexes(node) -> list[int]:
    if node.__class__ is Leaf:
        return [node.index]
    children = (node.child,) if node.__class__ is Not else node.children
    return [index for child in children for index in _leaf_indexes(child)]


def fixing_conditions(rule: Rule, leaves: Sequence) -> list[int]:
    """The conditions not as the policy wants them (not true; not false under a `not`), each
    of which, changed alone to what the policy wants, makes the tree true."""
    if tree_value(rule.root, leaves) is True:
        return []
    candidates = range(len(leaves))
    if rule.root.__class__ is All:
        # Under a top `all`, one change can only help when a single part is not true, and
        # then only through the conditions inside that part.
        failing = [c for c in rule.root.children if tree_value(c, leaves) is not True]
        if len(failing) != 1:
            return []
        candidates = _leaf_indexes(failing[0])
    fixes = []
    for index in candidates:
        leaf = leaves[index]
        wanted = not rule.negated[index]
        if leaf is not wanted:
            flipped = list(leaves)
            flipped[index] = wanted
            if tree_value(rule.root, flipped) is True:
                fixes.append(index)
    return fixes


# -- explaining ---------------------------------------------------------------------------


@dataclass(slots=True)
class ConditionResult:
    field: str
    op: str
    value: object
    actual: object
    passed: bool | None
    text: str


@dataclass(slots=True)
class Gap:
    field: str
    op: str
    value: object
    actual: object
    message: str


@dataclass(slots=True)
class Explanation:
    result: bool | None
    conditions: list[ConditionResult]
    gaps: list[Gap]


def explain(rule: Rule, facts: dict) -> Explanation:
    """Each condition with the enterprise's value and its truth, and the gap when the policy is
    nearly eligible: exactly one non-true condition whose becoming true makes the tree true
    (when several single changes would each do, or none would, there is no gap)."""
    leaves, results = [], []
    for index, c in enumerate(rule.conditions):
        actual = facts.get(c.field)
        passed = None if actual is None or actual == "" else rule.predicates[index](actual)
        leaves.append(passed)
        value = rule.values_json[index]
        results.append(
            ConditionResult(
                field=c.field,
                op=c.op,
                # A fresh list each time: callers may keep or change what they get.
                value=list(value) if isinstance(value, list) else value,
                actual=json_value(actual),
                passed=passed,
                text=f"{FIELDS[c.field].label_zh} {format_value(c.field, actual)}，"
                f"{rule.demands[index]}",
            )
        )
    fixes = fixing_conditions(rule, leaves)
    gaps = []
    if len(fixes) == 1:
        gaps.append(gap_for(rule, fixes[0], facts.get(rule.conditions[fixes[0]].field)))
    return Explanation(result=tree_value(rule.root, leaves), conditions=results, gaps=gaps)


def gap_for(rule: Rule, index: int, actual) -> Gap:
    """The gap of condition `index` (from `nearly_bulk`) for an enterprise's actual value."""
    c = rule.conditions[index]
    message = gap_text(c, actual, negated=rule.negated[index])
    return Gap(c.field, c.op, json_value(c.value), json_value(actual), message)


def json_value(value):
    """A value as JSON can carry it (the `match --json` output and stored gaps)."""
    if value is None or value.__class__ in (int, float, bool):
        return value
    if isinstance(value, tuple | list | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [json_value(item) for item in items]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value == "":
        return None
    return value


# -- prose --------------------------------------------------------------------------------

_SYMBOLS = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def _plain(number) -> str:
    """At most two decimals, no trailing zeros: a ratio of 12.0588…% reads 12.06%."""
    rounded = Decimal(str(number)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return format(rounded.normalize(), "f")


@functools.lru_cache(maxsize=65536)
def format_value(name: str, value) -> str:
    """One value of a field as the prose shows it: 2.4%, 300 万元, 小型, 6520 集成电路设计."""
    if not _known(value):
        return UNKNOWN_ZH
    spec = FIELDS[name]
    if spec.kind == "ratio":
        return f"{_plain(Decimal(str(value)) * 100)}%"
    if spec.kind in NUMERIC_KINDS:
        return f"{_plain(value)} {spec.unit_zh}".rstrip()
    if spec.kind == "date":
        parsed = parse_date(value)
        return parsed.isoformat() if parsed else str(value)
    if spec.kind == "tags":
        labels = reference_tags()
        return "、".join(labels.get(tag, tag) for tag in sorted(value)) or "无"
    if name == "size_class":
        return SIZE_LABELS.get(value, value)
    if name == "development_stage":
        return STAGE_LABELS.get(value, value)
    if name == "industry_code":
        return industry_text(str(value))
    return str(value)


def industry_text(code: str) -> str:
    entry = industry_table().get(code)
    return f"{code} {entry.name_zh}" if entry else code


@functools.lru_cache(maxsize=8192)
def requirement(condition: Condition) -> str:
    """What a condition asks, without the field: "≥ 3%", "为 小型、微型 之一"."""
    name, op, value = condition.field, condition.op, condition.value

    def show(item) -> str:
        return format_value(name, item)

    if op in _SYMBOLS:
        if op in ("==", "!="):
            return ("为 " if op == "==" else "不为 ") + show(value)
        return f"{_SYMBOLS[op]} {show(value)}"
    if op == "between":
        return f"在 {show(value[0])} 至 {show(value[1])} 之间（含）"
    if op == "in":
        return f"为 {'、'.join(show(v) for v in value)} 之一"
    if op == "not_in":
        return f"不为 {'、'.join(show(v) for v in value)} 中任何一项"
    if op == "industry_in":
        return "属于 " + " 或 ".join(industry_text(prefix) for prefix in value)
    labels = reference_tags()
    names = "、".join(f"“{labels.get(tag, tag)}”" for tag in value)
    return f"具有{names}标签" if len(value) == 1 else f"具有{names}中任一标签"


def _join(left: str, right: str) -> str:
    return f"{left} {right}" if right[:1] in "=≠<>≤≥" else f"{left}{right}"


def condition_text(condition: Condition, actual) -> str:
    """ "研发投入占比 2.4%，要求 ≥ 3%"; an unknown value reads "未知（缺少数据）"."""
    label = FIELDS[condition.field].label_zh
    return (
        f"{label} {format_value(condition.field, actual)}，{_join('要求', requirement(condition))}"
    )


def gap_text(condition: Condition, actual, *, negated: bool = False) -> str:
    """What would have to change: "研发投入占比需 ≥ 3%（当前 2.4%）"; under a `not`:
    "需不满足：所属功能区为 aviation（当前 aviation）"."""
    label = FIELDS[condition.field].label_zh
    need = _join(f"{label}需", requirement(condition))
    if negated:
        need = f"需不满足：{condition_prose(condition)}"
    if not _known(actual):
        return f"补充{label}数据：{need}"
    return f"{need}（当前 {format_value(condition.field, actual)}）"


def condition_prose(condition: Condition) -> str:
    return _join(FIELDS[condition.field].label_zh, requirement(condition))


_HEADINGS = {All: "同时满足以下全部条件：", Any: "满足以下任一条件：", Not: "不满足以下条件："}


def rule_prose(rule: Rule) -> list[str]:
    """The rules as Chinese lines for the policy page; two spaces of indent per level."""
    lines: list[str] = []

    def walk(node, depth: int) -> None:
        indent = "  " * depth
        if isinstance(node, Leaf):
            lines.append(indent + condition_prose(rule.conditions[node.index]))
            return
        lines.append(indent + _HEADINGS[type(node)])
        for child in node.children if not isinstance(node, Not) else (node.child,):
            walk(child, depth + 1)

    walk(rule.root, 0)
    return lines
