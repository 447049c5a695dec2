"""Routes of the villages API: (prefix, viewset, basename), registered under /api/v1/."""

ROUTES = []
