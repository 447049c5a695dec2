"""Scoping on the model (povertyboard.access): each scoped model declares its way to its county once, restrict()
reads it, and County, Township and Village answer as one area type."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from households.models import Household, Measure
from povertyboard import access
from povertyboard.api.urls import router
from tests.factories import (
    build_all,
    make_assignment,
    make_cadre,
    make_household,
    make_measure,
    make_user_area,
    make_village,
)
from villages import selectors
from villages.models import County, DashboardSnapshot, Township, UserArea, Village

pytestmark = pytest.mark.django_db

# Models no page, API list or export shows: an account's area (edited in the admin) and a cache of figures.
UNSCOPED = {UserArea, DashboardSnapshot}


def scoped_models() -> list:
    domain = ("villages", "cadres", "households", "assessments")
    return [m for app in domain for m in apps.get_app_config(app).get_models() if m not in UNSCOPED]


def api_models() -> set:
    # a viewset without a queryset (the search) reads through other models' scoped managers
    return {viewset.queryset.model for _prefix, viewset, _name in router.registry
            if getattr(viewset, "queryset", None) is not None}


def test_every_scoped_and_api_model_declares_a_path_that_reaches_a_county():
    assert api_models() - set(scoped_models()) == set()
    for model in scoped_models():
        reached = model
        for name in filter(None, model.county_path.split("__")):
            reached = reached._meta.get_field(name).related_model
        assert reached is County, model.__name__
        assert isinstance(model.objects.all(), access.RestrictedQuerySet), model.__name__


@pytest.fixture
def two_worlds(django_user_model):
    """One object of every model in each of two counties, and a county staff user of the first."""
    own, foreign = build_all(), build_all()
    user = django_user_model.objects.create_user("staff")
    user.groups.add(Group.objects.get_or_create(name=access.COUNTY_STAFF)[0])
    make_user_area(user, county=own[County])
    return own, foreign, user


def test_a_row_of_another_county_is_absent(two_worlds):
    own, foreign, user = two_worlds
    for model in scoped_models():
        rows = model.objects.restrict(user)
        assert own[model] in rows, model.__name__
        assert foreign[model] not in rows, model.__name__
    with pytest.raises(Http404):
        access.get_readable_or_404(user, Household.objects.all(), pk=foreign[Household].pk)


def test_an_administrator_sees_every_county(two_worlds, django_user_model):
    own, foreign, _user = two_worlds
    admin = access.access_of(django_user_model.objects.create_superuser("root"))
    for model in scoped_models():
        assert {own[model], foreign[model]} <= set(model.objects.restrict(admin)), model.__name__


def test_a_model_without_a_declaration_is_refused(django_user_model):
    make_user_area()
    for user in (django_user_model.objects.create_superuser("root"), UserArea.objects.get().user):
        with pytest.raises(ImproperlyConfigured, match="UserArea declares no county_path"):
            access.access_of(user).restrict(UserArea.objects.all())
    with pytest.raises(ImproperlyConfigured):
        access.access_of(user).restrict(County.objects.all(), action="change")  # no village_path
    with pytest.raises(ValueError):
        access.access_of(user).restrict(County.objects.all(), action="delete")


def test_change_keeps_the_rows_of_the_cadres_current_villages(django_user_model):
    user = django_user_model.objects.create_user("cadre")
    user.groups.add(Group.objects.get_or_create(name=access.CADRE)[0])
    mine = make_village()
    cadre = make_cadre(mine.county, user=user)
    make_assignment(cadre, mine)
    theirs = make_village(mine.township)  # same county, no assignment: readable, not writable
    for model, make in ((Household, make_household), (Measure, make_measure)):
        own_row, other_row = make(mine), make(theirs)
        assert list(model.objects.restrict(user, access.CHANGE)) == [own_row]
        assert set(model.objects.restrict(user)) == {own_row, other_row}


def test_in_county_and_with_county_read_the_declaration(two_worlds, django_assert_num_queries):
    own, foreign, _user = two_worlds
    assert list(Household.objects.in_county(own[County])) == [own[Household]]
    assert list(County.objects.in_county(foreign[County].pk)) == [foreign[County]]
    households = list(Household.objects.with_county().order_by("pk"))
    with django_assert_num_queries(0):
        assert [h.village.county for h in households] == [own[County], foreign[County]]


def test_county_township_and_village_are_one_area_type(two_worlds):
    own, foreign, _user = two_worlds
    county, township, village = own[County], own[Township], own[Village]
    assert [a.area_kind for a in (county, township, village)] == ["county", "township", "village"]
    assert [a.area_ref for a in (county, township, village)] == [county.code, str(township.pk), village.code]
    assert [getattr(a, a.ref_field) for a in (county, township, village)] == [county.code, township.pk, village.code]
    assert county.county == township.county == village.county == county
    assert county.county_id == township.county_id == village.county_id == county.pk
    for area in (county, township, village):
        assert list(selectors.villages_in(area)) == [village]
        assert list(Household.objects.filter(selectors.area_q(area))) == [own[Household]]
