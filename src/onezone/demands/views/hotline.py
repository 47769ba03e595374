"""The hotline console (热线受理台): type the caller's phone, see the enterprise and its earlier
demands, record the call (or answer a consultation directly) with the keyboard alone, and get
the console back empty for the next call.

One page and two htmx fragments: the caller (enterprise field and earlier demands, looked up as
the phone is typed) and the duplicate warning (similar demands of the same enterprise in the
last 30 days, looked up when the description changes).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from onezone.core.access import role_names
from onezone.core.choices import Role
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, with_form_controls
from onezone.demands import access
from onezone.demands.choices import Channel, DemandAction
from onezone.demands.forms import HotlineForm
from onezone.demands.models import Demand, DemandCategory
from onezone.demands.selectors import demands as selectors
from onezone.demands.services import demands as services
from onezone.enterprises.access import enterprise_filter_for
from onezone.enterprises.models import Enterprise

CONSOLE_ROLES = frozenset({Role.HOTLINE_OPERATOR, Role.ZONE_OFFICER, Role.ADMINISTRATOR})
SIMILAR_DAYS = 30
MIN_PHONE_DIGITS = 7
HISTORY_LIMIT = 10


def _require_console(user) -> None:
    if not (role_names(user) & CONSOLE_ROLES and access.can_record(user)):
        raise PermissionDenied(_("The hotline console is for hotline operators and zone officers."))


def _categories():
    return DemandCategory.objects.filter(is_active=True)


def _visible_enterprise(user, uscc: str) -> Enterprise | None:
    if not uscc:
        return None
    visible = Enterprise.objects.filter(enterprise_filter_for(user)).distinct()
    return visible.filter(uscc=uscc.strip().upper()).first()


def _category_code(value: str) -> str:
    """The datalist offers codes labelled by name; an operator who typed the name means it."""
    value = (value or "").strip()
    named = _categories().filter(name=value).values_list("code", flat=True).first()
    return named or value


def _page(request, form, *, status=200, last=None):
    context = {
        "nav_active": "hotline",
        "form": with_form_controls(form),
        "categories": _categories(),
        "last": last,
    }
    return render(request, "demands/hotline.html", context, status=status)


def _last_recorded(request) -> Demand | None:
    pk = request.GET.get("last", "")
    if not pk.isdigit():
        return None
    return selectors.demand_list(actor=request.user, filters={}).filter(pk=int(pk)).first()


def _original(user, pk) -> Demand | None:
    if not pk:
        return None
    return selectors.demand_list(actor=user, filters={}).filter(pk=pk).first()


def _record(user, data: dict, mode: str) -> Demand:
    """Record the call; mark it a duplicate or answer it directly in the same transaction, so a
    refused answer leaves no half-recorded demand."""
    with transaction.atomic():
        demand = services.demand_create(
            actor=user,
            channel=Channel.HOTLINE,
            category=_category_code(data["category"]),
            title=data["title"],
            description=data["description"],
            priority=data["priority"],
            enterprise=(data["enterprise"] or "").strip().upper() or None,
            zone=data["zone"],
            caller_name=data["caller_name"],
            caller_phone=data["caller_phone"],
            is_legacy=data["is_legacy"],
            is_public=data["is_public"],
        )
        original = _original(user, data.get("duplicate_of"))
        if original is not None:
            demand = services.demand_mark_duplicate(actor=user, demand=demand, original=original)
        if mode == "answer":
            demand = services.demand_act(
                actor=user,
                demand=demand,
                action=DemandAction.ANSWER_DIRECTLY,
                data={"content": data["answer"]},
            )
    return demand


def _done_message(demand) -> str:
    if demand.state == "closed":
        return _("Recorded and answered: %(reference)s.") % {"reference": demand.reference}
    unit = demand.suggested_unit
    if unit is None:
        return _("Recorded: %(reference)s; no unit is suggested, dispatch it by hand.") % {
            "reference": demand.reference
        }
    return _("Recorded: %(reference)s; suggested unit: %(unit)s.") % {
        "reference": demand.reference,
        "unit": f"{unit.body.name} · {unit.name}",
    }


@login_required
def hotline(request):
    user = request.user
    _require_console(user)
    if request.method != "POST":
        return _page(request, HotlineForm(), last=_last_recorded(request))
    form = HotlineForm(request.POST)
    mode = "answer" if request.POST.get("mode") == "answer" else "record"
    if form.is_valid() and mode == "answer" and not form.cleaned_data["answer"].strip():
        form.add_error("answer", _("Write the answer given to the caller."))
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        demand = _record(user, form.cleaned_data, mode)
    except ValidationError as error:
        add_service_errors(form, error, renamed={"content": "answer"})
        return _page(request, form, status=422)
    except ConflictError as error:
        messages.error(request, error_text(error))
        return _page(request, form, status=409)
    messages.success(request, _done_message(demand))
    return redirect(f"{reverse('demands:hotline')}?last={demand.pk}")


def _enterprises_of(user, found: dict, phone: str) -> list:
    """The enterprise the selector found (by earlier demands and confirmed users), then those
    whose file lists the phone among its contacts: one phone may serve several enterprises."""
    enterprises = [found["enterprise"]] if found.get("enterprise") else []
    by_contact = (
        Enterprise.objects.filter(enterprise_filter_for(user), contacts__phone=phone)
        .exclude(pk__in=[enterprise.pk for enterprise in enterprises])
        .select_related("zone")
        .distinct()
        .order_by("name")[:HISTORY_LIMIT]
    )
    return [*enterprises, *by_contact]


@login_required
def hotline_caller(request):
    """Fragment: the caller's enterprise(s) preselected and their earlier demands."""
    _require_console(request.user)
    phone = "".join(ch for ch in request.GET.get("caller_phone", "") if ch.isdigit() or ch == "-")
    enterprises, demands = [], []
    if sum(ch.isdigit() for ch in phone) >= MIN_PHONE_DIGITS:
        found = selectors.demands_for_phone(actor=request.user, phone=phone)
        enterprises = _enterprises_of(request.user, found, phone)
        demands = list(found.get("demands") or [])[:HISTORY_LIMIT]
    context = {
        "phone": phone,
        "enterprises": enterprises,
        "selected": enterprises[0].uscc if enterprises else request.GET.get("enterprise", ""),
        "demands": demands,
    }
    return render(request, "demands/_hotline_caller.html", context)


@login_required
def hotline_similar(request):
    """Fragment: similar demands of the same enterprise in the last 30 days (duplicate warning)."""
    _require_console(request.user)
    params = request.POST if request.method == "POST" else request.GET
    enterprise = _visible_enterprise(request.user, params.get("enterprise", ""))
    text = " ".join(params.get(name, "") for name in ("title", "description")).strip()
    similar = []
    if enterprise is not None and text:
        candidates = selectors.similar_demands(enterprise=enterprise, text=text, days=SIMILAR_DAYS)
        similar = _visible_only(request.user, candidates)
    return render(
        request,
        "demands/_hotline_similar.html",
        {"similar": similar, "days": SIMILAR_DAYS, "enterprise": enterprise},
    )


def _visible_only(user, candidates) -> list[dict]:
    pks = [demand.pk for demand, _score in candidates]
    visible = set(
        selectors.demand_list(actor=user, filters={})
        .filter(pk__in=pks)
        .values_list("pk", flat=True)
    )
    return [
        {"demand": demand, "score": round(score)}
        for demand, score in candidates
        if demand.pk in visible
    ]


urlpatterns = [
    path("hotline/", hotline, name="hotline"),
    path("hotline/caller/", hotline_caller, name="hotline_caller"),
    path("hotline/similar/", hotline_similar, name="hotline_similar"),
]
