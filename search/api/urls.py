"""Routes of the search API: (prefix, viewset, basename), registered under /api/v1/."""

from .views import SearchViewSet

ROUTES = [
    ("search", SearchViewSet, "search"),
]
