from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.figures, name="figures"),
    path("<str:county_code>/<slug:key>/", views.figure_rows, name="figure_rows"),
]
