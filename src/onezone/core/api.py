"""The API's shell: bearer-token auth, error shapes of docs/api.md, pagination."""

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.conf import settings as ninja_settings
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from onezone.core.errors import ConflictError, validation_errors
from onezone.core.tokens import token_user

# Larger numbers in a query are invalid input (422), not a database integer overflow (500).
LARGEST_QUERY_NUMBER = 2**62

# A database id given as a query filter, e.g. `?body=3`.
DatabaseId = Annotated[int, Field(ge=1, le=LARGEST_QUERY_NUMBER)]


def storable_text(value: str) -> str:
    # PostgreSQL cannot store or compare NUL; refuse it as invalid input instead of a 500.
    if "\x00" in value:
        raise PydanticCustomError(
            "invalid_character", _("This text contains a character that is not allowed.")
        )
    return value


# Text input of every app's schemas.
Text = Annotated[str, AfterValidator(storable_text)]


class FieldError(Schema):
    field: str
    code: str
    message: str


class ErrorOut(Schema):
    """The error shape of docs/api.md (401, 403, 404, 409, 422)."""

    detail: str
    errors: list[FieldError] = []


def database_id(pk: int) -> int:
    """A path id no row can have is simply not found (and never reaches the database)."""
    if pk > LARGEST_QUERY_NUMBER:
        raise Http404
    return pk


# The largest page one request may ask for; more is a 422, not a slow response.
MAX_PAGE_SIZE = 500


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset paging, with both numbers bounded (page size and database ints)."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=LARGEST_QUERY_NUMBER)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


PARAMETER_LOCATIONS = ("body", "query", "path", "header", "cookie", "form", "file")


def _loc_to_field(loc) -> str:
    """("query", "limit") → "limit"; ("body", "payload", "name") → "name".

    Only the leading location (and the body's parameter name) is dropped, so a field that is
    itself called "body" or "path" keeps its name.
    """
    parts = [str(part) for part in loc]
    if parts and parts[0] in PARAMETER_LOCATIONS:
        parts = parts[1:]
        if loc[0] == "body" and parts[:1] == ["payload"]:
            parts = parts[1:]
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
