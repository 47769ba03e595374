"""Top-level URLs: pages of each app, the API, the admin and the language switcher."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _

from onezone.api import api


def api_not_found(request, rest: str = ""):
    """Unknown API paths (e.g. /api/zones/abc) answer in the API's JSON shape, not HTML."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("", include("onezone.core.urls")),
    path("org/", include("onezone.org.urls")),
    path("register/", include("onezone.register.urls")),
    path("enterprises/", include("onezone.enterprises.urls")),
    path("approvals/", include("onezone.approvals.urls")),
    path("demands/", include("onezone.demands.urls")),
    path("policies/", include("onezone.policies.urls")),
    path("open311/v2/", include("onezone.demands.open311.urls")),
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
