"""Browser test: an enterprise signs up, the zone officer confirms, the enterprise sees it."""

import pytest
from django.contrib.auth import get_user_model

from onezone.conftest import PASSWORD, USCC_A, browser_login, skip_without_chromium
from onezone.core.choices import Role, ScopeKind
from onezone.enterprises.models import EnterpriseMembership
from onezone.org import services as org

pytestmark = [pytest.mark.browser, skip_without_chromium]


@pytest.fixture
def zone_and_officer(transactional_db):
    admin = get_user_model().objects.create_superuser(username="admin", password=PASSWORD)
    zone = org.zone_create(actor=admin, code="chip_valley", name="成都芯谷")
    officer = org.user_create(
        actor=admin, username="officer", password=PASSWORD, full_name="芯谷工作人员"
    )
    org.role_assign(
        actor=admin, user=officer, role=Role.ZONE_OFFICER, scope_kind=ScopeKind.ZONE, scope=zone
    )
    return zone


def _sign_up(page, base_url: str, uscc: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.click("text=企业用户注册")
    page.fill("input[name=uscc]", uscc)
    page.fill("input[name=enterprise_name]", "芯谷浏览器测试有限公司")
    page.select_option("select[name=zone]", label="成都芯谷")
    page.fill("input[name=username]", "newcompany")
    page.fill("input[name=full_name]", "王经办")
    page.fill("input[name=phone]", "13800138000")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_again]", PASSWORD)
    page.click("form button[type=submit]")


def test_it_signs_up_an_enterprise_and_binds_it_after_the_officer_confirms(
    live_server, browser_page, zone_and_officer
):
    page = browser_page
    _sign_up(page, live_server.url, USCC_A[:-1] + ("0" if USCC_A[-1] != "0" else "1"))
    assert "校验位错误" in page.locator("[data-field=uscc]").inner_text()
    assert not get_user_model().objects.filter(username="newcompany").exists()

    _sign_up(page, live_server.url, USCC_A)
    page.wait_for_url(f"{live_server.url}/")
    assert "待确认" in page.locator("#my-enterprises").inner_text()
    page.click("form[action$='/logout/'] button")

    browser_login(page, live_server.url, "officer", PASSWORD)
    page.click("#nav-todos")
    page.click("text=确认 王经办 代表 芯谷浏览器测试有限公司 办事")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('确认')")
    page.wait_for_selector("text=绑定已确认。")
    assert EnterpriseMembership.objects.get(user__username="newcompany").status == "confirmed"
    page.click("form[action$='/logout/'] button")

    browser_login(page, live_server.url, "newcompany", PASSWORD)
    assert "已确认" in page.locator("#my-enterprises").inner_text()
    assert "1" in page.locator("#nav-inbox").inner_text()
