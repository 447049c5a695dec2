"""The permission layer: areas, roles and the villages a cadre may write for."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404

from households.models import Household
from povertyboard import access
from tests.factories import (
    make_assignment,
    make_cadre,
    make_county,
    make_household,
    make_township,
    make_user_area,
    make_village,
)
from villages.models import County, UserArea

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties():
    wulan = make_county("632821", name="乌兰县", prefecture="海西蒙古族藏族自治州")
    golmud = make_county("632801", name="格尔木市", prefecture="海西蒙古族藏族自治州")
    other = make_county("630102", name="城东区", prefecture="西宁市")
    return wulan, golmud, other


def user_in(django_user_model, role=None, **area):
    user = django_user_model.objects.create_user(f"u{django_user_model.objects.count()}")
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if area:
        make_user_area(user, **area)
    return user


def test_county_account_reads_only_its_county(django_user_model, two_counties):
    wulan, golmud, _ = two_counties
    user = user_in(django_user_model, access.COUNTY_STAFF, county=wulan)
    a = access.access_of(user)
    assert list(a.counties()) == [wulan]
    assert a.can_read_county(wulan.pk) and not a.can_read_county(golmud.pk)
    assert not a.can_write_village(make_village(make_township(wulan)).pk)


def test_prefecture_account_reads_every_county_of_its_prefecture(django_user_model, two_counties):
    wulan, golmud, other = two_counties
    user = user_in(django_user_model, access.COUNTY_STAFF, prefecture="海西蒙古族藏族自治州")
    assert set(access.access_of(user).counties()) == {wulan, golmud}


def test_user_without_area_sees_nothing(django_user_model, two_counties):
    user = user_in(django_user_model, access.COUNTY_STAFF)
    assert not access.access_of(user).counties().exists()


def test_superuser_reads_and_writes_everything(django_user_model, two_counties):
    user = django_user_model.objects.create_superuser("root")
    a = access.access_of(user)
    assert a.counties().count() == 3
    assert a.can_write_village(make_village().pk)
    assert a.may_see_resident_ids


def test_cadre_writes_only_for_villages_of_current_assignments(django_user_model, two_counties):
    wulan, golmud, _ = two_counties
    township = make_township(golmud)
    mine, ended, future, theirs = (make_village(township) for _ in range(4))
    user = user_in(django_user_model, access.CADRE)
    cadre = make_cadre(golmud, user=user)
    today = datetime.date.today()
    make_assignment(cadre, mine, start_date=today - datetime.timedelta(days=30))
    make_assignment(cadre, ended, start_date=datetime.date(2015, 10, 1), end_date=datetime.date(2016, 8, 31))
    make_assignment(cadre, future, start_date=today + datetime.timedelta(days=30))
    a = access.access_of(user)
    assert a.is_cadre
    assert list(a.counties()) == [golmud]  # a cadre without an explicit area works in their county
    assert set(a.writable_villages()) == {mine}
    for village in (ended, future, theirs):
        assert not a.can_write_village(village.pk)
        with pytest.raises(PermissionDenied):
            a.check_write_village(village.pk)
    assert not a.may_see_resident_ids


def test_cadre_role_needs_the_group(django_user_model, two_counties):
    """A Cadre record alone does not grant writing: the account must be in the cadre group."""
    _, golmud, _ = two_counties
    user = user_in(django_user_model)
    cadre = make_cadre(golmud, user=user)
    make_assignment(cadre, make_village(make_township(golmud)))
    assert not access.access_of(user).writable_villages().exists()


def test_restrict_and_get_readable_or_404(django_user_model, two_counties):
    wulan, golmud, _ = two_counties
    own = make_household(make_village(make_township(wulan)))
    foreign = make_household(make_village(make_township(golmud)))
    user = user_in(django_user_model, access.COUNTY_STAFF, county=wulan)
    assert list(access.access_of(user).restrict(Household.objects.all())) == [own]
    assert access.get_readable_or_404(user, Household.objects.all(), pk=own.pk) == own
    with pytest.raises(Http404):
        access.get_readable_or_404(user, Household.objects.all(), pk=foreign.pk)
    with pytest.raises(Http404):
        access.get_readable_or_404(user, Household.objects.all(), pk="not-a-number")


def test_access_is_computed_once_per_user_object(django_user_model, two_counties, django_assert_num_queries):
    user = user_in(django_user_model, access.COUNTY_STAFF, county=two_counties[0])
    access.access_of(user)
    with django_assert_num_queries(0):
        access.access_of(user)


def test_user_area_is_county_or_prefecture(django_user_model, two_counties):
    from tests.factories import assert_constraint_invalid, validation_errors

    user = django_user_model.objects.create_user("both")
    both = UserArea(user=user, county=two_counties[0], prefecture="海西蒙古族藏族自治州")
    assert validation_errors(both)
    assert_constraint_invalid(both, "user_area_county_or_prefecture")
    neither = UserArea(user=user)
    assert validation_errors(neither)
    unknown = UserArea(user=user, prefecture="不存在州")
    assert "prefecture" in validation_errors(unknown)
    assert County.objects.count() == 3
