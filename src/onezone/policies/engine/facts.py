"""The facts a policy reads about an enterprise: one enterprise as a dict (explanations,
applications), or every enterprise as columns (bulk matching), from the enterprise file's
current (latest-year) figures.

Derived fields: `rd_ratio` = R&D expense / revenue (unknown when revenue is 0 or either is
unknown); `age_years` = whole years from `registered_on` to the match date (birthday
semantics: one year old on the first anniversary); `revenue_growth` = (latest − previous) /
previous over the two latest yearly revenue figures (unknown when either is missing or the
previous is 0).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from onezone.policies.engine.fields import FIELDS, NUMERIC_KINDS
from onezone.policies.engine.rules import industry_prefix_clean, parse_date

REVENUE = "revenue_10k_cny"
# Enterprise columns copied from the enterprise row as they are.
_ROW_FIELDS = (
    "industry_code",
    "registered_on",
    "employees",
    "revenue_10k_cny",
    "assets_10k_cny",
    "rd_expense_10k_cny",
    "invention_patents",
    "rd_staff",
    "size_class",
    "development_stage",
)
FIGURE_FIELDS = (
    "employees",
    "revenue_10k_cny",
    "assets_10k_cny",
    "rd_expense_10k_cny",
    "invention_patents",
    "rd_staff",
)
TEXT_FIELDS = tuple(name for name, spec in FIELDS.items() if spec.kind == "text")
NUMBER_FIELDS = tuple(name for name, spec in FIELDS.items() if spec.kind in NUMERIC_KINDS)


def age_years(registered_on: datetime.date | None, at: datetime.date) -> int | None:
    """Whole years from registration to `at`; a 29 February registration turns a year older
    on 1 March in common years."""
    if registered_on is None:
        return None
    before_birthday = (at.month, at.day) < (registered_on.month, registered_on.day)
    return at.year - registered_on.year - int(before_birthday)


def ratio(numerator, denominator) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def growth(latest, previous) -> Decimal | None:
    if latest is None or previous is None or previous == 0:
        return None
    return (Decimal(latest) - Decimal(previous)) / Decimal(previous)


def _amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def facts_from_mapping(data: dict, at: datetime.date) -> dict:
    """Facts from plain values (a policy test's `enterprise`): missing fields are unknown;
    derived fields are computed unless given."""
    facts: dict = dict.fromkeys(FIELDS)
    for name, value in data.items():
        kind = FIELDS[name].kind
        if value is None or value == "":
            continue
        if kind == "date":
            facts[name] = parse_date(value)
        elif kind == "tags":
            facts[name] = frozenset([value] if isinstance(value, str) else value)
        elif kind in NUMERIC_KINDS:
            facts[name] = _amount(value) if kind != "integer" else int(value)
        elif name == "industry_code":
            facts[name] = industry_prefix_clean(str(value)) or str(value)
        else:
            facts[name] = str(value)
    if "rd_ratio" not in data:
        facts["rd_ratio"] = ratio(facts["rd_expense_10k_cny"], facts[REVENUE])
    if "age_years" not in data:
        facts["age_years"] = age_years(facts["registered_on"], at)
    return facts


def facts_for(enterprise, at: datetime.date) -> dict:
    """One enterprise's facts at `at` (three small queries: zone, tags, revenue figures)."""
    from onezone.enterprises.models import EnterpriseFigure

    revenues = list(
        EnterpriseFigure.objects.filter(enterprise=enterprise, name=REVENUE)
        .order_by("-year")
        .values_list("value", flat=True)[:2]
    )
    facts = {name: getattr(enterprise, name) for name in _ROW_FIELDS}
    facts["industry_code"] = enterprise.industry_code or None
    facts["development_stage"] = enterprise.development_stage or None
    facts["zone"] = enterprise.zone.code
    facts["tags"] = frozenset(tag.code for tag in enterprise.tags.all())
    facts["rd_ratio"] = ratio(enterprise.rd_expense_10k_cny, enterprise.revenue_10k_cny)
    facts["age_years"] = age_years(enterprise.registered_on, at)
    facts["revenue_growth"] = growth(*revenues) if len(revenues) == 2 else None
    return facts


def _authoritative_names(latest_sources: dict[str, str], revenue_sources: list[str]) -> dict:
    from onezone.enterprises.choices import AUTHORITATIVE_SOURCES

    result = {}
    for name, spec in FIELDS.items():
        if spec.registration:
            result[name] = True
        elif name == "revenue_growth":
            result[name] = len(revenue_sources) == 2 and all(
                source in AUTHORITATIVE_SOURCES for source in revenue_sources
            )
        elif spec.authoritative_source_figures:
            result[name] = all(
                latest_sources.get(figure) in AUTHORITATIVE_SOURCES
                for figure in spec.authoritative_source_figures
            )
        else:
            result[name] = False
    return result


def provenance_for(enterprise) -> dict[str, bool]:
    """Per field: whether this enterprise's value comes from an authoritative source
    (market regulation, tax, statistics). Registration data (zone, industry, size class,
    registration date, age) count as authoritative; tags and development stage never do."""
    from onezone.enterprises.models import EnterpriseFigure

    latest: dict[str, str] = {}
    revenue_sources: list[str] = []
    rows = EnterpriseFigure.objects.filter(enterprise=enterprise, name__in=FIGURE_FIELDS)
    for name, source in rows.order_by("-year").values_list("name", "source"):
        latest.setdefault(name, source)
        if name == REVENUE and len(revenue_sources) < 2:
            revenue_sources.append(source)
    return _authoritative_names(latest, revenue_sources)


# -- columns --------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """Every enterprise's facts as columns, position i being enterprise `ids[i]`.

    `columns`: numeric fields → float arrays (NaN: unknown); `registered_on` → float day
    ordinals (NaN: unknown); text fields → str arrays ("" unknown); "tags" → dict tag code →
    bool array. `authoritative`: field → bool array (empty when not loaded).
    """

    at: datetime.date
    ids: np.ndarray
    columns: dict
    authoritative: dict = field(default_factory=dict)
    tags_known: np.ndarray | None = None
    _categorical: dict = field(default_factory=dict, repr=False)
    # (field, op, value) → (true, false) arrays, filled by bulk.leaf_states.
    leaf_cache: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def numeric(self, name: str) -> np.ndarray:
        return self.columns[name]

    def categorical(self, name: str) -> tuple[np.ndarray, list[str]]:
        """(codes, categories) of a text column: codes index categories, -1 where unknown."""
        if name not in self._categorical:
            values = self.columns[name]
            categories, codes = np.unique(values, return_inverse=True)
            categories = [str(category) for category in categories]
            codes = codes.astype(np.int32).reshape(-1)
            if categories and categories[0] == "":
                codes = codes - 1
                categories = categories[1:]
            self._categorical[name] = (codes, categories)
        return self._categorical[name]

    def tag(self, code: str) -> np.ndarray:
        tags = self.columns["tags"]
        return tags[code] if code in tags else np.zeros(len(self.ids), dtype=bool)

    def known_tags(self) -> np.ndarray:
        if self.tags_known is None:
            return np.ones(len(self.ids), dtype=bool)
        return self.tags_known

    def row_facts(self, position: int) -> dict:
        """One enterprise's facts rebuilt from the columns (numbers as floats)."""
        facts: dict = {}
        for name, spec in FIELDS.items():
            if spec.kind == "tags":
                known = bool(self.known_tags()[position])
                members = (
                    code for code, column in self.columns["tags"].items() if column[position]
                )
                facts[name] = frozenset(members) if known else None
            elif spec.kind == "text":
                facts[name] = str(self.columns[name][position]) or None
            else:
                value = float(self.columns[name][position])
                if np.isnan(value):
                    facts[name] = None
                elif spec.kind == "date":
                    facts[name] = datetime.date.fromordinal(int(value))
                elif spec.kind == "integer":
                    facts[name] = int(value)
                else:
                    facts[name] = value
        return facts

    @classmethod
    def from_facts(cls, rows: list[dict], at: datetime.date, ids=None) -> "Snapshot":
        """A snapshot of facts dicts (synthetic populations, tests and benchmarks)."""
        ids = np.arange(len(rows)) if ids is None else np.asarray(ids)
        columns: dict = {}
        for name in NUMBER_FIELDS:
            columns[name] = np.array([row.get(name) for row in rows], dtype=float)
        columns["registered_on"] = _ordinals([row.get("registered_on") for row in rows])
        for name in TEXT_FIELDS:
            columns[name] = np.array([row.get(name) or "" for row in rows], dtype=str)
        tag_sets = [row.get("tags") for row in rows]
        tag_codes = sorted({tag for tags in tag_sets if tags for tag in tags})
        columns["tags"] = {
            code: np.array([bool(tags) and code in tags for tags in tag_sets]) for code in tag_codes
        }
        known = np.array([tags is not None for tags in tag_sets], dtype=bool)
        return cls(at=at, ids=ids, columns=columns, tags_known=known)


def _ordinals(dates: list) -> np.ndarray:
    return np.array([d.toordinal() if d is not None else np.nan for d in dates], dtype=float)


def _ages(registered: np.ndarray, at: datetime.date) -> np.ndarray:
    """Vectorised age_years over day ordinals (NaN stays NaN)."""
    known = ~np.isnan(registered)
    days = np.where(known, registered, at.toordinal()).astype(np.int64)
    as_dates = (days - datetime.date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    years = as_dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = as_dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day_of_month = (as_dates - as_dates.astype("datetime64[M]")).astype(np.int64) + 1
    before = (at.month * 100 + at.day) < (months * 100 + day_of_month)
    ages = (at.year - years - before).astype(float)
    return np.where(known, ages, np.nan)


def _ratio_column(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator == 0, np.nan, numerator / denominator)


def _chunks(ids, size: int = 5000):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _rows(queryset, enterprise_ids, id_field: str, columns: tuple) -> list[tuple]:
    if enterprise_ids is None:
        return list(queryset.values_list(*columns))
    rows: list[tuple] = []
    for chunk in _chunks(enterprise_ids):
        rows.extend(queryset.filter(**{f"{id_field}__in": chunk}).values_list(*columns))
    return rows


def _figure_rows(enterprise_ids, names: tuple, columns: tuple) -> list[tuple]:
    from onezone.enterprises.models import EnterpriseFigure

    queryset = EnterpriseFigure.objects.filter(name__in=names).order_by()
    return _rows(queryset, enterprise_ids, "enterprise_id", columns)


def _latest_two_revenues(positions: dict, count: int, enterprise_ids) -> tuple:
    """Per enterprise: the latest and previous yearly revenue (NaN where missing)."""
    rows = _figure_rows(enterprise_ids, (REVENUE,), ("enterprise_id", "year", "value"))
    latest = np.full(count, np.nan)
    previous = np.full(count, np.nan)
    if not rows:
        return latest, previous
    owners, years, values = (np.array(column) for column in zip(*rows, strict=True))
    where = np.array([positions.get(owner, -1) for owner in owners.tolist()])
    order = np.lexsort((-years, where))
    where, values = where[order], values[order].astype(float)
    first = np.ones(len(where), dtype=bool)
    first[1:] = where[1:] != where[:-1]
    second = np.zeros(len(where), dtype=bool)
    second[1:] = first[:-1] & ~first[1:]
    keep = where >= 0
    latest[where[first & keep]] = values[first & keep]
    previous[where[second & keep]] = values[second & keep]
    return latest, previous


def _authoritative_columns(positions: dict, count: int, enterprise_ids) -> dict:
    from onezone.enterprises.choices import AUTHORITATIVE_SOURCES

    rows = _figure_rows(enterprise_ids, FIGURE_FIELDS, ("enterprise_id", "name", "year", "source"))
    latest_ok = {name: np.zeros(count, dtype=bool) for name in FIGURE_FIELDS}
    revenue_ok = np.zeros(count, dtype=bool)
    if rows:
        owners, names, years, sources = (np.array(column) for column in zip(*rows, strict=True))
        where = np.array([positions.get(owner, -1) for owner in owners.tolist()])
        good = np.isin(sources, list(AUTHORITATIVE_SOURCES))
        for name in FIGURE_FIELDS:
            pick = (names == name) & (where >= 0)
            order = np.lexsort((-years[pick], where[pick]))
            owner, ok = where[pick][order], good[pick][order]
            first = np.ones(len(owner), dtype=bool)
            first[1:] = owner[1:] != owner[:-1]
            latest_ok[name][owner[first]] = ok[first]
            if name == REVENUE:
                second = np.zeros(len(owner), dtype=bool)
                second[1:] = first[:-1] & ~first[1:]
                revenue_ok[owner[first]] = ok[first]
                both = np.zeros(count, dtype=bool)
                both[owner[second]] = ok[second] & revenue_ok[owner[second]]
                revenue_ok = both
    result = {}
    for name, spec in FIELDS.items():
        if spec.registration:
            result[name] = np.ones(count, dtype=bool)
        elif name == "revenue_growth":
            result[name] = revenue_ok
        elif spec.authoritative_source_figures:
            masks = [latest_ok[figure] for figure in spec.authoritative_source_figures]
            result[name] = np.logical_and.reduce(masks)
        else:
            result[name] = np.zeros(count, dtype=bool)
    return result


def snapshot(
    at: datetime.date,
    enterprise_ids=None,
    *,
    fields=None,
    with_provenance: bool = True,
) -> Snapshot:
    """Every enterprise (or those of `enterprise_ids`) as columns, loaded with a handful of
    queries (values_list), never one per enterprise.

    `fields` (the fields the policies read) lets the figure queries be skipped when neither
    `revenue_growth` is read nor provenance wanted.
    """
    from onezone.enterprises.models import Enterprise

    queryset = Enterprise.objects.order_by("id")
    row_columns = ("id", "zone__code", *_ROW_FIELDS)
    rows = _rows(queryset, enterprise_ids, "id", row_columns)
    if enterprise_ids is not None:
        rows.sort(key=lambda row: row[0])
    count = len(rows)
    raw = dict(zip(row_columns, zip(*rows, strict=True), strict=True)) if rows else {}
    ids = np.array(raw.get("id", ()), dtype=np.int64)
    positions = dict(zip(ids.tolist(), range(count), strict=True))
    columns: dict = {}
    for name in FIGURE_FIELDS:
        columns[name] = np.array(raw.get(name, ()), dtype=float)
    columns["registered_on"] = _ordinals(list(raw.get("registered_on", ())))
    columns["age_years"] = _ages(columns["registered_on"], at)
    columns["rd_ratio"] = _ratio_column(columns["rd_expense_10k_cny"], columns[REVENUE])
    columns["zone"] = np.array(raw.get("zone__code", ()), dtype=str)
    for name in ("industry_code", "size_class", "development_stage"):
        columns[name] = np.array([value or "" for value in raw.get(name, ())], dtype=str)
    columns["tags"] = _tag_columns(positions, count, enterprise_ids)
    if fields is None or "revenue_growth" in fields:
        latest, previous = _latest_two_revenues(positions, count, enterprise_ids)
        columns["revenue_growth"] = _ratio_column(latest - previous, previous)
    else:
        columns["revenue_growth"] = np.full(count, np.nan)
    authoritative = (
        _authoritative_columns(positions, count, enterprise_ids) if with_provenance else {}
    )
    return Snapshot(at=at, ids=ids, columns=columns, authoritative=authoritative)


def _tag_columns(positions: dict, count: int, enterprise_ids) -> dict:
    from onezone.enterprises.models import Enterprise

    through = Enterprise.tags.through.objects.order_by()
    links = _rows(through, enterprise_ids, "enterprise_id", ("enterprise_id", "tag_id"))
    columns: dict = {}
    for owner, tag in links:
        position = positions.get(owner)
        if position is not None:
            columns.setdefault(tag, np.zeros(count, dtype=bool))[position] = True
    return columns
