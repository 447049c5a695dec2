"""Template context for every page: the signed-in user's counties and whether they are a cadre or a supervisor.

Both are lazy: a page that never shows the navigation (the login page) makes no query for them, and a
page that does makes one query for the counties (shared with the home view through `user_counties`), or
none when the view has read the user's only county (`note_county`).
"""

from django.utils.functional import SimpleLazyObject

from povertyboard.access import access_of


def user_counties(request) -> list:
    """The counties the user may read, computed once per request."""
    cached = getattr(request, "_povertyboard_counties", None)
    if cached is None:
        cached = list(access_of(request.user).counties().order_by("code"))
        request._povertyboard_counties = cached
    return cached


def note_county(request, county) -> None:
    """A view that read one of the user's counties: when it is their only one, the navigation needs no query."""
    if access_of(request.user).county_ids == frozenset([county.pk]):
        request._povertyboard_counties = [county]


def areas(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_counties": [], "is_cadre": False, "is_supervisor": False}
    access = SimpleLazyObject(lambda: access_of(user))
    return {
        "user_counties": SimpleLazyObject(lambda: user_counties(request)),
        "is_cadre": SimpleLazyObject(lambda: access.is_cadre),
        "is_supervisor": SimpleLazyObject(lambda: access.is_supervisor),
        # what the navigation shows besides the page (base.html caches it under this key)
        "nav_key": SimpleLazyObject(lambda: repr((
            [(c.code, c.name) for c in user_counties(request)], access.is_cadre, access.is_supervisor,
            access.is_county_staff, user.is_superuser))),
    }
