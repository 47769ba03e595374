"""Policies API: the library, policy files as JSON, an enterprise's matches and the
application flow, only as far as the caller may, with nothing changed by a refused request."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onezone.core.tokens import token_create
from onezone.policies.models import Policy, PolicyApplication, PolicyVersion
from onezone.policies.tests.conftest import AUTO_GRANT_POLICY, IC_RD_POLICY, policy_data

IC = "DEMO-IC-RD-2025"


def _json(data):
    return json.loads(json.dumps(data, default=str))


@pytest.fixture
def api(client, policy_world):
    class Caller:
        def __init__(self, user=None):
            self.header = {}
            if user is not None:
                _token, raw = token_create(user=user, actor=None)
                self.header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get(path, params, **self.header)

        def post(self, path, body=None):
            data = "" if body is None else json.dumps(body)
            return client.post(path, data, content_type="application/json", **self.header)

    return Caller


@pytest.fixture
def ic_policy(load_policy):
    return load_policy(IC_RD_POLICY)


# ---- library ----------------------------------------------------------------------------------


def test_anyone_lists_the_policies_in_force(api, ic_policy, load_policy):
    load_policy(AUTO_GRANT_POLICY)
    response = api().get("/api/policies")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["code"] for item in body["items"]] == [IC, "DEMO-PATENT-AUTO-2025"]
    item = body["items"][0]
    assert (item["version"], item["policy_class"], item["mode"]) == (
        1,
        "subsidy",
        "fast_application",
    )
    assert (item["valid_from"], item["valid_to"]) == ("2025-01-01", "2026-12-31")


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"policy_class": "subsidy"}, [IC]),
        ({"mode": "auto_grant"}, ["DEMO-PATENT-AUTO-2025"]),
        ({"industry": "39"}, [IC, "DEMO-PATENT-AUTO-2025"]),
        ({"industry": "I"}, [IC]),  # 652 is in section I; the patent policy is for C only
        ({"industry": "37"}, ["DEMO-PATENT-AUTO-2025"]),
        ({"size": "medium"}, ["DEMO-PATENT-AUTO-2025"]),
        ({"size": "small"}, [IC, "DEMO-PATENT-AUTO-2025"]),
        ({"q": "专利"}, ["DEMO-PATENT-AUTO-2025"]),
        ({"at": "2027-01-01"}, []),
    ],
)
def test_the_library_filters(api, ic_policy, load_policy, query, codes):
    load_policy(AUTO_GRANT_POLICY)
    body = api().get("/api/policies", **query).json()
    assert [item["code"] for item in body["items"]] == codes


def test_the_library_query_count_does_not_grow_with_policies(api, load_policy):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api().get("/api/policies").status_code == 200
        return len(queries)

    for number in range(2):
        load_policy(policy_data(IC_RD_POLICY, code=f"SMALL-{number}"))
    small = count_queries()
    for number in range(4):
        load_policy(policy_data(IC_RD_POLICY, code=f"LARGE-{number}"))
    assert count_queries() == small


def test_a_policy_shows_its_rules_in_prose_and_its_versions(api, ic_policy, load_policy):
    load_policy(policy_data(IC_RD_POLICY, summary="修订"))
    body = api().get(f"/api/policies/{IC}").json()
    assert body["version"] == 2
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["rules"] and all(isinstance(line, str) for line in body["rules"])
    assert any("研发投入占比" in line for line in body["rules"])
    assert body["eligibility"] == _json(IC_RD_POLICY["eligibility"])
    assert body["amount_formula"] == "min(rd_expense_10k_cny * 0.1, 200)"
    assert body["listing_delay_working_days"] is None
    assert api().get("/api/policies/NO-SUCH").status_code == 404


# ---- policy files as JSON -----------------------------------------------------------------------


def test_a_policy_officer_posts_a_policy_file(api, policy_world):
    caller = api(policy_world.officer)
    created = caller.post("/api/policies", _json(IC_RD_POLICY))
    again = caller.post("/api/policies", _json(IC_RD_POLICY))
    assert created.status_code == 201
    assert created.json()["code"] == IC
    assert again.status_code == 200
    assert PolicyVersion.objects.count() == 1


def test_a_bad_policy_file_is_a_422_naming_the_path(api, policy_world):
    bad = _json(IC_RD_POLICY)
    bad["eligibility"]["all"][1]["op"] = "~="
    bad["amount"]["formula"] = "eval(1)"
    response = api(policy_world.officer).post("/api/policies", bad)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert "eligibility.all[1].op" in fields
    assert "amount.formula" in fields
    assert not Policy.objects.exists()


def test_only_policy_officers_post_policies(api, policy_world):
    for user in (policy_world.enterprise_user, policy_world.leader):
        assert api(user).post("/api/policies", _json(IC_RD_POLICY)).status_code == 403
    assert api().post("/api/policies", _json(IC_RD_POLICY)).status_code == 401
    assert not Policy.objects.exists()


# ---- an enterprise's matches ---------------------------------------------------------------------


def test_an_enterprise_reads_its_own_matches(api, policy_world, ic_policy):
    uscc = policy_world.ic.uscc
    response = api(policy_world.enterprise_user).get(f"/api/enterprises/{uscc}/policies")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    entry = body["items"][0]
    assert (entry["code"], entry["eligible"], entry["amount"], entry["unit"]) == (
        IC,
        True,
        30.0,
        "10k_cny",
    )
    assert entry["conditions"][1]["text"] == "研发投入占比 10%，要求 ≥ 3%"
    outside = api(policy_world.enterprise_user).get(
        f"/api/enterprises/{uscc}/policies", date="2027-01-01"
    )
    assert outside.json() == {"items": [], "count": 0}


def test_others_get_a_404_and_officers_read_any(api, policy_world, ic_policy):
    path = f"/api/enterprises/{policy_world.ic.uscc}/policies"
    assert api(policy_world.other_enterprise_user).get(path).status_code == 404
    assert api(policy_world.nobody).get(path).status_code == 404
    assert (
        api(policy_world.enterprise_user)
        .get("/api/enterprises/91510116MA00000000/policies")
        .status_code
        == 404
    )
    for reader in (policy_world.officer, policy_world.liaison_user, policy_world.leader):
        assert api(reader).get(path).status_code == 200


# ---- applications -----------------------------------------------------------------------------


def _apply(api, world, code=IC):
    return api(world.enterprise_user).post(
        f"/api/policies/{code}/applications",
        {"enterprise": world.ic.uscc, "form": {"contact": "张三"}},
    )


def test_the_enterprise_applies_and_follows_each_step(api, policy_world, ic_policy):
    world = policy_world
    created = _apply(api, world)
    assert created.status_code == 201
    body = created.json()
    assert (body["state"], body["policy"], body["amount_computed"]) == ("submitted", IC, 30.0)
    assert body["form"]["rd_ratio"] == 0.1
    assert body["form"]["contact"] == "张三"
    path = f"/api/policy-applications/{body['id']}"

    approved = api(world.officer).post(f"{path}/actions/approve", {"version": body["version"]})
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert approved.json()["payout_due_at"] is not None
    paid = api(world.officer).post(f"{path}/actions/pay", {})
    assert paid.json()["state"] == "paid"

    seen = api(world.enterprise_user).get(path).json()
    assert [(e["action"], e["to_state"]) for e in seen["events"]] == [
        ("submit", "submitted"),
        ("approve", "approved"),
        ("pay", "paid"),
    ]
    assert seen["events"][1]["actor"] == "bureau_officer"


def test_refused_applications_store_nothing(api, policy_world, ic_policy):
    world = policy_world
    other = api(world.other_enterprise_user).post(
        f"/api/policies/{IC}/applications", {"enterprise": world.ic.uscc}
    )
    officer = api(world.officer).post(
        f"/api/policies/{IC}/applications", {"enterprise": world.ic.uscc}
    )
    unknown = _apply(api, world, code="NO-SUCH")
    assert (other.status_code, officer.status_code, unknown.status_code) == (404, 403, 404)
    assert not PolicyApplication.objects.exists()


def test_wrong_state_wrong_person_and_other_enterprise_change_nothing(api, policy_world, ic_policy):
    world = policy_world
    body = _apply(api, world).json()
    path = f"/api/policy-applications/{body['id']}"

    def state():
        application = PolicyApplication.objects.get(pk=body["id"])
        return application.state, application.version_lock, application.events.count()

    before = state()
    assert api(world.officer).post(f"{path}/actions/pay", {}).status_code == 409
    assert api(world.enterprise_user).post(f"{path}/actions/approve", {}).status_code == 403
    assert api(world.officer).post(f"{path}/actions/reject", {}).status_code == 422
    assert api(world.officer).post(f"{path}/actions/explode", {}).status_code == 404
    assert api(world.other_enterprise_user).get(path).status_code == 404
    assert api(world.other_enterprise_user).post(f"{path}/actions/withdraw", {}).status_code == 404
    stale = api(world.officer).post(f"{path}/actions/approve", {"version": 7})
    assert stale.status_code == 409
    assert state() == before


def test_application_lists_are_scoped_and_their_queries_constant(api, policy_world, load_policy):
    world = policy_world

    def listed(user) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = api(user).get("/api/policy-applications")
        assert response.status_code == 200
        return response.json()["count"], len(queries)

    for number in range(2):
        load_policy(policy_data(IC_RD_POLICY, code=f"P-{number}"))
        _apply(api, world, code=f"P-{number}")
    small_count, small_queries = listed(world.officer)
    for number in range(2, 6):
        load_policy(policy_data(IC_RD_POLICY, code=f"P-{number}"))
        _apply(api, world, code=f"P-{number}")
    large_count, large_queries = listed(world.officer)

    assert (small_count, large_count) == (2, 6)
    assert large_queries == small_queries
    assert listed(world.enterprise_user)[0] == 6
    assert listed(world.other_enterprise_user)[0] == 0
    filtered = api(world.officer).get("/api/policy-applications", policy="P-3").json()
    assert [item["policy"] for item in filtered["items"]] == ["P-3"]
