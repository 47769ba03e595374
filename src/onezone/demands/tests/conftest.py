"""Fixtures of the demands tests (reused by every demands test module; names are stable).

`demands_world`: the shared `world` plus the register matters the categories map to, routed so
that water/drainage go to the water bureau's unit, the general category to each zone's
enterprise-service department, children's schooling to nobody (the fallback path) and every
other category to the planning bureau's park service section; the categories; a hotline
operator with a post in the hotline centre; officers with posts in the routed units.

`demand_factory(**overrides)` records a demand through the service (hotline, zone A's
enterprise, water supply, ordinary unless overridden). `demand_driver.to(demand, state)` drives
a demand along the ordinary path (dispatch → sign → reply → review → callback → close).
"""

from dataclasses import dataclass, field
from datetime import date

import pytest

from onezone.conftest import make_user
from onezone.core.choices import Role, ScopeKind
from onezone.demands.data.categories import categories_seed, category_matter_codes
from onezone.demands.models import DemandCategory
from onezone.demo.register_data import OTHER_MATTERS, parse_themes
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind
from onezone.register import services as register
from onezone.register.choices import DelegationMode, MatterKind, RegisterList

WATER_MATTERS = {"SWJ008", "SWJ009"}
GENERAL_MATTER = "ZZ003"
# No list entry: routing finds no holder and dispatch falls back.
UNROUTED_MATTERS = {"JY005"}


@dataclass
class DemandsWorld:
    world: object
    hotline_unit: object
    hotline: object
    service_unit_a: object
    service_unit_b: object
    planning_unit: object
    water_unit: object
    service_officer_a: object
    planner: object
    water_officer: object
    categories: dict = field(default_factory=dict)

    def category(self, code: str) -> DemandCategory:
        return self.categories[code]


def _matter_names() -> dict[str, tuple[str, str]]:
    names = {m["code"]: (m["name"], m["kind"]) for m in parse_themes()}
    names.update({code: (name, kind) for code, name, kind, *_rest in OTHER_MATTERS})
    return names


def _officer(admin, username, unit, post_factory, *, role, scope_kind, scope):
    user = make_user(username)
    person = org.person_create(
        actor=admin, name=f"{username}-person", staff_number=f"D-{username}", user=user
    )
    post_factory(unit, person=person, title="科员")
    org.role_assign(actor=admin, user=user, role=role, scope_kind=scope_kind, scope=scope)
    return user


def _seed_register(world, holders: dict) -> None:
    names = _matter_names()
    for code in category_matter_codes():
        name, kind = names.get(code, (code, MatterKind.PUBLIC_SERVICE))
        home = world.sectoral if code in WATER_MATTERS else world.functional
        matter = register.matter_create(
            actor=world.admin,
            code=code,
            name=name,
            kind=kind,
            home_body=home,
            enterprise_related=True,
        )
        if code in UNROUTED_MATTERS:
            continue
        for zone, unit in holders(code):
            register.entry_create(
                actor=world.admin,
                matter=matter,
                list_name=RegisterList.APPROVAL_ENFORCEMENT,
                zone=zone,
                holder_unit=unit,
                mode=DelegationMode.RETAINED,
                valid_from=date(2020, 1, 1),
            )


@pytest.fixture
def demands_world(world, unit_factory, post_factory) -> DemandsWorld:
    admin = world.admin
    hotline_body = org.body_create(
        actor=admin, name="区企业服务热线中心", kind=BodyKind.OTHER, headcount_quota=10
    )
    hotline_unit = unit_factory(hotline_body, UnitKind.OTHER, name="12345热线坐席")
    service_unit_a = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE, name="企业服务部")
    service_unit_b = unit_factory(world.committee_b, UnitKind.ENTERPRISE_SERVICE, name="企业服务部")
    planning_unit = unit_factory(
        world.functional, UnitKind.PARK_SERVICE, name="芯谷园区服务科", stationed_in=world.zone_a
    )
    water_unit = unit_factory(world.sectoral, UnitKind.OTHER, name="供排水科")

    def holders(code):
        if code in WATER_MATTERS:
            return [(None, water_unit)]
        if code == GENERAL_MATTER:
            return [(world.zone_a, service_unit_a), (world.zone_b, service_unit_b)]
        return [(None, planning_unit)]

    _seed_register(world, holders)
    categories_seed()
    hotline = _officer(
        admin,
        "hotline",
        hotline_unit,
        post_factory,
        role=Role.HOTLINE_OPERATOR,
        scope_kind=ScopeKind.DISTRICT,
        scope=None,
    )
    service_officer_a = _officer(
        admin,
        "service_a",
        service_unit_a,
        post_factory,
        role=Role.ZONE_OFFICER,
        scope_kind=ScopeKind.UNIT,
        scope=service_unit_a,
    )
    planner = _officer(
        admin,
        "planner",
        planning_unit,
        post_factory,
        role=Role.BUREAU_OFFICER,
        scope_kind=ScopeKind.UNIT,
        scope=planning_unit,
    )
    water_officer = _officer(
        admin,
        "water",
        water_unit,
        post_factory,
        role=Role.BUREAU_OFFICER,
        scope_kind=ScopeKind.UNIT,
        scope=water_unit,
    )
    return DemandsWorld(
        world=world,
        hotline_unit=hotline_unit,
        hotline=hotline,
        service_unit_a=service_unit_a,
        service_unit_b=service_unit_b,
        planning_unit=planning_unit,
        water_unit=water_unit,
        service_officer_a=service_officer_a,
        planner=planner,
        water_officer=water_officer,
        categories={c.code: c for c in DemandCategory.objects.all()},
    )


@pytest.fixture
def demand_factory(demands_world):
    from onezone.demands.choices import Channel, Priority
    from onezone.demands.services.demands import demand_create

    counter = {"n": 0}

    def create(**overrides):
        counter["n"] += 1
        data = {
            "actor": demands_world.hotline,
            "channel": Channel.HOTLINE,
            "category": "water_supply",
            "title": f"厂区停水 {counter['n']}",
            "description": "园区东路厂区自今晨起停水，影响生产。",
            "priority": Priority.ORDINARY,
            "enterprise": demands_world.world.enterprise,
            "caller_name": "张经理",
            "caller_phone": "13800138000",
        }
        data.update(overrides)
        return demand_create(**data)

    return create


# The ordinary path: each state's next action, who takes it, and its data.
PATH = [
    ("accepted", "dispatch", "coordinator", {}),
    ("dispatched", "sign", "handler", {}),
    ("in_progress", "reply", "handler", {"content": "已安排抢修，下午恢复供水。"}),
    ("replied", "review", "coordinator", {"decision": "accept"}),
    (
        "reviewed",
        "callback",
        "coordinator",
        {
            "valid": True,
            "contacted": True,
            "resolved": True,
            "satisfaction": "satisfied",
            "unit_at_fault": False,
            "note": "企业表示满意",
        },
    ),
    ("callback_done", "close", "coordinator", {}),
]


class DemandDriver:
    """Drives a demand along the ordinary path with the fixture's people."""

    def __init__(self, demands_world):
        self.dw = demands_world

    def handler_for(self, demand):
        units = {
            self.dw.water_unit.pk: self.dw.water_officer,
            self.dw.planning_unit.pk: self.dw.planner,
            self.dw.service_unit_a.pk: self.dw.service_officer_a,
        }
        return units.get(demand.lead_unit_id, self.dw.world.admin)

    def step(self, demand, **overrides):
        from onezone.demands.services.demands import demand_act

        for state, action, who, data in PATH:
            if demand.state == state:
                actor = self.handler_for(demand) if who == "handler" else self.dw.hotline
                return demand_act(
                    actor=actor, demand=demand, action=action, data={**data, **overrides}
                )
        raise AssertionError(f"no step from {demand.state}")

    def to(self, demand, state: str, **callback):
        """Drive `demand` until it reaches `state` (callback overrides the callback's data)."""
        for _ in range(len(PATH) + 1):
            if demand.state == state:
                return demand
            demand = self.step(demand, **(callback if demand.state == "reviewed" else {}))
        raise AssertionError(f"{state} not reached")


@pytest.fixture
def demand_driver(demands_world) -> DemandDriver:
    return DemandDriver(demands_world)
