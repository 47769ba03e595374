"""The one combined form of a journey: the union of its items' fields, each asked once, and
its validation by field type (the same rules for the API, the portal and drafts)."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from onezone.approvals.choices import FieldType
from onezone.enterprises.uscc import uscc_clean

# Mainland mobile numbers, or landlines with an area code (028-12345678).
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
MAX_TEXT = {FieldType.STRING: 200, FieldType.TEXT: 4000}


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str
    required: bool = True
    choices: tuple = field(default_factory=tuple)

    def as_dict(self) -> dict:
        data = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "required": self.required,
        }
        if self.type == FieldType.CHOICE:
            data["choices"] = list(self.choices)
        return data


def spec_fields(raw_fields: list[dict]) -> list[FormField]:
    """FormFields of one ServiceSpec's `form_fields`; a malformed definition raises ValueError."""
    fields = []
    for raw in raw_fields:
        if raw.get("type") not in FieldType.values or not raw.get("name"):
            raise ValueError(f"bad form field definition: {raw!r}")
        fields.append(
            FormField(
                name=raw["name"],
                label=raw.get("label", raw["name"]),
                type=raw["type"],
                required=bool(raw.get("required", True)),
                choices=tuple(raw.get("choices", ())),
            )
        )
    return fields


def union_fields(field_lists) -> list[FormField]:
    """Each field once, in first-asked order; required if any item requires it."""
    merged: dict[str, FormField] = {}
    for fields in field_lists:
        for item in fields:
            known = merged.get(item.name)
            if known is None:
                merged[item.name] = item
            elif item.required and not known.required:
                merged[item.name] = FormField(
                    known.name, known.label, known.type, True, known.choices
                )
    return list(merged.values())


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_value(item: FormField, value):
    """The cleaned value, or raise ValidationError with a message for the field."""
    kind = FieldType(item.type)
    if kind in MAX_TEXT:
        text = str(value).strip()
        if len(text) > MAX_TEXT[kind]:
            raise ValidationError(
                _("At most %(limit)d characters.") % {"limit": MAX_TEXT[kind]}, code="too_long"
            )
        return text
    if kind == FieldType.INTEGER:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError(_("Enter a whole number."), code="not_whole") from None
        return number
    if kind == FieldType.DECIMAL:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError(_("Enter a number."), code="not_a_number") from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number."), code="not_a_number")
        return str(number)
    if kind == FieldType.DATE:
        day = value if isinstance(value, date) else _parse_date(value)
        return day.isoformat()
    if kind == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes", "on"}:
            return True
        if text in {"false", "0", "no", "off"}:
            return False
        raise ValidationError(_("Answer yes or no."), code="not_boolean")
    if kind == FieldType.CHOICE:
        if str(value) not in item.choices:
            raise ValidationError(
                _("Choose one of: %(choices)s.") % {"choices": "、".join(item.choices)},
                code="invalid_choice",
            )
        return str(value)
    if kind == FieldType.PHONE:
        text = str(value).strip().replace(" ", "")
        if not PHONE_PATTERN.match(text):
            raise ValidationError(
                _("Enter a mobile number or a landline with its area code."), code="invalid_phone"
            )
        return text
    if kind == FieldType.EMAIL:
        text = str(value).strip()
        validate_email(text)
        return text
    if kind == FieldType.ID_NUMBER:
        return _clean_id_number(value)
    return _clean_uscc(value)


def _parse_date(value) -> date:
    try:
        day = parse_date(str(value).strip())
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(_("Enter a date as YYYY-MM-DD."), code="invalid_date")
    return day


def _clean_id_number(value) -> str:
    try:
        return ric.validate(str(value).strip().upper())
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The check digit of this ID number is wrong."), code="invalid_checksum"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Enter an 18-character resident ID number."), code="invalid_id_number"
        ) from None


def _clean_uscc(value) -> str:
    try:
        return uscc_clean(str(value))
    except ValidationError as error:
        raise error.error_dict["uscc"][0] from None


def clean_form(fields: list[FormField], data: dict, *, complete: bool) -> dict:
    """Cleaned answers; ValidationError keyed `form.<name>` for each bad or missing field.

    `complete=False` (a draft) checks only what is given; unknown names are always refused.
    """
    if not isinstance(data, dict):
        raise ValidationError(
            {"form": ValidationError(_("The form must be an object."), code="invalid")}
        )
    by_name = {item.name: item for item in fields}
    errors: dict[str, list[ValidationError]] = {}
    cleaned = {}
    for name in sorted(set(data) - set(by_name)):
        errors[f"form.{name}"] = [
            ValidationError(_("This journey's form has no such field."), code="unknown_field")
        ]
    for item in fields:
        value = data.get(item.name)
        if _blank(value):
            if complete and item.required:
                errors[f"form.{item.name}"] = [
                    ValidationError(_("This field is required."), code="required")
                ]
            continue
        try:
            cleaned[item.name] = _clean_value(item, value)
        except ValidationError as error:
            errors[f"form.{item.name}"] = (
                [error]
                if not hasattr(error, "error_dict")
                else [item for items in error.error_dict.values() for item in items]
            )
    if errors:
        raise ValidationError(errors)
    return cleaned
