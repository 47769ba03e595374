"""Register fixtures: staffed units in two zones and a few matters, built through services."""

from dataclasses import dataclass
from datetime import date

import pytest

from onezone.org.choices import UnitKind
from onezone.register import services
from onezone.register.choices import DelegationMode, MatterKind, RegisterList

START = date(2025, 1, 1)


@dataclass
class Register:
    park_a: object
    park_b: object
    service_a: object
    service_b: object
    promotion: object
    hq: object
    commissioner_a: object
    commissioner_b: object
    matter: object
    other: object


@pytest.fixture
def register(world, unit_factory, post_factory) -> Register:
    park_a = unit_factory(
        world.functional, UnitKind.PARK_SERVICE, name="芯谷园区服务科", stationed_in=world.zone_a
    )
    park_b = unit_factory(
        world.functional, UnitKind.PARK_SERVICE, name="航空园区服务科", stationed_in=world.zone_b
    )
    service_a = unit_factory(world.committee_a, name="企业服务部")
    service_b = unit_factory(world.committee_b, name="企业服务部")
    promotion = unit_factory(world.sectoral, UnitKind.INVESTMENT_PROMOTION, name="投资促进科")
    hq = unit_factory(world.functional, UnitKind.GENERAL_OFFICE, name="机关办公室")
    commissioner_a = post_factory(park_a, title="科长", is_leader=True).person
    commissioner_b = post_factory(park_b, title="科长", is_leader=True).person
    for unit in (service_a, service_b, promotion, hq):
        post_factory(unit)
    matter = services.matter_create(
        actor=world.admin,
        code="GZ001",
        name="建设工程规划许可证核发",
        kind=MatterKind.APPROVAL,
        home_body=world.functional,
        legal_basis="《城乡规划法》",
        enterprise_related=True,
    )
    other = services.matter_create(
        actor=world.admin,
        code="SW001",
        name="取水许可",
        kind=MatterKind.APPROVAL,
        home_body=world.sectoral,
        legal_basis="《水法》",
        enterprise_related=True,
    )
    return Register(
        park_a,
        park_b,
        service_a,
        service_b,
        promotion,
        hq,
        commissioner_a,
        commissioner_b,
        matter,
        other,
    )


@pytest.fixture
def entry(world):
    """entry(matter, holder, zone=None, list_name=..., mode=retained, **extra) via the service."""

    def create(matter, holder, zone=None, list_name=RegisterList.APPROVAL_ENFORCEMENT, **extra):
        extra.setdefault("mode", DelegationMode.RETAINED)
        extra.setdefault("valid_from", START)
        return services.entry_create(
            actor=world.admin,
            matter=matter,
            list_name=list_name,
            zone=zone,
            holder_unit=holder,
            **extra,
        )

    return create


@pytest.fixture
def covered(world, register, entry):
    """Both matters held in both zones: GZ001 by each zone's stationed section, SW001 by
    transfer in zone A and retained for all zones (zone B falls back to it)."""
    for zone, park, person in (
        (world.zone_a, register.park_a, register.commissioner_a),
        (world.zone_b, register.park_b, register.commissioner_b),
    ):
        entry(
            register.matter,
            park,
            zone,
            mode=DelegationMode.STATIONED_COMMISSIONER,
            commissioner=person,
        )
    entry(register.other, register.promotion, None, list_name=RegisterList.DELEGATED_POWER)
    entry(
        register.other,
        register.service_a,
        world.zone_a,
        list_name=RegisterList.DELEGATED_POWER,
        mode=DelegationMode.AUTHORISED_TRANSFER,
        deciding_unit=register.promotion,
    )
    return register
