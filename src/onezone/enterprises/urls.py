"""URLs of the enterprise app."""

from django.urls import path

from onezone.enterprises.views import files, imports, service, signup

app_name = "enterprises"
urlpatterns = [
    # sign-up and bindings (views/signup.py)
    path("signup/", signup.signup, name="signup"),
    path("signup/founder/", signup.founder_signup, name="founder_signup"),
    path("bindings/", signup.membership_list, name="membership_list"),
    path("bindings/<int:pk>/confirm/", signup.membership_confirm, name="membership_confirm"),
    path("bindings/<int:pk>/reject/", signup.membership_reject, name="membership_reject"),
    # the enterprise file (views/files.py)
    path("", files.enterprise_list, name="enterprise_list"),
    path("new/", files.enterprise_create, name="enterprise_create"),
    path("mine/", files.my_enterprise, name="my_enterprise"),
    path("<int:pk>/", files.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", files.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/history/", files.enterprise_history, name="enterprise_history"),
    # one-to-one service and visits (views/service.py)
    path("portfolio/", service.portfolio, name="portfolio"),
    path("service/", service.service_overview, name="service_overview"),
    path("service/kpis/", service.visit_kpis, name="visit_kpis"),
    path("service/designations/new/", service.designation_create, name="designation_create"),
    path("service/designations/<int:pk>/end/", service.designation_end, name="designation_end"),
    path("service/auto-assign/", service.auto_assign, name="auto_assign"),
    path("<int:pk>/assign/", service.assignment_set, name="assignment_set"),
    path("<int:pk>/visits/new/", service.visit_create, name="visit_create"),
    path("visits/", service.visit_list, name="visit_list"),
    # Excel import and export (views/imports.py)
    path("export.xlsx", imports.enterprise_export, name="enterprise_export"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/template.xlsx", imports.import_template, name="import_template"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
]
