"""Seed the two report counties: their real divisions, the report figures from fixtures/, and deterministic demo rows.

The townships and villages are the NBS 2016 units (villages.services.load_divisions); the demo rows are placed in
real village committees only and generated so that every figure of both reports is recomputed from them by
dashboards.figures (reconcile_reports checks it). Demo rows carry is_demo=True and names that say 演示 (demo);
a real village the seed uses is marked is_demo too, because its poor flag, population, groups and place are
invented. The places, the figures and their source sentences are facts.
"""

import datetime
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

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
    EIGHT_BATCHES,
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
from povertyboard import access
from povertyboard.db import split_amount, split_count
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
    ReportFigure,
    Township,
    UserArea,
    Village,
    VillageNeed,
)
from villages.services import load_divisions

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED = 20161103  # the date of the Wulan report; any constant keeps the demo rows identical
DEMO_PASSWORD = "povertyboard-demo"
WULAN, GOLMUD = "632821", "632801"

# Demo accounts: (username, role group, county code or prefecture, superuser). See README.
DEMO_USERS = (
    ("admin", None, None, True),
    ("staff", access.COUNTY_STAFF, WULAN, False),
    ("golmud", access.COUNTY_STAFF, GOLMUD, False),
    ("prefecture", access.COUNTY_STAFF, "海西蒙古族藏族自治州", False),
    ("cadre", access.CADRE, GOLMUD, False),
    ("supervisor", access.SUPERVISOR, GOLMUD, False),
)


DIVISION_EDITION = 2016  # the reports' year

# The seed's villages are drawn around their township's centre (fixtures/places.json), within these offsets in
# degrees of (latitude, longitude): about ±9 km by default. 茶卡镇 sits on the north shore of the Chaka salt
# lake, so its villages lie north of the town, not in the lake. One draw per coordinate, so the rest of the
# seed is the same whatever the offsets.
DEFAULT_SPREAD = ((-0.08, 0.08), (-0.10, 0.10))
VILLAGE_SPREAD = {
    "632821101": ((0.0, 0.10), (-0.12, 0.12)),  # 茶卡镇
}

# The villages the report rows go to: township code -> (village committees, of which poor). Each township's
# first village committees in code order are taken, the poor ones first. 乌兰: all 38 (the report's 38个行政村),
# the first half of each town's poor (19, one per first secretary). 格尔木: the report's 16 poor and 7 non-poor villages
# with paired households; 唐古拉镇's two are its first, far from 长江源村 (code 207), which lies near the city.
# Which real villages are poor is demo data (the villages are marked is_demo).
WULAN_VILLAGES = {"632821100": (4, 2), "632821101": (8, 4), "632821102": (20, 10), "632821103": (6, 3)}
GOLMUD_VILLAGES = {"632801100": (10, 6), "632801101": (2, 2), "632801200": (4, 3), "632801201": (7, 5)}


class SeedConflict(Exception):
    """The database holds data the seed would contradict; nothing was changed."""


def load_fixtures() -> tuple[dict, list[dict]]:
    places = json.loads((FIXTURES / "places.json").read_text(encoding="utf-8"))
    figures = json.loads((FIXTURES / "report_figures.json").read_text(encoding="utf-8"))
    return places, figures


def check_conflicts(places: dict, figures: list[dict]) -> None:
    problems = []
    for c in places["counties"]:
        county = County.objects.filter(code=c["code"]).first()
        if county is None:
            continue
        if county.name != c["name"]:
            problems.append(f"县（市）代码 {c['code']} 在数据库中名为“{county.name}”，而种子数据为“{c['name']}”。")
        # Villages loaded from the division data carry only code, name and kind; one with a poor flag or a
        # population of its own holds real data.
        real_villages = Village.objects.in_county(county).filter(is_demo=False).filter(
            Q(is_poor=True) | Q(population__isnull=False)).count()
        real_households = Household.objects.in_county(county).filter(is_demo=False).count()
        if real_villages or real_households:
            problems.append(
                f"{county.name} 已有非演示数据（{real_villages} 个行政村、{real_households} 户），"
                "演示数据不能与之混合。"
            )
    stored = {(f.county.code, f.key): f for f in ReportFigure.objects.select_related("county")}
    for f in figures:
        existing = stored.get((f["county"], f["key"]))
        if existing and existing.value != Decimal(f["value"]):
            problems.append(
                f"报告数据 {f['county']}/{f['key']} 在数据库中为 {existing.value}，种子数据为 {f['value']}。"
            )
    if problems:
        raise SeedConflict("\n".join(problems))


def already_seeded(places: dict) -> bool:
    return all(
        Village.objects.filter(township__county__code=c["code"], is_demo=True).exists() for c in places["counties"]
    )


def seed_reports() -> str:
    """Load the fixtures and the demo rows; refuse on conflict; a second run changes nothing."""
    places, figures = load_fixtures()
    check_conflicts(places, figures)
    if already_seeded(places):
        return "already seeded: nothing changed"
    with transaction.atomic():
        counties = _load_places(places)
        _load_figures(figures, counties)
        rng = random.Random(SEED)
        users = _demo_users(counties)
        Builder(rng, counties[WULAN], users).wulan()
        Builder(rng, counties[GOLMUD], users).golmud()
    return f"seeded {len(counties)} counties and {len(figures)} report figures with demo rows"


def _load_places(places: dict) -> dict[str, County]:
    """The counties' real 2016 divisions, with the approximate centres of fixtures/places.json."""
    load_divisions(county_codes=[c["code"] for c in places["counties"]], edition=DIVISION_EDITION)
    counties = {}
    for c in places["counties"]:
        county = County.objects.get(code=c["code"])
        County.objects.filter(pk=county.pk).update(latitude=c["latitude"], longitude=c["longitude"])
        county.refresh_from_db()
        for t in c["townships"]:
            Township.objects.filter(county=county, code=t["code"]).update(
                latitude=t["latitude"], longitude=t["longitude"])
        counties[county.code] = county
    return counties


def _load_figures(figures: list[dict], counties: dict[str, County]) -> None:
    for order, f in enumerate(figures):
        ReportFigure.objects.update_or_create(
            county=counties[f["county"]], key=f["key"],
            defaults={
                "label": f["label"], "value": Decimal(f["value"]), "unit": f["unit"],
                "comparison": f["comparison"], "report_file": f["report_file"],
                "source_sentence": f["source_sentence"], "order": order,
            },
        )


def _demo_users(counties: dict[str, County]) -> dict:
    """One demo account per role, each bound to its area; passwords are for local use only (see README)."""
    User = get_user_model()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in access.ROLE_GROUPS}
    users = {}
    for username, role, area, superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_superuser": superuser, "is_staff": superuser},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role:
            user.groups.add(groups[role])
        if area in counties:
            UserArea.objects.get_or_create(user=user, defaults={"county": counties[area]})
        elif area:
            UserArea.objects.get_or_create(user=user, defaults={"prefecture": area})
        users[username] = user
    return users


def _clean_all(objects):
    """Run each model's own clean() (the cross-field rules) before a bulk insert skips it."""
    for obj in objects:
        obj.clean()
    return objects


def _bulk(model, objects):
    return model.objects.bulk_create(_clean_all(objects))


@dataclass
class Builder:
    rng: random.Random
    county: County
    users: dict
    villages: list = field(default_factory=list)
    households: list = field(default_factory=list)
    members: list = field(default_factory=list)
    cadres_by_village: dict = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return "W" if self.county.code == WULAN else "G"

    # ---------------------------------------------------------------- places and people

    def use_villages(self, plan: dict[str, tuple[int, int]], planned_exit_years) -> None:
        """Give real village committees their demo attributes. plan: township code -> (villages, of which poor);
        each township's first village committees in code order, the poor ones first."""
        townships = {t.code: t for t in self.county.townships.all()}
        committees = list(Village.objects.filter(county=self.county, kind=Village.Kind.VILLAGE_COMMITTEE,
                                                 active=True).order_by("code"))
        for code, (n, n_poor) in plan.items():
            township = townships[code]
            spread = VILLAGE_SPREAD.get(code, DEFAULT_SPREAD)
            villages = [v for v in committees if v.township_id == township.pk][:n]
            if len(villages) < n:
                raise SeedConflict(f"{township.name}（{code}）只有 {len(villages)} 个村委会，种子数据需要 {n} 个。")
            for i, village in enumerate(villages):
                poor = i < n_poor
                village.is_poor = poor
                village.population = self.rng.randint(300, 1500)
                village.group_count = self.rng.randint(3, 6)
                village.latitude = round(township.latitude + self.rng.uniform(*spread[0]), 5)
                village.longitude = round(township.longitude + self.rng.uniform(*spread[1]), 5)
                village.planned_exit_year = self.rng.choice(planned_exit_years) if poor else None
                village.is_demo = True
            self.villages.extend(villages)
        Village.objects.bulk_update(self.villages, ["is_poor", "population", "group_count", "latitude", "longitude",
                                                    "planned_exit_year", "is_demo"])

    def make_households(self, total: int, people: int, statuses) -> None:
        """total households over the villages (poor villages weigh 3), people members in all."""
        weights = [3 if v.is_poor else 1 for v in self.villages]
        per_village = split_count(total, weights, minimum=1)
        sizes = split_count(people, [self.rng.uniform(0.5, 1.5) for _ in range(total)], minimum=1)
        causes = list(PovertyCause.values)
        aspirations = list(Aspiration.values)
        objs, n = [], 0
        for village, count in zip(self.villages, per_village, strict=True):
            for i in range(1, count + 1):
                status, identified, planned, exited = statuses(self.rng)
                objs.append(Household(
                    village=village, number=f"{village.code}{i:03d}",
                    group_no=self.rng.randint(1, village.group_count),
                    head_name=f"演示户主{self.tag}{n + 1:04d}",
                    primary_cause=self.rng.choice(causes),
                    aspiration=aspirations[n] if n < len(aspirations) else self.rng.choice(aspirations),
                    status=status, identified_year=identified, planned_exit_year=planned, exit_year=exited,
                    is_demo=True,
                ))
                n += 1
        self.households = _bulk(Household, objs)
        self._make_members(sizes)
        self._make_years()
        changes = []
        for h in self.households:
            changes.append(StatusChange(household=h, to_status=Household.Status.IDENTIFIED,
                                        date=datetime.date(h.identified_year, 10, 1), note="建档立卡"))
            if h.status != Household.Status.IDENTIFIED:
                changes.append(StatusChange(
                    household=h, from_status=Household.Status.IDENTIFIED, to_status=h.status,
                    date=datetime.date(h.exit_year, 11, 1) if h.exit_year else datetime.date(h.identified_year, 12, 1),
                ))
        _bulk(StatusChange, changes)

    def _make_members(self, sizes) -> None:
        objs, used_ids = [], set()
        sequence = 0
        for household, size in zip(self.households, sizes, strict=True):
            head_age = self.rng.randint(30, 70)
            head_sex = SEX_MALE if self.rng.random() < 0.8 else SEX_FEMALE
            for i in range(size):
                sequence += 1
                if i == 0:
                    relation, age = Member.Relation.HEAD, head_age
                elif i == 1 and head_age < 65:
                    relation, age = Member.Relation.SPOUSE, max(20, head_age + self.rng.randint(-5, 3))
                else:
                    relation, age = Member.Relation.CHILD, self.rng.randint(2, min(22, head_age - 18))
                if relation == Member.Relation.HEAD:
                    sex = head_sex
                elif relation == Member.Relation.SPOUSE:
                    sex = SEX_FEMALE if head_sex == SEX_MALE else SEX_MALE
                else:
                    sex = self.rng.choice([SEX_MALE, SEX_FEMALE])
                birth = datetime.date(2016 - age, self.rng.randint(1, 12), self.rng.randint(1, 28))
                id_number = make_resident_id(self.county.code, birth, sequence, sex)
                while id_number in used_ids:
                    sequence += 2
                    id_number = make_resident_id(self.county.code, birth, sequence, sex)
                used_ids.add(id_number)
                student = relation == Member.Relation.CHILD and 6 <= age <= 22
                objs.append(Member(
                    household=household,
                    name=household.head_name if i == 0 else f"演示成员{self.tag}{sequence:05d}",
                    id_number=id_number,
                    relation=relation, sex=sex, birth_date=birth,
                    education=_education(age, student), is_student=student,
                    health=self.rng.choices(list(Member.Health.values), weights=[70, 15, 8, 7])[0],
                    labour=Member.Labour.NONE if age < 16 or age > 64 else self.rng.choice(
                        [Member.Labour.ABLE, Member.Labour.SKILLED, Member.Labour.WEAK]),
                ))
        self.members = _bulk(Member, objs)

    def _make_years(self) -> None:
        objs = []
        for h in self.households:
            assets = Decimal(self.rng.randint(8000, 15000))
            objs.append(HouseholdYear(household=h, year=2015, income_per_capita=Decimal(self.rng.randint(2300, 3100)),
                                      assets_per_capita=assets))
            objs.append(HouseholdYear(household=h, year=2016, income_per_capita=Decimal(self.rng.randint(3300, 4600)),
                                      assets_per_capita=assets + self.rng.randint(6400, 9000)))
        _bulk(HouseholdYear, objs)

    def working_age(self):
        return [m for m in self.members if m.labour != Member.Labour.NONE]

    # ---------------------------------------------------------------- cadres

    def make_units(self, counts: dict[str, int]) -> list[Unit]:
        names = {Unit.Kind.PARTY_GOVERNMENT: "演示机关", Unit.Kind.INSTITUTION: "演示事业单位",
                 Unit.Kind.MILITARY_POLICE: "演示部队", Unit.Kind.ENTERPRISE: "演示企业"}
        objs = [Unit(county=self.county, kind=kind, name=f"{names[kind]}{self.tag}{i:02d}", is_demo=True)
                for kind, n in counts.items() for i in range(1, n + 1)]
        return _bulk(Unit, objs)

    def make_cadres(self, n: int, units: list[Unit], post: str, start: int = 1) -> list[Cadre]:
        objs = [Cadre(county=self.county, name=f"演示干部{self.tag}{start + i:03d}", unit=units[i % len(units)],
                      post=post, is_demo=True) for i in range(n)]
        return _bulk(Cadre, objs)

    def assign(self, cadres, villages, role, start, end=None) -> None:
        objs = []
        for cadre, village in zip(cadres, villages, strict=True):
            objs.append(Assignment(cadre=cadre, village=village, role=role, start_date=start, end_date=end))
            if role in Assignment.RESIDENT_ROLES:
                self.cadres_by_village.setdefault(village.pk, []).append(cadre)
        _bulk(Assignment, objs)

    # ---------------------------------------------------------------- benefits, measures, funds

    def benefits(self, kind, targets, total=None, date=datetime.date(2016, 6, 30), **extra) -> list[Benefit]:
        """One benefit per target (a Member or a Household); money split so it adds up to total."""
        amounts = split_amount(total, [self.rng.uniform(0.6, 1.4) for _ in targets]) if total else None
        objs = []
        for i, target in enumerate(targets):
            member = target if isinstance(target, Member) else None
            objs.append(Benefit(
                household=member.household if member else target, member=member, kind=kind,
                date=date + datetime.timedelta(days=i % 120),
                amount=amounts[i] if amounts else Decimal(0), **extra,
            ))
        return _bulk(Benefit, objs)

    def medical(self, person_times: int, expense, reimbursed) -> None:
        patients = [self.rng.choice(self.members) for _ in range(person_times)]
        expenses = split_amount(expense, [self.rng.uniform(0.3, 1.7) for _ in patients])
        # Reimburse the same share of every bill, the cents left over where there is room.
        ratio = Decimal(reimbursed) / Decimal(expense)
        paid = [(e * ratio).quantize(Decimal("0.01"), rounding="ROUND_DOWN") for e in expenses]
        left = Decimal(reimbursed) - sum(paid)
        for i in range(len(paid)):
            room = min(expenses[i] - paid[i], left)
            paid[i] += room
            left -= room
        _bulk(Benefit, [
            Benefit(household=m.household, member=m, kind=Benefit.Kind.MEDICAL, amount=p, expense=e,
                    date=datetime.date(2016, 1, 10) + datetime.timedelta(days=i * 2), provider="新农合及医疗救助")
            for i, (m, e, p) in enumerate(zip(patients, expenses, paid, strict=True))
        ])

    def measures(self, total: int, implemented: int, categories) -> None:
        cadres_here = self.cadres_by_village
        objs = []
        for i in range(total):
            h = self.households[i % len(self.households)]
            category = categories[i] if i < len(categories) else self.rng.choice(list(MeasureCategory.values))
            planned = datetime.date(2016, 1, 1) + datetime.timedelta(days=self.rng.randint(0, 200))
            done = i < implemented
            responsible = cadres_here.get(h.village_id)
            objs.append(Measure(
                village=h.village, household=h, category=category,
                title=f"{MeasureCategory(category).label}（演示措施{self.tag}{i + 1:04d}）",
                status=Measure.Status.IMPLEMENTED if done else Measure.Status.PLANNED,
                amount=Decimal(self.rng.randint(0, 50) * 200),
                responsible=self.rng.choice(responsible) if responsible else None,
                planned_date=planned,
                implemented_date=planned + datetime.timedelta(days=self.rng.randint(5, 90)) if done else None,
                evidence="演示：入户核实" if done else "",
            ))
        self.rng.shuffle(objs)
        _bulk(Measure, objs)

    def source(self, kind, purpose, name, amount, provider="") -> FundSource:
        return FundSource.objects.create(county=self.county, kind=kind, purpose=purpose, name=f"（演示）{name}",
                                         provider=provider, year=2016, amount=Decimal(amount), is_demo=True)

    def allocate(self, source, targets, amounts, gates) -> None:
        """Allocations of source to targets, each moved through the gates up to its own gate."""
        allocs = []
        for target, amount, gate in zip(targets, amounts, gates, strict=True):
            kind = {Project: "project", Village: "village", Household: "household"}[type(target)]
            allocs.append(FundAllocation(source=source, amount=amount, gate=gate, **{kind: target}))
        allocs = _bulk(FundAllocation, allocs)
        admin = self.users["admin"]
        transitions = []
        for alloc in allocs:
            for g in range(1, alloc.gate + 1):
                transitions.append(GateTransition(
                    allocation=alloc, gate=g, actor=admin, actor_name="演示经办人",
                    at=timezone.make_aware(datetime.datetime(2016, 2 + g, 10, 9, 30)),
                ))
        _bulk(GateTransition, transitions)

    def economy(self, incomes: list[int], accumulated_total, year=2016) -> None:
        assets = split_amount(accumulated_total, [self.rng.uniform(0.2, 1.8) for _ in self.villages])
        objs = []
        for village, income, asset in zip(self.villages, incomes, assets, strict=True):
            objs.append(CollectiveEconomy(village=village, year=year, income=Decimal(income), accumulated_assets=asset,
                                          mutual_aid_fund=(asset * Decimal("0.2")).quantize(Decimal("0.01"))))
        _bulk(CollectiveEconomy, objs)

    def visits(self, n: int, visitors, kinds=(Visit.Kind.SURVEY, Visit.Kind.CONDOLENCE, Visit.Kind.HOME_VISIT)):
        """visitors: list of (household, cadre or None, helper or None)."""
        objs = []
        for i in range(n):
            household, cadre, helper = visitors[i % len(visitors)]
            objs.append(Visit(village=household.village, household=household, kind=kinds[i % len(kinds)],
                              date=datetime.date(2016, 1, 5) + datetime.timedelta(days=(i * 3) % 300),
                              cadre=cadre, helper=helper, purpose="演示：了解生产生活情况"))
        _bulk(Visit, objs)

    def needs(self, categories) -> None:
        poor = [v for v in self.villages if v.is_poor]
        objs = [VillageNeed(village=poor[i % len(poor)], category=c, description="演示需求")
                for i, c in enumerate(categories)]
        _bulk(VillageNeed, objs)

    def policies(self, kind, titles) -> None:
        _bulk(PolicyDocument, [PolicyDocument(county=self.county, kind=kind, title=f"（演示）{t}", year=2016,
                                              is_demo=True) for t in titles])

    # ---------------------------------------------------------------- the two counties

    def wulan(self) -> None:
        rng = self.rng
        self.use_villages(WULAN_VILLAGES, planned_exit_years=[2016])
        # Every registered poor household is on 低保 and plans to exit at the end of 2016.
        self.make_households(405, 1113, lambda r: (Household.Status.ASSISTED, 2015, 2016, None))
        Household.objects.filter(pk__in=[h.pk for h in self.households]).update(is_dibao=True)

        poor = [v for v in self.villages if v.is_poor]
        units = self.make_units({Unit.Kind.PARTY_GOVERNMENT: 12, Unit.Kind.INSTITUTION: 8})
        start = datetime.date(2015, 10, 1)
        secretaries = self.make_cadres(19, units, "第一书记")
        self.assign(secretaries, poor, Assignment.Role.FIRST_SECRETARY, start)
        team = self.make_cadres(53, units, "驻村工作队员", start=20)
        self.assign(team[:19], poor, Assignment.Role.TEAM_LEADER, start)
        self.assign(team[19:], [poor[i % len(poor)] for i in range(34)], Assignment.Role.TEAM_MEMBER, start)

        categories = list(EIGHT_BATCHES) + [MeasureCategory.HOUSE_RENOVATION, MeasureCategory.SKILLS_TRAINING,
                                            MeasureCategory.FINANCE, MeasureCategory.WATER]
        self.measures(575, 387, categories)

        B = Benefit.Kind
        self.benefits(B.DIBAO, self.households, "1354800", provider="民政部门")
        self.medical(161, "554200", "390700")
        students = [m for m in self.members if m.is_student]
        self.benefits(B.EDUCATION_AID, rng.sample(students, 179), "268500", provider="教育部门")
        self.benefits(B.JOB_PLACEMENT, rng.sample(self.working_age(), 159), provider="人社部门")
        self.benefits(B.DONATED_GOODS, self.households, "636900", provider="扶贫工作队")
        renovated = rng.sample(self.households, 27)
        Household.objects.filter(pk__in=[h.pk for h in renovated]).update(has_dangerous_house=True)
        renovation = self.benefits(B.HOUSE_RENOVATION, renovated, "2255000", provider="县财政")

        K, P = FundSource.Kind, FundSource.Purpose
        dev = self.source(K.COUNTY_FINANCE, P.INDUSTRY, "脱贫发展资金", "2300000", "乌兰县财政")
        dev_households = rng.sample(self.households, 115)
        self.allocate(dev, dev_households, [Decimal(20000)] * 115,
                      [Gate.BENEFIT if i % 3 else Gate.DISBURSEMENT for i in range(115)])
        house = self.source(K.COUNTY_FINANCE, P.HOUSE_RENOVATION, "农村危房改造补助资金", "2255000", "乌兰县财政")
        self.allocate(house, renovated, [b.amount for b in renovation], [Gate.DISBURSEMENT] * 27)
        relocation = self.source(K.INTEGRATED, P.RELOCATION, "易地搬迁与高原美丽乡村整合项目资金", "22000000")
        site = Project.objects.create(
            county=self.county, village=poor[0], name="（演示）易地搬迁与高原美丽乡村建设安置点",
            category=Project.Category.RELOCATION, department="县扶贫开发部门", year=2016,
            budget=Decimal(22000000), progress=80, status=Project.Status.IN_PROGRESS, is_demo=True,
        )
        self.allocate(relocation, [site], [Decimal(22000000)], [Gate.DISBURSEMENT])

        sector_plans = ["技能培训促进就业扶贫", "金融扶贫", "爱老敬老救助扶贫", "文化惠民专项扶贫", "水利专项扶贫",
                        "通信扶贫", "电子商务及市场体系建设", "电力扶贫", "科教扶贫", "交通扶贫"]
        self.policies(PolicyDocument.Kind.SPECIAL_PLAN, [f"乌兰县{t}专项方案" for t in sector_plans])

        # Collective income 2016 by the report's brackets (11 / 8 / 3 / 9 / 7), never zero.
        brackets = [(11, 5000, 49000), (8, 50000, 99000), (3, 100000, 499000), (9, 500000, 999000),
                    (7, 1000000, 1800000)]
        incomes = [rng.randint(low, high) for n, low, high in brackets for _ in range(n)]
        rng.shuffle(incomes)
        self.economy(incomes, "27098500")
        self.economy([int(i * 0.8) for i in incomes], "22000000", year=2015)

        visitors = [(h, rng.choice(self.cadres_by_village[h.village_id]), None)
                    for h in self.households if h.village_id in self.cadres_by_village]
        self.visits(120, visitors)
        self.needs([VillageNeed.Category.ROAD, VillageNeed.Category.DRINKING_WATER, VillageNeed.Category.HOUSING])

    def golmud(self) -> None:
        rng = self.rng
        self.use_villages(GOLMUD_VILLAGES, planned_exit_years=[2017, 2018])

        def status(r):
            identified = r.choice([2015, 2016])
            roll = r.random()
            if roll < 0.25:
                return Household.Status.EXITED, identified, 2016, 2016
            if roll < 0.30:
                return Household.Status.AT_RISK, identified, 2017, None
            return Household.Status.ASSISTED, identified, r.choice([2017, 2018]), None

        self.make_households(278, 809, status)
        poor = [v for v in self.villages if v.is_poor]

        # 63 party/government units and institutions, 8 military and police units, 69 enterprises.
        units = self.make_units({Unit.Kind.PARTY_GOVERNMENT: 40, Unit.Kind.INSTITUTION: 23,
                                 Unit.Kind.MILITARY_POLICE: 8, Unit.Kind.ENTERPRISE: 69})
        staff_per_unit = split_count(2197, [rng.uniform(0.5, 1.5) for _ in units], minimum=1)
        staff = _bulk(HelperStaff, [
            HelperStaff(unit=u, name=f"演示帮扶人{self.tag}{u.pk}-{i:02d}", is_demo=True)
            for u, n in zip(units, staff_per_unit, strict=True) for i in range(1, n + 1)
        ])
        order = list(range(len(staff)))
        rng.shuffle(order)
        pairings = [Pairing(household=self.households[i % len(self.households)], helper=staff[j],
                            start_date=datetime.date(2016, 3, 1)) for i, j in enumerate(order)]
        _bulk(Pairing, pairings)
        self.visits(111, [(p.household, None, p.helper) for p in pairings[:300]],
                    kinds=(Visit.Kind.SURVEY, Visit.Kind.CONDOLENCE))

        dispatching = units[:40]
        start = datetime.date(2015, 10, 1)
        secretaries = self.make_cadres(16, dispatching, "第一书记")
        self.assign(secretaries, poor, Assignment.Role.FIRST_SECRETARY, start)
        members = self.make_cadres(24, dispatching, "驻村工作队员", start=17)
        self.assign(members, [poor[i % len(poor)] for i in range(24)], Assignment.Role.TEAM_MEMBER, start)
        resident = secretaries + members
        seconded = self.make_cadres(5, dispatching, "新提任科级干部", start=41)
        self.assign(seconded, poor[:5], Assignment.Role.SECONDMENT, datetime.date(2016, 5, 1),
                    datetime.date(2016, 8, 31))
        leaders = self.make_cadres(31, dispatching, "市级领导", start=46)
        self.assign(leaders, [poor[i % len(poor)] for i in range(31)], Assignment.Role.CITY_LEADER,
                    datetime.date(2016, 1, 1))
        Promotion.objects.create(cadre=resident[0], date=datetime.date(2016, 9, 1), from_post="第一书记（副科级）",
                                 to_post="乡镇党委副书记（正科级）", note="演示：脱贫攻坚中实绩突出")
        cadre_user = self.users["cadre"]
        Cadre.objects.filter(pk=resident[0].pk).update(user=cadre_user)

        trained = resident + seconded
        kinds = list(Training.Kind.values)
        trainings = _bulk(Training, [
            Training(county=self.county, title=f"（演示）扶贫干部培训第{i + 1}期", kind=kinds[i % 4],
                     start_date=datetime.date(2016, 1, 15) + datetime.timedelta(days=i * 13),
                     location="格尔木市", is_demo=True)
            for i in range(22)
        ])
        per_training = split_count(486, [1] * 22)
        _bulk(TrainingAttendance, [TrainingAttendance(training=t, cadre=c)
                                   for t, n in zip(trainings, per_training, strict=True)
                                   for c in rng.sample(trained, n)])

        self.measures(560, 310, list(MeasureCategory.values))
        B = Benefit.Kind
        borrowers = rng.sample(self.households, 180)
        self.benefits(B.LOAN, borrowers, "30161200", provider="农村商业银行、邮储银行")
        self.benefits(B.DONATED_GOODS, self.households, "761800", provider="省州市联点单位")
        self.benefits(B.EMPLOYMENT_TRANSFER, rng.sample(self.working_age(), 34), provider="联点单位")
        self.benefits(B.DIBAO, [h for h in self.households if h.primary_cause in ("illness", "disability", "labour")],
                      "420000", provider="民政部门")

        K, P = FundSource.Kind, FundSource.Purpose
        province = self.source(K.PROVINCE_PREFECTURE, P.GENERAL, "省州扶贫专项资金", "16550000", "青海省、海西州")
        self.allocate(province, poor, split_amount("16550000", [1] * 16), [(3, 4, 5, 6)[i % 4] for i in range(16)])
        city = self.source(K.CITY_FINANCE, P.INFRASTRUCTURE, "市级财政扶贫专项资金", "15000000", "格尔木市财政")
        categories = [Project.Category.ROAD, Project.Category.DRINKING_WATER, Project.Category.POWER_GRID,
                      Project.Category.CULTURE_SPORTS]
        budgets = split_amount("9045000", [rng.uniform(0.5, 1.5) for _ in range(19)])
        gates = [(Gate.APPROVAL, Gate.DISBURSEMENT, Gate.BENEFIT)[i % 3] for i in range(19)]
        projects = _bulk(Project, [
            Project(county=self.county, village=poor[i % 16], name=f"（演示）{poor[i % 16].name}"
                    f"{Project.Category(categories[i % 4]).label}项目", category=categories[i % 4],
                    department="市农牧和扶贫开发局", year=2016, budget=budgets[i],
                    progress=100 if gates[i] == Gate.BENEFIT else 60,
                    status=Project.Status.COMPLETED if gates[i] == Gate.BENEFIT else Project.Status.IN_PROGRESS,
                    is_demo=True)
            for i in range(19)
        ])
        self.allocate(city, projects, budgets, gates)
        departments = [
            ("交通部门", Project.Category.ROAD, "公路建设"),
            ("水利部门", Project.Category.DRINKING_WATER, "饮水改造"),
            ("文体广电部门", Project.Category.CULTURE_SPORTS, "健身"),
            ("电力部门", Project.Category.POWER_GRID, "电网改造"),
        ]
        _bulk(Project, [
            Project(county=self.county, village=poor[(i * 5) % 16], programme=Project.Programme.SECTOR,
                    name=f"（演示）{poor[(i * 5) % 16].name}{departments[i % 4][2]}项目",
                    category=departments[i % 4][1], department=departments[i % 4][0], year=2016,
                    budget=Decimal(rng.randint(20, 200) * 10000), progress=100, status=Project.Status.COMPLETED,
                    is_demo=True)
            for i in range(16)
        ])
        self.source(K.DISPATCHING_UNIT, P.WORK_FUNDS, "扶贫工作队选派单位筹集资金", "225000", "各选派单位")
        self.source(K.ORGANIZATION_DEPT, P.WORK_FUNDS, "市委组织部筹集工作经费", "130000", "市委组织部")
        linked = self.source(K.LINKED_UNIT, P.INDUSTRY, "省州市联点单位产业发展资金", "1517000", "省州市联点单位")
        growers = rng.sample(self.households, 150)
        self.allocate(linked, growers, split_amount("1517000", [1] * 150), [Gate.BENEFIT] * 150)

        actions = ["产业扶贫", "就业扶贫", "教育扶贫", "健康扶贫", "生态扶贫", "金融扶贫", "易地搬迁"]
        self.policies(PolicyDocument.Kind.IMPLEMENTATION_PLAN, ["格尔木市脱贫攻坚实施方案"])
        self.policies(PolicyDocument.Kind.ACTION_PLAN, [f"格尔木市{a}行动计划" for a in actions])
        self.policies(PolicyDocument.Kind.SPECIAL_PLAN,
                      [f"格尔木市{c.label}专项方案" for c in VillageNeed.Category])
        self.needs(list(VillageNeed.Category.values))
        self.economy([0 if i in (3, 12) else rng.randint(10000, 300000) for i in range(len(self.villages))],
                     "3500000")
        self.assessment(resident)

    def assessment(self, cadres: list[Cadre]) -> None:
        """The 2016 annual 331 period with its inputs; a few inputs are missing on purpose."""
        rng = self.rng
        period = AssessmentPeriod.objects.create(
            county=self.county, name="2016年度", kind=AssessmentPeriod.Kind.ANNUAL,
            start_date=datetime.date(2016, 1, 1), end_date=datetime.date(2016, 12, 31),
        )
        reports = []
        for i, cadre in enumerate(cadres):
            for month in range(1, 13):
                if i == len(cadres) - 1 and month == 3:
                    continue  # one cadre has not filed March: shown as missing, never scored as 0
                present = rng.randint(16, 24)
                absent = 1 if rng.random() < 0.05 else 0
                reports.append(AttendanceReport(
                    cadre=cadre, month=datetime.date(2016, month, 1), required_days=period.required_days_per_month,
                    days_present=present, leave_days=rng.randint(0, 2), reported_outings=rng.randint(0, 2),
                    unreported_absences=absent, locked=True,
                    submitted_at=timezone.make_aware(datetime.datetime(2016, month, 28, 18, 0)),
                ))
        _bulk(AttendanceReport, reports)
        _bulk(DutyRating, [DutyRating(period=period, cadre=c, score=Decimal(rng.randint(70, 98)),
                                      rater_name="演示考核组", comment="演示：依据年承诺、季报告评分")
                           for c in cadres[:-2]])
        surveys = []
        for c in cadres:
            for group, size in ((SatisfactionSurvey.Group.PARTY_MEMBERS, 15), (SatisfactionSurvey.Group.VILLAGERS, 30)):
                satisfied = rng.randint(size // 2, size)
                basic = rng.randint(0, size - satisfied)
                surveys.append(SatisfactionSurvey(period=period, cadre=c, group=group, satisfied=satisfied,
                                                  basically_satisfied=basic, unsatisfied=size - satisfied - basic))
        _bulk(SatisfactionSurvey, surveys)
        _bulk(BonusItem, [
            BonusItem(period=period, cadre=cadres[0], kind=BonusItem.Kind.COMMENDATION,
                      level=BonusItem.Level.PROVINCE, points=Decimal(5), note="演示：省级表彰"),
            BonusItem(period=period, cadre=cadres[1], kind=BonusItem.Kind.OUTSTANDING_RESULTS,
                      level=BonusItem.Level.PREFECTURE, points=Decimal(3), note="演示：扶贫突出成效"),
            BonusItem(period=period, cadre=cadres[2], kind=BonusItem.Kind.MODEL_EXPERIENCE,
                      level=BonusItem.Level.COUNTY, points=Decimal(2), note="演示：典型经验亮点"),
        ])
        Veto.objects.create(period=period, cadre=cadres[5], reason="演示：精准脱贫任务未达标")
        score_period(period)  # the supervisor opens a scored and ranked period; re-scoring changes nothing
        _bulk(AnnualCommitment, [AnnualCommitment(cadre=c, year=2016, content="演示：年度帮扶承诺",
                                                  submitted_at=timezone.make_aware(datetime.datetime(2016, 1, 20)))
                                 for c in cadres])
        _bulk(QuarterlyReport, [QuarterlyReport(cadre=c, year=2016, quarter=q, content=f"演示：第{q}季度工作报告",
                                                submitted_at=timezone.make_aware(datetime.datetime(2016, q * 3, 28)))
                                for c in cadres for q in (1, 2, 3)])


def _education(age: int, student: bool) -> str:
    E = Member.Education
    if age < 6:
        return E.PRESCHOOL
    if student:
        return E.PRIMARY if age < 12 else E.JUNIOR if age < 15 else E.SENIOR if age < 18 else E.COLLEGE
    return E.NONE if age > 60 else E.PRIMARY if age > 45 else E.JUNIOR
