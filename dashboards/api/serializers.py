"""Serializers of the dashboards API: report figures, charts, summaries and the rows behind a number.

They shape what dashboards/dashboard.py computes (Number, Cell, Chart, the tables) — they compute nothing.
Every number carries its figure key, the filters that narrow the figure's rows to it and the URL of those rows
(the area's `rows/<key>/` action), as the site's numbers link to their rows page. Dashboard numbers are JSON
numbers (money in 万元, as on the pages); model amounts stay yuan decimals.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dashboards import dashboard
from villages.models import ReportFigure

# area kind -> route name of its rows action (whose URL names the area by its ref_field)
ROWS_ROUTES = {"county": "api:counties-rows", "township": "api:townships-rows", "village": "api:villages-rows"}
KINDS = [("county", _("县（市）")), ("township", _("乡镇（街道）")), ("village", _("行政村"))]


def rows_url(request, area, key: str, query: dict | None = None) -> str:
    """The API URL of the rows behind figure `key` in the area, narrowed by `query` (a chart cell's filters)."""
    url = reverse(ROWS_ROUTES[area.area_kind], kwargs={area.ref_field: area.area_ref, "key": key})
    if query:
        url = f"{url}?{urlencode(query)}"
    return request.build_absolute_uri(url) if request is not None else url




# ------------------------------------------------------------------ report figures


class ReportFigureSerializer(serializers.Serializer):
    """A report figure (figures.Reconciled): the value the report states beside the value computed from rows."""

    id = serializers.IntegerField(source="figure.pk", help_text=_("报告数据 ID。"))
    county_code = serializers.CharField(source="figure.county.code", help_text=_("县（市）代码。"))
    key = serializers.CharField(source="figure.key", help_text=_("指标键（与仪表盘数字的指标键相同）。"))
    label = serializers.CharField(source="figure.label", help_text=_("指标。"))
    unit = serializers.CharField(source="figure.unit", help_text=_("单位。"))
    reported = serializers.FloatField(source="figure.value", help_text=_("报告所写的数值。"))
    computed = serializers.FloatField(allow_null=True,
                                      help_text=_("由数据行计算出的数值；指标键没有计算方法时为空。"))
    comparison = serializers.ChoiceField(source="figure.comparison", choices=ReportFigure.Comparison.choices,
                                         help_text=_("比较方式：exact 须相等，at_least 不少于报告值。"))
    matches = serializers.SerializerMethodField(help_text=_("计算值是否与报告值相符。"))
    report_file = serializers.CharField(source="figure.report_file", help_text=_("报告文件。"))
    source_sentence = serializers.CharField(source="figure.source_sentence", help_text=_("报告原文。"))
    rows = serializers.SerializerMethodField(help_text=_("计算该数值所用数据行的 API 地址；无计算方法时为空。"))

    def get_matches(self, result) -> bool:
        return result.computed is not None and result.ok

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_rows(self, result):
        if result.computed is None:
            return None
        return rows_url(self.context.get("request"), result.figure.county, result.figure.key)


# ------------------------------------------------------------------ dashboards


class CellSerializer(serializers.Serializer):
    """One number of a chart or table (dashboard.Cell); context["area"] is the area it belongs to."""

    value = serializers.FloatField(allow_null=True, help_text=_("数值；无法计算（如无户籍人口时的贫困发生率）时为空。"))
    key = serializers.CharField(help_text=_("指标键：该数字是哪个指标的（部分）数据行。"))
    filters = serializers.DictField(child=serializers.CharField(),
                                    help_text=_("把指标的数据行缩小到该数字的筛选条件（字段 → 逗号分隔的值）。"))
    rows = serializers.URLField(help_text=_("该数字所含数据行的 API 地址。"))

    def to_representation(self, cell):
        return {"value": None if cell.value is None else float(cell.value), "key": cell.key,
                "filters": cell.query,
                "rows": rows_url(self.context.get("request"), self.context["area"], cell.key, cell.query)}


class NumberSerializer(serializers.Serializer):
    """A headline number (dashboard.Number)."""

    key = serializers.CharField(help_text=_("指标键。"))
    label = serializers.CharField(help_text=_("指标名称。"))
    unit = serializers.CharField(help_text=_("单位。"))
    value = serializers.FloatField(help_text=_("数值。"))
    rows = serializers.SerializerMethodField(help_text=_("该数字所含数据行的 API 地址。"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_rows(self, number):
        return rows_url(self.context.get("request"), self.context["area"], number.key)


class TableRowSerializer(CellSerializer):
    label = serializers.CharField(help_text=_("行名称。"))

    def to_representation(self, row):
        row_label, cell = row
        return {"label": str(row_label), **super().to_representation(cell)}


class TableSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=["funds_by_gate", "projects_by_status", "funds_by_source"],
                                   help_text=_("表：funds_by_gate 各关口资金（万元）、projects_by_status 各状态项目、"
                                               "funds_by_source 各来源筹集资金（万元，仅县级）。"))
    rows = TableRowSerializer(many=True, help_text=_("表的各行。"))

    def to_representation(self, table):
        name, rows = table
        return {"name": name, "rows": TableRowSerializer(rows, many=True, context=self.context).data}


class SeriesSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=_("系列名称。"))
    kind = serializers.ChoiceField(choices=["", "line"], help_text=_("line：叠加在柱上的折线；空：与图表相同。"))
    axis = serializers.ChoiceField(choices=["", "y1"], help_text=_("y1：右侧纵轴；空：左侧纵轴。"))
    data = serializers.ListField(child=serializers.FloatField(allow_null=True),
                                 help_text=_("各标签的数值（与 labels 一一对应）。"))
    cells = CellSerializer(many=True, help_text=_("各标签的数值及其指标键、筛选条件和数据行地址。"))


# chart id -> the dashboard's builder of that chart (every builder is named <id>_chart)
CHARTS = {make.__name__.removesuffix("_chart"): make for make in (*dashboard.SIX_CHARTS, dashboard.economy_chart)}


class ChartSerializer(serializers.Serializer):
    """A chart (dashboard.Chart): Chart.as_json() as the page draws it, each value with its cell."""

    id = serializers.ChoiceField(choices=list(CHARTS), help_text=_("图表 ID（economy 仅县、乡两级）。"))
    title = serializers.CharField(help_text=_("标题。"))
    kind = serializers.ChoiceField(choices=["bar", "hbar", "doughnut"], help_text=_("图表类型。"))
    stacked = serializers.BooleanField(help_text=_("是否堆叠。"))
    unit = serializers.CharField(allow_blank=True, help_text=_("单位。"))
    note = serializers.CharField(allow_blank=True, help_text=_("说明。"))
    points = serializers.IntegerField(help_text=_("数据点个数（各系列数值个数之和）。"))
    labels = serializers.ListField(child=serializers.CharField(), help_text=_("标签（横轴或扇区）。"))
    series = SeriesSerializer(many=True, help_text=_("数据系列。"))

    def to_representation(self, chart):
        spec = chart.as_json()
        for data, series in zip(spec["series"], chart.series, strict=True):
            data["cells"] = CellSerializer(series.cells, many=True, context=self.context).data
        return {**spec, "note": str(chart.note), "points": chart.points}


class CountyRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("县（市）代码。"))
    name = serializers.CharField(help_text=_("县（市）名称。"))


class TownshipRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("乡镇（街道）ID。"))
    name = serializers.CharField(help_text=_("乡镇（街道）名称。"))


class SummarySerializer(serializers.Serializer):
    """An area's dashboard (dashboard.Dashboard): identity, date, headline numbers, tables and report figures."""

    kind = serializers.ChoiceField(choices=KINDS, help_text=_("区域级别。"))
    id = serializers.IntegerField(source="area.pk", help_text=_("区域 ID。"))
    code = serializers.CharField(source="area.code", allow_null=True, help_text=_("区划代码或村代码（乡镇为空）。"))
    name = serializers.CharField(source="area.name", help_text=_("名称。"))
    county = CountyRefSerializer(help_text=_("所属县（市）（县级为其本身）。"))
    township = TownshipRefSerializer(allow_null=True, help_text=_("所属乡镇（街道）（仅行政村）。"))
    demo = serializers.BooleanField(help_text=_("区域内是否有演示数据（演示村）。"))
    as_of = serializers.DateField(allow_null=True,
                                  help_text=_("数据截至日期（最近一次状态变化、措施、走访或关口记录）。"))
    computed_at = serializers.DateTimeField(help_text=_("这些数字的统计时间（预先统计，数据变化后重新统计）。"))
    headline = NumberSerializer(many=True, help_text=_("主要数字。"))
    tables = TableSerializer(many=True, help_text=_("图表旁的小表。"))
    report_figures = ReportFigureSerializer(many=True, help_text=_("报告数据与计算值的核对（仅县级；其他为空列表）。"))

    def to_representation(self, summary):
        board = summary["board"]
        area = board.area
        context = {**self.context, "area": area}
        county = area.county
        township = area.township if area.area_kind == "village" else None
        return {
            "kind": board.kind,
            "id": area.pk,
            "code": None if area.ref_field == "pk" else area.area_ref,  # a township has no code
            "name": area.name,
            "county": {"code": county.code, "name": county.name},
            "township": None if township is None else {"id": township.pk, "name": township.name},
            "demo": summary["demo"],
            "as_of": board.as_of.isoformat() if board.as_of else None,
            "computed_at": serializers.DateTimeField().to_representation(board.computed_at),
            "headline": NumberSerializer(board.headline, many=True, context=context).data,
            "tables": TableSerializer(list(board.tables.items()), many=True, context=context).data,
            "report_figures": ReportFigureSerializer(summary["report_figures"], many=True, context=context).data,
        }


class FigureRowsSerializer(serializers.Serializer):
    """A page of the rows behind a figure in an area, as the site's rows page shows them."""

    key = serializers.CharField(help_text=_("指标键。"))
    label = serializers.CharField(help_text=_("指标名称。"))
    unit = serializers.CharField(allow_blank=True, help_text=_("单位。"))
    value = serializers.FloatField(help_text=_("这些数据行（含筛选）计算出的数值。"))
    filters = serializers.DictField(child=serializers.CharField(), help_text=_("已应用的筛选条件。"))
    model = serializers.CharField(help_text=_("数据行的类型。"))
    columns = serializers.ListField(child=serializers.CharField(), help_text=_("列名。"))
    count = serializers.IntegerField(help_text=_("数据行总数。"))
    page = serializers.IntegerField(help_text=_("当前页（每页 100 行）。"))
    pages = serializers.IntegerField(help_text=_("总页数。"))
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text=_("本页数据行，每行各列的值与 columns 对应（选项显示名称，身份证号按权限掩码）。"))
