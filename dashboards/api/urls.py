"""Routes of the dashboards API: (prefix, viewset, basename), registered under /api/v1/."""

from . import views

ROUTES = [
    ("counties", views.CountyViewSet, "counties"),
    ("townships", views.TownshipViewSet, "townships"),
    ("villages", views.VillageViewSet, "villages"),
    ("report-figures", views.ReportFigureViewSet, "report-figures"),
]
