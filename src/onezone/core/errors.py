"""Errors services raise; the API and the views turn them into 409/422 answers."""

from django.core.exceptions import ValidationError


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
