"""API tokens: created once and shown once; only a SHA-256 digest is stored."""

import hashlib
import secrets

from django.db import transaction

from onezone.core import clock
from onezone.core.audit import audit_record
from onezone.core.models import ApiToken

TOKEN_PREFIX = "oz_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_create(*, user, actor) -> tuple[ApiToken, str]:
    """Return the stored token and the raw secret (which is never stored)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, prefix=raw[:10], key_digest=_digest(raw), created_at=clock.now()
        )
        audit_record(
            actor=actor,
            action="api_token.create",
            obj=token,
            after={"user": user.username, "prefix": token.prefix},
        )
    return token, raw


def token_revoke(*, raw: str, actor) -> ApiToken | None:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(key_digest=_digest(raw)).first()
        if token is None or token.revoked_at is not None:
            return token
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            after={"revoked_at": token.revoked_at},
        )
    return token


def token_user(raw: str):
    """The active user a raw token belongs to, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # Record use at most once a minute so reads don't turn into a write per request.
    moment = clock.now()
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token.user
