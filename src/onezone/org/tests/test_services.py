"""Writes to the organisation: audited, validated, quota-checked and for administrators only."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from stdnum.cn import ric

from onezone.conftest import make_user
from onezone.core import clock
from onezone.core.audit import audit_verify
from onezone.core.choices import Role, ScopeKind
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent
from onezone.org import selectors
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Body, Person, Post, RoleAssignment, Unit, Zone

VALID_ID = "11010519491231002X"
TODAY = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def today():
    with clock.simulated_time(TODAY):
        yield TODAY.date()


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [item.code for item in items] for field, items in error.error_dict.items()}


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


def event_fields(event: AuditEvent) -> tuple:
    return event.action, event.object_type, event.object_id, event.before, event.after


def counts() -> dict[str, int]:
    models = (Zone, Body, Unit, Person, Post, RoleAssignment, AuditEvent)
    return {model.__name__: model.objects.count() for model in models}


def small_body(world, quota: int, name: str = "测试单位") -> Body:
    return org.body_create(actor=world.admin, name=name, kind=BodyKind.OTHER, headcount_quota=quota)


def merged_pair(world, committee_quota: int, lead_quota: int) -> tuple[Body, Body]:
    zone = org.zone_create(actor=world.admin, code="new_zone", name="新区")
    committee = org.body_create(
        actor=world.admin,
        name="新区管委会",
        kind=BodyKind.ZONE_COMMITTEE,
        zone=zone,
        headcount_quota=committee_quota,
    )
    lead = org.body_create(
        actor=world.admin,
        name="区新经济局",
        kind=BodyKind.LEAD,
        merged_with=committee,
        headcount_quota=lead_quota,
    )
    return committee, lead


# ---- zones ----------------------------------------------------------------------------


def test_it_creates_a_zone_with_an_audit_event(world):
    zone = org.zone_create(
        actor=world.admin, code="east", name="东区", name_en="East", industry_focus="电子信息"
    )

    assert Zone.objects.filter(pk=zone.pk).values(
        "code", "name", "name_en", "industry_focus", "description"
    ).get() == {
        "code": "east",
        "name": "东区",
        "name_en": "East",
        "industry_focus": "电子信息",
        "description": "",
    }
    assert event_fields(last_event()) == (
        "zone.create",
        "org.zone",
        str(zone.pk),
        None,
        {
            "code": "east",
            "name": "东区",
            "name_en": "East",
            "industry_focus": "电子信息",
            "description": "",
        },
    )
    assert last_event().actor_id == world.admin.pk


def test_it_updates_a_zone_recording_before_and_after(world):
    org.zone_update(actor=world.admin, zone=world.zone_a, name_en="Chengdu Chip Valley")

    assert Zone.objects.get(pk=world.zone_a.pk).name_en == "Chengdu Chip Valley"
    action, _type, object_id, before, after = event_fields(last_event())
    assert (action, object_id) == ("zone.update", str(world.zone_a.pk))
    assert (before["name_en"], after["name_en"]) == ("", "Chengdu Chip Valley")
    assert {key for key in before if before[key] != after[key]} == {"name_en"}


def test_it_refuses_a_duplicate_zone_code(world):
    before = counts()

    with pytest.raises(ValidationError) as error:
        org.zone_create(actor=world.admin, code="chip_valley", name="另一个")

    assert codes(error.value) == {"code": ["unique"]}
    assert counts() == before


def test_it_refuses_to_set_an_unknown_field(world):
    before = counts()

    with pytest.raises(ValidationError) as error:
        org.zone_create(actor=world.admin, code="x", name="x", colour="red")

    assert codes(error.value) == {"colour": ["unknown_field"]}
    assert counts() == before


# ---- bodies ---------------------------------------------------------------------------


def test_it_creates_a_body_with_an_audit_event(world):
    body = org.body_create(
        actor=world.admin,
        name="区住房建设和交通运输局",
        short_name="住建交",
        kind=BodyKind.FUNCTIONAL,
        headcount_quota=8,
    )

    assert event_fields(last_event()) == (
        "body.create",
        "org.body",
        str(body.pk),
        None,
        {
            "name": "区住房建设和交通运输局",
            "short_name": "住建交",
            "kind": "functional",
            "zone": None,
            "merged_with": None,
            "headcount_quota": 8,
        },
    )


def test_it_records_the_merged_committee_of_a_lead_bureau(world):
    action, _type, _id, _before, after = event_fields(
        AuditEvent.objects.get(action="body.create", object_id=str(world.lead_a.pk))
    )

    assert after == {
        "name": "区发改局",
        "short_name": "",
        "kind": "lead",
        "zone": None,
        "merged_with": world.committee_a.pk,
        "headcount_quota": 5,
    }


def test_it_updates_a_body_recording_before_and_after(world):
    org.body_update(actor=world.admin, body=world.functional, short_name="规自局")

    action, _type, object_id, before, after = event_fields(last_event())
    assert (action, object_id) == ("body.update", str(world.functional.pk))
    assert (before["short_name"], after["short_name"]) == ("", "规自局")
    assert Body.objects.get(pk=world.functional.pk).short_name == "规自局"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"kind": BodyKind.ZONE_COMMITTEE}, {"zone": ["required"]}),
        ({"kind": BodyKind.FUNCTIONAL, "zone": "zone_b"}, {"zone": ["not_committee"]}),
        (
            {"kind": BodyKind.FUNCTIONAL, "merged_with": "committee_b"},
            {"merged_with": ["not_lead"]},
        ),
        ({"kind": BodyKind.LEAD, "merged_with": "functional"}, {"merged_with": ["not_committee"]}),
        ({"kind": BodyKind.LEAD, "merged_with": "committee_a"}, {"merged_with": ["unique"]}),
        ({"kind": BodyKind.ZONE_COMMITTEE, "zone": "zone_a"}, {"zone": ["zone_has_committee"]}),
        ({"kind": "ministry"}, {"kind": ["invalid_choice"]}),
    ],
)
def test_it_refuses_an_inconsistent_body(world, data, expected):
    data = {
        key: getattr(world, value) if key in {"zone", "merged_with"} else value
        for key, value in data.items()
    }
    before = counts()

    with pytest.raises(ValidationError) as error:
        org.body_create(actor=world.admin, name="新机构", **data)

    assert codes(error.value) == expected
    assert counts() == before


def test_it_refuses_to_turn_a_body_into_an_inconsistent_one(world):
    with pytest.raises(ValidationError) as error:
        org.body_update(actor=world.admin, body=world.functional, kind=BodyKind.ZONE_COMMITTEE)

    assert codes(error.value) == {"zone": ["required"]}
    assert Body.objects.get(pk=world.functional.pk).kind == BodyKind.FUNCTIONAL


# ---- units ----------------------------------------------------------------------------


def test_it_creates_a_unit_with_the_zones_it_serves(world):
    unit = org.unit_create(
        actor=world.admin,
        body=world.sectoral,
        name="投资促进科",
        kind=UnitKind.INVESTMENT_PROMOTION,
        front_line=True,
        serves_zones=[world.zone_b, world.zone_a],
    )

    assert sorted(unit.serves_zones.values_list("code", flat=True)) == ["aviation", "chip_valley"]
    assert event_fields(last_event()) == (
        "unit.create",
        "org.unit",
        str(unit.pk),
        None,
        {
            "body": world.sectoral.pk,
            "name": "投资促进科",
            "kind": "investment_promotion",
            "stationed_in": None,
            "front_line": True,
            "phone": "",
            "serves_zones": ["aviation", "chip_valley"],
        },
    )


def test_it_updates_a_unit_recording_before_and_after(world, unit_factory):
    unit = unit_factory(world.functional, UnitKind.PARK_SERVICE, stationed_in=world.zone_a)

    org.unit_update(actor=world.admin, unit=unit, stationed_in=world.zone_b, serves_zones=[])

    action, _type, _id, before, after = event_fields(last_event())
    assert action == "unit.update"
    assert (before["stationed_in"], after["stationed_in"]) == (world.zone_a.pk, world.zone_b.pk)
    assert Unit.objects.get(pk=unit.pk).stationed_in == world.zone_b


def test_it_refuses_to_station_a_committees_own_unit(world):
    before = counts()

    with pytest.raises(ValidationError) as error:
        org.unit_create(
            actor=world.admin,
            body=world.committee_a,
            name="综合办",
            kind=UnitKind.GENERAL_OFFICE,
            stationed_in=world.zone_b,
        )

    assert codes(error.value) == {"stationed_in": ["committee_unit"]}
    assert counts() == before


def test_it_refuses_two_units_of_one_name_in_a_body(world, unit_factory):
    unit_factory(world.functional, UnitKind.PARK_SERVICE, name="园区服务科")
    before = counts()

    with pytest.raises(ValidationError) as error:
        unit_factory(world.functional, UnitKind.PARK_ENFORCEMENT, name="园区服务科")

    assert "__all__" in codes(error.value)
    assert counts() == before


# ---- people ---------------------------------------------------------------------------


def test_it_creates_a_person_with_personal_data_masked_in_the_audit_trail(world):
    assert ric.is_valid(VALID_ID)

    person = org.person_create(
        actor=world.admin,
        name="张三",
        staff_number="S001",
        phone="13800138000",
        id_number=VALID_ID.lower(),
    )

    stored = Person.objects.get(pk=person.pk)
    assert (stored.phone, stored.id_number) == ("13800138000", VALID_ID)
    assert event_fields(last_event()) == (
        "person.create",
        "org.person",
        str(person.pk),
        None,
        {
            "name": "张三",
            "staff_number": "S001",
            "phone": "138****8000",
            "id_number": "1101**********002X",
            "user": None,
            "is_synthetic": False,
        },
    )


def test_it_updates_a_person_recording_before_and_after(world):
    person = org.person_create(actor=world.admin, name="张三", staff_number="S001")

    org.person_update(actor=world.admin, person=person, phone="028-12345678")

    action, _type, _id, before, after = event_fields(last_event())
    assert action == "person.update"
    assert (before["phone"], after["phone"]) == ("", "028*****5678")
    assert Person.objects.get(pk=person.pk).phone == "028-12345678"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"phone": "12345"}, {"phone": ["invalid_phone"]}),
        ({"phone": "1380013800"}, {"phone": ["invalid_phone"]}),
        ({"phone": "23800138000"}, {"phone": ["invalid_phone"]}),
        ({"id_number": "110105194912310021"}, {"id_number": ["invalid_id_number"]}),
        ({"id_number": "11010519491231"}, {"id_number": ["invalid_id_number"]}),
        ({"staff_number": "T00001"}, {"staff_number": ["unique"]}),
    ],
)
def test_it_refuses_invalid_personal_data(world, post_factory, unit_factory, data, expected):
    post_factory(unit_factory(world.committee_a))
    before = counts()

    with pytest.raises(ValidationError) as error:
        org.person_create(actor=world.admin, **{"name": "李四", "staff_number": "S9", **data})

    assert codes(error.value) == expected
    assert counts() == before


def test_it_refuses_an_invalid_phone_on_update_and_keeps_the_old_one(world):
    person = org.person_create(
        actor=world.admin, name="张三", staff_number="S1", phone="13800138000"
    )
    before = counts()

    with pytest.raises(ValidationError):
        org.person_update(actor=world.admin, person=person, phone="abc")

    assert Person.objects.get(pk=person.pk).phone == "13800138000"
    assert counts() == before


def test_it_reveals_personal_data_to_an_administrator_and_logs_it(world):
    person = org.person_create(
        actor=world.admin, name="张三", staff_number="S1", phone="13800138000", id_number=VALID_ID
    )

    revealed = org.person_reveal_personal_data(actor=world.admin, person=person)

    assert revealed == {"phone": "13800138000", "id_number": VALID_ID}
    assert event_fields(last_event()) == (
        "person.reveal_personal_data",
        "org.person",
        str(person.pk),
        None,
        {"fields": ["phone", "id_number"]},
    )


@pytest.mark.parametrize("persona", ["leader", "officer_a", "bureau_officer", "enterprise_user"])
def test_it_reveals_personal_data_to_nobody_else(world, persona):
    person = org.person_create(
        actor=world.admin, name="张三", staff_number="S1", phone="13800138000"
    )
    before = counts()

    with pytest.raises(PermissionDenied):
        org.person_reveal_personal_data(actor=getattr(world, persona), person=person)

    assert counts() == before


# ---- posts and the headcount quota ----------------------------------------------------


def test_it_creates_a_post_with_an_audit_event(world, unit_factory):
    unit = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE)
    person = org.person_create(actor=world.admin, name="张三", staff_number="S1")

    post = org.post_create(
        actor=world.admin,
        person=person,
        unit=unit,
        title="科长",
        is_leader=True,
        start_on=date(2025, 1, 1),
    )

    assert event_fields(last_event()) == (
        "post.create",
        "org.post",
        str(post.pk),
        None,
        {
            "person": person.pk,
            "unit": unit.pk,
            "title": "科长",
            "is_leader": True,
            "start_on": "2025-01-01",
            "end_on": None,
            "quota_override_reason": "",
        },
    )


def test_it_fills_posts_up_to_the_quota_and_refuses_the_next(world, unit_factory, post_factory):
    unit = unit_factory(small_body(world, 2))
    post_factory(unit)
    post_factory(unit)
    person = org.person_create(actor=world.admin, name="王五", staff_number="S1")
    before = counts()

    with pytest.raises(ValidationError) as error:
        org.post_create(
            actor=world.admin, person=person, unit=unit, title="科员", start_on=date(2025, 1, 1)
        )

    assert codes(error.value) == {"unit": ["over_quota"]}
    assert counts() == before
    assert selectors.quota_use(body=unit.body, on=date(2025, 1, 1)).used == 2


def test_it_exceeds_the_quota_with_a_recorded_reason(world, unit_factory, post_factory):
    unit = unit_factory(small_body(world, 1))
    post_factory(unit)

    post = post_factory(unit, quota_override_reason="  区委编办特批  ")

    assert Post.objects.get(pk=post.pk).quota_override_reason == "区委编办特批"
    assert last_event().after["quota_override_reason"] == "区委编办特批"
    use = selectors.quota_use(body=unit.body, on=date(2025, 1, 1))
    assert (use.quota, use.used, use.is_over) == (1, 2, True)


def test_it_does_not_accept_a_blank_reason_as_a_reason(world, unit_factory, post_factory):
    unit = unit_factory(small_body(world, 1))
    post_factory(unit)
    person = org.person_create(actor=world.admin, name="王五", staff_number="S1")

    with pytest.raises(ValidationError) as error:
        org.post_create(
            actor=world.admin,
            person=person,
            unit=unit,
            title="科员",
            start_on=date(2025, 1, 1),
            quota_override_reason="   ",
        )

    assert codes(error.value) == {"unit": ["over_quota"]}
    assert Post.objects.filter(person=person).count() == 0


def test_it_pools_the_quota_of_a_lead_bureau_and_its_committee(world, unit_factory, post_factory):
    committee, lead = merged_pair(world, committee_quota=2, lead_quota=1)
    committee_unit = unit_factory(committee, UnitKind.ENTERPRISE_SERVICE)
    lead_unit = unit_factory(lead, UnitKind.INVESTMENT_ATTRACTION)
    post_factory(committee_unit)
    post_factory(lead_unit)
    post_factory(lead_unit)  # the lead bureau alone is over its 1, the pool of 3 is not
    before = counts()

    for unit in (committee_unit, lead_unit):
        with pytest.raises(ValidationError) as error:
            post_factory(unit)
        assert codes(error.value) == {"unit": ["over_quota"]}

    assert counts()["Post"] == before["Post"]
    for body in (committee, lead):
        use = selectors.quota_use(body=body, on=date(2025, 1, 1))
        assert (use.quota, use.used, set(use.bodies)) == (3, 3, {committee, lead})


def test_it_does_not_count_ended_posts_against_the_quota(world, unit_factory, post_factory):
    unit = unit_factory(small_body(world, 1))
    post_factory(unit, start_on=date(2024, 1, 1), end_on=date(2024, 12, 31))

    post = post_factory(unit, start_on=date(2025, 1, 1))

    assert post.pk is not None
    assert selectors.quota_use(body=unit.body, on=date(2025, 1, 1)).used == 1


def test_it_counts_a_post_that_starts_later_against_the_quota(world, unit_factory, post_factory):
    unit = unit_factory(small_body(world, 1))
    post_factory(unit, start_on=date(2025, 7, 1))
    person = org.person_create(actor=world.admin, name="王五", staff_number="S1")
    before = counts()

    # Open-ended from January, it would overlap the July post: two posts for one place.
    with pytest.raises(ValidationError) as error:
        org.post_create(
            actor=world.admin, person=person, unit=unit, title="科员", start_on=date(2025, 1, 1)
        )

    assert codes(error.value) == {"unit": ["over_quota"]}
    assert counts() == before


def test_it_allows_a_post_that_ends_before_a_later_one_starts(world, unit_factory, post_factory):
    unit = unit_factory(small_body(world, 1))
    post_factory(unit, start_on=date(2025, 7, 1))

    post = post_factory(unit, start_on=date(2025, 1, 1), end_on=date(2025, 6, 30))

    assert Post.objects.filter(pk=post.pk).exists()


def test_it_refuses_to_lower_the_quota_below_the_filled_posts(world, unit_factory, post_factory):
    body = small_body(world, 3)
    unit = unit_factory(body)
    post_factory(unit)
    post_factory(unit)
    before = counts()

    with pytest.raises(ValidationError) as error:
        org.body_update(actor=world.admin, body=body, headcount_quota=1)

    assert codes(error.value) == {"headcount_quota": ["below_filled_posts"]}
    assert Body.objects.get(pk=body.pk).headcount_quota == 3
    assert counts() == before

    org.body_update(actor=world.admin, body=body, headcount_quota=2)
    assert Body.objects.get(pk=body.pk).headcount_quota == 2


def test_it_refuses_to_lower_the_quota_below_posts_that_start_later(
    world, unit_factory, post_factory, today
):
    body = small_body(world, 2)
    unit = unit_factory(body)
    post_factory(unit, start_on=date(2025, 1, 1))
    post_factory(unit, start_on=date(2025, 9, 1))

    with pytest.raises(ValidationError) as error:
        org.body_update(actor=world.admin, body=body, headcount_quota=1)

    assert codes(error.value) == {"headcount_quota": ["below_filled_posts"]}
    assert Body.objects.get(pk=body.pk).headcount_quota == 2


def test_it_refuses_to_lower_a_pooled_quota_below_the_pools_posts(
    world, unit_factory, post_factory
):
    committee, lead = merged_pair(world, committee_quota=2, lead_quota=1)
    post_factory(unit_factory(committee))
    post_factory(unit_factory(lead))
    post_factory(unit_factory(lead, UnitKind.COORDINATION))

    with pytest.raises(ValidationError) as error:
        org.body_update(actor=world.admin, body=committee, headcount_quota=1)

    assert codes(error.value) == {"headcount_quota": ["below_filled_posts"]}
    assert Body.objects.get(pk=committee.pk).headcount_quota == 2


def test_it_refuses_a_post_that_ends_before_it_starts(world, unit_factory):
    unit = unit_factory(world.committee_a)
    person = org.person_create(actor=world.admin, name="王五", staff_number="S1")
    before = counts()

    with pytest.raises(ValidationError) as error:
        org.post_create(
            actor=world.admin,
            person=person,
            unit=unit,
            title="科员",
            start_on=date(2025, 2, 1),
            end_on=date(2025, 1, 1),
        )

    assert "__all__" in codes(error.value)
    assert counts() == before


def test_it_ends_a_post_once(world, unit_factory, post_factory, today):
    post = post_factory(unit_factory(world.committee_a))

    org.post_end(actor=world.admin, post=post, end_on=date(2025, 5, 31))

    assert Post.objects.get(pk=post.pk).end_on == date(2025, 5, 31)
    action, _type, _id, before, after = event_fields(last_event())
    assert (action, before["end_on"], after["end_on"]) == ("post.end", None, "2025-05-31")
    events = counts()["AuditEvent"]

    with pytest.raises(ConflictError):
        org.post_end(actor=world.admin, post=post, end_on=date(2025, 6, 1))

    assert Post.objects.get(pk=post.pk).end_on == date(2025, 5, 31)
    assert counts()["AuditEvent"] == events


def test_it_takes_today_in_beijing_time_to_decide_a_post_has_ended(
    world, unit_factory, post_factory
):
    post = post_factory(unit_factory(world.committee_a))
    org.post_end(actor=world.admin, post=post, end_on=date(2025, 6, 2))
    at_0730_on_2_june_in_chengdu = datetime(2025, 6, 1, 23, 30, tzinfo=UTC)

    with clock.simulated_time(at_0730_on_2_june_in_chengdu), pytest.raises(ConflictError):
        org.post_end(actor=world.admin, post=post, end_on=date(2025, 6, 5))

    assert Post.objects.get(pk=post.pk).end_on == date(2025, 6, 2)


def test_it_refuses_to_end_a_post_before_it_started(world, unit_factory, post_factory, today):
    post = post_factory(unit_factory(world.committee_a), start_on=date(2025, 3, 1))

    with pytest.raises(ValidationError) as error:
        org.post_end(actor=world.admin, post=post, end_on=date(2025, 2, 28))

    assert codes(error.value) == {"end_on": ["before_start"]}
    assert Post.objects.get(pk=post.pk).end_on is None


def test_it_marks_a_person_with_posts_in_committee_and_lead_bureau_as_cross_appointed(
    world, unit_factory, post_factory
):
    person = org.person_create(actor=world.admin, name="赵六", staff_number="S1")
    single = org.person_create(actor=world.admin, name="钱七", staff_number="S2")
    committee_unit = unit_factory(world.committee_a, UnitKind.GENERAL_OFFICE)
    post_factory(committee_unit, person=person, title="主任", is_leader=True)
    post_factory(unit_factory(world.lead_a, UnitKind.COORDINATION), person=person, title="局长")
    post_factory(committee_unit, person=single)
    post_factory(unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE), person=single)

    assert selectors.is_cross_appointed(person) is True
    assert selectors.is_cross_appointed(single) is False


# ---- roles ----------------------------------------------------------------------------


def test_it_assigns_a_role_with_an_audit_event(world):
    user = make_user("clerk")

    assignment = org.role_assign(
        actor=world.admin,
        user=user,
        role=Role.ZONE_OFFICER,
        scope_kind=ScopeKind.ZONE,
        scope=world.zone_b,
    )

    assert (assignment.role, assignment.scope_kind, assignment.zone_id) == (
        "zone_officer",
        "zone",
        world.zone_b.pk,
    )
    assert event_fields(last_event()) == (
        "role.assign",
        "org.roleassignment",
        str(assignment.pk),
        None,
        {
            "user": "clerk",
            "role": "zone_officer",
            "scope_kind": "zone",
            "scope": "双流航空经济区",
        },
    )


def test_it_assigns_the_same_role_only_once(world):
    first = org.role_assign(
        actor=world.admin, user=world.leader, role=Role.LEADER, scope_kind=ScopeKind.DISTRICT
    )
    before = counts()

    assert first.pk == RoleAssignment.objects.get(user=world.leader).pk
    assert counts() == before


@pytest.mark.parametrize(
    ("role", "scope_kind", "scope", "expected"),
    [
        ("king", ScopeKind.DISTRICT, None, {"role": ["unknown_role"]}),
        (Role.LEADER, "galaxy", None, {"scope_kind": ["unknown_scope"]}),
        (Role.ZONE_OFFICER, ScopeKind.ZONE, None, {"scope": ["required"]}),
        (Role.ZONE_OFFICER, ScopeKind.ZONE, "committee_a", {"scope": ["required"]}),
        (Role.BUREAU_OFFICER, ScopeKind.BODY, "zone_a", {"scope": ["required"]}),
        (Role.BUREAU_OFFICER, ScopeKind.UNIT, "functional", {"scope": ["required"]}),
        (Role.LEADER, ScopeKind.DISTRICT, "zone_a", {"scope": ["scope_mismatch"]}),
    ],
)
def test_it_refuses_a_role_whose_scope_does_not_fit(world, role, scope_kind, scope, expected):
    user = make_user("clerk")
    before = counts()

    with pytest.raises(ValidationError) as error:
        org.role_assign(
            actor=world.admin,
            user=user,
            role=role,
            scope_kind=scope_kind,
            scope=getattr(world, scope) if scope else None,
        )

    assert codes(error.value) == expected
    assert counts() == before


def test_it_revokes_a_role_with_an_audit_event(world):
    assignment = RoleAssignment.objects.get(user=world.officer_b)
    assignment_id = assignment.pk

    org.role_revoke(actor=world.admin, assignment=assignment)

    assert not RoleAssignment.objects.filter(user=world.officer_b).exists()
    assert event_fields(last_event()) == (
        "role.revoke",
        "org.roleassignment",
        str(assignment_id),
        {
            "user": "officer_b",
            "role": "zone_officer",
            "scope_kind": "zone",
            "scope": "双流航空经济区",
        },
        None,
    )
    assert audit_verify().is_intact


# ---- only administrators write ---------------------------------------------------------


def _write_calls(world, unit, post, person):
    return {
        "zone_create": lambda actor: org.zone_create(actor=actor, code="x", name="x"),
        "zone_update": lambda actor: org.zone_update(actor=actor, zone=world.zone_a, name="改名"),
        "body_create": lambda actor: org.body_create(actor=actor, name="x", kind=BodyKind.OTHER),
        "body_update": lambda actor: org.body_update(
            actor=actor, body=world.functional, headcount_quota=99
        ),
        "unit_create": lambda actor: org.unit_create(
            actor=actor, body=world.functional, name="x", kind=UnitKind.OTHER
        ),
        "unit_update": lambda actor: org.unit_update(actor=actor, unit=unit, name="改名"),
        "person_create": lambda actor: org.person_create(actor=actor, name="x", staff_number="X1"),
        "person_update": lambda actor: org.person_update(actor=actor, person=person, name="改名"),
        "post_create": lambda actor: org.post_create(
            actor=actor, person=person, unit=unit, title="x", start_on=date(2025, 1, 1)
        ),
        "post_end": lambda actor: org.post_end(actor=actor, post=post, end_on=date(2025, 2, 1)),
        "role_assign": lambda actor: org.role_assign(
            actor=actor, user=actor, role=Role.ADMINISTRATOR, scope_kind=ScopeKind.DISTRICT
        ),
        "role_revoke": lambda actor: org.role_revoke(
            actor=actor, assignment=RoleAssignment.objects.get(user=world.leader)
        ),
        "person_reveal_personal_data": lambda actor: org.person_reveal_personal_data(
            actor=actor, person=person
        ),
    }


WRITE_SERVICES = [
    "zone_create",
    "zone_update",
    "body_create",
    "body_update",
    "unit_create",
    "unit_update",
    "person_create",
    "person_update",
    "post_create",
    "post_end",
    "role_assign",
    "role_revoke",
    "person_reveal_personal_data",
]


NON_ADMINISTRATORS = [
    "leader",
    "officer_a",
    "bureau_officer",
    "enterprise_user",
    "founder",
    "nobody",
]


def _org_rows() -> dict[str, list[dict]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Zone, Body, Unit, Person, Post, RoleAssignment, AuditEvent)
    }


@pytest.mark.parametrize("service", WRITE_SERVICES)
def test_it_lets_only_administrators_write(world, unit_factory, post_factory, service):
    unit = unit_factory(world.committee_a, name="企业服务科")
    post = post_factory(unit)
    call = _write_calls(world, unit, post, post.person)[service]
    before = _org_rows()

    for persona in NON_ADMINISTRATORS:
        with pytest.raises(PermissionDenied):
            call(getattr(world, persona))
        assert _org_rows() == before, persona


def test_it_refuses_a_role_assignment_without_an_administrator(world):
    before = RoleAssignment.objects.count()
    with pytest.raises(PermissionDenied):
        org.role_assign(
            actor=None, user=world.nobody, role=Role.LEADER, scope_kind=ScopeKind.DISTRICT
        )
    assert RoleAssignment.objects.count() == before


def test_it_grants_only_self_service_roles_at_signup(world):
    before = RoleAssignment.objects.count()
    with pytest.raises(PermissionDenied):
        org.role_grant_at_signup(user=world.nobody, role=Role.ADMINISTRATOR)
    assert RoleAssignment.objects.count() == before
    assignment = org.role_grant_at_signup(user=world.nobody, role=Role.FOUNDER)
    assert (assignment.role, assignment.scope_kind) == (Role.FOUNDER, ScopeKind.ENTERPRISE)
