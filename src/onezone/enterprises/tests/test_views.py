"""Pages of the enterprise app for officers: enterprise list and binding decisions."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.conftest import PASSWORD
from onezone.enterprises import services
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import EnterpriseMembership

USCC_NEW = "91510116MA6D00001H"  # valid checksum, not yet in any enterprise file


def _pending(world, number: int = 0):
    return services.enterprise_signup(
        username=f"applicant{number}",
        password=PASSWORD,
        full_name=f"申请人{number}",
        phone="13700137000",
        uscc=USCC_NEW,
        enterprise_name=f"新公司{number}",
        zone=world.zone_a,
    )


def test_it_lets_the_zone_officer_confirm_through_the_page(client, world):
    membership = _pending(world)
    client.force_login(world.officer_a)
    page = client.get(reverse("enterprises:membership_list")).content.decode()
    assert "新公司0" in page
    response = client.post(reverse("enterprises:membership_confirm", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.CONFIRMED


def test_it_hides_another_zones_binding_and_changes_nothing(client, world):
    membership = _pending(world)
    client.force_login(world.officer_b)
    assert "新公司0" not in client.get(reverse("enterprises:membership_list")).content.decode()
    for name in ("membership_confirm", "membership_reject"):
        response = client.post(
            reverse(f"enterprises:{name}", args=[membership.pk]), {"note": "不是本区企业"}
        )
        assert response.status_code == 404
    membership.refresh_from_db()
    assert (membership.status, membership.decided_by) == (MembershipStatus.PENDING, None)


def test_it_needs_a_reason_to_reject_through_the_page(client, world):
    membership = _pending(world)
    client.force_login(world.officer_a)
    client.post(reverse("enterprises:membership_reject", args=[membership.pk]), {"note": ""})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING
    client.post(
        reverse("enterprises:membership_reject", args=[membership.pk]), {"note": "营业执照不符"}
    )
    membership.refresh_from_db()
    assert (membership.status, membership.decision_note) == ("rejected", "营业执照不符")


def test_it_reports_a_second_decision_as_a_message_not_an_error(client, world):
    membership = _pending(world)
    client.force_login(world.officer_a)
    client.post(reverse("enterprises:membership_confirm", args=[membership.pk]))
    response = client.post(
        reverse("enterprises:membership_confirm", args=[membership.pk]), follow=True
    )
    assert response.status_code == 200
    assert "该绑定申请已处理" in response.content.decode()


def test_it_keeps_the_enterprise_list_to_staff(client, world):
    client.force_login(world.enterprise_user)
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 404
    client.force_login(world.officer_a)
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert world.enterprise.name in page and world.other_enterprise.name not in page


def test_it_keeps_the_binding_list_queries_constant(client, world):
    client.force_login(world.officer_a)

    def queries_for(count, first):
        EnterpriseMembership.objects.filter(status=MembershipStatus.PENDING).delete()
        for number in range(first, first + count):
            _pending(world, number)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("enterprises:membership_list"))
        return len(captured)

    assert queries_for(2, first=0) == queries_for(8, first=100)
