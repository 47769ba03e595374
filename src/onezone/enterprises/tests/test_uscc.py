"""Unified social credit codes (GB 32100-2015), checked with python-stdnum."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc

from onezone.conftest import USCC_A, USCC_B
from onezone.enterprises.uscc import uscc_clean

BAD_CHECKSUM = USCC_A[:-1] + "R"


def code_of(raw, **options) -> str:
    with pytest.raises(ValidationError) as error:
        uscc_clean(raw, **options)
    assert list(error.value.error_dict) == ["uscc"]
    (item,) = error.value.error_dict["uscc"]
    return item.code


def test_it_accepts_valid_codes():
    assert stdnum_uscc.is_valid(USCC_A) and stdnum_uscc.is_valid(USCC_B)

    assert uscc_clean(USCC_A) == USCC_A
    assert uscc_clean(USCC_B) == USCC_B


@pytest.mark.parametrize(
    "raw", [" 91510116MA61XY000Q ", "91510116ma61xy000q", "9151 0116-MA61 XY00-0Q"]
)
def test_it_compacts_spaces_hyphens_and_case(raw):
    assert uscc_clean(raw) == USCC_A


def test_it_refuses_a_wrong_check_character():
    assert not stdnum_uscc.is_valid(BAD_CHECKSUM)

    assert code_of(BAD_CHECKSUM) == "invalid_checksum"


def test_it_accepts_a_wrong_check_character_when_the_caller_allows_it():
    assert uscc_clean(BAD_CHECKSUM.lower(), allow_bad_checksum=True) == BAD_CHECKSUM


@pytest.mark.parametrize("raw", ["", None, USCC_A[:-1], USCC_A + "0", "915101"])
def test_it_refuses_a_code_that_is_not_18_characters(raw):
    assert code_of(raw) == "invalid_length"


@pytest.mark.parametrize(
    "raw",
    [
        "91510116MA61XY00IQ",  # I is not in the alphabet
        "91510116MA61XY00OQ",  # nor O
        "91510116MA61XY00ZQ",  # nor Z
        "9151011AMA61XY000Q",  # positions 1-8 are digits
        "91510116MA61XY00#Q",
    ],
)
def test_it_refuses_characters_outside_the_alphabet(raw):
    assert code_of(raw) == "invalid_format"


def test_it_refuses_bad_characters_even_when_the_checksum_may_be_wrong():
    assert code_of("91510116MA61XY00IQ", allow_bad_checksum=True) == "invalid_format"
    assert code_of("915101", allow_bad_checksum=True) == "invalid_length"
