"""The demo policy files: each loads, its own tests pass, and a wrong expectation fails
`onezone policies test` with expected versus actual."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from onezone.policies.choices import PolicyClass, PolicyMode
from onezone.policies.data import demo_policy_files
from onezone.policies.engine.spec import load_policy_file
from onezone.policies.engine.testing import run_tests
from onezone.policies.models import Policy, PolicyVersion
from onezone.policies.services.policies import policy_load

FILES = demo_policy_files()


def test_it_ships_about_thirty_policies_across_classes_and_modes():
    specs = [load_policy_file(path) for path in FILES]
    codes = {spec.code for spec in specs}
    assert len(codes) >= 28
    assert {spec.policy_class for spec in specs} == set(PolicyClass.values)
    assert {spec.mode for spec in specs} == set(PolicyMode.values)
    # A couple of policies have a second version, written as <code>.v2.yaml.
    versions = Counter(spec.code for spec in specs)
    assert sorted(code for code, number in versions.items() if number == 2) == [
        "DEMO-IC-RD-2025",
        "DEMO-LAND-PLANT-2025",
        "DEMO-SRDI-2025",
    ]
    assert all("演示" in spec.issuer or "演示" in spec.title for spec in specs)


def test_it_orders_first_versions_before_second_ones():
    names = [path.name for path in FILES]
    assert names.index("DEMO-IC-RD-2025.yaml") < names.index("DEMO-IC-RD-2025.v2.yaml")


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_it_passes_each_files_own_tests(path):
    spec = load_policy_file(path)
    outcomes = run_tests(spec)
    assert 2 <= len(outcomes) <= 4
    failures = [(o.name, o.expected, o.actual, o.details) for o in outcomes if not o.passed]
    assert failures == []


@pytest.mark.django_db
def test_it_loads_every_demo_file(world):
    for path in FILES:
        policy_load(actor=world.admin, spec=load_policy_file(path), source=path.read_text())
    assert Policy.objects.count() == len({load_policy_file(path).code for path in FILES})
    assert PolicyVersion.objects.count() == len(FILES)
    second = PolicyVersion.objects.get(policy__code="DEMO-IC-RD-2025", number=2)
    assert second.valid_from.isoformat() == "2026-01-01"
    assert second.amount_formula == "min(rd_expense_10k_cny * 0.12, 300)"


def test_it_passes_the_command_on_every_demo_file():
    out = StringIO()
    call_command("policies", "test", *[str(path) for path in FILES], stdout=out)
    assert "DEMO-IC-RD-2025" in out.getvalue()


def test_it_fails_the_command_with_a_diff_on_a_wrong_expectation(tmp_path):
    source = next(path for path in FILES if path.name == "DEMO-IC-RD-2025.yaml")
    text = source.read_text(encoding="utf-8")
    assert "    amount: 30\n" in text
    wrong = tmp_path / "DEMO-IC-RD-2025.yaml"
    wrong.write_text(text.replace("    amount: 30\n", "    amount: 31\n", 1), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises((SystemExit, CommandError)) as failure:
        call_command("policies", "test", str(wrong), stdout=out, stderr=err)
    if isinstance(failure.value, SystemExit):
        assert failure.value.code not in (0, None)
    report = out.getvalue() + err.getvalue() + str(failure.value)
    assert "a young IC design firm qualifies" in report
    assert "31" in report and "30" in report


def test_it_seeds_a_demo_year_of_policies(policy_world):
    from onezone.demo.policies_demo import seed_policies
    from onezone.demo.seed import SeedReport
    from onezone.policies.choices import ApplicationState, PackageKind
    from onezone.policies.models import PolicyApplication, PolicyPackage, PolicySubscription

    class Seeder:
        admin = policy_world.admin
        report = SeedReport()

    figures = seed_policies(Seeder())

    assert figures["policies"] == len({load_policy_file(path).code for path in FILES})
    assert figures["versions"] == len(FILES)
    assert figures["eligible_pairs"] > 0
    mine = PolicyApplication.objects.filter(enterprise=policy_world.ic, is_auto_grant=False)
    assert sorted(mine.values_list("state", flat=True)) == sorted(
        [ApplicationState.PAID, ApplicationState.APPROVED, ApplicationState.SUBMITTED]
    )
    paid = mine.get(state=ApplicationState.PAID)
    assert paid.paid_at <= paid.payout_due_at
    bespoke = PolicyPackage.objects.get(kind=PackageKind.BESPOKE)
    assert bespoke.enterprise == policy_world.ic
    assert PolicyPackage.objects.filter(kind=PackageKind.BUNDLE).count() == 1
    assert PolicySubscription.objects.filter(enterprise=policy_world.ic).exists()
    assert figures["applications_by_state"][ApplicationState.PAID] >= 1
    # Grants of the year's runs are paid within their limit; only the last run's are pending.
    grants = PolicyApplication.objects.filter(is_auto_grant=True)
    assert all(
        grant.paid_at <= grant.payout_due_at for grant in grants.filter(state=ApplicationState.PAID)
    )
    assert all(
        grant.submitted_at.date() >= date(2026, 11, 26)
        for grant in grants.filter(state=ApplicationState.GRANTED)
    )
    # Seeding twice adds nothing.
    assert seed_policies(Seeder()) == {}
