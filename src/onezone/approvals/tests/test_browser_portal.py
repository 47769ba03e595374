"""Browser test: a founder completes business_startup in the portal and downloads a document."""

import re

import pytest
from django.utils import translation

from onezone.approvals import services
from onezone.approvals.choices import ApplicationState, ItemAction
from onezone.approvals.models import Application, ItemCase
from onezone.approvals.tests.conftest import VALID_ID_NUMBER
from onezone.conftest import PASSWORD, browser_login, skip_without_chromium

pytestmark = [pytest.mark.browser, skip_without_chromium]


def decide_current_stage(world, application):
    for case in ItemCase.objects.filter(
        application=application, stage_order=application.current_stage
    ):
        for action in (ItemAction.ACCEPT, ItemAction.APPROVE):
            case = services.item_case_act(actor=world.officer_a, item_case=case, action=action)
    application.refresh_from_db()


def test_it_takes_a_founder_through_business_startup(
    transactional_db, live_server, browser_page, world, approvals
):
    page = browser_page
    browser_login(page, live_server.url, "founder", PASSWORD)
    page.click("#main-nav a[href='/approvals/']")
    page.click("#journey-business_startup a.btn-primary")
    page.select_option("select[name=zone]", value="chip_valley")
    page.fill("input[name=company_name]", "芯谷浏览器新创有限公司")
    page.fill("input[name=legal_representative_id]", VALID_ID_NUMBER)
    page.fill("input[name=contact_phone]", "13800138000")
    page.fill("input[name=seal_count]", "2")
    page.click("#application-form button[value=submit]")
    page.wait_for_url(re.compile(r".*/approvals/applications/\d+/$"))

    application = Application.objects.get()
    assert application.applicant == world.founder
    assert application.state == ApplicationState.SUBMITTED
    first = application.item_cases.get()
    assert "政务服务科" in page.locator(f"#case-{first.pk} .case-holder").inner_text()

    decide_current_stage(world, application)  # registration: accepted and approved
    assert application.current_stage == 2
    decide_current_stage(world, application)  # seal engraving
    assert application.state == ApplicationState.COMPLETED

    page.reload()
    with translation.override("zh-hans"):
        completed = str(ApplicationState.COMPLETED.label)
    assert page.locator("#application-state").inner_text() == completed
    link = page.locator(f"#case-{first.pk} a.document-link").first
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
