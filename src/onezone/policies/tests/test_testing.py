"""A policy file's own tests: pass, fail with expected versus actual, validity dates."""

import pytest
import yaml

from onezone.policies.engine.spec import parse_policy
from onezone.policies.engine.testing import run_tests
from onezone.policies.tests.test_spec import DEMO


def spec_with_tests(*tests):
    data = yaml.safe_load(DEMO)
    data["tests"] = list(tests)
    return parse_policy(data)


def case(name="t", date="2025-06-30", eligible=True, **extra):
    enterprise = extra.pop(
        "enterprise",
        {
            "industry_code": "6520",
            "revenue_10k_cny": 3000,
            "rd_expense_10k_cny": 300,
            "registered_on": "2023-05-01",
        },
    )
    return {"name": name, "date": date, "enterprise": enterprise, "eligible": eligible, **extra}


def test_the_issue_example_passes():
    (outcome,) = run_tests(parse_policy(yaml.safe_load(DEMO)))
    assert outcome.passed
    assert outcome.name == "a young IC design firm qualifies"
    assert outcome.expected == {"eligible": True, "amount": "30.00"}
    assert outcome.actual == {"eligible": True, "amount": "30.00"}


def test_a_wrong_expectation_fails_with_expected_and_actual():
    outcomes = run_tests(
        spec_with_tests(case(amount=31), case(name="not eligible", eligible=False))
    )
    assert [o.passed for o in outcomes] == [False, False]
    assert outcomes[0].expected == {"eligible": True, "amount": "31.00"}
    assert outcomes[0].actual == {"eligible": True, "amount": "30.00"}
    assert outcomes[1].expected == {"eligible": False}
    assert outcomes[1].actual == {"eligible": True}


def test_details_explain_a_refusal():
    low_rd = case(
        eligible=False,
        amount=None,
        enterprise={
            "industry_code": "3973",
            "revenue_10k_cny": 3000,
            "rd_expense_10k_cny": 30,
            "size_class": "small",
        },
    )
    (outcome,) = run_tests(spec_with_tests(low_rd))
    assert outcome.passed
    assert outcome.actual == {"eligible": False, "amount": None}
    assert "研发投入占比 1%，要求 ≥ 3%" in outcome.details


@pytest.mark.parametrize(
    ("date", "eligible"),
    [("2024-12-31", False), ("2025-01-01", True), ("2026-12-31", True), ("2027-01-01", False)],
)
def test_dates_outside_validity_are_not_eligible(date, eligible):
    (outcome,) = run_tests(spec_with_tests(case(date=date, eligible=eligible)))
    assert outcome.passed, outcome
    if not eligible:
        assert outcome.details[0].endswith("不在政策有效期内")


def test_age_depends_on_the_test_date():
    # Registered 2023-05-01: 3 years old until 2027-04-30; the policy ends 2026-12-31, so use a
    # large firm (size does not help) and a date after the fourth birthday would fail.
    large_old = case(
        date="2026-12-31",
        eligible=True,
        enterprise={
            "industry_code": "6520",
            "revenue_10k_cny": 3000,
            "rd_expense_10k_cny": 300,
            "size_class": "large",
            "registered_on": "2023-12-31",
        },
    )
    too_old = case(
        date="2026-12-31",
        eligible=False,
        enterprise={**large_old["enterprise"], "registered_on": "2022-12-31"},
    )
    assert [o.passed for o in run_tests(spec_with_tests(large_old, too_old))] == [True, True]


def test_given_derived_fields_are_used_as_given():
    given = case(
        enterprise={
            "industry_code": "3973",
            "rd_ratio": 0.05,
            "age_years": 1,
            "rd_expense_10k_cny": 10,
        },
        amount=1,
    )
    (outcome,) = run_tests(spec_with_tests(given))
    assert outcome.passed, outcome
