"""URLs of the approvals app."""

from django.urls import path

from onezone.approvals.views import catalogue, outcomes, portal, workbench

app_name = "approvals"
urlpatterns = [
    # enterprise and founder portal (views/portal.py)
    path("", portal.journey_list, name="journey_list"),
    path("journeys/<slug:code>/start/", portal.application_start, name="application_start"),
    path("applications/", portal.application_list, name="application_list"),
    path("applications/<int:pk>/", portal.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", portal.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", portal.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/withdraw/", portal.application_withdraw, name="application_withdraw"
    ),
    path("applications/<int:pk>/materials/", portal.material_upload, name="material_upload"),
    path("cases/<int:pk>/correction/", portal.correction_supply, name="correction_supply"),
    path("cases/<int:pk>/rate/", portal.case_rate, name="case_rate"),
    path("documents/<int:pk>/", portal.document_download, name="document_download"),
    # officer workbench (views/workbench.py)
    path("workbench/", workbench.workbench, name="workbench"),
    path("cases/<int:pk>/", workbench.case_detail, name="case_detail"),
    path("cases/<int:pk>/act/", workbench.case_act, name="case_act"),
    path("cases/<int:pk>/comment/", workbench.case_comment, name="case_comment"),
    path(
        "cases/<int:pk>/materials/<int:material_pk>/",
        workbench.case_material_download,
        name="case_material_download",
    ),
    # outcomes and ratings (views/outcomes.py)
    path("outcomes/", outcomes.outcome_report, name="outcomes"),
    path("outcomes.xlsx", outcomes.outcome_export, name="outcome_export"),
    path("ratings/", outcomes.rating_report, name="ratings"),
    # catalogue: service specs and journeys, edited by administrators (views/catalogue.py)
    path("specs/", catalogue.spec_list, name="spec_list"),
    path("specs/<int:pk>/", catalogue.spec_detail, name="spec_detail"),
    path("specs/<int:pk>/edit/", catalogue.spec_edit, name="spec_edit"),
    path("journeys/", catalogue.journey_admin_list, name="journey_admin_list"),
    path("journeys/<slug:code>/", catalogue.journey_detail, name="journey_detail"),
    path("journeys/<slug:code>/edit/", catalogue.journey_edit, name="journey_edit"),
]
