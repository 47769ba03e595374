"""Policy files: YAML and JSON structure, every fault with its path, round trips."""

import datetime
import textwrap

import pytest

from onezone.policies.engine.errors import PolicyFileError
from onezone.policies.engine.spec import (
    load_policy_file,
    load_policy_text,
    parse_policy,
    spec_from_version,
    spec_to_dict,
)

DEMO = textwrap.dedent(
    """\
    code: DEMO-IC-RD-2025
    title: 集成电路企业研发投入补助
    issuer: 区经济和信息化局
    class: subsidy
    mode: fast_application
    reference: 双经信发〔2025〕1号
    office: 成都芯谷企业服务中心
    phone: 028-00000000
    valid_from: 2025-01-01
    valid_to: 2026-12-31
    payout_limit_working_days: 60
    eligibility:
      all:
        - {field: industry_code, op: industry_in, value: ["3973", "652"]}
        - {field: rd_ratio, op: ">=", value: 0.03}
        - any:
            - {field: size_class, op: in, value: [small, micro]}
            - {field: age_years, op: "<=", value: 3}
    amount:
      formula: "min(rd_expense_10k_cny * 0.1, 200)"
      unit: 10k_cny
    tests:
      - name: a young IC design firm qualifies
        date: 2025-06-30
        enterprise: {industry_code: "6520", employees: 50, revenue_10k_cny: 3000,
                     rd_expense_10k_cny: 300, registered_on: 2023-05-01}
        eligible: true
        amount: 30
    """
)


def demo_data(**changes):
    import yaml

    data = yaml.safe_load(DEMO)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def faults(data):
    with pytest.raises(PolicyFileError) as caught:
        parse_policy(data)
    return caught.value.errors


def test_issue_example_loads(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(DEMO, encoding="utf-8")
    spec = load_policy_file(path)
    assert (spec.code, spec.policy_class, spec.mode) == (
        "DEMO-IC-RD-2025",
        "subsidy",
        "fast_application",
    )
    assert spec.valid_from == datetime.date(2025, 1, 1)
    assert spec.valid_to == datetime.date(2026, 12, 31)
    assert spec.payout_limit_working_days == 60
    assert spec.amount_formula == "min(rd_expense_10k_cny * 0.1, 200)"
    assert spec.amount_unit == "10k_cny"
    assert len(spec.rule.conditions) == 4
    assert spec.formula.fields == {"rd_expense_10k_cny"}
    assert spec.fields_read == [
        "age_years",
        "industry_code",
        "rd_expense_10k_cny",
        "rd_ratio",
        "size_class",
    ]
    assert spec.tests[0]["enterprise"]["registered_on"] == "2023-05-01"
    assert spec.tests[0]["date"] == "2025-06-30"
    assert spec.is_valid_on(datetime.date(2026, 12, 31))
    assert not spec.is_valid_on(datetime.date(2027, 1, 1))
    assert not spec.is_valid_on(datetime.date(2024, 12, 31))


def test_round_trip_through_json_structure():
    import json

    spec = load_policy_text(DEMO)
    data = spec_to_dict(spec)
    assert json.loads(json.dumps(data)) == data
    assert data["valid_from"] == "2025-01-01"
    assert data["amount"] == {"formula": "min(rd_expense_10k_cny * 0.1, 200)", "unit": "10k_cny"}
    assert parse_policy(data) == spec


def test_minimal_policy_without_amount_or_tests():
    spec = parse_policy(
        {
            "code": "T-1",
            "title": "t",
            "issuer": "i",
            "class": "qualification",
            "mode": "application",
            "valid_from": "2025-01-01",
            "eligibility": {"field": "tags", "op": "has_tag", "value": "high_tech"},
        }
    )
    assert (spec.amount_formula, spec.amount_unit, spec.formula, spec.tests) == ("", "", None, [])
    assert spec.valid_to is None
    assert spec_to_dict(spec)["eligibility"] == {
        "field": "tags",
        "op": "has_tag",
        "value": "high_tech",
    }


def test_every_fault_is_reported_with_its_path():
    data = demo_data(
        code="bad code!",
        title=None,
        colour="red",
        valid_to="2024-01-01",
        payout_limit_working_days=-3,
        amount={"formula": "pow(2)", "unit": "usd", "note": 1},
        **{"class": "gift", "mode": "magic"},
    )
    data["eligibility"]["all"][2]["any"][0]["op"] = "~="
    data["tests"][0]["enterprise"]["profit"] = 3
    data["tests"][0]["eligible"] = "yes"
    paths = {path for path, _message in faults(data)}
    assert paths == {
        "code",
        "title",
        "colour",
        "valid_to",
        "payout_limit_working_days",
        "class",
        "mode",
        "eligibility.all[2].any[0].op",
        "amount.note",
        "amount.unit",
        "amount.formula",
        "tests[0].enterprise.profit",
        "tests[0].eligible",
    }


def test_error_text_names_file_and_paths(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(DEMO.replace('op: ">="', 'op: "~="'), encoding="utf-8")
    with pytest.raises(PolicyFileError) as caught:
        load_policy_file(path)
    assert str(caught.value) == f"{path}: eligibility.all[1].op: unknown operator “~=”"


def test_yaml_errors_give_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: X\ntitle: [unclosed\nissuer: y\n", encoding="utf-8")
    with pytest.raises(PolicyFileError) as caught:
        load_policy_file(path)
    ((where, message),) = caught.value.errors
    assert where.startswith("line ")
    assert "not valid YAML" in message


@pytest.mark.parametrize("data", [None, [], "text", 3])
def test_a_policy_is_a_mapping(data):
    assert faults(data)[0][1] == "a policy file is a mapping of keys"


def test_missing_file_is_a_policy_file_error(tmp_path):
    with pytest.raises(PolicyFileError):
        load_policy_file(tmp_path / "missing.yaml")


def test_bad_tests_are_refused():
    data = demo_data(
        tests=[{"name": "", "date": "x", "enterprise": [], "eligible": True, "amount": "3"}, 5]
    )
    paths = {path for path, _message in faults(data)}
    assert paths == {
        "tests[0].name",
        "tests[0].date",
        "tests[0].enterprise",
        "tests[0].amount",
        "tests[1]",
    }
    wrong_kinds = demo_data(
        tests=[
            {
                "name": "n",
                "date": "2025-01-01",
                "eligible": True,
                "enterprise": {"employees": "many", "registered_on": "soon", "tags": [1]},
            }
        ]
    )
    assert {path for path, _m in faults(wrong_kinds)} == {
        "tests[0].enterprise.employees",
        "tests[0].enterprise.registered_on",
        "tests[0].enterprise.tags",
    }


@pytest.mark.django_db
def test_spec_from_a_stored_version():
    from django.utils import timezone

    from onezone.policies.models import Policy, PolicyVersion

    spec = load_policy_text(DEMO)
    data = spec_to_dict(spec)
    policy = Policy.objects.create(code=spec.code, created_at=timezone.now())
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        title=spec.title,
        issuer=spec.issuer,
        policy_class=spec.policy_class,
        mode=spec.mode,
        reference=spec.reference,
        office=spec.office,
        phone=spec.phone,
        valid_from=spec.valid_from,
        valid_to=spec.valid_to,
        payout_limit_working_days=spec.payout_limit_working_days,
        eligibility=data["eligibility"],
        amount_formula=spec.amount_formula,
        amount_unit=spec.amount_unit,
        fields_read=spec.fields_read,
        tests=data["tests"],
        created_at=timezone.now(),
    )
    assert spec_from_version(PolicyVersion.objects.get(pk=version.pk)) == spec
