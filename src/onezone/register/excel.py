"""Excel import and export of the register: a matters sheet and one sheet per list.

Import checks every row first and writes nothing when any row is wrong; each error names the
sheet, the row and the column. Export → import is lossless: every version of every entry is
exported, and importing the file into the register it came from changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from onezone.core.access import require
from onezone.core.audit import audit_record_bulk
from onezone.org.access import can_manage_org
from onezone.org.models import Body, Person, Unit, Zone
from onezone.register import services
from onezone.register.choices import DelegationMode, MatterKind, RegisterList
from onezone.register.models import ListEntry, Matter

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
}
MATTERS_SHEET = "matters"
MATTER_COLUMNS = ["code", "name", "kind", "home_body", "legal_basis", "enterprise_related"]
ENTRY_COLUMNS = [
    "matter",
    "zone",
    "holder_body",
    "holder_unit",
    "mode",
    "deciding_body",
    "deciding_unit",
    "commissioner",
    "commissioner_name",
    "valid_from",
    "valid_to",
    "version",
    "change_reason",
]


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(
            _("The file has %(count)s errors; nothing was imported.") % {"count": len(errors)}
        )


@dataclass
class ImportResult:
    matters_created: int = 0
    matters_updated: int = 0
    entries_created: int = 0
    entries_unchanged: int = 0
    rows: list[dict] = field(default_factory=list)


# ---- export ---------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def register_export() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = MATTERS_SHEET
    sheet.append(MATTER_COLUMNS)
    for matter in Matter.objects.select_related("home_body").order_by("code"):
        sheet.append(
            [
                matter.code,
                matter.name,
                matter.kind,
                matter.home_body.name,
                matter.legal_basis,
                "yes" if matter.enterprise_related else "no",
            ]
        )
    entries = ListEntry.objects.select_related(
        "matter", "zone", "holder_unit__body", "deciding_unit__body", "commissioner"
    ).order_by("matter__code", "zone__code", "version", "pk")
    sheets = {name: workbook.create_sheet(name) for name in RegisterList.values}
    for sheet in sheets.values():
        sheet.append(ENTRY_COLUMNS)
    for entry in entries:
        sheets[entry.list_name].append(_entry_row(entry))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _entry_row(entry: ListEntry) -> list:
    deciding = entry.deciding_unit
    return [
        entry.matter.code,
        entry.zone.code if entry.zone else "",
        entry.holder_unit.body.name,
        entry.holder_unit.name,
        entry.mode,
        deciding.body.name if deciding else "",
        deciding.name if deciding else "",
        entry.commissioner.staff_number if entry.commissioner else "",
        entry.commissioner.name if entry.commissioner else "",
        entry.valid_from.isoformat(),
        entry.valid_to.isoformat() if entry.valid_to else "",
        entry.version,
        entry.change_reason,
    ]


# ---- import: parsing ------------------------------------------------------------------


class _Rows:
    """Reads one sheet's rows as dicts, recording errors with sheet, row and column."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(sheet, row, column, str(message)))

    def read(self, workbook, sheet_name: str, columns: list[str]) -> list[tuple[int, dict]]:
        if sheet_name not in workbook.sheetnames:
            self.error(sheet_name, 1, "", _("The sheet is missing."))
            return []
        rows = workbook[sheet_name].iter_rows(values_only=True)
        header = [_text(cell).strip() for cell in next(rows, ())]
        missing = [name for name in columns if name not in header]
        for name in missing:
            self.error(sheet_name, 1, name, _("The column is missing."))
        if missing:
            return []
        result = []
        for number, values in enumerate(rows, start=2):
            if all(value in (None, "") for value in values):
                continue
            cells = dict(zip(header, values, strict=False))
            result.append((number, {name: cells.get(name) for name in columns}))
        return result


def _parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(_text(value).strip())


class _Lookups:
    """Natural keys → objects, loaded once."""

    def __init__(self):
        self.bodies = {body.name: body for body in Body.objects.all()}
        self.units = {
            (unit.body.name, unit.name): unit for unit in Unit.objects.select_related("body")
        }
        self.zones = {zone.code: zone for zone in Zone.objects.all()}
        self.people = {person.staff_number: person for person in Person.objects.all()}
        self.matters = {matter.code: matter for matter in Matter.objects.all()}


def _parse_matter(rows: _Rows, lookups: _Lookups, number: int, cells: dict) -> dict | None:
    before = len(rows.errors)
    code = _text(cells["code"]).strip()
    name = _text(cells["name"]).strip()
    if not code:
        rows.error(MATTERS_SHEET, number, "code", _("A code is required."))
    if not name:
        rows.error(MATTERS_SHEET, number, "name", _("A name is required."))
    kind = _text(cells["kind"]).strip()
    if kind not in MatterKind.values:
        rows.error(MATTERS_SHEET, number, "kind", _("Unknown kind."))
    body = lookups.bodies.get(_text(cells["home_body"]).strip())
    if body is None:
        rows.error(MATTERS_SHEET, number, "home_body", _("Unknown body."))
    flag = _text(cells["enterprise_related"]).strip().lower()
    if flag not in ("yes", "no", "true", "false", "1", "0"):
        rows.error(MATTERS_SHEET, number, "enterprise_related", _("Write yes or no."))
    if len(rows.errors) > before:
        return None
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "home_body": body,
        "legal_basis": _text(cells["legal_basis"]).strip(),
        "enterprise_related": flag in ("yes", "true", "1"),
    }


def _unit(rows, lookups, where, cells, prefix: str, required: bool):
    body_name = _text(cells[f"{prefix}_body"]).strip()
    unit_name = _text(cells[f"{prefix}_unit"]).strip()
    if not body_name and not unit_name and not required:
        return None
    unit = lookups.units.get((body_name, unit_name))
    if unit is None:
        rows.error(*where, f"{prefix}_unit", _("Unknown unit of that body."))
    return unit


def _parse_entry(rows, lookups, sheet, number, cells, matter_codes) -> dict | None:
    before = len(rows.errors)
    where = (sheet, number)
    code = _text(cells["matter"]).strip()
    matter = lookups.matters.get(code)
    if matter is None and code not in matter_codes:
        rows.error(*where, "matter", _("Unknown matter code."))
    zone_code = _text(cells["zone"]).strip()
    zone = lookups.zones.get(zone_code) if zone_code else None
    if zone_code and zone is None:
        rows.error(*where, "zone", _("Unknown zone code."))
    holder = _unit(rows, lookups, where, cells, "holder", True)
    mode = _text(cells["mode"]).strip()
    if mode not in DelegationMode.values:
        rows.error(*where, "mode", _("Unknown delegation mode."))
    deciding = _unit(rows, lookups, where, cells, "deciding", False)
    staff_number = _text(cells["commissioner"]).strip()
    commissioner = lookups.people.get(staff_number) if staff_number else None
    if staff_number and commissioner is None:
        rows.error(*where, "commissioner", _("Unknown staff number."))
    dates = {}
    for column in ("valid_from", "valid_to"):
        if cells[column] in (None, "") and column == "valid_to":
            dates[column] = None
            continue
        try:
            dates[column] = _parse_date(cells[column])
        except ValueError:
            rows.error(*where, column, _("Write a date as YYYY-MM-DD."))
    try:
        version = int(cells["version"])
        if version < 1:
            raise ValueError
    except (TypeError, ValueError):
        rows.error(*where, "version", _("Write a whole number from 1."))
    if len(rows.errors) > before:
        return None
    return {
        "matter_code": code,
        "list_name": sheet,
        "zone": zone,
        "holder_unit": holder,
        "mode": mode,
        "deciding_unit": deciding,
        "commissioner": commissioner,
        "valid_from": dates["valid_from"],
        "valid_to": dates["valid_to"],
        "version": version,
        "change_reason": _text(cells["change_reason"]).strip(),
    }


def _parse(upload) -> tuple[list, list, list[RowError]]:
    errors: list[RowError] = []
    rows = _Rows(errors)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        rows.error("", 0, "", _("The file is not an Excel workbook (.xlsx)."))
        return [], [], errors
    lookups = _Lookups()
    matters = []
    for number, cells in rows.read(workbook, MATTERS_SHEET, MATTER_COLUMNS):
        parsed = _parse_matter(rows, lookups, number, cells)
        if parsed:
            matters.append((number, parsed))
    codes = {parsed["code"] for _n, parsed in matters}
    entries = []
    for sheet in RegisterList.values:
        for number, cells in rows.read(workbook, sheet, ENTRY_COLUMNS):
            parsed = _parse_entry(rows, lookups, sheet, number, cells, codes)
            if parsed:
                entries.append((number, parsed))
    workbook.close()
    return matters, entries, errors


# ---- import: applying -----------------------------------------------------------------


def check_upload(upload) -> None:
    """Refuse anything that is not a modest .xlsx file before opening it."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx).")})
    content_type = getattr(upload, "content_type", None)
    if content_type and content_type not in XLSX_CONTENT_TYPES:
        raise ValidationError({"file": _("Upload an Excel workbook (.xlsx).")})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB.")})


def register_import(*, actor, upload) -> ImportResult:
    """Import a workbook all-or-nothing; raise ImportFailed listing every wrong row."""
    require(can_manage_org(actor), _("Only administrators may change the register."))
    matters, entries, errors = _parse(upload)
    if errors:
        raise ImportFailed(errors)
    result = ImportResult()
    with transaction.atomic():
        for number, data in matters:
            _apply_row(
                errors, MATTERS_SHEET, number, lambda d=data: _import_matter(actor, d, result)
            )
        entries.sort(key=lambda item: (item[1]["matter_code"], item[1]["version"]))
        for number, data in entries:
            _apply_row(
                errors, data["list_name"], number, lambda d=data: _import_entry(actor, d, result)
            )
        if errors:
            transaction.set_rollback(True)
        else:
            audit_record_bulk(
                actor=actor,
                action="register.import",
                object_type="register.listentry",
                rows=result.rows,
            )
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: (e.sheet, e.row)))
    return result


def _apply_row(errors, sheet, number, apply) -> None:
    try:
        with transaction.atomic():
            apply()
    except ValidationError as error:
        for column, messages in _error_columns(error):
            for message in messages:
                errors.append(RowError(sheet, number, column, message))


COLUMN_OF_FIELD = {"__all__": "", "effective_from": "valid_from", "list_name": ""}


def _error_columns(error: ValidationError):
    if not hasattr(error, "error_dict"):
        return [("", error.messages)]
    return [
        (COLUMN_OF_FIELD.get(name, name), [m for item in items for m in item.messages])
        for name, items in error.error_dict.items()
    ]


def _import_matter(actor, data: dict, result: ImportResult) -> None:
    matter = Matter.objects.filter(code=data["code"]).first()
    if matter is None:
        services.matter_create(actor=actor, **data)
        result.matters_created += 1
    elif any(getattr(matter, name) != value for name, value in data.items()):
        services.matter_update(actor=actor, matter=matter, **data)
        result.matters_updated += 1
    result.rows.append({"sheet": MATTERS_SHEET, **{k: str(v) for k, v in data.items()}})


ENTRY_KEYS = ("holder_unit", "mode", "deciding_unit", "commissioner", "valid_from", "change_reason")


def _import_entry(actor, data: dict, result: ImportResult) -> None:
    """New line (version 1), next version of a line, or an identical row (left alone)."""
    matter = Matter.objects.get(code=data["matter_code"])
    line = ListEntry.objects.filter(matter=matter, list_name=data["list_name"], zone=data["zone"])
    existing = line.filter(version=data["version"]).first()
    fields = {key: data[key] for key in (*ENTRY_KEYS, "valid_to")}
    result.rows.append(
        {
            "sheet": data["list_name"],
            "matter": matter.code,
            **{k: str(v) for k, v in fields.items()},
        }
    )
    if existing is not None:
        _import_existing(actor, existing, fields, result)
        return
    latest = line.order_by("-version").first()
    if latest is None and data["version"] == 1:
        services.entry_create(
            actor=actor, matter=matter, list_name=data["list_name"], zone=data["zone"], **fields
        )
    elif latest is not None and data["version"] == latest.version + 1:
        services.entry_change(
            actor=actor,
            entry=latest,
            effective_from=data["valid_from"],
            change_reason=data["change_reason"],
            holder_unit=data["holder_unit"],
            mode=data["mode"],
            deciding_unit=data["deciding_unit"],
            commissioner=data["commissioner"],
            valid_to=data["valid_to"],
        )
    else:
        raise ValidationError(
            {"version": _("Versions of a line are imported in order, one after the other.")}
        )
    result.entries_created += 1


def _import_existing(actor, existing: ListEntry, fields: dict, result) -> None:
    same = all(getattr(existing, key) == fields[key] for key in ENTRY_KEYS)
    if same and existing.valid_to == fields["valid_to"]:
        result.entries_unchanged += 1
        return
    if same and existing.valid_to is None and fields["valid_to"] is not None:
        services.entry_end(
            actor=actor,
            entry=existing,
            valid_to=fields["valid_to"],
            change_reason=_("Ended by import"),
        )
        result.entries_created += 1
        return
    raise ValidationError(
        {
            "version": _(
                "This version exists with other content; a change needs the next version number."
            )
        }
    )
