"""Routes of the assessments API: (prefix, viewset, basename), registered under /api/v1/."""

ROUTES = []
