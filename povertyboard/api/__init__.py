"""The REST API's shared parts: scoping, pagination, strict query parameters, errors and the schema.

Each app keeps its own serializers and viewsets in `<app>/api/` and lists them in `<app>/api/urls.py` as
ROUTES; `povertyboard/api/urls.py` registers every app's routes on one router under /api/v1/, so the
generated tests (tests/api/) walk one registry.
"""
