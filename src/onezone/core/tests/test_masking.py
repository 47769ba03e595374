"""Masking of phone and ID numbers for people who don't need them in full."""

import pytest

from onezone.core.masking import mask_id_number, mask_personal, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13800138000", "138****8000"),
        ("02812345678", "028****5678"),
        ("028-12345678", "028*****5678"),
        ("028123456", "0****3456"),
        ("12345678", "1*****78"),
        ("12345", "1**45"),
        ("1234", "****"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_it_masks_phone_numbers(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize("value", ["12345", "123456", "1234567", "12345678", "123456789"])
def test_it_hides_at_least_two_characters_of_any_phone_longer_than_four(value):
    masked = mask_phone(value)

    assert len(masked) == len(value)
    assert masked.count("*") >= 2
    assert masked != value


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "1101**********002X"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_it_masks_id_numbers(value, masked):
    assert mask_id_number(value) == masked


def test_it_masks_only_personal_fields_of_a_record():
    record = {
        "name": "张三",
        "phone": "13800138000",
        "mobile": "13900139000",
        "contact_phone": "02812345678",
        "id_number": "11010519491231002X",
        "staff_number": "T00001",
    }

    assert mask_personal(record) == {
        "name": "张三",
        "phone": "138****8000",
        "mobile": "139****9000",
        "contact_phone": "028****5678",
        "id_number": "1101**********002X",
        "staff_number": "T00001",
    }
    assert record["phone"] == "13800138000"


def test_it_leaves_missing_and_non_text_values_alone():
    assert mask_personal(None) is None
    assert mask_personal({"phone": None, "id_number": 0}) == {"phone": None, "id_number": 0}
