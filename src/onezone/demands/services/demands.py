"""Demands: record one from any channel, act on it along the transition table, mark it invalid
or a duplicate, attach files; the visit-issue handler the enterprises app calls.

Every write runs in one transaction with its timeline row (DemandEvent) and its audit row.
"""

import logging
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import require, require_visible
from onezone.core.audit import audit_record
from onezone.core.errors import ConflictError, field_error
from onezone.demands import access
from onezone.demands.choices import TRANSITIONS, Channel, DemandAction, DemandState, Priority
from onezone.demands.data.categories import GENERAL_CATEGORY
from onezone.demands.models import Demand, DemandAttachment, DemandCategory
from onezone.demands.services import actions
from onezone.demands.services.actions import (
    HANDLERS,
    event_add,
    routed_unit,
    snapshot,
    start_stage,
    stop_clocks,
    zone_service_unit,
)
from onezone.demands.services.sweep import demands_sweep
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import Enterprise
from onezone.org.models import Unit, Zone
from onezone.org.selectors import active_posts

__all__ = [
    "demand_act",
    "demand_attach",
    "demand_create",
    "demand_mark_duplicate",
    "demand_mark_invalid",
    "demand_suggest_unit",
    "demands_sweep",
    "visit_issue_open_demand",
]

# Channels the public side (enterprise users, founders, API clients) may use themselves.
logger = logging.getLogger(__name__)

PUBLIC_CHANNELS = {Channel.ONLINE, Channel.OPEN311, Channel.HAPPINESS_CENTER}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# Accepted types and their first bytes: an upload must be what its name says.
ATTACHMENT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
}
REFERENCE_ATTEMPTS = 5


# ---- resolving input ----------------------------------------------------------------------


def _category(value, errors: dict) -> DemandCategory | None:
    if isinstance(value, DemandCategory):
        return value
    category = (
        DemandCategory.objects.select_related("matter").filter(code=value, is_active=True).first()
        if value
        else None
    )
    if category is None:
        errors["category"] = ValidationError(_("Choose a demand category."), code="invalid")
    return category


def _enterprise(value, errors: dict) -> Enterprise | None:
    if value in (None, ""):
        return None
    if isinstance(value, Enterprise):
        return value
    enterprise = Enterprise.objects.filter(uscc=str(value).strip().upper()).first()
    if enterprise is None:
        errors["enterprise"] = ValidationError(
            _("No enterprise has this unified social credit code."), code="unknown"
        )
    return enterprise


def _zone(value, enterprise, errors: dict) -> Zone | None:
    if isinstance(value, Zone):
        return value
    if value in (None, ""):
        if enterprise is not None:
            return enterprise.zone
        if "enterprise" in errors:
            return None
        errors["zone"] = ValidationError(
            _("Give the zone when the demand has no enterprise."), code="required"
        )
        return None
    text = str(value).strip()
    zone = Zone.objects.filter(pk=int(text)).first() if text.isdigit() else None
    zone = zone or Zone.objects.filter(code=text).first()
    if zone is None:
        errors["zone"] = ValidationError(_("No such zone."), code="invalid")
    return zone


def _choice(value, choices, name: str, errors: dict) -> str:
    if value not in choices.values:
        errors[name] = ValidationError(_("Choose one of the listed values."), code="invalid_choice")
    return value


def _required_text(value, name: str, limit: int, errors: dict) -> str:
    text = (value or "").strip()
    if not text:
        errors[name] = ValidationError(_("This field is required."), code="required")
    elif len(text) > limit:
        errors[name] = ValidationError(_("This text is too long."), code="max_length")
    return text


def _receiving_unit(actor, zone) -> Unit | None:
    """首接负责: a staff recorder's unit (their first post); otherwise the zone's enterprise
    service department, which coordinates what enterprises raise themselves."""
    if access.can_record(actor):
        post = (
            active_posts()
            .filter(person__user=actor)
            .select_related("unit__body")
            .order_by("start_on", "pk")
            .first()
        )
        if post is not None:
            return post.unit
    return zone_service_unit(zone) or actions.fallback_unit(zone)


def _check_public_side(actor, enterprise, channel, errors: dict) -> None:
    """What enterprise users and founders may raise: their own enterprise's demands, online."""
    if access.can_record(actor):
        return
    if channel not in PUBLIC_CHANNELS:
        raise PermissionDenied(_("Only staff record demands on this channel."))
    if (
        enterprise is not None
        and not enterprise.memberships.filter(
            user=actor, status=MembershipStatus.CONFIRMED
        ).exists()
    ):
        raise PermissionDenied(_("You may raise demands only for your own enterprise."))


def _next_reference(day) -> str:
    prefix = f"SQ{day:%Y%m%d}-"
    last = (
        Demand.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


# ---- create -------------------------------------------------------------------------------


def demand_suggest_unit(*, category, zone, at=None) -> Unit | None:
    """The unit dispatch would choose without a named lead unit."""
    if isinstance(category, str):
        category = DemandCategory.objects.select_related("matter").get(code=category)
    day = at.date() if hasattr(at, "date") and callable(at.date) else at
    return routed_unit(category, zone, day)


def demand_create(
    *,
    actor,
    channel,
    category,
    title,
    description,
    priority,
    enterprise=None,
    zone=None,
    caller_name="",
    caller_phone="",
    address="",
    is_legacy=False,
    is_public=False,
    coffee_session=None,
    happiness_service=None,
    open311_token="",
) -> Demand:
    """Accept a demand: reference, receiving unit (首接负责), suggested unit, dispatch clock."""
    require(bool(actor and actor.is_authenticated), _("Sign in to raise a demand."))
    errors: dict = {}
    channel = _choice(channel, Channel, "channel", errors)
    priority = _choice(priority, Priority, "priority", errors)
    category = _category(category, errors)
    enterprise = _enterprise(enterprise, errors)
    zone = _zone(zone, enterprise, errors)
    title = _required_text(title, "title", 200, errors)
    description = _required_text(description, "description", 5000, errors)
    caller_phone = (caller_phone or "").strip()
    if len(caller_phone) > 20:
        errors["caller_phone"] = ValidationError(_("This text is too long."), code="max_length")
    if errors:
        raise ValidationError(errors)
    _check_public_side(actor, enterprise, channel, errors)
    receiving = _receiving_unit(actor, zone)
    if receiving is None:
        raise field_error("zone", _("This zone has no enterprise-service unit."), "no_unit")
    now = clock.now()
    demand = Demand(
        enterprise=enterprise,
        zone=zone,
        caller_name=(caller_name or "").strip()[:50],
        caller_phone=caller_phone,
        address=(address or "").strip()[:300],
        channel=channel,
        category=category,
        title=title,
        description=description,
        priority=priority,
        is_legacy=bool(is_legacy),
        is_public=bool(is_public),
        coffee_session=coffee_session,
        happiness_service=happiness_service,
        open311_token=(open311_token or "")[:40],
        receiving_unit=receiving,
        suggested_unit=routed_unit(category, zone, clock.today()),
        accepted_at=now,
        created_by=actor,
    )
    with transaction.atomic():
        _save_with_reference(demand)
        start_stage(demand, actor, "dispatch", now)
        demand.save(update_fields=["clock", "due_at"])
        event_add(
            demand,
            actor=actor,
            action="accept",
            from_state="",
            to_state=DemandState.ACCEPTED,
            note=str(receiving),
            data={"channel": channel, "receiving_unit": receiving.pk},
            at=now,
        )
        audit_record(
            actor=actor,
            action="demand.create",
            obj=demand,
            after={
                **snapshot(demand),
                "reference": demand.reference,
                "channel": channel,
                "category": category.code,
                "enterprise": enterprise.uscc if enterprise else "",
                "zone": zone.code,
                "caller_phone": caller_phone,
                "receiving_unit": receiving.pk,
            },
        )
    return demand


def _save_with_reference(demand: Demand) -> None:
    """Number the demand SQyyyymmdd-nnnnn; a concurrent insert of the same number retries."""
    for attempt in range(REFERENCE_ATTEMPTS):
        demand.reference = _next_reference(clock.today())
        try:
            with transaction.atomic():
                demand.save()
            return
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise


# ---- act ----------------------------------------------------------------------------------


def _locked(demand: Demand) -> Demand:
    """The demand's row, locked, with its running clock (Http404 when gone). Only the clock is
    joined: most actions read nothing else, and the few that route or name units load those
    rows when they need them (joining every relation made this the costliest query of an
    action)."""
    try:
        return (
            Demand.objects.select_for_update(of=("self",)).select_related("clock").get(pk=demand.pk)
        )
    except Demand.DoesNotExist:
        raise Http404 from None


def _visible(actor, demand: Demand) -> None:
    """`actor` may be a user or an access.ActorScope."""
    scope = access.actor_scope(actor)
    require_visible(scope.authenticated and access.can_see(scope, demand))


def _check_state(demand: Demand, action: str, version) -> None:
    if version not in (None, "") and int(version) != demand.version:
        raise ConflictError(_("The demand changed meanwhile; reload it and try again."))
    if action not in TRANSITIONS[demand.state]:
        raise ConflictError(
            _("The action %(action)s is not allowed when the demand is %(state)s.")
            % {
                "action": DemandAction(action).label,
                "state": DemandState(demand.state).label,
            }
        )


# Demand's columns (no JSON or other mutable values, so a changed column compares unequal).
_COLUMNS = [field for field in Demand._meta.concrete_fields if not field.primary_key]


def _columns(demand: Demand) -> dict:
    return {field.name: getattr(demand, field.attname) for field in _COLUMNS}


def _changed(demand: Demand, columns: dict) -> list[str]:
    """The columns an action changed: only those are written back (an action touches a few
    of some forty)."""
    now = _columns(demand)
    return [name for name, value in now.items() if columns[name] != value]


def demand_act(*, actor, demand: Demand, action: str, data: dict | None = None, version=None):
    """Take one action of the transition table; anything the state does not allow is a
    ConflictError (409) and changes nothing. A double submit meets the new state (409), and a
    stale `version` is refused the same way. Errors come in the order 404 (invisible), 409
    (state, version), 403 (permission)."""
    if action not in DemandAction.values:
        raise field_error("action", _("Unknown action."), "invalid_choice")
    data = dict(data or {})
    # The actor's units and zones are read once for all the checks of this call.
    scope = access.actor_scope(actor)
    require_visible(scope.authenticated)
    with transaction.atomic():
        demand = _locked(demand)
        # Whoever may act sees the demand, so the visibility query runs only for the others
        # (to tell 404 from 403).
        allowed = access.can_act(scope, demand, action)
        if not allowed:
            _visible(scope, demand)
        _check_state(demand, action, version)
        require(allowed, _("You may not take this action on this demand."))
        before = snapshot(demand)
        columns = _columns(demand)
        now = clock.now()
        from_state = demand.state
        outcome = HANDLERS[action](demand, actor, data, now)
        demand.state = outcome.to_state
        demand.version += 1
        demand.save(update_fields=_changed(demand, columns))
        for step in outcome.after:
            step()
        event_add(
            demand,
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=demand.state,
            note=outcome.note,
            data=outcome.data,
            at=now,
        )
        audit_record(
            actor=actor,
            action=f"demand.{action}",
            obj=demand,
            before=before,
            after={**snapshot(demand), **outcome.data, "note": outcome.note},
        )
    return demand


def _close_quietly(demand: Demand, actor, now) -> None:
    if demand.state != DemandState.CLOSED:
        stop_clocks(demand, actor, now)
        demand.state = DemandState.CLOSED
        demand.closed_at = now


def demand_mark_invalid(*, actor, demand: Demand, reason: str) -> Demand:
    """A malicious or repeated call: excluded from KPIs and closed if still open."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why the demand is invalid."), "required")
    scope = access.actor_scope(actor)
    _visible(scope, demand)
    with transaction.atomic():
        demand = _locked(demand)
        require(access.can_coordinate(scope, demand), _("Only coordinators mark demands."))
        if demand.is_invalid:
            raise ConflictError(_("This demand is already marked invalid."))
        before, from_state, now = snapshot(demand), demand.state, clock.now()
        demand.is_invalid = True
        demand.invalid_reason = reason[:300]
        _close_quietly(demand, actor, now)
        demand.version += 1
        demand.save()
        event_add(
            demand,
            actor=actor,
            action="mark_invalid",
            from_state=from_state,
            to_state=demand.state,
            note=reason,
            at=now,
        )
        audit_record(
            actor=actor,
            action="demand.mark_invalid",
            obj=demand,
            before=before,
            after={**snapshot(demand), "reason": reason},
        )
    return demand


def demand_mark_duplicate(*, actor, demand: Demand, original: Demand) -> Demand:
    """The same problem raised again: linked to the original and closed if still open."""
    scope = access.actor_scope(actor)
    _visible(scope, demand)
    if original is None or original.pk == demand.pk:
        raise field_error("original", _("Choose another demand as the original."), "invalid")
    try:
        _visible(scope, original)
    except Http404:
        raise field_error(
            "original", _("Choose another demand as the original."), "invalid"
        ) from None
    if original.duplicate_of_id == demand.pk:
        raise field_error("original", _("That demand is a duplicate of this one."), "cycle")
    with transaction.atomic():
        demand = _locked(demand)
        require(access.can_coordinate(scope, demand), _("Only coordinators mark demands."))
        if demand.duplicate_of_id:
            raise ConflictError(_("This demand is already marked a duplicate."))
        before, from_state, now = snapshot(demand), demand.state, clock.now()
        demand.duplicate_of = original
        _close_quietly(demand, actor, now)
        demand.version += 1
        demand.save()
        event_add(
            demand,
            actor=actor,
            action="mark_duplicate",
            from_state=from_state,
            to_state=demand.state,
            note=original.reference,
            data={"original": original.pk},
            at=now,
        )
        audit_record(
            actor=actor,
            action="demand.mark_duplicate",
            obj=demand,
            before=before,
            after={**snapshot(demand), "original": original.reference},
        )
    return demand


def _may_attach(scope: access.ActorScope, demand: Demand) -> bool:
    actor = scope.user
    return (
        demand.created_by_id == actor.pk
        or access.can_coordinate(scope, demand)
        or access.can_handle(scope, demand)
        or (
            demand.enterprise_id is not None
            and demand.enterprise.memberships.filter(
                user=actor, status=MembershipStatus.CONFIRMED
            ).exists()
        )
    )


def demand_attach(*, actor, demand: Demand, upload) -> DemandAttachment:
    """Attach a file (a photo of the problem, a letter) to an open demand."""
    scope = access.actor_scope(actor)
    _visible(scope, demand)
    require(_may_attach(scope, demand), _("You may not add files to this demand."))
    name = Path(getattr(upload, "name", "") or "").name
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_SIGNATURES:
        raise field_error("file", _("This file type is not accepted."), "file_type")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise field_error("file", _("The file is larger than 20 MB."), "file_size")
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_SIGNATURES[extension]):
        raise field_error("file", _("The file's content does not match its type."), "file_content")
    with transaction.atomic():
        demand = _locked(demand)
        if demand.state == DemandState.CLOSED:
            raise ConflictError(_("A closed demand takes no more files."))
        now = clock.now()
        attachment = DemandAttachment(
            demand=demand,
            name=name[:200],
            content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:100],
            size=upload.size,
            uploaded_by=actor,
            uploaded_at=now,
        )
        attachment.file.save(f"{demand.reference}.{extension}", upload, save=False)
        attachment.save()
        event_add(
            demand,
            actor=actor,
            action="attach",
            from_state=demand.state,
            to_state=demand.state,
            note=attachment.name,
            at=now,
        )
        audit_record(
            actor=actor,
            action="demand.attach",
            obj=demand,
            after={"file": attachment.name, "size": attachment.size},
        )
    return attachment


# ---- liaison visits -----------------------------------------------------------------------


def _category_for_text(text: str) -> DemandCategory:
    """The first active category whose name or description keyword the text mentions, else
    the general category."""
    categories = list(DemandCategory.objects.filter(is_active=True).select_related("matter"))
    for category in categories:
        if category.code == GENERAL_CATEGORY:
            continue
        keywords = [category.name, *category.description.replace("与", "、").split("、")]
        if any(len(word) >= 2 and word in text for word in keywords):
            return category
    general = next((c for c in categories if c.code == GENERAL_CATEGORY), None)
    if general is None:
        raise field_error("category", _("The general demand category is missing."), "missing")
    return general


def visit_issue_open_demand(actor, issue) -> Demand | None:
    """ONEZONE_VISIT_ISSUE_HANDLERS: an issue raised in a liaison visit becomes a demand of the
    visited enterprise (channel liaison), linked back to the issue."""
    from onezone.enterprises.services.visits import visit_issue_link_demand

    text = issue.text.strip()
    if not DemandCategory.objects.filter(pk=GENERAL_CATEGORY, is_active=True).exists():
        # Demand categories are not configured yet: the issue stays on the visit, unlinked and
        # listed as such, rather than failing the visit the liaison is recording.
        logger.warning("Visit issue %s not opened as a demand: no demand categories.", issue.pk)
        return None
    demand = demand_create(
        actor=actor,
        channel=Channel.LIAISON,
        category=_category_for_text(text),
        title=text[:60],
        description=text,
        priority=Priority.ORDINARY,
        enterprise=issue.visit.enterprise,
    )
    visit_issue_link_demand(actor=actor, issue=issue, demand_reference=demand.reference)
    return demand
