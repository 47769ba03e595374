"""Pages of the demands app; each views module lists its own `urlpatterns`."""

from onezone.demands.views import coffee, demands, happiness, hotline, kpis

app_name = "demands"

urlpatterns = [
    *demands.urlpatterns,
    *hotline.urlpatterns,
    *coffee.urlpatterns,
    *happiness.urlpatterns,
    *kpis.urlpatterns,
]
