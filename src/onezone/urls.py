"""Top-level URLs: pages of each app, the API, the admin and the language switcher."""

from django.contrib import admin
from django.urls import include, path

from onezone.api import api

urlpatterns = [
    path("", include("onezone.core.urls")),
    path("org/", include("onezone.org.urls")),
    path("enterprises/", include("onezone.enterprises.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
