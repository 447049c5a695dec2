"""Reads of the dashboards: a page of the rows behind a number, built once for the rows page and the API."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import models

from povertyboard.privacy import shown
from villages.models import ReportFigure

from . import dashboard, figures

ROWS_PER_PAGE = 100
DISPLAY_FIELDS = ("name", "head_name", "title", "number", "code")


def _columns(model) -> list[tuple[models.Field, str]]:
    """The row's columns as a clerk reads them: own fields, and a related row by its name (one join each)."""
    columns = []
    for f in model._meta.concrete_fields:
        if not f.is_relation:
            columns.append((f, f.attname))
            continue
        names = {g.name for g in f.related_model._meta.concrete_fields}
        display = next((d for d in DISPLAY_FIELDS if d in names), None)
        columns.append((f, f"{f.name}__{display}" if display else f.attname))
    return columns


def rows_table(rows, page_number, may_see_ids: bool = False) -> dict:
    """A page of rows as a table: headers, cells (choices shown by label, personal data reduced for all but
    administrators: povertyboard.privacy) and the page."""
    columns = _columns(rows.model)
    page = Paginator(rows.order_by("pk").values_list(*[path for _f, path in columns]), ROWS_PER_PAGE).get_page(
        page_number)
    names = [c.name for c, _p in columns]
    choices = {i: dict(c.flatchoices) for i, (c, _p) in enumerate(columns) if c.choices}
    table = [
        [choices[i].get(v, v) if i in choices else shown(names[i], v, whole=may_see_ids) for i, v in enumerate(row)]
        for row in page
    ]
    return {
        "model_name": rows.model._meta.verbose_name_plural,
        "headers": [c.verbose_name for c, _p in columns],
        "table": table,
        "page": page,
    }


@dataclass(frozen=True)
class RowsPage:
    """The rows behind a number in an area: what it is, its value over these rows, and one page of them."""

    key: str
    label: str
    unit: str
    value: Decimal
    applied: dict  # the filters and figure parameters applied, as given
    filters: list  # (shown name, shown values) of each
    report: ReportFigure | None  # the report figure of the same key (a county's)
    table: dict  # rows_table()

    @property
    def page(self) -> Page:
        return self.table["page"]


def rows_page(key: str, area, params, page_number, may_see_ids: bool) -> RowsPage:
    """Figure `key`'s rows in the area narrowed by `params` (a chart cell's filters), page `page_number`.
    Raises ValidationError (or ValueError) for a filter value the rows cannot take."""
    rows, applied = dashboard.filtered_rows(key, area, params)
    label, unit = dashboard.LABELS.get(key, (None, ""))
    report = dashboard.report_figures_of(area).get(key)
    return RowsPage(
        key=key,
        label=label or (report.label if report else key),
        unit=unit or (report.unit if report else ""),
        value=figures.measure(key, rows, applied),
        applied=applied,
        filters=dashboard.filter_labels(rows, applied),
        report=report,
        table=rows_table(rows, page_number, may_see_ids),
    )
