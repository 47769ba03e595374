"""The demo catalogue: a service specification for each enterprise-related approval and service
matter of the register, and the demo journeys, saved through the catalogue services."""

from onezone.approvals.catalogue_data import JOURNEYS, spec_for
from onezone.approvals.models import Journey, ServiceSpec
from onezone.approvals.services.catalogue import journey_save, spec_save
from onezone.org.models import Body
from onezone.register.choices import SERVICE_KINDS
from onezone.register.models import Matter


def _seed_specs(seeder) -> None:
    specified = set(ServiceSpec.objects.values_list("matter_id", flat=True))
    matters = Matter.objects.filter(enterprise_related=True, kind__in=SERVICE_KINDS)
    for matter in matters.exclude(pk__in=specified).order_by("code"):
        data, materials = spec_for(matter.name, matter.kind)
        with seeder.sim.step(5):
            spec_save(actor=seeder.admin, matter=matter, data=data, materials=materials)
        seeder.report.count("service specifications")


def _stages(journey) -> list[dict]:
    specs = {
        spec.matter.code: spec
        for spec in ServiceSpec.objects.select_related("matter").filter(
            matter__code__in=[code for stage in journey.stages for code, *_ in stage[3]]
        )
    }
    return [
        {
            "order": order,
            "name": name,
            "lead_body": Body.objects.get(name=lead_body),
            "items": [
                {"spec": specs[code], "is_mandatory": mandatory, "is_fully_online": online}
                for code, mandatory, online in items
            ],
        }
        for order, name, lead_body, items in journey.stages
    ]


def _seed_journeys(seeder) -> None:
    for journey in JOURNEYS:
        if Journey.objects.filter(code=journey.code).exists():
            continue
        with seeder.sim.step(30):
            journey_save(actor=seeder.admin, data=journey.as_data(), stages=_stages(journey))
        seeder.report.count("journeys")


def seed_catalogue(seeder) -> None:
    """Called from DemoSeeder.run() right after the register is seeded."""
    _seed_specs(seeder)
    _seed_journeys(seeder)
