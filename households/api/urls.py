"""Routes of the households API: (prefix, viewset, basename), registered under /api/v1/."""

from .views import (
    BenefitViewSet,
    HelperViewSet,
    HouseholdViewSet,
    MeasureViewSet,
    MemberViewSet,
    PairingViewSet,
    VisitViewSet,
)

ROUTES = [
    ("households", HouseholdViewSet, "households"),
    ("members", MemberViewSet, "members"),
    ("benefits", BenefitViewSet, "benefits"),
    ("helpers", HelperViewSet, "helpers"),
    ("pairings", PairingViewSet, "pairings"),
    ("measures", MeasureViewSet, "measures"),
    ("visits", VisitViewSet, "visits"),
]
