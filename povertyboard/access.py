"""Who may read and write what: the one permission layer used by pages, forms, the API and exports.

Every user works in an area (villages.UserArea): one county, or every county of a prefecture.
Roles are groups:
- county staff (县级工作人员) read everything in their area;
- cadres (驻村干部) read their county and write for the villages of their current assignments;
- supervisors (考核督查) read their area and run the assessments and exports;
- administrators (superusers) read and write everything.
A user with no area and no superuser flag sees nothing.

Scoping lives on the model: each scoped model declares once how a row reaches its county (`county_path`, ""
for County itself) and, where cadres write per village, its village (`village_path`). `Access.restrict(rows)`
and `RestrictedQuerySet.restrict(user)` read that declaration, so no page, API view, filter, import or export
spells a path; a model without a declaration is refused (ImproperlyConfigured), never shown unfiltered.
"""

import datetime
from dataclasses import dataclass, replace

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.db.models import Manager, Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

COUNTY_STAFF = "县级工作人员"
CADRE = "驻村干部"
SUPERVISOR = "考核督查"
ROLE_GROUPS = (COUNTY_STAFF, CADRE, SUPERVISOR)

ALL = None  # county or village ids of an administrator: no restriction

VIEW, CHANGE = "view", "change"  # the actions restrict() knows: read in the user's counties, write per village


def _declared(model, attribute: str) -> str:
    try:
        return getattr(model, attribute)
    except AttributeError:
        raise ImproperlyConfigured(f"{model.__name__} declares no {attribute}: its rows cannot be scoped") from None


def county_lookup(model, field: str = "") -> str:
    """The lookup from a row of `model` to its County (or to the County's `field`), from the model's
    `county_path` declaration; for County itself "pk" (or `field`)."""
    path = _declared(model, "county_path")
    if not path:
        return field or "pk"
    return f"{path}__{field}" if field else path


def village_lookup(model) -> str:
    """The lookup from a row of `model` to its Village, from the model's `village_path` declaration."""
    return _declared(model, "village_path")


@dataclass(frozen=True)
class Access:
    """What one user may do, computed once per request (see `access_of`)."""

    is_admin: bool
    roles: frozenset  # of ROLE_GROUPS
    county_ids: frozenset | None  # readable counties; ALL for administrators
    village_ids: frozenset | None  # villages the user may write for; ALL for administrators
    cadre_id: int | None

    # ------------------------------------------------------------ roles

    @property
    def is_cadre(self) -> bool:
        return self.cadre_id is not None and CADRE in self.roles

    @property
    def is_supervisor(self) -> bool:
        return self.is_admin or SUPERVISOR in self.roles

    @property
    def is_county_staff(self) -> bool:
        return self.is_admin or COUNTY_STAFF in self.roles

    @property
    def may_see_resident_ids(self) -> bool:
        """Whole resident ID numbers are shown to administrators only; everyone else sees them masked."""
        return self.is_admin

    # ------------------------------------------------------------ reading

    def restrict(self, rows: QuerySet, action: str = VIEW) -> QuerySet:
        """The rows the user may read (VIEW: in their counties) or write (CHANGE: in the villages of their
        current assignments), by the path the rows' model declares. The declaration is looked up for
        administrators too, so a model without one fails in every test, not only in a county user's."""
        if action == VIEW:
            lookup, allowed = county_lookup(rows.model), self.county_ids
        elif action == CHANGE:
            lookup, allowed = village_lookup(rows.model), self.village_ids
        else:
            raise ValueError(f"unknown action {action!r}")
        return rows if allowed is ALL else rows.filter(**{f"{lookup}__in": allowed})

    def can_read_county(self, county_id: int) -> bool:
        return self.county_ids is ALL or county_id in self.county_ids

    def counties(self) -> QuerySet:
        from villages.models import County

        return self.restrict(County.objects.all())

    # ------------------------------------------------------------ writing

    def can_write_village(self, village_id: int | None) -> bool:
        return self.village_ids is ALL or village_id in self.village_ids

    def writable_villages(self) -> QuerySet:
        """The villages offered for new data: a village gone from the division codes (inactive) keeps its history
        but takes nothing new."""
        from villages.models import Village

        rows = Village.objects.filter(active=True).select_related("township__county")
        return rows if self.village_ids is ALL else rows.filter(pk__in=self.village_ids)

    def check_write_village(self, village_id: int | None) -> None:
        """Refuse (403) a write for a village the user has no current assignment in."""
        if not self.can_write_village(village_id):
            raise PermissionDenied


def active_assignment_q(today: datetime.date) -> Q:
    """Assignments current on `today` (started, not yet ended)."""
    return Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def _access_row(user) -> dict:
    """The user's roles, area and cadre record in one query. It runs on every request, so it is written out:
    built through the ORM (three subqueries and three EXISTS) compiling it cost more than running it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cadres.models import Cadre
    from villages.models import UserArea

    table = {name: connection.ops.quote_name(model._meta.db_table) for name, model in (
        ("area", UserArea), ("cadre", Cadre), ("group", Group), ("member", get_user_model().groups.through))}
    roles = ", ".join(
        f"EXISTS (SELECT 1 FROM {table['member']} m JOIN {table['group']} g ON g.id = m.group_id "
        f"WHERE m.user_id = %s AND g.name = %s)" for _role in ROLE_GROUPS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT county_id FROM {table['area']} WHERE user_id = %s), "
            f"(SELECT prefecture FROM {table['area']} WHERE user_id = %s), "
            f"(SELECT id FROM {table['cadre']} WHERE user_id = %s), "
            f"(SELECT county_id FROM {table['cadre']} WHERE user_id = %s), {roles}",
            [user.pk] * 4 + [v for role in ROLE_GROUPS for v in (user.pk, role)])
        area_county_id, area_prefecture, cadre_id, cadre_county_id, *has_role = cursor.fetchone()
    return {"area_county_id": area_county_id, "area_prefecture": area_prefecture, "cadre_id": cadre_id,
            "cadre_county_id": cadre_county_id,
            "roles": frozenset(role for role, has in zip(ROLE_GROUPS, has_role, strict=True) if has)}


def compute_access(user) -> Access:
    from cadres.models import Assignment
    from villages.models import County

    if not user.is_authenticated or not user.is_active:
        return Access(False, frozenset(), frozenset(), frozenset(), None)
    if user.is_superuser:
        return Access(True, frozenset(), ALL, ALL, None)
    row = _access_row(user)
    roles = row["roles"]
    if row["area_county_id"]:
        county_ids = frozenset([row["area_county_id"]])
    elif row["area_prefecture"]:
        county_ids = frozenset(County.objects.filter(prefecture=row["area_prefecture"]).values_list("pk", flat=True))
    elif row["cadre_id"] is not None:
        county_ids = frozenset([row["cadre_county_id"]])  # a cadre without an explicit area works in their county
    else:
        county_ids = frozenset()
    access = Access(False, roles, county_ids, frozenset(), row["cadre_id"])
    if access.is_cadre:  # writes for the villages of the current assignments, in the counties the cadre reads
        current = Assignment.objects.filter(active_assignment_q(timezone.localdate()), cadre_id=row["cadre_id"])
        access = replace(access, village_ids=frozenset(access.restrict(current).values_list("village_id", flat=True)))
    return access


def access_of(user) -> Access:
    """The user's access, cached on the user object for the rest of the request."""
    cached = getattr(user, "_povertyboard_access", None)
    if cached is None:
        cached = compute_access(user)
        user._povertyboard_access = cached
    return cached


def get_readable_or_404(user, rows: QuerySet, **lookup) -> Model:
    """One row the user may read, or 404: an object outside the user's area does not exist for them."""
    try:
        return access_of(user).restrict(rows).get(**lookup)
    except (rows.model.DoesNotExist, ValueError):
        raise Http404 from None


def require(user, allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class RestrictedQuerySet(QuerySet):
    """The queryset of a scoped model (one that declares `county_path`, and `village_path` if cadres write
    its rows per village), as NetBox's: `restrict(user)` keeps the rows the user may see."""

    def restrict(self, user_or_access, action: str = VIEW) -> "RestrictedQuerySet":
        access = user_or_access if isinstance(user_or_access, Access) else access_of(user_or_access)
        return access.restrict(self, action)

    def in_county(self, county) -> "RestrictedQuerySet":
        """The rows of one county (a County or its id), whoever asks: for selectors of a county's figures."""
        return self.filter(**{county_lookup(self.model): county})

    def with_county(self) -> "RestrictedQuerySet":
        """The rows with their County loaded along the declared path (no query per row to show it)."""
        path = _declared(self.model, "county_path")
        return self.select_related(path) if path else self


class RestrictedManager(Manager.from_queryset(RestrictedQuerySet)):
    pass
