"""Open311 GeoReport v2 endpoints: discovery, services, service requests and tokens.

A machine API: POST is authenticated by its `api_key` (an API token), so it is exempt from
CSRF, which protects browser sessions only. See docs/open311.md for every decision.
"""

import secrets
from datetime import datetime, time, timedelta
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from onezone.core import clock
from onezone.core.errors import validation_errors
from onezone.core.tokens import token_user
from onezone.demands.access import can_record
from onezone.demands.choices import Channel, DemandState, Priority
from onezone.demands.open311 import records
from onezone.demands.open311.formats import FORMATS, Open311Error, render, render_error
from onezone.demands.services.demands import demand_create
from onezone.org.models import Zone

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-27T00:00:00+08:00"
DEFAULT_DAYS = 90
TITLE_LENGTH = 60
MAX_PARAMETER_LENGTH = 4000
TRUE_WORDS = {"true", "1", "yes"}
# The Open311 parameter behind each field the demand service names in its errors.
PARAMETER_OF = {
    "enterprise": "address_id",
    "zone": "jurisdiction_id",
    "category": "service_code",
    "title": "description",
    "caller_name": "first_name",
    "caller_phone": "phone",
    "address": "address_string",
}


def open311_view(*methods: str):
    """Check the method and the format, and answer every refusal as the spec's error list."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            try:
                if fmt not in FORMATS:
                    raise Open311Error(404, _("Unknown format: use .json or .xml."))
                allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)
                if request.method not in allowed:
                    raise Open311Error(405, _("Method not allowed."))
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return render_error(fmt, error)
            except Http404:
                return render_error(fmt, Open311Error(404, _("Not found.")))
            except PermissionDenied as error:
                message = str(error) or _("You are not permitted to do this.")
                return render_error(fmt, Open311Error(403, message))
            except ValidationError as error:
                messages = [
                    f"{PARAMETER_OF.get(item['field'], item['field'])}: {item['message']}"
                    for item in validation_errors(error)
                ]
                return render_error(fmt, Open311Error(400, *messages))

        return wrapper

    return decorate


# ---- parameters -------------------------------------------------------------------------------


def _param(params, name: str) -> str:
    value = params.get(name, "")
    if "\x00" in value or len(value) > MAX_PARAMETER_LENGTH:
        raise Open311Error(400, _("Invalid value of %(name)s.") % {"name": name})
    return value.strip()


def _key_owner(params, *, required: bool):
    """The user of the `api_key` (None without one on a GET); a bad key is always a 403."""
    raw = _param(params, "api_key")
    if not raw and not required:
        return None
    user = token_user(raw) if raw else None
    if user is None:
        raise Open311Error(403, _("Invalid api_key received: give a valid API token."))
    return user


def _jurisdiction(params) -> Zone | None:
    """`jurisdiction_id` names a zone by its code (optional: the district is one endpoint)."""
    code = _param(params, "jurisdiction_id")
    if not code:
        return None
    zone = Zone.objects.filter(code=code).first()
    if zone is None:
        raise Open311Error(404, _("jurisdiction_id not found."))
    return zone


def _moment(params, name: str) -> datetime | None:
    text = _param(params, name)
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s is not an ISO 8601 date and time.") % {"name": name})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _codes(params, name: str) -> list[str]:
    return [code.strip() for code in _param(params, name).split(",") if code.strip()]


# ---- discovery and services -------------------------------------------------------------------


@open311_view("GET")
def discovery(request, fmt: str):
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"]))
    data = {
        "changeset": CHANGESET,
        "contact": _("OneZone enterprise service hotline"),
        "key_service": _("Ask the platform administrator for an API token (onezone token create)."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rsplit("/", 1)[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return render(fmt, data, root="discovery", item=None)


@open311_view("GET")
def service_list(request, fmt: str):
    _jurisdiction(request.GET)
    items = [records.service_item(category) for category in records.category_list()]
    return render(fmt, items, root="services", item="service")


@open311_view("GET")
def service_definition(request, code: str, fmt: str):
    _jurisdiction(request.GET)
    category = records.category_get(code)
    if category is None:
        raise Open311Error(404, _("service_code not found."))
    data = {"service_code": category.code, "attributes": []}
    return render(fmt, data, root="service_definition", item=None)


# ---- service requests -------------------------------------------------------------------------


@csrf_exempt
@open311_view("GET", "POST")
def request_list(request, fmt: str):
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    owner = _key_owner(params, required=False)
    zone = _jurisdiction(params)
    rows = records.request_rows(owner)
    if zone is not None:
        rows = rows.filter(zone=zone)
    references = _codes(params, "service_request_id")
    # The spec: a list of ids overrides every other filter.
    rows = rows.filter(reference__in=references) if references else _filtered(rows, params)
    rows = rows.order_by("-accepted_at", "-id")[: records.MAX_REQUESTS]
    items = [records.request_item(demand) for demand in rows]
    return render(fmt, items, root="service_requests", item="request")


def _filtered(rows, params):
    codes = _codes(params, "service_code")
    if codes:
        rows = rows.filter(category_id__in=codes)
    statuses = set(_codes(params, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both."))
    if statuses == {"open"}:
        rows = rows.exclude(state=DemandState.CLOSED)
    elif statuses == {"closed"}:
        rows = rows.filter(state=DemandState.CLOSED)
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if end is None:
        end = start + timedelta(days=DEFAULT_DAYS) if start else clock.now()
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise Open311Error(400, _("start_date must not be after end_date."))
    if end - start > timedelta(days=DEFAULT_DAYS):
        raise Open311Error(400, _("The date range may not span more than 90 days."))
    return rows.filter(accepted_at__gte=start, accepted_at__lte=end)


def _caller_name(first: str, last: str) -> str:
    # Chinese names put the family name first and without a space.
    if any("\u4e00" <= char <= "\u9fff" for char in first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def _request_create(request, fmt: str):
    params = request.POST
    owner = _key_owner(params, required=True)
    if not can_record(owner):
        raise Open311Error(403, _("This api_key may not create service requests."))
    code = _param(params, "service_code")
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = records.category_get(code)
    if category is None:
        raise Open311Error(404, _("service_code not found."))
    description = _param(params, "description")
    if not description:
        raise Open311Error(400, _("description is required."))
    uscc = _param(params, "address_id")
    jurisdiction = _jurisdiction(params)
    zone = _param(params, "zone") or (jurisdiction.code if jurisdiction else "")
    if not uscc and not zone:
        raise Open311Error(
            400, _("Give address_id (an enterprise's USCC) or a zone code in jurisdiction_id.")
        )
    priority = _param(params, "priority") or Priority.ORDINARY
    if priority not in Priority.values:
        raise Open311Error(
            400, _("priority must be one of: %(values)s") % {"values": ", ".join(Priority.values)}
        )
    token = secrets.token_urlsafe(18)
    demand = demand_create(
        actor=owner,
        channel=Channel.OPEN311,
        category=category,
        title=description.splitlines()[0][:TITLE_LENGTH],
        description=description,
        priority=priority,
        enterprise=uscc or None,
        zone=zone or None,
        caller_name=_caller_name(_param(params, "first_name"), _param(params, "last_name")),
        caller_phone=_param(params, "phone"),
        address=_param(params, "address_string"),
        is_public=_param(params, "is_public").lower() in TRUE_WORDS,
        open311_token=token,
    )
    answer = {
        "service_request_id": demand.reference,
        "token": token,
        "service_notice": _("Received; it will be dispatched to the responsible unit."),
        "account_id": _param(params, "account_id"),
    }
    return render(fmt, [answer], root="service_requests", item="request", status=201)


@open311_view("GET")
def request_get(request, reference: str, fmt: str):
    owner = _key_owner(request.GET, required=False)
    _jurisdiction(request.GET)
    demand = records.request_rows(owner).filter(reference=reference).first()
    if demand is None:
        raise Open311Error(404, _("service_request_id not found."))
    return render(fmt, [records.request_item(demand)], root="service_requests", item="request")


@open311_view("GET")
def token_get(request, token: str, fmt: str):
    _jurisdiction(request.GET)
    demand = records.request_rows(None).filter(open311_token=token).first() if token else None
    if demand is None:
        raise Open311Error(404, _("token not found."))
    answer = {"service_request_id": demand.reference, "token": token}
    return render(fmt, [answer], root="service_requests", item="request")


def not_found(request, rest: str = ""):
    """Any other path under /open311/v2/ answers the spec's error list, not an HTML page."""
    fmt = rest.rsplit(".", 1)[-1] if "." in rest else "json"
    return render_error(fmt, Open311Error(404, _("Not found.")))
