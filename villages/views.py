from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from households.validators import mask_resident_id

from . import figures as report_figures
from .models import County, ReportFigure, Village

ROWS_PER_PAGE = 100


def figures(request):
    """Every report figure beside the value recomputed from the rows, with its source sentence."""
    counties = County.objects.filter(report_figures__isnull=False).distinct()
    selected = request.GET.get("county", "")
    stored = ReportFigure.objects.all()
    if selected:
        stored = stored.filter(county__code=selected)
    results = report_figures.reconcile(stored)
    return render(request, "villages/report_figures.html", {
        "results": results,
        "counties": counties,
        "selected": selected,
        "mismatches": sum(not r.ok for r in results),
    })


def _columns(model) -> list[models.Field]:
    """The row's own columns (no relations), as a clerk would read them."""
    return [f for f in model._meta.concrete_fields if not f.is_relation]


def figure_rows(request, county_code: str, key: str):
    """The rows one report figure is computed from."""
    figure = get_object_or_404(ReportFigure.objects.select_related("county"), county__code=county_code, key=key)
    if key not in report_figures.FIGURES:
        raise Http404
    rows = report_figures.rows(key, figure.county).order_by("pk")
    columns = _columns(rows.model)
    page = Paginator(rows.values_list(*[c.attname for c in columns]), ROWS_PER_PAGE).get_page(
        request.GET.get("page"))
    masked = {i for i, c in enumerate(columns) if c.name == "id_number"}
    choices = {i: dict(c.flatchoices) for i, c in enumerate(columns) if c.choices}
    table = [
        [mask_resident_id(v) if i in masked else choices[i].get(v, v) if i in choices else v
         for i, v in enumerate(row)]
        for row in page
    ]
    return render(request, "villages/figure_rows.html", {
        "figure": figure,
        "computed": report_figures.compute(key, figure.county),
        "model_name": rows.model._meta.verbose_name_plural,
        "headers": [c.verbose_name for c in columns],
        "table": table,
        "page": page,
        # Rows of a county seeded with demo villages are demo rows, whatever their model.
        "demo": Village.objects.filter(township__county=figure.county, is_demo=True).exists(),
    })
