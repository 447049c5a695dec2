"""The dashboard figures (dashboards/dashboard.py): numbers on the pages equal the reconciliation figures,
every chart number equals the rows it links to, and the poverty incidence is what the page says it is."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dashboards import dashboard, figures
from dashboards.figures import plain
from households.models import Household
from villages.models import County, ReportFigure, Village


def shown_figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([a-z0-9-]+)"[^>]*>([^<]*)<', html))


def test_numbers_on_the_county_pages_equal_the_reconciliation_figures(client, seeded, django_user_model):
    client.force_login(django_user_model.objects.get(username="prefecture"))
    checked = 0
    for county in County.objects.all():
        shown = shown_figures(client.get(reverse("areas:county", args=[county.code])).content.decode())
        for figure in ReportFigure.objects.filter(county=county, key__in=shown):
            assert shown[figure.key] == plain(figures.compute(figure.key, county)), figure.key
            result = figures.Reconciled(figure, figures.compute(figure.key, county))
            assert result.ok, figure.key
            checked += 1
        # every headline number is the figure computed in one place
        for key, text in shown.items():
            assert text == plain(figures.compute(key, county)), key
    assert checked >= 8


def test_reconciliation_still_75_ok(seeded):
    results = figures.reconcile()
    assert len(results) == 75 and all(r.ok for r in results)


@pytest.mark.parametrize("code", ["632801", "632821"])
@pytest.mark.parametrize("kind", ["county", "township", "village"])
def test_every_chart_number_equals_the_rows_it_links_to(seeded, kind, code):
    """In both seeded counties, at every level: the rows behind each chart point (a year's incidence included) and
    each table cell give exactly that number."""
    county = County.objects.get(code=code)
    village = Village.objects.filter(county=county, is_poor=True).order_by("code").first()
    area = {"county": county, "township": village.township, "village": village}[kind]
    board = dashboard.dashboard(area)
    assert len(board.charts) >= 6
    checked = years = 0
    for chart in board.charts:
        for series in chart.series:
            for cell in series.cells:
                rows, applied = dashboard.filtered_rows(cell.key, area, cell.query)
                assert applied == cell.query
                assert figures.measure(cell.key, rows, applied) == cell.value, (chart.id, series.label, cell)
                checked += 1
                years += cell.key == "poverty-incidence"
    for cells in board.tables.values():
        for _label, cell in cells:
            rows, _applied = dashboard.filtered_rows(cell.key, area, cell.query)
            assert figures.ALL_FIGURES[cell.key].measure(rows) == cell.value, cell
    assert checked > 20
    assert years >= 2, "each year's poverty incidence is a point with rows of its own"


def test_a_years_incidence_counts_the_people_poor_at_that_years_end(seeded):
    """The rows behind 2015's point give 2015's incidence, not today's (households identified and exited in 2016
    make the two differ)."""
    county = County.objects.get(code="632801")
    chart = dashboard.progress_chart(county)
    line = next(s for s in chart.series if s.cells and s.cells[0].key == "poverty-incidence")
    by_year = {int(label): cell for label, cell in zip(chart.labels, line.cells, strict=True)}
    assert by_year[2015].value != by_year[2016].value == figures.compute("poverty-incidence", county)
    rows, applied = dashboard.filtered_rows("poverty-incidence", county, {"year": "2015"})
    assert applied == {"year": "2015"}
    assert figures.measure("poverty-incidence", rows, applied) == by_year[2015].value
    assert figures.measure("poverty-incidence", rows, {}) == figures.compute("poverty-incidence", county)
    for bad in ("20x5", "15", "-2015", "２０１５"):
        with pytest.raises(ValidationError):
            dashboard.filtered_rows("poverty-incidence", county, {"year": bad})


def test_distribution_adds_up_to_the_registered_households(seeded):
    village = Village.objects.filter(township__county__code="632821").order_by("code").first()
    chart = dashboard.distribution_chart(village)
    assert len(chart.labels) >= village.group_count
    total = sum(c.value for s in chart.series for c in s.cells)
    assert total == Household.objects.filter(village=village).count()


def test_latest_year_incidence_is_the_headline_poverty_incidence(seeded):
    county = County.objects.get(code="632801")
    chart = dashboard.progress_chart(county)
    line = next(s for s in chart.series if s.kind == "line")
    assert line.cells[chart.labels.index("2016")].value == figures.compute("poverty-incidence", county)
