"""`onezone policies load FILE… | test FILE… | match --uscc CODE [--date YYYY-MM-DD] --json`."""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from onezone.core import clock
from onezone.enterprises.models import Enterprise
from onezone.policies.engine.errors import PolicyFileError
from onezone.policies.engine.spec import load_policy_file
from onezone.policies.engine.testing import run_tests
from onezone.policies.services.matching import match_enterprise
from onezone.policies.services.policies import (
    LISTING_LIMIT_WORKING_DAYS,
    listing_delay_working_days,
    policy_load,
)


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: expected YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = "Load policy files, run their tests, or match one enterprise."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="Check and store policy files (a new version when a code exists); all or nothing.",
        )
        load.add_argument("files", nargs="+")
        test = sub.add_parser("test", help="Run the files' own tests; store nothing.")
        test.add_argument("files", nargs="+")
        match = sub.add_parser("match", help="Every policy in force against one enterprise.")
        match.add_argument("--uscc", required=True)
        match.add_argument("--date", dest="at", default="")
        match.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    # ---- load and test -------------------------------------------------------------------------

    def _parse_all(self, files) -> list:
        """Every file parsed, or every fault of every file reported and nothing done."""
        parsed, faults = [], []
        for name in files:
            try:
                parsed.append((load_policy_file(name), Path(name).read_text(encoding="utf-8")))
            except PolicyFileError as error:
                faults.append(str(error if error.source_name else error.with_source(name)))
        if faults:
            raise CommandError("\n".join(faults))
        return parsed

    def _load(self, files, **options):
        parsed = self._parse_all(files)
        with transaction.atomic():
            versions = [policy_load(actor=None, spec=spec, source=text) for spec, text in parsed]
        for (spec, _text), version in zip(parsed, versions, strict=True):
            self.stdout.write(f"{spec.code}: version {version.number}")
            delay = listing_delay_working_days(version)
            if delay is not None and delay > LISTING_LIMIT_WORKING_DAYS:
                self.stderr.write(
                    f"{spec.code}: warning: listed {delay} working days after publication "
                    f"(more than {LISTING_LIMIT_WORKING_DAYS})"
                )

    def _test(self, files, **options):
        failed = 0
        for spec, _text in self._parse_all(files):
            for outcome in run_tests(spec):
                if outcome.passed:
                    self.stdout.write(f"PASS {spec.code}: {outcome.name}")
                    continue
                failed += 1
                self.stdout.write(f"FAIL {spec.code}: {outcome.name}")
                self.stdout.write(f"  expected: {json.dumps(outcome.expected, ensure_ascii=False)}")
                self.stdout.write(f"  actual:   {json.dumps(outcome.actual, ensure_ascii=False)}")
                for detail in outcome.details:
                    self.stdout.write(f"    {detail}")
        if failed:
            raise CommandError(f"{failed} policy test(s) failed.")

    # ---- match ---------------------------------------------------------------------------------

    def _match(self, uscc, at, as_json, **options):
        enterprise = (
            Enterprise.objects.select_related("zone").filter(uscc=uscc.strip().upper()).first()
        )
        if enterprise is None:
            raise CommandError(f"No enterprise with the code {uscc}.")
        entries = match_enterprise(enterprise, _parse_day(at) if at else clock.today())
        if as_json:
            self.stdout.write(json.dumps(entries, ensure_ascii=False, indent=2))
            return
        for entry in entries:
            verdict = "eligible" if entry["eligible"] else "not eligible"
            amount = f" {entry['amount']} {entry['unit']}" if entry["amount"] is not None else ""
            self.stdout.write(
                f"{entry['code']} v{entry['version']} {entry['title']}: {verdict}{amount}"
            )
            for condition in entry["conditions"]:
                mark = {True: "✓", False: "✗", None: "?"}[condition["passed"]]
                self.stdout.write(f"  {mark} {condition['text']}")
            for gap in entry["gaps"]:
                self.stdout.write(f"  → {gap['message']}")
