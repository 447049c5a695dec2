"""Routes of the villages API: (prefix, viewset, basename), registered under /api/v1/."""

from . import views

ROUTES = [
    ("projects", views.ProjectViewSet, "projects"),
    ("fund-sources", views.FundSourceViewSet, "fund-sources"),
    ("allocations", views.AllocationViewSet, "allocations"),
    ("gate-transitions", views.GateTransitionViewSet, "gate-transitions"),
]
