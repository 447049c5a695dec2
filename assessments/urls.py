from django.urls import path

import povertyboard.converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "assess"

urlpatterns = [
    path("", views.periods, name="periods"),
    path("new/", views.period_create, name="period_create"),
    path("<id:period_id>/close/", views.close, name="close"),
    path("<id:period_id>/", views.scorecards, name="scorecards"),
    path("<id:period_id>/score/", views.score, name="score"),
    path("<id:period_id>/export.xlsx", views.export, name="export"),
    path("<id:period_id>/cadres/<id:cadre_id>/", views.sheet, name="sheet"),
    path("<id:period_id>/rules/", views.rules, name="rules"),
    path("<id:period_id>/inputs/<slug:kind>/new/", views.input_form, name="input_create"),
    path("<id:period_id>/inputs/<slug:kind>/<id:input_id>/", views.input_form, name="input_edit"),
]
