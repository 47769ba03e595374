"""GB/T 4754-2017 industry classification (国民经济行业分类): lookup, cleaning and prefixes.

The table ships with the package (`data/gbt4754_2017_industries.csv`, 20 sections, 97
divisions, 473 groups, 1381 classes) and is read once per process.
"""

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

INDUSTRY_FILE = "gbt4754_2017_industries.csv"
LEVEL_NAMES = {
    "section": pgettext_lazy("industry level", "section"),
    "division": pgettext_lazy("industry level", "division"),
    "group": pgettext_lazy("industry level", "group"),
    "class": pgettext_lazy("industry level", "class"),
}


@dataclass(frozen=True)
class IndustryClass:
    """One entry of the table: `code` is digits (a letter for a section)."""

    code: str
    section: str
    name_zh: str
    level: str

    @property
    def label(self) -> str:
        """The code as printed in the standard with its section letter, e.g. C3973."""
        return self.code if self.level == "section" else f"{self.section}{self.code}"


@functools.cache
def industry_table() -> dict[str, IndustryClass]:
    """Every entry of the table by code."""
    source = resources.files("onezone.enterprises").joinpath("data", INDUSTRY_FILE)
    with source.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["code"]: IndustryClass(
                code=row["code"], section=row["section"], name_zh=row["name_zh"], level=row["level"]
            )
            for row in csv.DictReader(handle)
        }


def _split(raw: str) -> tuple[str, str]:
    """("C", "3973") from "c3973 "; ("", "3973") from "3973"; ("C", "") from "C"."""
    text = (raw or "").strip().upper()
    if text[:1].isalpha() and text[:1].isascii():
        return text[:1], text[1:]
    return "", text


def _error(message: str, code: str) -> ValidationError:
    return ValidationError({"industry_code": ValidationError(message, code=code)})


def industry_clean(raw: str) -> IndustryClass:
    """Return the class (小类) named by "3973", "C3973", "c3973" or " C3973 ".

    Raises ValidationError on the `industry_code` field: `unknown_industry` when the code is
    not in GB/T 4754-2017, `section_mismatch` when the letter is not the code's section (D3973),
    `not_a_class` when the code is a section, division or group rather than a 4-digit class.
    """
    letter, digits = _split(raw)
    shown = f"{letter}{digits}"
    table = industry_table()
    entry = table.get(digits) if digits else table.get(letter)
    if entry is None or (digits and not digits.isdigit()):
        raise _error(
            _("%(code)s is not an industry code of GB/T 4754-2017.") % {"code": shown or '""'},
            "unknown_industry",
        )
    if digits and letter and letter != entry.section:
        raise _error(
            _("Industry %(code)s belongs to section %(section)s, not %(letter)s.")
            % {"code": digits, "section": entry.section, "letter": letter},
            "section_mismatch",
        )
    if entry.level != "class":
        raise _error(
            _("%(code)s is an industry %(level)s; enter a 4-digit industry class.")
            % {"code": shown, "level": LEVEL_NAMES[entry.level]},
            "not_a_class",
        )
    return entry


def industry_section(code: str) -> str | None:
    """The section letter of a code ("3973", "C3973", "39" or "C"), None when unknown."""
    letter, digits = _split(code)
    entry = industry_table().get(digits or letter)
    return entry.section if entry else None


def industry_matches(code: str, prefix: str) -> bool:
    """Whether `code` falls under `prefix` in the GB/T 4754 hierarchy.

    A section letter covers all its divisions, groups and classes ("C" covers "3973"); digits
    cover the codes they begin ("39" and "397" cover "3973", "3973" covers itself). Both may
    carry the section letter ("C39"); a letter that is not the code's section never matches.
    """
    letter, digits = _split(code)
    prefix_letter, prefix_digits = _split(prefix)
    section = industry_section(code)
    if section is None or (letter and letter != section) or not (prefix_letter or prefix_digits):
        return False
    if prefix_letter and prefix_letter != section:
        return False
    return digits.startswith(prefix_digits)
