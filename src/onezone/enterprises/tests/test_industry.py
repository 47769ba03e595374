"""GB/T 4754-2017 industry codes: the packaged table, cleaning and prefix matching."""

import pytest
from django.core.exceptions import ValidationError

from onezone.enterprises.industry import (
    IndustryClass,
    industry_clean,
    industry_matches,
    industry_table,
)

IC_MANUFACTURING = IndustryClass(code="3973", section="C", name_zh="集成电路制造", level="class")


def error_of(raw) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        industry_clean(raw)
    assert list(error.value.error_dict) == ["industry_code"]
    (item,) = error.value.error_dict["industry_code"]
    return item


def test_it_ships_the_whole_table_and_reads_it_once():
    levels = [entry.level for entry in industry_table().values()]

    assert [levels.count(level) for level in ("section", "division", "group", "class")] == [
        20,
        97,
        473,
        1381,
    ]
    assert industry_table() is industry_table()


@pytest.mark.parametrize("raw", ["3973", "C3973", "c3973", "  C3973 ", " 3973\t"])
def test_it_accepts_a_class_with_or_without_its_section_letter(raw):
    assert industry_clean(raw) == IC_MANUFACTURING


def test_it_keeps_leading_zeros_and_gives_the_printed_label():
    rice = industry_clean("A0111")

    assert (rice.code, rice.section, rice.name_zh, rice.level) == ("0111", "A", "稻谷种植", "class")
    assert rice.label == "A0111"


@pytest.mark.parametrize("raw", ["9999", "0000", "39731", "C39X3", "ABC", "CC", "", None])
def test_it_refuses_an_unknown_code(raw):
    item = error_of(raw)

    assert item.code == "unknown_industry"
    if raw and raw.strip():
        assert raw.strip().upper() in item.message


@pytest.mark.parametrize("raw", ["D3973", "d3973", "X3973", "G0111"])
def test_it_refuses_a_letter_that_is_not_the_codes_section(raw):
    item = error_of(raw)

    assert item.code == "section_mismatch"
    assert raw[1:] in item.message and raw[0].upper() in item.message


@pytest.mark.parametrize("raw", ["C", "c", "39", "C39", "397", "C397", "J"])
def test_it_refuses_a_section_division_or_group(raw):
    item = error_of(raw)

    assert item.code == "not_a_class"
    assert raw.upper() in item.message


@pytest.mark.parametrize(
    "code, prefix",
    [
        ("3973", "C"),
        ("3973", "c"),
        ("3973", "39"),
        ("3973", "397"),
        ("3973", "3973"),
        ("C3973", "39"),
        ("3973", "C39"),
        ("5910", "59"),
        ("5910", "591"),
        ("5910", "G"),
        ("39", "C"),
        ("397", "39"),
        ("C", "C"),
    ],
)
def test_it_matches_a_code_under_its_section_division_or_group(code, prefix):
    assert industry_matches(code, prefix)


@pytest.mark.parametrize(
    "code, prefix",
    [
        ("3973", "D"),
        ("3973", "40"),
        ("3973", "398"),
        ("3973", "39731"),
        ("3973", "D39"),
        ("D3973", "39"),  # the letter is not the code's section
        ("39", "397"),  # a division is not inside one of its groups
        ("C", "39"),
        ("9999", "99"),  # not a code of the standard
        ("3973", ""),
    ],
)
def test_it_does_not_match_outside_the_prefix(code, prefix):
    assert not industry_matches(code, prefix)
