"""Writes of the enterprise file (一企一档): create, update, bulk import, derived fields."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.dateparse import parse_date
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import is_staff_member, require, role_names
from onezone.core.audit import audit_record, audit_record_bulk, snapshot
from onezone.core.choices import Role
from onezone.core.errors import ConflictError
from onezone.core.masking import mask_phone
from onezone.enterprises.access import can_manage_file, can_manage_zone, is_member_of
from onezone.enterprises.choices import (
    AUTHORITATIVE_SOURCES,
    COUNT_FIGURES,
    CURRENT_FIGURES,
    DevelopmentStage,
    FigureName,
    MembershipStatus,
    Provenance,
)
from onezone.enterprises.industry import industry_clean
from onezone.enterprises.models import (
    Enterprise,
    EnterpriseContact,
    EnterpriseFigure,
    EnterpriseMembership,
    Tag,
)
from onezone.enterprises.size import size_class
from onezone.enterprises.stage import (
    MATURE_YEARS_WITHOUT_FIGURES,
    STARTUP_YEARS,
    derive_stage,
    revenue_growth,
)
from onezone.enterprises.uscc import uscc_clean
from onezone.org.models import Zone

FILE_FIELDS = (
    "uscc",
    "name",
    "legal_representative",
    "registered_address",
    "zone",
    "industry_code",
    "industry_section",
    "registered_on",
    *CURRENT_FIGURES,
    "size_class",
    "development_stage",
    "development_stage_override_reason",
    "uscc_override_reason",
)
TEXT_FIELDS = {"name": 200, "legal_representative": 50, "registered_address": 300}
REQUIRED_ON_CREATE = (
    "uscc",
    "name",
    "zone",
    "industry_code",
    "registered_on",
    "employees",
    "revenue_10k_cny",
    "assets_10k_cny",
    "rd_expense_10k_cny",
)
# What an enterprise's own users may change: contacts and figures they declare themselves.
SELF_SERVICE_FIELDS = frozenset({"contacts", "year", "as_of", "source", *FigureName.values})
ACCEPTED_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "uscc",
        "zone",
        "industry_code",
        "registered_on",
        "tags",
        "development_stage",
        "development_stage_override_reason",
        "uscc_override_reason",
        *SELF_SERVICE_FIELDS,
    }
)
MAX_AMOUNT = Decimal("99999999999999.99")
MAX_COUNT = 2_147_483_647  # the Enterprise count columns are 32-bit integers
FIRST_YEAR = 1949


@dataclass
class CleanFile:
    """Validated input for one enterprise file; `fields` are model fields, ready to set."""

    fields: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)  # figure name -> Decimal, for `year`
    year: int | None = None
    as_of: date | None = None
    source: str = ""
    tags: list | None = None
    contacts: list | None = None


class _Errors:
    """Collects one message per field so every bad field is reported at once."""

    def __init__(self):
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, name: str, message: str, code: str) -> None:
        self.by_field.setdefault(name, []).append(ValidationError(message, code=code))

    def take(self, name: str, error: ValidationError) -> None:
        for key, items in error.error_dict.items():
            self.by_field.setdefault(name or key, []).extend(items)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _is_officer(actor) -> bool:
    return is_staff_member(actor)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_text(data: dict, errors: _Errors, out: CleanFile) -> None:
    for name, limit in TEXT_FIELDS.items():
        if name not in data:
            continue
        value = (data[name] or "").strip()
        if name == "name" and not value:
            errors.add(name, _("Enter the enterprise's name."), "required")
        elif len(value) > limit:
            errors.add(
                name,
                _("At most %(limit)d characters (this has %(count)d).")
                % {"limit": limit, "count": len(value)},
                "too_long",
            )
        else:
            out.fields[name] = value


def _clean_uscc(actor, data: dict, errors: _Errors, out: CleanFile) -> None:
    reason = (data.get("uscc_override_reason") or "").strip()
    if reason and not _is_officer(actor):
        errors.add(
            "uscc_override_reason",
            _("Only an officer may accept a code that fails the checksum."),
            "officer_only",
        )
        reason = ""
    if _is_blank(data.get("uscc")):
        errors.add("uscc", _("Enter the unified social credit code."), "required")
        return
    try:
        code = uscc_clean(str(data["uscc"]), allow_bad_checksum=bool(reason))
    except ValidationError as error:
        if error.error_dict["uscc"][0].code == "invalid_checksum" and _is_officer(actor):
            errors.add(
                "uscc",
                _(
                    "The check character of this code is wrong. If it is an early pilot code, "
                    "give the reason for accepting it."
                ),
                "invalid_checksum",
            )
        else:
            errors.take("uscc", error)
        return
    out.fields["uscc"] = code
    out.fields["uscc_override_reason"] = reason if _checksum_fails(code) else ""


def _checksum_fails(code: str) -> bool:
    try:
        uscc_clean(code)
    except ValidationError:
        return True
    return False


def _clean_zone(data: dict, errors: _Errors, out: CleanFile, zones: dict | None) -> None:
    value = data["zone"]
    if isinstance(value, Zone):
        out.fields["zone"] = value
        return
    code = (value or "").strip() if isinstance(value, str) else ""
    zone = (
        zones.get(code) if zones is not None else Zone.objects.filter(code=code).first()
    ) or None
    if zone is None:
        errors.add(
            "zone", _("There is no zone with the code %(code)s.") % {"code": code}, "unknown"
        )
    else:
        out.fields["zone"] = zone


def _clean_industry(data: dict, errors: _Errors, out: CleanFile) -> None:
    try:
        industry = industry_clean(str(data["industry_code"] or ""))
    except ValidationError as error:
        errors.take("industry_code", error)
        return
    out.fields["industry_code"] = industry.code
    out.fields["industry_section"] = industry.section


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value).strip()[:10])
    except ValueError:
        return None


def _clean_date(name: str, value, errors: _Errors) -> date | None:
    day = _as_date(value)
    if day is None:
        errors.add(name, _("Enter a date as YYYY-MM-DD."), "invalid_date")
    elif day > clock.today():
        errors.add(name, _("This date is in the future."), "future")
    elif day.year < FIRST_YEAR:
        errors.add(name, _("This date is too early."), "too_early")
    else:
        return day
    return None


def _clean_figure(name: str, value, errors: _Errors) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors.add(name, _("Enter a number."), "not_a_number")
        return None
    if not number.is_finite() or number < 0:
        errors.add(name, _("Enter a number of zero or more."), "negative")
    elif name in COUNT_FIGURES and number != number.to_integral_value():
        errors.add(name, _("Enter a whole number."), "not_whole")
    elif number.as_tuple().exponent < -2:
        errors.add(name, _("At most two decimal places."), "too_precise")
    elif number > (MAX_COUNT if name in COUNT_FIGURES else MAX_AMOUNT):
        errors.add(name, _("This number is too large."), "too_large")
    else:
        return number
    return None


def _clean_figures(actor, data: dict, errors: _Errors, out: CleanFile) -> None:
    for name in FigureName.values:
        if name in data and not _is_blank(data[name]):
            number = _clean_figure(name, data[name], errors)
            if number is not None:
                out.figures[name] = number
    out.source = _clean_source(actor, data.get("source"), errors)
    if not _is_blank(data.get("year")):
        try:
            out.year = int(data["year"])
        except (TypeError, ValueError):
            errors.add("year", _("Enter a year such as 2025."), "invalid_year")
        else:
            if not FIRST_YEAR <= out.year <= clock.today().year:
                errors.add("year", _("Enter a year up to this year."), "invalid_year")
    if not _is_blank(data.get("as_of")):
        out.as_of = _clean_date("as_of", data["as_of"], errors)


def _clean_source(actor, value, errors: _Errors) -> str:
    officer = _is_officer(actor)
    if _is_blank(value):
        return Provenance.OFFICER if officer else Provenance.SELF_DECLARED
    if value not in Provenance.values:
        errors.add("source", _("Unknown source %(value)s.") % {"value": value}, "unknown")
    elif not officer and value != Provenance.SELF_DECLARED:
        errors.add("source", _("Enterprise users declare figures themselves."), "officer_only")
    else:
        return value
    return ""


def _clean_tags(data: dict, errors: _Errors, out: CleanFile, tags: set | None) -> None:
    value = data["tags"]
    codes = [code.strip() for code in value.split(",")] if isinstance(value, str) else value
    codes = [code for code in (codes or []) if code]
    known = tags if tags is not None else set(Tag.objects.values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        errors.add("tags", _("Unknown tag: %(codes)s.") % {"codes": ", ".join(unknown)}, "unknown")
    else:
        out.tags = sorted(set(codes))


def _clean_stage(data: dict, errors: _Errors, out: CleanFile) -> None:
    stage = (data.get("development_stage") or "").strip()
    reason = (data.get("development_stage_override_reason") or "").strip()
    if stage and stage not in DevelopmentStage.values:
        errors.add("development_stage", _("Unknown development stage."), "unknown")
    elif stage and not reason:
        errors.add(
            "development_stage_override_reason",
            _("Give the reason for setting the development stage by hand."),
            "required",
        )
    elif reason and not stage:
        errors.add("development_stage", _("Choose the development stage."), "required")
    elif "development_stage" in data or "development_stage_override_reason" in data:
        # An empty pair clears the override: the stage is derived again.
        out.fields["development_stage"] = stage
        out.fields["development_stage_override_reason"] = reason


def _clean_contacts(data: dict, errors: _Errors, out: CleanFile) -> None:
    contacts = []
    for index, raw in enumerate(data["contacts"] or [], start=1):
        name = (raw.get("name") or "").strip()
        phone = (raw.get("phone") or "").strip()
        email = (raw.get("email") or "").strip()
        if not name:
            errors.add("contacts", _("Contact %(n)d has no name.") % {"n": index}, "required")
            continue
        if phone and not all(char.isdigit() or char in "-+ " for char in phone):
            errors.add(
                "contacts",
                _("Contact %(n)d: the phone number may only hold digits and -.") % {"n": index},
                "invalid_phone",
            )
            continue
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.add(
                    "contacts",
                    _("Contact %(n)d: the email address is not valid.") % {"n": index},
                    "invalid_email",
                )
                continue
        contacts.append(
            {
                "name": name[:50],
                "title": (raw.get("title") or "").strip()[:50],
                "phone": phone[:20],
                "email": email,
                "is_primary": bool(raw.get("is_primary")),
            }
        )
    # One primary contact: the first one marked, else the first one.
    primary = next((c for c in contacts if c["is_primary"]), contacts[0] if contacts else None)
    for contact in contacts:
        contact["is_primary"] = contact is primary
    out.contacts = contacts


def enterprise_row_clean(
    *, actor, data: dict, creating: bool = True, zones: dict | None = None, tags: set | None = None
) -> CleanFile:
    """Check one enterprise's input without writing; raise ValidationError naming every field.

    `zones` (code -> Zone) and `tags` (codes) let a bulk import check rows without a query each.
    """
    errors = _Errors()
    out = CleanFile()
    for name in sorted(set(data) - ACCEPTED_FIELDS):
        errors.add(name, _("This field cannot be set."), "unknown_field")
    if creating:
        for name in REQUIRED_ON_CREATE:
            if _is_blank(data.get(name)):
                errors.add(name, _("This field is required."), "required")
    _clean_text(data, errors, out)
    if not _is_blank(data.get("uscc")):
        _clean_uscc(actor, data, errors, out)
    if not _is_blank(data.get("zone")):
        _clean_zone(data, errors, out, zones)
    if not _is_blank(data.get("industry_code")):
        _clean_industry(data, errors, out)
    if not _is_blank(data.get("registered_on")):
        out.fields["registered_on"] = _clean_date("registered_on", data["registered_on"], errors)
    _clean_figures(actor, data, errors, out)
    if "tags" in data:
        _clean_tags(data, errors, out, tags)
    _clean_stage(data, errors, out)
    if "contacts" in data:
        _clean_contacts(data, errors, out)
    errors.raise_if_any()
    return out


# ---- derived fields ------------------------------------------------------------------------


def default_figure_year(registered_on: date | None) -> int:
    """Figures describe the last completed year, or the registration year if later."""
    year = clock.today().year - 1
    return max(year, registered_on.year) if registered_on else year


def derived_fields(
    *,
    industry_code: str,
    registered_on: date | None,
    figures: dict[tuple[int, str], Decimal],
    stage_override: str = "",
    on: date | None = None,
) -> dict:
    """Current figures (each from its latest year), size class and development stage."""
    current = {}
    for name in CURRENT_FIGURES:
        years = [year for (year, figure) in figures if figure == name]
        value = figures[(max(years), name)] if years else None
        current[name] = int(value) if value is not None and name in COUNT_FIGURES else value
    current["size_class"] = (
        size_class(
            industry_code,
            current["employees"],
            current["revenue_10k_cny"],
            current["assets_10k_cny"],
        )
        if industry_code
        else None
    )
    revenue = {year: value for (year, name), value in figures.items() if name == FigureName.REVENUE}
    current["development_stage"] = stage_override or derive_stage(
        registered_on, revenue_growth(revenue), on or clock.today()
    )
    return current


def _figure_map(enterprise: Enterprise) -> dict[tuple[int, str], Decimal]:
    return {
        (row.year, row.name): row.value
        for row in EnterpriseFigure.objects.filter(enterprise=enterprise)
    }


def _refresh_derived(enterprise: Enterprise, on: date | None = None) -> None:
    fields = derived_fields(
        on=on,
        industry_code=enterprise.industry_code,
        registered_on=enterprise.registered_on,
        figures=_figure_map(enterprise),
        stage_override=enterprise.development_stage
        if enterprise.development_stage_override_reason
        else "",
    )
    for name, value in fields.items():
        setattr(enterprise, name, value)


# ---- writes ---------------------------------------------------------------------------------


def _require_may_create(actor, data: dict) -> None:
    roles = role_names(actor)
    if _is_officer(actor):
        return
    require(
        Role.ENTERPRISE in roles and _claims(actor, data.get("uscc")),
        _("Only an officer, or a user who signed up for this enterprise, may create its file."),
    )


def _claims(actor, raw_uscc, zone=None) -> bool:
    code = str(raw_uscc or "").strip().upper()
    claims = EnterpriseMembership.objects.filter(
        user=actor, uscc=code, status__in=[MembershipStatus.PENDING, MembershipStatus.CONFIRMED]
    )
    return (claims.filter(zone=zone) if zone is not None else claims).exists()


def _duplicate_error() -> ValidationError:
    return ValidationError(
        {
            "uscc": ValidationError(
                _("An enterprise with this unified social credit code is already on file."),
                code="duplicate",
            )
        }
    )


def _save_figures(enterprise, cleaned: CleanFile, actor) -> list[dict]:
    """Write the cleaned figures for their year; returns what was written, for the audit."""
    if not cleaned.figures:
        return []
    year = cleaned.year or default_figure_year(enterprise.registered_on)
    as_of = cleaned.as_of or clock.today()
    # One read and at most one insert and one update, not a round trip per figure (the demo
    # seeder records thousands of yearly figures through here).
    existing = {
        row.name: row
        for row in EnterpriseFigure.objects.select_for_update().filter(
            enterprise=enterprise, year=year, name__in=list(cleaned.figures)
        )
    }
    values = {
        "source": cleaned.source,
        "as_of": as_of,
        "recorded_by": actor if getattr(actor, "pk", None) else None,
        "recorded_at": clock.now(),
    }
    new_rows, changed_rows, written = [], [], []
    for name, value in cleaned.figures.items():
        row = existing.get(name) or EnterpriseFigure(enterprise=enterprise, year=year, name=name)
        for field_name, field_value in {**values, "value": value}.items():
            setattr(row, field_name, field_value)
        (changed_rows if row.pk else new_rows).append(row)
        written.append({"year": year, "name": name, "value": value, "source": cleaned.source})
    EnterpriseFigure.objects.bulk_create(new_rows)
    EnterpriseFigure.objects.bulk_update(changed_rows, ["value", *values])
    return written


def _save_contacts(enterprise, contacts: list | None) -> None:
    if contacts is None:
        return
    enterprise.contacts.all().delete()
    EnterpriseContact.objects.bulk_create(
        EnterpriseContact(enterprise=enterprise, **contact) for contact in contacts
    )


def _contacts_snapshot(enterprise) -> list[dict]:
    # Masked here: the audit masks top-level personal fields only, not those inside a list.
    return [
        {"name": c.name, "title": c.title, "phone": mask_phone(c.phone), "email": c.email}
        for c in enterprise.contacts.all()
    ]


def _file_snapshot(enterprise) -> dict:
    data = snapshot(enterprise, FILE_FIELDS)
    data["tags"] = sorted(enterprise.tags.values_list("code", flat=True))
    return data


def enterprise_create(*, actor, data: dict) -> Enterprise:
    """Open an enterprise's file; ValidationError per bad field, `duplicate` on a known USCC."""
    _require_may_create(actor, data)
    cleaned = enterprise_row_clean(actor=actor, data=data)
    zone = cleaned.fields["zone"]
    if _is_officer(actor):
        require(
            can_manage_zone(actor, zone.pk),
            _("Only an officer of %(zone)s may open files there.") % {"zone": zone.name},
        )
    elif not _claims(actor, data.get("uscc"), zone=zone):
        # Otherwise the claim could never be confirmed (its zone must be the file's).
        raise ValidationError(
            {
                "zone": ValidationError(
                    _("You signed up for this enterprise in another zone; choose that zone."),
                    code="other_zone",
                )
            }
        )
    try:
        with transaction.atomic():
            return _create(actor, cleaned)
    except IntegrityError:
        if Enterprise.objects.filter(uscc=cleaned.fields["uscc"]).exists():
            raise _duplicate_error() from None
        raise


def _create(actor, cleaned: CleanFile) -> Enterprise:
    if Enterprise.objects.filter(uscc=cleaned.fields["uscc"]).exists():
        raise _duplicate_error()
    enterprise = Enterprise(created_at=clock.now(), updated_at=clock.now(), **cleaned.fields)
    enterprise.save()
    if cleaned.tags:
        enterprise.tags.set(cleaned.tags)
    written = _save_figures(enterprise, cleaned, actor)
    _save_contacts(enterprise, cleaned.contacts)
    _refresh_derived(enterprise)
    enterprise.save()
    after = _file_snapshot(enterprise)
    after["figures"] = written
    after["contacts"] = _contacts_snapshot(enterprise)
    audit_record(actor=actor, action="enterprise.create", obj=enterprise, after=after)
    _tell_enterprises_changed([enterprise.pk])
    return enterprise


def _tell_enterprises_changed(enterprise_ids) -> None:
    """Apps that derive from the file (policy matches) refresh it; this app never imports them
    (settings.ONEZONE_ENTERPRISE_CHANGED_HOOKS; the hooks act after commit)."""
    for path in getattr(settings, "ONEZONE_ENTERPRISE_CHANGED_HOOKS", []):
        import_string(path)(list(enterprise_ids))


def _access_level(actor, enterprise) -> str:
    if can_manage_file(actor, enterprise):
        return "officer"
    if is_member_of(actor, enterprise):
        return "member"
    raise PermissionDenied(_("You may not change this enterprise's file."))


def _refuse_fields_for_members(data: dict) -> None:
    refused = sorted(set(data) - SELF_SERVICE_FIELDS)
    if refused:
        raise ValidationError(
            {
                name: ValidationError(
                    _("Only an officer may change this; ask your liaison."), code="officer_only"
                )
                for name in refused
            }
        )


def _refuse_authoritative(enterprise, cleaned: CleanFile) -> None:
    """Enterprise users may not overwrite a figure that came from an authoritative source."""
    year = cleaned.year or default_figure_year(enterprise.registered_on)
    locked = EnterpriseFigure.objects.filter(
        enterprise=enterprise,
        year=year,
        name__in=list(cleaned.figures),
        source__in=list(AUTHORITATIVE_SOURCES),
    )
    errors = {
        row.name: ValidationError(
            _("This figure for %(year)d comes from %(source)s and cannot be changed here.")
            % {"year": year, "source": row.get_source_display()},
            code="read_only_source",
        )
        for row in locked
    }
    if errors:
        raise ValidationError(errors)


def enterprise_update(
    *, actor, enterprise: Enterprise, data: dict, version: int | None = None
) -> Enterprise:
    """Change the file; members may change only contacts and self-declared figures."""
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        level = _access_level(actor, enterprise)
        if version is not None and version != enterprise.version:
            raise ConflictError(
                _("Someone else changed this file after you opened it; reload and try again.")
            )
        if level == "member":
            _refuse_fields_for_members(data)
        if "uscc" in data and str(data["uscc"]).strip().upper() != enterprise.uscc:
            raise ValidationError(
                {"uscc": ValidationError(_("The code of a file cannot change."), code="immutable")}
            )
        # The code (and why a pilot code was accepted) stay as they are; sent back unchanged by
        # a full form they must not be checked again (a pilot code fails the checksum).
        data = {k: v for k, v in data.items() if k not in ("uscc", "uscc_override_reason")}
        cleaned = enterprise_row_clean(actor=actor, data=data, creating=False)
        if level == "member":
            _refuse_authoritative(enterprise, cleaned)
        if "zone" in cleaned.fields and cleaned.fields["zone"].pk != enterprise.zone_id:
            require(
                can_manage_zone(actor, cleaned.fields["zone"].pk),
                _("Only an officer of the new zone may move a file there."),
            )
        return _update(actor, enterprise, cleaned)


def _update(actor, enterprise: Enterprise, cleaned: CleanFile) -> Enterprise:
    before = _file_snapshot(enterprise)
    before["contacts"] = _contacts_snapshot(enterprise)
    cleaned.fields.pop("uscc", None)
    cleaned.fields.pop("uscc_override_reason", None)
    for name, value in cleaned.fields.items():
        setattr(enterprise, name, value)
    if cleaned.tags is not None:
        enterprise.tags.set(cleaned.tags)
    written = _save_figures(enterprise, cleaned, actor)
    _save_contacts(enterprise, cleaned.contacts)
    _refresh_derived(enterprise)
    enterprise.version += 1
    enterprise.updated_at = clock.now()
    enterprise.save()
    after = _file_snapshot(enterprise)
    after["figures"] = written
    after["contacts"] = _contacts_snapshot(enterprise)
    audit_record(
        actor=actor, action="enterprise.update", obj=enterprise, before=before, after=after
    )
    _tell_enterprises_changed([enterprise.pk])
    return enterprise


def enterprises_bulk_create(*, actor, rows: list[CleanFile], progress=None) -> int:
    """Write checked rows in one transaction (an import); all or nothing.

    `progress(done)` is called after each batch so an import can show how far it is.
    """
    batch_size = 500
    created_ids: list[int] = []
    with transaction.atomic():
        for start in range(0, len(rows), batch_size):
            created_ids += _bulk_batch(actor, rows[start : start + batch_size])
            if progress:
                progress(min(start + batch_size, len(rows)))
        audit_record_bulk(
            actor=actor,
            action="enterprise.import",
            object_type="enterprises.enterprise",
            rows=[{**row.fields, "zone": row.fields["zone"].code} for row in rows],
        )
        _tell_enterprises_changed(created_ids)
    return len(rows)


def _bulk_batch(actor, rows: list[CleanFile]) -> list[int]:
    now = clock.now()
    enterprises = []
    for row in rows:
        year = row.year or default_figure_year(row.fields.get("registered_on"))
        figures = {(year, name): value for name, value in row.figures.items()}
        derived = derived_fields(
            industry_code=row.fields.get("industry_code", ""),
            registered_on=row.fields.get("registered_on"),
            figures=figures,
            stage_override=row.fields.get("development_stage", "")
            if row.fields.get("development_stage_override_reason")
            else "",
        )
        enterprises.append(Enterprise(created_at=now, updated_at=now, **{**row.fields, **derived}))
    created = Enterprise.objects.bulk_create(enterprises)
    EnterpriseFigure.objects.bulk_create(
        EnterpriseFigure(
            enterprise=enterprise,
            year=row.year or default_figure_year(enterprise.registered_on),
            name=name,
            value=value,
            source=row.source,
            as_of=row.as_of or clock.today(),
            recorded_by=actor,
            recorded_at=now,
        )
        for enterprise, row in zip(created, rows, strict=True)
        for name, value in row.figures.items()
    )
    through = Enterprise.tags.through
    through.objects.bulk_create(
        through(enterprise_id=enterprise.pk, tag_id=code)
        for enterprise, row in zip(created, rows, strict=True)
        for code in row.tags or []
    )
    EnterpriseContact.objects.bulk_create(
        EnterpriseContact(enterprise=enterprise, **contact)
        for enterprise, row in zip(created, rows, strict=True)
        for contact in row.contacts or []
    )
    return [enterprise.pk for enterprise in created]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def enterprise_stages_refresh(*, on: date | None = None) -> int:
    """Re-derive stages that age alone can change (the daily sweep); returns how many changed."""
    day = on or clock.today()
    changed = 0
    # Only age can move a stage without a figure changing: start-ups turning 3, and growth
    # firms without a growth figure turning 10.
    candidates = Enterprise.objects.filter(
        Q(
            development_stage=DevelopmentStage.STARTUP,
            registered_on__lte=_years_before(day, STARTUP_YEARS),
        )
        | Q(
            development_stage=DevelopmentStage.GROWTH,
            registered_on__lte=_years_before(day, MATURE_YEARS_WITHOUT_FIGURES),
        ),
        development_stage_override_reason="",
    )
    for enterprise in candidates.iterator():
        with transaction.atomic():
            locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
            before = locked.development_stage
            _refresh_derived(locked, on=day)
            if locked.development_stage == before:
                continue
            locked.save(update_fields=["development_stage"])
            audit_record(
                actor=None,
                action="enterprise.stage_refresh",
                obj=locked,
                before={"development_stage": before},
                after={"development_stage": locked.development_stage, "on": day},
            )
            changed += 1
    return changed
