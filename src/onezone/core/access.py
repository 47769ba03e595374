"""Access helpers with no domain knowledge; the roles come from the resolver in settings.

Domain apps scope every lookup through their own selectors; these helpers give them one
vocabulary: `Http404` for objects the actor may not see, `PermissionDenied` for visible
objects the actor may not change.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.module_loading import import_string

from onezone.core.choices import STAFF_ROLES, Role

DEFAULT_ROLE_RESOLVER = "onezone.org.access.role_names_of"


def role_names(user) -> frozenset[str]:
    """Names of the roles a user holds (superusers hold administrator everywhere)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_onezone_role_names", None)
    if cached is None:
        resolver = import_string(getattr(settings, "ONEZONE_ROLE_RESOLVER", DEFAULT_ROLE_RESOLVER))
        cached = frozenset(resolver(user))
        if user.is_superuser:
            cached |= {Role.ADMINISTRATOR}
        user._onezone_role_names = cached
    return cached


def is_administrator(user) -> bool:
    return Role.ADMINISTRATOR in role_names(user)


def is_staff_member(user) -> bool:
    return bool(role_names(user) & STAFF_ROLES)


def require(allowed: bool, message: str = "") -> None:
    """Raise 403 for a visible object the actor may not act on."""
    if not allowed:
        raise PermissionDenied(message)


def require_visible(allowed: bool) -> None:
    """Raise 404 so a hidden object's existence is never revealed."""
    if not allowed:
        raise Http404
