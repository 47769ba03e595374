"""Browser test: an anonymous visitor finds who handles a matter in their zone."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from onezone.conftest import skip_without_chromium
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind
from onezone.register import services as register
from onezone.register.choices import DelegationMode, MatterKind, RegisterList

pytestmark = [pytest.mark.browser, skip_without_chromium]


@pytest.fixture
def held_matter(transactional_db):
    admin = get_user_model().objects.create_superuser(
        username="admin", password="Browser-Pass-2026", full_name="管理员"
    )
    zone = org.zone_create(actor=admin, code="chip_valley", name="成都芯谷")
    org.zone_create(actor=admin, code="aviation", name="双流航空经济区")
    org.body_create(actor=admin, name="成都芯谷管委会", kind=BodyKind.ZONE_COMMITTEE, zone=zone)
    bureau = org.body_create(actor=admin, name="区规划和自然资源局", kind=BodyKind.FUNCTIONAL)
    park = org.unit_create(
        actor=admin,
        body=bureau,
        name="芯谷园区服务科",
        kind=UnitKind.PARK_SERVICE,
        front_line=True,
        stationed_in=zone,
    )
    matter = register.matter_create(
        actor=admin,
        code="GZ001",
        name="建设工程规划许可证核发",
        kind=MatterKind.APPROVAL,
        home_body=bureau,
    )
    register.entry_create(
        actor=admin,
        matter=matter,
        list_name=RegisterList.APPROVAL_ENFORCEMENT,
        zone=zone,
        holder_unit=park,
        mode=DelegationMode.RETAINED,
        valid_from=date(2025, 1, 1),
    )
    return matter


def test_an_anonymous_visitor_finds_who_handles_a_matter(live_server, browser_page, held_matter):
    page = browser_page
    page.goto(f"{live_server.url}/register/")
    page.fill("input[name=q]", "规划许可")
    page.select_option("select[name=zone]", label="成都芯谷")
    row = page.locator(f"#matter-{held_matter.pk}")
    row.get_by_text("芯谷园区服务科").wait_for()
    text = row.inner_text()
    assert "建设工程规划许可证核发" in text
    assert "芯谷园区服务科" in text
    with translation.override("zh-hans"):
        assert str(DelegationMode.RETAINED.label) in text
