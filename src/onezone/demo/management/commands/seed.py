"""`onezone seed --demo`: build the synthetic demo district (idempotent)."""

import os

from django.core.management.base import BaseCommand, CommandError

from onezone.demo.demands_demo import figure_lines
from onezone.demo.seed import DEMO_USERNAMES, DemoSeeder
from onezone.org.models import Zone
from onezone.org.selectors import zone_shares_by_zone

DEFAULT_DEMO_PASSWORD = "OneZone-Demo-2026"


class Command(BaseCommand):
    help = "Seed synthetic demo data by driving the real services (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Seed the demo district.")

    def handle(self, *args, demo: bool, **options):
        if not demo:
            raise CommandError("Say what to seed: --demo.")
        password = os.environ.get("ONEZONE_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        seeder = DemoSeeder(password=password)
        report = seeder.run()
        created = ", ".join(f"{count} {kind}" for kind, count in sorted(report.created.items()))
        self.stdout.write(f"Demo data (synthetic) seeded: {created or 'nothing new'}.")
        shares = zone_shares_by_zone()
        for zone in Zone.objects.all():
            zone_figures = shares.get(zone.pk)
            if zone_figures and zone_figures.posts:
                self.stdout.write(
                    f"  {zone.code}: {zone_figures.posts} posts, front-line share "
                    f"{zone_figures.front_line_share:.1%}, coordination share "
                    f"{zone_figures.coordination_share:.1%}"
                )
        for line in figure_lines(getattr(seeder, "demand_figures", {})):
            self.stdout.write(line)
        policies = getattr(seeder, "policy_outcomes", {})
        if policies:
            self.stdout.write(
                "Policies (measured): " + ", ".join(f"{k} {v}" for k, v in policies.items())
            )
        self.stdout.write("Demo logins: " + " ".join(DEMO_USERNAMES))
