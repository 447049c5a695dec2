"""Fixtures of the operations tests (issue 9): the cadres' small world."""

from tests.cadres.conftest import world  # noqa: F401  (fixture re-exported)
