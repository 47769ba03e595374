"""The amount language: `+ - * /`, unary minus, parentheses, numbers, numeric fields, `min`,
`max`, `round(x)` (half up to 2 decimals) and `brackets(x, [[lower, value], …])`.

The text is parsed with `ast.parse(mode="eval")` and every node is checked against a strict
whitelist, then evaluated by our own tree walk — never eval/exec. One evaluation works on
Decimals for one enterprise (exact money), another on numpy arrays for bulk matching.
"""

import ast
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
from django.utils.translation import gettext as _

from onezone.policies.engine.errors import PolicyFileError
from onezone.policies.engine.fields import FIELDS, NUMERIC_KINDS

CENT = Decimal("0.01")
FUNCTIONS = ("min", "max", "round", "brackets")
UNITS = ("10k_cny", "cny")
MAX_LENGTH = 500
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


# Compiled nodes: tuples keep the evaluator small and fast.
# ("num", Decimal) | ("field", name) | ("neg", node) | ("bin", op, left, right)
# | ("min"|"max", [nodes]) | ("round", node) | ("brackets", node, [(lower, value), …])


@dataclass(frozen=True)
class Formula:
    text: str
    unit: str
    tree: tuple
    fields: frozenset[str]

    def evaluate(self, facts: dict) -> Decimal | None:
        """The amount for one enterprise, quantised to 0.01; None when a field it reads is
        unknown or a division by zero occurs."""
        try:
            value = _evaluate(self.tree, facts)
        except (InvalidOperation, ArithmeticError):
            return None
        return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)

    def evaluate_columns(self, snapshot) -> np.ndarray:
        """The amount of every enterprise of a snapshot as floats, NaN where unknown."""
        with np.errstate(divide="ignore", invalid="ignore"):
            values = _columns(self.tree, snapshot)
            values = np.broadcast_to(np.asarray(values, dtype=float), (len(snapshot.ids),))
            return np.floor(values * 100 + 0.5) / 100


class _Checker:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.errors: list[tuple[str, str]] = []
        self.fields: set[str] = set()

    def fail(self, node, message: str) -> None:
        column = getattr(node, "col_offset", None)
        where = _(" (at column %(n)s)") % {"n": column + 1} if column is not None else ""
        self.errors.append((self.path, message + where))

    def node(self, node) -> tuple | None:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = self.node(node.operand)
            if inner is None:
                return None
            return ("neg", inner) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.node(node.left), self.node(node.right)
            if left is None or right is None:
                return None
            return ("bin", _BINARY[type(node.op)], left, right)
        if isinstance(node, ast.Call):
            return self.call(node)
        self.fail(node, _("not allowed in an amount formula: %(what)s") % {"what": _what(node)})
        return None

    def constant(self, node: ast.Constant) -> tuple | None:
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            self.fail(node, _("expected a number, not “%(value)s”") % {"value": node.value})
            return None
        return ("num", Decimal(str(node.value)))

    def name(self, node: ast.Name) -> tuple | None:
        spec = FIELDS.get(node.id)
        if spec is None:
            if node.id in FUNCTIONS:
                self.fail(node, _("%(name)s is a function; call it") % {"name": node.id})
            else:
                self.fail(node, _("unknown field “%(field)s”") % {"field": node.id})
            return None
        if spec.kind not in NUMERIC_KINDS:
            self.fail(node, _("field “%(field)s” is not a number") % {"field": node.id})
            return None
        self.fields.add(node.id)
        return ("field", node.id)

    def call(self, node: ast.Call) -> tuple | None:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            shown = name or _what(node.func)
            self.fail(node, _("unknown function “%(name)s”") % {"name": shown})
            return None
        if node.keywords:
            self.fail(node, _("%(name)s takes no named arguments") % {"name": name})
            return None
        if name == "brackets":
            return self.brackets(node)
        args = [self.node(arg) for arg in node.args]
        if any(arg is None for arg in args):
            return None
        if name == "round":
            if len(args) != 1:
                self.fail(node, _("round takes one argument (it rounds to 2 decimals)"))
                return None
            return ("round", args[0])
        if not args:
            self.fail(node, _("%(name)s needs at least one argument") % {"name": name})
            return None
        return (name, tuple(args))

    def brackets(self, node: ast.Call) -> tuple | None:
        if len(node.args) != 2:
            self.fail(node, _("brackets takes (field, [[lower_bound, value], …])"))
            return None
        subject = self.node(node.args[0])
        table = node.args[1]
        if not isinstance(table, ast.List) or not table.elts:
            self.fail(table, _("brackets needs a non-empty list of [lower_bound, value] pairs"))
            return None
        pairs = []
        for item in table.elts:
            pair = self.pair(item)
            if pair is None:
                return None
            pairs.append(pair)
        lowers = [lower for lower, _value in pairs]
        if any(b <= a for a, b in zip(lowers, lowers[1:], strict=False)):
            self.fail(table, _("the lower bounds of brackets must increase"))
            return None
        return None if subject is None else ("brackets", subject, tuple(pairs))

    def pair(self, item) -> tuple[Decimal, Decimal] | None:
        if not isinstance(item, ast.List) or len(item.elts) != 2:
            self.fail(item, _("each bracket is [lower_bound, value]"))
            return None
        numbers = [_literal(element) for element in item.elts]
        if any(number is None for number in numbers):
            self.fail(item, _("bracket bounds and values are plain numbers"))
            return None
        return numbers[0], numbers[1]


def _literal(node) -> Decimal | None:
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        sign, node = -1, node.operand
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return sign * Decimal(str(value))
    return None


def _what(node) -> str:
    if isinstance(node, ast.BinOp):
        return {ast.Pow: "**", ast.FloorDiv: "//", ast.Mod: "%"}.get(type(node.op), "operator")
    return type(node).__name__


def compile_formula(text: str, unit: str, path: str = "amount.formula") -> Formula:
    """Check and compile a formula; raises PolicyFileError naming `path` and the column."""
    if not isinstance(text, str) or not text.strip():
        raise PolicyFileError([(path, _("the formula is empty"))])
    if len(text) > MAX_LENGTH:
        raise PolicyFileError([(path, _("the formula is longer than %(n)s") % {"n": MAX_LENGTH})])
    unit_path = path.rsplit(".", 1)[0] + ".unit"
    errors = [] if unit in UNITS else [(unit_path, _("the unit is 10k_cny or cny"))]
    try:
        parsed = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        column = error.offset or 0
        raise PolicyFileError(
            [*errors, (path, _("syntax error at column %(n)s") % {"n": column})]
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise PolicyFileError([*errors, (path, _("the formula is too deeply nested"))]) from None
    checker = _Checker(path, text)
    try:
        tree = checker.node(parsed.body)
    except RecursionError:
        raise PolicyFileError([*errors, (path, _("the formula is too deeply nested"))]) from None
    errors.extend(checker.errors)
    if errors or tree is None:
        raise PolicyFileError(errors)
    return Formula(text=text.strip(), unit=unit, tree=tree, fields=frozenset(checker.fields))


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def bracket_index(lowers, value):
    """Index of the highest lower bound not above `value` (-1: below every bound)."""
    index = -1
    for position, lower in enumerate(lowers):
        if lower <= value:
            index = position
    return index


def _evaluate(tree: tuple, facts: dict) -> Decimal | None:
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "field":
        return _decimal(facts.get(tree[1]))
    if kind == "neg":
        inner = _evaluate(tree[1], facts)
        return None if inner is None else -inner
    if kind == "bin":
        left, right = _evaluate(tree[2], facts), _evaluate(tree[3], facts)
        if left is None or right is None:
            return None
        return _binary(tree[1], left, right)
    if kind == "round":
        inner = _evaluate(tree[1], facts)
        return None if inner is None else inner.quantize(CENT, rounding=ROUND_HALF_UP)
    if kind == "brackets":
        subject = _evaluate(tree[1], facts)
        if subject is None:
            return None
        index = bracket_index([lower for lower, _v in tree[2]], subject)
        # Below the lowest bound no bracket applies: nothing is granted.
        return tree[2][index][1] if index >= 0 else Decimal(0)
    values = [_evaluate(arg, facts) for arg in tree[1]]
    if any(value is None for value in values):
        return None
    return min(values) if kind == "min" else max(values)


def _binary(op: str, left: Decimal, right: Decimal) -> Decimal | None:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        return None
    return left / right


def _columns(tree: tuple, snapshot):
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "field":
        return snapshot.numeric(tree[1])
    if kind == "neg":
        return -np.asarray(_columns(tree[1], snapshot))
    if kind == "bin":
        left, right = _columns(tree[2], snapshot), _columns(tree[3], snapshot)
        op = tree[1]
        if op == "+":
            return np.add(left, right)
        if op == "-":
            return np.subtract(left, right)
        if op == "*":
            return np.multiply(left, right)
        right = np.asarray(right, dtype=float)
        return np.divide(left, np.where(right == 0, np.nan, right))
    if kind == "round":
        return np.floor(np.asarray(_columns(tree[1], snapshot)) * 100 + 0.5) / 100
    if kind == "brackets":
        subject = np.asarray(_columns(tree[1], snapshot), dtype=float)
        lowers = np.array([float(lower) for lower, _v in tree[2]])
        values = np.array([0.0] + [float(value) for _l, value in tree[2]])
        index = np.searchsorted(lowers, subject, side="right")
        return np.where(np.isnan(subject), np.nan, values[index])
    # min/max propagate NaN (unknown), as the Decimal evaluation returns None.
    values = np.broadcast_arrays(
        *[np.asarray(_columns(arg, snapshot), dtype=float) for arg in tree[1]]
    )
    stacked = np.stack(values)
    return stacked.min(axis=0) if kind == "min" else stacked.max(axis=0)
