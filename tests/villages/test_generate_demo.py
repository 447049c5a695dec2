"""generate_demo (issue #8): a marked demo dataset of N households in a province's proportions."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from assessments.models import Scorecard
from cadres.models import Assignment, AttendanceReport, Cadre
from dashboards import figures
from demo.generate import CountyBuilder, Plan
from demo.seed import seed_reports
from households.models import Household, Measure, Member, Visit
from povertyboard import access
from povertyboard.resident_ids import validate_resident_id
from villages.models import County, UserArea, Village, VillageNeed

APP_LABELS = ("villages", "households", "cadres", "assessments")
N = 300  # six villages: every collective-income bracket


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for label in APP_LABELS for m in apps.get_app_config(label).get_models()}


def generate(*args) -> str:
    out = StringIO()
    call_command("generate_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated(db):
    generate("--households", str(N), "--seed", "7")
    return County.objects.get()


def test_plan_is_derived_from_households_in_the_province_proportions():
    province = Plan.for_households(200_000)
    assert (province.counties, province.villages, province.cadres) == (40, 4000, 20000)
    assert Plan.for_households(1) == Plan(households=1, counties=1, villages=1, cadres=1)


def test_counts_are_in_the_province_proportions(generated):
    assert County.objects.count() == 1
    assert Village.objects.count() == N // 50
    assert Household.objects.count() == N
    assert Member.objects.count() == N * 7 // 2
    assert Measure.objects.count() == N * 5
    assert Visit.objects.count() == N * 5 // 2
    resident = Cadre.objects.filter(assignments__role__in=Assignment.RESIDENT_ROLES)
    assert resident.count() == N // 10
    assert AttendanceReport.objects.count() == N // 10 * 12
    # a first secretary in every poor village, and every cadre scored in the 331 period
    poor = Village.objects.filter(is_poor=True)
    assert poor.exists()
    assert set(poor.values_list("pk", flat=True)) == set(
        Assignment.objects.filter(role=Assignment.Role.FIRST_SECRETARY).values_list("village", flat=True))
    assert Scorecard.objects.count() == resident.count()


def test_everything_is_marked_as_demo(generated):
    assert generated.code.startswith("99") and generated.name == "演示县001" and generated.prefecture == "演示州01"
    for model in apps.get_models():
        if model._meta.app_label in APP_LABELS and any(f.name == "is_demo" for f in model._meta.fields):
            assert not model.objects.filter(is_demo=False).exists(), model


def test_every_household_has_members_with_valid_unique_ids(generated):
    assert not Household.objects.filter(members__isnull=True).exists()
    ids = list(Member.objects.values_list("id_number", flat=True))
    assert len(ids) == len(set(ids)) == N * 7 // 2
    for id_number in ids:
        validate_resident_id(id_number)
        assert id_number.startswith(generated.code)


def test_generated_rows_pass_the_models_own_rules(generated):
    for model, related in ((Village, ["township"]), (Household, ["village"]), (Member, []),
                           (Measure, ["household"]), (Visit, ["household"]), (AttendanceReport, []),
                           (Assignment, ["cadre", "village__township"])):
        for obj in model.objects.select_related(*related):
            obj.clean()


def test_every_figure_has_data(generated):
    # The demo data describes 2016, so nothing is visited this month; every poor village has its first secretary.
    zero = {"visits-this-month", "poor-villages-without-first-secretary"}
    assert {key for key in figures.ALL_FIGURES if not figures.compute(key, generated)} == zero


def test_a_prefecture_account_reads_the_generated_county(generated, client, django_user_model):
    user = django_user_model.objects.create_user("demo-prefecture")
    user.groups.add(Group.objects.get_or_create(name=access.COUNTY_STAFF)[0])
    UserArea.objects.create(user=user, prefecture="演示州01")
    client.force_login(user)
    assert client.get(reverse("areas:county", args=[generated.code])).status_code == 200


@pytest.mark.django_db
def test_refuses_a_database_with_other_data_and_writes_nothing():
    seed_reports()
    before = row_counts()
    with pytest.raises(CommandError) as exc:
        generate("--households", "50")
    assert "格尔木市（632801）" in str(exc.value) and "--append" in str(exc.value)
    assert row_counts() == before


@pytest.mark.django_db
def test_refuses_a_second_run_without_append():
    generate("--households", "50")
    before = row_counts()
    with pytest.raises(CommandError, match="此前生成的演示县"):
        generate("--households", "50")
    assert row_counts() == before


@pytest.mark.django_db
def test_append_adds_demo_counties_beside_the_seeded_ones():
    seed_reports()
    seeded = set(County.objects.values_list("code", flat=True))
    households = Household.objects.count()
    generate("--households", "50", "--append")
    generate("--households", "50", "--append")
    assert set(County.objects.values_list("code", flat=True)) == seeded | {"990001", "990002"}
    assert Household.objects.count() == households + 100
    assert Household.objects.filter(**{f"{Household.county_path}__code__in": seeded}).count() == households


@pytest.mark.parametrize("bad", ["0", "-3", "x", "1.5"])
def test_households_must_be_a_positive_integer(bad):
    with pytest.raises(CommandError, match="households"):
        call_command("generate_demo", "--households", bad)


def fingerprint() -> list:
    return [
        sorted(Member.objects.values_list("id_number", "name", "birth_date", "household__number")),
        sorted(Household.objects.values_list("number", "status", "primary_cause", "is_dibao")),
        sorted(Measure.objects.values_list("village__code", "category", "status", "amount", "planned_date")),
        sorted(AttendanceReport.objects.values_list("cadre__name", "month", "days_present")),
        sorted(Scorecard.objects.values_list("cadre__name", "total", "grade")),
    ]


def generated_with(seed: str) -> list:
    with transaction.atomic():
        generate("--households", "60", "--seed", seed)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    first = generated_with("5")
    assert first == generated_with("5")
    assert first != generated_with("6")


@pytest.mark.django_db
def test_fast_insert_writes_text_as_given():
    """CountyBuilder.copy bypasses the ORM (COPY on PostgreSQL): tabs, newlines and backslashes survive."""
    generate("--households", "50")
    village = Village.objects.first()
    VillageNeed.objects.filter(village=village).delete()
    text = "tab\there\nnew line \\ back\\slash \\N"
    CountyBuilder(None, 0, {}).copy(VillageNeed, [{"village": village, "category": "telecom", "description": text}])
    assert VillageNeed.objects.get(village=village, category="telecom").description == text
