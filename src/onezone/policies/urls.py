"""Pages of the policies app; each views module lists its own `urlpatterns`."""

from onezone.policies.views import applications, library, matches

app_name = "policies"

urlpatterns = [
    *library.urlpatterns,
    *matches.urlpatterns,
    *applications.urlpatterns,
]
