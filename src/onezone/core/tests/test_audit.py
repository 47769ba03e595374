"""The audit trail: a hash chain appended in the change's transaction, and its verification."""

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from onezone.conftest import make_user
from onezone.core import clock
from onezone.core.audit import (
    GENESIS_HASH,
    audit_history,
    audit_record,
    audit_record_bulk,
    audit_verify,
)
from onezone.core.canonical import canonical_json
from onezone.core.models import AuditEvent, AuditHead, AuditImmutableError


def record(count: int, actor=None) -> list[AuditEvent]:
    events = []
    for number in range(1, count + 1):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=actor,
                    action=f"thing.step{number}",
                    object_type="test.thing",
                    object_id=str(number),
                    object_repr=f"thing {number}",
                    before={"n": number - 1},
                    after={"n": number},
                )
            )
    return events


def raw_sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def stored(seq: int) -> dict:
    return AuditEvent.objects.filter(seq=seq).values().get()


def test_it_links_each_event_to_the_previous_one(db):
    events = record(3)

    assert [event.seq for event in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({event.hash for event in events}) == 3
    head = AuditHead.objects.get()
    assert (head.count, head.last_hash) == (3, events[2].hash)


def test_it_stores_who_did_what_to_which_object(db):
    user = make_user("clerk")
    moment = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)

    with clock.simulated_time(moment), transaction.atomic():
        event = audit_record(
            actor=user, action="user.touch", obj=user, before={"a": 1}, after={"a": 2}
        )

    assert stored(event.seq) == {
        "id": event.pk,
        "seq": 1,
        "occurred_at": moment,
        "actor_id": user.pk,
        "actor_label": "clerk",
        "action": "user.touch",
        "object_type": "core.user",
        "object_id": str(user.pk),
        "object_repr": "clerk",
        "before": {"a": 1},
        "after": {"a": 2},
        "prev_hash": GENESIS_HASH,
        "hash": event.hash,
    }


def test_it_labels_events_without_an_actor_as_system(db):
    (event,) = record(1)

    assert (event.actor_id, event.actor_label) == (None, "system")


def test_it_verifies_a_fresh_chain_as_intact(db):
    record(5)

    result = audit_verify()

    assert (result.is_intact, result.checked, result.first_bad_seq, result.problem) == (
        True,
        5,
        None,
        "",
    )


def test_it_verifies_an_empty_trail_as_intact(db):
    result = audit_verify()

    assert (result.is_intact, result.checked) == (True, 0)


def test_it_verifies_in_small_batches_too(db):
    record(5)

    assert audit_verify(batch_size=2).is_intact


def test_it_verifies_values_that_json_turns_into_text(db):
    with transaction.atomic():
        audit_record(
            actor=None,
            action="thing.price",
            object_type="test.thing",
            after={
                "amount_10k_cny": Decimal("12.50"),
                "at": datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
                "on": datetime(2025, 1, 2, tzinfo=UTC).date(),
                "name": "成都芯谷",
            },
        )

    assert stored(1)["after"] == {
        "amount_10k_cny": "12.5",
        "at": "2025-01-02T03:04:05.000006Z",
        "on": "2025-01-02",
        "name": "成都芯谷",
    }
    assert audit_verify().is_intact


def test_it_detects_a_row_changed_with_sql(db):
    record(4)

    raw_sql("UPDATE core_auditevent SET action='x' WHERE seq=2")

    result = audit_verify()
    assert (result.is_intact, result.first_bad_seq, result.checked, result.problem) == (
        False,
        2,
        1,
        "content altered",
    )


def test_it_detects_changed_json_content(db):
    record(3)

    raw_sql("UPDATE core_auditevent SET after=%s WHERE seq=3", ['{"n": 999}'])

    result = audit_verify()
    assert (result.is_intact, result.first_bad_seq, result.problem) == (
        False,
        3,
        "content altered",
    )


def test_it_detects_a_row_deleted_from_the_middle(db):
    record(5)

    raw_sql("DELETE FROM core_auditevent WHERE seq=3")

    result = audit_verify()
    assert (result.is_intact, result.first_bad_seq, result.checked, result.problem) == (
        False,
        3,
        2,
        "event missing",
    )


def test_it_detects_the_first_row_deleted(db):
    record(3)

    raw_sql("DELETE FROM core_auditevent WHERE seq=1")

    result = audit_verify()
    assert (result.is_intact, result.first_bad_seq, result.problem) == (False, 1, "event missing")


def test_it_detects_the_last_rows_deleted_through_the_head_record(db):
    record(5)

    raw_sql("DELETE FROM core_auditevent WHERE seq >= 4")

    result = audit_verify()
    assert (result.is_intact, result.first_bad_seq, result.checked, result.problem) == (
        False,
        4,
        3,
        "events missing after the last one",
    )


def test_it_detects_every_row_deleted(db):
    record(2)

    raw_sql("DELETE FROM core_auditevent")

    result = audit_verify()
    assert (result.is_intact, result.first_bad_seq, result.checked) == (False, 1, 0)


def test_it_detects_a_deleted_or_rewound_head_record(db):
    record(3)

    raw_sql("UPDATE core_audithead SET count=2")
    assert (audit_verify().is_intact, audit_verify().first_bad_seq) == (False, 4)

    raw_sql("DELETE FROM core_audithead")
    assert audit_verify().is_intact is False


def test_it_detects_a_tampered_previous_hash(db):
    events = record(4)

    raw_sql("UPDATE core_auditevent SET prev_hash=%s WHERE seq=3", ["f" * 64])

    result = audit_verify()
    assert (result.is_intact, result.first_bad_seq, result.problem) == (
        False,
        3,
        "chain broken before it",
    )
    assert events[2].prev_hash != "f" * 64


def test_it_detects_a_row_rewritten_with_a_recomputed_hash(db):
    from onezone.core.audit import _event_hash, _hashed_fields

    record(4)
    forged = AuditEvent.objects.get(seq=2)
    forged.action = "thing.forged"
    forged_hash = _event_hash(_hashed_fields(forged))

    raw_sql(
        "UPDATE core_auditevent SET action=%s, hash=%s WHERE seq=2",
        ["thing.forged", forged_hash],
    )

    result = audit_verify()
    assert (result.is_intact, result.first_bad_seq, result.problem) == (
        False,
        3,
        "chain broken before it",
    )


def test_it_refuses_to_save_an_existing_event_through_the_orm(db):
    record(2)
    event = AuditEvent.objects.get(seq=2)
    event.action = "x"

    with pytest.raises(AuditImmutableError):
        event.save()

    assert stored(2)["action"] == "thing.step2"
    assert audit_verify().is_intact


def test_it_refuses_to_delete_an_event_through_the_orm(db):
    record(2)

    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.get(seq=2).delete()

    assert AuditEvent.objects.count() == 2


def test_it_refuses_queryset_updates_and_deletes(db):
    record(2)

    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(seq=1).update(action="x")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()

    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "thing.step1",
        "thing.step2",
    ]
    assert audit_verify().is_intact


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_record_outside_a_transaction():
    head_before = list(AuditHead.objects.values_list("count", "last_hash"))

    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        audit_record(actor=None, action="thing.loose", object_type="test.thing")

    assert AuditEvent.objects.count() == 0
    assert list(AuditHead.objects.values_list("count", "last_hash")) == head_before
    assert head_before in ([], [(0, GENESIS_HASH)])


def test_it_rolls_the_event_back_with_the_change(db):
    record(1)

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=None, action="thing.doomed", object_type="test.thing")
        1 / 0  # noqa: B018 - the change fails after its event was written

    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1]
    assert AuditHead.objects.get().count == 1
    assert audit_verify().is_intact


def test_it_masks_personal_data_in_before_and_after(db):
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action="person.update",
            object_type="org.person",
            before={"name": "张三", "phone": "13800138000", "id_number": "11010519491231002X"},
            after={"name": "张三", "phone": "13900139000", "id_number": ""},
        )

    row = stored(event.seq)
    assert row["before"] == {
        "name": "张三",
        "phone": "138****8000",
        "id_number": "1101**********002X",
    }
    assert row["after"] == {"name": "张三", "phone": "139****9000", "id_number": ""}
    assert audit_verify().is_intact


def test_it_records_a_bulk_operation_as_one_event_with_count_and_digest(db):
    rows = [
        {"name": "甲", "phone": "13800138000"},
        {"name": "乙", "phone": "13900139000"},
    ]
    masked = [
        {"name": "甲", "phone": "138****8000"},
        {"name": "乙", "phone": "139****9000"},
    ]
    digest = hashlib.sha256(canonical_json(masked).encode("utf-8")).hexdigest()

    with transaction.atomic():
        event = audit_record_bulk(
            actor=None, action="person.import", object_type="org.person", rows=iter(rows)
        )

    row = stored(event.seq)
    assert (row["object_id"], row["object_repr"], row["action"]) == (
        "*",
        "2 rows",
        "person.import",
    )
    assert row["after"] == {"row_count": 2, "rows_sha256": digest}
    assert AuditEvent.objects.count() == 1


def test_it_lists_the_history_of_one_object_newest_first(db):
    user = make_user("clerk")
    other = make_user("other")
    with transaction.atomic():
        first = audit_record(actor=None, action="user.one", obj=user)
        audit_record(actor=None, action="user.other", obj=other)
        second = audit_record(actor=None, action="user.two", obj=user)

    assert list(audit_history(obj=user)) == [second, first]


def test_it_verify_command_reports_an_intact_trail(db):
    record(3)
    out = StringIO()

    call_command("audit", "verify", stdout=out)

    assert out.getvalue().strip() == "Audit trail intact: 3 events verified."


def test_it_verify_command_fails_naming_the_first_bad_event(db):
    record(3)
    raw_sql("UPDATE core_auditevent SET action='x' WHERE seq=2")

    with pytest.raises(CommandError) as error:
        call_command("audit", "verify", stdout=StringIO())

    assert str(error.value) == (
        "Audit trail BROKEN at event #2: content altered (1 events before it are intact)."
    )
    assert error.value.returncode == 1
