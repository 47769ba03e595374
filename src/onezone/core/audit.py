"""The audit trail: append events to a hash chain in the caller's transaction, and verify it."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction

from onezone.core import clock
from onezone.core.canonical import canonical_json, jsonable
from onezone.core.masking import mask_personal
from onezone.core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def _event_hash(fields: dict) -> str:
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        head, _created = AuditHead.objects.get_or_create(
            pk=HEAD_ID, defaults={"count": 0, "last_hash": GENESIS_HASH}
        )
    return head


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event; must run inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the change's transaction")
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    head = _lock_head()
    event = AuditEvent(
        seq=head.count + 1,
        occurred_at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", None) or "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=jsonable(mask_personal(before)),
        after=jsonable(mask_personal(after)),
        prev_hash=head.last_hash,
    )
    # Microseconds are what both databases keep; the hash must match what is read back.
    event.hash = _event_hash(_hashed_fields(event))
    event.save()
    head.count = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["count", "last_hash"])
    return event


def audit_record_bulk(*, actor, action: str, object_type: str, rows: Iterable[dict]) -> AuditEvent:
    """One event for a bulk operation, carrying the count and a digest of every row."""
    masked_rows = [mask_personal(row) for row in rows]
    digest = hashlib.sha256(canonical_json(masked_rows).encode("utf-8")).hexdigest()
    return audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id="*",
        object_repr=f"{len(masked_rows)} rows",
        after={"row_count": len(masked_rows), "rows_sha256": digest},
    )


@dataclass(frozen=True)
class VerifyResult:
    is_intact: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def audit_verify(batch_size: int = 2000) -> VerifyResult:
    """Recompute the chain; report the first event that was altered, removed or reordered."""
    head = AuditHead.objects.filter(pk=HEAD_ID).first()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return VerifyResult(False, expected_seq - 1, expected_seq, "event missing")
        if event.prev_hash != expected_prev:
            return VerifyResult(False, expected_seq - 1, event.seq, "chain broken before it")
        if _event_hash(_hashed_fields(event)) != event.hash:
            return VerifyResult(False, expected_seq - 1, event.seq, "content altered")
        expected_prev = event.hash
        expected_seq += 1
    checked = expected_seq - 1
    head_count = head.count if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_count != checked or head_hash != expected_prev:
        return VerifyResult(False, checked, checked + 1, "events missing after the last one")
    return VerifyResult(True, checked)


def audit_history(*, obj: models.Model):
    """Every event about one object, newest first (callers check the object is visible)."""
    return (
        AuditEvent.objects.filter(object_type=object_type_of(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-seq")
    )


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of a model instance, for an audit before/after."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        data[name] = getattr(obj, field.attname)
    return data
