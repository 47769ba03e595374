"""Demand KPIs (诉求考核指标) over a period and a scope, exactly as issue 6 defines them:
callback rates, on-time and return rates, handling time and the legacy resolution rate.

Every figure is aggregated in the database (a handful of grouped queries, never one per
demand); invalid demands are left out of everything. Periods are local dates (Asia/Shanghai),
both ends included.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from onezone.core import workcal
from onezone.core.errors import field_error
from onezone.demands.choices import Channel, Satisfaction
from onezone.demands.models import Demand, DemandCallback
from onezone.enterprises.models import Enterprise
from onezone.org.models import Unit, Zone

PLACES = 4
DAYS_PLACES = 2
DEFAULT_KPI = {
    "basically_factor": 0.9,
    "weights": {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4},
}
DIMENSIONS = {"zone": "zone_id", "unit": "lead_unit_id", "channel": "channel"}

COUNT_KEYS = (
    "valid_callbacks",
    "contacted",
    "resolved",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
)
RATE_KEYS = (
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "composite",
    "on_time_sign_rate",
    "on_time_reply_rate",
    "extension_rate",
    "return_rate",
    "repeat_rate",
    "legacy_resolution_rate",
)
KPI_KEYS = (
    *COUNT_KEYS,
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "composite",
    "on_time_sign_rate",
    "on_time_reply_rate",
    "extension_rate",
    "return_rate",
    "repeat_rate",
    "mean_handling_working_days",
    "legacy_total",
    "legacy_resolved",
    "legacy_resolution_rate",
)

DEFINITIONS = {
    "response_rate": _(
        "Valid callbacks made in the period in which the enterprise confirmed it was contacted, "
        "divided by the valid callbacks made in the period."
    ),
    "resolution_rate": _(
        "Valid callbacks made in the period that found the problem resolved, divided by the "
        "valid callbacks made in the period."
    ),
    "satisfaction_rate": _(
        "(Satisfied + 0.9 × basically satisfied) valid callbacks made in the period, divided "
        "by the valid callbacks made in the period."
    ),
    "composite": _(
        "0.1 × response rate + 0.5 × resolution rate + 0.4 × satisfaction rate, computed from "
        "the unrounded rates; empty when any of them is empty."
    ),
    "on_time_sign_rate": _(
        "Demands signed for in the period within the signing time limit, divided by the "
        "demands signed for in the period."
    ),
    "on_time_reply_rate": _(
        "Demands replied to in the period within the reply time limit (including an approved "
        "extension), divided by the demands replied to in the period."
    ),
    "extension_rate": _(
        "Demands replied to in the period after an approved extension, divided by the demands "
        "replied to in the period."
    ),
    "return_rate": _(
        "Demands dispatched in the period whose return was approved, divided by the demands "
        "dispatched in the period."
    ),
    "repeat_rate": _(
        "Demands accepted in the period that were marked as a duplicate of an earlier one, "
        "divided by the demands accepted in the period."
    ),
    "mean_handling_working_days": _(
        "Mean working days (office hours; half a day is 0.5) from acceptance to the reply, over "
        "the demands replied to in the period. Direct answers to consultations are not replies "
        "to a dispatched demand and are left out of the reply figures."
    ),
    "legacy_resolution_rate": _(
        "Legacy problems accepted up to the end of the period whose last valid callback up to "
        "then found them resolved, divided by all those legacy problems."
    ),
    "excluded": _("Demands marked invalid (malicious or repeated calls) are never counted."),
}


# ---- period and scope ---------------------------------------------------------------------


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in local time."""
    if start is None or end is None:
        raise field_error("from" if start is None else "to", _("Give a date."), "required")
    if end < start:
        raise field_error("to", _("The end is before the start."), "before_start")
    zone = _local_zone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _pk_of(value, model, lookup: str | None = None):
    """The primary key of a model instance, an id, or a natural key looked up by `lookup`
    (-1, which matches nothing, when that key is unknown)."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value.pk
    if isinstance(value, int) or lookup is None:
        try:
            return int(value)
        except (TypeError, ValueError):
            return -1
    row = model.objects.filter(**{lookup: value}).values_list("pk", flat=True).first()
    return -1 if row is None else row


def scope_filter(*, zone=None, unit=None, channel=None, enterprise=None, prefix: str = "") -> Q:
    """Valid demands in a scope: a zone (Zone, id or code), a lead unit (Unit or id), a
    channel, an enterprise (Enterprise or USCC). An unknown zone or enterprise matches
    nothing."""
    if isinstance(zone, str) and zone.isdigit():
        zone = int(zone)
    keys = {
        "zone_id": _pk_of(zone, Zone, "code"),
        "lead_unit_id": _pk_of(unit, Unit),
        "channel": channel or None,
        "enterprise_id": _pk_of(enterprise, Enterprise, "uscc"),
    }
    condition = Q(**{f"{prefix}is_invalid": False})
    for name, value in keys.items():
        if value is not None:
            condition &= Q(**{f"{prefix}{name}": value})
    return condition


def _kpi_settings() -> dict:
    configured = getattr(settings, "ONEZONE_DEMAND_KPI", {}) or {}
    weights = {**DEFAULT_KPI["weights"], **configured.get("weights", {})}
    return {
        "basically_factor": configured.get("basically_factor", DEFAULT_KPI["basically_factor"]),
        "weights": weights,
    }


# ---- grouped counts -----------------------------------------------------------------------


def _grouped(queryset, field: str | None, aggregates: dict) -> dict:
    """{group key: {name: value}}; one query. With no field, one group keyed None."""
    if field is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.values(field).annotate(**aggregates).order_by()
    return {row.pop(field): row for row in rows}


def _callback_counts(field, lower, upper, scope: Q) -> dict:
    valid = Q(valid=True)
    aggregates = {
        "valid_callbacks": Count("pk", filter=valid),
        "contacted": Count("pk", filter=valid & Q(contacted=True)),
        "resolved": Count("pk", filter=valid & Q(resolved=True)),
        "satisfied": Count("pk", filter=valid & Q(satisfaction=Satisfaction.SATISFIED)),
        "basically_satisfied": Count(
            "pk", filter=valid & Q(satisfaction=Satisfaction.BASICALLY_SATISFIED)
        ),
        "unsatisfied": Count("pk", filter=valid & Q(satisfaction=Satisfaction.UNSATISFIED)),
    }
    callbacks = DemandCallback.objects.filter(scope, at__gte=lower, at__lt=upper, valid=True)
    return _grouped(callbacks, field and f"demand__{field}", aggregates)


def _in(name: str, lower, upper) -> Q:
    return Q(**{f"{name}__gte": lower, f"{name}__lt": upper})


def _replied(lower, upper) -> Q:
    """Replies of the reply stage; a direct answer (closed at acceptance) has no reply clock
    and is not a reply to a dispatched demand."""
    return _in("replied_at", lower, upper) & Q(reply_on_time__isnull=False)


def _demand_counts(field, lower, upper, scope: Q) -> dict:
    signed, replied = _in("signed_at", lower, upper), _replied(lower, upper)
    dispatched, accepted = _in("dispatched_at", lower, upper), _in("accepted_at", lower, upper)
    aggregates = {
        "signed": Count("pk", filter=signed),
        "signed_on_time": Count("pk", filter=signed & Q(sign_on_time=True)),
        "replied": Count("pk", filter=replied),
        "replied_on_time": Count("pk", filter=replied & Q(reply_on_time=True)),
        "replied_extended": Count("pk", filter=replied & Q(extension_approved=True)),
        "dispatched": Count("pk", filter=dispatched),
        "dispatched_returned": Count("pk", filter=dispatched & Q(return_approved=True)),
        "accepted": Count("pk", filter=accepted),
        "accepted_repeated": Count("pk", filter=accepted & Q(duplicate_of__isnull=False)),
    }
    demands = Demand.objects.filter(scope).filter(signed | replied | dispatched | accepted)
    return _grouped(demands, field, aggregates)


def _legacy_counts(field, upper, scope: Q) -> dict:
    last_resolved = (
        DemandCallback.objects.filter(demand=OuterRef("pk"), valid=True, at__lt=upper)
        .order_by("-at", "-id")
        .values("resolved")[:1]
    )
    legacy = (
        Demand.objects.filter(scope, is_legacy=True, accepted_at__lt=upper)
        .annotate(last_resolved=Subquery(last_resolved))
        .order_by()
    )
    aggregates = {
        "legacy_total": Count("pk"),
        "legacy_resolved": Count("pk", filter=Q(last_resolved=True)),
    }
    return _grouped(legacy, field, aggregates)


def _handling_days(field, lower, upper, scope: Q) -> dict:
    """{key: (sum of working days, count)} acceptance → reply, for replies in the period.
    The working-time positions come from one calendar table, not a query per demand."""
    rows = Demand.objects.filter(scope, _replied(lower, upper)).values_list(
        field or "pk", "accepted_at", "replied_at"
    )
    totals: dict = defaultdict(lambda: [0, 0])
    calendar = None
    for key, accepted_at, replied_at in rows.iterator(chunk_size=5000):
        accepted_at, replied_at = workcal.local(accepted_at), workcal.local(replied_at)
        if calendar is None or not calendar.covers(accepted_at.year, replied_at.year):
            calendar = workcal.get_calendar(accepted_at.year - 1, replied_at.year + 1)
        micros = max(calendar.position(replied_at) - calendar.position(accepted_at), 0)
        total = totals[key if field else None]
        total[0] += micros / calendar.day_micros
        total[1] += 1
    return totals


# ---- rates --------------------------------------------------------------------------------


def _ratio(part, whole) -> float | None:
    return part / whole if whole else None


def _rounded(value: float | None, places: int = PLACES) -> float | None:
    return None if value is None else round(value, places)


def _figures(callbacks: dict, demands: dict, legacy: dict, handling) -> dict:
    config = _kpi_settings()
    valid = callbacks.get("valid_callbacks") or 0
    satisfied = callbacks.get("satisfied", 0) + config["basically_factor"] * callbacks.get(
        "basically_satisfied", 0
    )
    rates = {
        "response_rate": _ratio(callbacks.get("contacted", 0), valid),
        "resolution_rate": _ratio(callbacks.get("resolved", 0), valid),
        "satisfaction_rate": _ratio(satisfied, valid),
    }
    weights = config["weights"]
    parts = (rates["response_rate"], rates["resolution_rate"], rates["satisfaction_rate"])
    rates["composite"] = (
        None
        if None in parts
        else weights["response"] * parts[0]
        + weights["resolution"] * parts[1]
        + weights["satisfaction"] * parts[2]
    )
    get = demands.get
    rates |= {
        "on_time_sign_rate": _ratio(get("signed_on_time", 0), get("signed", 0)),
        "on_time_reply_rate": _ratio(get("replied_on_time", 0), get("replied", 0)),
        "extension_rate": _ratio(get("replied_extended", 0), get("replied", 0)),
        "return_rate": _ratio(get("dispatched_returned", 0), get("dispatched", 0)),
        "repeat_rate": _ratio(get("accepted_repeated", 0), get("accepted", 0)),
        "legacy_resolution_rate": _ratio(
            legacy.get("legacy_resolved", 0), legacy.get("legacy_total", 0)
        ),
    }
    days_total, days_count = handling or (0, 0)
    return {
        **{key: callbacks.get(key) or 0 for key in COUNT_KEYS},
        **rates,
        "mean_handling_working_days": _ratio(days_total, days_count),
        "legacy_total": legacy.get("legacy_total") or 0,
        "legacy_resolved": legacy.get("legacy_resolved") or 0,
    }


def _published(figures: dict) -> dict:
    """Rates rounded to 4 places and the mean days to 2, in the contract's key order."""
    out = {key: figures[key] for key in KPI_KEYS}
    for key in RATE_KEYS:
        out[key] = _rounded(figures[key])
    out["mean_handling_working_days"] = _rounded(figures["mean_handling_working_days"], DAYS_PLACES)
    return out


def _collect(field, start: date, end: date, scope: dict) -> dict:
    lower, upper = period_bounds(start, end)
    condition = scope_filter(**scope)
    callbacks = _callback_counts(field, lower, upper, scope_filter(**scope, prefix="demand__"))
    demands = _demand_counts(field, lower, upper, condition)
    legacy = _legacy_counts(field, upper, condition)
    handling = _handling_days(field, lower, upper, condition)
    keys = set(callbacks) | set(demands) | set(legacy) | set(handling)
    if field is None:
        keys = {None}
    return {
        key: _figures(
            callbacks.get(key, {}), demands.get(key, {}), legacy.get(key, {}), handling.get(key)
        )
        for key in keys
    }


# ---- public -------------------------------------------------------------------------------


def demand_kpis_raw(*, start: date, end: date, **scope) -> dict:
    """The figures with unrounded rates (the Excel export formats them itself)."""
    return _collect(None, start, end, scope)[None]


def demand_kpis(
    *, start: date, end: date, zone=None, unit=None, channel=None, enterprise=None
) -> dict:
    """The contract's KPI figures for the period [start, end] (local dates) and scope."""
    scope = {"zone": zone, "unit": unit, "channel": channel, "enterprise": enterprise}
    return _published(demand_kpis_raw(start=start, end=end, **scope))


def _labels(dimension: str, keys) -> dict:
    if dimension == "channel":
        return {key: str(Channel(key).label) for key in keys if key in Channel.values}
    if dimension == "zone":
        return dict(Zone.objects.filter(pk__in=keys).values_list("pk", "name"))
    units = Unit.objects.filter(pk__in=[key for key in keys if key]).select_related("body")
    return {unit.pk: f"{unit.body.short_name or unit.body.name} · {unit.name}" for unit in units}


def demand_kpis_by_raw(*, dimension: str, start: date, end: date, **scope) -> list[dict]:
    if dimension not in DIMENSIONS:
        raise field_error("dimension", _("Choose zone, unit or channel."), "invalid_choice")
    groups = _collect(DIMENSIONS[dimension], start, end, scope)
    labels = _labels(dimension, list(groups))
    rows = [
        {"key": key, "label": labels.get(key) or str(_("No lead unit")), **figures}
        for key, figures in groups.items()
    ]
    if dimension == "channel":
        order = {value: index for index, value in enumerate(Channel.values)}
        return sorted(rows, key=lambda row: order.get(row["key"], len(order)))
    return sorted(rows, key=lambda row: (row["key"] is None, row["label"]))


def demand_kpis_by(*, dimension: str, start: date, end: date, **scope) -> list[dict]:
    """The figures per zone, lead unit or channel: [{key, label, ...the contract's keys}],
    one row for every group with any activity in the period or a legacy problem."""
    return [
        {"key": row["key"], "label": row["label"], **_published(row)}
        for row in demand_kpis_by_raw(dimension=dimension, start=start, end=end, **scope)
    ]
