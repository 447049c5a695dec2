"""/api/v1/: every app's routes on one router, token login and the user's tokens, and the schema with its offline
Swagger UI."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, permissions
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.routers import DefaultRouter

from assessments.api.urls import ROUTES as ASSESSMENT_ROUTES
from cadres.api.urls import ROUTES as CADRE_ROUTES
from dashboards.api.urls import ROUTES as DASHBOARD_ROUTES
from households.api.urls import ROUTES as HOUSEHOLD_ROUTES
from search.api.urls import ROUTES as SEARCH_ROUTES
from villages.api.urls import ROUTES as VILLAGE_ROUTES

router = DefaultRouter()
ROUTES = (*DASHBOARD_ROUTES, *VILLAGE_ROUTES, *HOUSEHOLD_ROUTES, *CADRE_ROUTES, *ASSESSMENT_ROUTES,
          *SEARCH_ROUTES)
for prefix, viewset, basename in ROUTES:
    router.register(prefix, viewset, basename=basename)


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([permissions.AllowAny])
@schema(None)
def not_found(request, path):
    """Any other address under /api/: a JSON 404 (Django's HTML page is no answer for an API client)."""
    raise exceptions.NotFound


app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/auth/", include("accounts.api.urls")),  # token/, logout/, logout-all/, tokens/
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^(?P<path>.*)$", not_found),
]
