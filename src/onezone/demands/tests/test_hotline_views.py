"""The hotline console: caller lookup, recording, direct answers, the duplicate warning."""

from urllib.parse import urlencode

from django.urls import reverse

from onezone.demands.choices import Channel, DemandState, Priority
from onezone.demands.models import Demand
from onezone.enterprises.services.files import enterprise_update

CONSOLE = reverse("demands:hotline")
CALLER = reverse("demands:hotline_caller")
SIMILAR = reverse("demands:hotline_similar")
USCC_A = "91510116MA61XY000Q"


def call(**overrides) -> dict:
    data = {
        "caller_phone": "13800138000",
        "caller_name": "张经理",
        "enterprise": USCC_A,
        "zone": "",
        "category": "water_supply",
        "priority": Priority.ORDINARY,
        "title": "",
        "description": "园区东路厂区停水\n自今晨起停水，影响生产。",
        "mode": "record",
    }
    data.update(overrides)
    return data


def test_it_opens_the_console_with_the_phone_focused(client, demands_world):
    client.force_login(demands_world.hotline)
    response = client.get(CONSOLE)
    assert response.status_code == 200
    page = response.content.decode()
    phone = page[
        page.index('name="caller_phone"') : page.index(">", page.index('name="caller_phone"'))
    ]
    assert "autofocus" in phone and 'accesskey="p"' in phone
    assert 'id="category-options"' in page and 'value="water_supply"' in page
    # The record button comes first, so Enter in any field records the call.
    assert page.index('id="record-button"') < page.index('id="answer-button"')


def test_it_keeps_the_console_for_operators_and_zone_officers(client, demands_world):
    world = demands_world.world
    for user in (world.officer_a, world.admin, demands_world.hotline):
        client.force_login(user)
        assert client.get(CONSOLE).status_code == 200
    for user in (world.enterprise_user, world.bureau_officer, world.leader, world.founder):
        client.force_login(user)
        assert client.get(CONSOLE).status_code == 403
        assert client.post(CONSOLE, call()).status_code == 403
        assert client.get(CALLER, {"caller_phone": "13800138000"}).status_code == 403
    assert Demand.objects.count() == 0


def test_it_shows_the_callers_enterprise_and_earlier_demands(client, demands_world, demand_factory):
    earlier = demand_factory(title="上月停水")
    demand_factory(enterprise=demands_world.world.other_enterprise, caller_phone="13900000000")
    client.force_login(demands_world.hotline)
    response = client.get(CALLER, {"caller_phone": "138 0013 8000"}, headers={"HX-Request": "1"})
    assert response.status_code == 200
    assert [e.uscc for e in response.context["enterprises"]] == [USCC_A]
    assert response.context["selected"] == USCC_A
    assert [d.pk for d in response.context["demands"]] == [earlier.pk]
    page = response.content.decode()
    assert f'value="{USCC_A}"' in page and earlier.reference in page
    assert 'id="caller-history" hx-swap-oob="true"' in page


def test_it_finds_an_enterprise_by_its_contact_phone(client, demands_world):
    world = demands_world.world
    enterprise_update(
        actor=world.admin,
        enterprise=world.other_enterprise,
        data={"contacts": [{"name": "李四", "phone": "02885550000", "is_primary": True}]},
    )
    client.force_login(demands_world.hotline)
    response = client.get(CALLER, {"caller_phone": "02885550000"})
    assert [e.pk for e in response.context["enterprises"]] == [world.other_enterprise.pk]
    assert response.context["demands"] == []


def test_it_waits_for_enough_digits(client, demands_world, demand_factory):
    demand_factory()
    client.force_login(demands_world.hotline)
    response = client.get(CALLER, {"caller_phone": "138"})
    assert response.context["enterprises"] == [] and response.context["demands"] == []


def test_it_records_a_call_and_resets_the_console(client, demands_world):
    client.force_login(demands_world.hotline)
    response = client.post(CONSOLE, call(), follow=True)
    demand = Demand.objects.get()
    assert response.redirect_chain == [(f"{CONSOLE}?last={demand.pk}", 302)]
    assert (demand.channel, demand.state) == (Channel.HOTLINE, DemandState.ACCEPTED)
    assert demand.enterprise == demands_world.world.enterprise
    assert demand.zone == demands_world.world.zone_a
    assert (demand.caller_name, demand.caller_phone) == ("张经理", "13800138000")
    assert demand.title == "园区东路厂区停水"  # the description's first line
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    assert demand.reference in messages[0] and demands_world.water_unit.name in messages[0]
    assert response.context["last"] == demand
    assert response.context["form"]["caller_phone"].value() is None  # empty for the next call


def test_it_records_a_caller_without_an_enterprise_in_a_zone(client, demands_world):
    client.force_login(demands_world.hotline)
    data = call(enterprise="", zone="aviation", category="综合咨询及其他", title="咨询入驻")
    assert client.post(CONSOLE, data).status_code == 302
    demand = Demand.objects.get()
    assert demand.enterprise is None and demand.zone == demands_world.world.zone_b
    assert demand.category.code == "general"
    assert demand.suggested_unit == demands_world.service_unit_b


def test_it_shows_the_services_errors_on_the_fields(client, demands_world):
    client.force_login(demands_world.hotline)
    response = client.post(CONSOLE, call(enterprise="", zone="", category="no_such_thing"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {"zone", "category"} <= set(errors)
    page = response.content.decode()
    assert 'data-field="zone"' in page and 'data-field="category"' in page
    assert 'value="13800138000"' in page  # what was typed stays
    assert Demand.objects.count() == 0


def test_it_answers_a_consultation_directly(client, demands_world):
    client.force_login(demands_world.hotline)
    data = call(category="licence_consult", mode="answer", answer="材料清单见政务网，可全程网办。")
    assert client.post(CONSOLE, data).status_code == 302
    demand = Demand.objects.get()
    assert demand.state == DemandState.CLOSED
    assert demand.reply_content == "材料清单见政务网，可全程网办。"
    assert list(demand.events.values_list("action", flat=True)) == ["accept", "answer_directly"]


def test_it_keeps_nothing_when_the_direct_answer_is_missing(client, demands_world):
    client.force_login(demands_world.hotline)
    response = client.post(CONSOLE, call(mode="answer", answer="  "))
    assert response.status_code == 422
    assert "answer" in response.context["form"].errors
    assert Demand.objects.count() == 0


def test_it_warns_of_similar_demands_and_marks_the_duplicate(client, demands_world, demand_factory):
    earlier = demand_factory(title="园区东路厂区停水", description="园区东路厂区停水，影响生产。")
    demand_factory(
        title="申请人才公寓", description="三名博士申请人才公寓。", category="talent_housing"
    )
    client.force_login(demands_world.hotline)
    response = client.post(
        SIMILAR,
        {"enterprise": USCC_A, "title": "", "description": "园区东路厂区停水，影响生产"},
        headers={"HX-Request": "1"},
    )
    assert [row["demand"].pk for row in response.context["similar"]] == [earlier.pk]
    page = response.content.decode()
    assert 'id="duplicate-warning"' in page and f'value="{earlier.pk}"' in page
    assert client.post(CONSOLE, call(duplicate_of=earlier.pk)).status_code == 302
    repeat = Demand.objects.exclude(pk=earlier.pk).get(
        channel=Channel.HOTLINE, duplicate_of=earlier
    )
    assert repeat.state == DemandState.CLOSED


def test_it_never_shows_similar_demands_of_an_enterprise_the_user_cannot_see(
    client, demands_world, demand_factory
):
    world = demands_world.world
    demand_factory(
        enterprise=world.other_enterprise,
        category="general",
        title="园区东路厂区停水",
        description="园区东路厂区停水",
    )
    client.force_login(world.officer_a)
    query = urlencode(
        {"enterprise": world.other_enterprise.uscc, "description": "园区东路厂区停水"}
    )
    response = client.get(f"{SIMILAR}?{query}")
    assert response.status_code == 200
    assert response.context["similar"] == []
    assert "duplicate-warning" not in response.content.decode()
