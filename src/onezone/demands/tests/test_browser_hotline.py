"""Browser test: a hotline operator records a call with the keyboard alone; the routed unit's
officer signs and replies, the coordinator reviews, calls back and closes; the KPIs count it."""

import re

import pytest

from onezone.conftest import PASSWORD, USCC_A, browser_login, skip_without_chromium
from onezone.core import clock
from onezone.demands.choices import Channel, DemandState
from onezone.demands.models import Demand, DemandCallback
from onezone.demands.selectors.kpis import demand_kpis
from onezone.enterprises.services.files import enterprise_update

pytestmark = [pytest.mark.browser, skip_without_chromium]
CONTACT_PHONE = "02885551234"


def sign_in_as(page, base_url, username):
    page.context.clear_cookies()
    browser_login(page, base_url, username, PASSWORD)


def act(page, action):
    page.click(f"#action-{action} button[type=submit]")
    page.wait_for_selector("#demand-state")


def record_by_keyboard(page, base_url):
    page.goto(f"{base_url}/demands/hotline/")
    page.wait_for_selector("#id_caller_phone:focus")  # autofocus: the operator just types
    page.keyboard.type(CONTACT_PHONE)
    page.wait_for_selector(f"#caller-enterprises [data-uscc='{USCC_A}']")
    page.keyboard.press("Tab")
    page.keyboard.type("张经理")
    page.keyboard.press("Tab")  # the enterprise, preselected from the phone
    assert page.eval_on_selector("#id_enterprise", "el => el === document.activeElement")
    assert page.input_value("#id_enterprise") == USCC_A
    page.keyboard.press("Tab")  # the zone: the enterprise's
    page.keyboard.press("Tab")
    page.keyboard.type("water_supply")
    page.keyboard.press("Tab")  # the priority stays ordinary
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.eval_on_selector("#id_description", "el => el === document.activeElement")
    page.keyboard.type("园区东路厂区自今晨起停水，影响生产。")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("厂区停水")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/demands/hotline/\?last=\d+$"))


def test_it_takes_a_hotline_call_to_a_closed_demand(
    transactional_db, live_server, browser_page, demands_world
):
    world = demands_world.world
    enterprise_update(
        actor=world.admin,
        enterprise=world.enterprise,
        data={"contacts": [{"name": "张经理", "phone": CONTACT_PHONE, "is_primary": True}]},
    )
    page, base = browser_page, live_server.url
    sign_in_as(page, base, "hotline")
    record_by_keyboard(page, base)

    demand = Demand.objects.get()
    assert (demand.channel, demand.enterprise, demand.title) == (
        Channel.HOTLINE,
        world.enterprise,
        "厂区停水",
    )
    assert demand.caller_phone == CONTACT_PHONE and demand.caller_name == "张经理"
    notice = page.locator(".alert-success").inner_text()
    assert demand.reference in notice and demands_world.water_unit.name in notice
    assert page.input_value("#id_caller_phone") == ""  # ready for the next call

    page.click("#last-recorded a")
    page.wait_for_selector("#action-dispatch")
    selected = page.input_value("#action-dispatch select[name=lead_unit]")
    assert selected == str(demands_world.water_unit.pk)  # the suggested unit, preselected
    act(page, "dispatch")

    sign_in_as(page, base, "water")
    page.goto(f"{base}/demands/{demand.pk}/")
    act(page, "sign")
    page.fill("#action-reply textarea[name=content]", "已安排抢修，下午恢复供水。")
    act(page, "reply")
    assert page.get_attribute("#demand-state", "data-state") == DemandState.REPLIED

    sign_in_as(page, base, "hotline")
    page.goto(f"{base}/demands/{demand.pk}/")
    page.select_option("#action-review select[name=decision]", "accept")
    act(page, "review")
    page.check("#action-callback input[name=contacted]")
    page.check("#action-callback input[name=resolved]")
    page.select_option("#action-callback select[name=satisfaction]", "satisfied")
    act(page, "callback")
    page.once("dialog", lambda dialog: dialog.accept())  # closing asks for confirmation
    act(page, "close")
    assert page.get_attribute("#demand-state", "data-state") == DemandState.CLOSED

    demand.refresh_from_db()
    assert demand.state == DemandState.CLOSED
    assert demand.lead_unit == demands_world.water_unit
    callback = DemandCallback.objects.get(demand=demand)
    assert (callback.valid, callback.contacted, callback.resolved) == (True, True, True)
    today = clock.today()
    kpis = demand_kpis(start=today, end=today)
    assert (kpis["valid_callbacks"], kpis["contacted"], kpis["resolved"], kpis["satisfied"]) == (
        1,
        1,
        1,
        1,
    )
    assert kpis["response_rate"] == 1.0
    assert kpis["resolution_rate"] == 1.0
    assert kpis["satisfaction_rate"] == 1.0
    assert kpis["composite"] == 1.0
    assert kpis["on_time_sign_rate"] == 1.0 and kpis["on_time_reply_rate"] == 1.0
