"""Zone shares: one grouped query for every zone against counting post by post in Python."""

from datetime import date

from bench.timing import best_of, report
from onezone.core.models import User
from onezone.org import services
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Person, Post, Unit, Zone
from onezone.org.selectors import active_posts, zone_shares_by_zone

ZONES = 10
POSTS_PER_UNIT = 40


def _build() -> None:
    admin, _ = User.objects.get_or_create(username="bench-admin", is_superuser=True)
    for number in range(ZONES):
        zone = services.zone_create(actor=admin, code=f"z{number}", name=f"功能区{number}")
        committee = services.body_create(
            actor=admin,
            name=f"管委会{number}",
            kind=BodyKind.ZONE_COMMITTEE,
            zone=zone,
            headcount_quota=10_000,
        )
        for kind, front_line in [
            (UnitKind.GENERAL_OFFICE, False),
            (UnitKind.COORDINATION, False),
            (UnitKind.ENTERPRISE_SERVICE, True),
            (UnitKind.INVESTMENT_ATTRACTION, True),
        ]:
            unit = services.unit_create(
                actor=admin, body=committee, name=kind, kind=kind, front_line=front_line
            )
            people = Person.objects.bulk_create(
                Person(name="人员", staff_number=f"{number}-{kind}-{index}")
                for index in range(POSTS_PER_UNIT)
            )
            Post.objects.bulk_create(
                Post(person=person, unit=unit, title="科员", start_on=date(2025, 1, 1))
                for person in people
            )


def _naive() -> dict:
    """What one would write without thinking: per zone, walk every post and its unit."""
    result = {}
    for zone in Zone.objects.all():
        posts = front = coordination = 0
        for post in active_posts():
            unit = Unit.objects.select_related("body").get(pk=post.unit_id)
            if unit.body.zone_id != zone.pk and unit.stationed_in_id != zone.pk:
                continue
            posts += 1
            front += unit.front_line
            coordination += unit.kind in (UnitKind.GENERAL_OFFICE, UnitKind.COORDINATION)
        result[zone.pk] = (posts, front, coordination)
    return result


def run() -> None:
    _build()
    grouped = zone_shares_by_zone()
    naive = _naive()
    fast_counts = {
        k: (v.posts, v.front_line_posts, v.coordination_posts) for k, v in grouped.items()
    }
    if fast_counts != naive:
        raise SystemExit("zone shares: the two methods disagree")
    baseline = best_of(1, _naive)
    report(f"naive per-post loop, {ZONES} zones (baseline)", ZONES, baseline, baseline)
    fast = best_of(5, zone_shares_by_zone)
    report("one grouped query (zone_shares_by_zone)", ZONES, fast, baseline)
