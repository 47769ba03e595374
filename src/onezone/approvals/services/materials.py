"""Materials: upload once (type and size checked), reuse from the enterprise's earlier uploads."""

import hashlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from onezone.approvals.access import is_applicant_side
from onezone.approvals.choices import ApplicationState, ItemCaseState
from onezone.approvals.models import Application, Material, SpecMaterial
from onezone.core import clock
from onezone.core.access import require
from onezone.core.audit import audit_record
from onezone.core.errors import ConflictError, field_error

# The first bytes of the accepted file types: an upload must be what its name says.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "xlsx": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
}


def spec_materials_of(application: Application, stage_order: int | None = None):
    """The materials the application's items ask for (each code once; required when any of
    the items requires it)."""
    materials = SpecMaterial.objects.filter(
        spec__in=application.journey.stages.values("items__spec")
    )
    if stage_order is not None:
        materials = materials.filter(
            spec__in=application.journey.stages.filter(order=stage_order).values("items__spec")
        )
    unique: dict[str, SpecMaterial] = {}
    for material in materials.order_by("spec__matter__code", "id"):
        known = unique.get(material.code)
        if known is None or (material.is_required and not known.is_required):
            unique[material.code] = material
    return list(unique.values())


def missing_required_materials(application: Application, stage_order: int) -> list:
    attached = set(application.materials.values_list("code", flat=True))
    return [
        material
        for material in spec_materials_of(application, stage_order)
        if material.is_required and material.code not in attached
    ]


def _check_file(material: SpecMaterial, uploaded) -> bytes:
    extension = Path(uploaded.name or "").suffix.lower().lstrip(".")
    if extension not in material.extensions:
        raise field_error(
            "file",
            _("%(name)s accepts only %(types)s files.")
            % {"name": material.name, "types": ", ".join(material.extensions)},
            "file_type",
        )
    if uploaded.size > material.max_size_mb * 1024 * 1024:
        raise field_error(
            "file",
            _("The file is larger than %(size)d MB.") % {"size": material.max_size_mb},
            "file_size",
        )
    content = uploaded.read()
    if not content.startswith(SIGNATURES.get(extension, (b"",))):
        raise field_error(
            "file",
            _("The file's content is not a %(type)s file.") % {"type": extension},
            "file_content",
        )
    return content


def material_upload(*, actor, application: Application, code: str, uploaded) -> Material:
    """Attach a new upload for one material code to a draft or an application in correction."""
    require(is_applicant_side(actor, application), _("Only the applicant may upload materials."))
    material = next((m for m in spec_materials_of(application) if m.code == code), None)
    if material is None:
        raise field_error("code", _("This journey asks for no such material."), "unknown")
    content = _check_file(material, uploaded)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require_changeable(application)
        uploaded.seek(0)
        stored = Material(
            enterprise=application.enterprise,
            owner=actor,
            code=code,
            original_name=Path(uploaded.name).name[:200],
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_at=clock.now(),
        )
        stored.file.save(f"{code}{Path(uploaded.name).suffix.lower()}", uploaded, save=True)
        _attach(application, stored)
        audit_record(
            actor=actor,
            action="material.upload",
            obj=stored,
            after={
                "application": application.reference,
                "code": code,
                "sha256": stored.sha256,
                "size": stored.size_bytes,
            },
        )
    return stored


def _require_changeable(application: Application) -> None:
    """Materials change in a draft, or while one of its items waits for corrections (not
    under an officer's review)."""
    if application.state == ApplicationState.DRAFT:
        return
    if application.state not in {ApplicationState.SUBMITTED, ApplicationState.IN_PROGRESS}:
        raise ConflictError(_("The application is closed."))
    if not application.item_cases.filter(state=ItemCaseState.IN_CORRECTION).exists():
        raise ConflictError(
            _("Materials can be changed only in a draft or while corrections are requested.")
        )


def _attach(application: Application, material: Material) -> None:
    # One file per code on an application: a newer upload replaces the older one there.
    for old in application.materials.filter(code=material.code):
        old.applications.remove(application)
    material.applications.add(application)


def reusable_materials(*, actor, application: Application) -> dict[str, Material]:
    """The latest earlier upload per code from the same enterprise (or the founder)."""
    owned = (
        Material.objects.filter(enterprise=application.enterprise)
        if (application.enterprise_id)
        else Material.objects.filter(owner=actor, enterprise__isnull=True)
    )
    latest: dict[str, Material] = {}
    for material in owned.order_by("-uploaded_at", "-id"):
        latest.setdefault(material.code, material)
    return latest


def material_reuse(*, actor, application: Application, material: Material) -> Material:
    """Offer an earlier upload again instead of asking for it again."""
    require(is_applicant_side(actor, application), _("Only the applicant may attach materials."))
    if reusable_materials(actor=actor, application=application).get(material.code) != material:
        raise ValidationError(
            {
                "material": ValidationError(
                    _("This file is not one of your latest uploads."), code="not_reusable"
                )
            }
        )
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require_changeable(application)
        _attach(application, material)
        audit_record(
            actor=actor,
            action="material.reuse",
            obj=material,
            after={"application": application.reference, "code": material.code},
        )
    return material
