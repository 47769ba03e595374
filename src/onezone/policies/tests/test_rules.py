"""The rule language: compiling (faults named by path), three-valued evaluation, prose, gaps."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from onezone.policies.engine.errors import PolicyFileError
from onezone.policies.engine.facts import facts_from_mapping
from onezone.policies.engine.rules import (
    compile_rule,
    condition_value,
    evaluate,
    explain,
    rule_prose,
)

AT = datetime.date(2025, 6, 30)
DEMO_TREE = {
    "all": [
        {"field": "industry_code", "op": "industry_in", "value": ["3973", "652"]},
        {"field": "rd_ratio", "op": ">=", "value": 0.03},
        {
            "any": [
                {"field": "size_class", "op": "in", "value": ["small", "micro"]},
                {"field": "age_years", "op": "<=", "value": 3},
            ]
        },
    ]
}


@pytest.fixture(autouse=True)
def english_messages():
    """Errors are asserted in their English msgids; the UI default is Chinese."""
    with translation.override("en"):
        yield


def facts(**values):
    return facts_from_mapping(values, AT)


def cond(field, op, value):
    return compile_rule({"field": field, "op": op, "value": value})


def errors_of(tree, **kwargs):
    with pytest.raises(PolicyFileError) as caught:
        compile_rule(tree, **kwargs)
    return caught.value.errors


# -- compiling ------------------------------------------------------------------------------


def test_demo_tree_compiles_with_flat_conditions_and_fields():
    rule = compile_rule(DEMO_TREE)
    assert [c.path for c in rule.conditions] == [
        "eligibility.all[0]",
        "eligibility.all[1]",
        "eligibility.all[2].any[0]",
        "eligibility.all[2].any[1]",
    ]
    assert rule.fields == {"industry_code", "rd_ratio", "size_class", "age_years"}


def test_unknown_operator_is_named_by_path():
    tree = {"all": [DEMO_TREE["all"][0], {"any": [{"field": "employees", "op": "~=", "value": 3}]}]}
    assert errors_of(tree) == [("eligibility.all[1].any[0].op", "unknown operator “~=”")]


def test_unknown_field_and_unknown_key_are_named():
    tree = {
        "all": [
            {"field": "profit", "op": ">", "value": 1},
            {"field": "employees", "op": ">", "value": 1, "x": 1},
        ]
    }
    errors = errors_of(tree)
    assert ("eligibility.all[0].field", "unknown field “profit”") in errors
    assert ("eligibility.all[1].x", "unknown key “x”") in errors


def test_every_fault_is_collected_in_one_pass():
    tree = {
        "all": [
            {"field": "rd_ratio", "op": ">=", "value": "3%"},
            {"field": "size_class", "op": "in", "value": ["tiny"]},
            {"field": "employees", "op": "between", "value": [10, 5]},
        ]
    }
    paths = [path for path, _message in errors_of(tree)]
    assert paths == [
        "eligibility.all[0].value",
        "eligibility.all[1].value[0]",
        "eligibility.all[2].value",
    ]


@pytest.mark.parametrize(
    ("tree", "path"),
    [
        ({"all": []}, "eligibility.all"),
        ({"all": "x"}, "eligibility.all"),
        ({"all": [{"field": "employees", "op": ">"}]}, "eligibility.all[0]"),
        ({"all": [1]}, "eligibility.all[0]"),
        ({"all": [], "any": []}, "eligibility"),
        ({"field": "tags", "op": ">=", "value": 1}, "eligibility.op"),
        ({"field": "employees", "op": "industry_in", "value": ["39"]}, "eligibility.op"),
        ({"field": "employees", "op": ">", "value": True}, "eligibility.value"),
        ({"field": "employees", "op": "between", "value": [1]}, "eligibility.value"),
        ({"field": "employees", "op": "in", "value": []}, "eligibility.value"),
        ({"field": "registered_on", "op": ">=", "value": "2020-13-01"}, "eligibility.value"),
        (
            {"field": "industry_code", "op": "industry_in", "value": ["9999"]},
            "eligibility.value[0]",
        ),
        (
            {"field": "industry_code", "op": "industry_in", "value": ["D3973"]},
            "eligibility.value[0]",
        ),
        ({"field": "industry_code", "op": "==", "value": "39"}, "eligibility.value"),
        ({"field": "tags", "op": "has_tag", "value": ["no_such_tag"]}, "eligibility.value[0]"),
        ({"field": "tags", "op": "has_tag", "value": [3]}, "eligibility.value[0]"),
        ({"field": "development_stage", "op": "==", "value": "old"}, "eligibility.value"),
        ({"not": {"field": "x", "op": "==", "value": 1}}, "eligibility.not.field"),
    ],
)
def test_malformed_trees_are_refused_at_their_path(tree, path):
    assert path in [where for where, _message in errors_of(tree)]


def test_tags_are_checked_against_the_known_tags_when_given():
    tree = {"field": "tags", "op": "has_tag", "value": "local_star"}
    assert errors_of(tree) == [("eligibility.value[0]", "unknown tag “local_star”")]
    assert compile_rule(tree, known_tags={"local_star"}).conditions[0].value == ("local_star",)


def test_nesting_is_limited():
    tree = {"field": "employees", "op": ">", "value": 1}
    for _ in range(30):
        tree = {"not": tree}
    assert "nested" in errors_of(tree)[0][1]


def test_industry_values_are_normalised():
    rule = cond("industry_code", "industry_in", ["C3973", "c39", "C", "652"])
    assert rule.conditions[0].value == ("3973", "39", "C", "652")
    assert cond("industry_code", "==", "C3973").conditions[0].value == "3973"


# -- evaluating -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "op", "value", "actual", "expected"),
    [
        ("employees", "==", 50, 50, True),
        ("employees", "!=", 50, 50, False),
        ("employees", "<", 50, 49, True),
        ("employees", "<=", 50, 50, True),
        ("employees", ">", 50, 50, False),
        ("employees", ">=", 50, 50, True),
        ("employees", "in", [10, 20], 20, True),
        ("employees", "not_in", [10, 20], 20, False),
        ("employees", "between", [10, 20], 10, True),
        ("employees", "between", [10, 20], 20, True),
        ("employees", "between", [10, 20], 21, False),
        ("employees", ">=", 50, None, None),
        ("employees", "!=", 50, None, None),
        ("employees", "not_in", [1], None, None),
        ("size_class", "in", ["small", "micro"], "micro", True),
        ("size_class", "not_in", ["small", "micro"], "large", True),
        ("size_class", "==", "small", None, None),
        ("zone", "==", "chip_valley", "aviation", False),
        ("development_stage", "!=", "mature", "growth", True),
        ("industry_code", "industry_in", ["39"], "3973", True),
        ("industry_code", "industry_in", ["397"], "3973", True),
        ("industry_code", "industry_in", ["C"], "3973", True),
        ("industry_code", "industry_in", ["I"], "3973", False),
        ("industry_code", "industry_in", ["652"], "6520", True),
        ("industry_code", "industry_in", ["3973"], "C3973", True),
        ("industry_code", "industry_in", ["39"], "3911", True),
        ("industry_code", "industry_in", ["39"], "4011", False),
        ("industry_code", "industry_in", ["39"], None, None),
        ("industry_code", "==", "3973", "C3973", True),
        ("tags", "has_tag", "high_tech", ["high_tech", "key"], True),
        ("tags", "has_tag", ["gazelle", "high_tech"], ["high_tech"], True),
        ("tags", "has_tag", "high_tech", [], False),
        ("tags", "has_tag", "high_tech", None, None),
        ("registered_on", ">=", "2020-01-01", "2020-01-01", True),
        ("registered_on", "<", datetime.date(2020, 1, 1), "2020-01-01", False),
        ("registered_on", "between", ["2019-01-01", "2019-12-31"], "2019-06-01", True),
    ],
)
def test_each_operator(field, op, value, actual, expected):
    rule = cond(field, op, value)
    assert condition_value(rule.conditions[0], facts(**{field: actual})) is expected


def test_rd_ratio_is_unknown_with_zero_or_missing_revenue():
    rule = cond("rd_ratio", ">=", 0.03)
    assert evaluate(rule, facts(revenue_10k_cny=3000, rd_expense_10k_cny=90)) is True
    assert evaluate(rule, facts(revenue_10k_cny=3000, rd_expense_10k_cny=89.99)) is False
    assert evaluate(rule, facts(revenue_10k_cny=0, rd_expense_10k_cny=90)) is None
    assert evaluate(rule, facts(rd_expense_10k_cny=90)) is None
    assert evaluate(rule, facts(revenue_10k_cny=3000)) is None


def test_age_in_whole_years_with_birthday_semantics():
    rule = cond("age_years", "<=", 3)
    # Registered 2022-06-30: three years old on 2025-06-30, still 3 until 2026-06-29.
    assert evaluate(rule, facts(registered_on="2022-06-30")) is True
    assert evaluate(rule, facts(registered_on="2022-07-01")) is True
    assert evaluate(rule, facts(registered_on="2021-07-01")) is True
    assert evaluate(rule, facts(registered_on="2021-06-30")) is False
    assert facts(registered_on="2021-06-30")["age_years"] == 4
    assert facts(registered_on="2021-07-01")["age_years"] == 3
    assert (
        facts_from_mapping({"registered_on": "2020-02-29"}, datetime.date(2021, 2, 28))["age_years"]
        == 0
    )


T, F, U = (
    {"field": "employees", "op": ">", "value": 0},
    {"field": "employees", "op": "<", "value": 0},
    {"field": "assets_10k_cny", "op": ">", "value": 0},
)


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        ({"all": [T, T]}, True),
        ({"all": [T, F]}, False),
        ({"all": [U, F]}, False),
        ({"all": [T, U]}, None),
        ({"any": [F, T]}, True),
        ({"any": [U, T]}, True),
        ({"any": [F, U]}, None),
        ({"any": [F, F]}, False),
        ({"not": U}, None),
        ({"not": T}, False),
        ({"not": F}, True),
        ({"not": {"all": [T, U]}}, None),
        ({"all": [T, {"any": [F, {"not": F}]}]}, True),
    ],
)
def test_three_valued_logic(tree, expected):
    # employees known (10), assets unknown.
    assert evaluate(compile_rule(tree), facts(employees=10)) is expected


# -- explanations and gaps ------------------------------------------------------------------


def test_explanation_of_the_issue_example_reads_in_chinese():
    rule = compile_rule(DEMO_TREE)
    explanation = explain(
        rule,
        facts(
            industry_code="6520",
            revenue_10k_cny=3000,
            rd_expense_10k_cny=72,
            size_class="small",
            registered_on="2020-01-01",
        ),
    )
    texts = [c.text for c in explanation.conditions]
    assert texts == [
        "所属行业 6520 集成电路设计，要求属于 3973 集成电路制造 或 652 集成电路设计",
        "研发投入占比 2.4%，要求 ≥ 3%",
        "企业规模 小型，要求为 小型、微型 之一",
        "成立年限 5 年，要求 ≤ 3 年",
    ]
    assert [c.passed for c in explanation.conditions] == [True, False, True, False]
    assert explanation.result is False
    assert len(explanation.gaps) == 1
    gap = explanation.gaps[0]
    assert (gap.field, gap.op, gap.value, gap.actual) == ("rd_ratio", ">=", 0.03, 0.024)
    assert gap.message == "研发投入占比需 ≥ 3%（当前 2.4%）"


def test_unknown_values_read_as_missing_data_and_can_be_the_gap():
    rule = compile_rule(DEMO_TREE)
    explanation = explain(rule, facts(industry_code="3973", size_class="micro"))
    assert explanation.result is None
    assert explanation.conditions[1].text == "研发投入占比 未知（缺少数据），要求 ≥ 3%"
    assert explanation.conditions[1].passed is None
    assert explanation.conditions[3].passed is None
    assert [g.field for g in explanation.gaps] == ["rd_ratio"]
    assert explanation.gaps[0].message.startswith("补充研发投入占比数据")


def test_no_gap_when_eligible_or_when_two_changes_are_needed_or_several_would_do():
    rule = compile_rule(DEMO_TREE)
    eligible = facts(
        industry_code="3973", revenue_10k_cny=100, rd_expense_10k_cny=5, size_class="small"
    )
    assert explain(rule, eligible).result is True
    assert explain(rule, eligible).gaps == []
    two_needed = facts(
        industry_code="2710", revenue_10k_cny=100, rd_expense_10k_cny=1, size_class="small"
    )
    assert explain(rule, two_needed).gaps == []
    # rd fine, size medium and age 5: making either size or age true would do — not one gap.
    either = facts(
        industry_code="3973",
        revenue_10k_cny=100,
        rd_expense_10k_cny=5,
        size_class="medium",
        registered_on="2020-01-01",
    )
    assert explain(rule, either).result is False
    assert explain(rule, either).gaps == []


def test_gap_inside_not_and_any():
    rule = compile_rule({"all": [{"not": {"field": "zone", "op": "==", "value": "aviation"}}, T]})
    explanation = explain(rule, facts(zone="aviation", employees=3))
    assert [g.field for g in explanation.gaps] == ["zone"]
    # The condition itself is true; the `not` makes it false.
    assert explanation.conditions[0].passed is True
    assert explanation.gaps[0].message == "需不满足：所属功能区为 aviation（当前 aviation）"
    double = compile_rule({"not": {"any": [F, {"not": T}]}})
    assert double.negated == (True, False)
    # employees 3: F is false (wanted false), not T is false → any false → not true.
    assert explain(double, facts(employees=3)).result is True
    # employees -1: F and T are both not as wanted; neither change alone is enough.
    assert explain(double, facts(employees=-1)).gaps == []
    large = {"field": "size_class", "op": "==", "value": "large"}
    flipped = explain(
        compile_rule({"not": {"any": [F, large]}}), facts(employees=-1, size_class="small")
    )
    assert flipped.result is False
    assert [g.op for g in flipped.gaps] == ["<"]


def test_prose_of_operators():
    def text(field, op, value, actual):
        return explain(cond(field, op, value), facts(**{field: actual})).conditions[0].text

    assert (
        text("size_class", "in", ["small", "micro"], "medium")
        == "企业规模 中型，要求为 小型、微型 之一"
    )
    assert text("age_years", "<=", 3, 2) == "成立年限 2 年，要求 ≤ 3 年"
    assert text("revenue_10k_cny", "between", [1000, 5000.5], 3000) == (
        "营业收入 3000 万元，要求在 1000 万元 至 5000.5 万元 之间（含）"
    )
    assert text("tags", "has_tag", "high_tech", []) == "企业标签 无，要求具有“高新技术企业”标签"
    assert text("industry_code", "industry_in", ["C"], "3973") == (
        "所属行业 3973 集成电路制造，要求属于 C 制造业"
    )
    assert (
        text("employees", "not_in", [0], None)
        == "从业人员 未知（缺少数据），要求不为 0 人 中任何一项"
    )
    assert text("registered_on", ">=", "2020-01-01", "2019-05-01") == (
        "成立日期 2019-05-01，要求 ≥ 2020-01-01"
    )


def test_rule_prose_indents_nested_groups():
    assert rule_prose(compile_rule(DEMO_TREE)) == [
        "同时满足以下全部条件：",
        "  所属行业属于 3973 集成电路制造 或 652 集成电路设计",
        "  研发投入占比 ≥ 3%",
        "  满足以下任一条件：",
        "    企业规模为 小型、微型 之一",
        "    成立年限 ≤ 3 年",
    ]
    assert rule_prose(compile_rule({"not": T})) == ["不满足以下条件：", "  从业人员 > 0 人"]


def test_explanation_values_are_json_ready():
    explanation = explain(
        cond("registered_on", ">=", "2020-01-01"), facts(registered_on=datetime.date(2021, 1, 1))
    )
    result = explanation.conditions[0]
    assert (result.value, result.actual) == ("2020-01-01", "2021-01-01")
    money = explain(cond("revenue_10k_cny", ">", 1), {"revenue_10k_cny": Decimal("12.50")})
    assert money.conditions[0].actual == 12.5
