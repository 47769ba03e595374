"""The catalogue data: every demo matter gets a valid specification, the three journeys' forms
ask each field once, every journey item routes and every stage has a lead unit in every demo
zone; and stage_lead_unit's rules on a small world."""

from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from onezone.approvals.catalogue_data import FIELDS, MATERIALS, spec_for
from onezone.approvals.formspec import spec_fields
from onezone.approvals.models import Journey, JourneyStage, ServiceSpec
from onezone.approvals.selectors.catalogue import stage_lead_unit
from onezone.approvals.services import journey_form
from onezone.core.models import AuditEvent
from onezone.demo import orgchart, register_data
from onezone.demo.approvals_data import seed_catalogue
from onezone.demo.seed import DemoSeeder
from onezone.enterprises.models import Tag
from onezone.enterprises.tags import tags_load
from onezone.org.choices import UnitKind
from onezone.org.models import Zone
from onezone.register.choices import SERVICE_KINDS, MatterKind
from onezone.register.models import Matter
from onezone.register.routing import route

CONSTRUCTION_PREFIXES = ("GZ", "ZJ")


def _demo_specs() -> list[tuple[dict, dict, list[dict]]]:
    return [
        (matter, *spec_for(matter["name"], matter["kind"]))
        for matter in register_data.parse_themes()
    ]


def _organisation(seeder: DemoSeeder) -> None:
    """The demo's organisation and register, without enterprises and their year of service."""
    seeder.admin = seeder._admin()
    zones = {spec["code"]: seeder._zone(spec) for spec in orgchart.ZONES}
    committees = {code: seeder._committee(zone) for code, zone in zones.items()}
    for spec in orgchart.LEAD_BUREAUS:
        seeder._lead_bureau(spec, committees[spec["zone"]])
    for name, short_name in orgchart.FUNCTIONAL_BUREAUS:
        seeder._functional_bureau(name, short_name, zones.values())
    for name, short_name in orgchart.SECTORAL_BUREAUS:
        seeder._sectoral_bureau(name, short_name, list(zones.values()))
    register_data.seed_register(seeder)


@pytest.fixture(scope="class")
def demo_catalogue(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            seeder = DemoSeeder(password="Catalogue-Test-2026", scale=0.02)
            _organisation(seeder)
            seed_catalogue(seeder)
            first = dict(seeder.report.created)
            audit_rows = AuditEvent.objects.count()
            again = DemoSeeder(password="Catalogue-Test-2026", scale=0.02)
            again.admin = seeder.admin
            seed_catalogue(again)
        yield {"first": first, "again": dict(again.report.created), "audit_rows": audit_rows}
        call_command("flush", interactive=False, verbosity=0)
        tags_load(Tag)


# ---- the rules, without a database ---------------------------------------------------------


def test_it_gives_each_of_the_174_demo_matters_a_valid_specification():
    specs = _demo_specs()
    assert len(specs) == 174
    for matter, data, materials in specs:
        statutory = data["statutory_limit_working_days"]
        promised = data["promised_limit_working_days"]
        assert isinstance(statutory, int) and statutory >= 1, matter["code"]
        assert Decimal("0.5") <= promised <= statutory, matter["code"]
        assert data["fee_cny"] >= 0
        assert data["result_document"].strip()
        fields = spec_fields(data["form_fields"])
        assert fields and len({f.name for f in fields}) == len(fields), matter["code"]
        assert {f.name for f in fields} <= set(FIELDS)
        assert 1 <= len(materials) <= 4, matter["code"]
        assert {m["code"] for m in materials} <= set(MATERIALS)


def test_it_stages_the_construction_items_and_keeps_stages_off_the_others():
    by_code = {matter["code"]: data for matter, data, _materials in _demo_specs()}
    assert by_code["GZ001"]["national_stage"] == 1
    assert by_code["GZ003"]["national_stage"] == 2
    assert by_code["ZJ001"]["national_stage"] == 3
    assert by_code["ZJ003"]["national_stage"] == 4
    assert by_code["ST001"]["national_stage"] == 5
    assert by_code["XS001"]["national_stage"] is None
    assert by_code["ZJ019"]["national_stage"] is None  # 道路货物运输经营许可: no project
    staged = Counter(
        data["national_stage"]
        for matter, data, _m in _demo_specs()
        if matter["code"].startswith(CONSTRUCTION_PREFIXES)
    )
    assert all(staged[stage] >= 3 for stage in (1, 2, 3, 4))


def test_it_takes_limits_and_fees_from_the_law_where_it_sets_them():
    registration, _m = spec_for("企业设立登记", MatterKind.APPROVAL)
    assert registration["statutory_limit_working_days"] == 3
    assert registration["promised_limit_working_days"] == Decimal("0.5")
    assert registration["result_document"] == "营业执照（含社会保险登记信息）"
    report, _m = spec_for("建设项目环境影响报告书审批", MatterKind.APPROVAL)
    assert (report["statutory_limit_working_days"], report["promised_limit_working_days"]) == (
        60,
        Decimal("20"),
    )
    first_registration, _m = spec_for("不动产首次登记", MatterKind.PUBLIC_SERVICE)
    assert first_registration["fee_cny"] == Decimal("550")
    assert first_registration["national_stage"] == 4


def test_it_falls_back_to_the_licensing_law_and_the_service_standard():
    approval, materials = spec_for("某某经营许可", MatterKind.APPROVAL)
    assert approval["statutory_limit_working_days"] == 20
    assert approval["promised_limit_working_days"] == Decimal("8")
    assert approval["fee_cny"] == Decimal("0")
    assert approval["result_document"] == "某某经营许可证"
    assert [m["code"] for m in materials] == [
        "application_form",
        "business_licence",
        "qualification_proof",
    ]
    service, _m = spec_for("某某备案", MatterKind.PUBLIC_SERVICE)
    assert service["statutory_limit_working_days"] == 10
    assert service["promised_limit_working_days"] == Decimal("3")
    assert service["result_document"] == "备案回执"


# ---- seeded through the services -----------------------------------------------------------


@pytest.mark.django_db
class TestDemoCatalogue:
    """Seeded once for the class (a class scope keeps it apart from the small-world tests)."""

    def test_it_seeds_a_specification_for_every_service_matter_once(self, demo_catalogue, db):
        matters = Matter.objects.filter(enterprise_related=True, kind__in=SERVICE_KINDS)
        assert matters.count() == 174
        assert ServiceSpec.objects.count() == 174
        assert ServiceSpec.objects.filter(matter__in=matters).count() == 174
        assert demo_catalogue["first"]["service specifications"] == 174
        assert demo_catalogue["first"]["journeys"] == 3
        assert demo_catalogue["again"] == {}
        assert AuditEvent.objects.count() == demo_catalogue["audit_rows"]
        assert AuditEvent.objects.filter(action="service_spec.save").count() == 174

    def test_it_seeds_the_three_journeys_with_their_stages(self, demo_catalogue, db):
        shape = {
            journey.code: [
                (stage.order, stage.lead_body.name, [i.spec.matter.code for i in stage.items.all()])
                for stage in journey.stages.all()
            ]
            for journey in Journey.objects.prefetch_related(
                "stages__lead_body", "stages__items__spec__matter"
            )
        }
        assert shape["business_startup"] == [
            (1, "区行政审批局", ["XS001", "XS019", "XS024", "RS003", "ZJ029", "XS020"])
        ]
        assert [(order, body) for order, body, _items in shape["construction_pre_start"]] == [
            (1, "区发展和改革局"),
            (2, "区规划和自然资源局"),
            (3, "区住房建设和交通运输局"),
        ]
        assert set(shape) == {"business_startup", "construction_pre_start", "food_business"}
        startup = Journey.objects.get(code="business_startup")
        assert (startup.needs_enterprise, startup.target_value, startup.baseline_value) == (
            False,
            Decimal("0.5"),
            Decimal("20"),
        )
        pre_start = Journey.objects.get(code="construction_pre_start")
        assert (pre_start.baseline_value, pre_start.target_value) == (Decimal("197"), Decimal("60"))
        assert all(j.baseline_definition and j.target_definition for j in Journey.objects.all())

    def test_it_builds_each_journey_form_asking_each_field_once(self, demo_catalogue, db):
        for journey in Journey.objects.all():
            combined = journey_form(journey)
            names = [item.name for item in combined]
            asked = [
                raw["name"]
                for stage in journey.stages.all()
                for item in stage.items.all()
                for raw in item.spec.form_fields
            ]
            assert len(names) == len(set(names)) == len(set(asked)), journey.code
            assert len(asked) > len(names), journey.code  # the items share fields
        startup = [item.name for item in journey_form(Journey.objects.get(code="business_startup"))]
        assert startup == [
            "company_name",
            "legal_representative",
            "legal_representative_id",
            "contact_phone",
            "registered_address",
            "registered_capital_10k_cny",
            "business_scope",
            "employees",
            "seal_count",
            "invoice_type",
            "bank",
        ]
        required = {
            f.name: f.required for f in journey_form(Journey.objects.get(code="business_startup"))
        }
        assert required["employees"] is True  # optional for registration, required for insurance

    def test_it_routes_every_journey_item_in_every_demo_zone(self, demo_catalogue, db):
        zones = list(Zone.objects.order_by("code"))
        assert [zone.code for zone in zones] == ["aviation", "biomed", "chip_valley"]
        for journey in Journey.objects.all():
            for stage in journey.stages.all():
                for item in stage.items.all():
                    for zone in zones:
                        routing = route(item.spec.matter, zone)
                        assert routing.holder_unit is not None, (
                            journey.code,
                            item.spec.matter.code,
                        )

    def test_it_finds_a_lead_unit_for_every_stage_in_every_demo_zone(self, demo_catalogue, db):
        zones = {zone.code: zone for zone in Zone.objects.all()}
        for stage in JourneyStage.objects.select_related("lead_body"):
            for zone in zones.values():
                assert stage_lead_unit(stage, zone) is not None, (stage, zone.code)
        stages = {
            stage.order: stage
            for stage in JourneyStage.objects.filter(journey__code="construction_pre_start")
        }
        in_chip_valley = stage_lead_unit(stages[1], zones["chip_valley"])
        assert (in_chip_valley.body.name, in_chip_valley.name) == ("区发展和改革局", "产业发展科")
        in_aviation = stage_lead_unit(stages[1], zones["aviation"])
        assert (in_aviation.body.name, in_aviation.name) == ("区航空经济局", "产业发展科")
        in_biomed = stage_lead_unit(stages[1], zones["biomed"])
        assert in_biomed.body.zone.code == "biomed"
        planning = stage_lead_unit(stages[2], zones["biomed"])
        assert (planning.body.name, planning.stationed_in.code, planning.kind) == (
            "区规划和自然资源局",
            "biomed",
            UnitKind.PARK_SERVICE,
        )

    def test_it_shows_every_demo_journey_with_a_lead_and_a_holder_everywhere(
        self, demo_catalogue, db, client
    ):
        client.force_login(get_user_model().objects.get(username="admin"))
        for code in ("business_startup", "construction_pre_start", "food_business"):
            response = client.get(reverse("approvals:journey_detail", args=[code]))
            content = response.content.decode()
            assert response.status_code == 200
            assert "data-missing" not in content, code
            assert content.count('<tr id="zone-') == 3
        listed = client.get(reverse("approvals:spec_list"), {"stage": "3"}).content.decode()
        assert "ZJ001" in listed and "XS001" not in listed


# ---- stage_lead_unit on a small world ------------------------------------------------------


def _stage(approvals, body):
    stage = approvals.journey.stages.get(order=1)
    stage.lead_body = body  # in memory only: the helper reads the body
    return stage


def test_it_leads_through_the_unit_stationed_in_the_zone(approvals, world, unit_factory):
    unit_factory(world.functional, UnitKind.GENERAL_OFFICE, name="机关办公室", front_line=False)
    stationed = unit_factory(
        world.functional, UnitKind.PARK_SERVICE, name="芯谷园区服务科", stationed_in=world.zone_a
    )
    unit_factory(
        world.functional, UnitKind.PARK_ENFORCEMENT, name="芯谷执法大队", stationed_in=world.zone_a
    )
    stage = _stage(approvals, world.functional)
    assert stage_lead_unit(stage, world.zone_a) == stationed
    assert stage_lead_unit(stage, world.zone_b) is None


def test_it_leads_through_the_unit_serving_the_zone(approvals, world, unit_factory):
    serving = unit_factory(
        world.sectoral,
        UnitKind.INVESTMENT_PROMOTION,
        name="投资促进科",
        serves_zones=[world.zone_b],
    )
    stage = _stage(approvals, world.sectoral)
    assert stage_lead_unit(stage, world.zone_b) == serving
    assert stage_lead_unit(stage, world.zone_a) is None


def test_it_leads_a_lead_bureau_stage_through_each_zone_team(approvals, world, unit_factory):
    own = unit_factory(world.lead_a, UnitKind.ENTERPRISE_SERVICE, name="产业发展科")
    other_team = unit_factory(world.committee_b, UnitKind.ENTERPRISE_SERVICE, name="企业服务部")
    unit_factory(world.committee_b, UnitKind.GENERAL_OFFICE, name="综合办公室", front_line=False)
    stage = _stage(approvals, world.lead_a)
    # In its own zone the lead bureau's own unit leads, before the merged committee's
    # 政务服务科 (approvals.unit); in zone B, which has no lead bureau, that committee's.
    assert stage_lead_unit(stage, world.zone_a) == own
    assert stage_lead_unit(stage, world.zone_b) == other_team
    assert stage_lead_unit(_stage(approvals, world.committee_a), world.zone_a) == approvals.unit
