"""The demo year of applications: driven through the services, reproducible, idempotent, and
measured by the outcome selector."""

from datetime import date

from onezone.approvals.models import Application, CaseEvent, Document, Rating
from onezone.approvals.selectors.outcomes import journey_outcomes
from onezone.approvals.tests.conftest import approvals  # noqa: F401
from onezone.approvals.tests.test_outcomes import routed  # noqa: F401
from onezone.core.models import AuditEvent
from onezone.demo.approvals_demo import YEAR_FROM, YEAR_TO, seed_approvals
from onezone.demo.seed import SeedReport

PASSWORD = "Demo-Test-Pass-2026"


class Seeder:
    def __init__(self, admin, scale=0.05):
        self.admin, self.scale, self.password, self.report = admin, scale, PASSWORD, SeedReport()


def test_it_drives_a_year_of_applications_through_the_services(routed):  # noqa: F811
    seeder = Seeder(routed.world.admin)
    figures = seed_approvals(seeder)
    applications = Application.objects.filter(journey__code="business_startup")
    assert applications.count() == 4
    assert seeder.report.created["applications"] == 4
    assert all(
        YEAR_FROM <= a.submitted_at.date() <= YEAR_TO for a in applications if a.submitted_at
    )
    completed = applications.filter(state="completed").count()
    assert figures["business_startup"]["count"] == completed > 0
    measured = journey_outcomes(journey="business_startup", date_from=YEAR_FROM, date_to=YEAR_TO)
    assert measured == figures["business_startup"]
    # Every action is on the timeline and in the audit trail, with its notice.
    actions = CaseEvent.objects.exclude(action="comment").count()
    assert actions == seeder.report.created["item case actions"]
    assert AuditEvent.objects.filter(action__startswith="item_case.").count() >= actions
    assert Document.objects.filter(kind="acceptance_notice").exists()
    assert Rating.objects.count() == seeder.report.created.get("ratings", 0)
    # Founders act in both zones: both routed units got cases.
    assert set(applications.values_list("zone__code", flat=True)) == {"chip_valley", "aviation"}


def test_it_reproduces_the_same_year_and_runs_once(routed):  # noqa: F811
    first = seed_approvals(Seeder(routed.world.admin))
    assert seed_approvals(Seeder(routed.world.admin)) == {}
    assert Application.objects.count() == 4
    figures = first["business_startup"]
    assert figures["median_working_days"] is not None
    assert figures["median_working_days"] <= 1.0
    assert date(2026, 11, 26) == YEAR_TO
