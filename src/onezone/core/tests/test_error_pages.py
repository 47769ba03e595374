"""Friendly Chinese error pages when DEBUG is off."""

from django.urls import reverse

from onezone.conftest import make_user


def test_it_shows_a_chinese_not_found_page(client, db, settings):
    settings.DEBUG = False
    client.force_login(make_user("visitor"))
    response = client.get(reverse("org:person_list"))
    assert response.status_code == 404
    assert "此页面不存在" in response.content.decode()
