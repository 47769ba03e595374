"""Excel import of enterprises: all or nothing, every bad row named, progress, access."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from onezone.conftest import USCC_A
from onezone.core.models import AuditEvent
from onezone.enterprises import excel
from onezone.enterprises.choices import ImportStatus, Provenance
from onezone.enterprises.models import (
    Enterprise,
    EnterpriseContact,
    EnterpriseFigure,
    EnterpriseImport,
)
from onezone.enterprises.services import imports
from onezone.enterprises.uscc import uscc_complete

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HEADERS = [header for _key, header in excel.COLUMNS]


def uscc(number: int) -> str:
    return uscc_complete(f"91510116{number:09d}")


def row(number: int, **changes) -> dict:
    values = {
        "统一社会信用代码": uscc(number),
        "企业名称": f"导入测试企业{number}",
        "法定代表人": "张三",
        "注册地址": "成都市双流区",
        "所在园区(代码)": "chip_valley",
        "行业代码": "3973",
        "成立日期": "2020-03-01",
        "从业人员": 50,
        "营业收入(万元)": 1200.5,
        "资产总额(万元)": 3000,
        "研发费用(万元)": 80,
        "纳税额(万元)": 30,
        "发明专利数": 2,
        "研发人员数": 10,
        "标签(代码,逗号分隔)": "high_tech,key",
        "数据年度": 2024,
        "数据来源": "statistics",
        "联系人": "李四",
        "联系电话": "13812345678",
    }
    values.update(changes)
    return values


def workbook(rows: list[dict], headers=HEADERS) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(excel.DATA_SHEET)
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(header) for header in headers])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "enterprises.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=excel.XLSX)


def run_import(actor, rows: list[dict], **kwargs) -> EnterpriseImport:
    record = imports.import_start(actor=actor, uploaded_file=upload(workbook(rows, **kwargs)))
    with translation.override("en"):
        imports.import_run(import_id=record.pk)
    record.refresh_from_db()
    return record


def test_it_names_the_one_bad_row_of_10000_and_writes_nothing(world):
    rows = [row(number) for number in range(10_000)]
    rows[7429]["统一社会信用代码"] = uscc(7429)[:-1] + ("0" if uscc(7429)[-1] != "0" else "1")
    before = Enterprise.objects.count()

    record = run_import(world.officer_a, rows)

    assert record.status == ImportStatus.FAILED
    assert record.total_rows == 10_000
    assert record.created_count == 0
    assert record.errors == [
        {
            "row": 7431,
            "column": "统一社会信用代码",
            "reason": "The check character of this code is wrong. If it is an early pilot "
            "code, give the reason for accepting it.",
        }
    ]
    assert Enterprise.objects.count() == before


def test_it_imports_a_clean_10000_row_workbook(world):
    before = Enterprise.objects.count()

    record = run_import(world.officer_a, [row(number) for number in range(10_000)])

    assert record.status == ImportStatus.SUCCEEDED
    assert (record.total_rows, record.processed_rows, record.created_count) == (10_000,) * 3
    assert record.progress_percent == 100
    assert record.errors == []
    assert Enterprise.objects.count() == before + 10_000
    imported = Enterprise.objects.get(uscc=uscc(9999))
    assert (imported.name, imported.zone, imported.industry_code) == (
        "导入测试企业9999",
        world.zone_a,
        "3973",
    )
    assert sorted(imported.tags.values_list("code", flat=True)) == ["high_tech", "key"]
    tax = EnterpriseFigure.objects.get(enterprise=imported, name="tax_10k_cny")
    assert (tax.year, tax.value, tax.source) == (2024, 30, Provenance.STATISTICS)
    assert EnterpriseContact.objects.get(enterprise=imported).phone == "13812345678"


def test_it_saves_the_progress_while_checking(world, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    seen = []
    original = EnterpriseImport.save

    def recording_save(self, *args, **kwargs):
        if "processed_rows" in (kwargs.get("update_fields") or []):
            seen.append((self.status, self.processed_rows))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EnterpriseImport, "save", recording_save)

    run_import(world.officer_a, [row(number) for number in range(5)])

    assert seen[:4] == [
        (ImportStatus.CHECKING, 0),
        (ImportStatus.CHECKING, 2),
        (ImportStatus.CHECKING, 4),
        (ImportStatus.CHECKING, 5),
    ]


def test_it_reports_duplicates_in_the_file_and_on_file(world):
    rows = [row(1), row(2), row(1, 企业名称="重复企业"), row(3, 统一社会信用代码=USCC_A)]
    before = Enterprise.objects.count()

    record = run_import(world.officer_a, rows)

    assert record.status == ImportStatus.FAILED
    assert record.errors == [
        {
            "row": 4,
            "column": "统一社会信用代码",
            "reason": "This code is also in row 2 of the file.",
        },
        {
            "row": 5,
            "column": "统一社会信用代码",
            "reason": "An enterprise with this unified social credit code is already on file.",
        },
    ]
    assert Enterprise.objects.count() == before


def test_it_reports_every_bad_cell_of_a_row(world):
    rows = [row(1, 行业代码="9999", 成立日期="someday", 从业人员=-3)]
    rows[0]["标签(代码,逗号分隔)"] = "high_tech,nonsense"

    record = run_import(world.officer_a, rows)

    assert [(error["row"], error["column"]) for error in record.errors] == [
        (2, "行业代码"),
        (2, "成立日期"),
        (2, "从业人员"),
        (2, "标签(代码,逗号分隔)"),
    ]
    assert record.errors[3]["reason"] == "Unknown tag: nonsense."


def test_it_refuses_rows_for_a_zone_the_officer_does_not_manage(world):
    before = Enterprise.objects.count()

    record = run_import(world.officer_b, [row(1, **{"所在园区(代码)": "aviation"}), row(2)])

    assert record.status == ImportStatus.FAILED
    assert record.errors == [
        {
            "row": 3,
            "column": "所在园区(代码)",
            "reason": "You may not import enterprises into 成都芯谷.",
        }
    ]
    assert Enterprise.objects.count() == before


def test_it_reports_missing_columns(world):
    headers = [header for header in HEADERS if header not in ("行业代码", "成立日期")]

    record = run_import(world.officer_a, [row(1)], headers=headers)

    assert record.errors == [
        {"row": 1, "column": "行业代码", "reason": "The column is missing."},
        {"row": 1, "column": "成立日期", "reason": "The column is missing."},
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [("enterprises.csv", b"uscc,name\n"), ("enterprises.xlsx", b"not a zip file at all")],
)
def test_it_refuses_a_file_that_is_not_a_workbook(world, name, content):
    with pytest.raises(ValidationError) as refused:
        imports.import_start(actor=world.officer_a, uploaded_file=upload(content, name))

    assert list(refused.value.error_dict) == ["file"]
    assert EnterpriseImport.objects.count() == 0


def test_it_refuses_a_file_over_the_size_limit(world, monkeypatch):
    monkeypatch.setattr(excel, "MAX_UPLOAD_BYTES", 100)

    with pytest.raises(ValidationError):
        imports.import_start(actor=world.officer_a, uploaded_file=upload(workbook([row(1)])))

    assert EnterpriseImport.objects.count() == 0


@pytest.mark.parametrize("persona", ["enterprise_user", "bureau_officer", "leader", "nobody"])
def test_it_lets_only_zone_officers_import(world, persona):
    with pytest.raises(PermissionDenied):
        imports.import_start(
            actor=getattr(world, persona), uploaded_file=upload(workbook([row(1)]))
        )

    assert EnterpriseImport.objects.count() == 0


def test_it_writes_nothing_when_the_writing_fails(world, monkeypatch):
    real = imports.enterprises_bulk_create

    def failing(**kwargs):
        real(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "enterprises_bulk_create", failing)
    before = Enterprise.objects.count()

    record = run_import(world.officer_a, [row(1), row(2)])

    assert record.status == ImportStatus.FAILED
    assert record.created_count == 0
    assert [error["row"] for error in record.errors] == [0]
    assert Enterprise.objects.count() == before


def test_it_runs_an_import_only_once(world):
    record = run_import(world.officer_a, [row(1)])

    imports.import_run(import_id=record.pk)

    assert Enterprise.objects.filter(uscc=uscc(1)).count() == 1
    assert AuditEvent.objects.filter(action="enterprise.import").count() == 1


def test_it_audits_the_start_and_the_finish(world):
    record = run_import(world.officer_a, [row(1)])

    actions = list(
        AuditEvent.objects.filter(object_id=str(record.pk), action__startswith="enterprise_import")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["enterprise_import.start", "enterprise_import.finish"]


# ---- pages --------------------------------------------------------------------------------


def test_it_uploads_and_runs_the_task_after_the_commit(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    client.force_login(world.officer_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:import_list"), {"file": upload(workbook([row(1), row(2)]))}
        )

    record = EnterpriseImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("enterprises:import_detail", args=[record.pk])
    assert record.status == ImportStatus.SUCCEEDED
    assert record.created_count == 2


def test_it_shows_a_field_error_for_a_bad_upload(client, world):
    client.force_login(world.officer_a)

    response = client.post(
        reverse("enterprises:import_list"), {"file": upload(b"a,b\n", "enterprises.csv")}
    )

    assert response.status_code == 200
    assert 'data-field="file"' in response.content.decode()
    assert EnterpriseImport.objects.count() == 0


def test_it_polls_while_running_and_stops_when_finished(client, world):
    record = imports.import_start(actor=world.officer_a, uploaded_file=upload(workbook([row(1)])))
    client.force_login(world.officer_a)
    url = reverse("enterprises:import_detail", args=[record.pk])

    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    imports.import_run(import_id=record.pk)
    finished = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 1s"' in running
    assert 'data-status="queued"' in running
    assert "hx-trigger" not in finished
    assert 'data-status="succeeded"' in finished
    assert "<html" not in finished


def test_it_shows_the_error_table(client, world):
    record = run_import(world.officer_a, [row(1, 行业代码="9999")])
    client.force_login(world.officer_a)

    page = client.get(reverse("enterprises:import_detail", args=[record.pk])).content.decode()

    assert 'id="row-errors"' in page
    assert "<td>2</td><td>行业代码</td>" in page


def test_it_hides_an_import_from_another_officer(client, world):
    record = imports.import_start(actor=world.officer_a, uploaded_file=upload(workbook([row(1)])))

    client.force_login(world.officer_b)
    other = client.get(reverse("enterprises:import_detail", args=[record.pk]))
    listing = client.get(reverse("enterprises:import_list")).content.decode()
    client.force_login(world.admin)
    admin = client.get(reverse("enterprises:import_detail", args=[record.pk]))

    assert other.status_code == 404
    assert f"import-{record.pk}" not in listing
    assert admin.status_code == 200


def test_it_hides_the_import_pages_from_enterprise_users(client, world):
    client.force_login(world.enterprise_user)

    assert client.get(reverse("enterprises:import_list")).status_code == 404
    assert client.get(reverse("enterprises:import_template")).status_code == 404


def test_it_lists_past_imports_with_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.officer_a)
    imports.import_start(actor=world.officer_a, uploaded_file=upload(workbook([row(1)])))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("enterprises:import_list"))
    for number in range(6):
        imports.import_start(actor=world.officer_a, uploaded_file=upload(workbook([row(number)])))

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("enterprises:import_list")).content.decode()

    assert page.count('<tr id="import-') == 7


def test_it_serves_the_template_with_headers_and_codes(client, world):
    client.force_login(world.officer_a)

    response = client.get(reverse("enterprises:import_template"))

    book = load_workbook(BytesIO(response.content), read_only=True)
    assert book.sheetnames == [excel.DATA_SHEET, excel.INSTRUCTIONS_SHEET]
    header = next(book[excel.DATA_SHEET].iter_rows(values_only=True))
    assert list(header) == HEADERS
    codes = [line[0] for line in book[excel.INSTRUCTIONS_SHEET].iter_rows(values_only=True)]
    assert {"chip_valley", "aviation", "high_tech", "statistics"} <= set(codes)


def test_it_imports_the_filled_in_template(world):
    template = load_workbook(BytesIO(excel.template_workbook()))
    sheet = template[excel.DATA_SHEET]
    sheet.append([row(5)[header] for header in HEADERS])
    buffer = BytesIO()
    template.save(buffer)
    record = imports.import_start(actor=world.officer_a, uploaded_file=upload(buffer.getvalue()))

    imports.import_run(import_id=record.pk)

    record.refresh_from_db()
    assert (record.status, record.created_count) == (ImportStatus.SUCCEEDED, 1)
