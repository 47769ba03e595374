"""Browser test: an officer opens an enterprise file through the form and sees its size class."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from onezone.conftest import PASSWORD, browser_login, skip_without_chromium
from onezone.core.choices import Role, ScopeKind
from onezone.enterprises.choices import SizeClass
from onezone.enterprises.models import Enterprise
from onezone.org import services as org

pytestmark = [pytest.mark.browser, skip_without_chromium]

USCC = "91510116MA6D00002L"


@pytest.fixture
def officer(transactional_db):
    admin = get_user_model().objects.create_superuser(username="admin", password=PASSWORD)
    zone = org.zone_create(actor=admin, code="chip_valley", name="成都芯谷")
    user = org.user_create(
        actor=admin, username="officer", password=PASSWORD, full_name="芯谷工作人员"
    )
    org.role_assign(
        actor=admin, user=user, role=Role.ZONE_OFFICER, scope_kind=ScopeKind.ZONE, scope=zone
    )
    return user


def test_it_creates_an_enterprise_file_and_shows_its_size_class(live_server, browser_page, officer):
    page = browser_page
    browser_login(page, live_server.url, "officer", PASSWORD)
    page.click("a.nav-link[href='/enterprises/']")
    page.click("a[href='/enterprises/new/']")
    page.fill("input[name=uscc]", USCC)
    page.fill("input[name=name]", "芯谷浏览器科技有限公司")
    page.select_option("select[name=zone]", label="成都芯谷")
    page.fill("input[name=industry_code]", "C3973")
    page.fill("input[name=registered_on]", "2016-05-20")
    page.check("input[name=tags][value=high_tech]")
    page.fill("input[name=employees]", "150")
    page.fill("input[name=revenue_10k_cny]", "5000")
    page.fill("input[name=assets_10k_cny]", "8000")
    page.fill("input[name=rd_expense_10k_cny]", "300")
    page.fill("input[name=contact_1_name]", "李四")
    page.click("#enterprise-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/enterprises/\d+/$"))
    with translation.override("zh-hans"):
        small = str(SizeClass.SMALL.label)
    assert small in page.locator("#enterprise-size-class").inner_text()
    assert "C3973" in page.locator("#enterprise-industry").inner_text()
    assert Enterprise.objects.get(uscc=USCC).size_class == "small"
