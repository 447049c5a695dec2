"""The household pages on the seeded demo data: another county's household is a 404 and is never listed."""


import pytest
from django.urls import reverse

from households.models import Household
from villages.models import County

pytestmark = pytest.mark.django_db

LIST = reverse("households:list")


def detail(household) -> str:
    return reverse("households:detail", args=[household.pk])


def shown(response) -> list[str]:
    """Head names of the households listed on the page, in order."""
    assert response.status_code == 200
    return [h.head_name for h in response.context["households"]]


# ------------------------------------------------------------------------------------------ scoping


def seeded_client(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))
    return client


def test_wulan_staff_gets_404_for_a_golmud_household(client, django_user_model, seeded):
    c = seeded_client(client, django_user_model, "staff")
    golmud_household = Household.objects.in_county(County.objects.get(code="632801")).first()
    wulan_household = Household.objects.in_county(County.objects.get(code="632821")).first()
    assert c.get(detail(golmud_household)).status_code == 404
    assert c.get(detail(wulan_household)).status_code == 200
    assert c.get(reverse("households:detail", args=[10**9])).status_code == 404


def test_the_list_never_shows_another_countys_rows(client, django_user_model, seeded):
    c = seeded_client(client, django_user_model, "staff")
    wulan_total = Household.objects.in_county(County.objects.get(code="632821")).count()
    response = c.get(LIST)
    assert response.context["page"].paginator.count == wulan_total
    golmud_village = Household.objects.in_county(County.objects.get(code="632801")).first().village
    for params in ({"county": "632801"}, {"village": golmud_village.code},
                   {"township": golmud_village.township_id}, {"q": "G0001"}):
        response = c.get(LIST, params)
        assert response.status_code == 200
        assert shown(response) == []
        html = response.content.decode()
        assert "演示户主G" not in html and golmud_village.name not in html
    # the prefecture account reads both counties
    p = seeded_client(client, django_user_model, "prefecture")
    response = p.get(LIST)
    assert response.context["page"].paginator.count == Household.objects.count()
    # with two counties, township and village choices name their county
    html = response.content.decode()
    assert f'<option value="{golmud_village.code}">格尔木市 · ' in html
