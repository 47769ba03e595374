"""Organisation API: lists with paging and filters, scoped reads, masked personal data."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from onezone.core.tokens import token_create
from onezone.org import services as org
from onezone.org.choices import UnitKind

VALID_ID = "11010519491231002X"


def translated(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


@pytest.fixture
def api(client, world):
    """api(persona).get(path) → the response, with that persona's bearer token."""

    class Caller:
        def __init__(self, persona):
            _token, raw = token_create(user=getattr(world, persona), actor=None)
            self.header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get(path, params, **self.header)

    return Caller


@pytest.fixture
def staffed(world, unit_factory, post_factory):
    service = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE, name="企业服务科")
    office = unit_factory(
        world.committee_a, UnitKind.GENERAL_OFFICE, name="综合办", front_line=False
    )
    park = unit_factory(
        world.functional, UnitKind.PARK_SERVICE, name="园区服务科", stationed_in=world.zone_b
    )
    promotion = unit_factory(
        world.sectoral,
        UnitKind.INVESTMENT_PROMOTION,
        name="投资促进科",
        serves_zones=[world.zone_a, world.zone_b],
    )
    person = org.person_create(
        actor=world.admin,
        name="张三",
        staff_number="A001",
        phone="13800138000",
        id_number=VALID_ID,
    )
    current = post_factory(service, person=person, title="科长", is_leader=True)
    post_factory(office, person=person, start_on=date(2024, 1, 1), end_on=date(2024, 12, 31))
    post_factory(office)
    post_factory(office)
    post_factory(park)
    return {
        "service": service,
        "office": office,
        "park": park,
        "promotion": promotion,
        "person": person,
        "post": current,
    }


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


# ---- zones ----------------------------------------------------------------------------


def test_it_lists_zones_with_their_shares(api, world, staffed):
    response = api("leader").get("/api/zones")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": world.zone_b.pk,
                "code": "aviation",
                "name": "双流航空经济区",
                "name_en": "",
                "industry_focus": "",
                "posts": 1,
                "front_line_share": "1.0000",
                "coordination_share": "0.0000",
            },
            {
                "id": world.zone_a.pk,
                "code": "chip_valley",
                "name": "成都芯谷",
                "name_en": "",
                "industry_focus": "",
                "posts": 3,
                "front_line_share": "0.3333",
                "coordination_share": "0.6667",
            },
        ],
        "count": 2,
    }


def test_it_pages_zones_with_limit_and_offset(api, world):
    caller = api("leader")

    first = caller.get("/api/zones", limit=1).json()
    second = caller.get("/api/zones", limit=1, offset=1).json()
    beyond = caller.get("/api/zones", offset=5).json()

    assert ([item["code"] for item in first["items"]], first["count"]) == (["aviation"], 2)
    assert ([item["code"] for item in second["items"]], second["count"]) == (["chip_valley"], 2)
    assert beyond == {"items": [], "count": 2}


def test_it_searches_zones_by_name_or_code(api, world):
    caller = api("leader")

    assert names(caller.get("/api/zones", search="芯谷")) == ["成都芯谷"]
    assert names(caller.get("/api/zones", search="AVIA")) == ["双流航空经济区"]
    assert caller.get("/api/zones", search="无此园区").json() == {"items": [], "count": 0}


def test_it_shows_one_zone(api, world, staffed):
    response = api("enterprise_user").get(f"/api/zones/{world.zone_a.pk}")

    assert response.status_code == 200
    assert response.json()["code"] == "chip_valley"
    assert response.json()["posts"] == 3


def test_it_answers_404_for_a_missing_zone(api, world):
    response = api("admin").get("/api/zones/99999")

    assert response.status_code == 404
    assert response.json() == {"detail": translated("Not found.")}


def test_it_does_not_route_a_zone_id_that_is_not_a_number(api, world):
    assert api("admin").get("/api/zones/abc").status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "errors"),
    [
        ("/api/zones", {"limit": -1}, [("limit", "greater_than_equal")]),
        ("/api/zones", {"limit": 0}, [("limit", "greater_than_equal")]),
        ("/api/zones", {"offset": -1}, [("offset", "greater_than_equal")]),
        ("/api/zones", {"limit": "ten"}, [("limit", "int_parsing")]),
        ("/api/units", {"front_line": "maybe"}, [("front_line", "bool_parsing")]),
        ("/api/units", {"body": "x"}, [("body", "int_parsing")]),
        ("/api/people", {"body": "x"}, [("body", "int_parsing")]),
        ("/api/bodies", {"offset": 10**20}, [("offset", "less_than_equal")]),
        ("/api/bodies", {"limit": 10**20}, [("limit", "less_than_equal")]),
        ("/api/units", {"body": 10**23}, [("body", "less_than_equal")]),
        ("/api/people", {"body": 10**23}, [("body", "less_than_equal")]),
        ("/api/people", {"body": 0}, [("body", "greater_than_equal")]),
        (
            "/api/people",
            {"limit": 0, "offset": -1},
            [("limit", "greater_than_equal"), ("offset", "greater_than_equal")],
        ),
    ],
)
def test_it_answers_422_with_field_errors_for_an_invalid_query(api, world, path, params, errors):
    response = api("admin").get(path, **params)

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == translated("Invalid input.")
    assert [(error["field"], error["code"]) for error in body["errors"]] == errors
    assert all(isinstance(error["message"], str) and error["message"] for error in body["errors"])


# ---- bodies and units -----------------------------------------------------------------


def test_it_lists_bodies_in_order_with_their_merged_committee(api, world):
    response = api("officer_b").get("/api/bodies")

    assert response.json()["count"] == 5
    assert names(response) == [
        "区规划和自然资源局",
        "区发改局",
        "区水务局",
        "成都芯谷管委会",
        "航空经济区管委会",
    ]
    lead = response.json()["items"][1]
    assert lead == {
        "id": world.lead_a.pk,
        "name": "区发改局",
        "short_name": "",
        "kind": "lead",
        "zone_code": None,
        "merged_with": {
            "id": world.committee_a.pk,
            "name": "成都芯谷管委会",
            "kind": "zone_committee",
        },
        "headcount_quota": 5,
    }
    committee = response.json()["items"][3]
    assert (committee["zone_code"], committee["merged_with"]) == ("chip_valley", None)


def test_it_filters_bodies_by_kind_zone_and_search(api, world, staffed):
    caller = api("leader")

    assert names(caller.get("/api/bodies", kind="lead")) == ["区发改局"]
    assert names(caller.get("/api/bodies", zone="chip_valley")) == [
        "区发改局",
        "区水务局",
        "成都芯谷管委会",
    ]
    assert names(caller.get("/api/bodies", zone="aviation")) == [
        "区规划和自然资源局",
        "区水务局",
        "航空经济区管委会",
    ]
    assert names(caller.get("/api/bodies", search="管委会")) == [
        "成都芯谷管委会",
        "航空经济区管委会",
    ]
    assert caller.get("/api/bodies", kind="nonsense").json() == {"items": [], "count": 0}


def test_it_shows_one_body_or_404(api, world):
    caller = api("leader")

    assert caller.get(f"/api/bodies/{world.functional.pk}").json()["kind"] == "functional"
    assert caller.get("/api/bodies/99999").status_code == 404


def test_it_lists_units_with_where_they_work(api, world, staffed):
    response = api("leader").get("/api/units", kind="investment_promotion")

    assert response.json() == {
        "items": [
            {
                "id": staffed["promotion"].pk,
                "name": "投资促进科",
                "kind": "investment_promotion",
                "front_line": True,
                "body": {"id": world.sectoral.pk, "name": "区水务局", "kind": "sectoral"},
                "stationed_in": None,
                "serves_zones": ["aviation", "chip_valley"],
            }
        ],
        "count": 1,
    }


def test_it_filters_units(api, world, staffed):
    caller = api("leader")

    assert caller.get("/api/units").json()["count"] == 4
    assert names(caller.get("/api/units", front_line="false")) == ["综合办"]
    # Ordered by body name, then unit name: 区水务局, 区规划和自然资源局, 成都芯谷管委会.
    assert names(caller.get("/api/units", front_line="true")) == [
        "投资促进科",
        "园区服务科",
        "企业服务科",
    ]
    assert names(caller.get("/api/units", zone="aviation")) == ["投资促进科", "园区服务科"]
    assert names(caller.get("/api/units", zone="chip_valley")) == [
        "投资促进科",
        "企业服务科",
        "综合办",
    ]
    assert names(caller.get("/api/units", body=world.functional.pk)) == ["园区服务科"]
    assert names(caller.get("/api/units", search="服务")) == ["园区服务科", "企业服务科"]


def test_it_shows_one_unit_or_404(api, world, staffed):
    caller = api("enterprise_user")

    response = caller.get(f"/api/units/{staffed['park'].pk}")

    assert response.json()["stationed_in"] == "aviation"
    assert caller.get("/api/units/99999").status_code == 404


# ---- people ---------------------------------------------------------------------------


def test_it_lists_people_with_masked_personal_data_for_a_leader(api, world, staffed):
    response = api("leader").get("/api/people", search="张三")

    assert response.status_code == 200
    post, unit = staffed["post"], staffed["service"]
    assert response.json() == {
        "items": [
            {
                "id": staffed["person"].pk,
                "name": "张三",
                "staff_number": "A001",
                "phone": "138****8000",
                "id_number": "1101**********002X",
                "is_synthetic": False,
                "posts": [
                    {
                        "id": post.pk,
                        "unit_id": unit.pk,
                        "unit_name": "企业服务科",
                        "body_name": "成都芯谷管委会",
                        "title": "科长",
                        "is_leader": True,
                        "start_on": "2025-01-01",
                        "end_on": None,
                    }
                ],
            }
        ],
        "count": 1,
    }


def test_it_shows_personal_data_in_full_to_an_administrator(api, world, staffed):
    item = api("admin").get(f"/api/people/{staffed['person'].pk}").json()

    assert (item["phone"], item["id_number"]) == ("13800138000", VALID_ID)


def test_it_masks_personal_data_in_the_detail_for_an_officer(api, world, staffed):
    item = api("officer_a").get(f"/api/people/{staffed['person'].pk}").json()

    assert (item["phone"], item["id_number"]) == ("138****8000", "1101**********002X")


def test_it_filters_people_by_body_and_zone(api, world, staffed):
    caller = api("leader")

    assert caller.get("/api/people").json()["count"] == 4
    assert caller.get("/api/people", body=world.functional.pk).json()["count"] == 1
    assert caller.get("/api/people", zone="chip_valley").json()["count"] == 3
    assert caller.get("/api/people", zone="aviation").json()["count"] == 1
    assert caller.get("/api/people", zone="nowhere").json() == {"items": [], "count": 0}


@pytest.mark.parametrize("persona", ["enterprise_user", "founder", "nobody"])
def test_it_shows_no_people_to_the_public(api, world, staffed, persona):
    caller = api(persona)

    assert caller.get("/api/people").json() == {"items": [], "count": 0}
    detail = caller.get(f"/api/people/{staffed['person'].pk}")
    assert (detail.status_code, detail.json()) == (404, {"detail": translated("Not found.")})


def test_it_lists_people_in_a_fixed_number_of_queries(api, world, unit_factory, post_factory):
    caller = api("leader")
    unit = unit_factory(world.committee_a)
    post_factory(unit)
    caller.get("/api/people")  # the first request also records the token's use

    with CaptureQueriesContext(connection) as few:
        assert caller.get("/api/people").json()["count"] == 1
    for _ in range(6):
        post = post_factory(unit)
        post_factory(unit_factory(world.lead_a, name=f"科室{post.pk}"), person=post.person)
    with CaptureQueriesContext(connection) as many:
        assert caller.get("/api/people").json()["count"] == 7

    assert len(many) == len(few)


def test_it_lists_units_in_a_fixed_number_of_queries(api, world, unit_factory):
    caller = api("leader")
    unit_factory(world.sectoral, UnitKind.INVESTMENT_PROMOTION, serves_zones=[world.zone_a])
    caller.get("/api/units")

    with CaptureQueriesContext(connection) as few:
        caller.get("/api/units")
    for number in range(5):
        unit_factory(
            world.sectoral,
            UnitKind.INVESTMENT_PROMOTION,
            name=f"科{number}",
            serves_zones=[world.zone_a, world.zone_b],
        )
    with CaptureQueriesContext(connection) as many:
        assert caller.get("/api/units").json()["count"] == 6

    assert len(many) == len(few)


# ---- the contract ---------------------------------------------------------------------


def test_it_publishes_the_openapi_contract_without_a_token(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    contract = response.json()
    assert contract["info"]["title"] == "OneZone API"
    for path in ("/api/zones", "/api/zones/{zone_id}", "/api/people", "/api/enterprises"):
        assert path in contract["paths"]
    assert client.get("/api/docs").status_code == 200


def test_it_answers_unknown_api_paths_with_a_json_404(client, world):
    from onezone.core.tokens import token_create

    _token, raw = token_create(user=world.admin, actor=world.admin)
    response = client.get("/api/zones/abc", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
