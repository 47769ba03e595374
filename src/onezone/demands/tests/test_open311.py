"""Open311 GeoReport v2: discovery, services, creating and reading service requests, tokens and
the spec's error lists, field by field; public answers never reveal who asked."""

import json
from datetime import datetime
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from onezone.conftest import USCC_A, USCC_B
from onezone.core import clock, workcal
from onezone.core.models import AuditEvent
from onezone.core.tokens import token_create
from onezone.demands.data.categories import CATEGORIES
from onezone.demands.models import Demand, DemandEvent

BASE = "/open311/v2"
TUESDAY_MORNING = datetime(2025, 6, 10, 10, 0, tzinfo=workcal.SHANGHAI)
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "zipcode",
]


@pytest.fixture(autouse=True)
def fixed_time():
    with clock.simulated_time(TUESDAY_MORNING):
        yield


@pytest.fixture
def key(demands_world):
    """A raw API token of a persona (the hotline operator by default)."""

    def issue(persona="hotline"):
        user = getattr(demands_world, persona, None) or getattr(demands_world.world, persona)
        return token_create(user=user, actor=None)[1]

    return issue


def counts() -> dict:
    return {
        "demands": Demand.objects.count(),
        "events": DemandEvent.objects.count(),
        "audit": AuditEvent.objects.exclude(action__startswith="api_token.").count(),
    }


def errors_of(response) -> list[dict]:
    if response["Content-Type"].startswith("text/xml"):
        root = ElementTree.fromstring(response.content)
        assert root.tag == "errors"
        return [
            {"code": int(error.findtext("code")), "description": error.findtext("description")}
            for error in root.findall("error")
        ]
    return response.json()


def post_request(client, key, **changes):
    data = {
        "api_key": key,
        "service_code": "water_supply",
        "description": "园区东路厂区自今晨起停水\n影响生产。",
        "address_id": USCC_A,
        "address_string": "成都芯谷园区东路 8 号",
        "first_name": "经理",
        "last_name": "张",
        "phone": "13800138000",
        "email": "zhang@example.com",
        "lat": "30.5",
        "long": "103.9",
        **changes,
    }
    return client.post(f"{BASE}/requests.json", {k: v for k, v in data.items() if v is not None})


# ---- discovery and services -------------------------------------------------------------------


def test_it_describes_the_endpoint_in_discovery(client, demands_world):
    body = client.get(f"{BASE}/discovery.json").json()

    assert body["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "http://testserver/open311/v2",
            "changeset": body["changeset"],
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }
    ]
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    root = ElementTree.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "application/json",
        "text/xml",
    ]


def test_it_lists_the_categories_as_services(client, demands_world):
    response = client.get(f"{BASE}/services.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = response.json()
    assert [service["service_code"] for service in services] == [row[0] for row in CATEGORIES]
    water = next(service for service in services if service["service_code"] == "water_supply")
    assert set(water) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert water["service_name"] == "供水"
    assert water["description"] == "供水接入、停水、水压"
    assert water["metadata"] is False
    assert water["type"] == "realtime"
    assert "供水" in water["keywords"].split(",")
    assert water["group"] == demands_world.category("water_supply").get_group_display()


def test_it_lists_the_services_in_xml(client, demands_world):
    response = client.get(f"{BASE}/services.xml")

    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "services"
    first = root.findall("service")[0]
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert first.findtext("service_code") == "general"
    assert first.findtext("metadata") == "false"
    assert len(root.findall("service")) == len(CATEGORIES)


def test_it_defines_a_service_with_no_attributes(client, demands_world):
    assert client.get(f"{BASE}/services/water_supply.json").json() == {
        "service_code": "water_supply",
        "attributes": [],
    }
    root = ElementTree.fromstring(client.get(f"{BASE}/services/water_supply.xml").content)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "water_supply"
    assert list(root.find("attributes")) == []


@pytest.mark.parametrize(
    "path",
    [
        "/services/no_such_code.json",
        "/services/no_such_code.xml",
        "/services.yaml",
        "/requests/SQ20250610-99999.json",
        "/requests/SQ20250610-99999.xml",
        "/tokens/no-such-token.json",
        "/elsewhere.json",
        "/services.json?jurisdiction_id=atlantis",
    ],
)
def test_it_answers_404_as_an_error_list(client, demands_world, path):
    response = client.get(BASE + path)

    assert response.status_code == 404
    errors = errors_of(response)
    assert len(errors) == 1
    assert errors[0]["code"] == 404
    assert errors[0]["description"]
    if path.endswith(".xml"):
        assert response["Content-Type"] == "text/xml; charset=utf-8"


# ---- POST requests ----------------------------------------------------------------------------


def test_it_creates_a_request_for_an_enterprise_named_by_its_uscc(client, demands_world, key):
    response = post_request(client, key())

    assert response.status_code == 201, response.content
    [answer] = response.json()
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    demand = Demand.objects.get(reference=answer["service_request_id"])
    assert answer["service_request_id"] == "SQ20250610-00001"
    assert answer["token"] == demand.open311_token
    assert answer["service_notice"]
    assert demand.channel == "open311"
    assert demand.category_id == "water_supply"
    assert demand.enterprise == demands_world.world.enterprise
    assert demand.zone == demands_world.world.zone_a
    assert demand.title == "园区东路厂区自今晨起停水"
    assert demand.description == "园区东路厂区自今晨起停水\n影响生产。"
    assert demand.address == "成都芯谷园区东路 8 号"
    assert demand.caller_name == "张经理"
    assert demand.caller_phone == "13800138000"
    assert demand.priority == "ordinary"
    assert demand.is_public is False
    assert demand.created_by == demands_world.hotline
    assert demand.suggested_unit == demands_world.water_unit


def test_it_creates_a_request_in_a_zone_given_as_jurisdiction(client, demands_world, key):
    response = client.post(
        f"{BASE}/requests.xml",
        {
            "api_key": key(),
            "jurisdiction_id": "aviation",
            "service_code": "general",
            "description": "咨询人才政策",
            "first_name": "Ann",
            "last_name": "Lee",
            "is_public": "true",
            "priority": "complex",
        },
    )

    assert response.status_code == 201, response.content
    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_requests"
    reference = root.findtext("request/service_request_id")
    demand = Demand.objects.get(reference=reference)
    assert demand.zone == demands_world.world.zone_b
    assert demand.enterprise is None
    assert demand.caller_name == "Ann Lee"
    assert demand.is_public is True
    assert demand.priority == "complex"


def test_it_is_exempt_from_csrf_as_a_token_authenticated_api(demands_world, key):
    response = post_request(Client(enforce_csrf_checks=True), key())

    assert response.status_code == 201


@pytest.mark.parametrize("api_key", [None, "", "oz_not-a-token", "something-else"])
def test_it_refuses_a_bad_api_key_with_403_and_creates_nothing(client, demands_world, api_key):
    before = counts()

    response = post_request(client, api_key)

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [error] = response.json()
    assert set(error) == {"code", "description"}
    assert error["code"] == 403
    assert "api_key" in error["description"]
    assert counts() == before


def test_it_refuses_a_bad_api_key_in_xml(client, demands_world):
    before = counts()

    response = client.post(
        f"{BASE}/requests.xml", {"api_key": "oz_wrong", "service_code": "general"}
    )

    assert response.status_code == 403
    assert errors_of(response)[0]["code"] == 403
    assert counts() == before


def test_it_refuses_a_key_whose_owner_may_not_record(client, demands_world, key):
    before = counts()

    for persona in ("enterprise_user", "founder", "nobody"):
        response = post_request(client, key(persona))
        assert response.status_code == 403, persona
        assert response.json()[0]["code"] == 403
    assert counts() == before


def test_it_refuses_a_revoked_key(client, demands_world, key):
    from onezone.core.tokens import token_revoke

    raw = key()
    token_revoke(raw=raw, actor=None)
    before = counts()

    assert post_request(client, raw).status_code == 403
    assert counts() == before


@pytest.mark.parametrize(
    "changes, status",
    [
        ({"service_code": None}, 400),
        ({"service_code": "no_such_code"}, 404),
        ({"description": None}, 400),
        ({"description": "   "}, 400),
        ({"address_id": None}, 400),
        ({"address_id": USCC_B[:-1] + "0"}, 400),
        ({"address_id": None, "jurisdiction_id": "atlantis"}, 404),
        ({"address_id": None, "zone": "atlantis"}, 400),
        ({"priority": "urgent"}, 400),
        ({"phone": "1" * 30}, 400),
    ],
)
def test_it_refuses_bad_parameters_and_creates_nothing(client, demands_world, key, changes, status):
    raw = key()
    before = counts()

    response = post_request(client, raw, **changes)

    assert response.status_code == status, response.content
    errors = response.json()
    assert errors and all(set(error) == {"code", "description"} for error in errors)
    assert {error["code"] for error in errors} == {status}
    assert counts() == before


def test_it_names_the_open311_parameter_in_a_service_error(client, demands_world, key):
    response = post_request(client, key(), address_id=USCC_B[:-1] + "0", phone="1" * 30)

    descriptions = sorted(error["description"].split(":")[0] for error in response.json())
    assert response.status_code == 400
    assert {"address_id", "phone"} <= set(descriptions)


def test_it_refuses_other_methods(client, demands_world):
    response = client.delete(f"{BASE}/requests.json")

    assert response.status_code == 405
    assert response.json()[0]["code"] == 405
    assert client.post(f"{BASE}/services.json").status_code == 405


# ---- GET requests -----------------------------------------------------------------------------


def test_it_publishes_requests_without_revealing_who_asked(client, demands_world, demand_factory):
    private = demand_factory(address="东路 8 号")
    public = demand_factory(is_public=True, title="公开诉求", description="可以公开的描述")

    response = client.get(f"{BASE}/requests.json")

    assert response.status_code == 200
    items = {item["service_request_id"]: item for item in response.json()}
    assert set(items) == {private.reference, public.reference}
    shown = items[private.reference]
    assert list(shown) == REQUEST_FIELDS
    assert shown["status"] == "open"
    assert shown["status_notes"] == "已受理"  # the local state's label
    assert shown["service_code"] == "water_supply"
    assert shown["service_name"] == "供水"
    assert shown["agency_responsible"] == ""
    assert shown["requested_datetime"] == "2025-06-10T10:00:00+08:00"
    assert shown["updated_datetime"] == "2025-06-10T10:00:00+08:00"
    assert shown["expected_datetime"] == "2025-06-11T10:00:00+08:00"
    assert shown["zipcode"] == ""
    assert items[public.reference]["description"] == "可以公开的描述"
    text = response.content.decode()
    for secret in (USCC_A, "13800138000", "张经理", "东路 8 号", "芯谷示例科技", "停水，影响"):
        assert secret not in text


def test_it_shows_full_details_to_a_key_in_scope(client, demands_world, demand_factory, key):
    demand = demand_factory(address="东路 8 号")

    mine = client.get(f"{BASE}/requests/{demand.reference}.json", {"api_key": key("officer_a")})
    theirs = client.get(f"{BASE}/requests/{demand.reference}.json", {"api_key": key("officer_b")})

    [item] = mine.json()
    assert item["description"] == demand.description
    assert item["address"] == "东路 8 号"
    assert item["address_id"] == USCC_A
    [public] = theirs.json()
    assert "description" not in public and "address_id" not in public


def test_it_refuses_a_bad_key_on_get(client, demands_world, demand_factory):
    demand_factory()

    response = client.get(f"{BASE}/requests.json", {"api_key": "oz_wrong"})

    assert response.status_code == 403
    assert response.json()[0]["code"] == 403


def test_it_reports_state_flags_and_the_responsible_unit(
    client, demands_world, demand_factory, demand_driver
):
    from onezone.demands.services.demands import demand_act

    demand = demand_driver.to(demand_factory(), "in_progress")
    demand_act(
        actor=demands_world.world.leader, demand=demand, action="supervise", data={"reason": "督办"}
    )
    closed = demand_driver.to(demand_factory(), "closed")

    items = {
        item["service_request_id"]: item for item in client.get(f"{BASE}/requests.json").json()
    }

    working = items[demand.reference]
    assert working["status"] == "open"
    assert working["status_notes"] == "办理中；" + gettext("supervised")
    assert working["agency_responsible"] == str(demands_world.water_unit)
    assert working["expected_datetime"] is not None
    assert items[closed.reference]["status"] == "closed"
    assert items[closed.reference]["expected_datetime"] is None


def test_it_filters_requests_as_the_spec_says(client, demands_world, demand_factory, demand_driver):
    water = demand_factory()
    general = demand_factory(category="general", enterprise=None, zone="aviation")
    closed = demand_driver.to(demand_factory(), "closed")
    with clock.simulated_time(datetime(2025, 1, 10, 10, 0, tzinfo=workcal.SHANGHAI)):
        old = demand_factory()

    def references(**params):
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return sorted(item["service_request_id"] for item in response.json())

    recent = sorted([water.reference, general.reference, closed.reference])
    assert references() == recent
    assert references(status="open") == sorted([water.reference, general.reference])
    assert references(status="closed") == [closed.reference]
    assert references(status="open,closed") == recent
    assert references(service_code="general") == [general.reference]
    assert references(service_code="general,water_supply") == recent
    assert references(jurisdiction_id="aviation") == [general.reference]
    assert references(start_date="2025-01-01T00:00:00Z", end_date="2025-03-01T00:00:00Z") == [
        old.reference
    ]
    assert references(start_date="2025-06-10T00:00:00+08:00") == recent
    # A list of ids overrides every other filter.
    assert references(service_request_id=f"{old.reference},{water.reference}", status="closed") == (
        sorted([old.reference, water.reference])
    )


def test_it_lists_requests_in_constant_queries(client, demands_world, demand_factory, key):
    raw = key("officer_a")

    def measure(**params):
        client.get(f"{BASE}/requests.json", params)  # warm the key's last-used write
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}/requests.json", params)
        return len(queries), len(response.json())

    demand_factory(is_public=True)
    one_public, one_keyed = measure(), measure(api_key=raw)
    for _ in range(3):
        demand_factory(address="东路 8 号")
    three_public, three_keyed = measure(), measure(api_key=raw)

    assert (one_public[1], three_public[1]) == (1, 4)
    assert one_public[0] == three_public[0]
    assert one_keyed[0] == three_keyed[0]


def test_it_leaves_invalid_demands_unpublished(client, demands_world, demand_factory, key):
    from onezone.demands.services.demands import demand_mark_invalid

    demand = demand_factory()
    demand_mark_invalid(actor=demands_world.hotline, demand=demand, reason="恶意重复来电")

    assert client.get(f"{BASE}/requests.json").json() == []
    assert client.get(f"{BASE}/requests/{demand.reference}.json").status_code == 404
    keyed = client.get(f"{BASE}/requests.json", {"api_key": key()}).json()
    assert [item["service_request_id"] for item in keyed] == [demand.reference]
    assert keyed[0]["status_notes"].endswith(gettext("invalid"))


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"start_date": "2025-06-10T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-10T00:00:00Z"},
        {"start_date": "2025-02-30T00:00:00Z"},
    ],
)
def test_it_refuses_bad_filters_with_400(client, demands_world, params):
    response = client.get(f"{BASE}/requests.json", params)

    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_it_reads_one_request_and_its_token_in_json_and_xml(client, demands_world, key):
    answer = post_request(client, key()).json()[0]
    reference, token = answer["service_request_id"], answer["token"]

    [item] = client.get(f"{BASE}/requests/{reference}.json").json()
    assert item["service_request_id"] == reference
    assert "description" not in item
    root = ElementTree.fromstring(client.get(f"{BASE}/requests/{reference}.xml").content)
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == REQUEST_FIELDS
    assert root.findtext("request/status") == "open"

    assert client.get(f"{BASE}/tokens/{token}.json").json() == [
        {"service_request_id": reference, "token": token}
    ]
    root = ElementTree.fromstring(client.get(f"{BASE}/tokens/{token}.xml").content)
    assert root.findtext("request/service_request_id") == reference


def test_it_answers_in_utf8_json(client, demands_world):
    response = client.get(f"{BASE}/services.json")

    assert "供水".encode() in response.content
    assert json.loads(response.content.decode("utf-8"))
