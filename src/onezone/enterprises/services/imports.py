"""Excel import of enterprises: store the upload, then check every row and write all or nothing.

`import_start` runs in the request; `import_run` runs in the worker (task
`run_enterprise_import`) and can be called directly. The run checks every row first, saving its
progress every PROGRESS_EVERY rows so the page can show a progress bar, and writes only when no
row is wrong.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import is_administrator, require
from onezone.core.audit import audit_record
from onezone.enterprises import excel
from onezone.enterprises.choices import ImportStatus
from onezone.enterprises.models import Enterprise, EnterpriseImport, Tag
from onezone.enterprises.services.files import enterprise_row_clean, enterprises_bulk_create
from onezone.org.access import zone_officer_zone_ids
from onezone.org.models import Zone

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 200
# Existing codes are looked up in chunks: SQLite limits the parameters of one query.
LOOKUP_CHUNK = 2000
FINISHED = {ImportStatus.SUCCEEDED, ImportStatus.FAILED}


def managed_zone_ids(actor) -> set[int]:
    """Zones whose enterprises the actor may import (access.can_manage_zone, for all at once)."""
    if is_administrator(actor):
        return set(Zone.objects.values_list("pk", flat=True))
    return zone_officer_zone_ids(actor)


def may_import(actor) -> bool:
    return bool(actor and actor.is_authenticated) and (
        is_administrator(actor) or bool(zone_officer_zone_ids(actor))
    )


def import_start(*, actor, uploaded_file) -> EnterpriseImport:
    """Store an uploaded workbook and queue its import; ValidationError on `file` if unusable."""
    require(may_import(actor), _("Only officers who manage a zone may import enterprises."))
    content = excel.upload_read(uploaded_file)
    with transaction.atomic():
        record = EnterpriseImport.objects.create(
            created_by=actor,
            created_at=clock.now(),
            file_name=(uploaded_file.name or "")[-200:],
            content=content,
            status=ImportStatus.QUEUED,
        )
        audit_record(
            actor=actor,
            action="enterprise_import.start",
            obj=record,
            after={"file_name": record.file_name, "bytes": len(content)},
        )
        transaction.on_commit(lambda: _enqueue(record.pk))
    return record


def _enqueue(import_id: int) -> None:
    from onezone.enterprises.tasks import run_enterprise_import

    run_enterprise_import.enqueue(import_id)


def import_run(*, import_id: int) -> EnterpriseImport:
    """Check and write one queued import; a second call (a retried task) changes nothing."""
    claimed = EnterpriseImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING
    )
    record = EnterpriseImport.objects.select_related("created_by").get(pk=import_id)
    if not claimed:
        return record
    try:
        _run(record)
    except IntegrityError:
        logger.warning("enterprise import %s hit a concurrent write", import_id, exc_info=True)
        _finish(record, errors=[_general_error(_concurrent_message())])
    except Exception:
        logger.exception("enterprise import %s failed", import_id)
        _finish(record, errors=[_general_error(_unexpected_message())])
    return record


def _concurrent_message() -> str:
    return _(
        "Someone added one of these enterprises while the file was being checked; nothing was "
        "imported. Upload the file again to see which rows."
    )


def _unexpected_message() -> str:
    return _(
        "The import stopped because of an unexpected error; nothing was imported. Try again, "
        "or ask the administrator."
    )


def _general_error(reason: str) -> dict:
    return excel.RowError(0, "", reason).as_dict()


def _run(record: EnterpriseImport) -> None:
    rows, errors = excel.rows_read(bytes(record.content))
    record.total_rows = len(rows)
    record.processed_rows = 0
    record.save(update_fields=["total_rows", "processed_rows"])
    if not rows and not errors:
        errors = [excel.RowError(2, "", _("The sheet has no rows to import."))]
    cleaned = _check(record, rows) if not errors else ([], errors)
    good, errors = cleaned
    if errors:
        _finish(record, errors=[error.as_dict() for error in errors])
        return
    record.status = ImportStatus.WRITING
    record.save(update_fields=["status"])
    _write(record, good)


def _check(record: EnterpriseImport, rows: list[tuple[int, dict]]):
    """Clean every row; return (cleaned rows, errors sorted by row and column)."""
    actor = record.created_by
    zones = {zone.code: zone for zone in Zone.objects.all()}
    tags = set(Tag.objects.values_list("code", flat=True))
    managed = managed_zone_ids(actor)
    errors: list[excel.RowError] = []
    good = []
    first_row_of: dict[str, int] = {}
    for index, (number, data) in enumerate(rows, start=1):
        try:
            row = enterprise_row_clean(actor=actor, data=data, zones=zones, tags=tags)
        except ValidationError as error:
            errors.extend(excel.row_errors(number, error))
        else:
            problems = _row_scope_errors(number, row, managed, first_row_of)
            errors.extend(problems)
            if not problems:
                good.append((number, row))
        if index % PROGRESS_EVERY == 0:
            record.processed_rows = index
            record.save(update_fields=["processed_rows"])
    errors.extend(_on_file_errors(good))
    order = {header: position for position, (_key, header) in enumerate(excel.COLUMNS)}
    errors.sort(key=lambda error: (error.row, order.get(error.column, -1)))
    record.processed_rows = len(rows)
    record.save(update_fields=["processed_rows"])
    return [row for _number, row in good], errors


def _row_scope_errors(number, row, managed: set[int], first_row_of: dict) -> list:
    problems = []
    zone = row.fields["zone"]
    if zone.pk not in managed:
        problems.append(
            excel.RowError(
                number,
                excel.HEADER_OF["zone"],
                _("You may not import enterprises into %(zone)s.") % {"zone": zone.name},
            )
        )
    code = row.fields["uscc"]
    if code in first_row_of:
        problems.append(
            excel.RowError(
                number,
                excel.HEADER_OF["uscc"],
                _("This code is also in row %(row)d of the file.") % {"row": first_row_of[code]},
            )
        )
    else:
        first_row_of[code] = number
    return problems


def _on_file_errors(good: list) -> list:
    codes = [row.fields["uscc"] for _number, row in good]
    existing = set()
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start : start + LOOKUP_CHUNK]
        existing |= set(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    message = _("An enterprise with this unified social credit code is already on file.")
    return [
        excel.RowError(number, excel.HEADER_OF["uscc"], message)
        for number, row in good
        if row.fields["uscc"] in existing
    ]


def _write(record: EnterpriseImport, rows: list) -> None:
    written = {"count": 0}

    def progress(done: int) -> None:
        # Inside the writing transaction: other connections see the result only at commit,
        # so the page shows the writing phase without a count.
        written["count"] = done

    with transaction.atomic():
        created = enterprises_bulk_create(actor=record.created_by, rows=rows, progress=progress)
        record.created_count = created
        record.processed_rows = written["count"] or created
        _finish(record, errors=[], status=ImportStatus.SUCCEEDED)


def _finish(record: EnterpriseImport, *, errors: list[dict], status=ImportStatus.FAILED) -> None:
    record.status = status
    record.errors = errors
    record.finished_at = clock.now()
    if status == ImportStatus.FAILED:
        record.created_count = 0
    with transaction.atomic():
        record.save(
            update_fields=["status", "errors", "finished_at", "created_count", "processed_rows"]
        )
        audit_record(
            actor=record.created_by,
            action="enterprise_import.finish",
            obj=record,
            after={
                "status": status,
                "rows": record.total_rows,
                "created": record.created_count,
                "errors": len(errors),
            },
        )
