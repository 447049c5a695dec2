"""Routes of the cadres API: (prefix, viewset, basename), registered under /api/v1/."""

ROUTES = []
