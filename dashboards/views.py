"""The dashboards' pages: home (the user's area), county / township / village pages with their charts, the rows
behind a number, the village map, and the report figures with their rows (/reports/)."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.http import require_safe

from households import selectors as households
from povertyboard import context_processors
from povertyboard.access import access_of, get_readable_or_404
from povertyboard.context_processors import user_counties
from villages.models import County, ReportFigure, Township, Village
from villages.selectors import shows_demo

from . import dashboard as dashboards
from . import figures as report_figures
from . import selectors, snapshots


@require_safe
def figures(request):
    """Every report figure of the user's counties beside the value recomputed from the rows, with its source."""
    access = access_of(request.user)
    counties = access.restrict(County.objects.filter(report_figures__isnull=False)).distinct()
    selected = request.GET.get("county", "")
    stored = access.restrict(ReportFigure.objects.all())
    if selected:
        stored = stored.filter(county__code=selected)
    results = report_figures.reconcile(stored)
    return render(request, "dashboards/report_figures.html", {
        "results": results,
        "counties": counties,
        "selected": selected,
        "mismatches": sum(not r.ok for r in results),
    })


# Fields that name a related row, in order of preference, when a rows table shows a foreign key.
@require_safe
def figure_rows(request, county_code: str, key: str):
    """The rows one report figure is computed from (only for a county the user may read)."""
    figure = get_readable_or_404(request.user, ReportFigure.objects.select_related("county"),
                                 county__code=county_code, key=key)
    if key not in report_figures.FIGURES:
        raise Http404
    rows = report_figures.rows(key, figure.county)
    return render(request, "dashboards/figure_rows.html", {
        "figure": figure,
        "computed": report_figures.compute(key, figure.county),
        **selectors.rows_table(rows, request.GET.get("page"), access_of(request.user).may_see_resident_ids),
        "demo": shows_demo(figure.county),
    })


# ------------------------------------------------------------------ area pages (issue 3)


# Each kind of area with what its pages show of the areas above it.
AREAS = {"county": County.objects.all(), "township": Township.objects.with_county(),
         "village": Village.objects.select_related("township").with_county()}


def _area(request, kind: str, ref: str):
    """The county, township or village (by its area_ref) the user may read, or 404."""
    if kind not in AREAS:
        raise Http404
    rows = AREAS[kind]
    return get_readable_or_404(request.user, rows, **{rows.model.ref_field: ref})


def _link(area, key: str, query: dict | None = None) -> str:
    url = reverse("areas:rows", args=[area.area_kind, area.area_ref, key])
    return f"{url}?{urlencode(query)}" if query else url


class Linked:
    """A dashboard number with the URL of its rows and, for a report figure, of its source sentence."""

    def __init__(self, area, cell_or_number, label="", unit="", report=None):
        self.key = cell_or_number.key
        self.value = cell_or_number.value
        self.label = label or getattr(cell_or_number, "label", "")
        self.unit = unit or getattr(cell_or_number, "unit", "")
        self.url = _link(area, self.key, getattr(cell_or_number, "query", None))
        self.report = report
        self.source_url = reverse("reports:figure_rows", args=[report.county.code, report.key]) if report else ""


class PageFigures:
    """What an area page draws from its dashboard, built on first use: when the page's rendered figures are in
    the cache (keyed by the snapshot, see dashboards/templates/dashboards/area.html) none of it is built."""

    def __init__(self, area, board):
        self.area, self.board = area, board
        # the key of the rendered figures: a new computation of the dashboard has a new time
        self.key = board.computed_at.isoformat() if board.computed_at else ""

    @cached_property
    def headline(self):
        return [Linked(self.area, n, report=self.board.report_keys.get(n.key)) for n in self.board.headline]

    @cached_property
    def _charts(self):
        charts, charts_json = [], []
        for c in self.board.charts:
            rows = [(label, [Linked(self.area, cell) for cell in cells]) for label, cells in c.rows()]
            charts.append({"chart": c, "rows": rows})
            spec = c.as_json()
            for i, series in enumerate(spec["series"]):
                series["urls"] = [cells[i].url for _label, cells in rows]
            charts_json.append(spec)
        return charts, charts_json

    @property
    def charts(self):
        return self._charts[0]

    @property
    def charts_json(self):
        return self._charts[1]

    @cached_property
    def tables(self):
        return {name: [(label, Linked(self.area, cell)) for label, cell in rows]
                for name, rows in self.board.tables.items()}


def _page_context(request, area) -> dict:
    board = snapshots.dashboard(area, deferred=True)
    county = area.county
    context_processors.note_county(request, county)
    return {
        "area": area,
        "kind": board.kind,
        "county": county,
        "figures": PageFigures(area, board),
        "as_of": board.as_of,
        "computed_at": board.computed_at,
        "printed": timezone.localdate(),
        "demo": board.demo,
    }


# 行政村: current village committees (the division data also holds residents' committees).
ADMINISTRATIVE_VILLAGE = {"kind": Village.Kind.VILLAGE_COMMITTEE, "active": True}


def _children_of_county(county):
    return Township.objects.filter(county=county).annotate(
        village_count=Count("villages", filter=Q(**{f"villages__{k}": v for k, v in ADMINISTRATIVE_VILLAGE.items()}),
                            distinct=True),
        poor_village_count=Count("villages", filter=Q(villages__is_poor=True), distinct=True),
        **households.status_counts("villages__households"),
    ).order_by("name")


def _villages_with_progress(rows):
    """Villages annotated with household counts and progress (share of registered households exited)."""
    return rows.annotate(**households.status_counts("households")).order_by("code")


@require_safe
def county_page(request, county_code: str):
    county = _area(request, "county", county_code)
    context = _page_context(request, county)
    context["townships"] = SimpleLazyObject(lambda: _children_of_county(county))  # read only if the page is not cached
    return render(request, "dashboards/area.html", context)


@require_safe
def township_page(request, township_id: int):
    township = _area(request, "township", township_id)
    context = _page_context(request, township)
    context["villages"] = SimpleLazyObject(lambda: _villages_with_progress(Village.objects.filter(township=township)))
    return render(request, "dashboards/area.html", context)


@require_safe
def village_page(request, village_code: str):
    village = _area(request, "village", village_code)
    context = _page_context(request, village)
    context["team"] = SimpleLazyObject(lambda: dashboards.team(village))  # read only if the page is not cached
    return render(request, "dashboards/area.html", context)


@require_safe
def area_rows(request, area_kind: str, area_ref: str, key: str):
    """The rows behind any dashboard number: a figure's rows in an area, narrowed by the chart's filters."""
    area = _area(request, area_kind, area_ref)
    if key not in report_figures.ALL_FIGURES:
        raise Http404
    try:
        found = selectors.rows_page(key, area, request.GET, request.GET.get("page"),
                                    access_of(request.user).may_see_resident_ids)
    except (ValidationError, ValueError, TypeError):
        raise Http404 from None
    return render(request, "dashboards/area_rows.html", {
        "area": area,
        "kind": area_kind,
        "county": area.county,
        "key": key,
        "label": found.label,
        "unit": found.unit,
        "value": found.value,
        "filters": found.filters,
        "report": found.report,
        **found.table,
        "demo": shows_demo(area),
    })


@require_safe
def map_page(request, county_code: str):
    county = _area(request, "county", county_code)
    villages = list(_villages_with_progress(Village.objects.in_county(county)
                                            .select_related("township")))
    points = []
    for v in villages:
        registered = v.household_count
        progress = round(v.exited_count / registered, 3) if registered else None
        v.progress = progress
        if v.latitude is None or v.longitude is None:
            continue
        points.append({
            "code": v.code, "name": v.name, "township": v.township.name, "lat": v.latitude, "lon": v.longitude,
            "poor": v.is_poor, "households": registered, "exited": v.exited_count, "progress": progress,
            "url": reverse("areas:village", args=[v.code]),
        })
    return render(request, "dashboards/map.html", {
        "county": county,
        "villages": villages,
        "map_data": {
            "tileUrl": settings.MAP_TILE_URL,
            "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
            "center": [county.latitude, county.longitude] if county.latitude is not None else None,
            "villages": points,
            "townships": [{"name": t.name, "lat": t.latitude, "lon": t.longitude}
                          for t in Township.objects.filter(county=county, villages__isnull=False).distinct()
                          if t.latitude is not None and t.longitude is not None],
        },
        "demo": shows_demo(county),
    })


def county_overview():
    """Every county in the database with its township / village counts, in one query."""
    return County.objects.annotate(
        township_count=Count("townships", distinct=True),
        village_count=Count("townships__villages", distinct=True, filter=Q(
            **{f"townships__villages__{k}": v for k, v in ADMINISTRATIVE_VILLAGE.items()})),
        poor_village_count=Count(
            "townships__villages", filter=Q(townships__villages__is_poor=True), distinct=True
        ),
        demo_village_count=Count(
            "townships__villages", filter=Q(townships__villages__is_demo=True), distinct=True
        ),
    ).order_by("code")


# The numbers a prefecture account compares its counties by, on its home page (a subset of a county's headline).
HOME_HEADLINE = ("poor-households", "poor-people", "poverty-incidence", "exited-households", "poor-villages")


@require_safe
def home(request):
    """After login, each role's work: a cadre's 我的工作, a supervisor's assessment, the dashboard of the user's
    county (a chooser among several), or why there is none. The navigation still reaches every page."""
    access = access_of(request.user)
    if not access.is_admin and access.is_cadre:
        return redirect("work:home")
    if not access.is_admin and access.is_supervisor and not access.is_county_staff:
        return redirect("assess:periods")
    counties = user_counties(request)
    if len(counties) == 1:
        return redirect("areas:county", county_code=counties[0].code)
    if counties:
        overview = list(county_overview().filter(pk__in=[c.pk for c in counties]))
        numbers = snapshots.headlines(overview)
        for county in overview:
            county.headline = [n for n in numbers[county.pk] if n.key in HOME_HEADLINE]
        return render(request, "dashboards/home.html", {"counties": overview,
                                                        "headline_labels": overview[0].headline})
    return render(request, "dashboards/home.html", {
        "counties": [],
        "no_area": not access.is_admin,
    })
