"""Fixtures of the API tests: the cadres' small world (two counties, a cadre with a village) and API clients."""

import pytest
from rest_framework.test import APIClient

from tests.cadres.conftest import make_user, world  # noqa: F401  (fixtures re-exported for tests/api)


@pytest.fixture
def api():
    """api(user) → an APIClient authenticated as user (None: anonymous)."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def make_api_user(django_user_model):
    def make(username, role=None, county=None):
        return make_user(django_user_model, username, role, county)

    return make
