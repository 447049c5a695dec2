"""The Django admin of the four apps: every model registered, every page opens, changelists scale.

The model list is generated from the app registry and ``admin.site._registry``, so a model added
later without an admin, or an admin whose pages break, fails here without editing this file.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.db.models import Manager
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AssessmentPeriod, Scorecard
from cadres.models import Cadre
from households.models import Household, Measure, Member
from tests.factories import (
    build_all,
    make_cadre,
    make_county,
    make_household,
    make_measure,
    make_member,
    make_township,
    make_user_area,
    make_village,
)
from villages.models import DashboardSnapshot, GateTransition

APP_LABELS = ("villages", "households", "cadres", "assessments")

# Computed or service-recorded rows: the admin may look at them but never add one.
ADD_DISABLED = {GateTransition, Scorecard, DashboardSnapshot}


def domain_models():
    return [model for label in APP_LABELS for model in apps.get_app_config(label).get_models()]


REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APP_LABELS),
    key=lambda model: model._meta.label,
)


def model_id(model):
    return model._meta.label


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def objects(db):
    return build_all()


@pytest.fixture
def superuser_request(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return request


def test_registry_covers_the_four_apps():
    assert len(REGISTERED) >= 30  # guards against an empty parametrisation


@pytest.mark.parametrize("model", domain_models(), ids=model_id)
def test_every_model_is_registered(model):
    assert admin.site.is_registered(model), f"{model._meta.label} has no admin"


@pytest.mark.django_db
def test_build_all_covers_every_registered_model(objects):
    missing = [model._meta.label for model in REGISTERED if model not in objects]
    assert not missing


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_changelist(admin_client, objects, model):
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert objects[model] in response.context["cl"].result_list


def search_term(model_admin, obj):
    """A value of the object that one of the admin's search fields matches, if one can be read."""
    for field in model_admin.get_search_fields(None):
        value = obj
        for part in field.lstrip("^=@").split("__"):
            value = getattr(value, part, None)
            if value is None or isinstance(value, Manager):
                break
        if isinstance(value, str) and value.strip():
            return value
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_changelist_search(admin_client, objects, model):
    model_admin = admin.site._registry[model]
    if not model_admin.search_fields:
        pytest.skip("no search_fields")
    url = admin_url(model, "changelist")
    response = admin_client.get(url, {"q": "不存在的文字 xyz"})
    assert response.status_code == 200
    term = search_term(model_admin, objects[model])
    if term is not None:
        response = admin_client.get(url, {"q": term})
        assert response.status_code == 200
        assert objects[model] in response.context["cl"].result_list


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_changelist_filters_open(admin_client, objects, model):
    """Each filter's first choice opens (catches broken relation lookups in list_filter)."""
    url = admin_url(model, "changelist")
    response = admin_client.get(url)
    for spec in response.context["cl"].filter_specs:
        choices = [c for c in spec.choices(response.context["cl"]) if c.get("query_string")]
        # choices[0] is "all"; open the first real choice when there is one.
        if len(choices) > 1:
            assert admin_client.get(url + choices[1]["query_string"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_add_page(admin_client, superuser_request, model):
    model_admin = admin.site._registry[model]
    response = admin_client.get(admin_url(model, "add"))
    if model in ADD_DISABLED:
        assert not model_admin.has_add_permission(superuser_request)
    if model_admin.has_add_permission(superuser_request):
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_change_page(admin_client, objects, model):
    response = admin_client.get(admin_url(model, "change", objects[model].pk))
    assert response.status_code == 200


# --- read-only and computed rows -------------------------------------------------------------------


@pytest.mark.django_db
def test_scorecard_numbers_are_read_only(admin_client, objects):
    card = objects[Scorecard]
    url = admin_url(Scorecard, "change", card.pk)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == set()  # nothing editable
    total_before = card.total
    response = admin_client.post(url, {"total": "99.99", "grade": "excellent"})
    assert response.status_code == 403
    card.refresh_from_db()
    assert card.total == total_before


@pytest.mark.django_db
def test_gate_transitions_are_read_only(admin_client, superuser_request, objects):
    transition = objects[GateTransition]
    url = admin_url(GateTransition, "change", transition.pk)
    assert admin_client.post(url, {"note": "改"}).status_code == 403
    delete_url = admin_url(GateTransition, "delete", transition.pk)
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert GateTransition.objects.filter(pk=transition.pk).exists()
    # On the allocation page the transitions are shown, without add/change/delete.
    allocation_admin = admin.site._registry[type(transition.allocation)]
    inline = next(i for i in allocation_admin.get_inline_instances(superuser_request, transition.allocation)
                  if i.model is GateTransition)
    assert not inline.has_add_permission(superuser_request, transition.allocation)
    assert not inline.has_change_permission(superuser_request, transition.allocation)
    assert not inline.has_delete_permission(superuser_request, transition.allocation)
    response = admin_client.get(admin_url(type(transition.allocation), "change", transition.allocation.pk))
    assert response.status_code == 200
    assert transition.actor_name in response.content.decode()


@pytest.mark.django_db
def test_assessment_period_groups_rules_and_links_inputs(admin_client, objects):
    period = objects[AssessmentPeriod]
    response = admin_client.get(admin_url(AssessmentPeriod, "change", period.pk))
    assert response.status_code == 200
    titles = [str(fieldset.name) for fieldset in response.context["adminform"]]
    for title in ("权重", "考勤", "分数线"):
        assert title in titles
    content = response.content.decode()
    assert f"{admin_url(Scorecard, 'changelist')}?period__id__exact={period.pk}" in content
    assert not response.context["inline_admin_formsets"]


@pytest.mark.django_db
def test_member_admin_shows_the_full_id_number(admin_client, objects):
    member = objects[Member]
    response = admin_client.get(admin_url(Member, "changelist"))
    assert member.id_number in response.content.decode()


# --- query counts do not grow with the number of rows ---------------------------------------------


def add_households(objects, n):
    for _ in range(n):
        household = make_household(objects[Household].village, is_dibao=True, has_dangerous_house=True)
        make_member(household)


def add_members(objects, n):
    for _ in range(n):
        make_member(make_household(objects[Household].village))


def add_measures(objects, n):
    village = objects[Household].village
    for _ in range(n):
        # Each measure points at its own household and cadre, so a per-row lookup would show.
        make_measure(village, make_household(village), responsible=make_cadre(objects[Cadre].county))


def changelist_queries(client, model):
    url = admin_url(model, "changelist")
    client.get(url)  # warm caches (content types, session) so both runs count the same work
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context["cl"].result_count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "add_rows"),
    [(Household, add_households), (Member, add_members), (Measure, add_measures)],
    ids=["Household", "Member", "Measure"],
)
def test_changelist_query_count_does_not_grow(admin_client, objects, model, add_rows):
    few_queries, few_rows = changelist_queries(admin_client, model)
    add_rows(objects, 30)
    many_queries, many_rows = changelist_queries(admin_client, model)
    assert many_rows >= few_rows + 30
    assert many_queries == few_queries


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_every_changelist_query_count_is_fixed(admin_client, objects, model):
    """A coarser check for every other admin: two more full sets of rows add no query."""
    few_queries, few_rows = changelist_queries(admin_client, model)
    build_all()
    build_all()
    many_queries, many_rows = changelist_queries(admin_client, model)
    assert many_rows > few_rows
    assert many_queries == few_queries


@pytest.mark.django_db
def test_admin_refuses_a_staff_flagged_county_user_even_with_a_view_permission(client, django_user_model):
    """Issue 25, item 12: the admin knows no areas, so it opens to superusers only (README, Roles)."""
    from django.contrib.auth.models import Permission

    wulan, golmud = make_county("632821"), make_county("632801")
    other_member = make_member(make_household(make_village(make_township(golmud))))
    user = django_user_model.objects.create_user("wulan-staff", password="Pw-for-tests-2016", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_member"))
    make_user_area(user, wulan)

    client.force_login(user)
    for url in (reverse("admin:index"), admin_url(Member, "changelist"), admin_url(Member, "change", other_member.pk)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    assert other_member.id_number not in client.get(reverse("admin:login")).content.decode()
    assert "管理后台" not in client.get("/").content.decode()  # the navigation offers no admin link

    client.logout()
    response = client.post(reverse("admin:login"), {"username": "wulan-staff", "password": "Pw-for-tests-2016"})
    assert response.status_code == 200
    assert "管理后台只对管理员开放" in response.content.decode()
    assert client.get(admin_url(Member, "changelist")).status_code == 302


@pytest.mark.django_db
def test_admin_opens_to_a_superuser(client, django_user_model):
    django_user_model.objects.create_superuser("root", password="Pw-for-tests-2016")
    response = client.post(reverse("admin:login"), {"username": "root", "password": "Pw-for-tests-2016"})
    assert response.status_code == 302
    assert client.get(admin_url(Member, "changelist")).status_code == 200
    assert "管理后台" in client.get("/").content.decode()
