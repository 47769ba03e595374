"""Browser test: an administrator logs in and opens a zone page, in Debian's Chromium."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from onezone.conftest import browser_login, skip_without_chromium
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind

PASSWORD = "Browser-Pass-2026"

pytestmark = [pytest.mark.browser, skip_without_chromium]


@pytest.fixture
def zone_with_team(transactional_db):
    admin = get_user_model().objects.create_superuser(
        username="admin", password=PASSWORD, full_name="管理员"
    )
    zone = org.zone_create(actor=admin, code="chip_valley", name="成都芯谷")
    committee = org.body_create(
        actor=admin,
        name="成都芯谷管委会",
        kind=BodyKind.ZONE_COMMITTEE,
        zone=zone,
        headcount_quota=5,
    )
    office = org.unit_create(
        actor=admin,
        body=committee,
        name="综合办公室",
        kind=UnitKind.GENERAL_OFFICE,
        front_line=False,
    )
    service = org.unit_create(
        actor=admin,
        body=committee,
        name="企业服务部",
        kind=UnitKind.ENTERPRISE_SERVICE,
        front_line=True,
    )
    for number, unit in enumerate([office, service, service, service], start=1):
        person = org.person_create(
            actor=admin, name=f"测试人员{number}", staff_number=f"B{number:03d}"
        )
        org.post_create(
            actor=admin, person=person, unit=unit, title="科员", start_on=date(2025, 1, 1)
        )
    return zone


def test_it_logs_in_as_administrator_and_opens_a_zone_page(
    live_server, browser_page, zone_with_team
):
    page = browser_page
    browser_login(page, live_server.url, "admin", PASSWORD)
    page.click("#main-nav >> text=功能区")
    page.click("text=成都芯谷")
    page.wait_for_selector("#zone-shares")
    assert "成都芯谷" in page.locator("h2").first.inner_text()
    shares = page.locator("#zone-shares").inner_text()
    assert "75" in shares  # 3 of 4 posts are in a front-line unit
    assert "25" in shares  # 1 of 4 posts is in the general office
