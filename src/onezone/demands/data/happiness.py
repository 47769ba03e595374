"""The Happiness Center catalogue (企业幸福中心): amenity services for enterprises' people, each
provided by a unit of the org chart and answered within its own time limit.

Providers are found by body name (the demo org chart's bureaus), then by the kind of unit
preferred inside it; a service whose provider body is missing goes to a zone committee's
enterprise-service unit, so the catalogue works on any org chart that has one.
"""

from django.db import transaction

from onezone.core.audit import audit_record_bulk
from onezone.core.choices import TimeUnit
from onezone.org.choices import BodyKind, UnitKind

WD, HOURS = TimeUnit.WORKING_DAYS, TimeUnit.HOURS
# (code, name, description, demand category, provider body names in order, preferred unit
# kinds, limit amount, limit unit)
SERVICES: list[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], int, str]] = [
    (
        "talent_housing",
        "人才公寓",
        "为企业引进人才申请人才公寓、租房补贴，协调看房入住。",
        "talent_housing",
        ("区住房建设和交通运输局",),
        (UnitKind.GENERAL_OFFICE,),
        10,
        WD,
    ),
    (
        "children_schooling",
        "子女入学",
        "企业人才子女就近入学、转学的资格审核与学位协调。",
        "children_schooling",
        ("区教育局",),
        (),
        15,
        WD,
    ),
    (
        "medical_green_channel",
        "就医绿色通道",
        "为企业高层次人才及家属预约专家门诊、协调住院与体检。",
        "medical_care",
        ("区卫生健康局",),
        (),
        24,
        HOURS,
    ),
    (
        "recruitment",
        "招聘用工",
        "组织专场招聘会、发布岗位、对接院校与人力资源机构。",
        "recruitment",
        ("区人力资源和社会保障局",),
        (),
        5,
        WD,
    ),
    (
        "spouse_employment",
        "配偶就业",
        "为引进人才的配偶推荐就业岗位、协调工作安置。",
        "recruitment",
        ("区人力资源和社会保障局",),
        (),
        20,
        WD,
    ),
    (
        "foreign_expert_permits",
        "外籍专家工作与居留",
        "外国人来华工作许可、居留许可办理指导与材料预审。",
        "talent_recognition",
        ("区科学技术局", "区行政审批局"),
        (),
        7,
        WD,
    ),
    (
        "commuting_bus",
        "通勤班车",
        "开通或调整园区通勤班车、公交线路与站点。",
        "commuting",
        ("区住房建设和交通运输局",),
        (UnitKind.GENERAL_OFFICE,),
        15,
        WD,
    ),
    (
        "canteen_community",
        "食堂与社区配套",
        "园区员工食堂、便利店、文体活动等生活配套服务。",
        "general",
        (),
        (UnitKind.ENTERPRISE_SERVICE,),
        10,
        WD,
    ),
]


def _unit_of_body(body, kinds: tuple[str, ...]):
    units = list(body.units.order_by("pk"))
    for kind in kinds:
        for unit in units:
            if unit.kind == kind:
                return unit
    return units[0] if units else None


def _fallback_unit():
    from onezone.org.models import Unit

    return (
        Unit.objects.filter(body__kind=BodyKind.ZONE_COMMITTEE, kind=UnitKind.ENTERPRISE_SERVICE)
        .order_by("body__zone__code", "pk")
        .first()
    )


def provider_for(body_names: tuple[str, ...], kinds: tuple[str, ...]):
    """The unit providing a service: the first named body that exists (its preferred kind of
    unit, else its first unit), else a zone committee's enterprise-service unit."""
    from onezone.org.models import Body

    bodies = {body.name: body for body in Body.objects.filter(name__in=body_names)}
    for name in body_names:
        unit = _unit_of_body(bodies[name], kinds) if name in bodies else None
        if unit is not None:
            return unit
    return _fallback_unit()


def happiness_seed() -> int:
    """Create the catalogue's missing services (existing ones are left as maintained);
    returns how many were created. A service without a category or a provider is skipped."""
    from onezone.demands.models import DemandCategory, HappinessService

    categories = {category.code: category for category in DemandCategory.objects.all()}
    existing = set(HappinessService.objects.values_list("code", flat=True))
    created = []
    with transaction.atomic():
        for order, spec in enumerate(SERVICES, start=1):
            code, name, description, category, bodies, kinds, amount, unit = spec
            provider = provider_for(bodies, kinds)
            if code in existing or category not in categories or provider is None:
                continue
            service = HappinessService.objects.create(
                code=code,
                name=name,
                description=description,
                category=categories[category],
                provider_unit=provider,
                limit_amount=amount,
                limit_unit=unit,
                sort_order=order * 10,
            )
            created.append({"code": service.code, "provider_unit": provider.pk})
        if created:
            audit_record_bulk(
                actor=None,
                action="happiness.seed",
                object_type="demands.happinessservice",
                rows=created,
            )
    return len(created)
