"""Conformance with a third-party Open311 client: the `georeport` package from PyPI lists our
services and reads a created request back, in JSON and in XML, from a live server."""

import pytest
import requests
from georeport import GeoReport

from onezone.conftest import USCC_A
from onezone.core.tokens import token_create
from onezone.demands.data.categories import CATEGORIES
from onezone.demands.models import Demand

FORMATS = ["json", "xml"]


@pytest.fixture
def endpoint(transactional_db, live_server, demands_world) -> str:
    return f"{live_server.url}/open311/v2"


def create_request(endpoint: str, demands_world, **extra) -> dict:
    """POST as the spec says (form-encoded, api_key = an API token of the hotline)."""
    _token, raw = token_create(user=demands_world.hotline, actor=None)
    data = {
        "api_key": raw,
        "service_code": "water_supply",
        "description": "园区东路厂区停水，影响生产。",
        "address_id": USCC_A,
        "phone": "13800138000",
        **extra,
    }
    response = requests.post(f"{endpoint}/requests.json", data=data, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()[0]


def as_list(value) -> list:
    # xmltodict gives one repeated element as a dict and several as a list.
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("output_format", FORMATS)
def test_the_client_lists_services_and_reads_a_definition(endpoint, output_format):
    client = GeoReport(endpoint, output_format=output_format)

    services = as_list(client.get_service_list())

    assert [service["service_code"] for service in services] == [row[0] for row in CATEGORIES]
    water = next(service for service in services if service["service_code"] == "water_supply")
    assert water["service_name"] == "供水"
    assert str(water["metadata"]).lower() == "false"
    assert water["type"] == "realtime"
    definition = client.get_service_definition("water_supply")
    assert definition["service_code"] == "water_supply"
    assert not definition["attributes"]


@pytest.mark.parametrize("output_format", FORMATS)
def test_the_client_reads_a_created_request_back(endpoint, demands_world, output_format):
    created = create_request(endpoint, demands_world, is_public="true")
    reference = created["service_request_id"]
    demand = Demand.objects.get(reference=reference)
    client = GeoReport(endpoint, output_format=output_format)

    one = client.get_service_request(reference)
    listed = as_list(client.get_service_requests(service_request_id=reference))
    recent = as_list(client.get_service_requests(status="open", service_code="water_supply"))

    assert one["service_request_id"] == reference
    assert one["status"] == "open"
    assert one["service_code"] == "water_supply"
    assert one["service_name"] == "供水"
    assert one["description"] == "园区东路厂区停水，影响生产。"
    assert one["requested_datetime"].startswith(demand.accepted_at.astimezone().date().isoformat())
    assert one["expected_datetime"]
    assert "address_id" not in one  # no key: who asked stays private
    assert [item["service_request_id"] for item in listed] == [reference]
    assert reference in [item["service_request_id"] for item in recent]


def test_the_client_sees_a_jurisdiction_and_no_private_description(endpoint, demands_world):
    created = create_request(endpoint, demands_world)
    zone_a = GeoReport(endpoint, jurisdiction="chip_valley")
    zone_b = GeoReport(endpoint, jurisdiction="aviation", output_format="xml")

    [item] = zone_a.get_service_requests()

    assert item["service_request_id"] == created["service_request_id"]
    assert "description" not in item
    response = requests.get(f"{endpoint}/requests.xml?jurisdiction_id=aviation", timeout=30)
    assert b"<service_requests />" in response.content
    assert zone_b.get_service_list()  # services do not depend on the jurisdiction


def test_a_bad_api_key_on_post_answers_403_with_the_error_list(endpoint):
    for fmt in FORMATS:
        response = requests.post(
            f"{endpoint}/requests.{fmt}",
            data={"api_key": "oz_wrong", "service_code": "general", "description": "x"},
            timeout=30,
        )
        assert response.status_code == 403
        if fmt == "json":
            assert response.json()[0]["code"] == 403
        else:
            assert b"<errors><error><code>403</code>" in response.content
    assert Demand.objects.count() == 0
