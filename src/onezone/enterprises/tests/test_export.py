"""Excel export of the enterprise list: the list's filters, visibility and masked phones."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from onezone.enterprises import excel, services
from onezone.enterprises.access import can_read_personal_data
from onezone.enterprises.selectors.imports import personal_data_reader
from onezone.enterprises.uscc import uscc_complete
from onezone.org.choices import UnitKind

PHONE = "13812345678"
MASKED = "138****5678"


def make_enterprise(world, number: int, zone, officer):
    return services.enterprise_create(
        actor=officer,
        data={
            "uscc": uscc_complete(f"91510116{number:09d}"),
            "name": f"导出测试企业{number}",
            "zone": zone.code,
            "industry_code": "3973",
            "registered_on": "2020-03-01",
            "employees": 50,
            "revenue_10k_cny": "1200.50",
            "assets_10k_cny": 3000,
            "rd_expense_10k_cny": 80,
            "tax_10k_cny": 30,
            "year": 2024,
            "tags": ["high_tech"],
            "contacts": [{"name": "李四", "phone": PHONE}],
        },
    )


@pytest.fixture
def exported(world, unit_factory):
    """Two enterprises in zone A, one in zone B; the bureau officer's bureau works in zone A."""
    unit_factory(world.functional, UnitKind.OTHER, stationed_in=world.zone_a)
    for number in (1, 2):
        make_enterprise(world, number, world.zone_a, world.officer_a)
    make_enterprise(world, 3, world.zone_b, world.officer_b)
    return world


def export(client, user, **query) -> list[dict]:
    client.force_login(user)
    response = client.get(reverse("enterprises:enterprise_export"), query)
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book[excel.DATA_SHEET].iter_rows(values_only=True))
    return [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def test_it_exports_only_the_filtered_zone(client, exported):
    rows = export(client, exported.officer_a, zone="chip_valley")

    assert [row["企业名称"] for row in rows] == [
        "导出测试企业1",
        "导出测试企业2",
        "芯谷示例科技有限公司",
    ]
    assert {row["所在园区(代码)"] for row in rows} == {"chip_valley"}


def test_it_exports_the_columns_of_the_template(client, exported):
    rows = export(client, exported.officer_a, q="导出测试企业1")

    assert rows == [
        {
            "统一社会信用代码": uscc_complete("91510116000000001"),
            "企业名称": "导出测试企业1",
            "法定代表人": None,
            "注册地址": None,
            "所在园区(代码)": "chip_valley",
            "行业代码": "3973",
            "成立日期": rows[0]["成立日期"],
            "从业人员": 50,
            "营业收入(万元)": 1200.5,
            "资产总额(万元)": 3000,
            "研发费用(万元)": 80,
            "纳税额(万元)": 30,
            "发明专利数": None,
            "研发人员数": None,
            "标签(代码,逗号分隔)": "high_tech",
            "数据年度": 2024,
            "数据来源": "officer",
            "联系人": "李四",
            "联系电话": PHONE,
            "企业规模": rows[0]["企业规模"],
            "发展阶段": rows[0]["发展阶段"],
        }
    ]
    assert rows[0]["成立日期"].date().isoformat() == "2020-03-01"


def test_it_masks_phones_for_the_bureau_officer_but_not_the_zone_officer(client, exported):
    bureau = export(client, exported.bureau_officer, zone="chip_valley", q="导出")
    officer = export(client, exported.officer_a, zone="chip_valley", q="导出")

    assert [row["联系电话"] for row in bureau] == [MASKED, MASKED]
    assert [row["联系电话"] for row in officer] == [PHONE, PHONE]


def test_it_exports_only_what_the_actor_may_see(client, exported):
    rows = export(client, exported.officer_b, zone="chip_valley")

    assert rows == []


def test_it_hides_the_export_from_users_without_a_staff_role(client, exported):
    client.force_login(exported.enterprise_user)

    assert client.get(reverse("enterprises:enterprise_export")).status_code == 404


@pytest.mark.parametrize(
    "persona", ["admin", "leader", "officer_a", "officer_b", "bureau_officer", "enterprise_user"]
)
def test_it_decides_full_phones_as_the_single_check_does(exported, persona):
    from onezone.enterprises.models import Enterprise

    user = getattr(exported, persona)
    reader = personal_data_reader(user)

    for enterprise in Enterprise.objects.all():
        assert reader(enterprise) == can_read_personal_data(user, enterprise), enterprise


def test_it_exports_with_queries_independent_of_rows(
    client, exported, django_assert_max_num_queries
):
    client.force_login(exported.officer_a)
    with django_assert_max_num_queries(40) as few:
        export(client, exported.officer_a, q="导出测试企业1")
    for number in range(10, 18):
        make_enterprise(exported, number, exported.zone_a, exported.officer_a)

    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = export(client, exported.officer_a, q="导出")

    assert len(rows) == 10
