"""The amount language: parsing with a whitelist, Decimal evaluation, bulk evaluation."""

import datetime
from decimal import Decimal

import numpy as np
import pytest

from onezone.policies.engine.amounts import compile_formula
from onezone.policies.engine.errors import PolicyFileError
from onezone.policies.engine.facts import Snapshot, facts_from_mapping

AT = datetime.date(2025, 6, 30)


def amount(text, **values):
    return compile_formula(text, "10k_cny").evaluate(facts_from_mapping(values, AT))


def errors_of(text, unit="10k_cny"):
    with pytest.raises(PolicyFileError) as caught:
        compile_formula(text, unit)
    return caught.value.errors


def test_issue_example():
    formula = compile_formula("min(rd_expense_10k_cny * 0.1, 200)", "10k_cny")
    assert formula.fields == {"rd_expense_10k_cny"}
    assert amount(formula.text, rd_expense_10k_cny=300) == Decimal("30.00")
    assert amount(formula.text, rd_expense_10k_cny=5000) == Decimal("200.00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", "7.00"),
        ("(1 + 2) * 3", "9.00"),
        ("-employees + 100", "90.00"),
        ("+employees", "10.00"),
        ("employees / 4", "2.50"),
        ("max(employees, 3, 20.5)", "20.50"),
        ("round(2 / 3)", "0.67"),
        ("round(0.125)", "0.13"),  # half up, not banker's rounding
        ("round(0.115)", "0.12"),
        ("1 / 3", "0.33"),
        ("0.005", "0.01"),  # the result is quantised half up
        ("revenue_10k_cny * rd_ratio", "300.00"),
        ("brackets(employees, [[0, 1], [10, 5], [100, 20]])", "5.00"),
        ("brackets(employees, [[11, 1], [100, 20]])", "0.00"),  # below every bound: nothing
        ("brackets(employees * 10, [[0, 1], [100, 20]])", "20.00"),
        ("brackets(employees, [[-5, -1], [0, 2]])", "2.00"),
    ],
)
def test_arithmetic_is_decimal_and_half_up(text, expected):
    values = {"employees": 10, "revenue_10k_cny": 3000, "rd_expense_10k_cny": 300}
    assert amount(text, **values) == Decimal(expected)


def test_unknown_field_or_division_by_zero_is_unknown():
    assert amount("employees * 2") is None
    assert amount("min(employees, revenue_10k_cny)", employees=3) is None
    assert amount("employees / 0", employees=3) is None
    assert amount("10 / (employees - 3)", employees=3) is None
    assert amount("brackets(rd_ratio, [[0, 1]])", rd_expense_10k_cny=1, revenue_10k_cny=0) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("pow(employees, 2)", "unknown function “pow”"),
        ("__import__('os')", "unknown function “__import__”"),
        ("employees.real", "not allowed"),
        ("employees ** 2", "not allowed in an amount formula: **"),
        ("employees // 2", "not allowed in an amount formula: //"),
        ("employees % 2", "not allowed in an amount formula: %"),
        ("employees > 2", "not allowed"),
        ("'text'", "expected a number"),
        ("True", "expected a number"),
        ("profit * 2", "unknown field “profit”"),
        ("zone * 2", "is not a number"),
        ("min", "is a function"),
        ("round(employees, 2)", "round takes one argument"),
        ("min()", "needs at least one argument"),
        ("min(x=1)", "no named arguments"),
        ("brackets(employees, [[10, 1], [5, 2]])", "must increase"),
        ("brackets(employees, [[10]])", "each bracket"),
        ("brackets(employees, [[employees, 1]])", "plain numbers"),
        ("brackets(employees)", "brackets takes"),
        ("lambda: 1", "not allowed"),
        ("[1, 2]", "not allowed"),
        ("(employees", "syntax error"),
        ("", "empty"),
        ("1" * 600, "longer"),
    ],
)
def test_refused_formulas_name_the_path(text, fragment):
    errors = errors_of(text)
    assert errors[0][0] == "amount.formula"
    assert fragment in errors[0][1]


def test_column_is_reported_and_unit_checked():
    assert errors_of("employees + pow(1)") == [
        ("amount.formula", "unknown function “pow” (at column 13)")
    ]
    assert ("amount.unit", "the unit is 10k_cny or cny") in errors_of("1", unit="usd")


def test_no_python_evaluation_even_for_harmless_builtins():
    for text in ("abs(-1)", "len([1])", "int(2)", "(1).__class__"):
        assert errors_of(text)


def test_columns_agree_with_decimal_evaluation():
    rows = [
        {"employees": 10, "revenue_10k_cny": 3000, "rd_expense_10k_cny": 300},
        {"employees": 0, "revenue_10k_cny": 0, "rd_expense_10k_cny": 0},
        {"employees": None, "revenue_10k_cny": 50, "rd_expense_10k_cny": 7.5},
        {"employees": 150, "revenue_10k_cny": 123.45, "rd_expense_10k_cny": 9999},
    ]
    facts = [facts_from_mapping(row, AT) for row in rows]
    snapshot = Snapshot.from_facts(facts, AT)
    for text in (
        "min(rd_expense_10k_cny * 0.1, 200)",
        "round(rd_ratio * 1000)",
        "10 / employees",
        "brackets(employees, [[1, 5], [100, 50]]) + -revenue_10k_cny / 3",
        "max(employees, 2) * 2",
    ):
        formula = compile_formula(text, "cny")
        columns = formula.evaluate_columns(snapshot)
        singles = [formula.evaluate(fact) for fact in facts]
        for column, single in zip(columns, singles, strict=True):
            if single is None:
                assert np.isnan(column), text
            else:
                assert column == pytest.approx(float(single), abs=0.005), text
