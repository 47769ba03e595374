"""Canonical JSON: one byte-exact text for a value, so its hash can be recomputed later."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID


def _normalise(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("canonical JSON refuses naive datetimes")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # Fixed format: no exponent, no trailing zeros, "-0" folded to "0".
        text = format(value.normalize(), "f")
        return "0" if text in {"-0", "0"} else text
    if isinstance(value, float):
        return _normalise(Decimal(repr(value)))
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_normalise(item) for item in value]
        return sorted(items, key=canonical_json) if isinstance(value, set | frozenset) else items
    return value


def canonical_json(value) -> str:
    """Sorted keys, no spaces, UTF-8 text, UTC timestamps with microseconds, decimals as text."""
    return json.dumps(_normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def jsonable(value):
    """The value as it will be stored in a JSON column (same normalisation as the hash)."""
    return json.loads(canonical_json(value))
