"""Excel import and export: lossless round trip, all-or-nothing with sheet/row/column errors."""

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from onezone.core.models import AuditEvent
from onezone.register import excel, services
from onezone.register.models import ListEntry, Matter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def state() -> list[tuple]:
    matters = list(Matter.objects.order_by("code").values_list(*excel.MATTER_COLUMNS[:2], "kind"))
    entries = list(
        ListEntry.objects.order_by(
            "matter__code", "list_name", "zone__code", "version"
        ).values_list(
            "matter__code",
            "list_name",
            "zone__code",
            "holder_unit",
            "mode",
            "deciding_unit",
            "commissioner",
            "valid_from",
            "valid_to",
            "version",
            "change_reason",
        )
    )
    return matters + entries


def upload(data: bytes, name="register.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def edited(data: bytes, sheet: str, cell: str, value) -> bytes:
    workbook = load_workbook(BytesIO(data))
    workbook[sheet][cell] = value
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def versioned(world, covered):
    old = ListEntry.objects.get(matter=covered.matter, zone=world.zone_a)
    services.entry_change(
        actor=world.admin,
        entry=old,
        effective_from=date(2025, 7, 1),
        change_reason="更换服务专员",
        commissioner=covered.commissioner_b,
    )
    return covered


def test_it_exports_one_sheet_per_list(versioned):
    workbook = load_workbook(BytesIO(excel.register_export()))
    assert workbook.sheetnames == [
        "matters",
        "approval_enforcement",
        "delegated_power",
        "management_matter",
        "duty",
    ]
    assert workbook["approval_enforcement"].max_row == 4  # header + 3 versions


def test_it_round_trips_losslessly(world, versioned):
    before = state()
    data = excel.register_export()
    ListEntry.objects.filter(previous__isnull=False).delete()
    ListEntry.objects.all().delete()
    Matter.objects.all().delete()
    excel.register_import(actor=world.admin, upload=upload(data))
    assert state() == before


def test_it_changes_nothing_when_importing_its_own_export(world, versioned):
    before = state()
    result = excel.register_import(actor=world.admin, upload=upload(excel.register_export()))
    assert (result.matters_created, result.matters_updated, result.entries_created) == (0, 0, 0)
    assert result.entries_unchanged == 5
    assert state() == before
    assert AuditEvent.objects.order_by("-seq").first().action == "register.import"


def test_it_writes_nothing_when_one_row_is_wrong(world, versioned):
    data = excel.register_export()
    ListEntry.objects.filter(previous__isnull=False).delete()
    ListEntry.objects.all().delete()
    Matter.objects.filter(code="SW001").delete()
    events = AuditEvent.objects.count()
    bad = edited(data, "delegated_power", "E3", "by_magic")
    with pytest.raises(excel.ImportFailed) as raised:
        excel.register_import(actor=world.admin, upload=upload(bad))
    assert raised.value.errors == [
        excel.RowError("delegated_power", 3, "mode", gettext("Unknown delegation mode."))
    ]
    assert not ListEntry.objects.exists()
    assert not Matter.objects.filter(code="SW001").exists()
    assert AuditEvent.objects.count() == events


def test_it_reports_a_rule_broken_while_applying_with_its_row(world, covered):
    data = edited(excel.register_export(), "approval_enforcement", "H2", "")
    ListEntry.objects.all().delete()
    with pytest.raises(excel.ImportFailed) as raised:
        excel.register_import(actor=world.admin, upload=upload(data))
    assert [(e.sheet, e.row, e.column) for e in raised.value.errors] == [
        ("approval_enforcement", 2, "commissioner")
    ]
    assert not ListEntry.objects.exists()


def test_it_refuses_a_file_that_is_not_a_workbook(world, covered):
    with pytest.raises(ValidationError):
        excel.check_upload(upload(b"x", name="register.csv"))
    with pytest.raises(excel.ImportFailed) as raised:
        excel.register_import(actor=world.admin, upload=upload(b"not a zip"))
    assert raised.value.errors[0].message == gettext("The file is not an Excel workbook (.xlsx).")


def test_it_refuses_a_file_over_the_size_limit(monkeypatch):
    monkeypatch.setattr(excel, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(ValidationError):
        excel.check_upload(upload(b"x" * 11))


def test_it_denies_import_to_non_administrators(world, covered):
    before = state()
    with pytest.raises(PermissionDenied):
        excel.register_import(actor=world.officer_a, upload=upload(excel.register_export()))
    assert state() == before


def test_it_shows_the_row_errors_on_the_import_page(client, world, covered):
    data = edited(excel.register_export(), "matters", "C2", "miracle")
    client.force_login(world.admin)
    response = client.post(reverse("register:import"), {"file": upload(data)})
    assert response.status_code == 200
    rows = response.context["row_errors"]
    assert [(e.sheet, e.row, e.column) for e in rows] == [("matters", 2, "kind")]


def test_it_hides_the_import_page_from_officers(client, world, covered):
    client.force_login(world.officer_a)
    assert client.get(reverse("register:import")).status_code == 404
    assert client.get(reverse("register:export")).status_code == 404
    response = client.post(reverse("register:import"), {"file": upload(excel.register_export())})
    assert response.status_code == 404
