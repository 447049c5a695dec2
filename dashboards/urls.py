from django.urls import path

import povertyboard.converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "areas"

urlpatterns = [
    path("township/<id:township_id>/", views.township_page, name="township"),
    path("village/<str:village_code>/", views.village_page, name="village"),
    path("<str:area_kind>/<str:area_ref>/rows/<slug:key>/", views.area_rows, name="rows"),
    path("<str:county_code>/map/", views.map_page, name="map"),
    path("<str:county_code>/", views.county_page, name="county"),
]
