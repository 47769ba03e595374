"""Demands as Open311 service requests: which ones a caller may list and what each shows.

Without an api_key the GETs are public, as the spec wants, but they never reveal who asked
(enterprise, caller, address) nor a description the enterprise did not agree to publish;
invalid demands (malicious or repeated calls) are not published at all. A key adds the full
details of the demands its owner sees (`demand_filter_for`), and those demands even when
they are not public.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from onezone.demands.access import demand_filter_for
from onezone.demands.choices import DemandState
from onezone.demands.models import Demand, DemandCategory, DemandEvent

# The spec's ceiling on one answer.
MAX_REQUESTS = 1000


def category_list() -> QuerySet[DemandCategory]:
    return DemandCategory.objects.filter(is_active=True).select_related("matter")


def category_get(code: str) -> DemandCategory | None:
    return category_list().filter(code=code).first()


def service_item(category: DemandCategory) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(
            word for word in (category.name, category.matter.name, category.description) if word
        ),
        "group": str(category.get_group_display()),
    }


def request_rows(owner) -> QuerySet[Demand]:
    """Demands an Open311 caller may read, each with `in_scope` (full details) and `updated`."""
    latest = DemandEvent.objects.filter(demand=OuterRef("pk")).order_by("-at", "-id")
    rows = Demand.objects.select_related("category", "lead_unit__body", "enterprise", "zone")
    rows = rows.annotate(updated=Subquery(latest.values("at")[:1]))
    if owner is None:
        return rows.filter(is_invalid=False).annotate(in_scope=Value(False))
    scope = Demand.objects.filter(demand_filter_for(owner), pk=OuterRef("pk"))
    return rows.annotate(in_scope=Exists(scope)).filter(Q(is_invalid=False) | Q(in_scope=True))


def status_of(demand: Demand) -> str:
    return "closed" if demand.state == DemandState.CLOSED else "open"


def status_notes(demand: Demand) -> str:
    """The local state and its flags, e.g. "处理中；已督办；催办 2 次"."""
    notes = [str(demand.get_state_display())]
    if demand.is_supervised:
        notes.append(_("supervised"))
    if demand.urge_count:
        notes.append(_("urged %(count)s times") % {"count": demand.urge_count})
    if demand.extension_approved:
        notes.append(_("extension approved"))
    if demand.is_legacy:
        notes.append(_("legacy problem"))
    if demand.is_invalid:
        notes.append(_("invalid"))
    # Chinese text separates with a full-width semicolon.
    separator = "；" if (get_language() or "").startswith("zh") else "; "
    return separator.join(notes)


def w3c(moment: datetime | None) -> str | None:
    """A time as the spec writes it (W3C / ISO 8601 with the local offset)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def request_item(demand: Demand) -> dict:
    """One service request; who asked and a non-public description only for a key in scope."""
    in_scope = bool(getattr(demand, "in_scope", False))
    item = {
        "service_request_id": demand.reference,
        "status": status_of(demand),
        "status_notes": status_notes(demand),
        "service_name": demand.category.name,
        "service_code": demand.category_id,
    }
    if demand.is_public or in_scope:
        item["description"] = demand.description
    item.update(
        {
            "agency_responsible": str(demand.lead_unit) if demand.lead_unit_id else "",
            "service_notice": demand.reply_content if in_scope else "",
            "requested_datetime": w3c(demand.accepted_at),
            "updated_datetime": w3c(getattr(demand, "updated", None) or demand.accepted_at),
            "expected_datetime": w3c(demand.due_at),
        }
    )
    if in_scope:
        enterprise = demand.enterprise
        item["address"] = demand.address or (enterprise.registered_address if enterprise else "")
        item["address_id"] = enterprise.uscc if enterprise else ""
    item["zipcode"] = ""
    return item
