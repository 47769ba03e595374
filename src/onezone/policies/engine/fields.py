"""The enterprise fields a policy may read, with their kinds, Chinese labels and provenance.

Labels are Chinese only: the policy documents, their rules and explanations are Chinese
texts (the prose is part of the policy, not of the interface), so no gettext here.
"""

import csv
import functools
from dataclasses import dataclass, field
from importlib import resources

# Values of the kinds: number (a Decimal amount), integer (a count), ratio (a fraction shown as
# a percentage), text (a code), date, tags (a set of tag codes).
NUMERIC_KINDS = frozenset({"number", "integer", "ratio"})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label_zh: str
    label_en: str
    kind: str
    # The EnterpriseFigure names the value derives from; the value is authoritative for an
    # enterprise when each of those figures (latest year) comes from an authoritative source.
    authoritative_source_figures: frozenset[str] = field(default_factory=frozenset)
    # Copied from the market-regulation registration (登记信息): authoritative by nature.
    registration: bool = False
    unit_zh: str = ""
    # Allowed values of a text field (None: any code).
    choices: tuple[str, ...] | None = None


def _figure(name, label_zh, label_en, kind, unit_zh, *figures):
    return FieldSpec(
        name,
        label_zh,
        label_en,
        kind,
        authoritative_source_figures=frozenset(figures or {name}),
        unit_zh=unit_zh,
    )


SIZE_CLASSES = ("large", "medium", "small", "micro")
DEVELOPMENT_STAGES = ("startup", "growth", "mature")

_ALL = [
    FieldSpec("zone", "所属功能区", "zone", "text", registration=True),
    FieldSpec("industry_code", "所属行业", "industry class", "text", registration=True),
    FieldSpec(
        "size_class", "企业规模", "size class", "text", registration=True, choices=SIZE_CLASSES
    ),
    FieldSpec(
        "development_stage", "发展阶段", "development stage", "text", choices=DEVELOPMENT_STAGES
    ),
    FieldSpec("tags", "企业标签", "tags", "tags"),
    _figure("employees", "从业人员", "employees", "integer", "人"),
    _figure("revenue_10k_cny", "营业收入", "revenue", "number", "万元"),
    _figure("assets_10k_cny", "资产总额", "total assets", "number", "万元"),
    _figure("rd_expense_10k_cny", "研发投入", "R&D expense", "number", "万元"),
    _figure(
        "rd_ratio",
        "研发投入占比",
        "R&D ratio",
        "ratio",
        "",
        "rd_expense_10k_cny",
        "revenue_10k_cny",
    ),
    _figure("invention_patents", "发明专利", "invention patents", "integer", "件"),
    _figure("rd_staff", "研发人员", "R&D staff", "integer", "人"),
    FieldSpec("age_years", "成立年限", "age in years", "integer", registration=True, unit_zh="年"),
    _figure("revenue_growth", "营业收入增长率", "revenue growth", "ratio", "", "revenue_10k_cny"),
    FieldSpec("registered_on", "成立日期", "registered on", "date", registration=True),
]

FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _ALL}

SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
STAGE_LABELS = {"startup": "初创期", "growth": "成长期", "mature": "成熟期"}


@functools.cache
def reference_tags() -> dict[str, str]:
    """Tag code → Chinese label from the reference file the tags table is loaded from, so rules
    can be checked and explained without a database."""
    source = resources.files("onezone.enterprises").joinpath("data", "enterprise_tags.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["label_zh"] for row in csv.DictReader(handle)}


def numeric_fields() -> list[str]:
    return [name for name, spec in FIELDS.items() if spec.kind in NUMERIC_KINDS]
