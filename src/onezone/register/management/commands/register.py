"""`onezone register lint [--at DATE]`: report the register's problems; exit 1 when any."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from onezone.core import clock
from onezone.register.lint import register_lint


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--at must be a date YYYY-MM-DD, not {text!r}") from error


class Command(BaseCommand):
    help = "Check the 2+2 register: gaps, overlaps, cross-list conflicts, dangling entries."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        lint = sub.add_parser("lint", help="List the register's problems on a date.")
        lint.add_argument("--at", default="", help="Date YYYY-MM-DD (default: today).")

    def handle(self, *args, action, at="", **options):
        day = _date(at) if at else clock.today()
        report = register_lint(day)
        for finding in report.findings:
            self.stdout.write(
                f"{finding.kind}\t{finding.matter_code}\t{finding.zone_code}\t{finding.message}"
            )
        if not report.is_clean:
            raise CommandError(f"Register lint on {day}: {len(report.findings)} findings.")
        self.stdout.write(f"Register lint on {day}: clean.")
