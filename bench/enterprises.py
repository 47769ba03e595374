"""Enterprise file at scale: list page + count at 100k enterprises vs 1k, and a 10k-row import.

The list is timed for an administrator (no scope) and a zone officer (scoped by zone), with and
without a filter; each is compared with the same query at BASELINE rows, measured first in the
same run (1.00× = as fast as at 1k rows). The import of IMPORT_ROWS rows is compared with an
import of IMPORT_ROWS / 10 rows (per row: 1.00× = linear).
"""

import os
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from openpyxl import Workbook

from bench.timing import best_of, report
from onezone.core.choices import Role, ScopeKind
from onezone.enterprises import excel, services
from onezone.enterprises.choices import ImportStatus, Provenance
from onezone.enterprises.selectors import EnterpriseFilters, enterprise_list
from onezone.enterprises.services import imports
from onezone.enterprises.services.files import CleanFile
from onezone.enterprises.uscc import uscc_complete
from onezone.org import services as org

BASELINE = 1_000
TOTAL = int(os.environ.get("ONEZONE_BENCH_ENTERPRISES", "100000"))
IMPORT_ROWS = int(os.environ.get("ONEZONE_BENCH_IMPORT_ROWS", "10000"))
INDUSTRIES = [("3973", "C"), ("5411", "G"), ("2710", "C"), ("6311", "I"), ("5612", "G")]
# Codes of generated rows: imports use a range of their own so they never collide.
IMPORT_OFFSET = 50_000_000


def _people():
    users = get_user_model().objects
    admin = users.create_superuser(username="bench-admin", password="x", full_name="admin")
    zones = [
        org.zone_create(actor=admin, code=code, name=name)
        for code, name in [("chip", "成都芯谷"), ("air", "航空经济区"), ("bio", "生物城")]
    ]
    officer = users.create_user(username="bench-officer", password="x", full_name="officer")
    org.role_assign(
        actor=admin, user=officer, role=Role.ZONE_OFFICER, scope_kind=ScopeKind.ZONE, scope=zones[0]
    )
    return admin, officer, zones


def _clean_row(number: int, zones) -> CleanFile:
    industry, section = INDUSTRIES[number % len(INDUSTRIES)]
    return CleanFile(
        fields={
            "uscc": uscc_complete(f"91510116{number:09d}"),
            "name": f"企业{number:06d}",
            "legal_representative": "张三",
            "registered_address": "成都市双流区",
            "zone": zones[number % len(zones)],
            "industry_code": industry,
            "industry_section": section,
            "registered_on": date(2005 + number % 20, 1 + number % 12, 1),
            "uscc_override_reason": "",
        },
        figures={
            "employees": Decimal(10 + number % 900),
            "revenue_10k_cny": Decimal(100 + number % 50_000),
            "assets_10k_cny": Decimal(200 + number % 80_000),
            "rd_expense_10k_cny": Decimal(number % 500),
        },
        year=2024,
        source=Provenance.STATISTICS,
        tags=["high_tech"] if number % 7 == 0 else [],
    )


def _grow(admin, zones, start: int, stop: int) -> None:
    for first in range(start, stop, 10_000):
        rows = [_clean_row(n, zones) for n in range(first, min(first + 10_000, stop))]
        services.enterprises_bulk_create(actor=admin, rows=rows)


def _first_page(actor, filters: EnterpriseFilters):
    page = Paginator(enterprise_list(actor=actor, filters=filters), 25).get_page(1)
    return list(page), page.paginator.count


def _list_cases(admin, officer):
    return [
        ("list, administrator", admin, EnterpriseFilters()),
        ("list, zone officer", officer, EnterpriseFilters()),
        (
            "list, administrator, section C + tag",
            admin,
            EnterpriseFilters(industry="C", tag="high_tech"),
        ),
        ("list, zone officer, search by name", officer, EnterpriseFilters(search="企业0001")),
    ]


def _workbook(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(excel.DATA_SHEET)
    sheet.append([header for _key, header in excel.COLUMNS])
    for number in range(IMPORT_OFFSET + rows * 10, IMPORT_OFFSET + rows * 11):
        values = {
            "uscc": uscc_complete(f"91510116{number:09d}"),
            "name": f"导入企业{number}",
            "zone": "chip",
            "industry_code": "3973",
            "registered_on": "2020-03-01",
            "employees": 50,
            "revenue_10k_cny": 1200.5,
            "assets_10k_cny": 3000,
            "rd_expense_10k_cny": 80,
            "tax_10k_cny": 30,
            "tags": "high_tech",
            "year": 2024,
            "source": "statistics",
            "contact_name": "李四",
            "contact_phone": "13812345678",
        }
        sheet.append([values.get(key) for key, _header in excel.COLUMNS])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(officer, rows: int) -> float:
    content = _workbook(rows)
    upload = SimpleUploadedFile("bench.xlsx", content, content_type=excel.XLSX)
    record = imports.import_start(actor=officer, uploaded_file=upload)
    seconds = best_of(1, lambda: imports.import_run(import_id=record.pk))
    record.refresh_from_db()
    assert record.status == ImportStatus.SUCCEEDED, record.errors[:3]
    return seconds


def run() -> None:
    admin, officer, zones = _people()
    _grow(admin, zones, 0, BASELINE)
    cases = _list_cases(admin, officer)
    baselines = [
        best_of(5, lambda a=actor, f=filters: _first_page(a, f)) for _l, actor, filters in cases
    ]
    for (label, _actor, _filters), seconds in zip(cases, baselines, strict=True):
        report(f"{label} at {BASELINE:,} (baseline)", 1, seconds, seconds)
    import_baseline = _import(officer, IMPORT_ROWS // 10)
    report(
        f"import {IMPORT_ROWS // 10:,} rows (baseline)",
        IMPORT_ROWS // 10,
        import_baseline,
        import_baseline,
    )
    _grow(admin, zones, BASELINE, TOTAL)
    for (label, actor, filters), baseline in zip(cases, baselines, strict=True):
        seconds = best_of(5, lambda a=actor, f=filters: _first_page(a, f))
        report(f"{label} at {TOTAL:,}", 1, seconds, baseline)
    seconds = _import(officer, IMPORT_ROWS)
    report(f"import {IMPORT_ROWS:,} rows at {TOTAL:,}", IMPORT_ROWS, seconds, import_baseline * 10)
