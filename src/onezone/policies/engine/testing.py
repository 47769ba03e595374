"""Run a policy file's own tests: each gives an enterprise's facts, a date and the expected
eligibility (and amount); nothing is stored."""

from dataclasses import dataclass, field
from decimal import Decimal

from onezone.policies.engine.facts import facts_from_mapping
from onezone.policies.engine.rules import explain, parse_date
from onezone.policies.engine.spec import PolicySpec

CENT = Decimal("0.01")


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest test class

    name: str
    passed: bool
    expected: dict
    actual: dict
    # Why, in Chinese prose: the conditions that were not true (shown on failure).
    details: list = field(default_factory=list)


def _amount_text(value) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(CENT))


def run_test(spec: PolicySpec, test: dict) -> TestOutcome:
    at = parse_date(test["date"])
    facts = facts_from_mapping(test["enterprise"], at)
    explanation = explain(spec.rule, facts)
    in_force = spec.is_valid_on(at)
    eligible = in_force and explanation.result is True
    amount = spec.formula.evaluate(facts) if spec.formula is not None and eligible else None
    expected = {"eligible": test["eligible"]}
    actual = {"eligible": eligible}
    if "amount" in test:
        expected["amount"] = _amount_text(test["amount"])
        actual["amount"] = _amount_text(amount)
    details = [] if in_force else [f"{at.isoformat()} 不在政策有效期内"]
    details += [result.text for result in explanation.conditions if result.passed is not True]
    return TestOutcome(
        name=test["name"],
        passed=expected == actual,
        expected=expected,
        actual=actual,
        details=details,
    )


def run_tests(spec: PolicySpec) -> list[TestOutcome]:
    """Each test of the policy, in file order. A date outside the policy's validity is not
    eligible; the amount is only computed (and compared) for an eligible enterprise."""
    return [run_test(spec, test) for test in spec.tests]
