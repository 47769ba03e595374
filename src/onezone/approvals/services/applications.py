"""Writes of applications: create (draft or submitted), submit, withdraw, and stage progress."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from onezone.approvals.access import is_applicant_side
from onezone.approvals.choices import (
    APPLICATION_OPEN_STATES,
    DECIDED_STATES,
    ApplicationState,
    ItemCaseState,
)
from onezone.approvals.formspec import FormField, clean_form, spec_fields, union_fields
from onezone.approvals.models import Application, ItemCase, Journey, JourneyItem
from onezone.core import clock, clocks, workcal
from onezone.core.access import role_names
from onezone.core.audit import audit_record
from onezone.core.choices import Role, TimeUnit
from onezone.core.errors import ConflictError, field_error
from onezone.core.models import Clock
from onezone.core.notifications import notify
from onezone.enterprises.access import is_member_of
from onezone.enterprises.models import Enterprise
from onezone.org.models import Zone
from onezone.register.routing import NoHolder, route

# 行政许可法 Art. 32: decide within 5 working days whether to accept an application.
ACCEPTANCE_LIMIT_WORKING_DAYS = 5
CASE_OBJECT_TYPE = "approvals.itemcase"
APPLICANT_ROLES = {Role.ENTERPRISE, Role.FOUNDER}


def journey_items(journey: Journey, stage_order: int | None = None):
    items = JourneyItem.objects.filter(stage__journey=journey).select_related(
        "spec__matter", "stage"
    )
    if stage_order is not None:
        items = items.filter(stage__order=stage_order)
    return items.order_by("stage__order", "order", "id")


def journey_form(journey: Journey) -> list[FormField]:
    """The one combined form: every item's fields, each asked once."""
    return union_fields(spec_fields(item.spec.form_fields) for item in journey_items(journey))


def _reference() -> str:
    return f"SQ{clock.now():%Y%m%d}{get_random_string(6, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ')}"


def _check_applicant(actor, journey: Journey, enterprise: Enterprise | None) -> None:
    if not role_names(actor) & APPLICANT_ROLES:
        raise PermissionDenied(_("Only enterprises and founders apply."))
    if enterprise is not None and not is_member_of(actor, enterprise):
        raise PermissionDenied(_("You do not act for this enterprise."))


def _resolve(journey_code: str, zone_code: str, uscc: str | None, actor):
    errors = {}
    journey = Journey.objects.filter(code=journey_code, is_active=True).first()
    if journey is None:
        errors["journey"] = [ValidationError(_("No open journey has this code."), code="unknown")]
    zone = Zone.objects.filter(code=zone_code).first()
    if zone is None:
        errors["zone"] = [ValidationError(_("There is no zone with this code."), code="unknown")]
    enterprise = None
    if uscc:
        enterprise = Enterprise.objects.filter(uscc=str(uscc).strip().upper()).first()
        if enterprise is None or not is_member_of(actor, enterprise):
            # Not revealing whether the code is on file: the caller may not act for it anyway.
            errors["enterprise"] = [
                ValidationError(
                    _("You do not act for an enterprise with this code."), code="unknown"
                )
            ]
            enterprise = None  # nor whether it is registered in the zone
    elif journey is not None and journey.needs_enterprise:
        errors["enterprise"] = [
            ValidationError(
                _("This journey is for an existing enterprise; give its code."), code="required"
            )
        ]
    if enterprise is not None and zone is not None and enterprise.zone_id != zone.pk:
        errors["zone"] = [
            ValidationError(_("The enterprise is registered in another zone."), code="other_zone")
        ]
    if errors:
        raise ValidationError(errors)
    return journey, zone, enterprise


def application_create(
    *, actor, journey: str, zone: str, enterprise: str | None = None, form: dict, draft=False
) -> Application:
    """Start an application from codes (journey, zone code, USCC); submit unless a draft."""
    journey_obj, zone_obj, enterprise_obj = _resolve(journey, zone, enterprise, actor)
    _check_applicant(actor, journey_obj, enterprise_obj)
    fields = journey_form(journey_obj)
    cleaned = clean_form(fields, form or {}, complete=not draft)
    with transaction.atomic():
        application = Application.objects.create(
            reference=_reference(),
            journey=journey_obj,
            zone=zone_obj,
            enterprise=enterprise_obj,
            applicant=actor,
            form_data=cleaned,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="application.create",
            obj=application,
            after={
                "journey": journey_obj.code,
                "zone": zone_obj.code,
                "enterprise": enterprise_obj.uscc if enterprise_obj else None,
                "form": cleaned,
            },
        )
        if not draft:
            _submit(actor, application)
    return application


def application_update_draft(*, actor, application: Application, form: dict) -> Application:
    with transaction.atomic():
        application = _locked(application)
        _require_applicant(actor, application)
        if application.state != ApplicationState.DRAFT:
            raise ConflictError(_("Only a draft can be changed."))
        before = dict(application.form_data)
        merged = {**application.form_data, **(form or {})}
        application.form_data = clean_form(
            journey_form(application.journey), merged, complete=False
        )
        application.version += 1
        application.save(update_fields=["form_data", "version"])
        audit_record(
            actor=actor,
            action="application.update_draft",
            obj=application,
            before={"form": before},
            after={"form": application.form_data},
        )
    return application


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _require_applicant(actor, application: Application) -> None:
    if not is_applicant_side(actor, application):
        raise PermissionDenied(_("Only the applicant may do this."))


def application_submit(*, actor, application: Application) -> Application:
    with transaction.atomic():
        application = _locked(application)
        _require_applicant(actor, application)
        if application.state != ApplicationState.DRAFT:
            raise ConflictError(_("This application has already been submitted."))
        application.form_data = clean_form(
            journey_form(application.journey), application.form_data, complete=True
        )
        _submit(actor, application)
    return application


def _submit(actor, application: Application) -> None:
    from onezone.approvals.services.materials import missing_required_materials

    missing = missing_required_materials(application, stage_order=1)
    if missing:
        raise ValidationError(
            {
                f"materials.{material.code}": [
                    ValidationError(
                        _("Upload %(name)s.") % {"name": material.name}, code="required"
                    )
                ]
                for material in missing
            }
        )
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = clock.now()
    application.save(update_fields=["state", "submitted_at", "form_data"])
    audit_record(
        actor=actor,
        action="application.submit",
        obj=application,
        after={"state": application.state},
    )
    _start_clock(actor, application, "journey", *journey_limit(application.journey))
    _start_stage(actor, application, first_stage_order(application.journey))


# ---- the application's and its stages' clocks ------------------------------------------------


def promised_limit(working_days: Decimal) -> dict:
    """The clock limit for a promise in working days; half days run in office hours (0.5 day =
    half a working day's office time), since working-day clocks count whole days only."""
    days = Decimal(working_days)
    if days == days.to_integral_value():
        return {"amount": days, "unit": TimeUnit.WORKING_DAYS}
    hours_per_day = Decimal(sum(end - start for start, end in workcal.office_sessions())) / Decimal(
        3_600_000_000
    )
    return {
        "amount": (days * hours_per_day).quantize(Decimal("0.01")),
        "unit": TimeUnit.WORKING_HOURS,
    }


APPLICATION_OBJECT_TYPE = "approvals.application"
# How a journey's target unit is counted; anything else is read as working days.
TARGET_UNITS = {
    "working_days": TimeUnit.WORKING_DAYS,
    "working_hours": TimeUnit.WORKING_HOURS,
    "calendar_days": TimeUnit.CALENDAR_DAYS,
    "days": TimeUnit.CALENDAR_DAYS,
    "hours": TimeUnit.HOURS,
}


def journey_limit(journey: Journey) -> tuple[Decimal, str]:
    """The journey's target as a clock limit (half working days run in office hours)."""
    unit = TARGET_UNITS.get(journey.target_unit, TimeUnit.WORKING_DAYS)
    if unit == TimeUnit.WORKING_DAYS:
        limit = promised_limit(journey.target_value)
        return limit["amount"], limit["unit"]
    return Decimal(journey.target_value), unit


def stage_limit(journey: Journey, stage_order: int) -> tuple[Decimal, str]:
    """A stage's items run in parallel: its limit is the longest promise among them."""
    longest = max(
        (item.spec.promised_limit_working_days for item in journey_items(journey, stage_order)),
        default=Decimal(1),
    )
    limit = promised_limit(longest)
    return limit["amount"], limit["unit"]


def _start_clock(actor, application: Application, purpose: str, amount, unit) -> None:
    clocks.clock_start(
        actor=actor,
        object_type=APPLICATION_OBJECT_TYPE,
        object_id=str(application.pk),
        started_at=clock.now(),
        amount=amount,
        unit=unit,
        purpose=purpose,
    )


def _stop_clock(actor, application: Application, purpose: str) -> None:
    running = Clock.objects.filter(
        object_type=APPLICATION_OBJECT_TYPE,
        object_id=str(application.pk),
        purpose=purpose,
        stopped_at__isnull=True,
    ).first()
    if running is not None:
        clocks.clock_stop(actor=actor, clock=running)


def stage_clock_purpose(stage_order: int) -> str:
    return f"stage-{stage_order}"


def first_stage_order(journey: Journey) -> int:
    return journey.stages.order_by("order").values_list("order", flat=True).first()


def _start_stage(actor, application: Application, stage_order: int) -> list[ItemCase]:
    """Open one case per item of the stage, each routed to its holder unit in the zone."""
    now = clock.now()
    if application.current_stage is not None:
        _stop_clock(actor, application, stage_clock_purpose(application.current_stage))
    _start_clock(
        actor,
        application,
        stage_clock_purpose(stage_order),
        *stage_limit(application.journey, stage_order),
    )
    cases = []
    for item in journey_items(application.journey, stage_order):
        try:
            routing = route(item.spec.matter, application.zone, now.date())
        except NoHolder as error:
            raise field_error("zone", str(error), "no_holder") from None
        case = ItemCase.objects.create(
            application=application,
            journey_item=item,
            stage_order=stage_order,
            holder_unit=routing.holder_unit,
            received_at=now,
        )
        case.clock = clocks.clock_start(
            actor=actor,
            object_type=CASE_OBJECT_TYPE,
            object_id=str(case.pk),
            started_at=now,
            amount=ACCEPTANCE_LIMIT_WORKING_DAYS,
            unit=TimeUnit.WORKING_DAYS,
            purpose="acceptance",
        )
        refresh_due(case)
        case.save(update_fields=["clock", "due_at", "is_overdue"])
        audit_record(
            actor=actor,
            action="item_case.receive",
            obj=case,
            after={
                "matter": item.spec.matter.code,
                "holder_unit": routing.holder_unit.pk,
                "due_at": case.due_at,
                "stage": stage_order,
            },
        )
        cases.append(case)
    application.current_stage = stage_order
    application.save(update_fields=["current_stage"])
    return cases


def refresh_due(case: ItemCase, at: datetime | None = None) -> None:
    """Copy the clock's due time onto the case (null while paused or decided); a decision
    after the due time leaves the case flagged overdue even if the sweep never saw it."""
    if case.clock is None:
        case.due_at = None
        return
    status = clocks.clock_status(case.clock, at)
    stopped = case.clock.stopped_at is not None
    case.due_at = None if stopped or status.is_paused else status.due_at
    case.is_overdue = case.is_overdue or status.is_overdue


def application_withdraw(*, actor, application: Application) -> Application:
    from onezone.approvals.services.cases import close_open_cases

    with transaction.atomic():
        application = _locked(application)
        _require_applicant(actor, application)
        if application.state not in {ApplicationState.DRAFT, *APPLICATION_OPEN_STATES}:
            raise ConflictError(_("This application is already closed."))
        close_open_cases(
            actor, application, ItemCaseState.WITHDRAWN, _("Withdrawn by the applicant")
        )
        _finish(actor, application, ApplicationState.WITHDRAWN)
    return application


def _finish(actor, application: Application, state: str) -> None:
    before = application.state
    if application.current_stage is not None:
        _stop_clock(actor, application, stage_clock_purpose(application.current_stage))
    _stop_clock(actor, application, "journey")
    application.state = state
    application.finished_at = clock.now()
    application.save(update_fields=["state", "finished_at"])
    audit_record(
        actor=actor,
        action=f"application.{state}",
        obj=application,
        before={"state": before},
        after={"state": state},
    )
    notify(
        recipient=application.applicant,
        title=_("Application %(reference)s: %(state)s")
        % {"reference": application.reference, "state": ApplicationState(state).label},
        link=reverse("approvals:application_detail", args=[application.pk]),
        actor=actor,
    )


def application_advance(actor, application: Application) -> None:
    """After a case changed: end the application on a failed mandatory item, start the next
    stage when every item of the current one is decided, or complete it after the last."""
    from onezone.approvals.choices import FAILED_STATES

    if application.state not in APPLICATION_OPEN_STATES:
        return
    cases = list(
        application.item_cases.filter(stage_order=application.current_stage).select_related(
            "journey_item"
        )
    )
    # Any stage: an approval of an earlier stage revoked while a later stage runs fails the
    # journey just as a refusal in the current stage does.
    failed = list(
        application.item_cases.filter(journey_item__is_mandatory=True, state__in=FAILED_STATES)
    )
    if failed:
        from onezone.approvals.services.cases import close_open_cases

        withdrawn = all(c.state == ItemCaseState.WITHDRAWN for c in failed)
        # Nobody can act on a closed application's cases: close them rather than leave them
        # open in queues with running clocks for the sweep to flag.
        close_open_cases(
            actor,
            application,
            ItemCaseState.WITHDRAWN,
            _("Closed because a mandatory item of the application failed."),
        )
        _finish(
            actor,
            application,
            ApplicationState.WITHDRAWN if withdrawn else ApplicationState.REJECTED,
        )
        return
    if application.state == ApplicationState.SUBMITTED and any(c.accepted_at for c in cases):
        application.state = ApplicationState.IN_PROGRESS
        application.save(update_fields=["state"])
    if not all(c.state in DECIDED_STATES for c in cases):
        return
    following = (
        application.journey.stages.filter(order__gt=application.current_stage)
        .order_by("order")
        .values_list("order", flat=True)
        .first()
    )
    if following is None:
        _finish(actor, application, ApplicationState.COMPLETED)
    else:
        _start_stage(actor, application, following)
