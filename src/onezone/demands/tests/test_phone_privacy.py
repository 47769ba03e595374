"""Callers' phone numbers: masked for readers who do not need them, on the page, in the API and
in search (a fragment search would otherwise reveal a masked number digit by digit)."""

from django.urls import reverse

from onezone.core.tokens import token_create
from onezone.demands.selectors.demands import demand_list

PHONE = "13800138000"


def test_a_leader_cannot_find_a_demand_by_part_of_a_masked_number(demands_world, demand_factory):
    demand = demand_factory(caller_phone=PHONE)
    leader = demands_world.world.leader

    assert list(demand_list(actor=leader, filters={"q": "0013800"})) == []
    assert list(demand_list(actor=leader, filters={"q": PHONE})) == [demand]
    assert list(demand_list(actor=demands_world.hotline, filters={"q": "0013800"})) == [demand]


def test_the_page_and_the_api_mask_the_phone_alike(client, demands_world, demand_factory):
    demand = demand_factory(caller_phone=PHONE)
    client.force_login(demands_world.world.leader)

    page = client.get(reverse("demands:demand_detail", args=[demand.pk])).content.decode()
    _token, raw = token_create(user=demands_world.world.leader, actor=None)
    answer = client.get(f"/api/demands/{demand.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()

    assert PHONE not in page
    assert "138****8000" in page
    assert answer["caller_phone"] == "138****8000"


def test_the_lead_units_handler_sees_the_number_to_call(
    client, demands_world, demand_factory, demand_driver
):
    demand = demand_factory(caller_phone=PHONE)
    demand = demand_driver.to(demand, "in_progress")
    client.force_login(demands_world.water_officer)

    page = client.get(reverse("demands:demand_detail", args=[demand.pk])).content.decode()

    assert PHONE in page
