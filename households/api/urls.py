"""Routes of the households API: (prefix, viewset, basename), registered under /api/v1/."""

ROUTES = []
