"""`onezone policies load | test | match`: storing files, running their tests, matching one
enterprise; malformed files are refused with the path of the fault and store nothing."""

import json
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from onezone.policies.models import Policy, PolicyVersion
from onezone.policies.tests.conftest import IC_RD_POLICY, policy_data


def _write(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("policies", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_stores_a_file_and_a_reload_stores_nothing(policy_world, tmp_path):
    path = _write(tmp_path, "ic.yaml", IC_RD_POLICY)

    out, _err = _run("load", path)
    again, _err = _run("load", path)

    assert out == "DEMO-IC-RD-2025: version 1\n"
    assert again == "DEMO-IC-RD-2025: version 1\n"
    version = PolicyVersion.objects.get()
    assert version.created_by is None
    assert "集成电路企业研发投入补助" in version.source


def test_load_makes_a_new_version_of_a_changed_file(policy_world, tmp_path):
    _run("load", _write(tmp_path, "ic.yaml", IC_RD_POLICY))
    out, _err = _run("load", _write(tmp_path, "ic2.yaml", policy_data(IC_RD_POLICY, summary="改")))
    assert out == "DEMO-IC-RD-2025: version 2\n"


def test_load_warns_of_a_late_listing(policy_world, tmp_path):
    data = policy_data(IC_RD_POLICY, published_on="2025-09-26", listed_on="2025-10-14")
    _out, err = _run("load", _write(tmp_path, "late.yaml", data))
    assert "8 working days" in err


def test_a_malformed_file_is_refused_with_the_path_of_the_fault(policy_world, tmp_path):
    good = _write(tmp_path, "good.yaml", IC_RD_POLICY)
    eligibility = {"all": [{"field": "rd_ratio", "op": "~=", "value": 0.03}]}
    bad = _write(
        tmp_path, "bad.yaml", policy_data(IC_RD_POLICY, code="BAD", eligibility=eligibility)
    )

    with pytest.raises(CommandError) as error:
        _run("load", good, bad)

    message = str(error.value)
    assert "bad.yaml" in message
    assert "eligibility.all[0].op" in message
    assert "good.yaml" not in message
    assert not Policy.objects.exists()  # all or nothing


def test_broken_yaml_is_refused_with_its_line(policy_world, tmp_path):
    path = _write(tmp_path, "broken.yaml", "code: X\ntitle: [unclosed\nissuer: y\n")
    with pytest.raises(CommandError) as error:
        _run("load", path)
    assert "broken.yaml" in str(error.value)
    assert "line" in str(error.value)
    assert not Policy.objects.exists()


def test_test_passes_and_stores_nothing(policy_world, tmp_path):
    out, _err = _run("test", _write(tmp_path, "ic.yaml", IC_RD_POLICY))
    assert out == "PASS DEMO-IC-RD-2025: a young IC design firm qualifies\n"
    assert not Policy.objects.exists()


def test_test_fails_with_expected_and_actual(policy_world, tmp_path):
    wrong = policy_data(IC_RD_POLICY, tests=[{**IC_RD_POLICY["tests"][0], "amount": 31}])
    path = _write(tmp_path, "wrong.yaml", wrong)
    out = StringIO()

    with pytest.raises(CommandError) as error:
        call_command("policies", "test", path, stdout=out)

    assert "1 policy test(s) failed" in str(error.value)
    lines = out.getvalue().splitlines()
    assert lines[0] == "FAIL DEMO-IC-RD-2025: a young IC design firm qualifies"
    assert lines[1] == '  expected: {"eligible": true, "amount": "31.00"}'
    assert lines[2] == '  actual:   {"eligible": true, "amount": "30.00"}'
    assert not Policy.objects.exists()


def test_match_prints_the_entries_as_json(policy_world, tmp_path):
    _run("load", _write(tmp_path, "ic.yaml", IC_RD_POLICY))

    out, _err = _run("match", "--uscc", policy_world.ic.uscc.lower(), "--json")
    outside, _err = _run("match", "--uscc", policy_world.ic.uscc, "--date", "2027-01-01", "--json")

    entries = json.loads(out)
    assert [(e["code"], e["eligible"], e["amount"], e["unit"]) for e in entries] == [
        ("DEMO-IC-RD-2025", True, 30.0, "10k_cny")
    ]
    assert entries[0]["conditions"][1] == {
        "field": "rd_ratio",
        "op": ">=",
        "value": 0.03,
        "actual": 0.1,
        "passed": True,
        "text": "研发投入占比 10%，要求 ≥ 3%",
    }
    assert entries[0]["gaps"] == []
    assert json.loads(outside) == []


def test_match_refuses_an_unknown_code_and_a_bad_date(policy_world):
    with pytest.raises(CommandError):
        _run("match", "--uscc", "91510116MA00000000", "--json")
    with pytest.raises(CommandError):
        _run("match", "--uscc", policy_world.ic.uscc, "--date", "2026-13-01")
