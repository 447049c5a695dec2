from django.urls import path

import povertyboard.converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("crosscheck/", views.crosscheck, name="crosscheck"),
    path("crosscheck/confirm/", views.crosscheck_confirm, name="crosscheck_confirm"),
    path("flags/", views.flags, name="flags"),
    path("flags/<id:flag_id>/", views.flag, name="flag"),
    path("<slug:import_kind>/template/", views.template, name="template"),
    path("<slug:import_kind>/", views.upload, name="upload"),
    path("<slug:import_kind>/confirm/", views.confirm, name="confirm"),
]
