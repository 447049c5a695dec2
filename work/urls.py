"""The cadres' work pages (see the URL contract in work/views.py's docstring)."""

from django.urls import path

import povertyboard.converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "work"

urlpatterns = [
    path("", views.home, name="home"),
    path("measures/new/", views.measure_create, name="measure_create"),
    path("measures/<id:measure_id>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<id:measure_id>/implement/", views.measure_implement, name="measure_implement"),
    path("measures/<id:measure_id>/cancel/", views.measure_cancel, name="measure_cancel"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("attendance/", views.attendance_list, name="attendance_list"),
    path("attendance/new/", views.attendance_create, name="attendance_create"),
    path("attendance/<id:report_id>/edit/", views.attendance_edit, name="attendance_edit"),
    path("attendance/<id:report_id>/lock/", views.attendance_lock, name="attendance_lock"),
    path("commitments/<int:year>/", views.commitment_edit, name="commitment_edit"),
    path("quarterly/<int:year>/<int:quarter>/", views.quarterly_edit, name="quarterly_edit"),
]
