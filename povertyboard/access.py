"""Who may read and write what: the one permission layer used by pages, forms, the API and exports.

Every user works in an area (villages.UserArea): one county, or every county of a prefecture.
Roles are groups:
- county staff (县级工作人员) read everything in their area;
- cadres (驻村干部) read their county and write for the villages of their current assignments;
- supervisors (考核督查) read their area and run the assessments and exports;
- administrators (superusers) read and write everything.
A user with no area and no superuser flag sees nothing.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

COUNTY_STAFF = "县级工作人员"
CADRE = "驻村干部"
SUPERVISOR = "考核督查"
ROLE_GROUPS = (COUNTY_STAFF, CADRE, SUPERVISOR)

ALL = None  # county or village ids of an administrator: no restriction


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

    def restrict(self, rows: QuerySet, county_path: str) -> QuerySet:
        """The rows of `rows` that lie in the user's counties; `county_path` leads from a row to its County."""
        if self.county_ids is ALL:
            return rows
        lookup = f"{county_path}__in" if county_path else "pk__in"
        return rows.filter(**{lookup: self.county_ids})

    def can_read_county(self, county_id: int) -> bool:
        return self.county_ids is ALL or county_id in self.county_ids

    def counties(self) -> QuerySet:
        from villages.models import County

        return self.restrict(County.objects.all(), "")

    # ------------------------------------------------------------ writing

    def can_write_village(self, village_id: int | None) -> bool:
        return self.village_ids is ALL or village_id in self.village_ids

    def writable_villages(self) -> QuerySet:
        from villages.models import Village

        rows = Village.objects.select_related("township__county")
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
    village_ids = frozenset()
    if row["cadre_id"] is not None and CADRE in roles:
        today = timezone.localdate()
        village_ids = frozenset(
            Assignment.objects.filter(active_assignment_q(today), cadre_id=row["cadre_id"],
                                      village__township__county__in=county_ids)
            .values_list("village_id", flat=True)
        )
    return Access(False, roles, county_ids, village_ids, row["cadre_id"])


def access_of(user) -> Access:
    """The user's access, cached on the user object for the rest of the request."""
    cached = getattr(user, "_povertyboard_access", None)
    if cached is None:
        cached = compute_access(user)
        user._povertyboard_access = cached
    return cached


def get_readable_or_404(user, rows: QuerySet, county_path: str, **lookup) -> Model:
    """One row the user may read, or 404: an object outside the user's area does not exist for them."""
    try:
        return access_of(user).restrict(rows, county_path).get(**lookup)
    except (rows.model.DoesNotExist, ValueError):
        raise Http404 from None


def require(user, allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
