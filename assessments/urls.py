from django.urls import path

from . import views

app_name = "assess"

urlpatterns = [
    path("", views.periods, name="periods"),
    path("new/", views.period_create, name="period_create"),
    path("<int:period_id>/close/", views.close, name="close"),
    path("<int:period_id>/", views.scorecards, name="scorecards"),
    path("<int:period_id>/score/", views.score, name="score"),
    path("<int:period_id>/export.xlsx", views.export, name="export"),
    path("<int:period_id>/cadres/<int:cadre_id>/", views.sheet, name="sheet"),
    path("<int:period_id>/rules/", views.rules, name="rules"),
    path("<int:period_id>/inputs/<slug:kind>/new/", views.input_form, name="input_create"),
    path("<int:period_id>/inputs/<slug:kind>/<int:input_id>/", views.input_form, name="input_edit"),
]
