"""Plain factory functions for the domain models of the four apps.

Every ``make_*`` function builds an object with sensible, valid defaults; any field can be overridden
by keyword. With ``save=True`` (the default) the object is checked with ``full_clean()`` and saved, so a
factory that produces an invalid object fails loudly. With ``save=False`` the object is returned unsaved
and unvalidated (its parents are created and saved), which is what tests of invariants need: they
set a bad value and then call ``full_clean()`` or write it straight to the database.

Related objects that are not given are created, in the same county as the objects they belong with.
A module counter keeps names, codes and resident ID numbers unique within a test database.
"""

import datetime
import itertools
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import (
    AssessmentPeriod,
    BonusItem,
    DutyRating,
    Grade,
    SatisfactionSurvey,
    Scorecard,
    Veto,
)
from cadres.models import (
    AnnualCommitment,
    Assignment,
    AttendanceReport,
    Cadre,
    Promotion,
    QuarterlyReport,
    Training,
    TrainingAttendance,
    Unit,
)
from households.models import (
    Benefit,
    CrossCheckFlag,
    HelperStaff,
    Household,
    HouseholdYear,
    Measure,
    MeasureCategory,
    Member,
    Pairing,
    PovertyCause,
    StatusChange,
    Visit,
)
from povertyboard.resident_ids import SEX_FEMALE, SEX_MALE, make_resident_id
from villages.models import (
    CollectiveEconomy,
    County,
    DashboardSnapshot,
    FundAllocation,
    FundSource,
    Gate,
    GateTransition,
    PolicyDocument,
    Project,
    ReportFigure,
    Township,
    UserArea,
    Village,
    VillageNeed,
)

_counter = itertools.count(1)


def next_n() -> int:
    """A number unique within the test session."""
    return next(_counter)


def _finish(obj, save: bool):
    if save:
        obj.full_clean()
        obj.save()
    return obj


def county_of_village(village: Village) -> County:
    return village.township.county


# --------------------------------------------------------------------------------------------------
# villages
# --------------------------------------------------------------------------------------------------


def make_county(code=None, *, save=True, **kw) -> County:
    n = next_n()
    if code is None:
        code = f"63{n % 10000:04d}"
        while County.objects.filter(code=code).exists():
            code = f"63{next_n() % 10000:04d}"
    defaults = {"name": f"测试县{n}", "prefecture": "海西蒙古族藏族自治州"}
    defaults.update(kw)
    return _finish(County(code=code, **defaults), save)


def make_township(county=None, *, save=True, **kw) -> Township:
    n = next_n()
    defaults = {"name": f"测试镇{n}", "kind": Township.Kind.TOWN}
    defaults.update(kw)
    return _finish(Township(county=county or make_county(), **defaults), save)


def make_village(township=None, *, save=True, **kw) -> Village:
    n = next_n()
    township = township or make_township()
    defaults = {
        "code": f"{township.county.code}{n:06d}",
        "name": f"演示村{n}",
        "is_poor": True,
        "population": 600,
        "group_count": 3,
        "latitude": 36.93,
        "longitude": 98.48,
        "planned_exit_year": 2018,
        "is_demo": True,
    }
    defaults.update(kw)
    return _finish(Village(township=township, county=township.county, **defaults), save)


def make_collective_economy(village=None, *, save=True, **kw) -> CollectiveEconomy:
    defaults = {
        "year": 2016,
        "income": Decimal("50000.00"),
        "accumulated_assets": Decimal("300000.00"),
        "mutual_aid_fund": Decimal("200000.00"),
    }
    defaults.update(kw)
    return _finish(CollectiveEconomy(village=village or make_village(), **defaults), save)


def make_village_need(village=None, *, save=True, **kw) -> VillageNeed:
    defaults = {"category": VillageNeed.Category.ROAD, "description": "硬化村道3公里"}
    defaults.update(kw)
    return _finish(VillageNeed(village=village or make_village(), **defaults), save)


def make_policy_document(county=None, *, save=True, **kw) -> PolicyDocument:
    n = next_n()
    defaults = {
        "kind": PolicyDocument.Kind.ACTION_PLAN,
        "title": f"测试行动计划{n}",
        "year": 2016,
        "is_demo": True,
    }
    defaults.update(kw)
    return _finish(PolicyDocument(county=county or make_county(), **defaults), save)


def make_project(county=None, village=None, *, save=True, **kw) -> Project:
    """A project in ``village`` (created if neither county nor village is given)."""
    n = next_n()
    if village is None and county is None:
        village = make_village()
    if county is None:
        county = county_of_village(village)
    defaults = {
        "name": f"测试项目{n}",
        "category": Project.Category.ROAD,
        "department": "交通局",
        "year": 2016,
        "budget": Decimal("1200000.00"),
        "progress": 40,
        "status": Project.Status.IN_PROGRESS,
        "is_demo": True,
    }
    defaults.update(kw)
    return _finish(Project(county=county, village=village, **defaults), save)


def make_fund_source(county=None, *, save=True, **kw) -> FundSource:
    n = next_n()
    defaults = {
        "kind": FundSource.Kind.PROVINCE_PREFECTURE,
        "purpose": FundSource.Purpose.GENERAL,
        "name": f"测试专项资金{n}",
        "provider": "省扶贫开发局",
        "year": 2016,
        "amount": Decimal("5000000.00"),
        "is_demo": True,
    }
    defaults.update(kw)
    return _finish(FundSource(county=county or make_county(), **defaults), save)


def make_allocation(source=None, project=None, village=None, household=None, *, save=True, **kw):
    """An allocation to one target; with no target given, to a village of the source's county."""
    if source is None:
        target = project or village or household
        if isinstance(target, Project):
            county = target.county
        elif isinstance(target, Village):
            county = county_of_village(target)
        elif isinstance(target, Household):
            county = county_of_village(target.village)
        else:
            county = make_county()
        source = make_fund_source(county=county)
    if project is None and village is None and household is None:
        village = make_village(township=make_township(county=source.county))
    defaults = {"amount": Decimal("100000.00"), "gate": Gate.SELECTION}
    defaults.update(kw)
    obj = FundAllocation(source=source, project=project, village=village, household=household, **defaults)
    return _finish(obj, save)


make_fund_allocation = make_allocation


def make_gate_transition(allocation=None, *, save=True, **kw) -> GateTransition:
    defaults = {
        "gate": Gate.SELECTION,
        "actor_name": "测试经办人",
        "at": timezone.make_aware(datetime.datetime(2016, 4, 1, 10, 0)),
    }
    defaults.update(kw)
    return _finish(GateTransition(allocation=allocation or make_allocation(), **defaults), save)


def make_report_figure(county=None, *, save=True, **kw) -> ReportFigure:
    n = next_n()
    defaults = {
        "key": f"figure-{n}",
        "label": f"测试指标{n}",
        "value": Decimal("38"),
        "unit": "个",
        "comparison": ReportFigure.Comparison.EXACT,
        "report_file": "test_report.txt",
        "source_sentence": "全县共有38个行政村。",
        "order": n % 1000,
    }
    defaults.update(kw)
    return _finish(ReportFigure(county=county or make_county(), **defaults), save)


def make_user_area(user=None, county=None, *, save=True, **kw) -> UserArea:
    if user is None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user(f"user{next_n()}")
    if "prefecture" not in kw:
        kw["county"] = county or make_county()
    return _finish(UserArea(user=user, **kw), save)


# --------------------------------------------------------------------------------------------------
# households
# --------------------------------------------------------------------------------------------------


def make_household(village=None, *, save=True, **kw) -> Household:
    n = next_n()
    defaults = {
        "number": f"H{n:06d}",
        "group_no": 1,
        "head_name": f"演示户主{n}",
        "primary_cause": PovertyCause.ILLNESS,
        "status": Household.Status.IDENTIFIED,
        "identified_year": 2015,
        "planned_exit_year": 2017,
        "is_demo": True,
    }
    defaults.update(kw)
    return _finish(Household(village=village or make_village(), **defaults), save)


def make_household_year(household=None, *, save=True, **kw) -> HouseholdYear:
    defaults = {
        "year": 2016,
        "income_per_capita": Decimal("3500.00"),
        "assets_per_capita": Decimal("12000.00"),
    }
    defaults.update(kw)
    return _finish(HouseholdYear(household=household or make_household(), **defaults), save)


def make_status_change(household=None, *, save=True, **kw) -> StatusChange:
    defaults = {
        "from_status": Household.Status.IDENTIFIED,
        "to_status": Household.Status.ASSISTED,
        "date": datetime.date(2016, 3, 1),
    }
    defaults.update(kw)
    return _finish(StatusChange(household=household or make_household(), **defaults), save)


def resident_id(area_code="632821", birth=datetime.date(1970, 5, 17), sex=SEX_MALE) -> str:
    """A checksum-valid resident ID that no other call in this session returns (for a given area/birth)."""
    return make_resident_id(area_code, birth, 2 * next_n(), sex)


def make_member(household=None, birth=None, sex=SEX_MALE, *, save=True, **kw) -> Member:
    n = next_n()
    household = household or make_household()
    if birth is None:
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(n * 37) % 18000)
    area = county_of_village(household.village).code
    defaults = {
        "name": f"演示成员{n}",
        "id_number": resident_id(area, birth, sex),
        "relation": Member.Relation.HEAD,
        "education": Member.Education.PRIMARY,
        "health": Member.Health.HEALTHY,
        "labour": Member.Labour.ABLE,
    }
    defaults.update(kw)
    return _finish(Member(household=household, birth_date=birth, sex=sex, **defaults), save)


def make_measure(village=None, household=None, *, save=True, **kw) -> Measure:
    """A household measure; a village-wide one when only ``village`` is given."""
    n = next_n()
    if household is None and village is None:
        household = make_household()
    if village is None:
        village = household.village
    defaults = {
        "category": MeasureCategory.INDUSTRY,
        "title": f"测试帮扶措施{n}",
        "status": Measure.Status.PLANNED,
        "amount": Decimal("5000.00"),
        "planned_date": datetime.date(2016, 3, 1),
    }
    defaults.update(kw)
    return _finish(Measure(village=village, household=household, **defaults), save)


def make_benefit(household=None, member=None, *, save=True, **kw) -> Benefit:
    if household is None:
        household = member.household if member is not None else make_household()
    defaults = {
        "kind": Benefit.Kind.DIBAO,
        "date": datetime.date(2016, 6, 1),
        "amount": Decimal("1200.00"),
        "provider": "民政局",
    }
    defaults.update(kw)
    return _finish(Benefit(household=household, member=member, **defaults), save)


def make_helper_staff(unit=None, *, save=True, **kw) -> HelperStaff:
    n = next_n()
    defaults = {"name": f"帮扶责任人{n}", "is_demo": True}
    defaults.update(kw)
    return _finish(HelperStaff(unit=unit or make_unit(), **defaults), save)


def make_pairing(household=None, helper=None, *, save=True, **kw) -> Pairing:
    household = household or make_household()
    if helper is None:
        helper = make_helper_staff(unit=make_unit(county=county_of_village(household.village)))
    defaults = {"start_date": datetime.date(2016, 1, 15)}
    defaults.update(kw)
    return _finish(Pairing(household=household, helper=helper, **defaults), save)


def make_crosscheck_flag(household=None, *, save=True, **kw) -> CrossCheckFlag:
    """An open flag: a member of the household is on the vehicle owners' list of the vehicle office."""
    household = household or make_household()
    defaults = {"source": "车管所", "label": "车辆所有人", "list_date": datetime.date(2016, 6, 30),
                "matched_ids": resident_id(county_of_village(household.village).code)}
    defaults.update(kw)
    return _finish(CrossCheckFlag(household=household, **defaults), save)


def make_visit(village=None, household=None, cadre=None, helper=None, *, save=True, **kw) -> Visit:
    if village is None:
        household = household or make_household()
        village = household.village
    if cadre is None and helper is None:
        cadre = make_cadre(county=county_of_village(village))
    defaults = {
        "kind": Visit.Kind.HOME_VISIT,
        "date": datetime.date(2016, 5, 10),
        "purpose": "入户核实收入",
    }
    defaults.update(kw)
    obj = Visit(village=village, household=household, cadre=cadre, helper=helper, **defaults)
    return _finish(obj, save)


# --------------------------------------------------------------------------------------------------
# cadres
# --------------------------------------------------------------------------------------------------


def make_unit(county=None, *, save=True, **kw) -> Unit:
    n = next_n()
    defaults = {"name": f"测试单位{n}", "kind": Unit.Kind.PARTY_GOVERNMENT, "is_demo": True}
    defaults.update(kw)
    return _finish(Unit(county=county or make_county(), **defaults), save)


def make_cadre(county=None, unit=None, *, save=True, **kw) -> Cadre:
    n = next_n()
    if county is None:
        county = unit.county if unit is not None else make_county()
    if unit is None:
        unit = make_unit(county=county)
    defaults = {"name": f"演示干部{n}", "post": "科员", "is_demo": True}
    defaults.update(kw)
    return _finish(Cadre(county=county, unit=unit, **defaults), save)


def make_assignment(cadre=None, village=None, *, save=True, **kw) -> Assignment:
    if village is None:
        village = make_village(make_township(cadre.county)) if cadre is not None else make_village()
    if cadre is None:
        cadre = make_cadre(county=county_of_village(village))
    defaults = {"role": Assignment.Role.FIRST_SECRETARY, "start_date": datetime.date(2015, 9, 1)}
    defaults.update(kw)
    return _finish(Assignment(cadre=cadre, village=village, **defaults), save)


def make_training(county=None, *, save=True, **kw) -> Training:
    n = next_n()
    defaults = {
        "title": f"测试培训{n}",
        "kind": Training.Kind.PRE_POST,
        "start_date": datetime.date(2016, 3, 5),
        "days": 3,
        "location": "县委党校",
        "is_demo": True,
    }
    defaults.update(kw)
    return _finish(Training(county=county or make_county(), **defaults), save)


def make_training_attendance(training=None, cadre=None, *, save=True, **kw) -> TrainingAttendance:
    if training is None:
        training = make_training(county=cadre.county if cadre is not None else None)
    cadre = cadre or make_cadre(county=training.county)
    return _finish(TrainingAttendance(training=training, cadre=cadre, **kw), save)


def make_promotion(cadre=None, *, save=True, **kw) -> Promotion:
    defaults = {"date": datetime.date(2017, 1, 10), "from_post": "科员", "to_post": "副科长"}
    defaults.update(kw)
    return _finish(Promotion(cadre=cadre or make_cadre(), **defaults), save)


def make_attendance_report(cadre=None, *, save=True, **kw) -> AttendanceReport:
    """March 2016 (31 days): 20 required, 22 present, 2 on leave, 1 reported outing."""
    defaults = {
        "month": datetime.date(2016, 3, 1),
        "required_days": 20,
        "days_present": 22,
        "leave_days": 2,
        "reported_outings": 1,
        "unreported_absences": 0,
    }
    defaults.update(kw)
    return _finish(AttendanceReport(cadre=cadre or make_cadre(), **defaults), save)


def make_annual_commitment(cadre=None, *, save=True, **kw) -> AnnualCommitment:
    defaults = {"year": 2016, "content": "全年驻村不少于200天，帮助全村贫困户脱贫。"}
    defaults.update(kw)
    return _finish(AnnualCommitment(cadre=cadre or make_cadre(), **defaults), save)


make_commitment = make_annual_commitment


def make_quarterly_report(cadre=None, *, save=True, **kw) -> QuarterlyReport:
    defaults = {"year": 2016, "quarter": 1, "content": "一季度完成入户走访全覆盖。"}
    defaults.update(kw)
    return _finish(QuarterlyReport(cadre=cadre or make_cadre(), **defaults), save)


# --------------------------------------------------------------------------------------------------
# assessments
# --------------------------------------------------------------------------------------------------


def make_period(county=None, *, save=True, **kw) -> AssessmentPeriod:
    n = next_n()
    defaults = {
        "name": f"2016年度考核{n}",
        "kind": AssessmentPeriod.Kind.ANNUAL,
        "start_date": datetime.date(2016, 1, 1),
        "end_date": datetime.date(2016, 12, 31),
    }
    defaults.update(kw)
    return _finish(AssessmentPeriod(county=county or make_county(), **defaults), save)


make_assessment_period = make_period


def _period_and_cadre(period, cadre):
    if period is None:
        period = make_period(county=cadre.county if cadre is not None else None)
    if cadre is None:
        cadre = make_cadre(county=period.county)
    return period, cadre


def make_duty_rating(period=None, cadre=None, *, save=True, **kw) -> DutyRating:
    period, cadre = _period_and_cadre(period, cadre)
    defaults = {"score": Decimal("85.00"), "rater_name": "督查组"}
    defaults.update(kw)
    return _finish(DutyRating(period=period, cadre=cadre, **defaults), save)


def make_survey(period=None, cadre=None, *, save=True, **kw) -> SatisfactionSurvey:
    period, cadre = _period_and_cadre(period, cadre)
    defaults = {
        "group": SatisfactionSurvey.Group.VILLAGERS,
        "satisfied": 30,
        "basically_satisfied": 10,
        "unsatisfied": 2,
    }
    defaults.update(kw)
    return _finish(SatisfactionSurvey(period=period, cadre=cadre, **defaults), save)


make_satisfaction_survey = make_survey


def make_bonus_item(period=None, cadre=None, *, save=True, **kw) -> BonusItem:
    period, cadre = _period_and_cadre(period, cadre)
    defaults = {
        "kind": BonusItem.Kind.COMMENDATION,
        "level": BonusItem.Level.PREFECTURE,
        "points": Decimal("2.00"),
        "note": "州委表彰",
    }
    defaults.update(kw)
    return _finish(BonusItem(period=period, cadre=cadre, **defaults), save)


def make_veto(period=None, cadre=None, *, save=True, **kw) -> Veto:
    period, cadre = _period_and_cadre(period, cadre)
    defaults = {"reason": "未报备擅自离岗"}
    defaults.update(kw)
    return _finish(Veto(period=period, cadre=cadre, **defaults), save)


def make_scorecard(period=None, cadre=None, *, save=True, **kw) -> Scorecard:
    period, cadre = _period_and_cadre(period, cadre)
    defaults = {
        "attendance": Decimal("95.00"),
        "duty": Decimal("85.00"),
        "satisfaction": Decimal("80.00"),
        "bonus": Decimal("2.00"),
        "total": Decimal("88.00"),
        "grade": Grade.COMPETENT,
        "rank": 1,
        "unit_rank": 1,
        "computed_at": timezone.make_aware(datetime.datetime(2017, 1, 15, 9, 0)),
    }
    defaults.update(kw)
    return _finish(Scorecard(period=period, cadre=cadre, **defaults), save)


# --------------------------------------------------------------------------------------------------
# everything at once
# --------------------------------------------------------------------------------------------------


def build_all() -> dict:
    """Create one connected, valid object of every model of the four apps; return {model class: instance}.

    All objects live in one county, so area-scoped views and admin pages see them together.
    """
    county = make_county()
    township = make_township(county)
    village = make_village(township)
    household = make_household(village, status=Household.Status.ASSISTED)
    member = make_member(household, birth=datetime.date(1975, 2, 28), sex=SEX_FEMALE)
    unit = make_unit(county)
    cadre = make_cadre(county, unit)
    helper = make_helper_staff(unit)
    project = make_project(county, village)
    source = make_fund_source(county)
    allocation = make_allocation(source, project=project, gate=Gate.APPROVAL_OF_ITEM)
    training = make_training(county)
    period = make_period(county)

    objects = [
        county,
        township,
        village,
        make_collective_economy(village),
        make_village_need(village),
        make_policy_document(county),
        project,
        source,
        allocation,
        make_gate_transition(allocation, gate=Gate.SELECTION),
        make_report_figure(county),
        make_user_area(county=county),
        household,
        make_household_year(household),
        make_status_change(household),
        member,
        make_measure(village, household, responsible=cadre),
        make_benefit(household, member, kind=Benefit.Kind.MEDICAL, amount=Decimal("800.00"),
                     expense=Decimal("2000.00")),
        helper,
        make_pairing(household, helper),
        make_visit(village, household, cadre=cadre),
        make_crosscheck_flag(household),
        unit,
        cadre,
        make_assignment(cadre, village),
        training,
        make_training_attendance(training, cadre),
        make_promotion(cadre),
        make_attendance_report(cadre),
        make_annual_commitment(cadre),
        make_quarterly_report(cadre),
        period,
        make_duty_rating(period, cadre),
        make_survey(period, cadre),
        make_bonus_item(period, cadre),
        make_veto(period, cadre),
        make_scorecard(period, cadre, grade=Grade.INCOMPETENT),
        # written by the writes above (dashboards.snapshots marks the village's figures out of date)
        DashboardSnapshot.objects.get(kind=DashboardSnapshot.Kind.VILLAGE, area_id=village.pk),
    ]
    return {type(obj): obj for obj in objects}


# --------------------------------------------------------------------------------------------------
# assertion helpers for tests of invariants
# --------------------------------------------------------------------------------------------------


def validation_errors(obj) -> dict:
    """Run full_clean() and return its message_dict ({} if the object is valid)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


def error_codes(obj, field: str) -> list:
    """The codes of full_clean()'s errors on ``field`` (NON_FIELD_ERRORS for non-field errors)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        return [e.code for e in exc.error_dict.get(field, [])]
    return []


def assert_constraint_invalid(obj, constraint_name: str) -> None:
    """full_clean() rejects obj because the named CheckConstraint is violated (a non-field error, in the
    constraint's own words)."""
    constraint = next(c for c in obj._meta.constraints if c.name == constraint_name)
    messages = validation_errors(obj).get(NON_FIELD_ERRORS, [])
    assert constraint.get_violation_error_message() in messages, messages


def assert_field_invalid(obj, field: str) -> None:
    """full_clean() rejects obj with an error on the field itself (its validator fires first)."""
    errors = validation_errors(obj)
    assert field in errors, errors


def assert_db_rejects(obj_or_callable, constraint_name: str, sqlite_unique: str | None = None) -> None:
    """Writing to the database bypassing validation raises IntegrityError naming the constraint.

    ``obj_or_callable`` is an unsaved model instance (inserted with save(), which does not validate)
    or a callable doing the write (e.g. ``lambda: Model.objects.bulk_create([...])``).
    PostgreSQL names every constraint in its message; SQLite names CHECK constraints but reports a
    UNIQUE violation by its columns, so for unique constraints pass those as ``sqlite_unique``
    ("table.column, table.column").
    """
    write = obj_or_callable if callable(obj_or_callable) else obj_or_callable.save
    try:
        with transaction.atomic():
            write()
    except IntegrityError as exc:
        message = str(exc)
        expected = [constraint_name]
        if sqlite_unique:
            expected.append(f"UNIQUE constraint failed: {sqlite_unique}")
        assert any(e in message for e in expected), message
    else:
        raise AssertionError(f"the database accepted a row violating {constraint_name}")
