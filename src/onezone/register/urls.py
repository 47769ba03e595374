"""URLs of the register app."""

from django.urls import path

from onezone.register import views

app_name = "register"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("matters/<int:pk>/", views.matter_detail, name="matter_detail"),
    path("lint/", views.lint, name="lint"),
    path("export/", views.export, name="export"),
    path("import/", views.import_page, name="import"),
]
