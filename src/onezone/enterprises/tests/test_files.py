"""Creating and changing the enterprise file (一企一档): validation, derivations, permissions."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from onezone.conftest import PASSWORD, USCC_A
from onezone.core import clock
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent
from onezone.enterprises import services
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import (
    Enterprise,
    EnterpriseContact,
    EnterpriseFigure,
    EnterpriseMembership,
)
from onezone.enterprises.services import files
from onezone.enterprises.uscc import uscc_complete

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Every test runs on 15 June 2026 so ages, default years and as-of dates are exact.
TODAY = date(2026, 6, 15)
NEW_USCC = uscc_complete("91510116MA61XY001")  # 91510116MA61XY001U
SECOND_USCC = uscc_complete("91510116MA61XY002")
# Right format, wrong check character (the correct one is U).
BAD_CHECKSUM_USCC = "91510116MA61XY001A"


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.simulated_time(datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)):
        yield


def file_data(**overrides) -> dict:
    """A complete, valid file of a manufacturing enterprise in zone A (small: 150 staff)."""
    data = {
        "uscc": NEW_USCC,
        "name": "芯谷集成电路有限公司",
        "legal_representative": "张三",
        "registered_address": "成都市双流区芯谷大道1号",
        "zone": "chip_valley",
        "industry_code": "C3973",
        "registered_on": "2020-05-01",
        "employees": 150,
        "revenue_10k_cny": "5000",
        "assets_10k_cny": "8000",
        "rd_expense_10k_cny": "300.50",
    }
    data.update(overrides)
    return data


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {name: [item.code for item in items] for name, items in error.error_dict.items()}


def counts() -> tuple[int, int, int, int]:
    return (
        Enterprise.objects.count(),
        EnterpriseFigure.objects.count(),
        EnterpriseContact.objects.count(),
        AuditEvent.objects.count(),
    )


def figures_of(enterprise) -> list[tuple]:
    return list(
        EnterpriseFigure.objects.filter(enterprise=enterprise)
        .order_by("year", "name")
        .values_list("year", "name", "value", "source", "as_of")
    )


def pending_claim(world, username: str, uscc: str):
    """An enterprise user who signed up for `uscc` and waits for confirmation."""
    return services.enterprise_signup(
        username=username,
        password=PASSWORD,
        full_name=username,
        phone="13700137000",
        uscc=uscc,
        enterprise_name="芯谷集成电路有限公司",
        zone=world.zone_a,
    ).user


@pytest.fixture
def new_file(world):
    return services.enterprise_create(actor=world.officer_a, data=file_data())


# ---- enterprise_create ----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["C3973", "3973", " c3973 "])
def test_it_stores_the_industry_class_and_its_section(world, code):
    enterprise = services.enterprise_create(
        actor=world.officer_a, data=file_data(industry_code=code)
    )

    enterprise.refresh_from_db()
    assert (enterprise.industry_code, enterprise.industry_section) == ("3973", "C")
    assert enterprise.industry_label == "C3973"


def test_it_refuses_an_unknown_industry_naming_the_code(world):
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(actor=world.officer_a, data=file_data(industry_code="9999"))

    assert codes(caught.value) == {"industry_code": ["unknown_industry"]}
    assert "9999" in caught.value.error_dict["industry_code"][0].message
    assert counts() == before
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


@pytest.mark.parametrize(
    ("uscc", "code"),
    [
        ("91510116MA61XY00", "invalid_length"),
        ("91510116MA61XY001UU", "invalid_length"),
        ("91510116MA61XY00I1", "invalid_format"),
        ("91510116MA61XY00O1", "invalid_format"),
    ],
)
def test_it_refuses_a_malformed_uscc(world, uscc, code):
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(actor=world.officer_a, data=file_data(uscc=uscc))

    assert codes(caught.value) == {"uscc": [code]}
    assert counts() == before


def test_it_refuses_a_bad_checksum_from_an_enterprise_user_even_with_a_reason(world):
    user = pending_claim(world, "claimant", SECOND_USCC)
    # A claim on the pilot code itself (sign-up would refuse it; the claim models an old one).
    EnterpriseMembership.objects.filter(user=user).update(uscc=BAD_CHECKSUM_USCC)
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            actor=user,
            data=file_data(uscc=BAD_CHECKSUM_USCC, uscc_override_reason="早期试点代码"),
        )

    assert codes(caught.value) == {
        "uscc_override_reason": ["officer_only"],
        "uscc": ["invalid_checksum"],
    }
    assert counts() == before


def test_it_refuses_a_bad_checksum_from_an_officer_without_a_reason(world):
    before = counts()

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.enterprise_create(actor=world.officer_a, data=file_data(uscc=BAD_CHECKSUM_USCC))

    assert codes(caught.value) == {"uscc": ["invalid_checksum"]}
    assert "give the reason" in caught.value.error_dict["uscc"][0].message
    assert counts() == before


def test_it_accepts_a_bad_checksum_from_an_officer_with_a_reason(world):
    enterprise = services.enterprise_create(
        actor=world.officer_a,
        data=file_data(uscc=BAD_CHECKSUM_USCC, uscc_override_reason="2015年试点期间核发"),
    )

    enterprise.refresh_from_db()
    assert enterprise.uscc == BAD_CHECKSUM_USCC
    assert enterprise.uscc_override_reason == "2015年试点期间核发"
    event = AuditEvent.objects.get(action="enterprise.create", object_id=str(enterprise.pk))
    assert event.actor == world.officer_a
    assert event.after["uscc"] == BAD_CHECKSUM_USCC
    assert event.after["uscc_override_reason"] == "2015年试点期间核发"


def test_it_drops_an_override_reason_for_a_valid_code(world):
    enterprise = services.enterprise_create(
        actor=world.officer_a, data=file_data(uscc_override_reason="不需要")
    )

    enterprise.refresh_from_db()
    assert enterprise.uscc_override_reason == ""


def test_it_refuses_a_duplicate_uscc_and_changes_nothing(world):
    before = counts()
    name = world.enterprise.name

    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            actor=world.officer_a, data=file_data(uscc=USCC_A, name="另一个名字")
        )

    assert codes(caught.value) == {"uscc": ["duplicate"]}
    assert counts() == before
    world.enterprise.refresh_from_db()
    assert world.enterprise.name == name
    assert figures_of(world.enterprise) == []


def test_it_reports_every_bad_field_at_once(world):
    before = counts()
    data = file_data(
        uscc="91510116MA61XY00",
        name="  ",
        zone="nowhere",
        industry_code="9999",
        registered_on="2030-01-01",
        employees="-1",
        revenue_10k_cny="abc",
        assets_10k_cny="1.234",
        tags=["high_tech", "no_such_tag"],
        colour="red",
    )
    del data["rd_expense_10k_cny"]

    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(actor=world.officer_a, data=data)

    assert codes(caught.value) == {
        "colour": ["unknown_field"],
        "name": ["required", "required"],
        "rd_expense_10k_cny": ["required"],
        "uscc": ["invalid_length"],
        "zone": ["unknown"],
        "industry_code": ["unknown_industry"],
        "registered_on": ["future"],
        "employees": ["negative"],
        "revenue_10k_cny": ["not_a_number"],
        "assets_10k_cny": ["too_precise"],
        "tags": ["unknown"],
    }
    assert "no_such_tag" in caught.value.error_dict["tags"][0].message
    assert counts() == before


@pytest.mark.parametrize(
    ("industry", "employees", "revenue", "size"),
    [
        ("C3973", 150, "5000", "small"),  # staff small, revenue medium: the smaller tier
        ("C3973", 300, "2000", "medium"),  # both exactly at the medium minimum
        ("C3973", 1000, "40000", "large"),
        ("C3973", 19, "40000", "micro"),
        ("J6621", 5000, "900000", None),  # banking: the standard does not apply
    ],
)
def test_it_derives_the_size_class(world, industry, employees, revenue, size):
    enterprise = services.enterprise_create(
        actor=world.officer_a,
        data=file_data(industry_code=industry, employees=employees, revenue_10k_cny=revenue),
    )

    enterprise.refresh_from_db()
    assert enterprise.size_class == size


def test_it_leaves_the_size_class_unknown_when_an_indicator_is_missing():
    fields = files.derived_fields(
        industry_code="3973",
        registered_on=date(2020, 5, 1),
        figures={(2025, "employees"): Decimal("150"), (2025, "assets_10k_cny"): Decimal("8000")},
    )

    assert fields["size_class"] is None
    assert fields["employees"] == 150
    assert fields["revenue_10k_cny"] is None


def test_it_stores_tags_contacts_and_current_figures(world):
    enterprise = services.enterprise_create(
        actor=world.officer_a,
        data=file_data(
            tags="key, high_tech",
            invention_patents="12",
            rd_staff=30,
            tax_10k_cny="88.8",
            contacts=[
                {"name": "李四", "title": "总经理", "phone": "13812345678", "email": "li@x.cn"},
                {"name": "王五", "phone": "028-88886666", "is_primary": False},
            ],
        ),
    )

    enterprise.refresh_from_db()
    assert sorted(enterprise.tags.values_list("code", flat=True)) == ["high_tech", "key"]
    assert list(
        enterprise.contacts.values_list("name", "title", "phone", "email", "is_primary")
    ) == [
        ("李四", "总经理", "13812345678", "li@x.cn", True),
        ("王五", "", "028-88886666", "", False),
    ]
    assert (
        enterprise.employees,
        enterprise.revenue_10k_cny,
        enterprise.assets_10k_cny,
        enterprise.rd_expense_10k_cny,
        enterprise.invention_patents,
        enterprise.rd_staff,
    ) == (150, Decimal("5000.00"), Decimal("8000.00"), Decimal("300.50"), 12, 30)
    assert enterprise.version == 1


def test_it_makes_the_marked_contact_the_only_primary_one(world):
    enterprise = services.enterprise_create(
        actor=world.officer_a,
        data=file_data(
            contacts=[{"name": "李四"}, {"name": "王五", "is_primary": True}, {"name": "赵六"}]
        ),
    )

    assert list(enterprise.contacts.values_list("name", "is_primary")) == [
        ("王五", True),
        ("李四", False),
        ("赵六", False),
    ]


def test_it_refuses_a_count_too_large_to_store(world):
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            actor=world.officer_a,
            data=file_data(employees="2147483648", rd_staff="2147483647", revenue_10k_cny="1e13"),
        )

    assert codes(caught.value) == {"employees": ["too_large"]}
    assert counts() == before


def test_it_keeps_contact_phones_out_of_the_audit_trail(world):
    enterprise = services.enterprise_create(
        actor=world.officer_a,
        data=file_data(contacts=[{"name": "李四", "phone": "13812345678"}]),
    )

    event = AuditEvent.objects.get(action="enterprise.create", object_id=str(enterprise.pk))
    assert event.after["contacts"] == [
        {"name": "李四", "title": "", "phone": "138****5678", "email": ""}
    ]


def test_it_writes_figure_rows_for_the_default_year(world):
    enterprise = services.enterprise_create(actor=world.officer_a, data=file_data())

    year = files.default_figure_year(date(2020, 5, 1))
    assert year == 2025
    assert figures_of(enterprise) == [
        (2025, "assets_10k_cny", Decimal("8000.00"), "officer", TODAY),
        (2025, "employees", Decimal("150.00"), "officer", TODAY),
        (2025, "rd_expense_10k_cny", Decimal("300.50"), "officer", TODAY),
        (2025, "revenue_10k_cny", Decimal("5000.00"), "officer", TODAY),
    ]
    event = AuditEvent.objects.get(action="enterprise.create", object_id=str(enterprise.pk))
    assert {(row["year"], row["name"], row["source"]) for row in event.after["figures"]} == {
        (2025, "assets_10k_cny", "officer"),
        (2025, "employees", "officer"),
        (2025, "rd_expense_10k_cny", "officer"),
        (2025, "revenue_10k_cny", "officer"),
    }


def test_it_uses_the_registration_year_when_it_is_later_than_last_year():
    assert files.default_figure_year(date(2026, 3, 1)) == 2026
    assert files.default_figure_year(None) == 2025


def test_it_writes_figure_rows_with_the_given_source_year_and_date(world):
    enterprise = services.enterprise_create(
        actor=world.officer_a,
        data=file_data(source="tax", year="2024", as_of="2025-03-31", tax_10k_cny="12.5"),
    )

    assert figures_of(enterprise) == [
        (2024, "assets_10k_cny", Decimal("8000.00"), "tax", date(2025, 3, 31)),
        (2024, "employees", Decimal("150.00"), "tax", date(2025, 3, 31)),
        (2024, "rd_expense_10k_cny", Decimal("300.50"), "tax", date(2025, 3, 31)),
        (2024, "revenue_10k_cny", Decimal("5000.00"), "tax", date(2025, 3, 31)),
        (2024, "tax_10k_cny", Decimal("12.50"), "tax", date(2025, 3, 31)),
    ]


@pytest.mark.parametrize("persona", ["officer_b", "bureau_officer", "enterprise_user", "nobody"])
def test_it_refuses_creation_to_who_may_not_open_a_file_in_the_zone(world, persona):
    before = counts()

    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=getattr(world, persona), data=file_data())

    assert counts() == before


def test_it_lets_an_administrator_open_a_file_in_any_zone(world):
    enterprise = services.enterprise_create(actor=world.admin, data=file_data(zone="aviation"))

    assert enterprise.zone == world.zone_b


def test_it_lets_a_user_with_a_pending_claim_open_the_file_as_self_declared(world):
    user = pending_claim(world, "claimant", NEW_USCC)

    enterprise = services.enterprise_create(actor=user, data=file_data())

    assert {row[3] for row in figures_of(enterprise)} == {"self_declared"}
    event = AuditEvent.objects.get(action="enterprise.create", object_id=str(enterprise.pk))
    assert event.actor == user


def test_it_refuses_a_claimant_a_zone_other_than_the_claimed_one(world):
    user = pending_claim(world, "claimant", NEW_USCC)
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(actor=user, data=file_data(zone="aviation"))

    assert codes(caught.value) == {"zone": ["other_zone"]}
    assert counts() == before


def test_it_confirms_a_claim_onto_the_file_the_claimant_opened(world):
    user = pending_claim(world, "claimant", NEW_USCC)
    enterprise = services.enterprise_create(actor=user, data=file_data())

    membership = services.membership_confirm(
        actor=world.officer_a, membership=EnterpriseMembership.objects.get(user=user)
    )

    assert membership.enterprise == enterprise
    assert Enterprise.objects.filter(uscc=NEW_USCC).count() == 1


def test_it_refuses_an_authoritative_source_from_a_claimant(world):
    user = pending_claim(world, "claimant", NEW_USCC)
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(actor=user, data=file_data(source="tax"))

    assert codes(caught.value) == {"source": ["officer_only"]}
    assert counts() == before


def test_it_refuses_a_claimant_whose_claim_was_rejected(world):
    user = pending_claim(world, "claimant", NEW_USCC)
    services.membership_reject(
        actor=world.officer_a,
        membership=EnterpriseMembership.objects.get(user=user),
        note="不是本企业员工",
    )
    assert EnterpriseMembership.objects.get(user=user).status == MembershipStatus.REJECTED
    before = counts()

    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=user, data=file_data())

    assert counts() == before


# ---- enterprise_update ----------------------------------------------------------------------


def test_it_recomputes_the_size_class_when_figures_change(world, new_file):
    assert new_file.size_class == "small"

    enterprise = services.enterprise_update(
        actor=world.officer_a, enterprise=new_file, data={"employees": 300}, version=1
    )

    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.size_class, enterprise.version) == (300, "medium", 2)
    assert EnterpriseFigure.objects.get(
        enterprise=enterprise, year=2025, name="employees"
    ).value == (Decimal("300.00"))


def test_it_takes_the_current_figure_from_the_latest_year(world, new_file):
    services.enterprise_update(
        actor=world.officer_a, enterprise=new_file, data={"employees": 999, "year": 2024}
    )

    new_file.refresh_from_db()
    assert (new_file.employees, new_file.size_class) == (150, "small")
    assert len(figures_of(new_file)) == 5


def test_it_derives_the_development_stage_from_age_and_revenue_growth(world, new_file):
    # Six years old, one year of revenue: growth (no growth figure below ten years).
    assert new_file.development_stage == "growth"

    services.enterprise_update(
        actor=world.officer_a, enterprise=new_file, data={"revenue_10k_cny": "4500", "year": 2024}
    )
    new_file.refresh_from_db()
    assert new_file.development_stage == "mature"  # 5000 / 4500 = +11 %

    services.enterprise_update(
        actor=world.officer_a, enterprise=new_file, data={"revenue_10k_cny": "5750", "year": 2025}
    )
    new_file.refresh_from_db()
    assert new_file.development_stage == "growth"  # 5750 / 4500 = +27.8 %


def test_it_derives_start_up_for_a_young_enterprise(world):
    enterprise = services.enterprise_create(
        actor=world.officer_a, data=file_data(registered_on="2023-06-16")
    )

    assert enterprise.development_stage == "startup"


def test_it_lets_an_officer_override_the_stage_with_a_reason(world, new_file):
    services.enterprise_update(
        actor=world.officer_a,
        enterprise=new_file,
        data={"development_stage": "mature", "development_stage_override_reason": "已上市"},
    )
    new_file.refresh_from_db()
    assert (new_file.development_stage, new_file.development_stage_override_reason) == (
        "mature",
        "已上市",
    )

    # A later change of figures keeps the override.
    services.enterprise_update(actor=world.officer_a, enterprise=new_file, data={"employees": 400})
    new_file.refresh_from_db()
    assert new_file.development_stage == "mature"

    services.enterprise_update(
        actor=world.officer_a,
        enterprise=new_file,
        data={"development_stage": "", "development_stage_override_reason": ""},
    )
    new_file.refresh_from_db()
    assert (new_file.development_stage, new_file.development_stage_override_reason) == (
        "growth",
        "",
    )


def test_it_refuses_a_stage_override_without_a_reason(world, new_file):
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            actor=world.officer_a, enterprise=new_file, data={"development_stage": "mature"}
        )

    assert codes(caught.value) == {"development_stage_override_reason": ["required"]}
    new_file.refresh_from_db()
    assert (new_file.development_stage, new_file.version) == ("growth", 1)
    assert counts() == before


def test_it_refuses_a_stale_version_and_changes_nothing(world, new_file):
    services.enterprise_update(
        actor=world.officer_a, enterprise=new_file, data={"name": "新名字"}, version=1
    )
    before = counts()

    with pytest.raises(ConflictError):
        services.enterprise_update(
            actor=world.officer_a,
            enterprise=new_file,
            data={"name": "旧页面上的名字", "employees": 500},
            version=1,
        )

    new_file.refresh_from_db()
    assert (new_file.name, new_file.employees, new_file.version) == ("新名字", 150, 2)
    assert counts() == before


def test_it_lets_a_member_change_contacts_and_self_declared_figures(world):
    enterprise = services.enterprise_update(
        actor=world.enterprise_user,
        enterprise=world.enterprise,
        data={"contacts": [{"name": "赵六", "phone": "13900001111"}], "employees": 42},
    )

    enterprise.refresh_from_db()
    assert list(enterprise.contacts.values_list("name", "phone", "is_primary")) == [
        ("赵六", "13900001111", True)
    ]
    assert figures_of(enterprise) == [(2025, "employees", Decimal("42.00"), "self_declared", TODAY)]
    assert enterprise.employees == 42


def test_it_refuses_officer_fields_to_a_member_and_changes_nothing(world):
    name = world.enterprise.name
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            actor=world.enterprise_user,
            enterprise=world.enterprise,
            data={"name": "改名", "zone": "aviation", "tags": ["key"], "employees": 42},
        )

    assert codes(caught.value) == {
        "name": ["officer_only"],
        "tags": ["officer_only"],
        "zone": ["officer_only"],
    }
    world.enterprise.refresh_from_db()
    assert (world.enterprise.name, world.enterprise.zone, world.enterprise.employees) == (
        name,
        world.zone_a,
        None,
    )
    assert counts() == before


def test_it_refuses_a_member_a_figure_that_came_from_tax(world):
    services.enterprise_update(
        actor=world.officer_a,
        enterprise=world.enterprise,
        data={"revenue_10k_cny": "1200", "source": "tax", "year": 2025},
    )
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            actor=world.enterprise_user,
            enterprise=world.enterprise,
            data={"revenue_10k_cny": "9999", "employees": 42, "year": 2025},
        )

    assert codes(caught.value) == {"revenue_10k_cny": ["read_only_source"]}
    assert "2025" in caught.value.error_dict["revenue_10k_cny"][0].message
    assert figures_of(world.enterprise) == [
        (2025, "revenue_10k_cny", Decimal("1200.00"), "tax", TODAY)
    ]
    assert counts() == before

    # Another year is the member's to declare.
    services.enterprise_update(
        actor=world.enterprise_user,
        enterprise=world.enterprise,
        data={"revenue_10k_cny": "900", "year": 2024},
    )
    assert (2024, "revenue_10k_cny", Decimal("900.00"), "self_declared", TODAY) in figures_of(
        world.enterprise
    )


def test_it_refuses_an_authoritative_source_from_a_member(world):
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            actor=world.enterprise_user,
            enterprise=world.enterprise,
            data={"employees": 42, "source": "statistics"},
        )

    assert codes(caught.value) == {"source": ["officer_only"]}
    assert counts() == before


@pytest.mark.parametrize(
    "persona", ["officer_b", "bureau_officer", "other_enterprise_user", "nobody"]
)
def test_it_refuses_an_update_to_who_may_not_change_the_file(world, persona):
    before = counts()

    with pytest.raises(PermissionDenied):
        services.enterprise_update(
            actor=getattr(world, persona), enterprise=world.enterprise, data={"employees": 7}
        )

    assert counts() == before


def test_it_keeps_the_uscc_immutable(world, new_file):
    before = counts()

    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            actor=world.officer_a, enterprise=new_file, data={"uscc": SECOND_USCC}
        )

    assert codes(caught.value) == {"uscc": ["immutable"]}
    new_file.refresh_from_db()
    assert new_file.uscc == NEW_USCC
    assert counts() == before

    # Sending the same code back (a full form) is fine.
    services.enterprise_update(
        actor=world.officer_a, enterprise=new_file, data={"uscc": NEW_USCC.lower(), "name": "甲"}
    )
    new_file.refresh_from_db()
    assert (new_file.uscc, new_file.name) == (NEW_USCC, "甲")


def test_it_edits_a_file_with_an_accepted_pilot_code_sent_back_unchanged(world):
    enterprise = services.enterprise_create(
        actor=world.officer_a,
        data=file_data(uscc=BAD_CHECKSUM_USCC, uscc_override_reason="2015年试点期间核发"),
    )

    services.enterprise_update(
        actor=world.officer_a,
        enterprise=enterprise,
        data={"uscc": BAD_CHECKSUM_USCC, "name": "试点企业", "uscc_override_reason": ""},
    )

    enterprise.refresh_from_db()
    assert (enterprise.uscc, enterprise.name, enterprise.uscc_override_reason) == (
        BAD_CHECKSUM_USCC,
        "试点企业",
        "2015年试点期间核发",
    )


def test_it_audits_an_update_with_before_and_after(world, new_file):
    services.enterprise_update(
        actor=world.officer_a,
        enterprise=new_file,
        data={"name": "芯谷集成电路股份有限公司", "employees": 300, "tags": ["key"]},
    )

    event = AuditEvent.objects.get(action="enterprise.update", object_id=str(new_file.pk))
    assert event.actor == world.officer_a
    assert (event.before["name"], event.after["name"]) == (
        "芯谷集成电路有限公司",
        "芯谷集成电路股份有限公司",
    )
    assert (event.before["size_class"], event.after["size_class"]) == ("small", "medium")
    assert (event.before["tags"], event.after["tags"]) == ([], ["key"])
    assert event.after["figures"] == [
        {"year": 2025, "name": "employees", "value": "300", "source": "officer"}
    ]


def test_it_rolls_the_update_back_when_the_audit_fails(world, new_file, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(files, "audit_record", broken_audit)
    before = counts()

    with pytest.raises(RuntimeError):
        services.enterprise_update(
            actor=world.officer_a, enterprise=new_file, data={"name": "乙", "employees": 300}
        )

    new_file.refresh_from_db()
    assert (new_file.name, new_file.employees, new_file.size_class, new_file.version) == (
        "芯谷集成电路有限公司",
        150,
        "small",
        1,
    )
    assert EnterpriseFigure.objects.get(enterprise=new_file, name="employees").value == 150
    assert counts() == before


def test_it_refuses_moving_a_file_to_a_zone_the_officer_does_not_manage(world, new_file):
    before = counts()

    with pytest.raises(PermissionDenied):
        services.enterprise_update(
            actor=world.officer_a, enterprise=new_file, data={"zone": "aviation"}
        )

    new_file.refresh_from_db()
    assert (new_file.zone, new_file.version) == (world.zone_a, 1)
    assert counts() == before

    services.enterprise_update(actor=world.admin, enterprise=new_file, data={"zone": "aviation"})
    new_file.refresh_from_db()
    assert new_file.zone == world.zone_b
