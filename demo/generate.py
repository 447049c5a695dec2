"""A demo dataset of any size, for trying the site at province scale (issue #8): `manage.py generate_demo`.

Everything is derived from the number of households N in the proportions of a province (N = 200,000: 40
counties, 4,000 villages, 700,000 members, 1,000,000 measures, 20,000 cadres, 240,000 monthly attendance
reports, 500,000 visits). Every row is demo data: is_demo=True where the model has it, names that say 演示,
county codes 99xxxx (no real administrative division code starts with 9), resident IDs from those codes.
The output depends only on --seed and the county's number, county by county, so a run is reproducible.
Rows are built consistent with the models' rules (their clean() is not run; the database's check and unique
constraints still hold every row to them). Rows that later rows point at go through bulk_create; the large
tables nothing points at are written by CountyBuilder.copy (COPY on PostgreSQL). One transaction for the
whole run, so a failure writes nothing. Timings: bench/RESULTS.md "generate_demo".
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from assessments.models import AssessmentPeriod, BonusItem, DutyRating, SatisfactionSurvey, Veto
from assessments.services import score_period
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
    Aspiration,
    Benefit,
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
from povertyboard.db import copy_rows, split_amount, split_count
from povertyboard.resident_ids import SEX_FEMALE, SEX_MALE, make_resident_id
from villages.models import (
    CollectiveEconomy,
    County,
    FundAllocation,
    FundSource,
    Gate,
    GateTransition,
    PolicyDocument,
    Project,
    Township,
    Village,
    VillageNeed,
)

# Per household, as in a province of 200,000 households.
HOUSEHOLDS_PER_COUNTY = 5000
HOUSEHOLDS_PER_VILLAGE = 50
VILLAGES_PER_TOWNSHIP = 10
MEMBERS_PER_HOUSEHOLD = Decimal("3.5")
MEASURES_PER_HOUSEHOLD = 5
VISITS_PER_HOUSEHOLD = Decimal("2.5")
HOUSEHOLDS_PER_CADRE = 10
COUNTIES_PER_PREFECTURE = 8

DEMO_CODE_PREFIX = "99"  # county codes 990001…999999: no real administrative division starts with 9
YEAR = 2016  # the year of both reports; the demo data describes the same year
BATCH = 2000
# Collective income brackets (yuan) of successive villages: one in twelve a 空壳村 (no income), every bracket of
# villages.selectors.ECONOMY_BRACKETS within the first six villages.
ECONOMY_PATTERN = [(0, 0), (1000000, 1800000), (500000, 999000), (100000, 499000), (50000, 99000), (5000, 49000),
                   (5000, 49000), (50000, 99000), (100000, 499000), (5000, 49000), (50000, 99000), (500000, 999000)]
# Kinds of successive helper and dispatching units: every kind within the first eight.
UNIT_PATTERN = [Unit.Kind.PARTY_GOVERNMENT, Unit.Kind.INSTITUTION, Unit.Kind.MILITARY_POLICE, Unit.Kind.ENTERPRISE,
                Unit.Kind.PARTY_GOVERNMENT, Unit.Kind.ENTERPRISE, Unit.Kind.INSTITUTION, Unit.Kind.SOCIAL,
                Unit.Kind.PARTY_GOVERNMENT, Unit.Kind.ENTERPRISE]
UTC = datetime.UTC


class GenerateRefused(Exception):
    """The database holds data the generator must not mix with; nothing was written."""


@dataclass(frozen=True)
class Plan:
    households: int
    counties: int
    villages: int
    cadres: int

    @classmethod
    def for_households(cls, n: int) -> "Plan":
        if n < 1:
            raise ValueError("households must be positive")
        counties = max(1, round(n / HOUSEHOLDS_PER_COUNTY))
        villages = max(counties, round(n / HOUSEHOLDS_PER_VILLAGE))
        villages = min(villages, n)  # every village has at least one household
        counties = min(counties, villages)
        return cls(households=n, counties=counties, villages=villages, cadres=max(counties, n // HOUSEHOLDS_PER_CADRE))


def existing_data() -> list[str]:
    """What the database already holds that a run without --append refuses to mix with (empty: nothing)."""
    found = []
    real = list(County.objects.exclude(code__startswith=DEMO_CODE_PREFIX).order_by("code")[:5])
    n_real = County.objects.exclude(code__startswith=DEMO_CODE_PREFIX).count()
    if n_real:
        names = "、".join(f"{c.name}（{c.code}）" for c in real) + ("等" if n_real > len(real) else "")
        found.append(f"{n_real} 个非演示县（市）：{names}")
    n_demo = County.objects.filter(code__startswith=DEMO_CODE_PREFIX).count()
    if n_demo:
        found.append(f"{n_demo} 个此前生成的演示县（代码 {DEMO_CODE_PREFIX}xxxx）")
    for model, label in ((Village, "行政村"), (Household, "贫困户"), (Cadre, "干部")):
        n = model.objects.filter(is_demo=False).count()
        if n:
            found.append(f"{n} 条非演示{label}记录")
    return found


def generate(households: int, seed: int = 1, append: bool = False, log=None) -> dict[str, int]:
    """Write the demo dataset for `households` households; return the number of rows per model."""
    plan = Plan.for_households(households)
    found = existing_data()
    if found and not append:
        raise GenerateRefused("；".join(found))
    counts: dict[str, int] = {}
    with transaction.atomic():
        last = (County.objects.filter(code__startswith=DEMO_CODE_PREFIX).order_by("-code")
                .values_list("code", flat=True).first())
        first_index = int(last[2:]) + 1 if last else 1
        if first_index + plan.counties - 1 > 9999:
            raise GenerateRefused(f"演示县代码已用至 {last}，不足 {plan.counties} 个。")
        household_split = split_count(plan.households, [1] * plan.counties, minimum=1)
        village_split = split_count(plan.villages, [1] * plan.counties, minimum=1)
        cadre_split = split_count(plan.cadres, [1] * plan.counties, minimum=1)
        for i in range(plan.counties):
            index = first_index + i
            builder = CountyBuilder(random.Random(f"{seed}:{index}"), index, counts)
            builder.build(household_split[i], village_split[i], cadre_split[i])
            if log:
                log(f"{builder.county.name} {builder.county.code}: {household_split[i]} 户")
    return counts


class CountyBuilder:
    """One demo county and everything in it."""

    def __init__(self, rng: random.Random, index: int, counts: dict[str, int]):
        self.rng = rng
        self.index = index
        self.counts = counts

    def bulk(self, model, objects: list) -> list:
        created = model.objects.bulk_create(objects, batch_size=BATCH)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(created)
        return created

    def copy(self, model, rows: list[dict]) -> None:
        """Insert rows that nothing else refers to (povertyboard.db.copy_rows: COPY on PostgreSQL)."""
        copy_rows(model, rows)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)

    def build(self, n_households: int, n_villages: int, n_cadres: int) -> None:
        self.places(n_villages)
        self.registry(n_households)
        self.cadres(n_cadres)
        self.measures_and_visits()
        self.pairings()
        self.benefits()
        self.funds()
        self.assessment()

    # ------------------------------------------------------------------ places

    def places(self, n_villages: int) -> None:
        rng, index = self.rng, self.index
        code = f"{DEMO_CODE_PREFIX}{index:04d}"
        # Demo counties on a grid over the Qaidam basin, so the maps show them apart.
        lat, lon = 36.0 + (index // 10 % 10) * 0.3, 93.0 + (index % 10) * 0.6
        self.county = County.objects.create(
            code=code, name=f"演示县{index:03d}", prefecture=f"演示州{(index - 1) // COUNTIES_PER_PREFECTURE + 1:02d}",
            latitude=lat, longitude=lon,
        )
        self.counts["villages.County"] = self.counts.get("villages.County", 0) + 1
        n_townships = max(1, min(99, round(n_villages / VILLAGES_PER_TOWNSHIP)))
        kinds = [Township.Kind.TOWN, Township.Kind.TOWNSHIP]
        townships = self.bulk(Township, [
            Township(county=self.county, code=f"{code}{t:03d}", name=f"演示{t:02d}{'镇' if t % 2 else '乡'}",
                     kind=kinds[(t + 1) % 2],
                     latitude=lat + rng.uniform(-0.1, 0.1), longitude=lon + rng.uniform(-0.2, 0.2))
            for t in range(1, n_townships + 1)
        ])
        per_township = split_count(n_villages, [1] * n_townships, minimum=1)
        villages = []
        for t_index, (township, n) in enumerate(zip(townships, per_township, strict=True), start=1):
            for v in range(1, n + 1):
                poor = rng.random() < 0.5
                villages.append(Village(
                    township=township, county=self.county, code=f"{code}{t_index:03d}{v:03d}",
                    name=f"{township.name}演示{v:03d}村",
                    is_poor=poor, population=rng.randint(300, 1500), group_count=rng.randint(3, 8),
                    latitude=round(township.latitude + rng.uniform(-0.08, 0.08), 5),
                    longitude=round(township.longitude + rng.uniform(-0.1, 0.1), 5),
                    planned_exit_year=rng.choice([2016, 2017, 2018, 2019]) if poor else None, is_demo=True,
                ))
        if not any(v.is_poor for v in villages):
            villages[0].is_poor, villages[0].planned_exit_year = True, 2018
        # One poor village in five (at least one) has exited (摘帽) in the year; all its households have.
        for i, v in enumerate([v for v in villages if v.is_poor]):
            if i % 5 == 0:
                v.planned_exit_year, v.exit_year = YEAR, YEAR
        self.villages = self.bulk(Village, villages)
        self.poor_villages = [v for v in self.villages if v.is_poor]
        economy = []
        for i, v in enumerate(self.villages):
            low, high = ECONOMY_PATTERN[i % len(ECONOMY_PATTERN)]
            income = rng.randint(low, high)
            assets = Decimal(rng.randint(100000, 3000000))
            for year, factor in ((2015, Decimal("0.8")), (YEAR, Decimal(1))):
                economy.append(CollectiveEconomy(
                    village=v, year=year, income=(Decimal(income) * factor).quantize(Decimal(1)),
                    accumulated_assets=assets * factor, mutual_aid_fund=(assets * factor * Decimal("0.2")),
                ))
        self.bulk(CollectiveEconomy, economy)
        categories = list(VillageNeed.Category.values)
        self.bulk(VillageNeed, [VillageNeed(village=v, category=c, description="演示需求", resolved=rng.random() < 0.3)
                                for v in self.poor_villages for c in rng.sample(categories, 2)])
        self.bulk(PolicyDocument, [
            PolicyDocument(county=self.county, kind=kind, title=f"（演示）{self.county.name}{title}", year=YEAR,
                           is_demo=True)
            for kind, title in ((PolicyDocument.Kind.IMPLEMENTATION_PLAN, "脱贫攻坚实施方案"),
                                (PolicyDocument.Kind.ACTION_PLAN, "产业扶贫行动计划"),
                                (PolicyDocument.Kind.ACTION_PLAN, "就业扶贫行动计划"),
                                (PolicyDocument.Kind.SPECIAL_PLAN, "交通扶贫专项方案"),
                                (PolicyDocument.Kind.SPECIAL_PLAN, "水利扶贫专项方案"))
        ])

    # ------------------------------------------------------------------ households and members

    def registry(self, n_households: int) -> None:
        rng = self.rng
        per_village = split_count(n_households, [rng.uniform(0.6, 1.4) * (1.5 if v.is_poor else 1)
                                                 for v in self.villages], minimum=1)
        causes, aspirations = list(PovertyCause.values), list(Aspiration.values)
        HS = Household.Status
        households, n = [], 0
        for village, count in zip(self.villages, per_village, strict=True):
            for i in range(1, count + 1):
                n += 1
                identified = rng.choice([2014, 2015, 2016])
                roll = rng.random()
                if roll < 0.25 or village.exit_year:
                    status, planned, exited = HS.EXITED, rng.choice([2015, 2016]), YEAR
                elif roll < 0.30:
                    status, planned, exited = HS.AT_RISK, 2017, None
                elif roll < 0.32:
                    status, planned, exited = HS.RETURNED, 2018, None
                elif roll < 0.36:
                    status, planned, exited = HS.IDENTIFIED, 2019, None
                else:
                    status, planned, exited = HS.ASSISTED, rng.choice([2017, 2018, 2019]), None
                planned = max(planned, identified)
                exited = max(exited, identified) if exited else None
                households.append(Household(
                    village=village, number=f"{village.code}{i:04d}", group_no=rng.randint(1, village.group_count),
                    head_name=f"演示户主{self.index:03d}-{n:05d}", primary_cause=rng.choice(causes),
                    secondary_cause=rng.choice(causes + ["", ""]), aspiration=rng.choice(aspirations),
                    status=status, identified_year=identified, planned_exit_year=planned, exit_year=exited,
                    is_dibao=rng.random() < 0.3, is_wubao=rng.random() < 0.03,
                    has_dangerous_house=rng.random() < 0.08, is_relocated=rng.random() < 0.05, is_demo=True,
                ))
        self.households = self.bulk(Household, households)
        self.members_of(int(MEMBERS_PER_HOUSEHOLD * n_households))
        years, changes = [], []
        for h in self.households:
            income = Decimal(rng.randint(2300, 3100))
            assets = Decimal(rng.randint(8000, 15000))
            years.append(dict(household=h, year=2015, income_per_capita=income, assets_per_capita=assets))
            years.append(dict(household=h, year=YEAR, income_per_capita=income + rng.randint(500, 2000),
                                       assets_per_capita=assets + rng.randint(1000, 9000)))
            changes.append(dict(household=h, to_status=HS.IDENTIFIED,
                                        date=datetime.date(h.identified_year, 10, 1), note="演示：建档立卡"))
            if h.status != HS.IDENTIFIED:
                when = datetime.date(h.exit_year, 11, 1) if h.exit_year else datetime.date(h.identified_year, 12, 1)
                changes.append(dict(household=h, from_status=HS.IDENTIFIED, to_status=h.status, date=when))
        self.copy(HouseholdYear, years)
        self.copy(StatusChange, changes)

    def members_of(self, n_members: int) -> None:
        rng = self.rng
        sizes = split_count(n_members, [rng.uniform(0.3, 1.7) for _ in self.households], minimum=1)
        used: set[str] = set()
        members = []
        health = list(Member.Health.values)
        for household, size in zip(self.households, sizes, strict=True):
            head_age = rng.randint(25, 75)
            head_sex = SEX_MALE if rng.random() < 0.8 else SEX_FEMALE
            for i in range(size):
                if i == 0:
                    relation, age, sex = Member.Relation.HEAD, head_age, head_sex
                elif i == 1 and head_age < 70:
                    relation, age = Member.Relation.SPOUSE, max(20, head_age + rng.randint(-5, 3))
                    sex = SEX_FEMALE if head_sex == SEX_MALE else SEX_MALE
                elif head_age >= 40:
                    relation, age = Member.Relation.CHILD, rng.randint(1, head_age - 20)
                    sex = rng.choice([SEX_MALE, SEX_FEMALE])
                else:
                    relation, age = Member.Relation.PARENT, head_age + rng.randint(20, 30)
                    sex = rng.choice([SEX_MALE, SEX_FEMALE])
                while True:  # a birth date and sequence not yet used in this county
                    birth = datetime.date(YEAR - age, rng.randint(1, 12), rng.randint(1, 28))
                    id_number = make_resident_id(self.county.code, birth, rng.randint(0, 999), sex)
                    if id_number not in used:
                        break
                used.add(id_number)
                student = relation == Member.Relation.CHILD and 6 <= age <= 22
                members.append(dict(
                    household=household, name=household.head_name if i == 0 else f"{household.head_name}家{i}",
                    id_number=id_number, relation=relation, sex=sex, birth_date=birth,
                    education=_education(age, student), is_student=student,
                    health=rng.choices(health, weights=[70, 15, 8, 7])[0],
                    labour=Member.Labour.NONE if age < 16 or age > 64 else rng.choice(
                        [Member.Labour.ABLE, Member.Labour.SKILLED, Member.Labour.WEAK]),
                ))
        self.copy(Member, members)
        ids = dict(Member.objects.in_county(self.county)
                   .values_list("id_number", "pk"))
        for m in members:
            m["id"] = ids[m["id_number"]]
        self.members = members

    # ------------------------------------------------------------------ cadres

    def cadres(self, n_cadres: int) -> None:
        rng = self.rng
        n_units = max(len(UNIT_PATTERN), n_cadres // 10)
        self.units = self.bulk(Unit, [Unit(county=self.county, name=f"演示单位{self.index:03d}-{u + 1:03d}",
                                           kind=UNIT_PATTERN[u % len(UNIT_PATTERN)], is_demo=True)
                                      for u in range(n_units)])
        dispatching = [u for u in self.units if u.kind in (Unit.Kind.PARTY_GOVERNMENT, Unit.Kind.INSTITUTION)]
        posts = {Assignment.Role.FIRST_SECRETARY: "第一书记", Assignment.Role.TEAM_LEADER: "工作队长",
                 Assignment.Role.TEAM_MEMBER: "驻村工作队员"}
        # A first secretary and a team leader for each poor village while cadres last, then team members.
        roles = []
        for role in (Assignment.Role.FIRST_SECRETARY, Assignment.Role.TEAM_LEADER):
            roles += [(role, v) for v in self.poor_villages]
        roles = roles[:n_cadres]
        roles += [(Assignment.Role.TEAM_MEMBER, self.poor_villages[i % len(self.poor_villages)])
                  for i in range(n_cadres - len(roles))]
        self.cadre_list = self.bulk(Cadre, [
            Cadre(county=self.county, name=f"演示干部{self.index:03d}-{i + 1:05d}",
                  unit=dispatching[i % len(dispatching)], post=posts[role], is_demo=True)
            for i, (role, _village) in enumerate(roles)
        ])
        start = datetime.date(2015, 10, 1)
        self.bulk(Assignment, [Assignment(cadre=c, village=v, role=role, start_date=start)
                               for c, (role, v) in zip(self.cadre_list, roles, strict=True)])
        # Beside the resident cadres (who file attendance): a city leader linked to every fourth poor village and
        # a seconded cadre (挂职) to every tenth, for four months; one resident cadre in fifty promoted.
        leader_villages = self.poor_villages[::4]
        seconded_villages = self.poor_villages[::10]
        extra = self.bulk(Cadre, [
            Cadre(county=self.county, name=f"演示干部{self.index:03d}-L{i + 1:04d}",
                  unit=dispatching[i % len(dispatching)], is_demo=True,
                  post="市级领导" if i < len(leader_villages) else "挂职干部")
            for i in range(len(leader_villages) + len(seconded_villages))
        ])
        self.bulk(Assignment, [
            Assignment(cadre=c, village=v, role=Assignment.Role.CITY_LEADER, start_date=datetime.date(YEAR, 1, 1))
            for c, v in zip(extra, leader_villages, strict=False)
        ] + [
            Assignment(cadre=c, village=v, role=Assignment.Role.SECONDMENT, start_date=datetime.date(YEAR, 5, 1),
                       end_date=datetime.date(YEAR, 8, 31))
            for c, v in zip(extra[len(leader_villages):], seconded_villages, strict=True)
        ])
        self.bulk(Promotion, [Promotion(cadre=c, date=datetime.date(YEAR, 9, 1), from_post=c.post,
                                        to_post="乡镇党委副书记", note="演示：脱贫攻坚中实绩突出")
                              for c in self.cadre_list[::50]])
        self.cadres_by_village: dict[int, list[Cadre]] = {}
        for c, (_role, v) in zip(self.cadre_list, roles, strict=True):
            self.cadres_by_village.setdefault(v.pk, []).append(c)
        trainings = self.bulk(Training, [
            Training(county=self.county, title=f"（演示）扶贫干部培训第{i + 1}期",
                     kind=list(Training.Kind.values)[i % 4], days=rng.randint(1, 5),
                     start_date=datetime.date(YEAR, 1, 15) + datetime.timedelta(days=i * 29),
                     location=self.county.name, is_demo=True)
            for i in range(12)
        ])
        self.copy(TrainingAttendance, [dict(training=t, cadre=c) for c in self.cadre_list
                                       for t in rng.sample(trainings, 2)])

    # ------------------------------------------------------------------ measures, visits, pairings, benefits

    def measures_and_visits(self) -> None:
        rng = self.rng
        categories = list(MeasureCategory.values)
        measures = []
        for h in self.households:
            here = self.cadres_by_village.get(h.village_id)
            for k in range(MEASURES_PER_HOUSEHOLD):
                planned = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
                roll = rng.random()
                status = (Measure.Status.IMPLEMENTED if roll < 0.65 else Measure.Status.CANCELLED if roll < 0.68
                          else Measure.Status.PLANNED)
                done = status == Measure.Status.IMPLEMENTED
                category = categories[k] if k < 4 else rng.choice(categories)
                measures.append(dict(
                    village=h.village_id, household=h if rng.random() < 0.97 else None, category=category,
                    title=f"{MeasureCategory(category).label}（演示措施）", status=status,
                    amount=Decimal(rng.randint(0, 50) * 200), responsible=rng.choice(here) if here else None,
                    planned_date=planned,
                    implemented_date=planned + datetime.timedelta(days=rng.randint(5, 60)) if done else None,
                    evidence="演示：入户核实" if done else "",
                    cancel_reason="演示：户情变化" if status == Measure.Status.CANCELLED else "",
                ))
        self.copy(Measure, measures)
        n_visits = int(VISITS_PER_HOUSEHOLD * len(self.households))
        visits = []
        kinds = list(Visit.Kind.values)
        for i in range(n_visits):
            h = self.households[i % len(self.households)]
            here = self.cadres_by_village.get(h.village_id) or self.cadre_list
            visits.append(dict(village=h.village_id, household=h, kind=rng.choice(kinds),
                                date=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(0, 364)),
                                cadre=rng.choice(here), purpose="演示：了解生产生活情况"))
        self.copy(Visit, visits)

    def pairings(self) -> None:
        """Nine households in ten are paired with a helper of a unit; each helper has about two households."""
        rng = self.rng
        paired = [h for h in self.households if rng.random() < 0.9]
        n_staff = max(1, len(paired) // 2)
        staff = self.bulk(HelperStaff, [
            HelperStaff(unit=self.units[i % len(self.units)], name=f"演示帮扶人{self.index:03d}-{i + 1:05d}",
                        is_demo=True)
            for i in range(n_staff)
        ])
        self.copy(Pairing, [dict(household=h, helper=staff[i % n_staff], start_date=datetime.date(YEAR, 3, 1))
                            for i, h in enumerate(paired)])

    def benefits(self) -> None:
        rng = self.rng
        B = Benefit.Kind
        date = datetime.date(YEAR, 1, 1)

        def on(day):
            return date + datetime.timedelta(days=day % 360)

        rows = []
        for i, h in enumerate(self.households):
            if h.is_dibao:
                rows.append(dict(household=h, kind=B.DIBAO, date=on(i), amount=Decimal(rng.randint(20, 60) * 100),
                                    provider="民政部门"))
            if h.has_dangerous_house:
                rows.append(dict(household=h, kind=B.HOUSE_RENOVATION, date=on(i),
                                    amount=Decimal(rng.randint(15, 40) * 1000), provider="县财政"))
            if rng.random() < 0.1:
                rows.append(dict(household=h, kind=B.LOAN, date=on(i), amount=Decimal(rng.randint(1, 5) * 10000),
                                    provider="演示农村商业银行"))
            if rng.random() < 0.3:
                rows.append(dict(household=h, kind=B.DONATED_GOODS, date=on(i),
                                    amount=Decimal(rng.randint(2, 20) * 100), provider="联点单位"))
        for i, m in enumerate(self.members):
            roll = rng.random()
            if roll < 0.08:
                expense = Decimal(rng.randint(500, 30000))
                rows.append(dict(household=m["household"], member=m["id"], kind=B.MEDICAL, date=on(i), expense=expense,
                                    amount=(expense * Decimal("0.7")).quantize(Decimal("0.01")),
                                    provider="新农合及医疗救助"))
            elif m["is_student"] and roll < 0.6:
                rows.append(dict(household=m["household"], member=m["id"], kind=B.EDUCATION_AID, date=on(i),
                                    amount=Decimal(rng.randint(10, 30) * 100), provider="教育部门"))
            elif m["labour"] != Member.Labour.NONE and roll < 0.14:
                kind = B.JOB_PLACEMENT if roll < 0.11 else B.EMPLOYMENT_TRANSFER
                rows.append(dict(household=m["household"], member=m["id"], kind=kind, date=on(i), provider="人社部门"))
        self.copy(Benefit, rows)

    # ------------------------------------------------------------------ funds and projects

    def funds(self) -> None:
        rng = self.rng
        K, P = FundSource.Kind, FundSource.Purpose
        categories = [Project.Category.ROAD, Project.Category.DRINKING_WATER, Project.Category.POWER_GRID,
                      Project.Category.CULTURE_SPORTS, Project.Category.INDUSTRY, Project.Category.HOUSING]
        projects = []
        for i, v in enumerate(self.poor_villages):
            for k in range(2):
                category = categories[(i + k) % len(categories)]
                progress = rng.choice([0, 30, 60, 100, 100])
                status = (Project.Status.COMPLETED if progress == 100 else Project.Status.IN_PROGRESS if progress
                          else Project.Status.PLANNED)
                projects.append(Project(
                    county=self.county, village=v, name=f"（演示）{v.name}{Project.Category(category).label}项目",
                    category=category, programme=Project.Programme.SECTOR if k else Project.Programme.POVERTY,
                    department="演示县直部门", year=YEAR, budget=Decimal(rng.randint(20, 300) * 10000),
                    progress=progress, status=status, is_demo=True,
                ))
        projects.append(Project(
            county=self.county, village=self.poor_villages[0], name=f"（演示）{self.county.name}易地搬迁安置点",
            category=Project.Category.RELOCATION, department="演示县扶贫开发部门", year=YEAR,
            budget=Decimal(rng.randint(500, 2000) * 10000), progress=80, status=Project.Status.IN_PROGRESS,
            is_demo=True,
        ))
        projects = self.bulk(Project, projects)
        paid = rng.sample(self.households, max(1, len(self.households) // 5))
        village_total = Decimal(500000) * len(self.poor_villages)
        budgets = sum(p.budget for p in projects)
        work_funds = Decimal(10000) * len(self.cadre_list)
        sources = self.bulk(FundSource, [
            FundSource(county=self.county, kind=kind, purpose=purpose, name=f"（演示）{name}", provider=provider,
                       year=YEAR, amount=amount, is_demo=True)
            for kind, purpose, name, provider, amount in (
                (K.PROVINCE_PREFECTURE, P.GENERAL, "省州扶贫专项资金", "演示省州", village_total),
                (K.CITY_FINANCE, P.INFRASTRUCTURE, "市级财政扶贫专项资金", "演示市财政", budgets),
                (K.COUNTY_FINANCE, P.INDUSTRY, "脱贫发展资金", "演示县财政", Decimal(5000) * len(paid)),
                (K.DISPATCHING_UNIT, P.WORK_FUNDS, "选派单位工作经费", "各选派单位", work_funds),
                (K.DONATION, P.GENERAL, "社会捐赠", "演示企业", Decimal(rng.randint(10, 100) * 10000)),
                (K.ORGANIZATION_DEPT, P.WORK_FUNDS, "组织部工作经费", "演示组织部", Decimal(rng.randint(5, 20) * 1000)),
                (K.LINKED_UNIT, P.INDUSTRY, "联点单位产业资金", "演示联点单位", Decimal(rng.randint(5, 20) * 100000)),
            )
        ])
        province, city, county = sources[:3]
        allocations = []
        for v, amount in zip(self.poor_villages, split_amount(village_total, [1] * len(self.poor_villages)),
                             strict=True):
            allocations.append(FundAllocation(source=province, village=v, amount=amount, gate=rng.randint(1, 6)))
        for p in projects:
            gate = Gate.BENEFIT if p.status == Project.Status.COMPLETED else rng.randint(1, 5)
            allocations.append(FundAllocation(source=city, project=p, amount=p.budget, gate=gate))
        for h in paid:
            allocations.append(FundAllocation(source=county, household=h, amount=Decimal(5000),
                                              gate=rng.choice([Gate.DISBURSEMENT, Gate.BENEFIT, Gate.BENEFIT])))
        allocations = self.bulk(FundAllocation, allocations)
        self.copy(GateTransition, [
            dict(allocation=a, gate=g, actor_name="演示经办人",
                           at=datetime.datetime(YEAR, 1 + g, 10, 9, 30, tzinfo=UTC))
            for a in allocations for g in range(1, a.gate + 1)
        ])

    # ------------------------------------------------------------------ the 331 assessment

    def assessment(self) -> None:
        rng = self.rng
        period = AssessmentPeriod.objects.create(
            county=self.county, name=f"{YEAR}年度", kind=AssessmentPeriod.Kind.ANNUAL,
            start_date=datetime.date(YEAR, 1, 1), end_date=datetime.date(YEAR, 12, 31),
        )
        self.counts["assessments.AssessmentPeriod"] = self.counts.get("assessments.AssessmentPeriod", 0) + 1
        reports, surveys = [], []
        for c in self.cadre_list:
            for month in range(1, 13):
                absent = 1 if rng.random() < 0.05 else 0
                reports.append(dict(
                    cadre=c, month=datetime.date(YEAR, month, 1), required_days=period.required_days_per_month,
                    days_present=rng.randint(14, 24), leave_days=rng.randint(0, 2), reported_outings=rng.randint(0, 2),
                    unreported_absences=absent, locked=True,
                    submitted_at=datetime.datetime(YEAR, month, 28, 10, 0, tzinfo=UTC),
                ))
            for group, size in ((SatisfactionSurvey.Group.PARTY_MEMBERS, 15), (SatisfactionSurvey.Group.VILLAGERS, 30)):
                satisfied = rng.randint(size // 2, size)
                basic = rng.randint(0, size - satisfied)
                surveys.append(dict(period=period, cadre=c, group=group, satisfied=satisfied,
                                                  basically_satisfied=basic, unsatisfied=size - satisfied - basic))
        self.copy(AttendanceReport, reports)
        self.copy(SatisfactionSurvey, surveys)
        # Two cadres in a hundred have no duty rating yet: shown as missing, never scored as 0.
        self.copy(DutyRating, [dict(period=period, cadre=c, score=Decimal(rng.randint(60, 98)),
                                          rater_name="演示考核组", comment="演示：依据年承诺、季报告评分")
                               for c in self.cadre_list if rng.random() < 0.98])
        kinds, levels = list(BonusItem.Kind.values), list(BonusItem.Level.values)
        self.bulk(BonusItem, [BonusItem(period=period, cadre=c, kind=rng.choice(kinds), level=rng.choice(levels),
                                        points=Decimal(rng.randint(1, 5)), note="演示加分")
                              for c in rng.sample(self.cadre_list, max(1, len(self.cadre_list) // 20))])
        self.bulk(Veto, [Veto(period=period, cadre=c, reason="演示：精准脱贫任务未达标")
                         for c in rng.sample(self.cadre_list, max(1, len(self.cadre_list) // 200))])
        self.copy(AnnualCommitment, [dict(cadre=c, year=YEAR, content="演示：年度帮扶承诺",
                                                      submitted_at=datetime.datetime(YEAR, 1, 20, tzinfo=UTC))
                                     for c in self.cadre_list])
        self.copy(QuarterlyReport, [dict(cadre=c, year=YEAR, quarter=q, content=f"演示：第{q}季度工作报告",
                                                    submitted_at=datetime.datetime(YEAR, q * 3, 28, tzinfo=UTC))
                                    for c in self.cadre_list for q in (1, 2, 3, 4)])
        cards = score_period(period)
        self.counts["assessments.Scorecard"] = self.counts.get("assessments.Scorecard", 0) + len(cards)


def _education(age: int, student: bool) -> str:
    E = Member.Education
    if age < 6:
        return E.PRESCHOOL
    if student:
        return E.PRIMARY if age < 12 else E.JUNIOR if age < 15 else E.SENIOR if age < 18 else E.COLLEGE
    return E.NONE if age > 60 else E.PRIMARY if age > 45 else E.JUNIOR
