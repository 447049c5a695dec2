"""The headline numbers and six chart datasets of an area (county, township or village).

One place for the area pages (areas:county, areas:township, areas:village), the rows behind each number
(areas:rows) and, later, the REST API. Every number on a dashboard is a figure key of dashboards.figures
(ALL_FIGURES: the report figures and the dashboard figures), optionally narrowed by filters on that
figure's rows; FILTERS says which fields of which figure may be filtered. So a number always links to
exactly the rows it counts.

The six charts are the village battle charts of DESIGN.md (村级脱贫攻坚"6张图"); the township and county
pages aggregate the same six views (households by village / township instead of by village group).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cadres.models import Assignment, Unit
from households import selectors as households
from households.models import EIGHT_BATCHES, Household, MeasureCategory, PovertyCause
from povertyboard.db import yuan_to_wan
from villages import selectors as villages
from villages.models import FundSource, Gate, Project, ReportFigure, Village
from villages.selectors import Area

from . import figures

HS = Household.Status

# ------------------------------------------------------------------ what a number is


@dataclass(frozen=True)
class Cell:
    """One number: the figure it belongs to and the filters that narrow the figure's rows to it."""

    value: Decimal
    key: str
    filters: tuple = ()  # ((field, "v1,v2"), ...)

    @property
    def query(self) -> dict:
        return dict(self.filters)


@dataclass(frozen=True)
class Number:
    key: str
    label: str
    unit: str
    value: Decimal

    @classmethod
    def from_json(cls, item: list) -> "Number":
        key, label, unit, value = item
        return cls(key, label, unit, None if value is None else Decimal(value))


@dataclass
class Series:
    label: str
    cells: list[Cell]
    kind: str = ""  # "line" for a line drawn over bars
    axis: str = ""  # "y1" for the right-hand axis


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # bar, hbar, doughnut
    labels: list[str]
    series: list[Series]
    stacked: bool = False
    unit: str = ""
    note: str = ""

    @property
    def points(self) -> int:
        return sum(len(s.cells) for s in self.series)

    def rows(self):
        """The data table behind the chart: (label, [cell per series]) per label."""
        return [(label, [s.cells[i] for s in self.series]) for i, label in enumerate(self.labels)]

    def as_json(self) -> dict:
        return {
            "id": self.id, "title": str(self.title), "kind": self.kind, "stacked": self.stacked,
            "unit": str(self.unit), "labels": [str(label) for label in self.labels],
            "series": [{"label": str(s.label), "kind": s.kind, "axis": s.axis,
                        "data": [None if c.value is None else float(c.value) for c in s.cells]}
                       for s in self.series],
        }


def _value(value) -> str | None:
    return None if value is None else str(value)


def _cell_json(cell: Cell) -> list:
    return [_value(cell.value), cell.key, [list(f) for f in cell.filters]]


def _cell(data: list) -> Cell:
    value, key, filters = data
    return Cell(None if value is None else Decimal(value), key, tuple(tuple(f) for f in filters))


@dataclass
class Dashboard:
    area: Area
    kind: str
    headline: list[Number]
    charts: list[Chart]
    tables: dict = field(default_factory=dict)  # name -> list of (label, Cell)
    report_keys: dict = field(default_factory=dict)  # figure key -> ReportFigure of the county
    as_of: datetime.date | None = None
    computed_at: datetime.datetime | None = None  # when the figures were computed (dashboards.snapshots)
    demo: bool = False  # the area holds demo rows (villages.selectors.shows_demo), marked wherever it shows

    def to_json(self) -> dict:
        """Everything but the area and its report figures, as JSON (labels in the active language)."""
        return {
            "kind": self.kind,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "demo": self.demo,
            "headline": [[n.key, str(n.label), str(n.unit), _value(n.value)] for n in self.headline],
            "charts": [{"id": c.id, "title": str(c.title), "kind": c.kind, "labels": [str(x) for x in c.labels],
                        "stacked": c.stacked, "unit": str(c.unit), "note": str(c.note),
                        "series": [{"label": str(s.label), "kind": s.kind, "axis": s.axis,
                                    "cells": [_cell_json(cell) for cell in s.cells]} for s in c.series]}
                       for c in self.charts],
            # a list, not an object: PostgreSQL's jsonb does not keep the order of an object's keys
            "tables": [[name, [[str(label), _cell_json(cell)] for label, cell in rows]]
                       for name, rows in self.tables.items()],
        }

    @classmethod
    def from_json(cls, area: Area, data: dict, report_keys: dict, computed_at) -> "Dashboard":
        return cls(
            area, data["kind"],
            [Number.from_json(item) for item in data["headline"]],
            [Chart(c["id"], c["title"], c["kind"], c["labels"],
                   [Series(s["label"], [_cell(x) for x in s["cells"]], s["kind"], s["axis"]) for s in c["series"]],
                   c["stacked"], c["unit"], c["note"]) for c in data["charts"]],
            {name: [(label, _cell(cell)) for label, cell in rows] for name, rows in data["tables"]},
            report_keys,
            datetime.date.fromisoformat(data["as_of"]) if data["as_of"] else None,
            computed_at,
            demo=data["demo"],
        )


# Labels and units of the figures a dashboard shows.
LABELS: dict[str, tuple] = {
    "identified-households": (_("建档立卡贫困户"), _("户")),
    "identified-people": (_("建档立卡贫困人口"), _("人")),
    "poor-households": (_("未脱贫户"), _("户")),
    "poor-people": (_("未脱贫人口"), _("人")),
    "exited-households": (_("已脱贫户"), _("户")),
    "exited-people": (_("已脱贫人口"), _("人")),
    "at-risk-households": (_("监测户（易返贫）"), _("户")),
    "poverty-incidence": (_("贫困发生率"), "%"),
    "villages": (_("行政村"), _("个")),
    "poor-villages": (_("贫困村"), _("个")),
    "exited-villages": (_("已退出贫困村"), _("个")),
    "measures-planned": (_("帮扶措施（计划）"), _("项")),
    "measures-implemented": (_("帮扶措施（已实施）"), _("项")),
    "fund-sources-total": (_("筹集资金"), _("万元")),
    "funds-allocated": (_("已分配资金"), _("万元")),
    "funds-disbursed": (_("已发放资金"), _("万元")),
    "projects": (_("项目"), _("个")),
    "first-secretaries": (_("第一书记"), _("名")),
    "team-cadres": (_("驻村工作队员"), _("名")),
    "poor-villages-without-first-secretary": (_("无第一书记的贫困村"), _("个")),
    "paired-households": (_("已结对帮扶户"), _("户")),
    "unpaired-households": (_("未结对帮扶户"), _("户")),
    "resident-team-households": (_("驻村工作队覆盖户"), _("户")),
    "visits-this-month": (_("本月走访"), _("次")),
    "visits": (_("走访（累计）"), _("次")),
    "hollow-villages": (_("空壳村（无集体收入）"), _("个")),
}

HEADLINE = {
    "county": [
        "identified-households", "identified-people", "poor-households", "poor-people", "exited-households",
        "exited-people", "at-risk-households", "poverty-incidence", "villages", "poor-villages",
        "exited-villages", "measures-planned", "measures-implemented", "fund-sources-total", "funds-allocated",
        "funds-disbursed", "projects", "first-secretaries", "team-cadres",
        "poor-villages-without-first-secretary", "paired-households", "unpaired-households", "visits",
        "visits-this-month", "hollow-villages",
    ],
    "township": [
        "identified-households", "identified-people", "poor-households", "poor-people", "exited-households",
        "exited-people", "at-risk-households", "poverty-incidence", "villages", "poor-villages",
        "exited-villages", "measures-planned", "measures-implemented", "funds-allocated", "funds-disbursed",
        "projects", "first-secretaries", "team-cadres", "poor-villages-without-first-secretary",
        "paired-households", "unpaired-households", "visits-this-month", "hollow-villages",
    ],
    "village": [
        "identified-households", "identified-people", "poor-households", "exited-households",
        "at-risk-households", "poverty-incidence", "measures-planned", "measures-implemented",
        "funds-allocated", "funds-disbursed", "projects", "paired-households", "unpaired-households",
        "visits-this-month",
    ],
}

# Fields of a figure's rows that a chart cell may filter on (anything else is refused).
FILTERS: dict[str, set[str]] = {
    "identified-households": {"status", "primary_cause", "group_no", "village", "village__township",
                              "planned_exit_year", "exit_year"},
    "paired-households": {"pairings__helper__unit__kind"},
    "measures-planned": {"category"},
    "measures-implemented": {"category"},
    "funds-allocated": {"gate", "source__kind"},
    "funds-disbursed": {"source__kind"},
    "fund-sources-total": {"kind"},
    "projects": {"status"},
}

# The shown name of a figure parameter (figures.Figure.parameters) on a rows page.
PARAMETER_LABELS = {"year": _("年末")}



def _lookup_field(model, path: str):
    """The model field at the end of a lookup path such as "pairings__helper__unit__kind"."""
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def filtered_rows(key: str, area: Area, params) -> tuple[QuerySet, dict]:
    """The figure's rows narrowed by the allowed filters found in params (a QueryDict or dict), and the filters and
    figure parameters applied (a parameter, such as the year of a year-end incidence, goes to the measure).

    Comma-separated values mean "any of". Raises ValidationError for a value the field cannot hold.
    """
    rows = figures.rows(key, area)
    applied = {}
    for name in sorted(figures.ALL_FIGURES[key].parameters):
        raw = params.get(name)
        if raw in (None, ""):
            continue
        if not (str(raw).isascii() and str(raw).isdigit()) or not 1900 <= int(raw) <= 2100:
            raise ValidationError(f"{name}: {raw}")
        applied[name] = str(int(raw))
    for name in sorted(FILTERS.get(key, ())):
        raw = params.get(name)
        if raw in (None, ""):
            continue
        try:
            model_field = _lookup_field(rows.model, name)
        except FieldDoesNotExist as exc:  # a FILTERS entry that does not fit the rows: a programming error
            raise ValidationError(str(exc)) from None
        if model_field.is_relation:
            model_field = model_field.target_field
        values = []
        for value in str(raw).split(","):
            python = model_field.to_python(value)
            model_field.run_validators(python)  # a number beyond the column's range: refused here, not by the database
            if model_field.choices and python not in dict(model_field.flatchoices):
                raise ValidationError(f"{name}: {value}")
            values.append(python)
        rows = rows.filter(**{f"{name}__in": values})
        applied[name] = raw
    return rows, applied


def filter_labels(rows: QuerySet, applied: dict) -> list[tuple[str, str]]:
    """(field name, shown values) of the applied filters, for the rows page heading."""
    shown = [(PARAMETER_LABELS[name], raw) for name, raw in applied.items() if name in PARAMETER_LABELS]
    for name, raw in applied.items():
        if name in PARAMETER_LABELS:
            continue
        model_field = _lookup_field(rows.model, name)
        choices = {str(k): v for k, v in model_field.flatchoices} if model_field.choices else {}
        shown.append((model_field.verbose_name, "、".join(str(choices.get(v, v)) for v in raw.split(","))))
    return shown


# ------------------------------------------------------------------ headline numbers


def headline(area: Area) -> list[Number]:
    return [Number(key, *LABELS[key], figures.compute(key, area)) for key in HEADLINE[area.area_kind]]


def report_figures_of(area: Area) -> dict:
    """Report figures stated for the area (only a county has them): key -> ReportFigure."""
    if area.area_kind != "county":
        return {}
    found = list(ReportFigure.objects.filter(county=area))
    for f in found:
        f.county = area  # already loaded: no query per figure when linking to it
    return {f.key: f for f in found}


# ------------------------------------------------------------------ the six charts


def _shown_with(message, **values):
    """A translated message with its values put in when it is shown, in the language active then: one computed
    dashboard serves every language (dashboards.snapshots stores each)."""
    return lazy(lambda: message % values, str)()


def _n(value) -> Decimal:
    return Decimal(value or 0)


# How the distribution chart breaks an area's households down: a village by group, a township by village, a county
# by township (the field grouped on and its label).
BREAKDOWN = {"township": ("village", "village__name"), "county": ("village__township", "village__township__name")}
BREAKDOWN_NOTES = {"village": _("按村民小组统计"), "township": _("按行政村统计"), "county": _("按乡镇统计")}


def distribution_chart(area: Area) -> Chart:
    """1 贫困户分布图: households by village group (village), village (township) or township (county) and status."""
    rows = households.households_in(area)
    counts = households.status_counts()
    if area.area_kind == "village":
        by_group = {r["group_no"]: r for r in rows.values("group_no").annotate(**counts).order_by("group_no")}
        groups = sorted(set(range(1, area.group_count + 1)) | set(by_group))
        labels = [_shown_with(_("第%(n)s组"), n=g) for g in groups]
        data = [(("group_no", str(g)),) for g in groups]
        found = [by_group.get(g, {}) for g in groups]
    else:
        dim, name = BREAKDOWN[area.area_kind]
        found = list(rows.values(dim, name).annotate(**counts).order_by(name))
        labels = [r[name] for r in found]
        data = [((dim, str(r[dim])),) for r in found]
    key = "identified-households"

    def series(label, status_field, statuses):
        return Series(label, [Cell(_n(r.get(status_field)), key, f + (("status", ",".join(statuses)),))
                              for r, f in zip(found, data, strict=True)])

    return Chart(
        "distribution", _("贫困户分布图"), "bar", labels,
        [series(_("未脱贫"), "poor_not_at_risk_count", households.POOR_NOT_AT_RISK),
         series(_("监测（易返贫）"), "at_risk_count", [HS.AT_RISK]), series(_("已脱贫"), "exited_count", [HS.EXITED])],
        stacked=True, unit=_("户"),
        note=BREAKDOWN_NOTES[area.area_kind],
    )


def causes_chart(area: Area) -> Chart:
    """2 致贫原因图: households by primary poverty cause."""
    found = {r["primary_cause"]: r["n"] for r in
             households.households_in(area).values("primary_cause").annotate(n=Count("pk")).order_by()}
    causes = [c for c in PovertyCause if found.get(c.value)]
    return Chart(
        "causes", _("致贫原因图"), "doughnut", [c.label for c in causes],
        [Series(_("户数"), [Cell(_n(found[c.value]), "identified-households", (("primary_cause", c.value),))
                            for c in causes])],
        unit=_("户"), note=_("按主要致贫原因统计"),
    )


def responsibility_chart(area: Area) -> Chart:
    """3 帮扶责任图: households paired with helpers of each kind of unit, coverage, resident work teams."""
    paired = households.paired_households(area)
    by_kind = {r["pairings__helper__unit__kind"]: r["n"] for r in
               households.households_in(area).filter(pairings__isnull=False)
               .values("pairings__helper__unit__kind").annotate(n=Count("pk", distinct=True)).order_by()}
    labels, cells = [], []
    for kind in Unit.Kind:
        labels.append(_shown_with(_("结对：%(kind)s"), kind=kind.label))
        cells.append(Cell(_n(by_kind.get(kind.value)), "paired-households",
                          (("pairings__helper__unit__kind", kind.value),)))
    totals = {key: figures.compute(key, area) for key in
              ("unpaired-households", "resident-team-households")}
    labels += [_("已结对户（合计）"), _("未结对户"), _("驻村工作队覆盖户")]
    cells += [Cell(figures.ALL_FIGURES["paired-households"].measure(paired), "paired-households"),
              Cell(totals["unpaired-households"], "unpaired-households"),
              Cell(totals["resident-team-households"], "resident-team-households")]
    return Chart("responsibility", _("帮扶责任图"), "hbar", labels, [Series(_("户数"), cells)], unit=_("户"),
                 note=_("结对帮扶单位（党政军企）与驻村工作队对贫困户的覆盖"))


def measures_chart(area: Area) -> Chart:
    """4 帮扶措施图: measures by 八个一批 category (and the sector programmes together), planned vs implemented."""
    found = {r["category"]: r for r in households.measures_in(area).values("category").annotate(
        planned=Count("pk"), implemented=Count("pk", filter=Q(status="implemented"))).order_by()}
    labels = [MeasureCategory(c).label for c in EIGHT_BATCHES] + [_("行业扶贫措施")]
    planned = [Cell(_n(found.get(c, {}).get("planned")), "measures-planned", (("category", c),))
               for c in EIGHT_BATCHES]
    implemented = [Cell(_n(found.get(c, {}).get("implemented")), "measures-implemented", (("category", c),))
                   for c in EIGHT_BATCHES]
    other = [r for c, r in found.items() if c not in EIGHT_BATCHES]
    planned.append(Cell(_n(sum(r["planned"] for r in other)), "sector-measures"))
    implemented.append(Cell(_n(sum(r["implemented"] for r in other)), "sector-measures-implemented"))
    return Chart("measures", _("帮扶措施图"), "bar", labels,
                 [Series(_("计划"), planned), Series(_("已实施"), implemented)], unit=_("项"),
                 note=_("八个一批分类；计划数含已实施和已取消的措施"))


def funds_chart(area: Area) -> Chart:
    """5 项目资金图: allocated vs disbursed by fund source (万元)."""
    found = list(villages.allocations_in(area).values("source__kind").annotate(
        allocated=Sum("amount"), disbursed=Sum("amount", filter=Q(gate__gte=Gate.DISBURSEMENT)),
    ).order_by("source__kind"))
    labels = [FundSource.Kind(r["source__kind"]).label for r in found]
    return Chart(
        "funds", _("项目资金图"), "bar", labels,
        [Series(_("已分配"), [Cell(yuan_to_wan(r["allocated"]), "funds-allocated",
                                   (("source__kind", r["source__kind"]),)) for r in found]),
         Series(_("已发放"), [Cell(yuan_to_wan(r["disbursed"]), "funds-disbursed",
                                   (("source__kind", r["source__kind"]),)) for r in found])],
        unit=_("万元"), note=_("按资金来源；已发放指已过“发放”关口（含“效益”）"),
    )


def progress_chart(area: Area) -> Chart:
    """6 脱贫进度图: households planned to exit and exited by year, and the poverty incidence at each year's end."""
    rows = households.households_in(area)
    planned = {r["planned_exit_year"]: r["n"] for r in rows.filter(planned_exit_year__isnull=False)
               .values("planned_exit_year").annotate(n=Count("pk")).order_by()}
    exited = {r["exit_year"]: r["n"] for r in rows.filter(status=HS.EXITED)
              .values("exit_year").annotate(n=Count("pk")).order_by()}
    identified = rows.filter(identified_year__isnull=False).values_list("identified_year", flat=True)
    years_seen = set(planned) | set(exited) | set(identified.distinct().order_by())
    years = list(range(min(years_seen), max(years_seen) + 1)) if years_seen else []
    area_villages = villages.villages_in(area)

    key = "identified-households"
    return Chart(
        "progress", _("脱贫进度图"), "bar", [str(y) for y in years],
        [Series(_("计划脱贫户数"), [Cell(_n(planned.get(y)), key, (("planned_exit_year", str(y)),)) for y in years]),
         Series(_("实际脱贫户数"), [Cell(_n(exited.get(y)), key, (("exit_year", str(y)), ("status", HS.EXITED)))
                                    for y in years]),
         Series(_("贫困发生率（%）"), [Cell(figures.poverty_incidence(area_villages, year=y), "poverty-incidence",
                                          (("year", str(y)),)) for y in years],
                kind="line", axis="y1")],
        unit=_("户"), note=_("贫困发生率 = 年末未脱贫人口 ÷ 户籍人口"),
    )


def economy_chart(area: Area) -> Chart:
    """Collective economy (county and township pages): villages by 2016 collective income bracket."""
    keys = [("economy-below-5", _("5万元以下")), ("economy-5-10", _("5–10万元")),
            ("economy-10-50", _("10–50万元")), ("economy-50-100", _("50–100万元")),
            ("economy-100-plus", _("100万元以上")), ("hollow-villages", _("空壳村"))]
    year = figures.REPORT_YEAR
    found = villages.economy_in(area, year).aggregate(**{
        key: Count("pk", filter=_bracket_q(key)) for key, _label in keys})
    return Chart("economy", _("村集体经济"), "bar", [label for _key, label in keys],
                 [Series(_("行政村数"), [Cell(_n(found[key]), key) for key, _label in keys])],
                 unit=_("个"), note=_shown_with(_("%(year)s年村集体经济收入分档"), year=year))


def _bracket_q(key: str) -> Q:
    if key == "hollow-villages":
        return Q(income=0)
    low, high = villages.ECONOMY_BRACKETS[key.removeprefix("economy-")]
    return Q(income__gte=low) & (Q(income__lt=high) if high is not None else Q())


SIX_CHARTS = (distribution_chart, causes_chart, responsibility_chart, measures_chart, funds_chart, progress_chart)


# ------------------------------------------------------------------ tables beside the charts


def funds_by_source(area: Area) -> list[tuple[str, Cell]]:
    found = villages.fund_sources(area).values("kind").annotate(total=Sum("amount")).order_by("kind")
    return [(FundSource.Kind(r["kind"]).label, Cell(yuan_to_wan(r["total"]), "fund-sources-total",
                                                    (("kind", r["kind"]),))) for r in found]


def funds_by_gate(area: Area) -> list[tuple[str, Cell]]:
    found = {r["gate"]: r["total"] for r in
             villages.allocations_in(area).values("gate").annotate(total=Sum("amount")).order_by()}
    return [(gate.label, Cell(yuan_to_wan(found.get(gate.value)), "funds-allocated", (("gate", str(gate.value)),)))
            for gate in Gate]


def projects_by_status(area: Area) -> list[tuple[str, Cell]]:
    found = {r["status"]: r["n"] for r in villages.projects_in(area).values("status").annotate(n=Count("pk"))
             .order_by()}
    return [(s.label, Cell(_n(found.get(s.value)), "projects", (("status", s.value),))) for s in Project.Status]


def as_of(area: Area) -> datetime.date | None:
    """The date of the latest data behind the page: the latest status change, measure, visit or transition."""
    from households.models import Measure, StatusChange, Visit
    from villages.models import GateTransition

    dates = [
        StatusChange.objects.filter(villages.area_q(area, "household__village")).order_by("-date")
        .values_list("date", flat=True).first(),
        Measure.objects.filter(villages.area_q(area)).order_by("-planned_date")
        .values_list("planned_date", flat=True).first(),
        Visit.objects.filter(villages.area_q(area)).order_by("-date").values_list("date", flat=True).first(),
        GateTransition.objects.filter(allocation__in=villages.allocations_in(area)).order_by("-at")
        .values_list("at", flat=True).first(),
    ]
    dates = [timezone.localdate(d) if isinstance(d, datetime.datetime) else d for d in dates if d]
    return max(dates) if dates else None


def dashboard(area: Area) -> Dashboard:
    """Everything an area page shows; a fixed number of queries whatever the data size."""
    kind = area.area_kind
    charts = [make(area) for make in SIX_CHARTS]
    tables = {"funds_by_gate": funds_by_gate(area), "projects_by_status": projects_by_status(area)}
    if kind != "village":
        charts.append(economy_chart(area))
    if kind == "county":
        tables["funds_by_source"] = funds_by_source(area)
    return Dashboard(area, kind, headline(area), charts, tables, report_figures_of(area), as_of(area),
                     demo=villages.shows_demo(area))


def team(village: Village) -> list[Assignment]:
    """The village's first secretary, work team and linked leaders (current and past), in role order."""
    order = {role: i for i, role in enumerate(Assignment.Role.values)}
    rows = list(Assignment.objects.filter(village=village).select_related("cadre__unit"))
    return sorted(rows, key=lambda a: (order.get(a.role, 99), a.end_date is not None, a.cadre.name))
