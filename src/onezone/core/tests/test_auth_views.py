"""Log-in, throttling, language switching and session settings, through the web client."""

import pytest
from django.conf import settings
from django.urls import reverse

from onezone.conftest import PASSWORD, make_user


@pytest.fixture
def person(db):
    return make_user("zhang")


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_logs_in_and_out(client, person):
    response = _login(client, "zhang", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_it_rejects_a_wrong_password_with_a_form_error(client, person):
    response = _login(client, "zhang", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_it_locks_a_username_after_repeated_failures(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "zhang", "wrong-password")
    response = _login(client, "zhang", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_expires_sessions_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_it_hashes_passwords_with_argon2(settings, db):
    from onezone import settings as configured

    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    assert make_user("li").password.startswith("argon2$")


def test_it_shows_chinese_by_default_and_english_on_request(client, person):
    client.force_login(person)
    assert "收件箱" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Inbox" in client.get(reverse("home")).content.decode()


def test_it_changes_the_password_with_validators_on(client, person):
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Pass-2026",
            "new_password2": "Another-Pass-2026",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Another-Pass-2026")


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse("org:zone_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
