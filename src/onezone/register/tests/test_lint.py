"""Register lint: each finding seeded and detected; the command's exit status."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from onezone.org import services as org
from onezone.register.choices import RegisterList
from onezone.register.lint import register_lint
from onezone.register.models import ListEntry

AT = date(2025, 6, 1)


def kinds(report) -> list[tuple[str, str, str]]:
    return [(f.kind, f.matter_code, f.zone_code) for f in report.findings]


def test_it_is_clean_when_every_matter_has_one_holder(covered):
    assert kinds(register_lint(AT)) == []


def test_it_finds_a_gap(world, covered):
    ListEntry.objects.filter(matter=covered.matter, zone=world.zone_b).delete()
    assert kinds(register_lint(AT)) == [("gap", "GZ001", "aviation")]


def test_it_finds_an_overlap(world, covered):
    # Services refuse overlaps; data from elsewhere (raw SQL, old imports) can still hold one.
    existing = ListEntry.objects.get(matter=covered.matter, zone=world.zone_a)
    existing.pk = None
    existing.valid_from = date(2025, 5, 1)
    existing.save()
    assert kinds(register_lint(AT)) == [("overlap", "GZ001", "chip_valley")]


def test_it_finds_a_cross_list_conflict(world, covered, entry):
    entry(covered.matter, covered.hq, world.zone_b, list_name=RegisterList.DUTY)
    assert kinds(register_lint(AT)) == [("conflict", "GZ001", "aviation")]


def test_it_finds_a_holder_unit_with_nobody_in_post(world, covered, entry):
    entry(covered.matter, covered.park_b, None, list_name=RegisterList.DUTY)
    for post in covered.park_b.posts.all():
        org.post_end(actor=world.admin, post=post, end_on=date(2025, 5, 31))
    findings = kinds(register_lint(AT))
    assert ("dangling", "GZ001", "aviation") in findings
    assert ("dangling", "GZ001", "*") in findings


def test_it_finds_a_commissioner_without_a_post(world, covered, post_factory, unit_factory):
    other = unit_factory(world.functional, name="别的科室")
    post_factory(other)  # keep a unit staffed while the commissioner leaves
    for post in covered.commissioner_b.posts.all():
        org.post_end(actor=world.admin, post=post, end_on=date(2025, 5, 31))
    post_factory(covered.park_b)
    assert kinds(register_lint(AT)) == [("dangling", "GZ001", "aviation")]
    assert covered.commissioner_b.name in register_lint(AT).findings[0].message


def test_it_exits_non_zero_on_findings(world, covered, capsys):
    call_command("register", "lint", "--at", "2025-06-01")
    assert "clean" in capsys.readouterr().out
    ListEntry.objects.filter(matter=covered.other).delete()
    with pytest.raises(CommandError, match="2 findings"):
        call_command("register", "lint", "--at", "2025-06-01")
    assert "gap\tSW001\taviation" in capsys.readouterr().out


def test_it_rejects_a_bad_date(covered):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("register", "lint", "--at", "June")


def test_it_finds_gaps_before_the_register_starts(world, covered):
    report = register_lint(date(2024, 12, 31))
    assert {f.kind for f in report.findings} == {"gap"}
    assert len(report.findings) == 4
