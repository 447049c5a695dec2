"""What each page's permitted POST does, as data, for tests/test_permission_matrix.py.

A SiteWrite names the row the POST writes, the page it redirects to, the row's fields afterwards and the rows
it adds (or fingerprint counters it moves) when it writes. The bodies are the matrix's post_data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class SiteWrite:
    model: str | None  # "app.Model"
    # the written row: "new" (the model's newest row), a targets key ("measures", "reports": the scenario's
    # object), a targets value ("period_id"), or field lookups; None for a POST that leaves no row to look at
    row: str | dict | None
    redirect: Callable  # (row, targets) → the Location the POST answers with
    fields: dict = field(default_factory=dict)  # attribute → value, compared as text
    adds: dict = field(default_factory=dict)  # rows added and counters moved when it writes; nothing else may


def page(name, **kwargs):
    """A redirect to the named page, its kwargs read from the written row (attribute names) or given."""
    def location(row, targets):
        return reverse(name, kwargs={k: getattr(row, v) if isinstance(v, str) else v for k, v in kwargs.items()})
    return location


MEASURE_PAGE = page("work:measure_edit", measure_id="pk")
REPORT_PAGE = page("work:attendance_edit", report_id="pk")
SCORECARDS = page("assess:scorecards", period_id="pk")
OWN_COMMITMENT = {"cadre__user__username": "cadre", "year": 2016}

WRITES = {
    "work:measure_create": SiteWrite("households.Measure", "new", MEASURE_PAGE,
                                     fields={"title": "矩阵测试", "amount": "100.00", "status": "planned"},
                                     adds={"Measure": 1, "planned measures": 1}),
    "work:measure_edit": SiteWrite("households.Measure", "measures", MEASURE_PAGE,
                                   fields={"title": "矩阵测试", "amount": "100.00"}),
    "work:measure_implement": SiteWrite("households.Measure", "measures", MEASURE_PAGE,
                                        fields={"status": "implemented", "evidence": "矩阵测试"},
                                        adds={"planned measures": -1}),
    "work:measure_cancel": SiteWrite("households.Measure", "measures", MEASURE_PAGE,
                                     fields={"status": "cancelled", "cancel_reason": "矩阵测试"},
                                     adds={"planned measures": -1}),
    "work:visit_create": SiteWrite("households.Visit", "new", lambda row, targets: reverse("work:home"),
                                   fields={"purpose": "矩阵测试", "kind": "home_visit"}, adds={"Visit": 1}),
    "work:attendance_create": SiteWrite("cadres.AttendanceReport", "new", REPORT_PAGE,
                                        fields={"month": "2015-05-01", "days_present": 10},
                                        adds={"AttendanceReport": 1}),
    "work:attendance_edit": SiteWrite("cadres.AttendanceReport", "reports", REPORT_PAGE,
                                      fields={"days_present": 11}),
    # a neighbour's or foreign report is locked already: the supervisor is sent back without a write
    "work:attendance_lock": SiteWrite("cadres.AttendanceReport", "reports",
                                      lambda row, targets: reverse("work:attendance_list"),
                                      fields={"locked": True}, adds={"locked reports": 1}),
    # the seed holds the cadre's 2016 commitment and first-quarter report: the POST replaces them
    "work:commitment_edit": SiteWrite("cadres.AnnualCommitment", OWN_COMMITMENT,
                                      page("work:commitment_edit", year=2016), fields={"content": "矩阵测试"}),
    "work:quarterly_edit": SiteWrite("cadres.QuarterlyReport", OWN_COMMITMENT | {"quarter": 1},
                                     page("work:quarterly_edit", year=2016, quarter=1),
                                     fields={"content": "矩阵测试"}),
    "assess:close": SiteWrite("assessments.AssessmentPeriod", "period_id", SCORECARDS, fields={"closed": True}),
    # already scored by build_targets: scoring again changes nothing
    "assess:score": SiteWrite("assessments.AssessmentPeriod", "period_id", SCORECARDS),
    # no stored upload to confirm: back to the upload form (with a message), nothing written
    "imports:confirm": SiteWrite(None, None, lambda row, targets: reverse("imports:upload",
                                                                         kwargs={"import_kind": "households"})),
    "imports:crosscheck_confirm": SiteWrite(None, None, lambda row, targets: reverse("imports:crosscheck")),
}


def written_row(write: SiteWrite, scenario: str, targets: dict):
    from django.apps import apps

    if write.model is None:
        return None
    model = apps.get_model(write.model)
    if write.row == "new":
        return model.objects.latest("pk")
    if isinstance(write.row, dict):
        return model.objects.get(**write.row)
    if write.row in targets:
        return model.objects.get(pk=targets[write.row][scenario].pk)
    return model.objects.get(pk=targets["values"][scenario][write.row])
