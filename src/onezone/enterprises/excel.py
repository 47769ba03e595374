"""Excel workbooks of the enterprise file: the import template, reading an upload, the export.

The columns carry fixed Chinese headers (the workbook is a data format officials fill in); every
error a row can have is reported against one of those headers, in the register's style: row,
column, reason.
"""

from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from onezone.core.masking import mask_phone
from onezone.enterprises.choices import (
    COUNT_FIGURES,
    DevelopmentStage,
    FigureName,
    Provenance,
    SizeClass,
)
from onezone.enterprises.models import Tag
from onezone.org.models import Zone

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
XLSX_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
}
DATA_SHEET = "企业"
INSTRUCTIONS_SHEET = "说明"
# (input key of services.enterprise_row_clean or a contact part, header); the order is the sheet's.
COLUMNS = [
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("legal_representative", "法定代表人"),
    ("registered_address", "注册地址"),
    ("zone", "所在园区(代码)"),
    ("industry_code", "行业代码"),
    ("registered_on", "成立日期"),
    ("employees", "从业人员"),
    ("revenue_10k_cny", "营业收入(万元)"),
    ("assets_10k_cny", "资产总额(万元)"),
    ("rd_expense_10k_cny", "研发费用(万元)"),
    ("tax_10k_cny", "纳税额(万元)"),
    ("invention_patents", "发明专利数"),
    ("rd_staff", "研发人员数"),
    ("tags", "标签(代码,逗号分隔)"),
    ("year", "数据年度"),
    ("source", "数据来源"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
]
HEADER_OF = dict(COLUMNS)
KEY_OF_HEADER = {header: key for key, header in COLUMNS}
REQUIRED_KEYS = (
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
TEXT_KEYS = {"uscc", "industry_code", "contact_phone", "zone", "year"}
EXPORT_EXTRA = [("size_class", "企业规模"), ("development_stage", "发展阶段")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


# ---- upload ------------------------------------------------------------------------------


def upload_read(upload) -> bytes:
    """The upload's bytes if it is a modest .xlsx workbook; ValidationError on `file` if not."""
    refused = ValidationError({"file": _("Upload an Excel workbook (.xlsx).")})
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise refused
    content_type = getattr(upload, "content_type", None)
    if content_type and content_type not in XLSX_CONTENT_TYPES:
        raise refused
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    upload.seek(0)
    content = upload.read()
    try:
        load_workbook(BytesIO(content), read_only=True).close()
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise refused from None
    return content


# ---- reading rows ------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_value(key: str, value):
    """A cell as the row cleaner expects it (numbers typed into text columns stay text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if key == "industry_code" and isinstance(value, int | float):
        return _text(value).zfill(4)  # Excel drops the leading zero of 0111
    if isinstance(value, float):
        return repr(value)
    return _text(value)


def _source_codes() -> dict[str, str]:
    """Source codes and their Chinese and English labels → code."""
    codes = {code: code for code in Provenance.values}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            codes.update({str(label): code for code, label in Provenance.choices})
    return codes


def _row_data(cells: dict, sources: dict[str, str]) -> dict:
    data = {key: _cell_value(key, value) for key, value in cells.items()}
    name = data.pop("contact_name", "")
    phone = data.pop("contact_phone", "")
    if name or phone:
        data["contacts"] = [{"name": name, "phone": phone, "is_primary": True}]
    source = data.get("source", "")
    if source:
        data["source"] = sources.get(source, source)
    return {key: value for key, value in data.items() if value not in ("", None)}


def rows_read(content: bytes) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """(row number, input for enterprise_row_clean) for every non-empty row, and sheet errors."""
    workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = (
            workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        )
        values = sheet.iter_rows(values_only=True)
        header = [_text(cell) for cell in next(values, ())]
        keys = [KEY_OF_HEADER.get(name) or (name if name in HEADER_OF else None) for name in header]
        missing = [HEADER_OF[key] for key in REQUIRED_KEYS if key not in keys]
        if missing:
            return [], [RowError(1, name, _("The column is missing.")) for name in missing]
        sources = _source_codes()
        rows = []
        for number, row in enumerate(values, start=2):
            cells = {key: value for key, value in zip(keys, row, strict=False) if key}
            if all(value in (None, "") or _text(value) == "" for value in cells.values()):
                continue
            rows.append((number, _row_data(cells, sources)))
        return rows, []
    finally:
        workbook.close()


def _column_of(field_name: str, code: str | None) -> str:
    if field_name == "contacts":
        return HEADER_OF["contact_phone" if code == "invalid_phone" else "contact_name"]
    return HEADER_OF.get(field_name, "")


def row_errors(number: int, error: ValidationError) -> list[RowError]:
    """One RowError per message of a row's ValidationError, named by the column's header."""
    if not hasattr(error, "error_dict"):
        return [RowError(number, "", message) for message in error.messages]
    return [
        RowError(number, _column_of(name, item.code), message)
        for name, items in error.error_dict.items()
        for item in items
        for message in item.messages
    ]


# ---- template ----------------------------------------------------------------------------


def template_workbook() -> bytes:
    """An empty sheet with the headers, and a sheet listing zone, tag and source codes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append([header for _key, header in COLUMNS])
    for index, (key, header) in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(header) * 2 + 2)
        if key in TEXT_KEYS:
            sheet.column_dimensions[letter].number_format = "@"
    _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(sheet) -> None:
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60
    lines = [
        (_("How to fill in this workbook"), ""),
        (_("One enterprise per row of the sheet 企业; keep the header row."), ""),
        (
            _("Required columns"),
            "、".join(HEADER_OF[key] for key in REQUIRED_KEYS),
        ),
        (_("Dates"), _("YYYY-MM-DD, e.g. 2019-05-20")),
        (_("Industry code"), _("GB/T 4754-2017 class, e.g. 3973 or C3973")),
        (
            _("All or nothing"),
            _("Every row is checked first; if any row is wrong, nothing is imported."),
        ),
        ("", ""),
        (_("Zone codes"), ""),
        *((zone.code, zone.name) for zone in Zone.objects.order_by("code")),
        ("", ""),
        (_("Tag codes"), ""),
        *((tag.code, tag.label_zh) for tag in Tag.objects.all()),
        ("", ""),
        (_("Sources"), ""),
        *_source_lines(),
    ]
    for first, second in lines:
        sheet.append([str(first), str(second)])


def _source_lines() -> list[tuple[str, str]]:
    with translation.override("zh-hans"):
        return [(code, str(label)) for code, label in Provenance.choices]


# ---- export ------------------------------------------------------------------------------


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _figure_cells(enterprise) -> dict:
    """Year, source and tax from the prefetched `export_figures` (newest year first)."""
    figures = getattr(enterprise, "export_figures", [])
    revenue = next((f for f in figures if f.name == FigureName.REVENUE), None)
    tax = next((f for f in figures if f.name == FigureName.TAX), None)
    latest = revenue or (figures[0] if figures else None)
    return {
        "tax_10k_cny": _number(tax.value) if tax else None,
        "year": latest.year if latest else None,
        "source": latest.source if latest else "",
    }


def _export_row(enterprise, full_phone: bool, labels: dict) -> list:
    contacts = getattr(enterprise, "export_contacts", [])
    contact = contacts[0] if contacts else None
    phone = contact.phone if contact else ""
    values = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "legal_representative": enterprise.legal_representative,
        "registered_address": enterprise.registered_address,
        "zone": enterprise.zone.code,
        "industry_code": enterprise.industry_code,
        "registered_on": enterprise.registered_on,
        "tags": ",".join(tag.code for tag in enterprise.tags.all()),
        "contact_name": contact.name if contact else "",
        "contact_phone": phone if full_phone else mask_phone(phone),
        "size_class": labels["size"].get(enterprise.size_class, ""),
        "development_stage": labels["stage"].get(enterprise.development_stage, ""),
        **_figure_cells(enterprise),
    }
    for name in FigureName.values:
        if name != FigureName.TAX:
            value = getattr(enterprise, name)
            values[name] = value if name in COUNT_FIGURES else _number(value)
    return [values.get(key) for key, _header in [*COLUMNS, *EXPORT_EXTRA]]


def export_workbook(enterprises, full_phone, output) -> None:
    """Write enterprises (an iterable) to `output` in write-only mode, one row each.

    `full_phone(enterprise)` says whether the reader may see the contact phone in full.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(DATA_SHEET)
    header = []
    for _key, title in [*COLUMNS, *EXPORT_EXTRA]:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    labels = {"size": dict(SizeClass.choices), "stage": dict(DevelopmentStage.choices)}
    labels = {kind: {k: str(v) for k, v in choices.items()} for kind, choices in labels.items()}
    for enterprise in enterprises:
        sheet.append(_export_row(enterprise, full_phone(enterprise), labels))
    workbook.save(output)
