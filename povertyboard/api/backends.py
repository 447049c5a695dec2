"""Filtering, pagination and ordering of every API list (named in settings.REST_FRAMEWORK: no viewset imports)."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, filters
from rest_framework.pagination import PageNumberPagination

from povertyboard.db import nulls_last


class Pagination(PageNumberPagination):
    """50 rows a page (?page_size= up to 200); a page that is not a number is a 400, one past the end a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        for name in ("page", self.page_size_query_param):
            raw = request.query_params.get(name)
            if raw is not None and (not raw.isdigit() or int(raw) < 1):
                raise exceptions.ValidationError({name: [_("请输入正整数。")]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        descriptions = {"count": "Rows matching the filters (符合条件的总行数)",
                        "next": "URL of the next page, null on the last (下一页)",
                        "previous": "URL of the previous page, null on the first (上一页)",
                        "results": "The rows of this page (本页数据)"}
        for name, text in descriptions.items():
            paginated["properties"][name]["description"] = text
        return paginated


class StrictOrderingFilter(filters.OrderingFilter):
    """?ordering= over the view's ordering_fields; an unknown field is a 400 instead of being ignored, and missing
    values sort last either way (povertyboard.db.nulls_last)."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            valid = self.remove_invalid_fields(queryset, fields, view, request)
            if len(valid) != len(fields):
                bad = sorted(set(fields) - set(valid))
                raise exceptions.ValidationError(
                    {self.ordering_param: [_("不能按 %(fields)s 排序。") % {"fields": ", ".join(bad)}]})
            return valid
        return self.get_default_ordering(view)

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        return queryset.order_by(*nulls_last(ordering)) if ordering else queryset


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipping the filterset when the query holds no parameter but paging, ordering and
    search (which other backends read).

    Such a filterset returns the rows unchanged, but building it (a copy of every filter, its form, the area
    choices it would validate against) was a measurable part of an unfiltered household list's time
    (bench/HISTORY.md, "second machine").
    Every filter here leaves the rows alone when it has no value (none is required or has a default)."""

    not_filters = frozenset({Pagination.page_query_param, Pagination.page_size_query_param, "format",
                             StrictOrderingFilter.ordering_param, filters.SearchFilter.search_param})

    def filter_queryset(self, request, queryset, view):
        if request.query_params.keys() <= self.not_filters:
            return queryset
        return super().filter_queryset(request, queryset, view)
