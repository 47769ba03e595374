"""Register API: anonymous read, shapes, filters, paging, 404 without a holder."""

import pytest
from django.utils.translation import gettext

from onezone.register.choices import MatterKind
from onezone.register.models import ListEntry


def test_it_lists_matters_to_anonymous_callers(client, covered):
    response = client.get("/api/register/matters")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["items"][0] == {
        "id": covered.matter.pk,
        "code": "GZ001",
        "name": "建设工程规划许可证核发",
        "kind": "approval",
        "home_body": "区规划和自然资源局",
        "legal_basis": "《城乡规划法》",
        "enterprise_related": True,
    }


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"q": "取水"}, ["SW001"]),
        ({"q": "gz0"}, ["GZ001"]),
        ({"kind": MatterKind.DUTY}, []),
        ({"enterprise_related": "true"}, ["GZ001", "SW001"]),
        ({"enterprise_related": "false"}, []),
        ({"limit": 1, "offset": 1}, ["SW001"]),
    ],
)
def test_it_filters_matters(client, covered, params, codes):
    response = client.get("/api/register/matters", params)
    assert [item["code"] for item in response.json()["items"]] == codes


def test_it_rejects_an_unknown_kind(client, covered):
    response = client.get("/api/register/matters", {"kind": "magic"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


def test_it_routes_with_the_documented_shape(client, world, covered):
    response = client.get(
        "/api/register/route", {"matter": "SW001", "zone": "chip_valley", "at": "2025-06-01"}
    )
    assert response.status_code == 200
    entry = ListEntry.objects.get(matter=covered.other, zone=world.zone_a)
    assert response.json() == {
        "matter": "SW001",
        "zone": "chip_valley",
        "list": "delegated_power",
        "mode": "authorised_transfer",
        "holder_unit": {"id": covered.service_a.pk, "name": "企业服务部", "body": "成都芯谷管委会"},
        "deciding_unit": {"id": covered.promotion.pk, "name": "投资促进科", "body": "区水务局"},
        "commissioner": None,
        "entry_id": entry.pk,
    }


def test_it_names_the_commissioner(client, covered):
    response = client.get("/api/register/route", {"matter": "GZ001", "zone": "aviation"})
    body = response.json()
    assert body["commissioner"] == {
        "id": covered.commissioner_b.pk,
        "name": covered.commissioner_b.name,
    }
    assert body["deciding_unit"] is None


def test_it_answers_404_with_a_message_when_no_holder(client, covered):
    response = client.get(
        "/api/register/route", {"matter": "GZ001", "zone": "aviation", "at": "2024-01-01"}
    )
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "GZ001" in detail and "2024-01-01" in detail and "双流航空经济区" in detail


@pytest.mark.parametrize(
    "params", [{"matter": "NOPE", "zone": "aviation"}, {"matter": "GZ001", "zone": "nowhere"}]
)
def test_it_answers_404_for_unknown_codes(client, covered, params):
    response = client.get("/api/register/route", params)
    assert response.status_code == 404
    assert response.json() == {"detail": gettext("Not found.")}


def test_it_rejects_a_bad_date(client, covered):
    response = client.get(
        "/api/register/route", {"matter": "GZ001", "zone": "aviation", "at": "June"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "at"
