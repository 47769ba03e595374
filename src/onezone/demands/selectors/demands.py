"""Reads of demands: the scoped list with its filters, one demand, its timeline, a caller's
history for the hotline console, similar recent demands (duplicate warning), categories."""

import re
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from onezone.core import clock
from onezone.demands.access import demand_filter_for
from onezone.demands.choices import DemandState
from onezone.demands.models import Demand, DemandCategory, DemandEvent
from onezone.demands.selectors.phones import PhoneReader

# Similarity (rapidfuzz, 0–100) from which a recent demand is shown as a possible duplicate.
SIMILAR_THRESHOLD = 70
TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off"}
PHONE_DIGITS = re.compile(r"\D+")

LIST_RELATED = (
    "category",
    "zone",
    "enterprise",
    "lead_unit__body",
    "receiving_unit__body",
    "suggested_unit__body",
)


def _bool(value) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in TRUE_VALUES:
        return True
    if text in FALSE_VALUES:
        return False
    return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _apply(actor, demands: QuerySet, filters: dict) -> QuerySet:
    simple = {
        "state": "state",
        "channel": "channel",
        "priority": "priority",
        "category": "category_id",
    }
    for key, lookup in simple.items():
        if filters.get(key):
            demands = demands.filter(**{lookup: filters[key]})
    zone = filters.get("zone")
    if zone:
        zone_id = _int(zone)
        demands = demands.filter(zone_id=zone_id) if zone_id else demands.filter(zone__code=zone)
    unit = _int(filters.get("unit"))
    if unit:
        demands = demands.filter(
            Q(lead_unit_id=unit)
            | Q(pk__in=Demand.co_units.through.objects.filter(unit_id=unit).values("demand_id"))
        )
    if filters.get("enterprise"):
        demands = demands.filter(enterprise__uscc=str(filters["enterprise"]).strip().upper())
    legacy = _bool(filters.get("is_legacy"))
    if legacy is not None:
        demands = demands.filter(is_legacy=legacy)
    overdue = _bool(filters.get("is_overdue"))
    if overdue is not None:
        condition = Q(due_at__lt=clock.now())
        demands = demands.filter(condition) if overdue else demands.exclude(condition)
    text = (filters.get("q") or "").strip()
    if text:
        # Part of a phone number would reveal masked digits digit by digit, so only those who
        # read every number in full search by phone fragments; others by the whole number.
        phone = (
            Q(caller_phone__contains=text)
            if PhoneReader(actor).may_search_phones()
            else Q(caller_phone=text)
        )
        demands = demands.filter(
            Q(reference__icontains=text)
            | Q(title__icontains=text)
            | Q(description__icontains=text)
            | phone
            | Q(enterprise__name__icontains=text)
        )
    return demands


def demand_list(*, actor, filters: dict | None = None) -> QuerySet[Demand]:
    """The demands the actor may see, filtered (state, channel, zone (id or code), unit (lead or
    co-unit id), enterprise (USCC), is_overdue, is_legacy, q, category, priority)."""
    demands = Demand.objects.filter(demand_filter_for(actor)).select_related(*LIST_RELATED)
    return _apply(actor, demands, filters or {})


def demand_get(*, actor, pk) -> Demand:
    """One visible demand (Http404 otherwise), with what its page shows."""
    demand = get_object_or_404(
        Demand.objects.select_related(*LIST_RELATED, "clock", "duplicate_of", "created_by")
        .prefetch_related("co_units__body")
        .filter(demand_filter_for(actor)),
        pk=pk,
    )
    return demand


def demand_timeline(demand: Demand) -> QuerySet[DemandEvent]:
    return demand.events.select_related("actor").order_by("at", "id")


def demand_categories() -> QuerySet[DemandCategory]:
    return DemandCategory.objects.filter(is_active=True).select_related("matter")


def _digits(phone: str) -> str:
    return PHONE_DIGITS.sub("", phone or "")


def demands_for_phone(*, actor, phone: str, limit: int = 20) -> dict:
    """The hotline console: the enterprise a caller's phone belongs to (through its confirmed
    users or earlier demands) and the caller's earlier demands the actor may see."""
    from onezone.enterprises.access import enterprise_filter_for
    from onezone.enterprises.choices import MembershipStatus
    from onezone.enterprises.models import Enterprise, EnterpriseMembership

    digits = _digits(phone)
    if len(digits) < 5:
        return {"enterprise": None, "demands": []}
    visible = Demand.objects.filter(demand_filter_for(actor)).select_related(*LIST_RELATED)
    earlier = list(visible.filter(caller_phone__contains=digits)[:limit])
    enterprise = next((d.enterprise for d in earlier if d.enterprise_id), None)
    if enterprise is None:
        # Only an unambiguous match the actor may see: a phone shared by two enterprises'
        # users names neither.
        matches = list(
            Enterprise.objects.filter(
                enterprise_filter_for(actor),
                pk__in=EnterpriseMembership.objects.filter(
                    user__phone=digits, status=MembershipStatus.CONFIRMED
                ).values("enterprise_id"),
            ).select_related("zone")[:2]
        )
        enterprise = matches[0] if len(matches) == 1 else None
    if enterprise is not None:
        more = visible.filter(enterprise=enterprise).exclude(pk__in=[d.pk for d in earlier])
        earlier = sorted(
            [*earlier, *more[: max(limit - len(earlier), 0)]],
            key=lambda d: (d.accepted_at, d.pk),
            reverse=True,
        )
    return {"enterprise": enterprise, "demands": earlier}


def similar_demands(
    *, enterprise, text: str, days: int = 30, threshold: int = SIMILAR_THRESHOLD, limit: int = 5
) -> list[tuple[Demand, float]]:
    """Demands of the same enterprise in the last `days` whose title and description resemble
    `text` (rapidfuzz token-set ratio over characters, best first): the duplicate warning."""
    from rapidfuzz import fuzz

    text = (text or "").strip()
    if enterprise is None or not text:
        return []
    since = clock.now() - timedelta(days=days)
    candidates = Demand.objects.filter(
        enterprise=enterprise, accepted_at__gte=since, is_invalid=False
    ).select_related("category", "lead_unit__body")
    scored = []
    for demand in candidates:
        score = max(
            fuzz.partial_ratio(text, demand.title),
            fuzz.token_set_ratio(" ".join(text), " ".join(f"{demand.title} {demand.description}")),
        )
        if score >= threshold:
            scored.append((demand, round(float(score), 1)))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].pk))
    return scored[:limit]


def open_states() -> list[str]:
    return [state for state in DemandState.values if state != DemandState.CLOSED]
