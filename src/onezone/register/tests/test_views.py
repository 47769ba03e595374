"""Register pages: the public lookup, a matter's entries, the lint page for staff."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from onezone.register import services
from onezone.register.choices import MatterKind

HX = {"HTTP_HX_REQUEST": "true"}


def test_it_lets_anonymous_users_find_who_handles_a_matter(client, covered):
    response = client.get(reverse("register:lookup"), {"q": "规划", "zone": "aviation"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "建设工程规划许可证核发" in html
    assert "航空园区服务科" in html
    assert covered.commissioner_b.name in html
    assert "取水许可" not in html


def test_it_says_when_no_unit_holds_the_matter(client, world, register):
    response = client.get(reverse("register:lookup"), {"zone": "aviation"}, **HX)
    assert gettext("No unit holds this matter in this zone.") in response.content.decode()


def test_it_masks_the_commissioner_phone_for_the_public(client, world, covered):
    services_phone = "13812345678"
    covered.commissioner_b.phone = services_phone
    covered.commissioner_b.save()
    response = client.get(reverse("register:lookup"), {"zone": "aviation"})
    html = response.content.decode()
    assert "138****5678" in html
    assert services_phone not in html


def test_it_shows_the_holder_units_office_line_before_any_personal_phone(client, world, covered):
    from onezone.org import services as org

    covered.commissioner_b.phone = "13812345678"
    covered.commissioner_b.save()
    org.unit_update(actor=world.admin, unit=covered.park_b, phone="028-85791234")
    html = client.get(reverse("register:lookup"), {"zone": "aviation"}).content.decode()
    assert "028-85791234" in html
    assert "138****5678" not in html


def test_it_keeps_the_query_count_when_matters_grow(client, world, covered):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("register:lookup"), {"zone": "aviation"}, **HX)
        return len(queries)

    first = count()
    for number in range(10):
        services.matter_create(
            actor=world.admin,
            code=f"X{number:03d}",
            name=f"事项{number}",
            kind=MatterKind.PUBLIC_SERVICE,
            home_body=world.functional,
        )
    assert count() == first


def test_it_shows_a_matter_with_every_version(client, covered):
    response = client.get(reverse("register:matter_detail", args=[covered.other.pk]))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 2


def test_it_shows_the_lint_report_to_staff_only(client, world, covered):
    assert client.get(reverse("register:lint")).status_code == 302
    client.force_login(world.enterprise_user)
    assert client.get(reverse("register:lint")).status_code == 404
    client.force_login(world.officer_a)
    response = client.get(reverse("register:lint"), {"at": "2024-06-01"})
    assert response.status_code == 200
    assert len(response.context["report"].findings) == 4
