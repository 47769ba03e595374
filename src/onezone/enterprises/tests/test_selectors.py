"""Reads of the enterprise file: list filters, visibility per persona, masked contacts."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onezone.conftest import make_user
from onezone.core.choices import Role, ScopeKind
from onezone.enterprises import selectors, services
from onezone.enterprises.choices import ServiceRole
from onezone.enterprises.selectors import EnterpriseFilters

# fixed_today (autouse): every test runs on 15 June 2026, as in test_files.
from onezone.enterprises.tests.test_files import file_data, fixed_today  # noqa: F401
from onezone.enterprises.uscc import uscc_complete
from onezone.org import services as org
from onezone.org.choices import UnitKind

USCC_IC = uscc_complete("91510116MA61XY011")
USCC_DISCRETE = uscc_complete("91510116MA61XY012")
USCC_BANK = uscc_complete("91510116MA61XY013")
USCC_RICE = uscc_complete("91510116MA61XY014")


@pytest.fixture
def files(world):
    """Four files besides the two of `world` (which have no industry, so no size class)."""
    create = services.enterprise_create
    return {
        "ic": create(
            actor=world.officer_a,
            data=file_data(uscc=USCC_IC, name="芯谷集成电路有限公司", tags=["high_tech"]),
        ),
        "discrete": create(
            actor=world.officer_a,
            data=file_data(
                uscc=USCC_DISCRETE,
                name="芯谷分立器件有限公司",
                industry_code="3972",
                employees=400,
                tags=["key", "specialised"],
            ),
        ),
        "bank": create(
            actor=world.officer_b,
            data=file_data(
                uscc=USCC_BANK, name="航空商业银行", zone="aviation", industry_code="J6621"
            ),
        ),
        "rice": create(
            actor=world.officer_b,
            data=file_data(
                uscc=USCC_RICE,
                name="航空稻谷加工厂",
                zone="aviation",
                industry_code="C1311",
                employees=10,
            ),
        ),
    }


def names(actor, **query) -> list[str]:
    filters = EnterpriseFilters.from_query(query)
    return [
        enterprise.name for enterprise in selectors.enterprise_list(actor=actor, filters=filters)
    ]


def test_it_knows_the_fixture_sizes(world, files):
    sizes = {key: enterprise.size_class for key, enterprise in files.items()}
    assert sizes == {"ic": "small", "discrete": "medium", "bank": None, "rice": "micro"}


@pytest.mark.parametrize(
    ("industry", "expected"),
    [
        ("C", ["航空稻谷加工厂", "芯谷分立器件有限公司", "芯谷集成电路有限公司"]),
        ("c", ["航空稻谷加工厂", "芯谷分立器件有限公司", "芯谷集成电路有限公司"]),
        ("C39", ["芯谷分立器件有限公司", "芯谷集成电路有限公司"]),
        ("39", ["芯谷分立器件有限公司", "芯谷集成电路有限公司"]),
        ("397", ["芯谷分立器件有限公司", "芯谷集成电路有限公司"]),
        ("3973", ["芯谷集成电路有限公司"]),
        ("C3973", ["芯谷集成电路有限公司"]),
        (" c3973 ", ["芯谷集成电路有限公司"]),
        ("13", ["航空稻谷加工厂"]),
        ("J", ["航空商业银行"]),
        ("66", ["航空商业银行"]),
        ("J6621", ["航空商业银行"]),
        ("9999", []),
        ("3", []),
        ("Z", []),
        ("D39", []),
        ("J3973", []),
        ("39x", []),
        ("集成", []),
    ],
)
def test_it_filters_by_industry_at_every_level(world, files, industry, expected):
    assert names(world.admin, industry=industry) == expected


def test_it_filters_by_size_class_including_not_applicable(world, files):
    # The two sign-up files have no industry yet, so no size class either.
    assert names(world.admin, size_class="none") == [
        "航空商业银行",
        "航空示例制造有限公司",
        "芯谷示例科技有限公司",
    ]
    assert names(world.admin, size_class="small") == ["芯谷集成电路有限公司"]
    assert names(world.admin, size_class="medium") == ["芯谷分立器件有限公司"]
    assert names(world.admin, size_class="large") == []


def test_it_filters_by_tag(world, files):
    assert names(world.admin, tag="high_tech") == ["芯谷集成电路有限公司"]
    assert names(world.admin, tag="key") == ["芯谷分立器件有限公司"]
    assert names(world.admin, tag="listed") == []


def test_it_filters_by_zone(world, files):
    assert names(world.admin, zone="chip_valley") == [
        "芯谷分立器件有限公司",
        "芯谷示例科技有限公司",
        "芯谷集成电路有限公司",
    ]
    assert names(world.admin, zone="aviation") == [
        "航空商业银行",
        "航空示例制造有限公司",
        "航空稻谷加工厂",
    ]
    assert names(world.admin, zone="nowhere") == []


def test_it_filters_by_development_stage(world, files):
    services.enterprise_update(
        actor=world.officer_b,
        enterprise=files["bank"],
        data={"development_stage": "mature", "development_stage_override_reason": "老牌银行"},
    )

    assert names(world.admin, development_stage="mature") == ["航空商业银行"]


def test_it_searches_by_name_and_by_uscc(world, files):
    assert names(world.admin, q="分立") == ["芯谷分立器件有限公司"]
    assert names(world.admin, q=USCC_BANK.lower()) == ["航空商业银行"]
    assert names(world.admin, q=USCC_IC[:17]) == ["芯谷集成电路有限公司"]
    assert names(world.admin, q="示例", zone="aviation") == ["航空示例制造有限公司"]
    assert names(world.admin, q="不存在的企业") == []


def test_it_combines_filters(world, files):
    assert names(world.admin, industry="C", zone="aviation") == ["航空稻谷加工厂"]
    assert names(world.admin, industry="39", tag="key", size_class="medium") == [
        "芯谷分立器件有限公司"
    ]


def test_it_applies_filters_within_what_the_actor_sees(world, files):
    assert names(world.officer_a, industry="C") == ["芯谷分立器件有限公司", "芯谷集成电路有限公司"]
    assert names(world.officer_a, zone="aviation") == []


def test_it_shows_each_persona_what_it_may_see(world, files):
    assert names(world.admin) == [
        "航空商业银行",
        "航空示例制造有限公司",
        "航空稻谷加工厂",
        "芯谷分立器件有限公司",
        "芯谷示例科技有限公司",
        "芯谷集成电路有限公司",
    ]
    assert names(world.officer_a) == [
        "芯谷分立器件有限公司",
        "芯谷示例科技有限公司",
        "芯谷集成电路有限公司",
    ]
    assert names(world.enterprise_user) == ["芯谷示例科技有限公司"]
    assert names(world.nobody) == []
    assert names(AnonymousUser()) == []


def test_it_lets_a_liaison_see_only_the_portfolio(world, files, unit_factory, post_factory):
    unit = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE)
    post = post_factory(unit)
    services.designation_create(
        actor=world.officer_a, post=post, role=ServiceRole.LIAISON, zone=world.zone_a
    )
    services.assignment_set(
        actor=world.officer_a, enterprise=files["ic"], role=ServiceRole.LIAISON, post=post
    )

    listed = list(selectors.enterprise_list(actor=world.officer_a, filters=EnterpriseFilters()))
    ic = next(enterprise for enterprise in listed if enterprise.pk == files["ic"].pk)
    assert selectors.holder_of(ic, ServiceRole.LIAISON).post == post
    assert selectors.holder_of(ic, ServiceRole.CHIEF_REPRESENTATIVE) is None
    assert names(world.officer_a, liaison=str(post.person_id)) == ["芯谷集成电路有限公司"]


@pytest.fixture
def contacts(world):
    services.enterprise_update(
        actor=world.officer_a,
        enterprise=world.enterprise,
        data={
            "contacts": [
                {"name": "李四", "title": "总经理", "phone": "13812345678", "email": "li@x.cn"},
                {"name": "王五", "phone": "028-88886666"},
            ]
        },
    )
    return world.enterprise


@pytest.mark.parametrize("persona", ["officer_a", "enterprise_user", "admin"])
def test_it_shows_phones_in_full_to_who_serves_or_is_the_enterprise(world, contacts, persona):
    assert selectors.contacts_for(actor=getattr(world, persona), enterprise=contacts) == [
        {
            "name": "李四",
            "title": "总经理",
            "phone": "13812345678",
            "email": "li@x.cn",
            "is_primary": True,
        },
        {"name": "王五", "title": "", "phone": "028-88886666", "email": "", "is_primary": False},
    ]


@pytest.mark.parametrize("persona", ["bureau_officer", "leader", "officer_b", "nobody"])
def test_it_masks_phones_for_who_does_not_need_them(world, contacts, persona):
    assert [
        contact["phone"]
        for contact in selectors.contacts_for(actor=getattr(world, persona), enterprise=contacts)
    ] == ["138****5678", "028*****6666"]


def test_it_shows_phones_in_full_to_the_hotline(world, contacts):
    operator = make_user("operator")
    org.role_assign(
        actor=world.admin, user=operator, role=Role.HOTLINE_OPERATOR, scope_kind=ScopeKind.DISTRICT
    )

    phones = [c["phone"] for c in selectors.contacts_for(actor=operator, enterprise=contacts)]

    assert phones == ["13812345678", "028-88886666"]


def test_it_tells_each_figure_its_year_and_source(world, files):
    enterprise = files["ic"]
    services.enterprise_update(
        actor=world.officer_a,
        enterprise=enterprise,
        data={"revenue_10k_cny": "4000", "tax_10k_cny": "80", "year": 2024, "source": "tax"},
    )
    services.enterprise_update(
        actor=world.officer_a,
        enterprise=enterprise,
        data={"revenue_10k_cny": "6000", "year": 2026, "source": "statistics"},
    )

    today = date(2026, 6, 15)  # fixed_today
    table = selectors.figures_by_year(enterprise=enterprise)
    assert list(table) == [2026, 2025, 2024]
    assert sorted(table[2024]) == ["revenue_10k_cny", "tax_10k_cny"]
    cell = table[2024]["revenue_10k_cny"]
    assert (cell.value, cell.source, cell.is_authoritative) == (Decimal("4000.00"), "tax", True)
    assert table[2025]["employees"].value == 150
    assert table[2025]["employees"].is_authoritative is False
    sources = selectors.current_figure_sources(enterprise=enterprise)
    assert sources == {
        "employees": {"year": 2025, "source": "officer", "as_of": today},
        "revenue_10k_cny": {"year": 2026, "source": "statistics", "as_of": today},
        "assets_10k_cny": {"year": 2025, "source": "officer", "as_of": today},
        "rd_expense_10k_cny": {"year": 2025, "source": "officer", "as_of": today},
        "tax_10k_cny": {"year": 2024, "source": "tax", "as_of": today},
    }


def _rows(world, count: int) -> list:
    return [
        services.enterprise_row_clean(
            actor=world.admin,
            data=file_data(
                uscc=uscc_complete(f"91510116MA7{n:06d}"),
                name=f"批量企业{n:02d}",
                tags=["high_tech", "key"],
                contacts=[{"name": f"联系人{n}", "phone": "13800000000"}],
            ),
        )
        for n in range(count)
    ]


def _iterate(actor) -> tuple[int, int]:
    """Everything a list page reads per row; returns (queries it took, rows with a liaison)."""
    served = 0
    with CaptureQueriesContext(connection) as queries:
        for enterprise in selectors.enterprise_list(actor=actor, filters=EnterpriseFilters()):
            assert enterprise.zone.name
            [tag.label for tag in enterprise.tags.all()]
            liaison = selectors.holder_of(enterprise, ServiceRole.LIAISON)
            if liaison:
                assert liaison.post.person.name
                assert liaison.post.unit.body.name
                served += 1
    return len(queries), served


def _query_count(world, count: int, unit_factory, post_factory) -> tuple[int, int]:
    services.enterprises_bulk_create(actor=world.admin, rows=_rows(world, count))
    unit = unit_factory(world.committee_a, UnitKind.ENTERPRISE_SERVICE)
    for _ in range(2):
        services.designation_create(
            actor=world.admin, post=post_factory(unit), role=ServiceRole.LIAISON, zone=world.zone_a
        )
    services.assignment_auto_assign(actor=world.admin, zone=world.zone_a)
    fresh = type(world.officer_a).objects.get(pk=world.officer_a.pk)  # no cached roles
    return _iterate(fresh)


@pytest.mark.parametrize("count", [2, 20])
def test_it_lists_with_a_constant_number_of_queries(world, unit_factory, post_factory, count):
    queries, served = _query_count(world, count, unit_factory, post_factory)

    assert served == count + 1  # every row of zone A (and the sign-up file) has a liaison
    # The same number for 2 rows as for 20.
    assert queries == QUERIES_PER_LIST_PAGE


# Roles (1), zones of the officer (1), the page (1), tags (1), current assignments (1).
QUERIES_PER_LIST_PAGE = 5
