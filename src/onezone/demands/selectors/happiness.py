"""Reads of the Happiness Center (企业幸福中心): the catalogue, who may request and who may
maintain it, and the requests (demands) made through it."""

from django.db.models import QuerySet
from django.http import Http404

from onezone.core.access import is_administrator, is_staff_member
from onezone.demands.models import HappinessService
from onezone.enterprises.selectors import confirmed_enterprises_of


def can_maintain_catalogue(user) -> bool:
    return is_administrator(user)


def can_request_happiness(user) -> bool:
    """Enterprise users for their enterprises; staff record requests on an enterprise's
    behalf."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return is_staff_member(user) or confirmed_enterprises_of(user=user).exists()


def happiness_catalogue(*, include_inactive: bool = False) -> QuerySet[HappinessService]:
    services = HappinessService.objects.select_related(
        "provider_unit", "provider_unit__body", "category"
    )
    return services if include_inactive else services.filter(is_active=True)


def happiness_service_get(*, actor, code: str, include_inactive: bool = False):
    """A catalogue service; inactive ones only for those who maintain the catalogue."""
    allowed = include_inactive and can_maintain_catalogue(actor)
    service = happiness_catalogue(include_inactive=allowed).filter(code=code).first()
    if service is None:
        raise Http404
    return service
