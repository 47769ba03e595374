"""The API's shell: bearer-token auth, error shapes of docs/api.md, pagination."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from onezone.core.errors import ConflictError, validation_errors
from onezone.core.tokens import token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


def _loc_to_field(loc) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="OneZone API",
        version="1",
        description="OneZone — 局区合一 platform API. See docs/api.md for conventions.",
        auth=BearerToken(),
        urls_namespace="api",
    )

    @api.exception_handler(NinjaValidationError)
    def on_invalid_input(request, exc):
        errors = [
            {
                "field": _loc_to_field(item.get("loc", ())),
                "code": item.get("type", "invalid"),
                "message": item.get("msg", ""),
            }
            for item in exc.errors
        ]
        return api.create_response(
            request, {"detail": _("Invalid input."), "errors": errors}, status=422
        )

    @api.exception_handler(ValidationError)
    def on_domain_invalid(request, exc):
        return api.create_response(
            request, {"detail": _("Invalid input."), "errors": validation_errors(exc)}, status=422
        )

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return api.create_response(
            request,
            {"detail": _("Authentication required: send a valid bearer token.")},
            status=401,
        )

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request, exc):
        detail = str(exc) or _("You are not permitted to do this.")
        return api.create_response(request, {"detail": detail}, status=403)

    @api.exception_handler(ConflictError)
    def on_conflict(request, exc):
        return api.create_response(request, {"detail": str(exc)}, status=409)

    return api
