"""API tokens: shown once, stored as a SHA-256 digest, revocable; bearer auth on the API."""

import hashlib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext

from onezone.conftest import make_user
from onezone.core import clock
from onezone.core.models import ApiToken, AuditEvent
from onezone.core.tokens import token_create, token_revoke, token_user

T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def unauthenticated() -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        return {"detail": gettext("Authentication required: send a valid bearer token.")}


@pytest.fixture
def clerk(db):
    return make_user("clerk")


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_returns_the_raw_token_once_and_stores_only_its_digest(clerk):
    with clock.simulated_time(T0):
        token, raw = token_create(user=clerk, actor=clerk)

    assert raw.startswith("oz_")
    assert len(raw) == 46
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row == {
        "id": token.pk,
        "user_id": clerk.pk,
        "prefix": raw[:10],
        "key_digest": hashlib.sha256(raw.encode()).hexdigest(),
        "created_at": T0,
        "last_used_at": None,
        "revoked_at": None,
    }
    assert raw not in str(row.values())
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_label, event.after) == (
        "api_token.create",
        "clerk",
        {"user": "clerk", "prefix": raw[:10]},
    )


def test_it_makes_a_different_token_each_time(clerk):
    _first, first_raw = token_create(user=clerk, actor=None)
    _second, second_raw = token_create(user=clerk, actor=None)

    assert first_raw != second_raw


def test_it_resolves_a_token_to_its_user_and_records_the_use(clerk):
    token, raw = token_create(user=clerk, actor=None)

    with clock.simulated_time(T0):
        assert token_user(raw) == clerk

    assert ApiToken.objects.get(pk=token.pk).last_used_at == T0


def test_it_records_use_at_most_once_a_minute(clerk):
    token, raw = token_create(user=clerk, actor=None)
    with clock.simulated_time(T0):
        token_user(raw)

    with clock.simulated_time(T0 + timedelta(seconds=59)):
        token_user(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == T0

    with clock.simulated_time(T0 + timedelta(seconds=61)):
        token_user(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == T0 + timedelta(seconds=61)


@pytest.mark.parametrize("raw", ["", "oz_not-a-real-token", "Bearer", "x" * 46])
def test_it_resolves_unknown_tokens_to_nobody(clerk, raw):
    token_create(user=clerk, actor=None)

    assert token_user(raw) is None


def test_it_resolves_a_revoked_token_to_nobody(clerk):
    token, raw = token_create(user=clerk, actor=None)

    with clock.simulated_time(T0):
        revoked = token_revoke(raw=raw, actor=clerk)

    assert revoked.pk == token.pk
    assert token_user(raw) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at == T0
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "api_token.create",
        "api_token.revoke",
    ]


def test_it_revokes_only_once(clerk):
    _token, raw = token_create(user=clerk, actor=None)
    with clock.simulated_time(T0):
        token_revoke(raw=raw, actor=None)

    with clock.simulated_time(T0 + timedelta(days=1)):
        again = token_revoke(raw=raw, actor=None)

    assert again.revoked_at == T0
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_it_resolves_the_token_of_a_deactivated_user_to_nobody(clerk):
    _token, raw = token_create(user=clerk, actor=None)
    clerk.is_active = False
    clerk.save()

    assert token_user(raw) is None


def test_it_create_command_prints_the_token_as_its_last_line(clerk):
    out, err = StringIO(), StringIO()

    call_command("token", "create", "clerk", stdout=out, stderr=err)

    raw = out.getvalue().strip().splitlines()[-1]
    assert token_user(raw) == clerk
    token = ApiToken.objects.get()
    assert token.prefix == raw[:10]
    assert raw not in err.getvalue()
    assert "shown only once" in err.getvalue()


def test_it_create_command_refuses_an_unknown_or_inactive_user(clerk):
    make_user("gone", is_active=False)

    with pytest.raises(CommandError, match="No active user named 'ghost'"):
        call_command("token", "create", "ghost", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="No active user named 'gone'"):
        call_command("token", "create", "gone", stdout=StringIO(), stderr=StringIO())

    assert ApiToken.objects.count() == 0


def test_it_revoke_command_revokes_the_token(clerk):
    token, raw = token_create(user=clerk, actor=None)
    out = StringIO()

    call_command("token", "revoke", raw, stdout=out)

    assert out.getvalue().strip() == f"Token {token.prefix}… revoked."
    assert token_user(raw) is None


def test_it_revoke_command_refuses_an_unknown_token(clerk):
    with pytest.raises(CommandError, match="No such token"):
        call_command("token", "revoke", "oz_unknown", stdout=StringIO())


# ---- the API's bearer authentication --------------------------------------------------


def test_it_answers_the_api_with_a_valid_bearer_token(clerk, client):
    _token, raw = token_create(user=clerk, actor=None)

    response = client.get("/api/zones", **bearer(raw))

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_it_answers_401_without_a_token(clerk, client):
    response = client.get("/api/zones")

    assert response.status_code == 401
    assert response.json() == unauthenticated()


def test_it_answers_401_for_a_revoked_token(clerk, client):
    _token, raw = token_create(user=clerk, actor=None)
    token_revoke(raw=raw, actor=None)

    response = client.get("/api/zones", **bearer(raw))

    assert response.status_code == 401
    assert response.json() == unauthenticated()


@pytest.mark.parametrize(
    "header", ["Bearer oz_wrong", "Bearer ", "Basic Y2xlcms6cGFzcw==", "oz_wrong"]
)
def test_it_answers_401_for_a_bad_token(clerk, client, header):
    token_create(user=clerk, actor=None)

    response = client.get("/api/zones", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json() == unauthenticated()


def test_it_does_not_accept_a_logged_in_session_instead_of_a_token(clerk, client):
    client.force_login(clerk)

    response = client.get("/api/zones")

    assert response.status_code == 401
