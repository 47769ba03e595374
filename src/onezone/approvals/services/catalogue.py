"""Writes of the catalogue: service specifications and journeys, kept by administrators."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from onezone.approvals.formspec import spec_fields
from onezone.approvals.models import Journey, JourneyItem, JourneyStage, ServiceSpec, SpecMaterial
from onezone.core import clock
from onezone.core.access import is_administrator, require
from onezone.core.audit import audit_record
from onezone.register.choices import SERVICE_KINDS

SPEC_FIELDS = (
    "statutory_limit_working_days",
    "promised_limit_working_days",
    "fee_cny",
    "national_stage",
    "result_document",
    "form_fields",
)


def _require_admin(actor) -> None:
    require(is_administrator(actor), _("Only an administrator may change the catalogue."))


def _decimal(value, name: str, errors: dict):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[name] = [ValidationError(_("Enter a number."), code="not_a_number")]
        return None


def _spec_errors(matter, data: dict) -> dict:
    errors: dict[str, list[ValidationError]] = {}
    if matter.kind not in SERVICE_KINDS:
        errors["matter"] = [
            ValidationError(
                _("Only approval and public-service matters have a service specification."),
                code="wrong_kind",
            )
        ]
    statutory = data.get("statutory_limit_working_days")
    promised = _decimal(
        data.get("promised_limit_working_days"), "promised_limit_working_days", errors
    )
    if not isinstance(statutory, int) or statutory < 1:
        errors["statutory_limit_working_days"] = [
            ValidationError(_("Enter a whole number of working days, at least 1."), code="invalid")
        ]
    elif promised is not None and not Decimal("0.5") <= promised <= statutory:
        errors["promised_limit_working_days"] = [
            ValidationError(
                _(
                    "The promised limit must be between half a day and the statutory limit "
                    "(%(days)d)."
                )
                % {"days": statutory},
                code="over_statutory",
            )
        ]
    fee = _decimal(data.get("fee_cny", 0), "fee_cny", errors)
    if fee is not None and fee < 0:
        errors["fee_cny"] = [ValidationError(_("A fee cannot be negative."), code="negative")]
    if not (data.get("result_document") or "").strip():
        errors["result_document"] = [
            ValidationError(_("Name the result document."), code="required")
        ]
    try:
        spec_fields(data.get("form_fields") or [])
    except ValueError as error:
        errors["form_fields"] = [ValidationError(str(error), code="invalid")]
    return errors


def spec_save(*, actor, matter, data: dict, materials: list[dict] | None = None) -> ServiceSpec:
    """Create or replace the specification of a matter (materials replaced when given)."""
    _require_admin(actor)
    errors = _spec_errors(matter, data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        spec = ServiceSpec.objects.filter(matter=matter).first()
        before = {name: getattr(spec, name) for name in SPEC_FIELDS} if spec else None
        spec = spec or ServiceSpec(matter=matter)
        for name in SPEC_FIELDS:
            if name in data:
                setattr(spec, name, data[name])
        spec.updated_at = clock.now()
        spec.save()
        if materials is not None:
            spec.materials.all().delete()
            SpecMaterial.objects.bulk_create(SpecMaterial(spec=spec, **m) for m in materials)
        audit_record(
            actor=actor,
            action="service_spec.save",
            obj=spec,
            before=before,
            after={
                **{name: getattr(spec, name) for name in SPEC_FIELDS},
                "materials": [m["code"] for m in materials or []],
            },
        )
    return spec


def journey_save(*, actor, data: dict, stages: list[dict]) -> Journey:
    """Create or replace a journey by code: `stages` = [{order, name, lead_body, items: [{spec,
    is_mandatory, is_fully_online}]}]. Stages and items are replaced as a whole."""
    _require_admin(actor)
    if not stages or any(not stage.get("items") for stage in stages):
        raise ValidationError(
            {
                "stages": ValidationError(
                    _("A journey needs at least one stage, and every stage at least one item."),
                    code="required",
                )
            }
        )
    orders = [stage["order"] for stage in stages]
    if len(set(orders)) != len(orders):
        raise ValidationError(
            {"stages": ValidationError(_("Two stages have the same order."), code="duplicate")}
        )
    with transaction.atomic():
        journey, created = Journey.objects.update_or_create(
            code=data["code"], defaults={key: value for key, value in data.items() if key != "code"}
        )
        if journey.applications.exists() and not created:
            # Running applications point at the items; keep them and change only the texts.
            audit_record(actor=actor, action="journey.update_texts", obj=journey, after=data)
            return journey
        journey.stages.all().delete()
        for stage_data in stages:
            stage = JourneyStage.objects.create(
                journey=journey,
                order=stage_data["order"],
                name=stage_data["name"],
                lead_body=stage_data["lead_body"],
            )
            for position, item in enumerate(stage_data["items"]):
                JourneyItem.objects.create(
                    stage=stage,
                    spec=item["spec"],
                    order=position,
                    is_mandatory=item.get("is_mandatory", True),
                    is_fully_online=item.get("is_fully_online", False),
                )
        audit_record(
            actor=actor,
            action="journey.save",
            obj=journey,
            after={
                **data,
                "stages": [
                    {
                        "order": s["order"],
                        "name": s["name"],
                        "items": [i["spec"].matter.code for i in s["items"]],
                    }
                    for s in stages
                ],
            },
        )
    return journey
