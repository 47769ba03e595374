"""Demands API: categories, creating, listing, reading and acting on demands, and the KPIs —
only as far as the caller may, with nothing changed by a refused request."""

import json
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onezone.conftest import USCC_A, USCC_B
from onezone.core import clock, workcal
from onezone.core.models import AuditEvent
from onezone.core.tokens import token_create
from onezone.demands.data.categories import CATEGORIES
from onezone.demands.models import Demand, DemandCallback, DemandEvent

# A Tuesday morning with no holiday within two weeks.
TUESDAY_MORNING = datetime(2025, 6, 10, 10, 0, tzinfo=workcal.SHANGHAI)
# Dispatch of an ordinary demand: 24 natural hours after acceptance.
DISPATCH_DUE = "2025-06-11T02:00:00Z"
CALLBACK = {
    "valid": True,
    "contacted": True,
    "resolved": True,
    "satisfaction": "satisfied",
    "unit_at_fault": False,
    "note": "企业表示满意",
}


@pytest.fixture(autouse=True)
def fixed_time():
    with clock.simulated_time(TUESDAY_MORNING):
        yield


@pytest.fixture
def api(client, demands_world):
    people = {"hotline": demands_world.hotline, "water": demands_world.water_officer}

    class Caller:
        def __init__(self, persona=None):
            self.header = {}
            if persona is not None:
                user = people.get(persona) or getattr(demands_world.world, persona)
                _token, raw = token_create(user=user, actor=None)
                self.header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get(path, params, **self.header)

        def post(self, path, body=None):
            data = "" if body is None else json.dumps(body)
            return client.post(path, data, content_type="application/json", **self.header)

    return Caller


def counts() -> dict:
    """What a refused request must leave as it was."""
    return {
        "demands": sorted(
            Demand.objects.values_list(
                "pk", "state", "version", "lead_unit_id", "urge_count", "is_supervised"
            )
        ),
        "events": DemandEvent.objects.count(),
        "callbacks": DemandCallback.objects.count(),
        # Issuing the callers' tokens is audited too; everything else counts.
        "audit": AuditEvent.objects.exclude(action__startswith="api_token.").count(),
    }


def error_fields(response) -> list[str]:
    return sorted(error["field"] for error in response.json()["errors"])


def unit_ref(unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "body": unit.body.name}


def record(api, persona="hotline", **changes):
    body = {
        "enterprise": USCC_A,
        "caller_name": "张经理",
        "caller_phone": "13800138000",
        "channel": "hotline",
        "category": "water_supply",
        "title": "厂区停水",
        "description": "园区东路厂区自今晨起停水，影响生产。",
        "priority": "ordinary",
        **changes,
    }
    response = api(persona).post("/api/demands", body)
    assert response.status_code == 201, response.content
    return response.json()


# ---- categories -------------------------------------------------------------------------------


def test_it_lists_the_categories_to_anyone(api, demands_world):
    response = api().get("/api/demands/categories", limit=500)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(CATEGORIES)
    assert body["items"][0] == {
        "code": "general",
        "name": "综合咨询及其他",
        "group": "consultation",
        "matter": "ZZ003",
    }
    assert {item["code"] for item in body["items"]} == {row[0] for row in CATEGORIES}


# ---- create -----------------------------------------------------------------------------------


def test_it_records_a_demand_with_its_suggested_unit_and_dispatch_deadline(api, demands_world):
    body = record(api)

    demand = Demand.objects.get(pk=body["id"])
    assert body["reference"] == "SQ20250610-00001" == demand.reference
    assert body["state"] == "accepted"
    assert body["suggested_unit"] == unit_ref(demands_world.water_unit)
    assert body["receiving_unit"] == unit_ref(demands_world.hotline_unit)
    assert body["lead_unit"] is None
    assert body["due_at"] == DISPATCH_DUE
    assert body["is_overdue"] is False
    assert body["enterprise"] == USCC_A
    assert body["zone"] == "chip_valley"
    # The hotline calls back: it sees the number in full.
    assert body["caller_phone"] == "13800138000"
    assert body["channel"] == "hotline"
    assert body["priority"] == "ordinary"
    assert body["timeline"][0]["to_state"] == "accepted"
    assert body["callbacks"] == []
    assert demand.created_by == demands_world.hotline


def test_it_records_a_caller_without_an_enterprise_in_a_zone(api, demands_world):
    body = record(api, enterprise=None, zone="aviation", caller_phone="13912345678")

    assert body["enterprise"] is None
    assert body["zone"] == "aviation"
    assert Demand.objects.get(pk=body["id"]).zone == demands_world.world.zone_b


@pytest.mark.parametrize(
    "changes, fields",
    [
        ({"category": "no_such_category"}, ["category"]),
        ({"enterprise": USCC_B[:-1] + "0"}, ["enterprise"]),
        ({"enterprise": None}, ["zone"]),
        ({"channel": "fax"}, ["channel"]),
        ({"priority": "urgent"}, ["priority"]),
        ({"title": ""}, ["title"]),
        ({"surprise": 1}, ["surprise"]),
    ],
)
def test_it_refuses_invalid_input_naming_the_field(api, demands_world, changes, fields):
    before = counts()
    body = {
        "enterprise": USCC_A,
        "channel": "hotline",
        "category": "water_supply",
        "title": "厂区停水",
        "description": "停水",
        "priority": "ordinary",
        **changes,
    }

    response = api("hotline").post("/api/demands", body)

    assert response.status_code == 422, response.content
    # An unknown enterprise also leaves the zone unknown; the named field must be there.
    assert set(fields) <= set(error_fields(response))
    assert counts() == before


def test_it_refuses_to_record_for_someone_without_the_right_and_without_a_token(api, demands_world):
    before = counts()
    body = {
        "zone": "chip_valley",
        "channel": "hotline",
        "category": "water_supply",
        "title": "厂区停水",
        "description": "停水",
        "priority": "ordinary",
    }

    assert api("nobody").post("/api/demands", body).status_code == 403
    assert api().post("/api/demands", body).status_code == 401
    assert counts() == before


# ---- list -------------------------------------------------------------------------------------


def test_it_lists_demands_with_filters(api, demands_world, demand_factory, demand_driver):
    water = demand_factory()
    general = demand_factory(category="general", title="咨询", enterprise=None, zone="aviation")
    legacy = demand_factory(is_legacy=True, title="历史遗留")
    demand_driver.to(water, "in_progress")
    hotline = api("hotline")

    def references(**params):
        response = hotline.get("/api/demands", **params)
        assert response.status_code == 200, response.content
        return sorted(item["reference"] for item in response.json()["items"])

    everything = sorted([water.reference, general.reference, legacy.reference])
    assert references() == everything
    assert references(state="in_progress") == [water.reference]
    assert references(channel="hotline") == everything
    assert references(channel="online") == []
    assert references(zone="aviation") == [general.reference]
    assert references(unit=demands_world.water_unit.pk) == [water.reference]
    assert references(enterprise=USCC_A) == sorted([water.reference, legacy.reference])
    assert references(is_legacy="true") == [legacy.reference]
    assert references(is_legacy="false") == sorted([water.reference, general.reference])
    assert references(is_overdue="true") == []
    response = hotline.get("/api/demands", limit=1, offset=1)
    assert response.json()["count"] == 3
    assert len(response.json()["items"]) == 1


def test_it_marks_overdue_demands_and_filters_them(api, demands_world, demand_factory):
    demand = demand_factory()

    with clock.simulated_time(datetime(2025, 6, 12, 10, 0, tzinfo=workcal.SHANGHAI)):
        response = api("hotline").get("/api/demands", is_overdue="true")

    assert [item["reference"] for item in response.json()["items"]] == [demand.reference]
    assert response.json()["items"][0]["is_overdue"] is True


def test_it_refuses_invalid_filters(api, demands_world):
    for params in ({"state": "lost"}, {"unit": "abc"}, {"limit": 0}, {"is_overdue": "maybe"}):
        response = api("hotline").get("/api/demands", **params)
        assert response.status_code == 422, params


def test_it_lists_in_constant_queries(api, demands_world, demand_factory):
    def measure(persona):
        caller = api(persona)
        caller.get("/api/demands")  # warm the token's last-used write
        with CaptureQueriesContext(connection) as queries:
            response = caller.get("/api/demands")
        return len(queries), response.json()["count"]

    demand_factory()
    one_hotline, one_leader = measure("hotline"), measure("leader")
    for _ in range(3):
        demand_factory(enterprise=None, zone="aviation", category="general")
    three_hotline, three_leader = measure("hotline"), measure("leader")

    assert (one_hotline[1], three_hotline[1]) == (1, 4)
    assert one_hotline[0] == three_hotline[0]
    assert one_leader[0] == three_leader[0]


def test_it_shows_each_caller_only_the_demands_they_may_see(api, demands_world, demand_factory):
    demand_factory()

    assert api("officer_a").get("/api/demands").json()["count"] == 1
    assert api("enterprise_user").get("/api/demands").json()["count"] == 1
    assert api("officer_b").get("/api/demands").json() == {"items": [], "count": 0}
    assert api("other_enterprise_user").get("/api/demands").json() == {"items": [], "count": 0}
    assert api("founder").get("/api/demands").json() == {"items": [], "count": 0}


# ---- detail -----------------------------------------------------------------------------------


def test_it_shows_a_demand_with_its_timeline_and_callbacks(
    api, demands_world, demand_factory, demand_driver
):
    demand = demand_driver.to(demand_factory(), "closed")

    body = api("hotline").get(f"/api/demands/{demand.pk}").json()

    assert body["state"] == "closed"
    assert body["lead_unit"] == unit_ref(demands_world.water_unit)
    assert [event["action"] for event in body["timeline"]] == [
        "accept",
        "dispatch",
        "sign",
        "reply",
        "review",
        "callback",
        "close",
    ]
    assert body["timeline"][-1]["to_state"] == "closed"
    assert body["callbacks"] == [
        {
            **CALLBACK,
            "actor": demands_world.hotline.full_name,
            "at": "2025-06-10T02:00:00Z",
        }
    ]
    assert body["reply_content"] == "已安排抢修，下午恢复供水。"
    assert body["sign_on_time"] is True
    assert body["reply_on_time"] is True
    assert body["due_at"] is None


def test_it_masks_the_callers_phone_for_readers_who_do_not_need_it(
    api, demands_world, demand_factory
):
    demand = demand_factory()

    assert api("leader").get(f"/api/demands/{demand.pk}").json()["caller_phone"] == "138****8000"
    assert api("leader").get("/api/demands").json()["items"][0]["caller_phone"] == "138****8000"
    for persona in ("hotline", "officer_a", "enterprise_user", "admin"):
        assert api(persona).get(f"/api/demands/{demand.pk}").json()["caller_phone"] == (
            "13800138000"
        ), persona


def test_it_lists_the_actions_the_caller_may_take_now(api, demands_world, demand_factory):
    demand = demand_factory()

    def actions(persona):
        return api(persona).get(f"/api/demands/{demand.pk}").json()["actions"]

    assert actions("hotline") == ["dispatch", "answer_directly", "supervise", "urge"]
    assert actions("leader") == ["supervise", "urge"]
    assert actions("enterprise_user") == []


def test_it_answers_404_for_a_demand_out_of_sight(api, demands_world, demand_factory):
    demand = demand_factory()

    for persona in ("officer_b", "other_enterprise_user", "founder", "nobody"):
        assert api(persona).get(f"/api/demands/{demand.pk}").status_code == 404, persona
    assert api("hotline").get("/api/demands/999999").status_code == 404
    assert api("hotline").get(f"/api/demands/{2**63}").status_code == 404


# ---- actions ----------------------------------------------------------------------------------


def test_it_runs_a_demand_from_dispatch_to_close(api, demands_world):
    body = record(api)
    hotline, water = api("hotline"), api("water")
    path = f"/api/demands/{body['id']}/actions"

    steps = [
        (hotline, "dispatch", {}, "dispatched"),
        (water, "sign", {}, "in_progress"),
        (water, "contact", {"note": "已电话联系企业"}, "in_progress"),
        (water, "reply", {"content": "已安排抢修。"}, "replied"),
        (hotline, "review", {"decision": "accept"}, "reviewed"),
        (hotline, "callback", CALLBACK, "callback_done"),
        (hotline, "close", None, "closed"),  # an empty body is an empty action body
    ]
    for caller, action, data, state in steps:
        response = caller.post(f"{path}/{action}", data)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["state"] == state, action

    demand = Demand.objects.get(pk=body["id"])
    assert demand.lead_unit == demands_world.water_unit
    assert demand.first_contact_at is not None
    assert demand.callbacks.get().satisfaction == "satisfied"


def test_it_dispatches_to_a_named_lead_unit_with_co_units(api, demands_world):
    body = record(api)
    data = {
        "lead_unit": demands_world.planning_unit.pk,
        "co_units": [demands_world.service_unit_a.pk],
    }

    response = api("hotline").post(f"/api/demands/{body['id']}/actions/dispatch", data)

    assert response.status_code == 200, response.content
    assert response.json()["lead_unit"] == unit_ref(demands_world.planning_unit)
    assert response.json()["co_units"] == [unit_ref(demands_world.service_unit_a)]


def test_it_refuses_an_action_not_allowed_in_the_state_with_409(api, demands_world):
    body = record(api)
    before = counts()

    response = api("hotline").post(f"/api/demands/{body['id']}/actions/close", {})

    assert response.status_code == 409
    assert counts() == before


def test_it_refuses_a_visible_demand_to_who_may_not_act_with_403(api, demands_world):
    body = record(api)
    before = counts()

    # Leaders may see and urge, not dispatch; the water officer handles, not coordinates.
    assert api("leader").post(f"/api/demands/{body['id']}/actions/dispatch", {}).status_code == 403
    response = api("enterprise_user").post(
        f"/api/demands/{body['id']}/actions/urge", {"reason": "快"}
    )
    assert response.status_code == 403
    assert counts() == before


def test_it_answers_404_to_who_cannot_see_the_demand_and_for_unknown_actions(api, demands_world):
    body = record(api)
    before = counts()

    response = api("officer_b").post(f"/api/demands/{body['id']}/actions/dispatch", {})
    assert response.status_code == 404
    response = api("hotline").post(f"/api/demands/{body['id']}/actions/teleport", {})
    assert response.status_code == 404
    assert counts() == before


def test_it_refuses_an_action_with_invalid_data_with_422(api, demands_world, demand_driver):
    body = record(api)
    demand = demand_driver.to(Demand.objects.get(pk=body["id"]), "reviewed")
    before = counts()
    path = f"/api/demands/{body['id']}/actions"

    for data, field in (
        ({**CALLBACK, "satisfaction": "thrilled"}, "satisfaction"),
        ({**CALLBACK, "teleport": True}, "teleport"),
    ):
        response = api("hotline").post(f"{path}/callback", data)
        assert response.status_code == 422, data
        assert field in error_fields(response)
    assert counts() == before
    assert demand.state == "reviewed"


def test_it_names_missing_or_unknown_action_data_with_422(api, demands_world):
    body = record(api)
    before = counts()
    path = f"/api/demands/{body['id']}/actions"

    urge = api("hotline").post(f"{path}/urge", {})
    dispatch = api("hotline").post(f"{path}/dispatch", {"lead_unit": 999999})

    assert (urge.status_code, error_fields(urge)) == (422, ["reason"])
    assert (dispatch.status_code, error_fields(dispatch)) == (422, ["lead_unit"])
    assert counts() == before


def test_it_refuses_an_extension_of_a_reply_limit_in_hours_with_409(api, demands_world):
    body = record(api, priority="emergency")
    path = f"/api/demands/{body['id']}/actions"
    assert api("hotline").post(f"{path}/dispatch", {}).status_code == 200
    assert api("water").post(f"{path}/sign", {}).status_code == 200
    before = counts()

    response = api("water").post(
        f"{path}/request_extension", {"working_days": 2, "reason": "需协调"}
    )

    assert response.status_code == 409
    assert counts() == before


def test_it_extends_an_ordinary_reply_limit(api, demands_world):
    body = record(api)
    path = f"/api/demands/{body['id']}/actions"
    api("hotline").post(f"{path}/dispatch", {})
    due = api("water").post(f"{path}/sign", {}).json()["due_at"]

    asked = api("water").post(f"{path}/request_extension", {"working_days": 3, "reason": "需协调"})
    approved = api("hotline").post(f"{path}/approve_extension", {})

    assert asked.json()["state"] == "extension_requested"
    assert asked.json()["extension_requested_days"] == 3
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "in_progress"
    assert approved.json()["extension_approved"] is True
    assert approved.json()["due_at"] > due


def test_it_lets_a_leader_urge_and_supervise(api, demands_world):
    body = record(api)
    leader = api("leader")

    assert (
        leader.post(f"/api/demands/{body['id']}/actions/urge", {"reason": "尽快"}).json()[
            "urge_count"
        ]
        == 1
    )
    response = leader.post(f"/api/demands/{body['id']}/actions/supervise", {"reason": "督办"})

    assert response.status_code == 200
    assert response.json()["is_supervised"] is True
    assert response.json()["state"] == "accepted"


def test_it_refuses_a_stale_version_with_409(api, demands_world):
    body = record(api)
    before = counts()

    response = api("hotline").post(
        f"/api/demands/{body['id']}/actions/dispatch", {"version": body["version"] + 5}
    )

    assert response.status_code == 409
    assert counts() == before


# ---- KPIs -------------------------------------------------------------------------------------


def test_it_reports_the_kpis_as_the_formulas_say(api, demands_world, demand_factory, demand_driver):
    demand_driver.to(demand_factory(), "callback_done")
    demand_driver.to(
        demand_factory(),
        "callback_done",
        resolved=False,
        satisfaction="basically_satisfied",
    )

    response = api("leader").get("/api/demands/kpis", **{"from": "2025-06-01", "to": "2025-06-30"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid_callbacks"] == 2
    assert body["contacted"] == 2
    assert body["resolved"] == 1
    assert (body["satisfied"], body["basically_satisfied"], body["unsatisfied"]) == (1, 1, 0)
    assert body["response_rate"] == 1.0
    assert body["resolution_rate"] == 0.5
    # (1 + 0.9 × 1) / 2
    assert body["satisfaction_rate"] == 0.95
    # 0.1 × 1 + 0.5 × 0.5 + 0.4 × 0.95
    assert body["composite"] == 0.73
    assert body["on_time_sign_rate"] == 1.0
    assert body["legacy_total"] == 0
    assert body["legacy_resolution_rate"] is None
    other_zone = api("leader").get(
        "/api/demands/kpis", **{"from": "2025-06-01", "to": "2025-06-30", "zone": "aviation"}
    )
    assert other_zone.json()["valid_callbacks"] == 0
    assert other_zone.json()["response_rate"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2025-06-30", "to": "2025-06-01"},
        {"from": "2025-13-01", "to": "2025-06-30"},
        {"from": "2025-06-01"},
        {"from": "1899-12-31", "to": "2025-06-30"},
        {"from": "2025-06-01", "to": "2300-01-01"},
        {"from": "2025-06-01", "to": "2025-06-30", "channel": "fax"},
    ],
)
def test_it_refuses_bad_kpi_periods_with_422(api, demands_world, params):
    assert api("leader").get("/api/demands/kpis", **params).status_code == 422


def test_it_names_to_before_from(api, demands_world):
    response = api("leader").get("/api/demands/kpis", **{"from": "2025-06-30", "to": "2025-06-01"})

    assert [(error["field"], error["code"]) for error in response.json()["errors"]] == [
        ("to", "before_start")
    ]


def test_it_hides_the_kpis_from_enterprises(api, demands_world):
    params = {"from": "2025-06-01", "to": "2025-06-30"}
    assert api("enterprise_user").get("/api/demands/kpis", **params).status_code == 404
    assert api().get("/api/demands/kpis", **params).status_code == 401
