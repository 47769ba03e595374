"""Pages of the organisation app: zones, bodies, people and posts, users and their roles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onezone.core import clock
from onezone.core.access import is_administrator, require_visible
from onezone.core.audit import audit_history
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, form_page, with_form_controls
from onezone.core.masking import mask_id_number, mask_phone
from onezone.core.paging import paginate, render_list
from onezone.org import forms, selectors, services
from onezone.org.access import can_manage_org, org_visibility

HISTORY_LIMIT = 50
ZONE_POSTS_LIMIT = 20
BODY_POSTS_PER_PAGE = 50


# ---- helpers --------------------------------------------------------------------------


def _require_manager(user) -> None:
    """Administrator pages do not exist for anyone else (404); services re-check anyway."""
    require_visible(can_manage_org(user))


def _history(user, obj) -> dict:
    """The object's audit history, for administrators only."""
    if not is_administrator(user):
        return {"show_history": False}
    return {"show_history": True, "history": audit_history(obj=obj)[:HISTORY_LIMIT]}


def _percent(share):
    return None if share is None else share * 100


def _shares_context(shares: selectors.ZoneShares) -> dict:
    return {
        "shares": shares,
        "front_line_percent": _percent(shares.front_line_share),
        "coordination_percent": _percent(shares.coordination_share),
    }


def _share_chart(shares: selectors.ZoneShares) -> list[dict]:
    """Data of the zone page's pie: front-line posts against back-office posts."""
    return [
        {"name": _("Front line"), "value": shares.front_line_posts},
        {"name": _("Back office"), "value": shares.posts - shares.front_line_posts},
    ]


def _zone_rows(zones, shares_by_zone: dict) -> list[dict]:
    empty = selectors.ZoneShares(0, 0, 0)
    rows = []
    for zone in zones:
        committee = zone.committees[0] if zone.committees else None
        rows.append(
            {
                "zone": zone,
                "committee": committee,
                "lead": getattr(committee, "merged_lead", None),
                **_shares_context(shares_by_zone.get(zone.pk, empty)),
            }
        )
    return rows


def _is_cross_appointed(person) -> bool:
    """Current posts in more than one body, from the prefetched `current_posts`."""
    return len({post.unit.body_id for post in person.current_posts}) > 1


# ---- zones ----------------------------------------------------------------------------


@login_required
def zone_list(request):
    search = request.GET.get("q", "").strip()
    zones = selectors.zone_list_with_committees(actor=request.user, search=search)
    context = {"nav_active": "zones", "search": search, **paginate(request, zones)}
    context["rows"] = _zone_rows(context["page_obj"], selectors.zone_shares_by_zone())
    context["can_manage"] = can_manage_org(request.user)
    return render_list(request, "org/zone_list.html", "org/_zone_results.html", context)


@login_required
def zone_detail(request, pk: int):
    zone = selectors.zone_get(actor=request.user, pk=pk)
    bodies = selectors.zone_bodies(zone=zone)
    can_see_people = org_visibility(request.user).can_see_people
    context = {
        "nav_active": "zones",
        "zone": zone,
        **bodies,
        "quota": selectors.quota_use(body=bodies["committee"]) if bodies["committee"] else None,
        "units": selectors.zone_units(zone=zone),
        "can_see_people": can_see_people,
        "posts": selectors.posts_of_zone(zone=zone)[:ZONE_POSTS_LIMIT] if can_see_people else (),
        "can_manage": can_manage_org(request.user),
        **_history(request.user, zone),
    }
    shares = selectors.zone_shares(zone=zone)
    context.update(_shares_context(shares), share_chart=_share_chart(shares))
    return render(request, "org/zone_detail.html", context)


@login_required
def zone_create(request):
    _require_manager(request.user)
    return form_page(
        request,
        forms.ZoneForm(request.POST or None),
        lambda data: services.zone_create(actor=request.user, **data),
        done=_("The zone is saved."),
        next_url=lambda zone: reverse("org:zone_detail", args=[zone.pk]),
        title=_("New zone"),
        cancel_url=reverse("org:zone_list"),
        nav_active="zones",
    )


@login_required
def zone_update(request, pk: int):
    _require_manager(request.user)
    zone = selectors.zone_get(actor=request.user, pk=pk)
    return form_page(
        request,
        forms.ZoneForm(request.POST or None, initial=model_to_dict(zone)),
        lambda data: services.zone_update(actor=request.user, zone=zone, **data),
        done=_("The zone is saved."),
        next_url=lambda saved: reverse("org:zone_detail", args=[saved.pk]),
        title=_("Edit zone %(name)s") % {"name": zone.name},
        cancel_url=reverse("org:zone_detail", args=[zone.pk]),
        nav_active="zones",
    )


# ---- bodies and units -----------------------------------------------------------------


@login_required
def body_list(request):
    filter_form = forms.BodyFilterForm(request.GET, actor=request.user)
    filters = forms.filters_of(filter_form)
    bodies = selectors.body_list(
        actor=request.user,
        kind=filters["kind"] or "",
        search=(filters["q"] or "").strip(),
        zone_code=filters["zone"].code if filters["zone"] else "",
    )
    context = {
        "nav_active": "bodies",
        "filter_form": with_form_controls(filter_form),
        "can_manage": can_manage_org(request.user),
        **paginate(request, bodies),
    }
    return render_list(request, "org/body_list.html", "org/_body_results.html", context)


@login_required
def body_detail(request, pk: int):
    body = selectors.body_get(actor=request.user, pk=pk)
    can_see_people = org_visibility(request.user).can_see_people
    posts = selectors.posts_of_body(body=body) if can_see_people else []
    context = {
        "nav_active": "bodies",
        "body": body,
        "quota": selectors.quota_use(body=body),
        "units": selectors.units_of_body(body=body),
        "can_see_people": can_see_people,
        "can_manage": can_manage_org(request.user),
        "list_target": "body-posts",
        **paginate(request, posts, BODY_POSTS_PER_PAGE),
        **_history(request.user, body),
    }
    return render_list(request, "org/body_detail.html", "org/_body_posts.html", context)


@login_required
def body_create(request):
    _require_manager(request.user)
    return form_page(
        request,
        forms.BodyForm(request.POST or None, actor=request.user),
        lambda data: services.body_create(actor=request.user, **data),
        done=_("The body is saved."),
        next_url=lambda body: reverse("org:body_detail", args=[body.pk]),
        title=_("New body"),
        cancel_url=reverse("org:body_list"),
        nav_active="bodies",
    )


@login_required
def body_update(request, pk: int):
    _require_manager(request.user)
    body = selectors.body_get(actor=request.user, pk=pk)
    return form_page(
        request,
        forms.BodyForm(request.POST or None, actor=request.user, initial=model_to_dict(body)),
        lambda data: services.body_update(actor=request.user, body=body, **data),
        done=_("The body is saved."),
        next_url=lambda saved: reverse("org:body_detail", args=[saved.pk]),
        title=_("Edit body %(name)s") % {"name": body.name},
        cancel_url=reverse("org:body_detail", args=[body.pk]),
        nav_active="bodies",
    )


@login_required
def unit_create(request):
    _require_manager(request.user)
    initial = {"body": request.GET.get("body"), "stationed_in": request.GET.get("zone")}
    return form_page(
        request,
        forms.UnitForm(request.POST or None, actor=request.user, initial=initial),
        lambda data: services.unit_create(actor=request.user, **data),
        done=_("The unit is saved."),
        next_url=lambda unit: reverse("org:body_detail", args=[unit.body_id]),
        title=_("New unit"),
        cancel_url=reverse("org:body_list"),
        nav_active="bodies",
    )


@login_required
def unit_update(request, pk: int):
    _require_manager(request.user)
    unit = selectors.unit_get(actor=request.user, pk=pk)
    return form_page(
        request,
        forms.UnitForm(request.POST or None, actor=request.user, initial=model_to_dict(unit)),
        lambda data: services.unit_update(actor=request.user, unit=unit, **data),
        done=_("The unit is saved."),
        next_url=lambda saved: reverse("org:body_detail", args=[saved.body_id]),
        title=_("Edit unit %(name)s") % {"name": unit},
        cancel_url=reverse("org:body_detail", args=[unit.body_id]),
        nav_active="bodies",
    )


# ---- people and posts -----------------------------------------------------------------


@login_required
def person_list(request):
    require_visible(org_visibility(request.user).can_see_people)
    filter_form = forms.PersonFilterForm(request.GET, actor=request.user)
    filters = forms.filters_of(filter_form)
    people = selectors.person_list(
        actor=request.user,
        search=(filters["q"] or "").strip(),
        body_id=filters["body"].pk if filters["body"] else None,
        zone_code=filters["zone"].code if filters["zone"] else "",
    )
    context = {"nav_active": "people", "filter_form": with_form_controls(filter_form)}
    context.update(paginate(request, people), can_manage=can_manage_org(request.user))
    for person in context["page_obj"]:
        person.is_cross_appointed = _is_cross_appointed(person)
    return render_list(request, "org/person_list.html", "org/_person_results.html", context)


def _render_person(request, person, revealed: dict | None):
    personal = revealed or {
        "phone": mask_phone(person.phone),
        "id_number": mask_id_number(person.id_number),
    }
    context = {
        "nav_active": "people",
        "person": person,
        "personal": personal,
        "is_revealed": revealed is not None,
        "can_reveal": org_visibility(request.user).can_see_personal_data,
        "can_manage": can_manage_org(request.user),
        "is_cross_appointed": _is_cross_appointed(person),
        "posts": selectors.posts_of_person(person=person),
        "today": clock.today(),
        **_history(request.user, person),
    }
    return render(request, "org/person_detail.html", context)


@login_required
def person_detail(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    return _render_person(request, person, revealed=None)


@login_required
@require_POST
def person_reveal(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    revealed = services.person_reveal_personal_data(actor=request.user, person=person)
    return _render_person(request, person, revealed=revealed)


@login_required
def person_create(request):
    _require_manager(request.user)
    return form_page(
        request,
        forms.PersonForm(request.POST or None, actor=request.user),
        lambda data: services.person_create(actor=request.user, **data),
        done=_("The person is saved."),
        next_url=lambda person: reverse("org:person_detail", args=[person.pk]),
        title=_("New person"),
        cancel_url=reverse("org:person_list"),
        nav_active="people",
    )


def _kept_personal_data(data: dict) -> dict:
    """An empty phone or ID number on the edit form keeps the stored value."""
    return {k: v for k, v in data.items() if v or k not in ("phone", "id_number")}


@login_required
def person_update(request, pk: int):
    _require_manager(request.user)
    person = selectors.person_get(actor=request.user, pk=pk)
    initial = model_to_dict(person, fields=["name", "staff_number", "user"])
    return form_page(
        request,
        forms.PersonForm(
            request.POST or None, actor=request.user, initial=initial, keep_personal_data=True
        ),
        lambda data: services.person_update(
            actor=request.user, person=person, **_kept_personal_data(data)
        ),
        done=_("The person is saved."),
        next_url=lambda saved: reverse("org:person_detail", args=[saved.pk]),
        title=_("Edit person %(name)s") % {"name": person.name},
        cancel_url=reverse("org:person_detail", args=[person.pk]),
        nav_active="people",
    )


@login_required
def post_create(request, pk: int):
    _require_manager(request.user)
    person = selectors.person_get(actor=request.user, pk=pk)
    initial = {"unit": request.GET.get("unit"), "start_on": clock.today()}
    return form_page(
        request,
        forms.PostForm(request.POST or None, actor=request.user, initial=initial),
        lambda data: services.post_create(actor=request.user, person=person, **data),
        done=_("The post is saved."),
        next_url=lambda post: reverse("org:person_detail", args=[person.pk]),
        title=_("New post for %(name)s") % {"name": person.name},
        cancel_url=reverse("org:person_detail", args=[person.pk]),
        nav_active="people",
    )


@login_required
@require_POST
def post_end(request, pk: int):
    _require_manager(request.user)
    post = selectors.post_get(actor=request.user, pk=pk)
    form = forms.PostEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the date on which the post ends."))
        services.post_end(actor=request.user, post=post, end_on=form.cleaned_data["end_on"])
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The post is ended."))
    return redirect("org:person_detail", pk=post.person_id)


# ---- users and roles ------------------------------------------------------------------


@login_required
def user_list(request):
    search = request.GET.get("q", "").strip()
    users = selectors.user_list(actor=request.user, search=search)
    context = {"nav_active": "users", "search": search, **paginate(request, users)}
    return render_list(request, "org/user_list.html", "org/_user_results.html", context)


@login_required
def user_create(request):
    _require_manager(request.user)
    return form_page(
        request,
        forms.UserCreateForm(request.POST or None),
        lambda data: services.user_create(
            actor=request.user, **{k: v for k, v in data.items() if k != "password_again"}
        ),
        done=_("The account is created; now give it its roles."),
        next_url=lambda account: reverse("org:user_detail", args=[account.pk]),
        title=_("New user"),
        cancel_url=reverse("org:user_list"),
        nav_active="users",
    )


def _render_user(request, account, role_form):
    context = {
        "nav_active": "users",
        "account": account,
        "phone": mask_phone(account.phone),
        "assignments": selectors.role_assignment_list(actor=request.user, user_id=account.pk),
        "role_form": with_form_controls(role_form),
        **_history(request.user, account),
    }
    return render(request, "org/user_detail.html", context)


@login_required
def user_detail(request, pk: int):
    account = selectors.user_get(actor=request.user, pk=pk)
    return _render_user(request, account, forms.RoleAssignForm(actor=request.user))


@login_required
@require_POST
def role_assign(request, pk: int):
    account = selectors.user_get(actor=request.user, pk=pk)
    form = forms.RoleAssignForm(request.POST, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.role_assign(
                actor=request.user,
                user=account,
                role=data["role"],
                scope_kind=data["scope_kind"],
                scope=form.scope(),
            )
        except ValidationError as error:
            add_service_errors(form, error, renamed={"scope": form.scope_field()})
        else:
            messages.success(request, _("The role is assigned."))
            return redirect("org:user_detail", pk=account.pk)
    return _render_user(request, account, form)


@login_required
@require_POST
def role_revoke(request, pk: int, assignment_pk: int):
    assignments = selectors.role_assignment_list(actor=request.user, user_id=pk)
    assignment = get_object_or_404(assignments, pk=assignment_pk)
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("The role is revoked."))
    return redirect("org:user_detail", pk=pk)


@login_required
@require_POST
def user_set_active(request, pk: int):
    account = selectors.user_get(actor=request.user, pk=pk)
    is_active = request.POST.get("is_active") == "1"
    try:
        services.user_set_active(actor=request.user, user=account, is_active=is_active)
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        done = _("The account is active again.") if is_active else _("The account is deactivated.")
        messages.success(request, done)
    return redirect("org:user_detail", pk=account.pk)
