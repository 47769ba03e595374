"""Canonical JSON: one byte-exact text per value, so audit hashes can be recomputed."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from onezone.core.canonical import canonical_json, jsonable

SHANGHAI = timezone(timedelta(hours=8))


def test_it_sorts_keys_and_leaves_out_spaces():
    assert canonical_json({"b": 1, "a": [1, 2], "c": {"z": None, "y": True}}) == (
        '{"a":[1,2],"b":1,"c":{"y":true,"z":null}}'
    )


def test_it_gives_the_same_text_whatever_the_key_order():
    assert canonical_json({"x": 1, "y": 2}) == canonical_json({"y": 2, "x": 1})


def test_it_writes_timestamps_in_utc_with_microseconds_and_z():
    moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=SHANGHAI)

    assert canonical_json(moment) == '"2025-01-01T19:04:05.000000Z"'
    assert canonical_json(datetime(2025, 6, 30, 23, 59, 59, 123456, tzinfo=UTC)) == (
        '"2025-06-30T23:59:59.123456Z"'
    )


def test_it_gives_one_text_for_the_same_instant_in_two_time_zones():
    in_shanghai = datetime(2025, 1, 2, 8, 0, tzinfo=SHANGHAI)
    in_utc = datetime(2025, 1, 2, 0, 0, tzinfo=UTC)

    assert canonical_json(in_shanghai) == canonical_json(in_utc)


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        canonical_json({"at": datetime(2025, 1, 2, 3, 4, 5)})


def test_it_writes_dates_as_iso_text():
    assert canonical_json(date(2025, 1, 2)) == '"2025-01-02"'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1.50", '"1.5"'),
        ("-0", '"0"'),
        ("-0.00", '"0"'),
        ("0.000", '"0"'),
        ("100", '"100"'),
        ("1E+3", '"1000"'),
        ("12.3400", '"12.34"'),
        ("-1.10", '"-1.1"'),
        ("0.0001", '"0.0001"'),
    ],
)
def test_it_formats_decimals_without_trailing_zeros_or_exponent(value, text):
    assert canonical_json(Decimal(value)) == text


def test_it_formats_floats_like_the_equal_decimal():
    assert canonical_json(1.5) == '"1.5"'
    assert canonical_json(0.1) == '"0.1"'


def test_it_keeps_non_ascii_text():
    assert canonical_json({"name": "成都芯谷"}) == '{"name":"成都芯谷"}'


def test_it_sorts_sets_and_keeps_list_order():
    assert canonical_json({3, 1, 2}) == "[1,2,3]"
    assert canonical_json([3, 1, 2]) == "[3,1,2]"
    assert canonical_json((1, "a")) == '[1,"a"]'


def test_it_writes_uuids_as_text():
    value = UUID("12345678-1234-5678-1234-567812345678")

    assert canonical_json(value) == '"12345678-1234-5678-1234-567812345678"'


def test_it_makes_jsonable_values_that_hash_the_same_when_read_back():
    value = {"amount": Decimal("1.50"), "at": datetime(2025, 1, 2, tzinfo=UTC), "n": 3}

    stored = jsonable(value)

    assert stored == {"amount": "1.5", "at": "2025-01-02T00:00:00.000000Z", "n": 3}
    assert canonical_json(stored) == canonical_json(value)
