"""URLs of the register app."""

from django.urls import path

from onezone.register import views

app_name = "register"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("matters/new/", views.matter_create, name="matter_create"),
    path("matters/<int:pk>/", views.matter_detail, name="matter_detail"),
    path("matters/<int:pk>/edit/", views.matter_update, name="matter_update"),
    path("matters/<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/change/", views.entry_change, name="entry_change"),
    path("entries/<int:pk>/end/", views.entry_end, name="entry_end"),
    path("lint/", views.lint, name="lint"),
    path("export/", views.export, name="export"),
    path("import/", views.import_page, name="import"),
]
