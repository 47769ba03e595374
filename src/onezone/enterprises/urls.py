"""URLs of the enterprise app."""

from django.urls import path

from onezone.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/founder/", views.founder_signup, name="founder_signup"),
    path("", views.enterprise_list, name="enterprise_list"),
    path("bindings/", views.membership_list, name="membership_list"),
    path("bindings/<int:pk>/confirm/", views.membership_confirm, name="membership_confirm"),
    path("bindings/<int:pk>/reject/", views.membership_reject, name="membership_reject"),
]
