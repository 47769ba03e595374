"""Coffee Time pages (企业咖啡时): the session list, a session with its invitations, sign-ups,
presence, issues and follow-up report; the schedule generator; the portal's sign-up page."""

import calendar
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onezone.core import clock
from onezone.core.access import is_staff_member, require_visible
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.demands.choices import CoffeeIssueOutcome, CoffeeSessionState, Priority
from onezone.demands.models import DemandCategory
from onezone.demands.selectors import coffee as selectors
from onezone.demands.services import coffee as services
from onezone.enterprises.selectors import confirmed_enterprises_of, enterprise_list
from onezone.org.models import Body, Person, Zone
from onezone.org.selectors import active_posts

NAV = "demands"


def _require_staff(user) -> None:
    require_visible(is_staff_member(user))


def _session(request, pk: int):
    return selectors.coffee_session_get(actor=request.user, pk=pk)


def _require_organiser(user, session) -> None:
    if not selectors.can_organise_coffee(user, session.zone):
        raise PermissionDenied


# ---- forms --------------------------------------------------------------------------------


class SessionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        choices=[("", gettext_lazy("All states")), *CoffeeSessionState.choices],
        required=False,
    )
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"),
        queryset=Zone.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("All zones"),
    )
    date_from = forms.DateField(label=gettext_lazy("From"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].widget.input_type = "date"

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {**data, "zone": data["zone"].pk if data.get("zone") else None}


def _hosts():
    leaders = active_posts().filter(is_leader=True).values("person_id")
    return Person.objects.filter(pk__in=leaders).order_by("name", "pk")


class SessionForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Date"))
    host = forms.ModelChoiceField(label=gettext_lazy("Host"), queryset=Person.objects.none())
    host_title = forms.CharField(label=gettext_lazy("Host's position"), max_length=60)
    theme = forms.CharField(label=gettext_lazy("Theme"), max_length=200)
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"),
        queryset=Zone.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("Whole district"),
    )
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Departments"),
        queryset=Body.objects.order_by("kind", "name"),
        required=False,
    )
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].widget.input_type = "date"
        self.fields["host"].queryset = _hosts()
        self.fields["departments"].widget.attrs["size"] = 8


class InviteForm(forms.Form):
    usccs = forms.CharField(
        label=gettext_lazy("Unified social credit codes"),
        widget=forms.Textarea({"rows": 3}),
        help_text=gettext_lazy("One code per line (or separated by spaces or commas)."),
    )

    def enterprises(self, actor) -> list:
        codes = {
            code.strip().upper()
            for code in self.cleaned_data["usccs"].replace(",", " ").split()
            if code.strip()
        }
        found = list(enterprise_list(actor=actor).filter(uscc__in=codes))
        missing = codes - {enterprise.uscc for enterprise in found}
        if missing:
            raise ValidationError(
                {
                    "usccs": ValidationError(
                        _("No enterprise you can see has the code %(codes)s.")
                        % {"codes": ", ".join(sorted(missing))},
                        code="unknown",
                    )
                }
            )
        return found


class IssueForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Issue raised"), max_length=500, widget=forms.Textarea({"rows": 2})
    )
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"), queryset=None, required=False
    )
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=CoffeeIssueOutcome.choices)
    solution = forms.CharField(
        label=gettext_lazy("Solution on the spot"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Demand category"),
        queryset=DemandCategory.objects.filter(is_active=True),
        required=False,
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, initial=Priority.ORDINARY
    )

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        from onezone.enterprises.models import Enterprise

        participants = session.participants.values("enterprise_id") if session else []
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            pk__in=participants
        ).order_by("name")


class ReportForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Follow-up report"), widget=forms.Textarea({"rows": 6})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it is cancelled"), max_length=300)


class ScheduleForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"))
    end = forms.DateField(label=gettext_lazy("To"))
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"),
        queryset=Zone.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("Whole district"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].widget.input_type = "date"


# ---- staff pages --------------------------------------------------------------------------


@login_required
def coffee_list(request):
    _require_staff(request.user)
    form = SessionFilterForm(request.GET or None)
    sessions = selectors.coffee_session_list(actor=request.user, filters=form.filters())
    context = {
        "nav_active": NAV,
        "filter_form": with_form_controls(form),
        "may_organise": selectors.may_organise_any(request.user),
        "may_generate": selectors.can_generate_schedule(request.user),
        **paginate(request, sessions),
    }
    return render_list(
        request, "demands/coffee_list.html", "demands/coffee_list_results.html", context
    )


def _month_of(value: str | None):
    """The first day of a "YYYY-MM" month (this month when missing or malformed)."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return clock.today().replace(day=1)


def _weeks(first: date, sessions) -> list[list[dict | None]]:
    by_day: dict[date, list] = {}
    for session in sessions:
        by_day.setdefault(session.held_on, []).append(session)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return [
        [
            {"day": day, "sessions": by_day.get(day, [])} if day.month == first.month else None
            for day in week
        ]
        for week in weeks
    ]


@login_required
def coffee_calendar(request):
    """The sessions of one month as a calendar (one query for the month)."""
    _require_staff(request.user)
    first = _month_of(request.GET.get("month"))
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    filters = {"date_from": first, "date_to": last, "zone": request.GET.get("zone") or None}
    if filters["zone"] and not str(filters["zone"]).isdigit():
        filters["zone"] = None
    sessions = selectors.coffee_session_list(actor=request.user, filters=filters)
    context = {
        "nav_active": NAV,
        "month": first,
        "previous": (first - timedelta(days=1)).replace(day=1),
        "next": last + timedelta(days=1),
        "weeks": _weeks(first, sessions),
        "zones": Zone.objects.order_by("code"),
        "zone_id": filters["zone"],
    }
    return render(request, "demands/coffee_calendar.html", context)


def _session_form_page(request, form, save, *, title, cancel_url):
    if request.method == "POST" and form.is_valid():
        try:
            session = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The session is saved."))
            return redirect("demands:coffee_detail", pk=session.pk)
    context = {
        "nav_active": NAV,
        "form": with_form_controls(form),
        "title": title,
        "cancel_url": cancel_url,
    }
    return render(request, "demands/coffee_form.html", context)


@login_required
def coffee_create(request):
    _require_staff(request.user)
    if not selectors.may_organise_any(request.user):
        raise PermissionDenied
    initial = {"capacity": services.DEFAULT_CAPACITY, "theme": services.DEFAULT_THEME}
    form = SessionForm(request.POST or None, initial=initial)

    def save(data):
        return services.coffee_session_create(actor=request.user, **data)

    return _session_form_page(
        request,
        form,
        save,
        title=_("New Coffee Time session"),
        cancel_url=reverse("demands:coffee_list"),
    )


@login_required
def coffee_edit(request, pk: int):
    _require_staff(request.user)
    session = _session(request, pk)
    _require_organiser(request.user, session)
    initial = {
        "held_on": session.held_on,
        "host": session.host_id,
        "host_title": session.host_title,
        "theme": session.theme,
        "zone": session.zone_id,
        "departments": list(session.departments.values_list("pk", flat=True)),
        "capacity": session.capacity,
    }
    form = SessionForm(request.POST or None, initial=initial)

    def save(data):
        departments = data.pop("departments")
        return services.coffee_session_update(
            actor=request.user,
            session=session,
            departments=departments,
            version=session.version,
            **data,
        )

    return _session_form_page(
        request,
        form,
        save,
        title=_("Edit the session"),
        cancel_url=reverse("demands:coffee_detail", args=[session.pk]),
    )


def _detail_context(request, session, **forms_given) -> dict:
    may_organise = selectors.can_organise_coffee(request.user, session.zone)
    forms_ = {
        "invite_form": InviteForm(),
        "issue_form": IssueForm(session=session),
        "report_form": ReportForm(initial={"text": session.follow_up_report}),
        "cancel_form": CancelForm(),
        **forms_given,
    }
    return {
        "nav_active": NAV,
        "session": session,
        "departments": list(session.departments.order_by("name")),
        "participants": list(selectors.participants_of(session)),
        "issues": list(selectors.issues_of(session)),
        "summary": selectors.coffee_summary(session),
        "may_organise": may_organise,
        "is_today_or_past": session.held_on <= clock.today(),
        **{name: with_form_controls(form) for name, form in forms_.items()},
    }


@login_required
def coffee_detail(request, pk: int):
    _require_staff(request.user)
    session = _session(request, pk)
    return render(request, "demands/coffee_detail.html", _detail_context(request, session))


def _post_action(request, pk: int, form_name: str, form, act, done: str):
    """Run one organiser action from the session page; errors show on the page again."""
    _require_staff(request.user)
    session = _session(request, pk)
    _require_organiser(request.user, session)
    if form.is_valid():
        try:
            act(session, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
            return redirect("demands:coffee_detail", pk=session.pk)
    context = _detail_context(request, session, **{form_name: form})
    return render(request, "demands/coffee_detail.html", context, status=400)


@login_required
@require_POST
def coffee_invite(request, pk: int):
    def act(session, data):
        enterprises = form.enterprises(request.user)
        count = services.coffee_invite(actor=request.user, session=session, enterprises=enterprises)
        messages.info(request, _("%(count)s enterprises newly invited.") % {"count": count})

    form = InviteForm(request.POST)
    return _post_action(request, pk, "invite_form", form, act, _("The invitations are recorded."))


@login_required
@require_POST
def coffee_presence(request, pk: int):
    _require_staff(request.user)
    session = _session(request, pk)
    _require_organiser(request.user, session)
    present = [value for value in request.POST.getlist("present") if value.isdigit()]
    try:
        services.coffee_presence_mark(
            actor=request.user, session=session, present=[int(value) for value in present]
        )
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Presence is recorded."))
    return redirect("demands:coffee_detail", pk=session.pk)


@login_required
@require_POST
def coffee_issue(request, pk: int):
    session_for_form = _session(request, pk) if is_staff_member(request.user) else None

    def act(session, data):
        services.coffee_issue_record(actor=request.user, session=session, **data)

    form = IssueForm(request.POST, session=session_for_form)
    return _post_action(request, pk, "issue_form", form, act, _("The issue is recorded."))


@login_required
@require_POST
def coffee_report(request, pk: int):
    def act(session, data):
        services.coffee_report(actor=request.user, session=session, text=data["text"])

    form = ReportForm(request.POST)
    return _post_action(request, pk, "report_form", form, act, _("The follow-up report is saved."))


@login_required
@require_POST
def coffee_cancel(request, pk: int):
    def act(session, data):
        services.coffee_session_cancel(actor=request.user, session=session, reason=data["reason"])

    form = CancelForm(request.POST)
    return _post_action(request, pk, "cancel_form", form, act, _("The session is cancelled."))


# ---- the schedule -------------------------------------------------------------------------


def _preview(data) -> list[dict]:
    deputies, heads = services.schedule_hosts(data["start"])
    rows = []
    for day, is_head in services.coffee_fridays(data["start"], data["end"]):
        hosts = heads if is_head else deputies
        post = services.host_for(day, is_head, deputies, heads) if hosts else None
        rows.append({"day": day, "is_head": is_head, "post": post})
    return rows


@login_required
def coffee_schedule(request):
    _require_staff(request.user)
    if not selectors.can_generate_schedule(request.user):
        raise PermissionDenied
    today = clock.today()
    initial = {"start": today, "end": today + timedelta(days=90)}
    form = ScheduleForm(request.POST or request.GET or None, initial=initial)
    context = {"nav_active": NAV, "form": form}
    if form.is_bound and form.is_valid():
        if request.method == "POST" and request.POST.get("confirm") == "1":
            try:
                created = services.coffee_schedule_generate(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                context["created"] = created
        else:
            context["preview"] = _preview(form.cleaned_data)
    context["form"] = with_form_controls(form)
    return render(request, "demands/coffee_schedule.html", context)


# ---- the portal ---------------------------------------------------------------------------


def _portal_row(session, seats: dict, enterprises: list) -> dict:
    signed = [e.name for e in enterprises if getattr(seats.get(e.pk), "signed_up_at", None)]
    return {
        "session": session,
        "signed_up": signed,
        "all_signed_up": len(signed) == len(enterprises),
        "is_full": session.signed_up_count >= session.capacity,
    }


@login_required
def coffee_portal(request):
    enterprises = list(confirmed_enterprises_of(user=request.user))
    if not enterprises:
        raise Http404
    sessions = list(selectors.portal_sessions(actor=request.user))
    seats = selectors.seats_of(actor=request.user, sessions=sessions)
    rows = [_portal_row(session, seats.get(session.pk, {}), enterprises) for session in sessions]
    context = {"nav_active": "coffee_portal", "rows": rows, "enterprises": enterprises}
    return render(request, "demands/coffee_portal.html", context)


@login_required
@require_POST
def coffee_sign_up(request, pk: int):
    session = _session(request, pk)
    enterprise = confirmed_enterprises_of(user=request.user).filter(
        pk=request.POST.get("enterprise") or 0
    )
    enterprise = enterprise.first()
    if enterprise is None:
        raise Http404
    try:
        services.coffee_sign_up(actor=request.user, session=session, enterprise=enterprise)
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(enterprise)s is signed up for %(date)s.")
            % {"enterprise": enterprise.name, "date": session.held_on.isoformat()},
        )
    return redirect("demands:coffee_portal")


urlpatterns = [
    path("coffee/", coffee_list, name="coffee_list"),
    path("coffee/new/", coffee_create, name="coffee_create"),
    path("coffee/calendar/", coffee_calendar, name="coffee_calendar"),
    path("coffee/schedule/", coffee_schedule, name="coffee_schedule"),
    path("coffee/portal/", coffee_portal, name="coffee_portal"),
    path("coffee/<int:pk>/", coffee_detail, name="coffee_detail"),
    path("coffee/<int:pk>/edit/", coffee_edit, name="coffee_edit"),
    path("coffee/<int:pk>/invite/", coffee_invite, name="coffee_invite"),
    path("coffee/<int:pk>/presence/", coffee_presence, name="coffee_presence"),
    path("coffee/<int:pk>/issues/", coffee_issue, name="coffee_issue"),
    path("coffee/<int:pk>/report/", coffee_report, name="coffee_report"),
    path("coffee/<int:pk>/cancel/", coffee_cancel, name="coffee_cancel"),
    path("coffee/<int:pk>/sign-up/", coffee_sign_up, name="coffee_sign_up"),
]
