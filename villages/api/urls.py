"""Routes of the villages API: (prefix, viewset, basename), registered under /api/v1/."""

from . import views

ROUTES = [
    ("counties", views.CountyViewSet, "counties"),
    ("townships", views.TownshipViewSet, "townships"),
    ("villages", views.VillageViewSet, "villages"),
    ("report-figures", views.ReportFigureViewSet, "report-figures"),
    ("projects", views.ProjectViewSet, "projects"),
    ("fund-sources", views.FundSourceViewSet, "fund-sources"),
    ("allocations", views.AllocationViewSet, "allocations"),
    ("gate-transitions", views.GateTransitionViewSet, "gate-transitions"),
]
