"""Reads of Coffee Time (企业咖啡时): who may run sessions, which sessions a user sees, the
portal's upcoming sessions and a session's follow-up summary."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from onezone.core import clock
from onezone.core.access import is_administrator, is_staff_member, role_names
from onezone.core.choices import Role
from onezone.demands.choices import CoffeeIssueOutcome, CoffeeSessionState
from onezone.demands.models import CoffeeIssue, CoffeeParticipant, CoffeeSession
from onezone.enterprises.selectors import confirmed_enterprises_of
from onezone.org.access import zone_officer_zone_ids


def _is_district_organiser(user) -> bool:
    return is_administrator(user) or Role.LEADER in role_names(user)


def can_organise_coffee(user, zone=None) -> bool:
    """Administrators and leaders run any session; zone officers run their zones' sessions."""
    if _is_district_organiser(user):
        return True
    zone_id = getattr(zone, "pk", zone)
    return zone_id is not None and zone_id in zone_officer_zone_ids(user)


def can_generate_schedule(user) -> bool:
    return _is_district_organiser(user)


def may_organise_any(user) -> bool:
    return _is_district_organiser(user) or bool(zone_officer_zone_ids(user))


def _listed(sessions: QuerySet) -> QuerySet:
    return (
        sessions.select_related("host", "zone")
        .annotate(
            signed_up_count=Count(
                "participants", filter=Q(participants__signed_up_at__isnull=False), distinct=True
            ),
            invited_count=Count(
                "participants", filter=Q(participants__invited=True), distinct=True
            ),
            present_count=Count(
                "participants", filter=Q(participants__present=True), distinct=True
            ),
            issue_count=Count("issues", distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def coffee_session_list(*, actor, filters: dict | None = None) -> QuerySet[CoffeeSession]:
    """Every session for staff (the programme is public inside government), filtered by
    state, zone (id), month (a date in it) or a date range (date_from, date_to)."""
    if not is_staff_member(actor):
        return CoffeeSession.objects.none()
    filters = filters or {}
    sessions = CoffeeSession.objects.all()
    if filters.get("state"):
        sessions = sessions.filter(state=filters["state"])
    if filters.get("zone"):
        sessions = sessions.filter(zone_id=filters["zone"])
    if filters.get("date_from"):
        sessions = sessions.filter(held_on__gte=filters["date_from"])
    if filters.get("date_to"):
        sessions = sessions.filter(held_on__lte=filters["date_to"])
    return _listed(sessions)


def coffee_session_get(*, actor, pk: int) -> CoffeeSession:
    """A session for staff, or for an enterprise user when it is open to one of their
    enterprises (portal); 404 otherwise."""
    session = (
        CoffeeSession.objects.select_related("host", "zone", "created_by").filter(pk=pk).first()
    )
    if session is None:
        raise Http404
    if is_staff_member(actor):
        return session
    if not portal_sessions(actor=actor, upcoming_only=False).filter(pk=pk).exists():
        raise Http404
    return session


def _portal_filter(enterprises: list) -> Q:
    zone_ids = {enterprise.zone_id for enterprise in enterprises}
    invited = CoffeeParticipant.objects.filter(enterprise__in=enterprises).values("session_id")
    return Q(zone__isnull=True) | Q(zone_id__in=zone_ids) | Q(pk__in=invited)


def portal_sessions(*, actor, upcoming_only: bool = True) -> QuerySet[CoffeeSession]:
    """Sessions an enterprise user may join: district-wide ones, those of their enterprises'
    zones, and those they were invited to."""
    if not (actor and actor.is_authenticated):
        return CoffeeSession.objects.none()
    enterprises = list(confirmed_enterprises_of(user=actor))
    if not enterprises:
        return CoffeeSession.objects.none()
    sessions = CoffeeSession.objects.filter(_portal_filter(enterprises))
    if upcoming_only:
        sessions = sessions.filter(held_on__gte=clock.today(), state=CoffeeSessionState.PLANNED)
    return _listed(sessions).order_by("held_on", "id")


def seats_of(*, actor, sessions) -> dict[int, dict[int, CoffeeParticipant]]:
    """{session id: {enterprise id: participant}} for the actor's enterprises (one query)."""
    enterprises = confirmed_enterprises_of(user=actor)
    rows = CoffeeParticipant.objects.filter(
        session__in=[session.pk for session in sessions], enterprise__in=enterprises
    )
    seats: dict[int, dict[int, CoffeeParticipant]] = {}
    for row in rows:
        seats.setdefault(row.session_id, {})[row.enterprise_id] = row
    return seats


def participants_of(session: CoffeeSession) -> QuerySet[CoffeeParticipant]:
    return session.participants.select_related("enterprise").order_by("enterprise__name")


def issues_of(session: CoffeeSession) -> QuerySet[CoffeeIssue]:
    return session.issues.select_related("enterprise", "demand", "demand__lead_unit")


@dataclass
class CoffeeSummary:
    invited: int = 0
    signed_up: int = 0
    present: int = 0
    issues: int = 0
    solved_on_spot: int = 0
    demands: list = field(default_factory=list)
    demand_states: dict = field(default_factory=dict)


def coffee_summary(session: CoffeeSession) -> CoffeeSummary:
    """The generated part of a follow-up report: who came, what was raised, what became of
    it (each demand with its current state)."""
    counts = session.participants.aggregate(
        invited=Count("pk", filter=Q(invited=True)),
        signed_up=Count("pk", filter=Q(signed_up_at__isnull=False)),
        present=Count("pk", filter=Q(present=True)),
    )
    issues = list(issues_of(session))
    demands = [issue.demand for issue in issues if issue.demand_id]
    states: dict[str, int] = {}
    for demand in demands:
        label = str(demand.get_state_display())
        states[label] = states.get(label, 0) + 1
    return CoffeeSummary(
        **counts,
        issues=len(issues),
        solved_on_spot=sum(i.outcome == CoffeeIssueOutcome.SOLVED_ON_SPOT for i in issues),
        demands=demands,
        demand_states=states,
    )
