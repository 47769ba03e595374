"""Open311 GeoReport v2, mounted at /open311/v2/: every endpoint in .json and .xml."""

from django.urls import path, re_path

from onezone.demands.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[-\w]+)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.request_list, name="requests"),
    re_path(r"^requests/(?P<reference>[-\w]+)" + FORMAT, views.request_get, name="request"),
    re_path(r"^tokens/(?P<token>[-\w]+)" + FORMAT, views.token_get, name="token"),
    path("<path:rest>", views.not_found),
    path("", views.not_found),
]
