"""Every write to the organisation, audited in the same transaction."""

import re
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from stdnum.cn import ric

from onezone.core import clock
from onezone.core.access import require
from onezone.core.audit import audit_record, snapshot
from onezone.core.choices import Role, ScopeKind
from onezone.core.errors import ConflictError, apply_fields, field_error
from onezone.org.access import can_manage_org, forget_cached_roles, org_visibility
from onezone.org.choices import BodyKind
from onezone.org.models import Body, Person, Post, RoleAssignment, Unit, Zone
from onezone.org.selectors import quota_pool, quota_use

ZONE_FIELDS = ("code", "name", "name_en", "industry_focus", "description")
BODY_FIELDS = ("name", "short_name", "kind", "zone", "merged_with", "headcount_quota")
UNIT_FIELDS = ("body", "name", "kind", "stationed_in", "front_line", "phone")
PERSON_FIELDS = ("name", "staff_number", "phone", "id_number", "user", "is_synthetic")
POST_FIELDS = (
    "person",
    "unit",
    "title",
    "is_leader",
    "start_on",
    "end_on",
    "quota_override_reason",
)
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def _require_manager(actor) -> None:
    require(can_manage_org(actor), _("Only administrators may change the organisation."))


def _full_clean(instance, exclude: tuple[str, ...] = ()) -> None:
    instance.full_clean(exclude=list(exclude), validate_constraints=True)


# ---- zones ----------------------------------------------------------------------------


def zone_create(*, actor, **data) -> Zone:
    _require_manager(actor)
    zone = Zone()
    apply_fields(zone, data, ZONE_FIELDS)
    with transaction.atomic():
        _full_clean(zone)
        zone.save()
        audit_record(actor=actor, action="zone.create", obj=zone, after=snapshot(zone, ZONE_FIELDS))
    return zone


def zone_update(*, actor, zone: Zone, **data) -> Zone:
    _require_manager(actor)
    with transaction.atomic():
        zone = Zone.objects.select_for_update().get(pk=zone.pk)
        before = snapshot(zone, ZONE_FIELDS)
        apply_fields(zone, data, ZONE_FIELDS)
        _full_clean(zone)
        zone.save()
        audit_record(
            actor=actor,
            action="zone.update",
            obj=zone,
            before=before,
            after=snapshot(zone, ZONE_FIELDS),
        )
    return zone


# ---- bodies ---------------------------------------------------------------------------


def _validate_body(body: Body) -> None:
    if body.kind == BodyKind.ZONE_COMMITTEE and body.zone_id is None:
        raise field_error("zone", _("A zone committee must name the zone it manages."), "required")
    if body.kind != BodyKind.ZONE_COMMITTEE and body.zone_id is not None:
        raise field_error("zone", _("Only a zone committee manages a zone."), "not_committee")
    if (
        body.kind == BodyKind.ZONE_COMMITTEE
        and Body.objects.filter(kind=BodyKind.ZONE_COMMITTEE, zone_id=body.zone_id)
        .exclude(pk=body.pk)
        .exists()
    ):
        # Checked here so the form gets a field error, not the constraint's generic message.
        raise field_error("zone", _("This zone already has a committee."), "zone_has_committee")
    if body.merged_with_id is not None:
        if body.kind != BodyKind.LEAD:
            raise field_error(
                "merged_with", _("Only a lead bureau has a merged office."), "not_lead"
            )
        if body.merged_with.kind != BodyKind.ZONE_COMMITTEE:
            raise field_error(
                "merged_with", _("A lead bureau merges with a zone committee."), "not_committee"
            )


def body_create(*, actor, **data) -> Body:
    _require_manager(actor)
    body = Body()
    apply_fields(body, data, BODY_FIELDS)
    with transaction.atomic():
        _validate_body(body)
        _full_clean(body)
        body.save()
        audit_record(actor=actor, action="body.create", obj=body, after=snapshot(body, BODY_FIELDS))
    return body


def body_update(*, actor, body: Body, **data) -> Body:
    _require_manager(actor)
    with transaction.atomic():
        body = Body.objects.select_for_update().get(pk=body.pk)
        before = snapshot(body, BODY_FIELDS)
        apply_fields(body, data, BODY_FIELDS)
        _validate_body(body)
        _full_clean(body)
        if "headcount_quota" in data:
            use = _peak_quota_use(body, clock.today())
            if use.used > use.quota:
                raise field_error(
                    "headcount_quota",
                    _("The quota cannot go below the %(used)d posts already filled.")
                    % {"used": use.used},
                    "below_filled_posts",
                )
        body.save()
        audit_record(
            actor=actor,
            action="body.update",
            obj=body,
            before=before,
            after=snapshot(body, BODY_FIELDS),
        )
    return body


# ---- units ----------------------------------------------------------------------------


def _unit_snapshot(unit: Unit) -> dict:
    data = snapshot(unit, UNIT_FIELDS)
    data["serves_zones"] = sorted(unit.serves_zones.values_list("code", flat=True))
    return data


def _validate_unit(unit: Unit) -> None:
    if unit.stationed_in_id and unit.body.kind == BodyKind.ZONE_COMMITTEE:
        raise field_error(
            "stationed_in", _("A committee's own unit is not stationed anywhere."), "committee_unit"
        )
    if unit.phone and not PHONE_PATTERN.match(unit.phone):
        raise field_error(
            "phone",
            _("Enter an 11-digit mobile number or a landline such as 028-12345678."),
            "invalid_phone",
        )


def unit_create(*, actor, serves_zones=(), **data) -> Unit:
    _require_manager(actor)
    unit = Unit()
    apply_fields(unit, data, UNIT_FIELDS)
    with transaction.atomic():
        _full_clean(unit)
        _validate_unit(unit)
        unit.save()
        unit.serves_zones.set(serves_zones)
        audit_record(actor=actor, action="unit.create", obj=unit, after=_unit_snapshot(unit))
    return unit


def unit_update(*, actor, unit: Unit, serves_zones=None, **data) -> Unit:
    _require_manager(actor)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        before = _unit_snapshot(unit)
        apply_fields(unit, data, UNIT_FIELDS)
        _full_clean(unit)
        _validate_unit(unit)
        unit.save()
        if serves_zones is not None:
            unit.serves_zones.set(serves_zones)
        audit_record(
            actor=actor, action="unit.update", obj=unit, before=before, after=_unit_snapshot(unit)
        )
    return unit


# ---- people ---------------------------------------------------------------------------


def _validate_person(person: Person) -> None:
    if person.phone and not PHONE_PATTERN.match(person.phone):
        raise field_error(
            "phone",
            _("Enter an 11-digit mobile number or a landline such as 028-12345678."),
            "invalid_phone",
        )
    if person.id_number:
        person.id_number = person.id_number.strip().upper()
        if not ric.is_valid(person.id_number):
            raise field_error(
                "id_number", _("This is not a valid resident ID number."), "invalid_id_number"
            )


def person_create(*, actor, **data) -> Person:
    _require_manager(actor)
    person = Person()
    apply_fields(person, data, PERSON_FIELDS)
    with transaction.atomic():
        _validate_person(person)
        _full_clean(person)
        person.save()
        audit_record(
            actor=actor, action="person.create", obj=person, after=snapshot(person, PERSON_FIELDS)
        )
    return person


def person_update(*, actor, person: Person, **data) -> Person:
    _require_manager(actor)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = snapshot(person, PERSON_FIELDS)
        apply_fields(person, data, PERSON_FIELDS)
        _validate_person(person)
        _full_clean(person)
        person.save()
        audit_record(
            actor=actor,
            action="person.update",
            obj=person,
            before=before,
            after=snapshot(person, PERSON_FIELDS),
        )
    return person


def person_reveal_personal_data(*, actor, person: Person) -> dict:
    """Full phone and ID number, for those allowed to see them; every viewing is logged."""
    require(
        org_visibility(actor).can_see_personal_data, _("You may not view personal data in full.")
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="person.reveal_personal_data",
            obj=person,
            after={"fields": ["phone", "id_number"]},
        )
    return {"phone": person.phone, "id_number": person.id_number}


# ---- posts ----------------------------------------------------------------------------


def _lock_pool(unit: Unit) -> None:
    """Lock the bodies of the quota pool so two new posts cannot both take the last place."""
    pool_ids = [body.pk for body in quota_pool(unit.body)]
    list(Body.objects.select_for_update().filter(pk__in=pool_ids).order_by("pk"))


def _peak_quota_use(body: Body, start_on: date, end_on: date | None = None):
    """The pool's busiest day from `start_on` to `end_on`: posts starting later count too."""
    later = Post.objects.filter(unit__body__in=quota_pool(body), start_on__gt=start_on)
    if end_on is not None:
        later = later.filter(start_on__lte=end_on)
    days = {start_on, *later.values_list("start_on", flat=True)}
    return max((quota_use(body=body, on=day) for day in days), key=lambda use: use.used)


def _check_quota(post: Post, override_reason: str) -> None:
    use = _peak_quota_use(post.unit.body, post.start_on, post.end_on)
    if use.used + 1 <= use.quota:
        return
    if not override_reason.strip():
        raise field_error(
            "unit",
            _(
                "%(body)s has a headcount quota of %(quota)d and %(used)d posts are filled; "
                "an administrator may exceed it only with a recorded reason."
            )
            % {"body": post.unit.body.name, "quota": use.quota, "used": use.used},
            "over_quota",
        )


def post_create(
    *,
    actor,
    person: Person,
    unit: Unit,
    title: str,
    start_on: date,
    is_leader: bool = False,
    end_on: date | None = None,
    quota_override_reason: str = "",
) -> Post:
    _require_manager(actor)
    post = Post(
        person=person,
        unit=unit,
        title=title,
        start_on=start_on,
        end_on=end_on,
        is_leader=is_leader,
        quota_override_reason=quota_override_reason.strip(),
    )
    with transaction.atomic():
        _full_clean(post)
        _lock_pool(unit)
        _check_quota(post, post.quota_override_reason)
        post.save()
        audit_record(actor=actor, action="post.create", obj=post, after=snapshot(post, POST_FIELDS))
    return post


def post_end(*, actor, post: Post, end_on: date) -> Post:
    _require_manager(actor)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.end_on is not None and post.end_on <= clock.today():
            raise ConflictError(_("This post has already ended."))
        if end_on < post.start_on:
            raise field_error("end_on", _("A post cannot end before it starts."), "before_start")
        before = snapshot(post, POST_FIELDS)
        post.end_on = end_on
        post.save(update_fields=["end_on"])
        audit_record(
            actor=actor,
            action="post.end",
            obj=post,
            before=before,
            after=snapshot(post, POST_FIELDS),
        )
        for hook in post_end_hooks():
            hook(actor=actor, post=post)
    return post


def post_end_hooks():
    """Callables `(actor, post)` other apps register in settings.ONEZONE_POST_END_HOOKS.

    They run in the post's transaction (org may not import the apps that depend on it), so a
    portfolio is handed on in the same commit as the post ends.
    """
    return [import_string(path) for path in getattr(settings, "ONEZONE_POST_END_HOOKS", [])]


# ---- roles ----------------------------------------------------------------------------

SCOPE_FIELDS = {ScopeKind.ZONE: "zone", ScopeKind.BODY: "body", ScopeKind.UNIT: "unit"}
SCOPE_MODELS = {ScopeKind.ZONE: Zone, ScopeKind.BODY: Body, ScopeKind.UNIT: Unit}


SELF_SERVICE_ROLES = frozenset({Role.ENTERPRISE, Role.FOUNDER})


def role_assign(*, actor, user, role: str, scope_kind: str, scope=None) -> RoleAssignment:
    """An administrator gives a user a role over a scope."""
    require(can_manage_org(actor), _("Only administrators may assign roles."))
    return _role_save(actor=actor, user=user, role=role, scope_kind=scope_kind, scope=scope)


def role_grant_at_signup(*, user, role: str) -> RoleAssignment:
    """The public side's own role, given by sign-up itself (the user is the actor): enterprise
    staff and founders act within their own enterprise scope, nothing else."""
    if role not in SELF_SERVICE_ROLES:
        raise PermissionDenied(_("Only administrators may assign roles."))
    return _role_save(actor=user, user=user, role=role, scope_kind=ScopeKind.ENTERPRISE)


def _role_save(*, actor, user, role: str, scope_kind: str, scope=None) -> RoleAssignment:
    if role not in Role.values:
        raise field_error("role", _("Unknown role."), "unknown_role")
    if scope_kind not in ScopeKind.values:
        raise field_error("scope_kind", _("Unknown scope."), "unknown_scope")
    field = SCOPE_FIELDS.get(scope_kind)
    if field and not isinstance(scope, SCOPE_MODELS[scope_kind]):
        raise field_error("scope", _("Choose the zone, body or unit of this role."), "required")
    if not field and scope is not None:
        raise field_error("scope", _("This scope takes no zone, body or unit."), "scope_mismatch")
    assignment = RoleAssignment(
        user=user,
        role=role,
        scope_kind=scope_kind,
        created_at=clock.now(),
        **({field: scope} if field else {}),
    )
    with transaction.atomic():
        existing = RoleAssignment.objects.filter(
            user=user, role=role, scope_kind=scope_kind, **({field: scope} if field else {})
        ).first()
        if existing:
            return existing
        assignment.save()
        audit_record(
            actor=actor,
            action="role.assign",
            obj=assignment,
            after={
                "user": user.username,
                "role": role,
                "scope_kind": scope_kind,
                "scope": str(scope) if scope else "",
            },
        )
    forget_cached_roles(user)
    return assignment


def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    require(can_manage_org(actor), _("Only administrators may revoke roles."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="role.revoke",
            obj=assignment,
            before={
                "user": assignment.user.username,
                "role": assignment.role,
                "scope_kind": assignment.scope_kind,
                "scope": str(assignment.scope_object or ""),
            },
        )
        assignment.delete()
    forget_cached_roles(assignment.user)


# ---- user accounts --------------------------------------------------------------------

USER_FIELDS = ("username", "full_name", "phone", "email", "is_active")


def account_errors(user, password: str, *, mobile_required: bool = False) -> dict:
    """Field errors of a new account (staff created here, enterprise users at sign-up)."""
    errors = {}
    if not user.username:
        errors["username"] = [ValidationError(_("Choose a username."), code="required")]
    elif type(user).objects.filter(username__iexact=user.username).exists():
        errors["username"] = [ValidationError(_("This username is taken."), code="taken")]
    if not user.full_name:
        errors["full_name"] = [ValidationError(_("Enter the person's name."), code="required")]
    if mobile_required and not MOBILE_PATTERN.match(user.phone or ""):
        errors["phone"] = [
            ValidationError(_("Enter an 11-digit mobile number."), code="invalid_phone")
        ]
    elif user.phone and not PHONE_PATTERN.match(user.phone):
        errors["phone"] = [
            ValidationError(
                _("Enter an 11-digit mobile number or a landline such as 028-12345678."),
                code="invalid_phone",
            )
        ]
    if user.email:
        try:
            validate_email(user.email)
        except ValidationError as error:
            errors["email"] = error.error_list
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = error.error_list
    return errors


def user_create(
    *, actor, username: str, password: str, full_name: str, phone: str = "", email: str = ""
):
    """Open an account for a member of staff; roles are given separately with role_assign."""
    _require_manager(actor)
    user = get_user_model()(
        username=username.strip(),
        full_name=full_name.strip(),
        phone=phone.strip(),
        email=email.strip(),
    )
    errors = account_errors(user, password)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit_record(actor=actor, action="user.create", obj=user, after=snapshot(user, USER_FIELDS))
    return user


def user_set_active(*, actor, user, is_active: bool):
    """Deactivate an account (it can no longer log in) or reactivate it."""
    _require_manager(actor)
    if not is_active and user.pk == getattr(actor, "pk", None):
        raise ConflictError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        user = type(user).objects.select_for_update().get(pk=user.pk)
        if user.is_active == is_active:
            return user
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="user.reactivate" if is_active else "user.deactivate",
            obj=user,
            before={"is_active": not is_active},
            after={"is_active": is_active},
        )
    return user
