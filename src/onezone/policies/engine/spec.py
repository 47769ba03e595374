"""A policy file (YAML, one policy per file) or its JSON twin, checked into a PolicySpec.

Every fault is collected with its path (`eligibility.all[2].op`, `tests[0].enterprise.foo`)
and raised together in one PolicyFileError.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from onezone.policies.choices import AmountUnit, PolicyClass, PolicyMode
from onezone.policies.engine.amounts import Formula, compile_formula
from onezone.policies.engine.errors import PolicyFileError
from onezone.policies.engine.fields import FIELDS
from onezone.policies.engine.rules import Rule, compile_rule, parse_date

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
# (key, maximum length, required) of the text keys; lengths are those of PolicyVersion.
_TEXTS = [
    ("title", 200, True),
    ("issuer", 100, True),
    ("reference", 200, False),
    ("summary", 10_000, False),
    ("office", 100, False),
    ("phone", 30, False),
]
_DATES = [("valid_from", True), ("valid_to", False), ("published_on", False), ("listed_on", False)]
KEYS = (
    "code",
    "title",
    "issuer",
    "class",
    "mode",
    "reference",
    "summary",
    "office",
    "phone",
    "valid_from",
    "valid_to",
    "published_on",
    "listed_on",
    "payout_limit_working_days",
    "eligibility",
    "amount",
    "tests",
)
TEST_KEYS = ("name", "date", "enterprise", "eligible", "amount")


@dataclass(frozen=True)
class PolicySpec:
    code: str
    title: str
    issuer: str
    policy_class: str
    mode: str
    reference: str
    summary: str
    office: str
    phone: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    published_on: datetime.date | None
    listed_on: datetime.date | None
    payout_limit_working_days: int | None
    eligibility: dict
    amount_formula: str
    amount_unit: str
    tests: list = field(default_factory=list)
    rule: Rule | None = field(default=None, compare=False)
    formula: Formula | None = field(default=None, compare=False)

    @property
    def fields_read(self) -> list[str]:
        """Every field the rules and the amount read, sorted (stored on the version)."""
        read = set(self.rule.fields if self.rule else ())
        read |= set(self.formula.fields if self.formula else ())
        return sorted(read)

    def is_valid_on(self, at: datetime.date) -> bool:
        return self.valid_from <= at and (self.valid_to is None or at <= self.valid_to)


class _Errors(list):
    def add(self, path: str, message: str) -> None:
        self.append((path, message))

    def absorb(self, error: PolicyFileError) -> None:
        self.extend(error.errors)


def _text(data: dict, key: str, limit: int, required: bool, errors: _Errors) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors.add(key, _("this key is required"))
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.add(key, _("expected text"))
        return ""
    if len(value) > limit:
        errors.add(key, _("longer than %(n)s characters") % {"n": limit})
    return value.strip()


def _date(data: dict, key: str, required: bool, errors: _Errors) -> datetime.date | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors.add(key, _("this key is required"))
        return None
    parsed = parse_date(value)
    if parsed is None:
        errors.add(key, _("expected a date YYYY-MM-DD, not “%(value)s”") % {"value": value})
    return parsed


def _choice(data: dict, key: str, choices, errors: _Errors) -> str:
    value = data.get(key)
    if value not in choices.values:
        errors.add(
            key,
            _("“%(value)s” is not one of %(choices)s")
            % {"value": value, "choices": ", ".join(choices.values)},
        )
        return ""
    return value


def _payout_limit(data: dict, errors: _Errors) -> int | None:
    value = data.get("payout_limit_working_days")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        errors.add("payout_limit_working_days", _("expected a whole number of working days"))
        return None
    return value


def _amount(data: dict, errors: _Errors) -> tuple[str, str, Formula | None]:
    amount = data.get("amount")
    if amount is None:
        return "", "", None
    if not isinstance(amount, dict):
        errors.add("amount", _("expected {formula, unit}"))
        return "", "", None
    for key in sorted(set(amount) - {"formula", "unit"}, key=str):
        errors.add(f"amount.{key}", _("unknown key “%(key)s”") % {"key": key})
    text, unit = amount.get("formula"), amount.get("unit")
    if unit not in AmountUnit.values:
        unit = unit if isinstance(unit, str) else ""
    try:
        formula = compile_formula(text, unit)
    except PolicyFileError as error:
        errors.absorb(error)
        return text if isinstance(text, str) else "", unit, None
    return formula.text, unit, formula


def _test_value(name: str, value, path: str, errors: _Errors):
    """A test enterprise's value made JSON-safe (dates as ISO text), checked against its kind."""
    kind = FIELDS[name].kind
    if value is None:
        return None
    if kind == "date":
        parsed = parse_date(value)
        if parsed is None:
            errors.add(path, _("expected a date YYYY-MM-DD, not “%(value)s”") % {"value": value})
            return None
        return parsed.isoformat()
    if kind == "tags":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            errors.add(path, _("expected a list of tag codes"))
            return None
        return sorted(items)
    if kind == "text":
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            errors.add(path, _("expected a code, not “%(value)s”") % {"value": value})
            return None
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        errors.add(path, _("expected a number, not “%(value)s”") % {"value": value})
        return None
    return float(value) if isinstance(value, Decimal) else value


def _tests(data: dict, errors: _Errors) -> list[dict]:
    raw = data.get("tests")
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.add("tests", _("expected a list of tests"))
        return []
    tests = []
    for number, test in enumerate(raw):
        path = f"tests[{number}]"
        if not isinstance(test, dict):
            errors.add(path, _("expected {name, date, enterprise, eligible, amount}"))
            continue
        for key in sorted(set(test) - set(TEST_KEYS), key=str):
            errors.add(f"{path}.{key}", _("unknown key “%(key)s”") % {"key": key})
        name = test.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.add(f"{path}.name", _("this key is required"))
        at = parse_date(test.get("date"))
        if at is None:
            errors.add(f"{path}.date", _("expected a date YYYY-MM-DD"))
        if not isinstance(test.get("eligible"), bool):
            errors.add(f"{path}.eligible", _("expected true or false"))
        enterprise = test.get("enterprise")
        facts = {}
        if not isinstance(enterprise, dict):
            errors.add(f"{path}.enterprise", _("expected the enterprise's fields"))
        else:
            for key, value in enterprise.items():
                if key not in FIELDS:
                    errors.add(
                        f"{path}.enterprise.{key}", _("unknown field “%(field)s”") % {"field": key}
                    )
                    continue
                facts[key] = _test_value(key, value, f"{path}.enterprise.{key}", errors)
        clean = {
            "name": name.strip() if isinstance(name, str) else "",
            "date": at.isoformat() if at else None,
            "enterprise": facts,
            "eligible": test.get("eligible"),
        }
        if "amount" in test:
            amount = test["amount"]
            if amount is not None and (
                isinstance(amount, bool) or not isinstance(amount, int | float | Decimal)
            ):
                errors.add(f"{path}.amount", _("expected a number or null"))
            clean["amount"] = float(amount) if isinstance(amount, Decimal) else amount
        tests.append(clean)
    return tests


def parse_policy(data, *, source_name: str = "", known_tags=None) -> PolicySpec:
    """Check a policy's structure (the YAML file's, or the API's JSON) and compile its rules
    and amount; raises PolicyFileError listing every fault with its path."""
    if not isinstance(data, dict):
        raise PolicyFileError(
            [("", _("a policy file is a mapping of keys"))], source_name=source_name
        )
    errors = _Errors()
    for key in sorted(set(data) - set(KEYS), key=str):
        errors.add(str(key), _("unknown key “%(key)s”") % {"key": key})
    code = data.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        errors.add("code", _("expected a code of letters, digits, “-”, “_” or “.”"))
    texts = {key: _text(data, key, limit, required, errors) for key, limit, required in _TEXTS}
    dates = {key: _date(data, key, required, errors) for key, required in _DATES}
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
        errors.add("valid_to", _("ends before valid_from"))
    policy_class = _choice(data, "class", PolicyClass, errors)
    mode = _choice(data, "mode", PolicyMode, errors)
    payout_limit = _payout_limit(data, errors)
    rule = None
    if "eligibility" not in data:
        errors.add("eligibility", _("this key is required"))
    else:
        try:
            rule = compile_rule(data["eligibility"], "eligibility", known_tags=known_tags)
        except PolicyFileError as error:
            errors.absorb(error)
    formula_text, unit, formula = _amount(data, errors)
    tests = _tests(data, errors)
    if errors:
        raise PolicyFileError(errors, source_name=source_name)
    return PolicySpec(
        code=code,
        policy_class=policy_class,
        mode=mode,
        payout_limit_working_days=payout_limit,
        eligibility=_json_safe(data["eligibility"]),
        amount_formula=formula_text,
        amount_unit=unit,
        tests=tests,
        rule=rule,
        formula=formula,
        **texts,
        **dates,
    )


def _yaml_line(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    return _("line %(n)s") % {"n": mark.line + 1} if mark is not None else ""


def load_policy_text(text: str, *, source_name: str = "", known_tags=None) -> PolicySpec:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error)
        raise PolicyFileError(
            [(_yaml_line(error), _("not valid YAML: %(problem)s") % {"problem": problem})],
            source_name=source_name,
        ) from None
    return parse_policy(data, source_name=source_name, known_tags=known_tags)


def load_policy_file(path, *, known_tags=None) -> PolicySpec:
    """Read and check a YAML policy file; faults name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyFileError([("", str(error))], source_name=str(path)) from None
    return load_policy_text(text, source_name=str(path), known_tags=known_tags)


def _json_safe(value):
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def spec_to_dict(spec: PolicySpec) -> dict:
    """The policy in the file's structure, JSON-safe (dates as ISO text); keys without a value
    are left out. `parse_policy(spec_to_dict(spec))` gives back an equal spec."""
    data = {
        "code": spec.code,
        "title": spec.title,
        "issuer": spec.issuer,
        "class": spec.policy_class,
        "mode": spec.mode,
        "reference": spec.reference,
        "summary": spec.summary,
        "office": spec.office,
        "phone": spec.phone,
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "published_on": spec.published_on,
        "listed_on": spec.listed_on,
        "payout_limit_working_days": spec.payout_limit_working_days,
        "eligibility": spec.eligibility,
    }
    if spec.amount_formula:
        data["amount"] = {"formula": spec.amount_formula, "unit": spec.amount_unit}
    if spec.tests:
        data["tests"] = spec.tests
    return _json_safe({key: value for key, value in data.items() if value not in (None, "")})


def spec_from_version(version) -> PolicySpec:
    """The spec a stored PolicyVersion was loaded from (its rules compiled again)."""
    data = {
        "code": version.policy.code,
        "title": version.title,
        "issuer": version.issuer,
        "class": version.policy_class,
        "mode": version.mode,
        "reference": version.reference,
        "summary": version.summary,
        "office": version.office,
        "phone": version.phone,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        "published_on": version.published_on,
        "listed_on": version.listed_on,
        "payout_limit_working_days": version.payout_limit_working_days,
        "eligibility": version.eligibility,
        "tests": version.tests or None,
    }
    if version.amount_formula:
        data["amount"] = {"formula": version.amount_formula, "unit": version.amount_unit}
    data = {key: value for key, value in data.items() if value not in (None, "")}
    # Tags were checked when the version was loaded; a tag retired since must not make a
    # stored version unreadable, so the tags it names are taken as known.
    return parse_policy(
        data,
        source_name=f"{version.policy.code} v{version.number}",
        known_tags=_tags_named(version.eligibility),
    )


def _tags_named(tree) -> set[str]:
    found: set[str] = set()
    if isinstance(tree, dict):
        if tree.get("op") == "has_tag":
            value = tree.get("value")
            found.update(
                v
                for v in ([value] if isinstance(value, str) else value or [])
                if isinstance(v, str)
            )
        for item in tree.values():
            found |= _tags_named(item)
    elif isinstance(tree, list):
        for item in tree:
            found |= _tags_named(item)
    return found
