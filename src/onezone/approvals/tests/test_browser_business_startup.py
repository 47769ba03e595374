"""Browser test of issue 5's "Done when": a founder completes the real `business_startup`
journey (one stage, six parallel items, the catalogue's specifications and materials) in the
portal, an officer decides its six items from the workbench, the application completes and
the documents download."""

import re
from datetime import date

import pytest
from django.utils import translation

from onezone.approvals.catalogue_data import JOURNEYS, spec_for
from onezone.approvals.choices import ApplicationState, ItemAction, ItemCaseState
from onezone.approvals.models import Application, Document, ItemCase
from onezone.approvals.services.catalogue import journey_save, spec_save
from onezone.approvals.tests.conftest import VALID_ID_NUMBER
from onezone.conftest import PASSWORD, browser_login, skip_without_chromium
from onezone.demo.register_data import parse_themes
from onezone.org.choices import UnitKind
from onezone.register import services as register
from onezone.register.choices import DelegationMode, RegisterList

pytestmark = [pytest.mark.browser, skip_without_chromium]

# A loaded two-core machine: every wait is generous.
TIMEOUT_MS = 60_000
STARTUP = next(journey for journey in JOURNEYS if journey.code == "business_startup")
# Every answer the combined form of the six items asks for, valid for its type.
ANSWERS = {
    "company_name": "芯谷浏览器开办有限公司",
    "legal_representative": "张三",
    "legal_representative_id": VALID_ID_NUMBER,
    "contact_phone": "13800138000",
    "registered_address": "成都芯谷科创大道 1 号",
    "registered_capital_10k_cny": "100",
    "business_scope": "集成电路设计；技术服务",
    "employees": "12",
    "seal_count": "3",
    "invoice_type": "数电普通发票",
    "bank": "成都银行",
}
# The smallest file the PDF content check accepts.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def startup_journey(world, unit_factory):
    """The catalogue's business_startup: its six matters routed in zone A to one unit of
    committee A (handled by officer_a), their catalogue specifications, the one-stage journey."""
    unit = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE, name="企业开办专区")
    themes = {matter["code"]: matter for matter in parse_themes()}
    (order, stage_name, _lead_body, items) = STARTUP.stages[0]
    specs = {}
    for code, _mandatory, _online in items:
        theme = themes[code]
        matter = register.matter_create(
            actor=world.admin,
            code=code,
            name=theme["name"],
            kind=theme["kind"],
            home_body=world.committee_a,
            enterprise_related=True,
        )
        register.entry_create(
            actor=world.admin,
            matter=matter,
            list_name=RegisterList.APPROVAL_ENFORCEMENT,
            zone=world.zone_a,
            holder_unit=unit,
            mode=DelegationMode.ZONE_OWN,
            valid_from=date(2020, 1, 1),
        )
        data, materials = spec_for(matter.name, matter.kind)
        specs[code] = spec_save(actor=world.admin, matter=matter, data=data, materials=materials)
    return journey_save(
        actor=world.admin,
        data=STARTUP.as_data(),
        stages=[
            {
                "order": order,
                "name": stage_name,
                "lead_body": world.committee_a,
                "items": [
                    {"spec": specs[code], "is_mandatory": mandatory, "is_fully_online": online}
                    for code, mandatory, online in items
                ],
            }
        ],
    )


def _fill_answers(page) -> None:
    form = page.locator("#application-form")
    for name, value in ANSWERS.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("element => element.tagName") == "SELECT":
            control.select_option(value=value)
        else:
            control.fill(value)


def _upload_required_materials(page, tmp_path) -> list[str]:
    """Upload a small PDF for every required material row of the draft's edit page."""
    pdf = tmp_path / "material.pdf"
    pdf.write_bytes(PDF_BYTES)
    rows = page.locator("#materials tr[id^=material-]")
    codes = [
        row.get_attribute("id").removeprefix("material-")
        for row in rows.all()
        if row.locator(".badge.bg-red-lt").count()
    ]
    for code in codes:
        row = page.locator(f"#material-{code}")
        row.locator("input[type=file]").set_input_files(str(pdf))
        with page.expect_navigation():
            row.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
        page.wait_for_selector(f"#material-{code} .material-attached .text-green")
    return codes


def test_a_founder_and_an_officer_complete_business_startup_in_the_browser(
    transactional_db, live_server, browser_page, world, startup_journey, tmp_path
):
    with translation.override("zh-hans"):
        accept_label = str(ItemAction.ACCEPT.label)
        approve_label = str(ItemAction.APPROVE.label)
        completed_label = str(ApplicationState.COMPLETED.label)
    founder_page = browser_page
    founder_page.set_default_timeout(TIMEOUT_MS)
    founder_page.set_default_navigation_timeout(TIMEOUT_MS)
    browser_login(founder_page, live_server.url, "founder", PASSWORD)

    # 办事 → 企业开办: the one combined form, saved as a draft (the items need materials).
    founder_page.click("#main-nav a[href='/approvals/']")
    founder_page.wait_for_url(f"{live_server.url}/approvals/")
    founder_page.click("#journey-business_startup a.btn-primary")
    founder_page.wait_for_url(f"{live_server.url}/approvals/journeys/business_startup/start/")
    assert founder_page.locator("#materials-first").is_visible()
    founder_page.select_option("select[name=zone]", value="chip_valley")
    _fill_answers(founder_page)
    asked = {
        name
        for name in founder_page.locator("#application-form [name]").evaluate_all(
            "elements => elements.map(element => element.name)"
        )
        if name not in {"csrfmiddlewaretoken", "zone", "enterprise", "action"}
    }
    assert asked == set(ANSWERS)  # the form asks each field of the six items once
    with founder_page.expect_navigation():
        founder_page.click("#application-form button[value=draft]")
    founder_page.wait_for_url(re.compile(r".*/approvals/applications/\d+/$"))
    application = Application.objects.get()
    assert application.state == ApplicationState.DRAFT

    # Materials, each uploaded once, then the submission.
    founder_page.goto(f"{live_server.url}/approvals/applications/{application.pk}/edit/")
    uploaded = _upload_required_materials(founder_page, tmp_path)
    assert set(uploaded) == {
        "application_form",
        "articles_of_association",
        "premises_proof",
        "representative_id",
        "employee_list",
    }
    with founder_page.expect_navigation():
        founder_page.click("#application-form button[value=submit]")
    founder_page.wait_for_url(f"{live_server.url}/approvals/applications/{application.pk}/")
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.form_data["legal_representative_id"] == VALID_ID_NUMBER
    cases = list(ItemCase.objects.filter(application=application).order_by("pk"))
    assert len(cases) == 6
    assert founder_page.locator("#stage-1 .item-case").count() == 6
    for case in cases:
        assert (
            founder_page.locator(f"#case-{case.pk} .case-state").get_attribute("data-state")
            == ItemCaseState.RECEIVED
        )

    # The officer decides the six items from the workbench, in a browser of their own.
    officer_context = founder_page.context.browser.new_context(locale="zh-CN")
    try:
        officer_page = officer_context.new_page()
        officer_page.set_default_timeout(TIMEOUT_MS)
        officer_page.set_default_navigation_timeout(TIMEOUT_MS)
        browser_login(officer_page, live_server.url, "officer_a", PASSWORD)
        for case in cases:
            officer_page.click("a.nav-link[href='/approvals/workbench/']")
            officer_page.wait_for_url(f"{live_server.url}/approvals/workbench/")
            row = officer_page.locator(f"#case-{case.pk}")
            assert row.get_attribute("data-state") == ItemCaseState.RECEIVED
            with officer_page.expect_navigation():
                row.locator(f"a[href='/approvals/cases/{case.pk}/']").first.click()
            officer_page.wait_for_url(f"{live_server.url}/approvals/cases/{case.pk}/")
            accept = officer_page.locator("#action-accept button[type=submit]")
            assert accept.inner_text().strip() == accept_label
            with officer_page.expect_navigation():
                accept.click()
            officer_page.wait_for_selector("#case-state[data-state=accepted]")
            approve = officer_page.locator("#action-approve button[type=submit]")
            assert approve.inner_text().strip() == approve_label
            with officer_page.expect_navigation():
                approve.click()
            officer_page.wait_for_selector("#case-state[data-state=approved]")
        officer_page.click("a.nav-link[href='/approvals/workbench/']")
        officer_page.wait_for_url(f"{live_server.url}/approvals/workbench/")
        assert officer_page.locator(".case-row").count() == 0  # the queue is empty
    finally:
        officer_context.close()

    # The founder sees the application completed and downloads its documents.
    application.refresh_from_db()
    assert application.state == ApplicationState.COMPLETED
    assert set(
        ItemCase.objects.filter(application=application).values_list("state", flat=True)
    ) == {ItemCaseState.APPROVED}
    founder_page.reload()
    assert founder_page.locator("#application-state").inner_text().strip() == completed_label
    links = founder_page.locator("a.document-link")
    # An acceptance notice and an approval decision per item.
    assert links.count() == Document.objects.filter(item_case__application=application).count()
    assert links.count() == 12
    with founder_page.expect_download() as download_info:
        links.first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    for href in links.evaluate_all("elements => elements.map(element => element.href)"):
        response = founder_page.request.get(href)
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
