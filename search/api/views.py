"""GET /api/v1/search/?q=: the site's search (search.selectors), grouped by kind, 20 hits per kind."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from search import terms
from search.selectors import PAGE, search
from search.views import as_json

from .serializers import SearchSerializer


class SearchViewSet(viewsets.ViewSet):
    """Households (head or member name, household number), villages and townships (name or code prefix), cadres
    and helpers (name prefix) in the user's area; a whole resident ID or mobile number by exact match only."""

    @extend_schema(
        summary="Search the user's area",
        parameters=[OpenApiParameter("q", str, required=True, description=(
            f"{terms.MIN_LENGTH}–{terms.MAX_LENGTH} characters, no control characters: a name or code prefix, "
            "or a whole resident ID or mobile number (partial digits of these find nothing)"))],
        responses=SearchSerializer)
    def list(self, request):
        try:
            term = terms.parse(request.query_params.get("q"))
        except ValidationError as refused:
            raise exceptions.ValidationError({"q": refused.messages}) from None
        return Response(as_json(search(request.user, term, PAGE)))
