"""Happiness Center (企业幸福中心) writes: a request becomes a demand with channel
happiness_center, dispatched at once to the service's provider unit through the normal demand
action (so clocks, timeline and audit are the usual ones); administrators maintain the
catalogue (every change audited)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import is_staff_member, require
from onezone.core.audit import audit_record, snapshot
from onezone.core.errors import ConflictError, field_error
from onezone.demands.choices import Channel, DemandAction, DemandState, Priority
from onezone.demands.models import Demand, HappinessService
from onezone.demands.selectors.happiness import can_maintain_catalogue
from onezone.enterprises.access import enterprise_filter_for, is_member_of
from onezone.enterprises.models import Enterprise

SERVICE_FIELDS = (
    "name",
    "description",
    "category",
    "provider_unit",
    "limit_amount",
    "limit_unit",
    "sort_order",
    "is_active",
)
EDITABLE_FIELDS = SERVICE_FIELDS


# ---- requests -----------------------------------------------------------------------------


def _require_may_request(actor, enterprise: Enterprise) -> None:
    if is_member_of(actor, enterprise):
        return
    if is_staff_member(actor):
        visible = Enterprise.objects.filter(enterprise_filter_for(actor), pk=enterprise.pk)
        if visible.exists():
            return
    raise PermissionDenied(_("You may not make requests for this enterprise."))


def _system_dispatch(demand: Demand, service: HappinessService) -> Demand:
    """The centre's desk dispatches an enterprise's request to the provider: the normal
    dispatch handler, timeline row and audit row, recorded as the system (no actor). Mirrors
    `demand_act` without its permission check, which only a coordinator would pass."""
    from onezone.demands.services.actions import HANDLERS, event_add, snapshot

    demand = (
        Demand.objects.select_for_update(of=("self",))
        .select_related("category__matter", "zone", "clock", "enterprise")
        .get(pk=demand.pk)
    )
    if demand.state != DemandState.ACCEPTED:
        raise ConflictError(_("This request has already been dispatched."))
    before, now = snapshot(demand), clock.now()
    outcome = HANDLERS[DemandAction.DISPATCH](
        demand, None, {"lead_unit": service.provider_unit}, now
    )
    demand.state = outcome.to_state
    demand.version += 1
    demand.save()
    for step in outcome.after:
        step()
    event_add(
        demand,
        actor=None,
        action=DemandAction.DISPATCH,
        from_state=DemandState.ACCEPTED,
        to_state=demand.state,
        note=outcome.note,
        data={**outcome.data, "happiness_service": service.code},
        at=now,
    )
    audit_record(
        actor=None,
        action=f"demand.{DemandAction.DISPATCH}",
        obj=demand,
        before=before,
        after={**snapshot(demand), **outcome.data, "note": outcome.note},
    )
    return demand


def _dispatch_to_provider(actor, demand: Demand, service: HappinessService) -> Demand:
    from onezone.demands.access import can_act
    from onezone.demands.services.demands import demand_act

    if can_act(actor, demand, DemandAction.DISPATCH):
        return demand_act(
            actor=actor,
            demand=demand,
            action=DemandAction.DISPATCH,
            data={"lead_unit": service.provider_unit},
        )
    return _system_dispatch(demand, service)


def happiness_request(
    *,
    actor,
    service: HappinessService,
    enterprise: Enterprise,
    description: str,
    title: str = "",
    caller_name: str = "",
    caller_phone: str = "",
) -> Demand:
    """Request a catalogue service for an enterprise: a demand with channel
    happiness_center, dispatched to the provider unit; returns the dispatched demand."""
    from onezone.demands.services.demands import demand_create

    if enterprise is None:
        raise field_error("enterprise", _("Choose the enterprise."), "required")
    _require_may_request(actor, enterprise)
    if not service.is_active:
        raise ConflictError(_("This service is no longer offered."))
    description = (description or "").strip()
    if not description:
        raise field_error("description", _("Describe what you need."), "required")
    with transaction.atomic():
        demand = demand_create(
            actor=actor,
            channel=Channel.HAPPINESS_CENTER,
            category=service.category,
            title=(title or "").strip() or service.name,
            description=description,
            priority=Priority.ORDINARY,
            enterprise=enterprise,
            zone=enterprise.zone,
            caller_name=caller_name,
            caller_phone=caller_phone,
            happiness_service=service,
        )
        return _dispatch_to_provider(actor, demand, service)


# ---- the catalogue ------------------------------------------------------------------------


def _checked(service: HappinessService) -> None:
    try:
        service.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    if not service.limit_amount:
        raise field_error("limit_amount", _("Give the time limit."), "min_value")


def happiness_service_create(*, actor, code: str, **data) -> HappinessService:
    require(can_maintain_catalogue(actor), _("Only administrators maintain the catalogue."))
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("This field cannot be set."), "unknown_field")
    code = (code or "").strip()
    if HappinessService.objects.filter(code=code).exists():
        raise field_error("code", _("A service with this code exists."), "unique")
    service = HappinessService(code=code, **data)
    _checked(service)
    with transaction.atomic():
        service.save(force_insert=True)
        audit_record(
            actor=actor,
            action="happiness.service.create",
            obj=service,
            after=snapshot(service, SERVICE_FIELDS),
        )
    return service


def happiness_service_update(*, actor, service: HappinessService, **data) -> HappinessService:
    require(can_maintain_catalogue(actor), _("Only administrators maintain the catalogue."))
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("This field cannot be set."), "unknown_field")
    with transaction.atomic():
        service = HappinessService.objects.select_for_update().get(pk=service.pk)
        before = snapshot(service, SERVICE_FIELDS)
        for name, value in data.items():
            setattr(service, name, value.strip() if isinstance(value, str) else value)
        _checked(service)
        service.save()
        audit_record(
            actor=actor,
            action="happiness.service.update",
            obj=service,
            before=before,
            after=snapshot(service, SERVICE_FIELDS),
        )
    return service


def happiness_service_deactivate(*, actor, service: HappinessService) -> HappinessService:
    """Stop offering a service; its earlier requests stay as they are."""
    if not service.is_active:
        raise ConflictError(_("This service is already withdrawn."))
    return happiness_service_update(actor=actor, service=service, is_active=False)
