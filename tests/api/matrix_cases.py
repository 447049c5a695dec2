"""Every write of the API as data, NetBox-style: one class per resource, one Write per action.

tests/api/test_matrix.py generates its cases from these classes. A Write names the roles that may make it in
their area, a valid body, the exact answer, and what it leaves in the database: the written row's fields and
the rows it adds (or removes) by model. A value given as Ref(...) is read from the world's row of the county the
case runs in (the own county for a create), when the case runs.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from assessments.models import AssessmentPeriod, BonusItem, DutyRating, SatisfactionSurvey, Veto
from cadres.models import AnnualCommitment, AttendanceReport, Cadre, QuarterlyReport
from households.models import Household, Measure, Visit
from villages.models import County, FundAllocation, Gate, Village

SPARE_CADRE = "spare cadre"  # a cadre of the county's village without scoring inputs (build_world adds one)


@dataclass(frozen=True)
class Ref:
    """world[county][key].attr, read when the case runs."""

    key: object
    attr: str = "pk"


@dataclass(frozen=True)
class Write:
    roles: frozenset
    status: int
    body: dict = field(default_factory=dict)
    # the written row afterwards (a create's row is the one the answer names): attribute → value, compared as
    # text so that "1.50" in a body and Decimal("1.50") on the row are one value
    fields: dict = field(default_factory=dict)
    # rows added (negative: removed) by model name, and fingerprint counters moved; nothing else may change
    adds: dict = field(default_factory=dict)
    answer: dict = field(default_factory=dict)  # keys of the answer's JSON and their values
    history: bool = True  # the write leaves a history entry for the row
    # the fields a 400 names for an empty body ({} for a write that succeeds with one, None: takes no body)
    empty_body_errors: set | None = None


def writers(*roles) -> frozenset:
    return frozenset(roles)


CADRE, ADMIN = writers("cadre"), writers("cadre", "admin")
SUPERVISORS = writers("supervisor", "admin")
VERSION = Ref(Measure, "version")


class Measures:
    basename = "measures"
    model = Measure
    writes = {
        "create": Write(
            ADMIN, 201,
            body={"village": Ref(Village, "code"), "household": Ref(Household), "category": "industry",
                  "title": "矩阵测试", "planned_date": "2016-05-01", "amount": "100.00"},
            fields={"title": "矩阵测试", "village_id": Ref(Village), "household_id": Ref(Household),
                    "amount": Decimal("100.00"), "status": "planned", "version": 1},
            adds={"Measure": 1, "planned measures": 1},
            empty_body_errors={"village", "category", "title", "planned_date"}),
        "partial_update": Write(
            ADMIN, 200, body={"version": VERSION, "title": "矩阵测试"},
            fields={"title": "矩阵测试", "version": 2}, answer={"title": "矩阵测试", "version": 2},
            empty_body_errors={"version"}),
        "implement": Write(
            ADMIN, 200,
            body={"version": VERSION, "implemented_date": "2016-06-01", "amount": "100.00", "evidence": "矩阵测试"},
            fields={"status": "implemented", "evidence": "矩阵测试", "version": 2},
            adds={"planned measures": -1},
            empty_body_errors={"version", "implemented_date", "amount", "evidence"}),
        "cancel": Write(
            ADMIN, 200, body={"version": VERSION, "reason": "矩阵测试"},
            fields={"status": "cancelled", "cancel_reason": "矩阵测试", "version": 2},
            adds={"planned measures": -1}, empty_body_errors={"version", "reason"}),
    }


class Visits:
    basename = "visits"
    model = Visit
    writes = {
        "create": Write(
            CADRE, 201,
            body={"household": Ref(Household), "kind": "home_visit", "date": "2016-06-01", "purpose": "矩阵测试"},
            fields={"household_id": Ref(Household), "village_id": Ref(Village), "cadre_id": Ref(Cadre),
                    "purpose": "矩阵测试"},
            adds={"Visit": 1}, empty_body_errors={"household", "date", "purpose"}),
    }


class AttendanceReports:
    basename = "attendance-reports"
    model = AttendanceReport
    writes = {
        "create": Write(
            CADRE, 201, body={"month": "2016-04", "days_present": 20},
            fields={"cadre_id": Ref(Cadre), "days_present": 20, "locked": False},
            adds={"AttendanceReport": 1}, empty_body_errors={"month", "days_present"}),
        "partial_update": Write(
            CADRE, 200, body={"days_present": 18}, fields={"days_present": 18}, answer={"days_present": 18},
            empty_body_errors={}),
        "lock": Write(SUPERVISORS, 200, fields={"locked": True}, answer={"locked": True},
                      adds={"locked reports": 1}),
    }


class Commitments:
    basename = "commitments"
    model = AnnualCommitment
    writes = {
        "create": Write(
            CADRE, 201, body={"year": 2017, "content": "矩阵测试"},
            fields={"cadre_id": Ref(Cadre), "year": 2017, "content": "矩阵测试"},
            adds={"AnnualCommitment": 1}, empty_body_errors={"year", "content"}),
    }


class QuarterlyReports:
    basename = "quarterly-reports"
    model = QuarterlyReport
    writes = {
        "create": Write(
            CADRE, 201, body={"year": 2016, "quarter": 2, "content": "矩阵测试"},
            fields={"cadre_id": Ref(Cadre), "year": 2016, "quarter": 2, "content": "矩阵测试"},
            adds={"QuarterlyReport": 1}, empty_body_errors={"year", "quarter", "content"}),
    }


class Allocations:
    basename = "allocations"
    model = FundAllocation
    writes = {
        "advance": Write(
            writers("staff", "prefecture", "admin"), 200, body={"gate": int(Gate.APPLICATION), "note": "矩阵测试"},
            fields={"gate": Gate.APPLICATION}, answer={"gate": int(Gate.APPLICATION)},
            adds={"GateTransition": 1}, empty_body_errors={"gate"}),
    }


class AssessmentPeriods:
    basename = "assessment-periods"
    model = AssessmentPeriod
    writes = {
        "create": Write(
            SUPERVISORS, 201,
            body={"county": Ref(County), "name": "矩阵测试期", "kind": "annual", "start_date": "2017-01-01",
                  "end_date": "2017-12-31"},
            fields={"county_id": Ref(County), "name": "矩阵测试期", "closed": False},
            adds={"AssessmentPeriod": 1}, empty_body_errors={"county", "name", "kind", "start_date", "end_date"}),
        # both of the county's cadres get a scorecard (the one the world built is recomputed, the spare's added)
        "score": Write(SUPERVISORS, 200, answer={"scored": 2}, adds={"Scorecard": 1}),
        "close": Write(SUPERVISORS, 200, fields={"closed": True}, answer={"closed": True}),
    }


def period_input(model, create: dict, update: dict, empty: set) -> dict:
    """The three writes every scoring input takes: a create for the spare cadre, a change, a delete."""
    name = model.__name__
    target = {"period_id": Ref(AssessmentPeriod), "cadre_id": Ref(SPARE_CADRE)}
    return {
        "create": Write(SUPERVISORS, 201, body={"period": Ref(AssessmentPeriod), "cadre": Ref(SPARE_CADRE), **create},
                        fields=target | create, adds={name: 1},
                        empty_body_errors=empty),
        "partial_update": Write(SUPERVISORS, 200, body=update, fields=update, empty_body_errors={}),
        "destroy": Write(SUPERVISORS, 204, adds={name: -1}),
    }


class DutyRatings:
    basename = "duty-ratings"
    model = DutyRating
    writes = period_input(DutyRating, {"score": "80.00", "rater_name": "矩阵测试"}, {"comment": "矩阵测试"},
                          {"period", "cadre", "score", "rater_name"})


class Surveys:
    basename = "surveys"
    model = SatisfactionSurvey
    writes = period_input(SatisfactionSurvey,
                          {"group": "villagers", "satisfied": 10, "basically_satisfied": 2, "unsatisfied": 0},
                          {"satisfied": 12},
                          {"period", "cadre", "group", "satisfied", "basically_satisfied", "unsatisfied"})


class BonusItems:
    basename = "bonus-items"
    model = BonusItem
    writes = period_input(BonusItem, {"kind": "commendation", "level": "county", "points": "1.50"},
                          {"note": "矩阵测试"}, {"period", "cadre", "kind", "level", "points"})


class Vetoes:
    basename = "vetoes"
    model = Veto
    writes = period_input(Veto, {"reason": "矩阵测试"}, {"reason": "矩阵测试改"}, {"period", "cadre", "reason"})


RESOURCES = (Measures, Visits, AttendanceReports, Commitments, QuarterlyReports, Allocations, AssessmentPeriods,
             DutyRatings, Surveys, BonusItems, Vetoes)
WRITES = {resource.basename: resource.writes for resource in RESOURCES}
