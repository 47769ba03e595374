"""Service assignments: designations, balanced assignment, reassignment and post ends."""

from datetime import date, timedelta
from itertools import count

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onezone.conftest import make_user
from onezone.core import clock
from onezone.core.choices import Role, ScopeKind
from onezone.core.models import AuditEvent, Todo
from onezone.enterprises import services
from onezone.enterprises.choices import ServiceRole
from onezone.enterprises.models import ServiceAssignment, ServiceDesignation
from onezone.enterprises.uscc import uscc_complete
from onezone.org import services as org

LIAISON = ServiceRole.LIAISON
CHIEF = ServiceRole.CHIEF_REPRESENTATIVE
_numbers = count(1)


def make_enterprise(world, name: str, zone=None, tags=()):
    """An enterprise file created by the administrator, with a computed valid USCC."""
    number = next(_numbers)
    return services.enterprise_create(
        actor=world.admin,
        data={
            "uscc": uscc_complete(f"91510116{number:09d}"),
            "name": name,
            "zone": zone or world.zone_a,
            "industry_code": "3973",
            "registered_on": date(2020, 1, 1),
            "employees": 50,
            "revenue_10k_cny": 1000,
            "assets_10k_cny": 1000,
            "rd_expense_10k_cny": 10,
            "tags": list(tags),
        },
    )


def make_server(world, post_factory, unit, *, username, zone=None, role=LIAISON):
    """A user whose person holds a post in `unit`, designated for `zone` in `role`."""
    zone = zone or world.zone_a
    officer = world.officer_a if zone == world.zone_a else world.officer_b
    user = make_user(username)
    org.role_assign(actor=world.admin, user=user, role=role, scope_kind=ScopeKind.ZONE, scope=zone)
    post = post_factory(unit)
    org.person_update(actor=world.admin, person=post.person, user=user)
    post.person.refresh_from_db()
    services.designation_create(actor=officer, post=post, role=role, zone=zone)
    return user, post


@pytest.fixture
def unit_a(world, unit_factory):
    return unit_factory(world.committee_a, name="企业服务科")


@pytest.fixture
def unit_b(world, unit_factory):
    return unit_factory(world.committee_b, name="企业服务科")


@pytest.fixture
def liaisons(world, post_factory, unit_a):
    """Three liaisons of zone A, in staff-number order."""
    return [make_server(world, post_factory, unit_a, username=f"liaison{n}")[1] for n in (1, 2, 3)]


def running(enterprise, role=LIAISON):
    return ServiceAssignment.objects.get(enterprise=enterprise, role=role, end_on__isnull=True)


def loads(posts, role=LIAISON) -> list[int]:
    return [
        ServiceAssignment.objects.filter(post=post, role=role, end_on__isnull=True).count()
        for post in posts
    ]


def test_it_balances_seven_enterprises_over_three_liaisons(world, liaisons):
    for n in range(6):
        make_enterprise(world, f"芯谷企业{n}")

    assigned = services.assignment_auto_assign(actor=world.officer_a, zone=world.zone_a)

    assert assigned == 7
    assert loads(liaisons) == [3, 2, 2]
    assert ServiceAssignment.objects.filter(enterprise__zone=world.zone_b).count() == 0
    assert AuditEvent.objects.filter(action="service_assignment.auto_assign").count() == 1


def test_it_gives_new_enterprises_to_the_least_loaded_liaison(world, liaisons):
    services.assignment_auto_assign(actor=world.officer_a, zone=world.zone_a)
    for n in range(3):
        make_enterprise(world, f"新企业{n}")

    assert services.assignment_auto_assign(actor=world.officer_a, zone=world.zone_a) == 3
    assert loads(liaisons) == [2, 1, 1]
    assert services.assignment_auto_assign(actor=world.officer_a, zone=world.zone_a) == 0


def test_it_gives_chief_representatives_only_key_enterprises(world, post_factory, unit_a, liaisons):
    key_one = make_enterprise(world, "重点一", tags=["key"])
    key_two = make_enterprise(world, "重点二", tags=["key", "high_tech"])
    make_enterprise(world, "普通企业", tags=["high_tech"])
    _, chief = make_server(world, post_factory, unit_a, username="chief", role=CHIEF)

    assigned = services.assignment_auto_assign(actor=world.officer_a, zone=world.zone_a, role=CHIEF)

    assert assigned == 2
    assert set(
        ServiceAssignment.objects.filter(role=CHIEF).values_list("enterprise", flat=True)
    ) == {key_one.pk, key_two.pk}
    assert loads([chief], CHIEF) == [2]


def test_it_keeps_the_history_when_reassigning(world, liaisons):
    first, second = liaisons[0], liaisons[1]
    old = services.assignment_set(
        actor=world.officer_a,
        enterprise=world.enterprise,
        role=LIAISON,
        post=first,
        start_on=date(2025, 3, 1),
    )
    new = services.assignment_set(
        actor=world.officer_a,
        enterprise=world.enterprise,
        role=LIAISON,
        post=second,
        start_on=date(2025, 6, 1),
        reason="调岗",
    )

    old.refresh_from_db()
    assert (old.start_on, old.end_on, old.post) == (date(2025, 3, 1), date(2025, 5, 31), first)
    assert (new.start_on, new.end_on, new.post, new.reason) == (
        date(2025, 6, 1),
        None,
        second,
        "调岗",
    )
    assert ServiceAssignment.objects.filter(enterprise=world.enterprise).count() == 2
    assert AuditEvent.objects.filter(action="service_assignment.set").count() == 2


def test_it_refuses_a_post_not_designated_for_the_zone(world, post_factory, unit_b):
    _, post_b = make_server(world, post_factory, unit_b, username="liaison_b", zone=world.zone_b)

    with pytest.raises(ValidationError) as error:
        services.assignment_set(
            actor=world.officer_a, enterprise=world.enterprise, role=LIAISON, post=post_b
        )

    assert error.value.error_dict["post"][0].code == "not_designated"
    assert not ServiceAssignment.objects.exists()


def test_it_hands_an_ended_liaisons_enterprises_to_the_other_liaison(world, post_factory, unit_a):
    _, leaving = make_server(world, post_factory, unit_a, username="leaving")
    successor_user, successor = make_server(world, post_factory, unit_a, username="successor")
    services.assignment_set(
        actor=world.officer_a, enterprise=world.enterprise, role=LIAISON, post=leaving
    )
    today = clock.today()

    org.post_end(actor=world.admin, post=leaving, end_on=today)

    old = ServiceAssignment.objects.get(post=leaving)
    new = running(world.enterprise)
    assert old.end_on == today
    assert (new.post, new.start_on) == (successor, today + timedelta(days=1))
    todos = Todo.objects.filter(source_type="enterprises.serviceassignment")
    assert todos.count() == 1
    assert todos.get().assignee == successor_user
    assert world.enterprise.name in todos.get().title
    assert not ServiceDesignation.objects.filter(post=leaving).exists()


def test_it_asks_the_zone_officers_when_no_liaison_is_left(world, post_factory, unit_a):
    _, leaving = make_server(world, post_factory, unit_a, username="leaving")
    services.assignment_set(
        actor=world.officer_a, enterprise=world.enterprise, role=LIAISON, post=leaving
    )

    org.post_end(actor=world.admin, post=leaving, end_on=clock.today())

    assert ServiceAssignment.objects.get().end_on == clock.today()
    assert not ServiceAssignment.objects.filter(end_on__isnull=True).exists()
    service_todos = Todo.objects.filter(source_type="enterprises.serviceassignment")
    assert [todo.assignee for todo in service_todos] == [world.officer_a]
    assert world.enterprise.name in service_todos.get().title


def test_it_reassigns_when_a_designation_is_withdrawn(world, liaisons):
    services.assignment_set(
        actor=world.officer_a, enterprise=world.enterprise, role=LIAISON, post=liaisons[0]
    )
    designation = ServiceDesignation.objects.get(post=liaisons[0])

    moved = services.designation_end(actor=world.officer_a, designation=designation)

    assert moved == 1
    assert running(world.enterprise).post == liaisons[1]
    assert not ServiceDesignation.objects.filter(pk=designation.pk).exists()


@pytest.mark.parametrize("persona", ["officer_b", "enterprise_user", "leader"])
def test_it_lets_only_the_zones_officers_arrange_service(world, liaisons, persona):
    actor = getattr(world, persona)
    before = (ServiceAssignment.objects.count(), ServiceDesignation.objects.count())
    audit_before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        services.assignment_auto_assign(actor=actor, zone=world.zone_a)
    with pytest.raises(PermissionDenied):
        services.assignment_set(
            actor=actor, enterprise=world.enterprise, role=LIAISON, post=liaisons[0]
        )
    with pytest.raises(PermissionDenied):
        services.designation_end(
            actor=actor, designation=ServiceDesignation.objects.get(post=liaisons[0])
        )

    assert (ServiceAssignment.objects.count(), ServiceDesignation.objects.count()) == before
    assert AuditEvent.objects.count() == audit_before


def test_it_refuses_a_designation_outside_the_officers_zone(world, post_factory, unit_a):
    post = post_factory(unit_a)

    with pytest.raises(PermissionDenied):
        services.designation_create(
            actor=world.officer_b, post=post, role=LIAISON, zone=world.zone_a
        )

    assert not ServiceDesignation.objects.exists()


def test_it_gives_a_liaison_role_holder_only_their_portfolio(world, liaisons):
    """The liaison role alone shows nothing; the assignment is what opens a file."""
    user = liaisons[0].person.user
    make_enterprise(world, "芯谷第二企业")
    services.assignment_set(
        actor=world.officer_a, enterprise=world.enterprise, role=LIAISON, post=liaisons[0]
    )

    from onezone.enterprises import selectors

    assert list(selectors.enterprise_list(actor=user)) == [world.enterprise]
    assert Role.LIAISON in {r.role for r in user.roles.all()}
