"""Enterprise API: list, read, create and change the file, only as far as the caller may."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from onezone.conftest import PASSWORD, USCC_A, USCC_B
from onezone.core import clock
from onezone.core.audit import audit_history
from onezone.core.tokens import token_create
from onezone.enterprises import services as enterprises
from onezone.enterprises.choices import ServiceRole
from onezone.enterprises.models import Enterprise, EnterpriseFigure
from onezone.enterprises.uscc import uscc_complete
from onezone.org import services as org

NEW_USCC = uscc_complete("91510116MA6DGJ1A1")
# The same 17 characters with a wrong check character (as early pilot codes have).
BAD_CHECKSUM_USCC = NEW_USCC[:-1] + ("0" if NEW_USCC[-1] != "0" else "1")


def translated(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


@pytest.fixture
def api(client, world):
    class Caller:
        def __init__(self, persona):
            user = getattr(world, persona) if isinstance(persona, str) else persona
            _token, raw = token_create(user=user, actor=None)
            self.header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get(path, params, **self.header)

        def post(self, path, body):
            return client.post(
                path, json.dumps(body), content_type="application/json", **self.header
            )

        def patch(self, path, body):
            return client.patch(
                path, json.dumps(body), content_type="application/json", **self.header
            )

    return Caller


def file_data(**changes) -> dict:
    data = {
        "uscc": NEW_USCC,
        "name": "芯谷光电有限公司",
        "zone": "chip_valley",
        "industry_code": "3973",
        "registered_on": "2018-05-10",
        "employees": 50,
        "revenue_10k_cny": "3000",
        "assets_10k_cny": "5000.5",
        "rd_expense_10k_cny": "120.25",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def create(world, number: int, actor=None, **changes) -> Enterprise:
    data = file_data(
        uscc=uscc_complete(f"91510116MA6DG{number:04d}"), name=f"企业{number:04d}", **changes
    )
    return enterprises.enterprise_create(actor=actor or world.officer_a, data=data)


def snapshot(enterprise: Enterprise) -> dict:
    """What a refused request must leave untouched."""
    enterprise.refresh_from_db()
    figures = sorted(
        EnterpriseFigure.objects.filter(enterprise=enterprise).values_list(
            "year", "name", "value", "source"
        )
    )
    contacts = list(enterprise.contacts.values_list("name", "phone"))
    return {
        "row": {
            field.attname: getattr(enterprise, field.attname)
            for field in Enterprise._meta.concrete_fields
        },
        "figures": figures,
        "contacts": contacts,
        "events": audit_history(obj=enterprise).count(),
    }


def error_fields(response) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in response.json()["errors"]]


@pytest.fixture
def liaison(world, unit_factory, post_factory):
    """A designated liaison of zone A serving world.enterprise."""
    unit = unit_factory(world.committee_a, name="企业服务科")
    person = org.person_create(
        actor=world.admin, name="王联络", staff_number="L0001", phone="13912345678"
    )
    post = post_factory(unit, person=person, title="联络员")
    enterprises.designation_create(
        actor=world.officer_a, post=post, role=ServiceRole.LIAISON, zone=world.zone_a
    )
    enterprises.assignment_set(
        actor=world.officer_a, enterprise=world.enterprise, role=ServiceRole.LIAISON, post=post
    )
    return person


# ---- create -----------------------------------------------------------------------------------


def test_it_creates_an_enterprise_with_its_size_class_computed(api, world):
    response = api("officer_a").post(
        "/api/enterprises", file_data(tags=["high_tech"], legal_representative="李四")
    )

    assert response.status_code == 201
    body = response.json()
    enterprise = Enterprise.objects.get(uscc=NEW_USCC)
    year = clock.today().year - 1
    source = {"year": year, "source": "officer", "as_of": clock.today().isoformat()}
    assert body == {
        "id": enterprise.pk,
        "uscc": NEW_USCC,
        "name": "芯谷光电有限公司",
        "legal_representative": "李四",
        "registered_address": "",
        "zone": "chip_valley",
        "industry_code": "3973",
        "industry_section": "C",
        "registered_on": "2018-05-10",
        "employees": 50,
        "revenue_10k_cny": "3000.00",
        "assets_10k_cny": "5000.50",
        "rd_expense_10k_cny": "120.25",
        "invention_patents": None,
        "rd_staff": None,
        "size_class": "small",
        "development_stage": "growth",
        "development_stage_override_reason": "",
        "uscc_override_reason": "",
        "tags": ["high_tech"],
        "liaison": None,
        "chief_representative": None,
        "version": 1,
        "updated_at": body["updated_at"],
        "contacts": [],
        "figure_sources": {
            "employees": source,
            "revenue_10k_cny": source,
            "assets_10k_cny": source,
            "rd_expense_10k_cny": source,
        },
    }
    assert enterprise.size_class == "small"
    assert [event.action for event in audit_history(obj=enterprise)] == ["enterprise.create"]


def test_it_accepts_numbers_as_json_numbers_or_strings(api, world):
    response = api("officer_a").post(
        "/api/enterprises",
        file_data(employees="50", revenue_10k_cny=3000.5, assets_10k_cny=5000, rd_staff=7),
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["employees"], body["revenue_10k_cny"], body["assets_10k_cny"]) == (
        50,
        "3000.50",
        "5000.00",
    )
    assert body["rd_staff"] == 7


def test_it_records_figures_for_a_given_year_and_source(api, world):
    response = api("officer_a").post(
        "/api/enterprises",
        file_data(year=2024, as_of="2025-03-31", source="tax", tax_10k_cny="88.8"),
    )

    assert response.status_code == 201
    assert response.json()["figure_sources"]["tax_10k_cny"] == {
        "year": 2024,
        "source": "tax",
        "as_of": "2025-03-31",
    }


def test_it_answers_422_naming_an_invalid_uscc(api, world):
    before = Enterprise.objects.count()

    response = api("officer_a").post("/api/enterprises", file_data(uscc="91510116MA61XY"))

    assert response.status_code == 422
    assert response.json() == {
        "detail": translated("Invalid input."),
        "errors": [
            {
                "field": "uscc",
                "code": "invalid_length",
                "message": translated("A unified social credit code has 18 characters."),
            }
        ],
    }
    assert Enterprise.objects.count() == before


def test_it_reports_one_error_per_bad_field_and_writes_nothing(api, world):
    before = Enterprise.objects.count()

    response = api("officer_a").post(
        "/api/enterprises",
        file_data(employees="abc", revenue_10k_cny="-1", registered_on="soon", name=None),
    )

    assert response.status_code == 422
    assert sorted(error_fields(response)) == [
        ("employees", "not_a_number"),
        ("name", "required"),
        ("registered_on", "invalid_date"),
        ("revenue_10k_cny", "negative"),
    ]
    assert Enterprise.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"employees": [50]}, [("employees", "not_a_number")]),
        ({"employees": True}, [("employees", "not_a_number")]),
        ({"revenue_10k_cny": {"value": 1}}, [("revenue_10k_cny", "not_a_number")]),
        ({"name": 12}, [("name", "string_type")]),
        ({"tags": [1]}, [("tags.0", "string_type")]),
        ({"contacts": [{"name": "张三", "fax": "1"}]}, [("contacts.0.fax", "extra_forbidden")]),
        ({"size_class": "large"}, [("size_class", "extra_forbidden")]),
        ({"name": "芯谷\x00公司"}, [("name", "invalid_character")]),
        ({"employees": "5\x000"}, [("employees", "invalid_character")]),
        ({"tags": "high_tech,\x00"}, [("tags.1", "invalid_character")]),
    ],
)
def test_it_answers_422_for_wrong_json_types(api, world, changes, expected):
    before = Enterprise.objects.count()

    response = api("officer_a").post("/api/enterprises", file_data(**changes))

    assert response.status_code == 422
    assert error_fields(response) == expected
    assert Enterprise.objects.count() == before


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "null"])
def test_it_answers_422_for_a_body_that_is_not_an_object(client, api, world, body):
    caller = api("officer_a")

    response = client.post(
        "/api/enterprises", body, content_type="application/json", **caller.header
    )

    assert response.status_code == 422
    assert response.json()["detail"] == translated("Invalid input.")
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


def test_it_answers_400_for_a_body_that_is_not_json(client, api, world):
    caller = api("officer_a")

    response = client.post(
        "/api/enterprises", "{not json", content_type="application/json", **caller.header
    )

    assert response.status_code == 400
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


def test_it_refuses_a_checksum_failure_without_a_reason(api, world):
    response = api("officer_a").post("/api/enterprises", file_data(uscc=BAD_CHECKSUM_USCC))

    assert response.status_code == 422
    assert error_fields(response) == [("uscc", "invalid_checksum")]
    assert not Enterprise.objects.filter(uscc=BAD_CHECKSUM_USCC).exists()


def test_it_accepts_a_checksum_failure_from_an_officer_with_a_recorded_reason(api, world):
    response = api("officer_a").post(
        "/api/enterprises",
        file_data(uscc=BAD_CHECKSUM_USCC, uscc_override_reason="2015年试点赋码"),
    )

    assert response.status_code == 201
    assert response.json()["uscc_override_reason"] == "2015年试点赋码"
    enterprise = Enterprise.objects.get(uscc=BAD_CHECKSUM_USCC)
    event = audit_history(obj=enterprise).get()
    assert (event.action, event.actor, event.after["uscc_override_reason"]) == (
        "enterprise.create",
        world.officer_a,
        "2015年试点赋码",
    )


@pytest.fixture
def applicant(world):
    """A user who signed up for NEW_USCC (not yet confirmed): may open that file."""
    membership = enterprises.enterprise_signup(
        username="applicant",
        password=PASSWORD,
        full_name="申请人",
        phone="13700137000",
        uscc=NEW_USCC,
        enterprise_name="芯谷光电有限公司",
        zone=world.zone_a,
    )
    return membership.user


def test_it_refuses_a_checksum_failure_from_an_enterprise_user(api, world, applicant):
    caller = api(applicant)

    bad_code = caller.post(
        "/api/enterprises", file_data(uscc=BAD_CHECKSUM_USCC, uscc_override_reason="试点")
    )
    override = caller.post("/api/enterprises", file_data(uscc_override_reason="试点"))

    assert bad_code.status_code == 403
    assert override.status_code == 422
    assert error_fields(override) == [("uscc_override_reason", "officer_only")]
    assert not Enterprise.objects.filter(uscc__in=[NEW_USCC, BAD_CHECKSUM_USCC]).exists()


def test_it_lets_a_signed_up_user_open_the_file_as_self_declared(api, world, applicant):
    response = api(applicant).post("/api/enterprises", file_data())

    assert response.status_code == 201
    assert response.json()["figure_sources"]["employees"]["source"] == "self_declared"


def test_it_answers_422_naming_an_unknown_industry(api, world):
    response = api("officer_a").post("/api/enterprises", file_data(industry_code="C9999"))

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("industry_code", "unknown_industry")
    assert "C9999" in error["message"]
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


def test_it_accepts_an_industry_code_with_its_section_letter(api, world):
    response = api("officer_a").post("/api/enterprises", file_data(industry_code="c3973"))

    assert response.status_code == 201
    assert (response.json()["industry_code"], response.json()["industry_section"]) == ("3973", "C")


def test_it_answers_409_for_a_duplicate_and_changes_nothing(api, world):
    before = snapshot(world.enterprise)
    count = Enterprise.objects.count()

    response = api("officer_a").post(
        "/api/enterprises", file_data(uscc=USCC_A.lower(), name="另一个名字")
    )

    assert response.status_code == 409
    message = translated("An enterprise with this unified social credit code is already on file.")
    assert response.json() == {
        "detail": message,
        "errors": [{"field": "uscc", "code": "duplicate", "message": message}],
    }
    assert Enterprise.objects.count() == count
    assert snapshot(world.enterprise) == before


@pytest.mark.parametrize("persona", ["officer_b", "bureau_officer", "enterprise_user", "nobody"])
def test_it_refuses_to_create_for_those_not_allowed(api, world, persona):
    response = api(persona).post("/api/enterprises", file_data())

    assert response.status_code == 403
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


# ---- read -------------------------------------------------------------------------------------


def test_it_shows_an_enterprise_user_its_file_with_contacts_and_liaison_in_full(
    api, world, liaison
):
    enterprises.enterprise_update(
        actor=world.officer_a,
        enterprise=world.enterprise,
        data={"contacts": [{"name": "张经理", "title": "总经理", "phone": "13811112222"}]},
    )

    body = api("enterprise_user").get(f"/api/enterprises/{USCC_A}").json()

    assert body["contacts"] == [
        {
            "name": "张经理",
            "title": "总经理",
            "phone": "13811112222",
            "email": "",
            "is_primary": True,
        }
    ]
    assert body["liaison"] == {
        "name": "王联络",
        "unit": "成都芯谷管委会·企业服务科",
        "phone": "13912345678",
    }
    assert body["chief_representative"] is None


def test_it_masks_contact_phones_for_a_leader(api, world):
    enterprises.enterprise_update(
        actor=world.officer_a,
        enterprise=world.enterprise,
        data={"contacts": [{"name": "张经理", "phone": "13811112222"}]},
    )

    body = api("leader").get(f"/api/enterprises/{USCC_A.lower()}").json()

    assert body["contacts"][0]["phone"] == "138****2222"


def test_it_answers_the_same_404_for_a_hidden_and_a_missing_enterprise(api, world):
    caller = api("enterprise_user")

    hidden = caller.get(f"/api/enterprises/{USCC_B}")
    missing = caller.get(f"/api/enterprises/{NEW_USCC}")

    assert hidden.status_code == 404
    assert hidden.json() == {"detail": translated("Not found.")}
    assert (missing.status_code, missing.json()) == (hidden.status_code, hidden.json())


@pytest.mark.parametrize("path", [f"{USCC_A}%00", "91510116MA61XY000Q0000", "a b"])
def test_it_answers_404_for_a_path_no_code_could_have(api, world, path):
    before = snapshot(world.enterprise)
    caller = api("admin")

    assert caller.get(f"/api/enterprises/{path}").status_code == 404
    assert caller.patch(f"/api/enterprises/{path}", {"employees": 1}).status_code == 404
    assert snapshot(world.enterprise) == before


def test_it_answers_401_without_a_token(client, world):
    path = f"/api/enterprises/{USCC_A}"
    before = snapshot(world.enterprise)

    assert client.get("/api/enterprises").status_code == 401
    assert client.get(path).status_code == 401
    assert client.post("/api/enterprises", {}, content_type="application/json").status_code == 401
    patch = client.patch(path, {"name": "x"}, content_type="application/json")
    assert patch.status_code == 401
    assert snapshot(world.enterprise) == before


def test_it_answers_401_for_a_wrong_token(client, world):
    response = client.get("/api/enterprises", HTTP_AUTHORIZATION="Bearer oz_not-a-token")

    assert response.status_code == 401


# ---- list -------------------------------------------------------------------------------------


def test_it_lists_the_enterprises_of_an_officers_zone(api, world):
    response = api("officer_a").get("/api/enterprises")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [(item["uscc"], item["zone"]) for item in body["items"]] == [(USCC_A, "chip_valley")]
    assert "contacts" not in body["items"][0]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("leader", [USCC_B, USCC_A]),  # 航 sorts before 芯
        ("officer_b", [USCC_B]),
        ("enterprise_user", [USCC_A]),
        ("other_enterprise_user", [USCC_B]),
        ("founder", []),
        ("nobody", []),
        ("bureau_officer", []),
    ],
)
def test_it_lists_only_what_the_caller_may_see(api, world, persona, expected):
    body = api(persona).get("/api/enterprises").json()

    assert [item["uscc"] for item in body["items"]] == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize(
    ("industry", "expected"),
    [
        ("C", ["企业0001", "企业0002"]),  # section
        ("39", ["企业0001", "企业0002"]),  # division
        ("397", ["企业0001"]),  # group
        ("3973", ["企业0001"]),  # class
        ("c3973", ["企业0001"]),  # class with its section letter
        ("3911", ["企业0002"]),
        ("F", ["企业0003"]),
        ("D39", []),  # the letter is not the division's section
        ("99", []),  # no such division
    ],
)
def test_it_filters_by_industry_at_every_level(api, world, industry, expected):
    create(world, 1, industry_code="3973")
    create(world, 2, industry_code="3911")
    create(world, 3, industry_code="5171")

    body = api("officer_a").get("/api/enterprises", industry=industry).json()

    assert [item["name"] for item in body["items"]] == expected


def test_it_filters_by_size_stage_tag_zone_liaison_and_search(api, world, liaison):
    create(world, 1, employees=50, revenue_10k_cny="3000", tags=["high_tech"])
    create(world, 2, employees=5, revenue_10k_cny="10", registered_on="2025-01-02")
    create(
        world,
        3,
        actor=world.officer_b,
        zone="aviation",
        industry_code="4343",
        employees=1200,
        revenue_10k_cny="50000",
    )
    caller = api("admin")

    def names(**params):
        return [item["name"] for item in caller.get("/api/enterprises", **params).json()["items"]]

    assert names(size_class="small") == ["企业0001"]
    assert names(size_class="micro") == ["企业0002"]
    assert names(size_class="large") == ["企业0003"]
    assert names(size_class="none") == ["航空示例制造有限公司", "芯谷示例科技有限公司"]
    assert names(development_stage="startup") == ["企业0002"]
    assert names(tag="high_tech") == ["企业0001"]
    assert names(zone="aviation") == ["企业0003", "航空示例制造有限公司"]
    assert names(liaison=liaison.pk) == ["芯谷示例科技有限公司"]
    assert names(search="0002") == ["企业0002"]
    assert names(q=USCC_B.lower()) == ["航空示例制造有限公司"]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"limit": -1}, ("limit", "greater_than_equal")),
        ({"limit": 10**20}, ("limit", "less_than_equal")),
        ({"offset": 10**20}, ("offset", "less_than_equal")),
        ({"liaison": "abc"}, ("liaison", "int_parsing")),
        ({"liaison": 10**20}, ("liaison", "less_than_equal")),
        ({"size_class": "huge"}, ("size_class", "enum")),
        ({"development_stage": "old"}, ("development_stage", "enum")),
        ({"search": "a\x00b"}, ("search", "invalid_character")),
    ],
)
def test_it_answers_422_for_an_invalid_query(api, world, params, error):
    response = api("admin").get("/api/enterprises", **params)

    assert response.status_code == 422
    assert error_fields(response) == [error]


def test_it_pages_the_list(api, world):
    page = api("admin").get("/api/enterprises", limit=1, offset=1).json()

    assert page["count"] == 2
    assert [item["uscc"] for item in page["items"]] == [USCC_A]


def test_it_lists_enterprises_in_a_number_of_queries_independent_of_rows(
    api, world, liaison, unit_factory, post_factory
):
    caller = api("officer_a")
    for number in range(3):
        create(world, number, tags=["high_tech", "specialised"])
    caller.get("/api/enterprises")
    with CaptureQueriesContext(connection) as few:
        assert caller.get("/api/enterprises").json()["count"] == 4
    for number in range(3, 30):
        create(world, number, tags=["above_scale"])
    with CaptureQueriesContext(connection) as many:
        body = caller.get("/api/enterprises").json()

    assert body["count"] == 31
    assert body["items"][-1]["liaison"]["name"] == "王联络"
    assert len(many) == len(few)


# ---- change -----------------------------------------------------------------------------------


def test_it_lets_an_officer_change_the_file_and_recomputes_the_size_class(api, world):
    response = api("officer_a").patch(
        f"/api/enterprises/{USCC_A}",
        {"industry_code": "3973", "employees": 400, "revenue_10k_cny": "30000", "version": 1},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["size_class"], body["employees"], body["version"]) == ("medium", 400, 2)
    world.enterprise.refresh_from_db()
    assert (world.enterprise.size_class, world.enterprise.version) == ("medium", 2)


def test_it_answers_409_for_a_stale_version_and_changes_nothing(api, world):
    enterprises.enterprise_update(
        actor=world.officer_a, enterprise=world.enterprise, data={"legal_representative": "甲"}
    )
    before = snapshot(world.enterprise)

    response = api("officer_a").patch(
        f"/api/enterprises/{USCC_A}", {"legal_representative": "乙", "version": 1}
    )

    assert response.status_code == 409
    assert snapshot(world.enterprise) == before


def test_it_lets_a_member_correct_self_declared_figures_and_contacts(api, world):
    response = api("enterprise_user").patch(
        f"/api/enterprises/{USCC_A}",
        {"employees": "60", "contacts": [{"name": "联系人", "phone": "13800001111"}]},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["employees"] == 60
    assert body["figure_sources"]["employees"]["source"] == "self_declared"
    assert body["contacts"][0]["phone"] == "13800001111"


def test_it_refuses_officer_only_fields_to_a_member(api, world):
    before = snapshot(world.enterprise)

    response = api("enterprise_user").patch(
        f"/api/enterprises/{USCC_A}", {"name": "改名公司", "industry_code": "3973"}
    )

    assert response.status_code == 422
    assert error_fields(response) == [("industry_code", "officer_only"), ("name", "officer_only")]
    assert snapshot(world.enterprise) == before


def test_it_refuses_a_member_change_of_an_authoritative_figure(api, world):
    enterprises.enterprise_update(
        actor=world.officer_a,
        enterprise=world.enterprise,
        data={"revenue_10k_cny": "3000", "source": "tax"},
    )
    before = snapshot(world.enterprise)

    response = api("enterprise_user").patch(
        f"/api/enterprises/{USCC_A}", {"revenue_10k_cny": "9000"}
    )

    assert response.status_code == 422
    assert error_fields(response) == [("revenue_10k_cny", "read_only_source")]
    assert snapshot(world.enterprise) == before
    assert world.enterprise.revenue_10k_cny == 3000


def test_it_refuses_a_member_claiming_an_authoritative_source(api, world):
    before = snapshot(world.enterprise)

    response = api("enterprise_user").patch(
        f"/api/enterprises/{USCC_A}", {"employees": 10, "source": "statistics"}
    )

    assert response.status_code == 422
    assert error_fields(response) == [("source", "officer_only")]
    assert snapshot(world.enterprise) == before


def test_it_answers_404_when_an_enterprise_user_reads_or_changes_another_file(api, world):
    before = snapshot(world.other_enterprise)
    caller = api("enterprise_user")

    read = caller.get(f"/api/enterprises/{USCC_B}")
    change = caller.patch(f"/api/enterprises/{USCC_B}", {"employees": 1})

    assert (read.status_code, change.status_code) == (404, 404)
    assert snapshot(world.other_enterprise) == before


def test_it_answers_404_when_an_officer_of_another_zone_changes_a_file(api, world):
    before = snapshot(world.enterprise)

    response = api("officer_b").patch(
        f"/api/enterprises/{USCC_A}", {"name": "改名公司", "employees": 1}
    )

    assert response.status_code == 404
    assert snapshot(world.enterprise) == before


def test_it_answers_403_when_a_leader_who_sees_the_file_changes_it(api, world):
    before = snapshot(world.enterprise)

    response = api("leader").patch(f"/api/enterprises/{USCC_A}", {"employees": 1})

    assert response.status_code == 403
    assert snapshot(world.enterprise) == before


def test_it_refuses_to_change_the_uscc(api, world):
    before = snapshot(world.enterprise)

    response = api("officer_a").patch(f"/api/enterprises/{USCC_A}", {"uscc": NEW_USCC})

    assert response.status_code == 422
    assert error_fields(response) == [("uscc", "immutable")]
    assert snapshot(world.enterprise) == before


def test_it_writes_nothing_for_an_empty_change(api, world):
    before = snapshot(world.enterprise)

    response = api("officer_a").patch(f"/api/enterprises/{USCC_A}", {})

    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert snapshot(world.enterprise) == before


def test_it_keeps_figures_of_other_years(api, world):
    api("officer_a").patch(
        f"/api/enterprises/{USCC_A}",
        {"registered_on": "2015-01-01", "revenue_10k_cny": "100", "year": 2023},
    )
    api("officer_a").patch(f"/api/enterprises/{USCC_A}", {"revenue_10k_cny": "200", "year": 2024})

    body = api("officer_a").get(f"/api/enterprises/{USCC_A}").json()

    assert body["revenue_10k_cny"] == "200.00"
    assert body["figure_sources"]["revenue_10k_cny"]["year"] == 2024
    assert body["development_stage"] == "growth"
    assert EnterpriseFigure.objects.filter(enterprise=world.enterprise).count() == 2
    assert body["registered_on"] == "2015-01-01"
