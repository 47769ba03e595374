"""`onezone audit verify`: recompute the audit hash chain; exit non-zero when it is broken."""

from django.core.management.base import BaseCommand, CommandError

from onezone.core.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every event and the head record.")

    def handle(self, *args, action, **options):
        result = audit_verify()
        if not result.is_intact:
            raise CommandError(
                f"Audit trail BROKEN at event #{result.first_bad_seq}: {result.problem} "
                f"({result.checked} events before it are intact)."
            )
        self.stdout.write(f"Audit trail intact: {result.checked} events verified.")
