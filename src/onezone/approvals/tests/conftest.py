"""Fixtures of the approvals tests: two matters routed in zone A, their specs, a journey."""

from dataclasses import dataclass
from datetime import date

import pytest

from onezone.approvals.services.catalogue import journey_save, spec_save
from onezone.org.choices import UnitKind
from onezone.register import services as register
from onezone.register.choices import DelegationMode, MatterKind, RegisterList

FORM_FIELDS = [
    {"name": "company_name", "label": "企业名称", "type": "string", "required": True},
    {
        "name": "legal_representative_id",
        "label": "法定代表人身份证号",
        "type": "id_number",
        "required": True,
    },
    {"name": "contact_phone", "label": "联系电话", "type": "phone", "required": True},
]
SEAL_FIELDS = [
    {"name": "company_name", "label": "企业名称", "type": "string", "required": True},
    {"name": "seal_count", "label": "印章数量", "type": "integer", "required": False},
]
# A valid resident ID number (check digit computed by the standard).
VALID_ID_NUMBER = "11010519491231002X"


@dataclass
class Approvals:
    unit: object
    registration: object
    seal: object
    journey: object


@pytest.fixture
def approvals(world, unit_factory):
    unit = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE, name="政务服务科")
    specs = []
    for code, name, fields, promised in (
        ("REG-001", "企业设立登记", FORM_FIELDS, "0.5"),
        ("SEAL-001", "公章刻制备案", SEAL_FIELDS, "1"),
    ):
        matter = register.matter_create(
            actor=world.admin,
            code=code,
            name=name,
            kind=MatterKind.APPROVAL,
            home_body=world.committee_a,
            enterprise_related=True,
        )
        register.entry_create(
            actor=world.admin,
            matter=matter,
            list_name=RegisterList.APPROVAL_ENFORCEMENT,
            zone=world.zone_a,
            holder_unit=unit,
            mode=DelegationMode.ZONE_OWN,
            valid_from=date(2020, 1, 1),
        )
        specs.append(
            spec_save(
                actor=world.admin,
                matter=matter,
                data={
                    "statutory_limit_working_days": 20,
                    "promised_limit_working_days": promised,
                    "fee_cny": "0",
                    "result_document": "营业执照",
                    "form_fields": fields,
                },
            )
        )
    journey = journey_save(
        actor=world.admin,
        data={
            "code": "business_startup",
            "name": "企业开办",
            "needs_enterprise": False,
            "baseline_value": 20,
            "baseline_unit": "days",
            "baseline_definition": "改革前",
            "target_value": "0.5",
            "target_unit": "working_days",
            "target_definition": "改革目标",
        },
        stages=[
            {
                "order": 1,
                "name": "登记",
                "lead_body": world.committee_a,
                "items": [{"spec": specs[0], "is_fully_online": True}],
            },
            {
                "order": 2,
                "name": "刻章",
                "lead_body": world.committee_a,
                "items": [{"spec": specs[1], "is_mandatory": False}],
            },
        ],
    )
    return Approvals(unit=unit, registration=specs[0], seal=specs[1], journey=journey)
