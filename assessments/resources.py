"""Excel export of a period's scorecards (django-import-export): Chinese headers, numeric cells.

`ScorecardResource` is the one definition of the export's columns: every field's attribute is an ORM lookup on
the rows of `assessments.selectors.scorecards(period)`, so `assessments.services.export_scorecards` can stream
them with `values_list()` (`povertyboard.exports.resource_lookups`) instead of building model instances."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from cadres.models import Assignment

from .models import Grade

ROLES = dict(Assignment.Role.choices)
# Numbers stay numbers in the workbook (numeric cells a supervisor can sum and sort), not text.
NUMBER = widgets.DecimalWidget(coerce_to_string=False)
WHOLE = widgets.IntegerWidget(coerce_to_string=False)


class LabelWidget(widgets.Widget):
    """A choice's label instead of its stored value; a blank value as `blank` (export only)."""

    def __init__(self, choices, blank=""):
        super().__init__()
        self.labels, self.blank = dict(choices), blank

    def render(self, value, obj=None, **kwargs):
        return str(self.labels.get(value, value) if value else self.blank)


class ScorecardResource(resources.Resource):
    """One row per cadre; expects rows from `assessments.selectors.scorecards(period)` (annotated)."""

    county = fields.Field(attribute="period__county__name", column_name=_("县（市）"))
    period = fields.Field(attribute="period__name", column_name=_("考核期"))
    cadre = fields.Field(attribute="cadre__name", column_name=_("姓名"))
    unit = fields.Field(attribute="cadre__unit__name", column_name=_("派出单位"))
    village = fields.Field(attribute="village_name", column_name=_("驻村"))
    role = fields.Field(attribute="role", column_name=_("职务"), widget=LabelWidget(ROLES))
    attendance = fields.Field(attribute="attendance", column_name=_("考勤得分（权重）"), widget=NUMBER)
    duty = fields.Field(attribute="duty", column_name=_("履职得分（权重）"), widget=NUMBER)
    satisfaction = fields.Field(attribute="satisfaction", column_name=_("满意度得分（权重）"), widget=NUMBER)
    bonus = fields.Field(attribute="bonus", column_name=_("加分"), widget=NUMBER)
    total = fields.Field(attribute="total", column_name=_("总分"), widget=NUMBER)
    grade = fields.Field(attribute="grade", column_name=_("等次"),
                         widget=LabelWidget(Grade.choices, blank=_("数据不全")))
    rank = fields.Field(attribute="rank", column_name=_("县内排名"), widget=WHOLE)
    unit_rank = fields.Field(attribute="unit_rank", column_name=_("单位内排名"), widget=WHOLE)
    veto = fields.Field(attribute="veto_reason", column_name=_("一票否决原因"))
    missing = fields.Field(attribute="missing", column_name=_("缺少的数据"))

    class Meta:
        export_order = ("county", "period", "cadre", "unit", "village", "role", "attendance", "duty",
                        "satisfaction", "bonus", "total", "grade", "rank", "unit_rank", "veto", "missing")

    def __init__(self, period=None):
        super().__init__()
        if period is not None:  # the headers name each component's weight, e.g. 考勤得分（权重3）
            for name, weight in (("attendance", period.weight_attendance), ("duty", period.weight_duty),
                                 ("satisfaction", period.weight_satisfaction)):
                field = self.fields[name]
                field.column_name = str(field.column_name).replace("（权重）", f"（权重{weight}）")
