"""Masking of personal data (phone numbers, ID numbers) for people who don't need it in full."""

PERSONAL_FIELDS = frozenset({"phone", "mobile", "contact_phone", "id_number"})


def mask_phone(value: str) -> str:
    if not value:
        return value
    if len(value) <= 4:
        return "*" * len(value)
    keep_head = 3 if len(value) >= 11 else 1
    # Short values keep only two trailing characters, or nothing would stay hidden.
    keep_tail = 4 if len(value) >= 9 else 2
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_id_number(value: str) -> str:
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_value(field: str, value):
    if not isinstance(value, str):
        return value
    return mask_id_number(value) if field == "id_number" else mask_phone(value)


def mask_personal(data: dict | None) -> dict | None:
    """Copy of `data` with every personal field masked (used for audit before/after)."""
    if data is None:
        return None
    return {
        key: mask_value(key, value) if key in PERSONAL_FIELDS else value
        for key, value in data.items()
    }
