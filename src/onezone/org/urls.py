"""URLs of the organisation app."""

from django.urls import path

from onezone.org import views

app_name = "org"
urlpatterns = [
    path("zones/", views.zone_list, name="zone_list"),
    path("bodies/", views.body_list, name="body_list"),
    path("people/", views.person_list, name="person_list"),
    path("users/", views.user_list, name="user_list"),
]
