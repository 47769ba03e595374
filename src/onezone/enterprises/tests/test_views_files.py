"""Pages of the enterprise file: list, create, detail, edit, history and the enterprise portal."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from onezone.core.choices import Role, ScopeKind
from onezone.enterprises import services
from onezone.enterprises.choices import MembershipStatus, Provenance, ServiceRole, SizeClass
from onezone.enterprises.models import Enterprise, EnterpriseContact, EnterpriseFigure
from onezone.enterprises.services.files import default_figure_year
from onezone.enterprises.uscc import uscc_complete
from onezone.org import services as org
from onezone.org.choices import UnitKind

NEW_USCC = "91510116MA6D00002L"  # valid checksum, not on file
BAD_USCC = "91510116MA6D00002M"  # same code, wrong check character
YEAR = default_figure_year(None)


def zh(text) -> str:
    """The page's wording in the default language, whether or not the catalogue has it yet."""
    with translation.override("zh-hans"):
        return str(translation.gettext(text) if isinstance(text, str) else text)


def _uscc(number: int) -> str:
    return uscc_complete(f"91510116MA7{number:06d}")


def _file_data(uscc: str, name: str, zone, **extra) -> dict:
    return {
        "uscc": uscc,
        "name": name,
        "zone": zone,
        "industry_code": "C3973",
        "registered_on": "2015-03-01",
        "employees": 150,
        "revenue_10k_cny": "5000",
        "assets_10k_cny": "8000",
        "rd_expense_10k_cny": "300",
        **extra,
    }


def _create(world, number: int, **extra) -> Enterprise:
    data = _file_data(_uscc(number), f"列表企业{number:03d}", world.zone_a, **extra)
    return services.enterprise_create(actor=world.officer_a, data=data)


def _form_post(zone, **extra) -> dict:
    return {
        "uscc": NEW_USCC,
        "name": "芯谷新建科技有限公司",
        "legal_representative": "张三",
        "registered_address": "成都市双流区芯谷大道1号",
        "zone": zone.pk,
        "industry_code": "3973",
        "registered_on": "2016-05-20",
        "tags": ["high_tech"],
        "year": YEAR,
        "source": "officer",
        "employees": "150",
        "revenue_10k_cny": "5000",
        "assets_10k_cny": "8000",
        "rd_expense_10k_cny": "300",
        "contact_1_name": "李四",
        "contact_1_title": "总经理",
        "contact_1_phone": "13812345678",
        "contact_1_email": "li@example.com",
        **extra,
    }


def _figure(enterprise, name: str, year: int = YEAR) -> EnterpriseFigure:
    return EnterpriseFigure.objects.get(enterprise=enterprise, year=year, name=name)


@pytest.fixture
def filed(world):
    """world.enterprise with a full file: figures of YEAR (officer), a contact."""
    services.enterprise_update(
        actor=world.officer_a,
        enterprise=world.enterprise,
        data={
            "industry_code": "3973",
            "registered_on": "2015-03-01",
            "employees": 150,
            "revenue_10k_cny": "5000",
            "assets_10k_cny": "8000",
            "rd_expense_10k_cny": "300",
            "year": YEAR,
            "contacts": [{"name": "李四", "title": "总经理", "phone": "13812345678"}],
        },
    )
    world.enterprise.refresh_from_db()
    return world.enterprise


@pytest.fixture
def bureau_in_zone_a(world, unit_factory):
    """The bureau officer's functional bureau gets a unit stationed in zone A."""
    unit_factory(world.functional, UnitKind.PARK_SERVICE, stationed_in=world.zone_a)
    return world.bureau_officer


# ---- list ------------------------------------------------------------------------------


def test_it_shows_the_list_to_staff_only(client, world):
    for user in (world.enterprise_user, world.founder, world.nobody):
        client.force_login(user)
        assert client.get(reverse("enterprises:enterprise_list")).status_code == 404
    client.force_login(world.officer_a)
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert world.enterprise.name in page and world.other_enterprise.name not in page
    assert zh("New enterprise file") in page and zh("Export to Excel") in page


def test_it_shows_the_files_columns(client, world, filed):
    filed.tags.set(["high_tech"])
    client.force_login(world.officer_a)
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert "C3973</code> 集成电路制造" in page
    assert zh(SizeClass.SMALL.label) in page and "高新技术企业" in page


def test_it_offers_no_create_button_to_a_leader(client, world):
    client.force_login(world.leader)
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert zh("New enterprise file") not in page and zh("Export to Excel") in page
    assert world.other_enterprise.name in page


@pytest.mark.parametrize("industry", ["C", "c", "39", "397", "3973", "C3973", "C39"])
def test_it_filters_by_industry_at_every_level(client, world, industry):
    _create(world, 1)  # C3973
    _create(world, 2, industry_code="6110")  # I6110 telecoms
    client.force_login(world.officer_a)
    page = client.get(reverse("enterprises:enterprise_list"), {"industry": industry})
    assert "列表企业001" in page.content.decode() and "列表企业002" not in page.content.decode()


def test_it_filters_by_the_other_fields(client, world, post_factory, unit_factory):
    first = _create(world, 1, tags=["high_tech"])
    _create(world, 2, industry_code="5311")  # size standard does not apply
    unit = unit_factory(world.committee_a)
    post = post_factory(unit)
    services.designation_create(
        actor=world.officer_a, post=post, role=ServiceRole.LIAISON, zone=world.zone_a
    )
    services.assignment_set(
        actor=world.officer_a, enterprise=first, role=ServiceRole.LIAISON, post=post
    )
    client.force_login(world.officer_a)

    def names(**query):
        response = client.get(reverse("enterprises:enterprise_list"), query)
        return {
            name for name in ("列表企业001", "列表企业002") if name in response.content.decode()
        }

    assert names(size_class="none") == {"列表企业002"}
    assert names(size_class="small") == {"列表企业001"}
    assert names(tag="high_tech") == {"列表企业001"}
    assert names(liaison=str(post.person_id)) == {"列表企业001"}
    assert names(q="列表企业002") == {"列表企业002"}
    assert names(q=first.uscc[-6:].lower()) == {"列表企业001"}
    assert names(zone="aviation") == set()
    assert names(size_class="bogus", liaison="x") == set()
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert post.person.name in page  # liaison column and liaison select


def test_it_renders_only_the_results_for_htmx(client, world):
    client.force_login(world.officer_a)
    response = client.get(
        reverse("enterprises:enterprise_list"), {"q": "无此企业"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert "<html" not in content and zh("No enterprises match these filters.") in content
    assert 'hx-swap-oob="true"' in content and "q=%E6%97%A0" in content


def test_it_keeps_the_list_queries_constant(client, world, post_factory, unit_factory):
    unit = unit_factory(world.committee_a)
    post = post_factory(unit)
    services.designation_create(
        actor=world.officer_a, post=post, role=ServiceRole.LIAISON, zone=world.zone_a
    )
    client.force_login(world.officer_a)

    def queries_with(count: int, first: int) -> int:
        for number in range(first, first + count):
            enterprise = _create(world, number, tags=["high_tech", "key"])
            services.assignment_set(
                actor=world.officer_a, enterprise=enterprise, role=ServiceRole.LIAISON, post=post
            )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("enterprises:enterprise_list"))
        assert response.status_code == 200
        return len(captured)

    assert queries_with(2, first=0) == queries_with(28, first=100)  # 30 in all


# ---- create ----------------------------------------------------------------------------


def test_it_creates_a_file_through_the_form(client, world):
    client.force_login(world.officer_a)
    response = client.post(reverse("enterprises:enterprise_create"), _form_post(world.zone_a))
    enterprise = Enterprise.objects.get(uscc=NEW_USCC)
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:enterprise_detail", args=[enterprise.pk])
    assert (enterprise.size_class, enterprise.industry_code, enterprise.industry_section) == (
        "small",
        "3973",
        "C",
    )
    assert list(enterprise.tags.values_list("code", flat=True)) == ["high_tech"]
    assert _figure(enterprise, "revenue_10k_cny").source == Provenance.OFFICER
    assert _figure(enterprise, "revenue_10k_cny").value == Decimal("5000")
    contact = EnterpriseContact.objects.get(enterprise=enterprise)
    assert (contact.name, contact.phone, contact.is_primary) == ("李四", "13812345678", True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("uscc", BAD_USCC, ""),
        ("industry_code", "9999", "9999"),
        ("uscc", "123", ""),
    ],
)
def test_it_shows_service_errors_on_the_field_and_creates_nothing(
    client, world, field, value, message
):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("enterprises:enterprise_create"), _form_post(world.zone_a, **{field: value})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-field="{field}"' in page and message in page
    assert Enterprise.objects.count() == 2


def test_it_accepts_a_bad_checksum_with_the_officers_reason(client, world):
    client.force_login(world.officer_a)
    client.post(
        reverse("enterprises:enterprise_create"),
        _form_post(world.zone_a, uscc=BAD_USCC, uscc_override_reason="早期试点代码"),
    )
    assert Enterprise.objects.get(uscc=BAD_USCC).uscc_override_reason == "早期试点代码"


def test_it_reports_a_duplicate_uscc_on_the_field(client, world):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("enterprises:enterprise_create"),
        _form_post(world.zone_a, uscc=world.enterprise.uscc),
    )
    assert 'data-field="uscc"' in response.content.decode()
    assert Enterprise.objects.filter(uscc=world.enterprise.uscc).count() == 1


def test_it_offers_only_the_zones_the_officer_manages(client, world):
    client.force_login(world.officer_a)
    page = client.get(reverse("enterprises:enterprise_create")).content.decode()
    assert "成都芯谷" in page and "双流航空经济区" not in page
    response = client.post(reverse("enterprises:enterprise_create"), _form_post(world.zone_b))
    assert 'data-field="zone"' in response.content.decode()
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


def test_it_refuses_the_create_page_to_the_wrong_users(client, world):
    for user, status in (
        (world.enterprise_user, 404),
        (world.nobody, 404),
        (world.leader, 403),
        (world.bureau_officer, 403),
    ):
        client.force_login(user)
        url = reverse("enterprises:enterprise_create")
        assert client.get(url).status_code == status
        assert client.post(url, _form_post(world.zone_a)).status_code == status
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


# ---- detail ----------------------------------------------------------------------------


def test_it_shows_the_file_to_the_right_people(client, world, filed, bureau_in_zone_a):
    url = reverse("enterprises:enterprise_detail", args=[filed.pk])
    for user in (
        world.officer_a,
        world.admin,
        world.leader,
        world.enterprise_user,
        bureau_in_zone_a,
    ):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "集成电路制造" in page and zh(SizeClass.SMALL.label) in page, user
    for user in (world.officer_b, world.other_enterprise_user, world.founder, world.nobody):
        client.force_login(user)
        assert client.get(url).status_code == 404, user


def test_it_labels_every_figure_with_its_source(client, world, filed):
    EnterpriseFigure.objects.filter(enterprise=filed, name="employees").update(
        source=Provenance.TAX, as_of=date(2025, 6, 30)
    )
    client.force_login(world.officer_a)
    page = client.get(reverse("enterprises:enterprise_detail", args=[filed.pk])).content.decode()
    assert f"{zh(Provenance.TAX.label)} · 2025-06-30" in page
    assert f'title="{zh("Authoritative source")}"' in page
    assert f"{zh(Provenance.OFFICER.label)} ·" in page


def test_it_explains_a_size_class_that_does_not_apply_and_an_overridden_stage(client, world):
    enterprise = _create(
        world,
        1,
        industry_code="5311",
        development_stage="mature",
        development_stage_override_reason="集团整体上市",
    )
    client.force_login(world.officer_a)
    page = client.get(
        reverse("enterprises:enterprise_detail", args=[enterprise.pk])
    ).content.decode()
    assert zh("Not applicable") in page and zh("Set by hand") in page and "集团整体上市" in page


def test_it_masks_contact_phones_for_those_who_do_not_need_them(
    client, world, filed, bureau_in_zone_a
):
    url = reverse("enterprises:enterprise_detail", args=[filed.pk])
    client.force_login(bureau_in_zone_a)
    page = client.get(url).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    for user in (world.officer_a, world.enterprise_user):
        client.force_login(user)
        assert "13812345678" in client.get(url).content.decode()


def test_it_tells_the_enterprise_who_serves_it(client, world, filed, unit_factory, post_factory):
    unit = unit_factory(world.committee_a, phone="028-85550000")
    person = org.person_create(
        actor=world.admin, name="王联络", staff_number="L0001", phone="13955556666"
    )
    post = post_factory(unit, person=person)
    services.designation_create(
        actor=world.officer_a, post=post, role=ServiceRole.LIAISON, zone=world.zone_a
    )
    services.assignment_set(
        actor=world.officer_a, enterprise=filed, role=ServiceRole.LIAISON, post=post
    )
    url = reverse("enterprises:enterprise_detail", args=[filed.pk])
    client.force_login(world.enterprise_user)
    page = client.get(url).content.decode()
    assert "王联络" in page and "13955556666" in page and "028-85550000" in page
    assert 'id="assignment-history"' not in page and 'id="visits"' not in page
    client.force_login(world.officer_a)
    page = client.get(url).content.decode()
    assert "139****6666" in page and 'id="assignment-history"' in page
    assert reverse("enterprises:visit_create", args=[filed.pk]) in page
    assert reverse("enterprises:assignment_set", args=[filed.pk]) in page


# ---- edit ------------------------------------------------------------------------------


def _edit_url(enterprise, year: int = YEAR) -> str:
    return reverse("enterprises:enterprise_edit", args=[enterprise.pk]) + f"?year={year}"


def _member_post(enterprise, **extra) -> dict:
    return {
        "year": YEAR,
        "version": enterprise.version,
        "employees": "150",
        "revenue_10k_cny": "5000",
        "assets_10k_cny": "8000",
        "rd_expense_10k_cny": "300",
        "contact_1_name": "李四",
        "contact_1_title": "总经理",
        "contact_1_phone": "13812345678",
        **extra,
    }


def test_it_lets_a_member_correct_a_self_declared_figure(client, world, filed):
    client.force_login(world.enterprise_user)
    page = client.get(_edit_url(filed)).content.decode()
    assert 'name="name"' not in page and 'name="employees"' in page
    response = client.post(_edit_url(filed), _member_post(filed, employees="160"))
    assert response.status_code == 302
    figure = _figure(filed, "employees")
    assert (figure.value, figure.source) == (Decimal("160"), Provenance.SELF_DECLARED)
    assert (
        _figure(filed, "revenue_10k_cny").source == Provenance.OFFICER
    )  # unchanged, not relabelled


def test_it_refuses_a_member_change_to_an_authoritative_figure(client, world, filed):
    EnterpriseFigure.objects.filter(enterprise=filed, name="revenue_10k_cny").update(
        source=Provenance.TAX
    )
    client.force_login(world.enterprise_user)
    page = client.get(_edit_url(filed)).content.decode()
    assert zh(Provenance.TAX.label) in page and "readonly" in page
    response = client.post(_edit_url(filed), _member_post(filed, revenue_10k_cny="9000"))
    assert response.status_code == 200
    assert 'data-field="revenue_10k_cny"' in response.content.decode()
    figure = _figure(filed, "revenue_10k_cny")
    assert (figure.value, figure.source) == (Decimal("5000"), Provenance.TAX)
    filed.refresh_from_db()
    assert filed.revenue_10k_cny == Decimal("5000")


def test_it_refuses_a_stale_edit(client, world, filed):
    stale = filed.version
    services.enterprise_update(actor=world.officer_a, enterprise=filed, data={"name": "改名公司"})
    client.force_login(world.enterprise_user)
    response = client.post(
        _edit_url(filed), {**_member_post(filed, employees="999"), "version": stale}
    )
    assert response.status_code == 409
    message = "Someone else changed this file after you opened it; reload and try again."
    assert zh(message) in response.content.decode()
    assert _figure(filed, "employees").value == Decimal("150")


def test_it_lets_an_officer_edit_the_whole_file(client, world, filed):
    client.force_login(world.officer_a)
    page = client.get(_edit_url(filed)).content.decode()
    assert 'value="芯谷示例科技有限公司"' in page
    post = {
        **_member_post(filed),
        "name": "芯谷示例科技股份有限公司",
        "zone": world.zone_a.pk,
        "industry_code": "C3973",
        "registered_on": "2015-03-01",
        "tags": ["key"],
        "source": "statistics",
        "employees": "400",
        "revenue_10k_cny": "30000",
        "development_stage": "mature",
        "development_stage_override_reason": "行业龙头",
    }
    response = client.post(_edit_url(filed), post)
    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.name, filed.size_class, filed.development_stage) == (
        "芯谷示例科技股份有限公司",
        "medium",
        "mature",
    )
    assert list(filed.tags.values_list("code", flat=True)) == ["key"]
    assert _figure(filed, "employees").source == Provenance.STATISTICS
    assert _figure(filed, "assets_10k_cny").source == Provenance.OFFICER


def test_it_hides_another_enterprises_file_from_a_member(client, world):
    other = world.other_enterprise
    before = (other.name, other.version)
    client.force_login(world.enterprise_user)
    for name in ("enterprise_detail", "enterprise_edit", "enterprise_history"):
        assert client.get(reverse(f"enterprises:{name}", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("enterprises:enterprise_edit", args=[other.pk]),
        _member_post(other, employees="5", contact_1_name="入侵者"),
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert (other.name, other.version) == before
    assert not EnterpriseFigure.objects.filter(enterprise=other).exists()
    assert not EnterpriseContact.objects.filter(enterprise=other).exists()


def test_it_refuses_the_edit_page_to_staff_who_only_read(client, world, filed, bureau_in_zone_a):
    client.force_login(bureau_in_zone_a)
    response = client.post(_edit_url(filed), _member_post(filed, employees="1"))
    assert response.status_code == 403
    assert _figure(filed, "employees").value == Decimal("150")


# ---- history and the portal ------------------------------------------------------------


def test_it_shows_the_history_with_masked_phones(client, world, filed, bureau_in_zone_a):
    url = reverse("enterprises:enterprise_history", args=[filed.pk])
    for user in (world.enterprise_user, bureau_in_zone_a, world.officer_a):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert page.count("enterprise.update") == 1 and "enterprise.create" in page
        assert "13812345678" not in page and "138****5678" in page
    client.force_login(world.other_enterprise_user)
    assert client.get(url).status_code == 404


def test_it_sends_an_enterprise_user_to_its_one_file(client, world):
    client.force_login(world.enterprise_user)
    response = client.get(reverse("enterprises:my_enterprise"))
    assert response["Location"] == reverse(
        "enterprises:enterprise_detail", args=[world.enterprise.pk]
    )


def test_it_lists_several_enterprises_and_explains_a_pending_binding(client, world):
    membership = services.enterprise_signup(
        username="pending",
        password="Persona-Pass-2026",
        full_name="待确认",
        phone="13700137000",
        uscc=NEW_USCC,
        enterprise_name="待绑定公司",
        zone=world.zone_a,
    )
    client.force_login(membership.user)
    page = client.get(reverse("enterprises:my_enterprise")).content.decode()
    assert "待绑定公司" in page and zh(MembershipStatus.PENDING.label) in page
    assert 'id="my-enterprise-pending"' in page
    services.membership_confirm(actor=world.officer_a, membership=membership)
    second = services.enterprise_signup(
        username="pending2",
        password="Persona-Pass-2026",
        full_name="第二",
        phone="13700137001",
        uscc=world.enterprise.uscc,
        enterprise_name=world.enterprise.name,
        zone=world.zone_a,
    )
    second.user = membership.user
    second.save(update_fields=["user"])
    services.membership_confirm(actor=world.officer_a, membership=second)
    assert (
        membership.user.enterprise_memberships.filter(status=MembershipStatus.CONFIRMED).count()
        == 2
    )
    page = client.get(reverse("enterprises:my_enterprise")).content.decode()
    assert "待绑定公司" in page and world.enterprise.name in page
    assert 'id="my-enterprise-choice"' in page


def test_it_gives_the_portfolio_liaison_the_file(client, world, filed, unit_factory, post_factory):
    """A liaison sees and edits the enterprises of their portfolio, and no others."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="liaison", password="x")
    person = org.person_create(actor=world.admin, name="赵联络", staff_number="L0002", user=user)
    post = post_factory(unit_factory(world.committee_a), person=person)
    org.role_assign(
        actor=world.admin,
        user=user,
        role=Role.LIAISON,
        scope_kind=ScopeKind.ZONE,
        scope=world.zone_a,
    )
    services.designation_create(
        actor=world.officer_a, post=post, role=ServiceRole.LIAISON, zone=world.zone_a
    )
    services.assignment_set(
        actor=world.officer_a, enterprise=filed, role=ServiceRole.LIAISON, post=post
    )
    client.force_login(user)
    assert client.get(_edit_url(filed)).status_code == 200
    url = reverse("enterprises:enterprise_detail", args=[world.other_enterprise.pk])
    assert client.get(url).status_code == 404
