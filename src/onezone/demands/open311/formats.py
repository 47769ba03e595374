"""Open311 answers in JSON or XML, shaped as GeoReport v2 spells them, and its error lists."""

import json
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Errors about a format nobody asked for (an unknown extension) are answered in JSON.
DEFAULT_FORMAT = "json"


class Open311Error(Exception):
    """An answer of the spec's error list: `[{code, description}]` with that HTTP status."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = [str(description) for description in descriptions]

    def items(self) -> list[dict]:
        return [{"code": self.status, "description": text} for text in self.descriptions]


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _append(parent, tag: str, value) -> None:
    """One value as XML: a dict becomes child elements, a list repeats `tag`'s singular."""
    element = ElementTree.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, list):
        singular = tag[:-1] if tag.endswith("s") else "item"
        for child in value:
            _append(element, singular, child)
    else:
        element.text = _text(value)


def to_xml(root: str, item: str | None, data) -> bytes:
    """`data` (a list of dicts under `root`/`item`, or one dict under `root`) as XML."""
    element = ElementTree.Element(root)
    if item is None:
        for key, value in data.items():
            _append(element, key, value)
    else:
        for row in data:
            _append(element, item, row)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


def render(fmt: str, data, *, root: str, item: str | None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = to_xml(root, item, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def render_error(fmt: str, error: Open311Error) -> HttpResponse:
    fmt = fmt if fmt in FORMATS else DEFAULT_FORMAT
    return render(fmt, error.items(), root="errors", item="error", status=error.status)
