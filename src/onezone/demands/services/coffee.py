"""Coffee Time (企业咖啡时) writes: sessions, invitations, sign-up, presence, issues raised
(a demand with channel coffee_time, or solved on the spot), the follow-up report, and the
Shuangliu schedule generator. Every write is audited in its transaction."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onezone.core import clock, workcal
from onezone.core.access import require
from onezone.core.audit import audit_record, snapshot
from onezone.core.errors import ConflictError, field_error
from onezone.demands.choices import (
    Channel,
    CoffeeIssueOutcome,
    CoffeeSessionState,
    Priority,
)
from onezone.demands.models import CoffeeIssue, CoffeeParticipant, CoffeeSession
from onezone.demands.selectors.coffee import can_generate_schedule, can_organise_coffee
from onezone.enterprises.access import is_member_of
from onezone.enterprises.models import Enterprise
from onezone.org.models import Person, Post, Zone

SESSION_FIELDS = (
    "held_on",
    "host",
    "host_title",
    "theme",
    "zone",
    "state",
    "capacity",
    "follow_up_report",
)
EDITABLE_FIELDS = ("held_on", "host", "host_title", "theme", "zone", "capacity")
FRIDAY = 4
DEPUTY_HEAD = "副区长"
DISTRICT_HEAD = "区长"
DEFAULT_THEME = "企业咖啡时：政企面对面"
DEFAULT_CAPACITY = 20


def _session_state(session: CoffeeSession) -> dict:
    data = snapshot(session, SESSION_FIELDS)
    if session.pk:
        data["departments"] = sorted(session.departments.values_list("pk", flat=True))
    return data


def _locked(session: CoffeeSession) -> CoffeeSession:
    return CoffeeSession.objects.select_for_update().get(pk=session.pk)


def _require_organiser(actor, zone) -> None:
    require(can_organise_coffee(actor, zone), _("You may not organise Coffee Time here."))


def _require_open(session: CoffeeSession) -> None:
    if session.state == CoffeeSessionState.CANCELLED:
        raise ConflictError(_("This session was cancelled."))


def _checked(session: CoffeeSession) -> None:
    if not (session.theme or "").strip():
        raise field_error("theme", _("Give the session a theme."), "required")
    if not session.capacity:
        raise field_error("capacity", _("A session needs at least one place."), "min_value")
    try:
        session.full_clean(exclude=["created_by", "created_at"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


# ---- sessions -----------------------------------------------------------------------------


def coffee_session_create(
    *,
    actor,
    held_on: date,
    host: Person,
    theme: str,
    host_title: str = "",
    zone: Zone | None = None,
    departments=(),
    capacity: int = DEFAULT_CAPACITY,
) -> CoffeeSession:
    _require_organiser(actor, zone)
    session = CoffeeSession(
        held_on=held_on,
        host=host,
        host_title=(host_title or "").strip(),
        theme=(theme or "").strip(),
        zone=zone,
        capacity=capacity,
        created_by=actor,
        created_at=clock.now(),
    )
    _checked(session)
    with transaction.atomic():
        session.save()
        session.departments.set(list(departments))
        audit_record(
            actor=actor, action="coffee.session.create", obj=session, after=_session_state(session)
        )
    return session


def coffee_session_update(
    *, actor, session: CoffeeSession, departments=None, version=None, **data
) -> CoffeeSession:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("This field cannot be set."), "unknown_field")
    with transaction.atomic():
        session = _locked(session)
        _require_organiser(actor, session.zone)
        if "zone" in data:
            _require_organiser(actor, data["zone"])
        _require_open(session)
        if version is not None and int(version) != session.version:
            raise ConflictError(_("Someone changed this session meanwhile; reload it."))
        before = _session_state(session)
        for name, value in data.items():
            setattr(session, name, value.strip() if isinstance(value, str) else value)
        _checked(session)
        session.version += 1
        session.save()
        if departments is not None:
            session.departments.set(list(departments))
        audit_record(
            actor=actor,
            action="coffee.session.update",
            obj=session,
            before=before,
            after=_session_state(session),
        )
    return session


def coffee_session_cancel(*, actor, session: CoffeeSession, reason: str) -> CoffeeSession:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why the session is cancelled."), "required")
    with transaction.atomic():
        session = _locked(session)
        _require_organiser(actor, session.zone)
        if session.state != CoffeeSessionState.PLANNED:
            raise ConflictError(_("Only a planned session can be cancelled."))
        session.state = CoffeeSessionState.CANCELLED
        session.version += 1
        session.save(update_fields=["state", "version"])
        audit_record(
            actor=actor,
            action="coffee.session.cancel",
            obj=session,
            before={"state": CoffeeSessionState.PLANNED},
            after={"state": session.state, "reason": reason},
        )
    return session


# ---- enterprises --------------------------------------------------------------------------


def coffee_invite(*, actor, session: CoffeeSession, enterprises) -> int:
    """Invite enterprises; returns how many were newly invited (re-inviting is harmless)."""
    enterprises = list(enterprises)
    if not enterprises:
        raise field_error("enterprises", _("Choose at least one enterprise."), "required")
    with transaction.atomic():
        session = _locked(session)
        _require_organiser(actor, session.zone)
        if session.state != CoffeeSessionState.PLANNED:
            raise ConflictError(_("Invitations are sent before the session is held."))
        existing = {
            row.enterprise_id: row
            for row in session.participants.filter(enterprise__in=enterprises)
        }
        invited = []
        for enterprise in enterprises:
            row = existing.get(enterprise.pk)
            if row is None:
                CoffeeParticipant.objects.create(
                    session=session, enterprise=enterprise, invited=True
                )
            elif not row.invited:
                row.invited = True
                row.save(update_fields=["invited"])
            else:
                continue
            invited.append(enterprise.uscc)
        if invited:
            audit_record(
                actor=actor,
                action="coffee.invite",
                obj=session,
                after={"invited": sorted(invited)},
            )
    return len(invited)


def _require_sign_up_allowed(actor, session: CoffeeSession, enterprise: Enterprise) -> None:
    if not is_member_of(actor, enterprise):
        raise PermissionDenied(_("You do not act for this enterprise."))
    is_invited = session.participants.filter(enterprise=enterprise, invited=True).exists()
    is_open = session.zone_id is None or session.zone_id == enterprise.zone_id
    if not (is_open or is_invited):
        raise PermissionDenied(_("This session is not open to your enterprise."))


def coffee_sign_up(*, actor, session: CoffeeSession, enterprise: Enterprise) -> CoffeeParticipant:
    """An enterprise user signs their enterprise up; places are counted under a lock."""
    with transaction.atomic():
        session = _locked(session)
        _require_sign_up_allowed(actor, session, enterprise)
        if session.state != CoffeeSessionState.PLANNED or session.held_on < clock.today():
            raise ConflictError(_("Sign-up for this session has closed."))
        row = session.participants.filter(enterprise=enterprise).first()
        if row is not None and row.signed_up_at is not None:
            raise ConflictError(_("Your enterprise has already signed up for this session."))
        taken = session.participants.filter(signed_up_at__isnull=False).count()
        if taken >= session.capacity:
            raise ConflictError(_("This session is full."))
        row = row or CoffeeParticipant(session=session, enterprise=enterprise)
        row.signed_up_at, row.signed_up_by = clock.now(), actor
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise ConflictError(
                _("Your enterprise has already signed up for this session.")
            ) from None
        audit_record(
            actor=actor,
            action="coffee.sign_up",
            obj=session,
            after={"enterprise": enterprise.uscc, "places_taken": taken + 1},
        )
    return row


def coffee_presence_mark(*, actor, session: CoffeeSession, present) -> CoffeeSession:
    """Record who came (enterprises of the session's participants); the session is held."""
    present_ids = {getattr(item, "pk", item) for item in present}
    with transaction.atomic():
        session = _locked(session)
        _require_organiser(actor, session.zone)
        _require_open(session)
        if session.held_on > clock.today():
            raise ConflictError(_("Presence is recorded on or after the day of the session."))
        known = set(session.participants.values_list("enterprise_id", flat=True))
        if present_ids - known:
            raise field_error(
                "present", _("Only participants of the session can be present."), "invalid"
            )
        before = sorted(
            session.participants.filter(present=True).values_list("enterprise_id", flat=True)
        )
        session.participants.update(present=False)
        session.participants.filter(enterprise_id__in=present_ids).update(present=True)
        before_state = session.state
        if session.state == CoffeeSessionState.PLANNED:
            session.state = CoffeeSessionState.HELD
        session.version += 1
        session.save(update_fields=["state", "version"])
        audit_record(
            actor=actor,
            action="coffee.presence",
            obj=session,
            before={"present": before, "state": before_state},
            after={"present": sorted(present_ids), "state": session.state},
        )
    return session


# ---- issues and the report ----------------------------------------------------------------


def _require_held_day(session: CoffeeSession) -> None:
    _require_open(session)
    if session.held_on > clock.today():
        raise ConflictError(_("Issues are recorded on or after the day of the session."))


def _issue_demand(actor, session, enterprise, text, category, priority, title):
    from onezone.demands.services.demands import demand_create

    zone = session.zone or getattr(enterprise, "zone", None)
    if zone is None:
        raise field_error(
            "enterprise", _("Name the enterprise: the session has no zone."), "required"
        )
    return demand_create(
        actor=actor,
        channel=Channel.COFFEE_TIME,
        category=category,
        title=(title or text)[:200],
        description=text,
        priority=priority or Priority.ORDINARY,
        enterprise=enterprise,
        zone=zone,
        coffee_session=session,
    )


def coffee_issue_record(
    *,
    actor,
    session: CoffeeSession,
    text: str,
    outcome: str,
    enterprise: Enterprise | None = None,
    solution: str = "",
    category=None,
    priority: str = Priority.ORDINARY,
    title: str = "",
) -> CoffeeIssue:
    """An issue raised at the session: solved on the spot (with the solution), or opened as a
    demand with channel coffee_time (a category is then required)."""
    text, solution = (text or "").strip(), (solution or "").strip()
    if not text:
        raise field_error("text", _("Describe the issue."), "required")
    if outcome not in CoffeeIssueOutcome.values:
        raise field_error("outcome", _("Choose what became of the issue."), "invalid_choice")
    if outcome == CoffeeIssueOutcome.SOLVED_ON_SPOT and not solution:
        raise field_error("solution", _("Say how the issue was solved."), "required")
    if outcome == CoffeeIssueOutcome.DEMAND and not category:
        raise field_error("category", _("Choose a category for the demand."), "required")
    with transaction.atomic():
        session = _locked(session)
        _require_organiser(actor, session.zone)
        _require_held_day(session)
        demand = None
        if outcome == CoffeeIssueOutcome.DEMAND:
            demand = _issue_demand(actor, session, enterprise, text, category, priority, title)
        issue = CoffeeIssue.objects.create(
            session=session,
            enterprise=enterprise,
            text=text[:500],
            outcome=outcome,
            solution=solution if outcome == CoffeeIssueOutcome.SOLVED_ON_SPOT else "",
            demand=demand,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="coffee.issue",
            obj=session,
            after={
                "issue": issue.pk,
                "outcome": outcome,
                "enterprise": getattr(enterprise, "uscc", ""),
                "demand": getattr(demand, "reference", ""),
            },
        )
    return issue


def coffee_report(*, actor, session: CoffeeSession, text: str) -> CoffeeSession:
    """The follow-up report (text); the generated summary is read from the selector."""
    text = (text or "").strip()
    if not text:
        raise field_error("text", _("Write the follow-up report."), "required")
    with transaction.atomic():
        session = _locked(session)
        _require_organiser(actor, session.zone)
        if session.state not in (CoffeeSessionState.HELD, CoffeeSessionState.REPORTED):
            raise ConflictError(_("A follow-up report is written after the session is held."))
        before = {"state": session.state, "follow_up_report": session.follow_up_report}
        session.follow_up_report = text
        session.reported_at = clock.now()
        session.state = CoffeeSessionState.REPORTED
        session.version += 1
        session.save(update_fields=["follow_up_report", "reported_at", "state", "version"])
        audit_record(
            actor=actor,
            action="coffee.report",
            obj=session,
            before=before,
            after={"state": session.state, "follow_up_report": text},
        )
    return session


# ---- the Shuangliu schedule ---------------------------------------------------------------


def _leader_posts(day: date):
    return (
        Post.objects.filter(is_leader=True, start_on__lte=day, title__contains=DISTRICT_HEAD)
        .exclude(end_on__lt=day)
        .select_related("person")
        .order_by("pk")
    )


def schedule_hosts(day: date) -> tuple[list[Post], list[Post]]:
    """(deputy district heads, district heads) holding leader posts on `day`."""
    posts = list(_leader_posts(day))
    deputies = [post for post in posts if DEPUTY_HEAD in post.title]
    heads = [post for post in posts if DEPUTY_HEAD not in post.title]
    return deputies, heads


def _fridays(start: date, end: date) -> list[date]:
    first = start + timedelta(days=(FRIDAY - start.weekday()) % 7)
    return [first + timedelta(weeks=week) for week in range((end - first).days // 7 + 1)]


def coffee_fridays(start: date, end: date) -> list[tuple[date, bool]]:
    """[(working Friday, hosted by the district head)]: every working Friday; the last
    working Friday of each month is the district head's (a holiday Friday is skipped)."""
    if end < start:
        return []
    calendar = workcal.get_calendar(start.year, end.year + 1)
    # Look one month past the end so the last Friday of end's month is known.
    fridays = [day for day in _fridays(start, end + timedelta(days=31)) if calendar.is_working(day)]
    schedule = []
    for index, day in enumerate(fridays):
        if day > end:
            break
        following = fridays[index + 1] if index + 1 < len(fridays) else None
        is_last = following is None or following.month != day.month
        schedule.append((day, is_last))
    return schedule


def host_for(day: date, is_head: bool, deputies: list[Post], heads: list[Post]) -> Post:
    if is_head:
        return heads[0]
    # The rotation follows the calendar week, so re-running a period picks the same host.
    return deputies[(day.toordinal() // 7) % len(deputies)]


def _require_hosts(schedule, deputies, heads) -> None:
    if any(not is_head for _day, is_head in schedule) and not deputies:
        raise field_error(
            "host",
            _("No person holds a leader post titled deputy district head (副区长)."),
            "no_host",
        )
    if any(is_head for _day, is_head in schedule) and not heads:
        raise field_error(
            "host",
            _("No person holds a leader post titled district head (区长)."),
            "no_host",
        )


def coffee_schedule_generate(*, actor, start: date, end: date, zone=None) -> list[CoffeeSession]:
    """Plan the Shuangliu rhythm for [start, end]: every working Friday a session hosted by a
    deputy district head in rotation, the last one of each month by the district head.
    Fridays that already have a session (for the same zone) are left alone, so running it
    twice creates nothing new. Returns the sessions created."""
    require(can_generate_schedule(actor), _("Only leaders and administrators plan the schedule."))
    if start is None or end is None or end < start:
        raise field_error("end", _("The end is before the start."), "before_start")
    if (end - start).days > 400:
        raise field_error("end", _("Plan at most a year at a time."), "too_long")
    schedule = coffee_fridays(start, end)
    deputies, heads = schedule_hosts(start)
    _require_hosts(schedule, deputies, heads)
    taken = set(
        # A cancelled Friday stays cancelled: the generator never plans it again.
        CoffeeSession.objects.filter(held_on__range=(start, end), zone=zone).values_list(
            "held_on", flat=True
        )
    )
    created = []
    with transaction.atomic():
        for day, is_head in schedule:
            if day in taken:
                continue
            post = host_for(day, is_head, deputies, heads)
            session = CoffeeSession.objects.create(
                held_on=day,
                host=post.person,
                host_title=post.title,
                theme=DEFAULT_THEME,
                zone=zone,
                capacity=DEFAULT_CAPACITY,
                created_by=actor,
                created_at=clock.now(),
            )
            audit_record(
                actor=actor,
                action="coffee.session.generate",
                obj=session,
                after=_session_state(session),
            )
            created.append(session)
    return created
