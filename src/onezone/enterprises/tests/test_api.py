"""Enterprise API: only the enterprises the caller may see."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from stdnum.cn import uscc as stdnum_uscc

from onezone.conftest import PASSWORD, USCC_A, USCC_B
from onezone.core.tokens import token_create
from onezone.enterprises import services as enterprises

THIRD_USCC = "91510100MA6DGJ1A19"


def translated(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


@pytest.fixture
def api(client, world):
    class Caller:
        def __init__(self, persona):
            _token, raw = token_create(user=getattr(world, persona), actor=None)
            self.header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get(path, params, **self.header)

    return Caller


def confirmed_enterprise(world, username, uscc, name, zone, officer):
    membership = enterprises.enterprise_signup(
        username=username,
        password=PASSWORD,
        full_name=username,
        phone="13700137000",
        uscc=uscc,
        enterprise_name=name,
        zone=zone,
    )
    return enterprises.membership_confirm(actor=officer, membership=membership).enterprise


def item(enterprise, zone_code) -> dict:
    return {
        "id": enterprise.pk,
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "zone_code": zone_code,
    }


def test_it_lists_the_enterprises_of_an_officers_zone(api, world):
    response = api("officer_a").get("/api/enterprises")

    assert response.status_code == 200
    assert response.json() == {"items": [item(world.enterprise, "chip_valley")], "count": 1}


def test_it_lists_every_enterprise_for_a_leader_in_name_order(api, world):
    third = confirmed_enterprise(
        world, "third", THIRD_USCC, "A芯谷第三有限公司", world.zone_a, world.officer_a
    )

    response = api("leader").get("/api/enterprises")

    assert response.json() == {
        "items": [
            item(third, "chip_valley"),
            item(world.other_enterprise, "aviation"),  # 航 sorts before 芯
            item(world.enterprise, "chip_valley"),
        ],
        "count": 3,
    }


def test_it_filters_and_pages_enterprises(api, world):
    caller = api("admin")

    assert caller.get("/api/enterprises", zone="aviation").json()["items"] == [
        item(world.other_enterprise, "aviation")
    ]
    assert caller.get("/api/enterprises", search=USCC_A[-6:].lower()).json()["items"] == [
        item(world.enterprise, "chip_valley")
    ]
    assert caller.get("/api/enterprises", search="航空").json()["items"] == [
        item(world.other_enterprise, "aviation")
    ]
    assert caller.get("/api/enterprises", search=USCC_B).json()["count"] == 1
    page = caller.get("/api/enterprises", limit=1, offset=1).json()
    assert (len(page["items"]), page["count"]) == (1, 2)
    assert page["items"][0]["uscc"] == USCC_A


def test_it_shows_an_enterprise_user_only_its_own_enterprise(api, world):
    caller = api("enterprise_user")

    assert caller.get("/api/enterprises").json() == {
        "items": [item(world.enterprise, "chip_valley")],
        "count": 1,
    }
    assert caller.get(f"/api/enterprises/{world.enterprise.pk}").json() == item(
        world.enterprise, "chip_valley"
    )


def test_it_answers_404_for_another_enterprise(api, world):
    response = api("enterprise_user").get(f"/api/enterprises/{world.other_enterprise.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": translated("Not found.")}


def test_it_answers_the_same_404_for_a_missing_enterprise(api, world):
    hidden = api("enterprise_user").get(f"/api/enterprises/{world.other_enterprise.pk}")
    missing = api("enterprise_user").get("/api/enterprises/99999")

    assert (missing.status_code, missing.json()) == (hidden.status_code, hidden.json())


@pytest.mark.parametrize("persona", ["founder", "nobody", "bureau_officer"])
def test_it_lists_no_enterprise_for_users_without_a_binding_or_zone(api, world, persona):
    assert api(persona).get("/api/enterprises").json() == {"items": [], "count": 0}


def test_it_lists_nothing_for_an_unconfirmed_sign_up(client, world):
    membership = enterprises.enterprise_signup(
        username="pending",
        password=PASSWORD,
        full_name="pending",
        phone="13700137000",
        uscc=USCC_A,
        enterprise_name="芯谷示例科技有限公司",
        zone=world.zone_a,
    )
    _token, raw = token_create(user=membership.user, actor=None)
    header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    assert client.get("/api/enterprises", **header).json() == {"items": [], "count": 0}
    assert client.get(f"/api/enterprises/{world.enterprise.pk}", **header).status_code == 404


def test_it_answers_401_without_a_token(client, world):
    assert client.get("/api/enterprises").status_code == 401
    assert client.get(f"/api/enterprises/{world.enterprise.pk}").status_code == 401


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"limit": -1}, ("limit", "greater_than_equal")),
        ({"limit": 10**20}, ("limit", "less_than_equal")),
        ({"offset": 10**20}, ("offset", "less_than_equal")),
    ],
)
def test_it_answers_422_for_an_invalid_page(api, world, params, error):
    response = api("admin").get("/api/enterprises", **params)

    assert response.status_code == 422
    assert [(item["field"], item["code"]) for item in response.json()["errors"]] == [error]


def valid_uscc(number: int) -> str:
    body = f"91510100MA6DG{number:04d}"
    return body + stdnum_uscc.calc_check_digit(body)


def test_it_lists_enterprises_in_a_fixed_number_of_queries(api, world):
    caller = api("officer_a")
    caller.get("/api/enterprises")

    with CaptureQueriesContext(connection) as few:
        assert caller.get("/api/enterprises").json()["count"] == 1
    for number in range(5):
        confirmed_enterprise(
            world,
            f"extra{number}",
            valid_uscc(number),
            f"企业{number}",
            world.zone_a,
            world.officer_a,
        )
    with CaptureQueriesContext(connection) as many:
        assert caller.get("/api/enterprises").json()["count"] == 6

    assert len(many) == len(few)
