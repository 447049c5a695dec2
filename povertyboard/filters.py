"""The filter pieces every app's filtersets share (API lists and the site's list pages).

- `in_area(rows)`: the choices of a foreign-key filter, limited to the requesting user's counties, so
  another county's id or code is a 400 naming the parameter, never a way in.
- `YesNoFilter`: true / false → a bool; anything else is a 400 (django-filter's BooleanFilter ignores it).
- `IntegerFilter` / `year_filter`: a whole number (1.5 is a 400, not truncated), a year within bounds.
- `CodeFilter` / `IdFilter`: a row by its code or id, among the user's (the area filters built on them are
  villages.filters' `county_filter`, `township_filter` and `village_filter`).
- `SortFilter`: a list page's ?sort=, with missing values last in either direction (povertyboard.db.nulls_last).

Each filter's schema (drf-spectacular) says its type and carries its label (or help_text) as the description.
"""

import django_filters
from django import forms
from django.core.validators import EMPTY_VALUES
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from povertyboard.access import access_of
from povertyboard.db import nulls_last

YES_NO = [("true", _("是")), ("false", _("否"))]


def in_area(rows):
    """The queryset callable of a foreign-key filter: `rows` (a model or a queryset) in the user's counties,
    by the path their model declares (povertyboard.access); without a request, no rows."""

    def choices(request):
        qs = rows.all() if isinstance(rows, QuerySet) else rows._default_manager.all()
        if request is None:
            return qs.none()
        return access_of(request.user).restrict(qs)

    return choices


class SortFilter(django_filters.OrderingFilter):
    """The ?sort= of a list page (whitelisted fields), sorted by nulls_last."""

    def ordering_of(self, value) -> list[str]:
        return [self.get_ordering_value(param) for param in value or () if param not in EMPTY_VALUES]

    def filter(self, qs, value):
        ordering = self.ordering_of(value)
        return qs.order_by(*nulls_last(ordering)) if ordering else qs


class DescribedFilter:
    """A filter whose OpenAPI schema is the subclass's `schema()`, described by its help_text or label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schema = self.schema()
        description = self.extra.get("help_text") or self.label
        if description:
            schema["description"] = description
        extend_schema_field(schema)(self)


class YesNoFilter(DescribedFilter, django_filters.TypedChoiceFilter):
    """true / false → True / False (also for method= filters); anything else is a 400."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=YES_NO, coerce=lambda value: value == "true", **kwargs)

    def schema(self) -> dict:
        return {"type": "string", "enum": ["true", "false"]}


class IntegerFilter(DescribedFilter, django_filters.NumberFilter):
    """A whole number (NumberFilter takes decimals); min_value / max_value bound it, in the schema too."""

    field_class = forms.IntegerField

    def schema(self) -> dict:
        bounds = {"minimum": self.extra.get("min_value"), "maximum": self.extra.get("max_value")}
        return {"type": "integer", **{key: value for key, value in bounds.items() if value is not None}}


def year_filter(label, min_value: int = 1, max_value: int = 9999, **kwargs) -> IntegerFilter:
    return IntegerFilter(label=label, min_value=min_value, max_value=max_value, **kwargs)


class CodeFilter(DescribedFilter, django_filters.ModelChoiceFilter):
    """A row by its code (county: 6 digits; village: 12), among the given queryset's; pass to_field_name."""

    def schema(self) -> dict:
        return {"type": "string"}


class IdFilter(DescribedFilter, django_filters.ModelChoiceFilter):
    """A row by its id, among the given queryset's."""

    def schema(self) -> dict:
        return {"type": "integer"}
