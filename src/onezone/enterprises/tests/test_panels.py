"""The home page shows an enterprise user's bindings and what they mean."""

from django.urls import reverse

from onezone.enterprises import services


def test_it_shows_a_confirmed_binding_on_the_home_page(client, world):
    client.force_login(world.enterprise_user)
    page = client.get(reverse("home")).content.decode()
    assert 'id="my-enterprises"' in page
    assert world.enterprise.name in page
    assert "已确认" in page


def test_it_tells_a_pending_applicant_that_an_officer_will_confirm(client, world):
    membership = services.enterprise_signup(
        username="newcomer",
        password="Persona-Pass-2026",
        full_name="新用户",
        phone="13700137000",
        uscc="91510116MA6CK3DX2J",
        enterprise_name="待确认公司",
        zone=world.zone_b,
    )
    client.force_login(membership.user)
    page = client.get(reverse("home")).content.decode()
    assert "待确认公司" in page
    assert "待确认" in page


def test_it_shows_no_panel_to_staff(client, world):
    client.force_login(world.leader)
    assert 'id="my-enterprises"' not in client.get(reverse("home")).content.decode()
