"""The combined form: field types, drafts, unknown fields, and the union of items' fields."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from onezone.approvals.choices import FieldType
from onezone.approvals.formspec import FormField, clean_form, spec_fields, union_fields
from onezone.approvals.tests.conftest import VALID_ID_NUMBER
from onezone.conftest import USCC_A

T = FieldType
CHOICES = ("有限责任公司", "股份有限公司")


def field_of(kind: str, required=True) -> FormField:
    return FormField(
        name="answer",
        label="回答",
        type=kind,
        required=required,
        choices=CHOICES if kind == T.CHOICE else (),
    )


def error_code(kind: str, value) -> str:
    with pytest.raises(ValidationError) as caught:
        clean_form([field_of(kind)], {"answer": value}, complete=True)
    assert list(caught.value.error_dict) == ["form.answer"]
    (error,) = caught.value.error_dict["form.answer"]
    return error.code


VALID = [
    (T.STRING, "  芯谷新创  ", "芯谷新创"),
    (T.STRING, "字" * 200, "字" * 200),
    (T.TEXT, "第一行\n第二行", "第一行\n第二行"),
    (T.TEXT, "字" * 4000, "字" * 4000),
    (T.INTEGER, "42", 42),
    (T.INTEGER, 7, 7),
    (T.INTEGER, " -3 ", -3),
    (T.DECIMAL, "3.50", "3.50"),
    (T.DECIMAL, 2, "2"),
    (T.DATE, "2025-10-01", "2025-10-01"),
    (T.DATE, date(2026, 2, 17), "2026-02-17"),
    (T.BOOLEAN, True, True),
    (T.BOOLEAN, False, False),
    (T.BOOLEAN, "yes", True),
    (T.BOOLEAN, "0", False),
    (T.CHOICE, "股份有限公司", "股份有限公司"),
    (T.PHONE, "13800138000", "13800138000"),
    (T.PHONE, "138 0013 8000", "13800138000"),
    (T.PHONE, "028-12345678", "028-12345678"),
    (T.PHONE, "0281234567", "0281234567"),
    (T.EMAIL, " office@example.cn ", "office@example.cn"),
    (T.ID_NUMBER, VALID_ID_NUMBER, VALID_ID_NUMBER),
    (T.ID_NUMBER, VALID_ID_NUMBER.lower(), VALID_ID_NUMBER),
    (T.USCC, USCC_A, USCC_A),
    (T.USCC, f" {USCC_A[:9]} {USCC_A[9:]} ", USCC_A),
]


@pytest.mark.parametrize(("kind", "value", "cleaned"), VALID)
def test_valid_values_are_cleaned(kind, value, cleaned):
    assert clean_form([field_of(kind)], {"answer": value}, complete=True) == {"answer": cleaned}


INVALID = [
    (T.STRING, "字" * 201, "too_long"),
    (T.TEXT, "字" * 4001, "too_long"),
    (T.INTEGER, "4.2", "not_whole"),
    (T.INTEGER, "forty", "not_whole"),
    (T.DECIMAL, "3,5", "not_a_number"),
    (T.DECIMAL, "NaN", "not_a_number"),
    (T.DECIMAL, "Infinity", "not_a_number"),
    (T.DATE, "2025-02-30", "invalid_date"),
    (T.DATE, "01/10/2025", "invalid_date"),
    (T.DATE, "明天", "invalid_date"),
    (T.BOOLEAN, "maybe", "not_boolean"),
    (T.CHOICE, "个体工商户", "invalid_choice"),
    (T.CHOICE, "有限责任", "invalid_choice"),
    (T.PHONE, "12800138000", "invalid_phone"),  # no mobile network starts with 12
    (T.PHONE, "1380013800", "invalid_phone"),  # ten digits
    (T.PHONE, "138001380001", "invalid_phone"),  # twelve digits
    (T.PHONE, "28-12345678", "invalid_phone"),  # area code without its 0
    (T.PHONE, "028-123456", "invalid_phone"),
    (T.PHONE, "+8613800138000", "invalid_phone"),
    (T.EMAIL, "office@", "invalid"),
    (T.ID_NUMBER, VALID_ID_NUMBER[:-1] + "1", "invalid_checksum"),
    (T.ID_NUMBER, "110105194913310021", "invalid_id_number"),  # month 13
    (T.ID_NUMBER, "1101051949123100", "invalid_id_number"),  # 16 characters
    (T.USCC, USCC_A[:-1] + ("R" if USCC_A[-1] != "R" else "T"), "invalid_checksum"),
    (T.USCC, USCC_A[:-1], "invalid_length"),
]


@pytest.mark.parametrize(("kind", "value", "code"), INVALID)
def test_invalid_values_are_field_errors(kind, value, code):
    assert error_code(kind, value) == code


def test_every_field_type_is_covered():
    assert {kind for kind, _value, _cleaned in VALID} == set(T.values)
    assert {kind for kind, _value, _code in INVALID} == set(T.values)


REGISTRATION = [
    FormField("company_name", "企业名称", T.STRING),
    FormField("legal_representative_id", "身份证号", T.ID_NUMBER),
    FormField("seal_count", "印章数量", T.INTEGER, required=False),
]


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_complete_form_requires_required_fields(blank):
    with pytest.raises(ValidationError) as caught:
        clean_form(REGISTRATION, {"company_name": blank}, complete=True)
    assert set(caught.value.error_dict) == {"form.company_name", "form.legal_representative_id"}
    assert {e.code for errors in caught.value.error_dict.values() for e in errors} == {"required"}


def test_optional_field_may_be_left_out():
    data = {"company_name": "芯谷", "legal_representative_id": VALID_ID_NUMBER, "seal_count": ""}
    assert clean_form(REGISTRATION, data, complete=True) == {
        "company_name": "芯谷",
        "legal_representative_id": VALID_ID_NUMBER,
    }


def test_draft_skips_required_but_checks_what_is_given():
    assert clean_form(REGISTRATION, {}, complete=False) == {}
    assert clean_form(REGISTRATION, {"company_name": "芯谷"}, complete=False) == {
        "company_name": "芯谷"
    }
    with pytest.raises(ValidationError) as caught:
        clean_form(REGISTRATION, {"seal_count": "两枚"}, complete=False)
    assert list(caught.value.error_dict) == ["form.seal_count"]


@pytest.mark.parametrize("complete", [True, False])
def test_unknown_fields_are_refused(complete):
    data = {"company_name": "芯谷", "legal_representative_id": VALID_ID_NUMBER, "bribe": "100"}
    with pytest.raises(ValidationError) as caught:
        clean_form(REGISTRATION, data, complete=complete)
    assert list(caught.value.error_dict) == ["form.bribe"]
    assert caught.value.error_dict["form.bribe"][0].code == "unknown_field"


@pytest.mark.parametrize("data", [None, [], "company_name=芯谷", 42])
def test_form_must_be_an_object(data):
    with pytest.raises(ValidationError) as caught:
        clean_form(REGISTRATION, data, complete=False)
    assert list(caught.value.error_dict) == ["form"]


def test_all_errors_are_reported_at_once():
    data = {"company_name": "字" * 201, "legal_representative_id": "123", "seal_count": "x"}
    with pytest.raises(ValidationError) as caught:
        clean_form(REGISTRATION, data, complete=True)
    assert set(caught.value.error_dict) == {
        "form.company_name",
        "form.legal_representative_id",
        "form.seal_count",
    }


def test_union_dedupes_keeps_order_and_required():
    first = spec_fields(
        [
            {"name": "company_name", "label": "企业名称", "type": "string"},
            {"name": "contact_phone", "label": "电话", "type": "phone", "required": False},
        ]
    )
    second = spec_fields(
        [
            {"name": "seal_count", "label": "印章数量", "type": "integer", "required": False},
            {"name": "contact_phone", "label": "联系电话", "type": "phone", "required": True},
            {"name": "company_name", "label": "名称", "type": "string", "required": False},
        ]
    )
    merged = union_fields([first, second])
    assert [f.name for f in merged] == ["company_name", "contact_phone", "seal_count"]
    assert [f.required for f in merged] == [True, True, False]
    assert [f.label for f in merged] == ["企业名称", "电话", "印章数量"]
    assert union_fields([]) == []


def test_spec_fields_defaults_and_malformed_definitions():
    (only,) = spec_fields([{"name": "kind", "type": "choice", "choices": list(CHOICES)}])
    assert only == FormField("kind", "kind", T.CHOICE, True, CHOICES)
    assert only.as_dict() == {
        "name": "kind",
        "label": "kind",
        "type": "choice",
        "required": True,
        "choices": list(CHOICES),
    }
    assert "choices" not in REGISTRATION[0].as_dict()
    for bad in ({"name": "x", "type": "colour"}, {"type": "string"}, {"name": "", "type": "text"}):
        with pytest.raises(ValueError):
            spec_fields([bad])
