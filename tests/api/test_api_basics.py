"""What every endpoint shares: authentication (token and session), strict query parameters, the schema and
its offline Swagger UI."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from knox.crypto import hash_token
from rest_framework.test import APIClient

from accounts.models import ApiToken
from povertyboard import access


@pytest.fixture
def cadre(world):
    world.cadre_user.set_password("correct horse")
    world.cadre_user.save()
    return world.cadre_user


def test_anonymous_requests_get_401_with_the_token_challenge(world):
    response = APIClient().get("/api/v1/counties/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "results" not in response.json()


def test_a_token_for_the_cadre_lists_their_county_only(world, cadre):
    client = APIClient()
    response = client.post(reverse("api:token"), {"username": "cadre", "password": "correct horse"})
    assert response.status_code == 200
    key = response.json()["token"]
    assert ApiToken.objects.get(user=cadre).digest == hash_token(key)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listed = client.get("/api/v1/counties/")
    assert listed.status_code == 200
    assert [c["code"] for c in listed.json()["results"]] == ["632801"]
    assert client.get("/api/v1/counties/632821/").status_code == 404


def test_a_wrong_password_gets_no_token(world, cadre):
    response = APIClient().post(reverse("api:token"), {"username": "cadre", "password": "wrong"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ApiToken.objects.exists()


def test_an_unknown_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/v1/counties/").status_code == 401


def test_the_site_session_works_for_the_api(client, world):
    client.force_login(world.staff)
    assert client.get("/api/v1/counties/").status_code == 200


@pytest.mark.parametrize(("query", "field"), [
    ("page=abc", "page"), ("page=0", "page"), ("page_size=-1", "page_size"), ("page_size=x", "page_size"),
    ("ordering=no_such_field", "ordering"),
])
def test_bad_paging_and_ordering_parameters_are_400_naming_the_parameter(api, world, query, field):
    response = api(world.staff).get(f"/api/v1/counties/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_page_past_the_end_is_404(api, world):
    assert api(world.staff).get("/api/v1/counties/?page=99").status_code == 404


def test_a_list_without_filter_parameters_builds_no_filterset_and_a_filtered_one_does(api, world, monkeypatch):
    """FilterBackend skips the filterset (its cost) when the query holds only paging, ordering and search."""
    from households.filters import HouseholdFilter

    built = []
    original = HouseholdFilter.__init__
    monkeypatch.setattr(HouseholdFilter, "__init__", lambda self, *a, **kw: built.append(1) or original(self, *a, **kw))
    client = api(world.staff)
    everything = client.get("/api/v1/households/?page=1&page_size=5&ordering=number&search=x")
    assert everything.status_code == 200 and everything.json()["count"] > 0 and not built
    assert client.get("/api/v1/households/?status=exited").status_code == 200 and built


def test_page_size_is_capped(api, world, django_user_model):
    admin = django_user_model.objects.create_superuser("root")
    response = api(admin).get("/api/v1/counties/?page_size=1000")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_a_role_without_an_area_sees_nothing(api, make_api_user, world):
    nobody = make_api_user("nobody", access.COUNTY_STAFF)
    response = api(nobody).get("/api/v1/counties/")
    assert response.status_code == 200
    assert response.json()["results"] == []


# ------------------------------------------------------------------------------------------ the schema


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_is_valid_openapi_3(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert len(schema["paths"]) > 20


def test_every_operation_documents_its_error_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert "409" in codes, (method, path)


def test_every_schema_field_has_a_description(schema):
    missing = [f"{name}.{field}" for name, component in schema["components"]["schemas"].items()
               for field, prop in component.get("properties", {}).items()
               if not (prop.get("description") or "$ref" in prop or "allOf" in prop)]
    assert not missing, f"fields without a description: {missing}"


def test_the_schema_and_swagger_ui_are_served_without_login_or_network(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger" in html.lower()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls and not [u for u in urls if u.startswith(("http:", "https:", "//"))], urls
    static = [u for u in urls if u.startswith("/static/")]
    assert any(u.endswith("swagger-ui-bundle.js") for u in static), static
    for url in static:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not an installed static file"


# ------------------------------------------------------------------------------------------ the README walk


@pytest.mark.django_db
def test_the_readme_walk_for_the_demo_cadre():
    """A token for the seeded demo cadre, their village's households, a new measure, a refusal elsewhere."""
    from demo.seed import seed_reports
    from households.models import Measure

    seed_reports()
    client = APIClient()
    answer = client.post("/api/v1/auth/token/", {"username": "cadre", "password": "povertyboard-demo"})
    assert answer.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    households = client.get("/api/v1/households/", {"village": "632801100200"}).json()
    assert households["count"] == 15
    assert {row["village"] for row in households["results"]} == {"632801100200"}
    body = {"village": "632801100200", "category": "industry", "title": "养殖补助", "planned_date": "2016-05-01",
            "amount": "3000"}
    created = client.post("/api/v1/measures/", body, format="json")
    assert created.status_code == 201, created.json()
    measure = Measure.objects.get(pk=created.json()["id"])
    assert (measure.title, measure.village.code, measure.version) == ("养殖补助", "632801100200", 1)
    assert client.get("/api/v1/counties/632821/").status_code == 404
    foreign = client.post("/api/v1/measures/", {**body, "village": "632821100200"}, format="json")
    assert foreign.status_code == 400 and "village" in foreign.json()
