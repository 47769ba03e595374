"""Errors services raise; the API and the views turn them into 409/422 answers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ConflictError(Exception):
    """An action not allowed in the object's current state (HTTP 409)."""


def validation_errors(error: ValidationError) -> list[dict]:
    """Flatten a Django ValidationError into [{field, code, message}] for the API."""
    items = []
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                items.append(_item(field, item))
    else:
        for item in error.error_list:
            items.append(_item("__all__", item))
    return items


def _item(field: str, item: ValidationError) -> dict:
    message = item.message % item.params if item.params else item.message
    return {"field": field, "code": item.code or "invalid", "message": str(message)}


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A ValidationError on one field, with a stable code (what services raise)."""
    return ValidationError({field: ValidationError(message, code=code)})


def apply_fields(instance, data: dict, allowed: tuple[str, ...]) -> None:
    """Set `data` on a model instance, refusing any field a service does not let callers set."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise field_error(sorted(unknown)[0], _("This field cannot be set."), "unknown_field")
    for name, value in data.items():
        setattr(instance, name, value)
