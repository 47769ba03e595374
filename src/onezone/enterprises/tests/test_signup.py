"""Sign-up of enterprise users and founders, and the zone officer's binding decision."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from onezone.conftest import PASSWORD, USCC_A, make_user
from onezone.core import clock
from onezone.core.access import role_names
from onezone.core.choices import Role, ScopeKind
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent, Notification, Todo
from onezone.enterprises import selectors
from onezone.enterprises import services as enterprises
from onezone.enterprises.access import can_decide_membership
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import Enterprise, EnterpriseMembership
from onezone.org import services as org
from onezone.org.models import RoleAssignment

NEW_USCC = "91510100MA6DGJ1A19"
T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def translated(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


def counts() -> dict[str, int]:
    models = (
        get_user_model(),
        EnterpriseMembership,
        Enterprise,
        RoleAssignment,
        Todo,
        Notification,
        AuditEvent,
    )
    return {model.__name__: model.objects.count() for model in models}


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [item.code for item in items] for field, items in error.error_dict.items()}


def signup(world, **overrides):
    data = {
        "username": "newcomer",
        "password": PASSWORD,
        "full_name": "新人",
        "phone": "13700137000",
        "uscc": NEW_USCC,
        "enterprise_name": "芯谷新创科技有限公司",
        "zone": world.zone_a,
        **overrides,
    }
    return enterprises.enterprise_signup(**data)


def open_todos(user) -> list[Todo]:
    return list(Todo.objects.filter(assignee=user, done_at__isnull=True))


# ---- enterprise sign-up -----------------------------------------------------------------


def test_it_signs_up_an_enterprise_user_waiting_for_confirmation(world):
    with clock.simulated_time(T0):
        membership = signup(world, uscc=" 9151 0100-ma6dgj1a19 ")

    user = membership.user
    assert (user.username, user.full_name, user.phone) == ("newcomer", "新人", "13700137000")
    assert user.check_password(PASSWORD)
    assert EnterpriseMembership.objects.filter(pk=membership.pk).values(
        "uscc", "enterprise_name", "zone", "enterprise", "status", "requested_at", "decided_at"
    ).get() == {
        "uscc": NEW_USCC,
        "enterprise_name": "芯谷新创科技有限公司",
        "zone": world.zone_a.pk,
        "enterprise": None,
        "status": "pending",
        "requested_at": T0,
        "decided_at": None,
    }
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", "scope_kind")) == [
        ("enterprise", "enterprise")
    ]
    event = AuditEvent.objects.filter(action="enterprise.signup").order_by("-seq").first()
    assert (event.actor_id, event.object_id) == (user.pk, str(membership.pk))
    assert event.after == {
        "username": "newcomer",
        "phone": "137****7000",
        "uscc": NEW_USCC,
        "enterprise_name": "芯谷新创科技有限公司",
        "zone": "chip_valley",
    }


def test_it_asks_the_officers_of_that_zone_only(world):
    before_b = len(open_todos(world.officer_b))

    with clock.simulated_time(T0):
        membership = signup(world)

    (todo,) = open_todos(world.officer_a)
    assert (todo.source_type, todo.source_id) == (
        "enterprises.enterprisemembership",
        str(membership.pk),
    )
    assert todo.due_at == T0 + timedelta(days=1)
    assert todo.link == reverse("enterprises:membership_list")
    assert len(open_todos(world.officer_b)) == before_b
    assert Todo.objects.filter(source_id=str(membership.pk)).count() == 1


def test_it_asks_officers_scoped_to_the_committee_and_not_deactivated_ones(world):
    by_committee = make_user("committee_officer")
    org.role_assign(
        actor=world.admin,
        user=by_committee,
        role=Role.ZONE_OFFICER,
        scope_kind=ScopeKind.BODY,
        scope=world.committee_a,
    )
    world.officer_a.is_active = False
    world.officer_a.save()

    membership = signup(world)

    assert list(
        Todo.objects.filter(source_id=str(membership.pk)).values_list("assignee", flat=True)
    ) == [by_committee.pk]
    assert can_decide_membership(by_committee, world.zone_a.pk)


def test_it_shows_no_enterprise_until_the_binding_is_confirmed(world):
    user = signup(world, uscc=USCC_A, enterprise_name="芯谷示例科技有限公司").user

    assert list(selectors.enterprise_list(actor=user)) == []
    assert list(selectors.confirmed_enterprises_of(user=user)) == []
    assert role_names(user) == {"enterprise"}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"uscc": NEW_USCC[:-1] + "2"}, {"uscc": ["invalid_checksum"]}),
        ({"uscc": NEW_USCC[:-1]}, {"uscc": ["invalid_length"]}),
        ({"uscc": "91510100MA6DGJ1I1U"}, {"uscc": ["invalid_format"]}),
        ({"uscc": ""}, {"uscc": ["invalid_length"]}),
        ({"phone": "1370013700"}, {"phone": ["invalid_phone"]}),
        ({"phone": ""}, {"phone": ["invalid_phone"]}),
        ({"password": "short"}, {"password": ["password_too_short"]}),
        ({"password": "password123"}, {"password": ["password_too_common"]}),
        ({"password": "73920584619273"}, {"password": ["password_entirely_numeric"]}),
        ({"password": "newcomer2026"}, {"password": ["password_too_similar"]}),
        ({"username": "officer_a"}, {"username": ["taken"]}),
        ({"username": "OFFICER_A"}, {"username": ["taken"]}),
        ({"username": "  "}, {"username": ["required"]}),
        ({"full_name": " "}, {"full_name": ["required"]}),
        ({"enterprise_name": " "}, {"enterprise_name": ["required"]}),
        ({"zone": None}, {"zone": ["required"]}),
    ],
)
def test_it_refuses_invalid_sign_ups_creating_nothing(world, overrides, expected):
    before = counts()

    with pytest.raises(ValidationError) as error:
        signup(world, **overrides)

    assert codes(error.value) == expected
    assert counts() == before


def test_it_reports_every_invalid_field_at_once(world):
    before = counts()

    with pytest.raises(ValidationError) as error:
        signup(world, uscc="123", phone="x", password="1", username="officer_b", zone=None)

    assert set(codes(error.value)) == {"uscc", "phone", "password", "username", "zone"}
    assert counts() == before


# ---- the binding decision ---------------------------------------------------------------


def test_it_refuses_a_decision_by_an_officer_of_another_zone(world):
    membership = signup(world)
    before = counts()

    for actor in (world.officer_b, world.leader, world.bureau_officer, world.enterprise_user):
        with pytest.raises(PermissionDenied):
            enterprises.membership_confirm(actor=actor, membership=membership)
        with pytest.raises(PermissionDenied):
            enterprises.membership_reject(actor=actor, membership=membership, note="不是本企业")

    assert counts() == before
    assert EnterpriseMembership.objects.get(pk=membership.pk).status == MembershipStatus.PENDING
    assert len(open_todos(world.officer_a)) == 1


def test_it_creates_the_enterprise_when_a_zone_officer_confirms(world):
    membership = signup(world)

    with clock.simulated_time(T0):
        confirmed = enterprises.membership_confirm(actor=world.officer_a, membership=membership)

    enterprise = Enterprise.objects.get(uscc=NEW_USCC)
    assert (enterprise.name, enterprise.zone, enterprise.created_at) == (
        "芯谷新创科技有限公司",
        world.zone_a,
        T0,
    )
    stored = EnterpriseMembership.objects.get(pk=membership.pk)
    assert (stored.status, stored.enterprise, stored.decided_by, stored.decided_at) == (
        "confirmed",
        enterprise,
        world.officer_a,
        T0,
    )
    assert confirmed.enterprise == enterprise
    assert list(selectors.enterprise_list(actor=membership.user)) == [enterprise]
    assert open_todos(world.officer_a) == []
    assert Todo.objects.get(source_id=str(membership.pk)).done_at == T0
    (notification,) = Notification.objects.filter(recipient=membership.user)
    assert notification.link == reverse("home")
    assert "芯谷新创科技有限公司" in notification.title
    assert list(
        AuditEvent.objects.filter(seq__gt=0).order_by("-seq").values_list("action", flat=True)[:3]
    ) == ["notification.create", "membership.confirmed", "enterprise.create"]


def test_it_binds_an_existing_enterprise(world):
    membership = signup(world, uscc=USCC_A, enterprise_name="另一个名字")
    before = Enterprise.objects.count()

    enterprises.membership_confirm(actor=world.officer_a, membership=membership)

    assert Enterprise.objects.count() == before
    assert EnterpriseMembership.objects.get(pk=membership.pk).enterprise == world.enterprise
    assert Enterprise.objects.get(pk=world.enterprise.pk).name == "芯谷示例科技有限公司"
    assert list(selectors.enterprise_list(actor=membership.user)) == [world.enterprise]


def test_it_refuses_to_bind_an_enterprise_registered_in_another_zone(world):
    membership = signup(world, uscc=USCC_A, zone=world.zone_b)
    before = counts()

    with pytest.raises(ValidationError) as error:
        enterprises.membership_confirm(actor=world.officer_b, membership=membership)

    assert codes(error.value) == {"zone": ["other_zone"]}
    assert counts() == before
    assert EnterpriseMembership.objects.get(pk=membership.pk).status == MembershipStatus.PENDING


def test_it_lets_an_administrator_decide(world):
    membership = signup(world)

    enterprises.membership_confirm(actor=world.admin, membership=membership)

    assert EnterpriseMembership.objects.get(pk=membership.pk).status == MembershipStatus.CONFIRMED


def test_it_decides_a_binding_only_once(world):
    membership = signup(world)
    enterprises.membership_confirm(actor=world.officer_a, membership=membership)
    before = counts()

    with pytest.raises(ConflictError):
        enterprises.membership_confirm(actor=world.officer_a, membership=membership)
    with pytest.raises(ConflictError):
        enterprises.membership_reject(actor=world.officer_a, membership=membership, note="晚了")

    assert counts() == before
    assert EnterpriseMembership.objects.get(pk=membership.pk).status == MembershipStatus.CONFIRMED


def test_it_needs_a_reason_to_reject(world):
    membership = signup(world)
    before = counts()

    with pytest.raises(ValidationError) as error:
        enterprises.membership_reject(actor=world.officer_a, membership=membership, note="  ")

    assert codes(error.value) == {"decision_note": ["required"]}
    assert counts() == before
    assert EnterpriseMembership.objects.get(pk=membership.pk).status == MembershipStatus.PENDING


def test_it_rejects_a_binding_with_the_reason(world):
    membership = signup(world)

    with clock.simulated_time(T0):
        enterprises.membership_reject(
            actor=world.officer_a, membership=membership, note="  营业执照与名称不符 "
        )

    stored = EnterpriseMembership.objects.get(pk=membership.pk)
    assert (stored.status, stored.decision_note, stored.decided_by, stored.enterprise) == (
        "rejected",
        "营业执照与名称不符",
        world.officer_a,
        None,
    )
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()
    assert open_todos(world.officer_a) == []
    (notification,) = Notification.objects.filter(recipient=membership.user)
    assert notification.body == "营业执照与名称不符"
    assert list(selectors.enterprise_list(actor=membership.user)) == []
    event = AuditEvent.objects.filter(action__startswith="membership.").order_by("-seq").first()
    assert (event.action, event.before["status"], event.after["status"]) == (
        "membership.rejected",
        "pending",
        "rejected",
    )


# ---- founder sign-up ----------------------------------------------------------------------


def test_it_signs_up_a_founder(world):
    user = enterprises.founder_signup(
        username="dreamer", password=PASSWORD, full_name="创业者", phone="13600136000"
    )

    assert role_names(user) == {"founder"}
    assert not EnterpriseMembership.objects.filter(user=user).exists()
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_id, event.after) == (
        "founder.signup",
        user.pk,
        {"username": "dreamer", "phone": "136****6000"},
    )
    assert list(selectors.enterprise_list(actor=user)) == []


def test_it_refuses_an_invalid_founder_creating_nothing(world):
    before = counts()

    with pytest.raises(ValidationError) as error:
        enterprises.founder_signup(username="founder", password="123", full_name="", phone="110")

    assert set(codes(error.value)) == {"username", "password", "full_name", "phone"}
    assert counts() == before


# ---- the sign-up pages --------------------------------------------------------------------


def page_data(world, **overrides) -> dict:
    return {
        "username": "newcomer",
        "full_name": "新人",
        "phone": "13700137000",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "uscc": NEW_USCC,
        "enterprise_name": "芯谷新创科技有限公司",
        "zone": world.zone_a.pk,
        **overrides,
    }


def test_it_shows_the_sign_up_page_to_visitors(client, world):
    response = client.get(reverse("enterprises:signup"))

    assert response.status_code == 200
    assert 'name="uscc"' in response.content.decode()


def test_it_signs_up_through_the_page_and_logs_the_user_in(client, world):
    response = client.post(reverse("enterprises:signup"), page_data(world))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    membership = EnterpriseMembership.objects.get(user__username="newcomer")
    assert membership.status == MembershipStatus.PENDING
    assert int(client.session["_auth_user_id"]) == membership.user.pk
    assert len(open_todos(world.officer_a)) == 1


def test_it_shows_the_invalid_code_next_to_the_field(client, world):
    before = counts()

    response = client.post(
        reverse("enterprises:signup"), page_data(world, uscc=NEW_USCC[:-1] + "2")
    )

    assert response.status_code == 200
    message = translated(
        "The check character of this unified social credit code is wrong; please check the code."
    )
    assert escape(message) in response.content.decode()
    assert response.context["form"].errors["uscc"] == [message]
    assert counts() == before
    assert "_auth_user_id" not in client.session


def test_it_shows_service_and_form_errors_together(client, world):
    before = counts()

    response = client.post(
        reverse("enterprises:signup"),
        page_data(world, phone="12", username="officer_a", password_again="other"),
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"password_again"}
    assert counts() == before

    response = client.post(
        reverse("enterprises:signup"), page_data(world, phone="12", username="officer_a")
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone", "username"}
    assert counts() == before


def test_it_signs_up_a_founder_through_the_page(client, world):
    data = {
        "username": "dreamer",
        "full_name": "创业者",
        "phone": "13600136000",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }

    assert client.get(reverse("enterprises:founder_signup")).status_code == 200
    response = client.post(reverse("enterprises:founder_signup"), data)

    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert role_names(get_user_model().objects.get(username="dreamer")) == {"founder"}


def test_it_shows_founder_errors_on_the_page(client, world):
    before = counts()

    response = client.post(
        reverse("enterprises:founder_signup"),
        {
            "username": "dreamer",
            "full_name": "创业者",
            "phone": "999",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone"}
    assert counts() == before
