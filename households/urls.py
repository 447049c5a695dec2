from django.urls import path

import povertyboard.converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("<id:household_id>/", views.household_detail, name="detail"),
]
