"""The seed reproduces every figure of both reports from rows; it is idempotent and refuses conflicts."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from dashboards.figures import FIGURES, compute, reconcile
from demo.seed import SeedConflict, load_fixtures, seed_reports
from households.models import Benefit
from villages.models import County, ReportFigure, Township, Village

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
APP_LABELS = ("villages", "households", "cadres", "assessments")

# Arabic numerals in the reports that are not figures of rows, and why.
NOT_FIGURES = {
    "000_4a63071c679b138f.txt": {
        "03.11.2016": "publication date", "23:20": "publication time",
        "5": "bound of the collective-income brackets (villages.selectors.ECONOMY_BRACKETS)",
        "50": "bound of the collective-income brackets", "100": "bound of the collective-income brackets",
    },
    "002_18ffb3c423aa30ad.txt": {
        "331": "the name of the cadre method (三个三一)",
    },
}


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for label in APP_LABELS for m in apps.get_app_config(label).get_models()}


@pytest.mark.django_db
def test_every_report_figure_reconciles_from_rows():
    seed_reports()
    results = reconcile()
    assert len(results) == 75
    assert [r.figure.key for r in results if not r.ok] == []
    # Exact figures are reproduced exactly, "余/以上" figures are reached.
    for r in results:
        if r.figure.comparison == ReportFigure.Comparison.EXACT:
            assert r.computed == r.figure.value, r.figure.key
        else:
            assert r.computed >= r.figure.value, r.figure.key


@pytest.mark.django_db
def test_every_figure_has_a_selector_and_a_source_sentence_from_its_report():
    _, figures = load_fixtures()
    assert {f["key"] for f in figures} == set(FIGURES)
    if not SEEDS.exists():
        pytest.skip("../shared/seeds is not beside the checkout")
    for f in figures:
        text = (SEEDS / f["report_file"]).read_text(encoding="utf-8")
        assert f["source_sentence"] in text, f["key"]


def test_every_number_in_the_reports_is_a_stored_figure_or_explained():
    if not SEEDS.exists():
        pytest.skip("../shared/seeds is not beside the checkout")
    _, figures = load_fixtures()
    for report_file, excluded in NOT_FIGURES.items():
        text = (SEEDS / report_file).read_text(encoding="utf-8")
        values = {Decimal(f["value"]) for f in figures if f["report_file"] == report_file}
        for token in excluded:
            assert token in text
        for number in re.findall(r"\d+(?:[.:]\d+)*", text):
            if number in excluded:
                continue
            parts = re.split(r"[:+]", number)
            for part in parts:
                assert Decimal(part) in values, f"{report_file}: {number} is neither a figure nor explained"


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    first = seed_reports()
    counts = row_counts()
    figures = list(ReportFigure.objects.order_by("pk").values())
    second = seed_reports()
    assert first.startswith("seeded")
    assert second == "already seeded: nothing changed"
    assert row_counts() == counts
    assert list(ReportFigure.objects.order_by("pk").values()) == figures


@pytest.mark.django_db
def test_seed_refuses_a_county_code_with_another_name_and_changes_nothing():
    County.objects.create(code="632821", name="别的县", prefecture="某州")
    before = row_counts()
    with pytest.raises(SeedConflict, match="632821"):
        seed_reports()
    assert row_counts() == before
    with pytest.raises(CommandError, match="数据库未作任何修改"):
        call_command("seed_reports")
    assert row_counts() == before


@pytest.mark.django_db
def test_seed_refuses_to_mix_demo_rows_with_real_villages():
    """A real village whose poor flag was entered (not only loaded from the division codes) is real data."""
    county = County.objects.create(code="632801", name="格尔木市", prefecture="海西蒙古族藏族自治州")
    township = Township.objects.create(county=county, code="632801100", name="郭勒木德镇", kind=Township.Kind.TOWN)
    Village.objects.create(township=township, code="632801100200", name="中村委会", is_poor=True, is_demo=False)
    before = row_counts()
    with pytest.raises(SeedConflict, match="非演示数据"):
        seed_reports()
    assert row_counts() == before


@pytest.mark.django_db
def test_seed_refuses_a_stored_figure_with_another_value():
    seed_reports()
    figure = ReportFigure.objects.get(county__code="632821", key="dibao-people")
    figure.value = Decimal(1000)
    figure.save()
    with pytest.raises(SeedConflict, match="dibao-people"):
        seed_reports()


@pytest.mark.django_db
def test_reconcile_command_prints_every_figure_and_fails_on_a_mismatch(capsys):
    seed_reports()
    call_command("reconcile_reports")
    out = capsys.readouterr().out
    assert out.count("\tOK") == 75
    assert "75 OK, 0 MISMATCH" in out

    dibao = Benefit.objects.filter(kind=Benefit.Kind.DIBAO, **{f"{Benefit.county_path}__code": "632821"})
    dibao.first().delete()
    with pytest.raises(CommandError, match="3 figure"):
        call_command("reconcile_reports")
    out = capsys.readouterr().out
    mismatched = {line.split("\t")[1] for line in out.splitlines() if line.endswith("\tMISMATCH")}
    assert mismatched == {"dibao-households", "dibao-people", "dibao-payments"}
    wulan = County.objects.get(code="632821")
    assert compute("dibao-households", wulan) == 404


@pytest.mark.django_db
def test_reconcile_command_refuses_an_empty_database():
    with pytest.raises(CommandError, match="seed_reports"):
        call_command("reconcile_reports")
