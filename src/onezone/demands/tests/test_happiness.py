"""Happiness Center: the seeded catalogue, requests dispatched straight to the provider (by an
enterprise user or by staff on its behalf), refusals that change nothing, catalogue
maintenance by administrators, and the pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from onezone.core.choices import TimeUnit
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent
from onezone.demands.choices import Channel, DemandState
from onezone.demands.data.happiness import SERVICES, happiness_seed
from onezone.demands.models import Demand, DemandEvent, HappinessService
from onezone.demands.services import happiness as services
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind


@pytest.fixture
def catalogue(demands_world):
    happiness_seed()
    return {service.code: service for service in HappinessService.objects.all()}


def test_it_seeds_the_catalogue_once(demands_world):
    assert happiness_seed() == len(SERVICES) == 8
    assert happiness_seed() == 0
    names = set(HappinessService.objects.values_list("name", flat=True))
    assert {"人才公寓", "子女入学", "就医绿色通道", "招聘用工"} <= names
    assert AuditEvent.objects.filter(action="happiness.seed").count() == 1


def test_it_resolves_providers_from_the_org_chart(demands_world, unit_factory):
    admin = demands_world.world.admin
    bureau = org.body_create(
        actor=admin, name="区人力资源和社会保障局", kind=BodyKind.SECTORAL, headcount_quota=5
    )
    employment = unit_factory(bureau, UnitKind.INVESTMENT_PROMOTION, name="就业促进科")
    happiness_seed()
    assert HappinessService.objects.get(code="recruitment").provider_unit == employment
    # Without the bureau in the org chart a zone committee's enterprise-service unit provides.
    housing = HappinessService.objects.get(code="talent_housing").provider_unit
    assert housing.kind == UnitKind.ENTERPRISE_SERVICE
    assert housing.body.kind == BodyKind.ZONE_COMMITTEE


def test_it_dispatches_an_enterprise_request_straight_to_the_provider(catalogue, demands_world):
    world = demands_world.world
    service = catalogue["talent_housing"]
    demand = services.happiness_request(
        actor=world.enterprise_user,
        service=service,
        enterprise=world.enterprise,
        description="新引进博士两名，申请人才公寓。",
    )
    assert demand.channel == Channel.HAPPINESS_CENTER
    assert demand.state == DemandState.DISPATCHED
    assert demand.lead_unit_id == service.provider_unit_id
    assert demand.happiness_service_id == service.code
    assert demand.title == "人才公寓" and demand.zone_id == world.zone_a.pk
    assert demand.due_at is not None and demand.dispatched_at is not None
    dispatch = DemandEvent.objects.get(demand=demand, action="dispatch")
    assert dispatch.actor is None and dispatch.data["happiness_service"] == "talent_housing"
    audit = AuditEvent.objects.filter(object_id=str(demand.pk), action__startswith="demand.")
    assert list(audit.order_by("seq").values_list("action", flat=True)) == [
        "demand.create",
        "demand.dispatch",
    ]


def test_it_runs_the_reply_clock_on_the_services_limit(catalogue, demands_world):
    from onezone.demands.services.demands import demand_act

    world = demands_world.world
    service = services.happiness_service_create(
        actor=world.admin,
        code="water_quality",
        name="水质检测",
        category=demands_world.category("water_supply"),
        provider_unit=demands_world.water_unit,
        limit_amount=3,
        limit_unit=TimeUnit.WORKING_DAYS,
    )
    demand = services.happiness_request(
        actor=world.enterprise_user,
        service=service,
        enterprise=world.enterprise,
        description="申请对厂区自来水进行水质检测。",
    )
    demand = demand_act(actor=demands_world.water_officer, demand=demand, action="sign")
    assert (demand.clock.purpose, demand.clock.limit_amount) == ("reply", 3)
    assert demand.clock.limit_unit == TimeUnit.WORKING_DAYS


def test_it_lets_staff_request_on_an_enterprises_behalf(catalogue, demands_world):
    world = demands_world.world
    demand = services.happiness_request(
        actor=demands_world.hotline,
        service=catalogue["medical_green_channel"],
        enterprise=world.other_enterprise,
        description="企业高管家属需预约专家门诊。",
        caller_name="王先生",
        caller_phone="13900001111",
    )
    assert demand.state == DemandState.DISPATCHED
    assert DemandEvent.objects.get(demand=demand, action="dispatch").actor == demands_world.hotline


def test_it_refuses_a_request_for_someone_elses_enterprise(catalogue, demands_world):
    world = demands_world.world
    with pytest.raises(PermissionDenied):
        services.happiness_request(
            actor=world.other_enterprise_user,
            service=catalogue["talent_housing"],
            enterprise=world.enterprise,
            description="x",
        )
    with pytest.raises(PermissionDenied):
        services.happiness_request(
            actor=world.officer_b,
            service=catalogue["talent_housing"],
            enterprise=world.enterprise,
            description="x",
        )
    assert not Demand.objects.exists()


def test_it_refuses_a_withdrawn_service_and_an_empty_description(catalogue, demands_world):
    world = demands_world.world
    service = catalogue["commuting_bus"]
    with pytest.raises(ValidationError) as error:
        services.happiness_request(
            actor=world.enterprise_user,
            service=service,
            enterprise=world.enterprise,
            description=" ",
        )
    assert "description" in error.value.message_dict
    services.happiness_service_deactivate(actor=world.admin, service=service)
    service.refresh_from_db()
    with pytest.raises(ConflictError):
        services.happiness_request(
            actor=world.enterprise_user,
            service=service,
            enterprise=world.enterprise,
            description="x",
        )
    assert not Demand.objects.exists()


# ---- catalogue maintenance ----------------------------------------------------------------


def test_it_maintains_the_catalogue_with_audit_rows(catalogue, demands_world):
    world = demands_world.world
    service = services.happiness_service_create(
        actor=world.admin,
        code="legal_aid",
        name="法律援助",
        category=demands_world.category("legal_rights"),
        provider_unit=demands_world.service_unit_a,
        limit_amount=5,
        limit_unit=TimeUnit.WORKING_DAYS,
    )
    services.happiness_service_update(actor=world.admin, service=service, limit_amount=3)
    services.happiness_service_deactivate(actor=world.admin, service=service)
    service.refresh_from_db()
    assert (service.limit_amount, service.is_active) == (3, False)
    actions = AuditEvent.objects.filter(object_id="legal_aid").order_by("seq")
    assert list(actions.values_list("action", flat=True)) == [
        "happiness.service.create",
        "happiness.service.update",
        "happiness.service.update",
    ]
    with pytest.raises(ConflictError):
        services.happiness_service_deactivate(actor=world.admin, service=service)


def test_it_refuses_a_duplicate_code_and_a_zero_limit(catalogue, demands_world):
    world = demands_world.world
    data = {
        "name": "重复",
        "category": demands_world.category("general"),
        "provider_unit": demands_world.service_unit_a,
        "limit_amount": 5,
        "limit_unit": TimeUnit.WORKING_DAYS,
    }
    with pytest.raises(ValidationError) as error:
        services.happiness_service_create(actor=world.admin, code="talent_housing", **data)
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.happiness_service_update(
            actor=world.admin, service=catalogue["recruitment"], limit_amount=0
        )
    assert "limit_amount" in error.value.message_dict
    assert HappinessService.objects.get(code="recruitment").limit_amount == 5


@pytest.mark.parametrize("name", ["leader", "officer_a", "enterprise_user"])
def test_it_lets_only_administrators_maintain_the_catalogue(catalogue, demands_world, name):
    user = getattr(demands_world.world, name)
    service = catalogue["recruitment"]
    with pytest.raises(PermissionDenied):
        services.happiness_service_update(actor=user, service=service, name="改名")
    with pytest.raises(PermissionDenied):
        services.happiness_service_deactivate(actor=user, service=service)
    service.refresh_from_db()
    assert (service.name, service.is_active) == ("招聘用工", True)
    assert not AuditEvent.objects.filter(action__startswith="happiness.service").exists()


# ---- pages --------------------------------------------------------------------------------


def _client(client, user):
    client.force_login(user)
    return client


def test_it_shows_the_catalogue_with_providers_and_limits(client, catalogue, demands_world):
    response = _client(client, demands_world.world.enterprise_user).get(
        reverse("demands:happiness_catalogue")
    )
    page = response.content.decode()
    assert response.status_code == 200
    for service in catalogue.values():
        assert f'id="happiness-{service.code}"' in page
        assert service.provider_unit.name in page
    assert reverse("demands:happiness_request", args=["talent_housing"]) in page
    assert reverse("demands:happiness_service_edit", args=["talent_housing"]) not in page


def test_it_requests_a_service_from_the_portal(client, catalogue, demands_world):
    world = demands_world.world
    response = _client(client, world.enterprise_user).post(
        reverse("demands:happiness_request", args=["children_schooling"]),
        {"enterprise": world.enterprise.pk, "description": "员工子女申请秋季入学。"},
    )
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("demands:demand_detail", args=[demand.pk])
    assert demand.state == DemandState.DISPATCHED
    assert demand.lead_unit == catalogue["children_schooling"].provider_unit


def test_it_requests_on_behalf_with_a_uscc(client, catalogue, demands_world):
    world = demands_world.world
    user_client = _client(client, demands_world.hotline)
    unknown = user_client.post(
        reverse("demands:happiness_request", args=["recruitment"]),
        {"uscc": "91510116MA0000000X", "description": "招工"},
    )
    assert unknown.status_code == 200 and "uscc" in unknown.context["form"].errors
    assert not Demand.objects.exists()
    done = user_client.post(
        reverse("demands:happiness_request", args=["recruitment"]),
        {"uscc": world.other_enterprise.uscc.lower(), "description": "招工"},
    )
    assert done.status_code == 302
    assert Demand.objects.get().enterprise == world.other_enterprise


def test_it_offers_only_ones_own_enterprises_in_the_portal(client, catalogue, demands_world):
    world = demands_world.world
    response = _client(client, world.other_enterprise_user).post(
        reverse("demands:happiness_request", args=["talent_housing"]),
        {"enterprise": world.enterprise.pk, "description": "x"},
    )
    assert response.status_code == 200 and "enterprise" in response.context["form"].errors
    assert not Demand.objects.exists()


def test_it_refuses_the_request_page_to_users_without_an_enterprise(
    client, catalogue, demands_world
):
    response = _client(client, demands_world.world.founder).post(
        reverse("demands:happiness_request", args=["talent_housing"]), {"description": "x"}
    )
    assert response.status_code == 403
    assert not Demand.objects.exists()


def test_it_edits_and_withdraws_a_service_as_administrator(client, catalogue, demands_world):
    world = demands_world.world
    service = catalogue["canteen_community"]
    user_client = _client(client, world.admin)
    response = user_client.post(
        reverse("demands:happiness_service_edit", args=[service.code]),
        {
            "name": "食堂与社区服务",
            "description": service.description,
            "category": service.category_id,
            "provider_unit": service.provider_unit_id,
            "limit_amount": 8,
            "limit_unit": TimeUnit.WORKING_DAYS,
            "sort_order": 80,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user_client.post(reverse("demands:happiness_service_deactivate", args=[service.code]))
    service.refresh_from_db()
    assert (service.name, service.limit_amount, service.is_active) == ("食堂与社区服务", 8, False)
    page = user_client.get(reverse("demands:happiness_catalogue")).content.decode()
    assert f'id="happiness-{service.code}"' in page  # administrators still see it


@pytest.mark.parametrize("name", ["leader", "enterprise_user"])
def test_it_hides_maintenance_pages_from_others(client, catalogue, demands_world, name):
    user_client = _client(client, getattr(demands_world.world, name))
    assert user_client.get(reverse("demands:happiness_service_create")).status_code == 404
    response = user_client.post(
        reverse("demands:happiness_service_deactivate", args=["recruitment"])
    )
    assert response.status_code == 404
    assert HappinessService.objects.get(code="recruitment").is_active is True


def test_it_shows_the_catalogue_with_constant_queries(client, catalogue, demands_world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = demands_world.world
    user_client = _client(client, world.admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert user_client.get(reverse("demands:happiness_catalogue")).status_code == 200
        return len(queries)

    few = count()
    for index in range(4):
        services.happiness_service_create(
            actor=world.admin,
            code=f"extra_{index}",
            name=f"附加服务{index}",
            category=demands_world.category("general"),
            provider_unit=demands_world.water_unit,
            limit_amount=5,
            limit_unit=TimeUnit.WORKING_DAYS,
        )
    assert count() == few
