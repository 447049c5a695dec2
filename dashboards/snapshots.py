"""Pre-aggregated dashboards: an area's page and API summary read its last computed dashboard, not its rows.

`dashboards.dashboard.dashboard(area)` computes an area's figures from the rows (some 40-60 queries over the
area's households, measures, funds...). At province scale that is too slow to run on every request, so the
result is kept per area in `DashboardSnapshot` and served while it is current:

- every write that can change an area's figures bumps the snapshot version of its village, township and county
  in the writing transaction (model signals below for ordinary saves and deletes; bulk writes, which bypass the
  signals, call `villages_changed` / `counties_changed` themselves);
- a read serves the stored dashboard while its computed version equals the version and it was computed today;
  otherwise it computes the dashboard, stores it if no change arrived meanwhile (a conditional UPDATE on the
  version it read) and serves it;
- `manage.py refresh_dashboards` (run it from cron) recomputes the out-of-date snapshots ahead of the readers.

So a page never shows figures older than the last committed change, and the page says when they were computed.
A snapshot row first created by a reader while another transaction is still writing rows of a village that had
no snapshot row yet can miss those rows until the next change of the area or the next day (the writer's UPDATE
found no row to bump); `refresh_dashboards --all` run nightly bounds that.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.db.models.fields.json import KT, KeyTransform
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject, cached_property

from povertyboard.access import county_lookup
from villages.models import (
    CollectiveEconomy,
    County,
    DashboardSnapshot,
    FundAllocation,
    FundSource,
    GateTransition,
    Project,
    ReportFigure,
    Township,
    Village,
)
from villages.selectors import Area

from . import dashboard as dashboards

KIND = DashboardSnapshot.Kind
BATCH = 500


# ------------------------------------------------------------------ marking areas changed


def _bump(rows: list[tuple[str, int, int]]) -> None:
    """Bump the version of each (kind, area id, county id), creating the snapshot row if there is none.

    Counties first, then townships, then villages, each in id order: transactions that bump overlapping areas
    lock the rows in the same order, so they wait for each other instead of deadlocking.
    """
    order = {KIND.COUNTY: 0, KIND.TOWNSHIP: 1, KIND.VILLAGE: 2}
    rows = sorted(set(rows), key=lambda r: (order[r[0]], r[1]))
    table = connection.ops.quote_name(DashboardSnapshot._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            values = ", ".join(["(%s, %s, %s, 1, -1, '{}')"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (kind, area_id, county_id, version, computed_version, data) VALUES {values} "
                f"ON CONFLICT (kind, area_id) DO UPDATE SET version = {table}.version + 1",
                [v for row in chunk for v in row],
            )


def villages_changed(village_ids: Iterable[int]) -> None:
    """The rows of these villages changed: their village, township and county figures are out of date."""
    ids = {i for i in village_ids if i is not None}
    if not ids:
        return
    rows = []
    for village_id, township_id, county_id in Village.objects.filter(pk__in=ids).values_list(
            "pk", "township_id", "township__county_id"):
        rows += [(KIND.VILLAGE, village_id, county_id), (KIND.TOWNSHIP, township_id, county_id),
                 (KIND.COUNTY, county_id, county_id)]
    _bump(rows)


def counties_changed(county_ids: Iterable[int], whole: bool = True) -> None:
    """Something the counties' figures read changed: the county's own figures only (whole=False, e.g. a project
    of no village), or every area of the county (e.g. a fund source, whose kind labels every village's funds)."""
    ids = {i for i in county_ids if i is not None}
    if not ids:
        return
    _bump([(KIND.COUNTY, i, i) for i in ids])
    if whole:
        DashboardSnapshot.objects.filter(county__in=ids).exclude(kind=KIND.COUNTY).update(
            version=F("version") + 1)


# ------------------------------------------------------------------ which areas a saved row belongs to


def _household_villages(household_ids) -> set[int]:
    from households.models import Household

    return set(Household.objects.filter(pk__in=household_ids).values_list("village_id", flat=True))


def _allocation_areas(allocations) -> tuple[set[int], set[int]]:
    """(villages, counties) of fund allocations: the target's village, and the source's county."""
    villages, households, projects = set(), set(), set()
    for a in allocations:
        villages.add(a.village_id)
        households.add(a.household_id)
        projects.add(a.project_id)
    villages |= _household_villages(households - {None})
    villages |= set(Project.objects.filter(pk__in=projects - {None}).values_list("village_id", flat=True))
    counties = set(FundSource.objects.filter(pk__in={a.source_id for a in allocations})
                   .values_list("county_id", flat=True))
    return villages - {None}, counties


def _changed(sender, instance) -> None:
    """Mark the areas whose figures a saved or deleted row of `sender` enters."""
    from cadres.models import Assignment, Cadre, Unit
    from households.models import (
        CrossCheckFlag,
        HelperStaff,
        Household,
        Measure,
        Member,
        Pairing,
        StatusChange,
        Visit,
    )

    if sender in (Measure, Visit, Assignment, CollectiveEconomy):
        villages_changed([instance.village_id])
    elif sender is Household:
        villages_changed([instance.village_id, getattr(instance, "_snapshot_old_village", None)])
    elif sender in (Member, Pairing, StatusChange):
        villages_changed(_household_villages([instance.household_id]))
    elif sender is Village:  # read from the instance: after a delete the row is gone
        county_id = Township.objects.filter(pk=instance.township_id).values_list("county_id", flat=True).first()
        _bump([(KIND.VILLAGE, instance.pk, county_id), (KIND.TOWNSHIP, instance.township_id, county_id),
               (KIND.COUNTY, county_id, county_id)])
    elif sender is Township:
        counties_changed([instance.county_id])
    elif sender is County:
        if County.objects.filter(pk=instance.pk).exists():  # a deleted county's snapshots went with it
            counties_changed([instance.pk])
    elif sender is Project:
        villages_changed([instance.village_id])
        counties_changed([instance.county_id], whole=False)
    elif sender is FundSource:
        counties_changed([instance.county_id])
    elif sender is ReportFigure:  # the county page links a headline number to its report sentence
        counties_changed([instance.county_id], whole=False)
    elif sender in (FundAllocation, GateTransition):
        allocation = instance if sender is FundAllocation else \
            FundAllocation.objects.filter(pk=instance.allocation_id).first()
        if allocation is not None:
            villages, counties = _allocation_areas([allocation])
            villages_changed(villages)
            counties_changed(counties, whole=False)
    elif sender is Unit:
        counties_changed([instance.county_id])
    elif sender is CrossCheckFlag:  # the county page counts the flags awaiting review
        counties_changed(Household.objects.filter(pk=instance.household_id).values_list(
            county_lookup(Household), flat=True), whole=False)
    elif sender is Cadre:  # a village page shows its team's names and units
        villages_changed(Assignment.objects.filter(cadre=instance).values_list("village_id", flat=True))
    elif sender is HelperStaff:
        counties_changed(Unit.objects.filter(pk=instance.unit_id).values_list("county_id", flat=True))


def _remember_old_village(sender, instance, raw=False, **kwargs):
    """A household moved to another village changes the old village's figures too."""
    if instance.pk and not raw:
        instance._snapshot_old_village = type(instance).objects.filter(pk=instance.pk).values_list(
            "village_id", flat=True).first()


def _on_write(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: fixtures carry no figures of their own
        _changed(sender, instance)


# Models whose rows enter an area's figures (_changed says which areas a row of each changes).
TRACKED = (
    "households.Household", "households.Member", "households.Measure", "households.Visit", "households.Pairing",
    "households.StatusChange", "households.HelperStaff", "households.CrossCheckFlag", "cadres.Unit",
    "cadres.Assignment", "cadres.Cadre", "villages.County", "villages.Township", "villages.Village",
    "villages.CollectiveEconomy", "villages.Project", "villages.FundSource", "villages.FundAllocation",
    "villages.GateTransition", "villages.ReportFigure",
)


def connect_signals() -> None:
    for label in TRACKED:
        post_save.connect(_on_write, sender=label, dispatch_uid=f"snapshot-save-{label}")
        post_delete.connect(_on_write, sender=label, dispatch_uid=f"snapshot-delete-{label}")
    pre_save.connect(_remember_old_village, sender="households.Household", dispatch_uid="snapshot-household-village")


# ------------------------------------------------------------------ reading

FIELDS = ("pk", "version", "computed_version", "computed_at")


def _rows(area: Area):
    return DashboardSnapshot.objects.filter(kind=area.area_kind, area_id=area.pk)


def _in(language: str) -> KeyTransform:
    """The snapshot's dashboard in one language, decoded from JSON."""
    return KeyTransform(language, "data")


def _stored(area: Area, language: str, figures: bool = True) -> dict | None:
    """The area's snapshot row with its dashboard in `language` (`board`, None if not stored in it), or with
    figures=False only that dashboard's kind (`board`), as-of date and demo flag: Python then decodes no figures."""
    rows = _rows(area)
    if figures:
        return rows.values(*FIELDS, board=_in(language)).first()
    # as_of decoded from JSON (None for null): as text SQLite gives the string "null"
    return rows.values(*FIELDS, board=KT(f"data__{language}__kind"),
                       as_of=KeyTransform("as_of", _in(language)), demo=KeyTransform("demo", _in(language))).first()


def _fresh(row: dict) -> bool:
    """Computed from the current version, today."""
    return (row["computed_version"] == row["version"] and row["computed_at"] is not None
            and timezone.localdate(row["computed_at"]) == timezone.localdate())


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _compute(area: Area, row: dict | None) -> dashboards.Dashboard:
    """Compute the dashboard and store it in every language, unless the area changed since `row` was read."""
    rows = _rows(area)
    if row is None:
        DashboardSnapshot.objects.bulk_create(
            [DashboardSnapshot(kind=area.area_kind, area_id=area.pk, county_id=area.county_id)], ignore_conflicts=True)
        row = rows.values(*FIELDS).get()
    board = dashboards.dashboard(area)  # its labels are translated when shown
    board.computed_at = timezone.now()
    data = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            data[language] = board.to_json()
    rows.filter(version=row["version"]).update(data=data, computed_version=row["version"],
                                               computed_at=board.computed_at)
    return board


def _report_keys(area: Area) -> SimpleLazyObject:
    # read only if used: a page whose rendered figures are cached does not link them again
    return SimpleLazyObject(lambda: dashboards.report_figures_of(area))


class DeferredDashboard:
    """A current stored dashboard whose figures are decoded on first use. An area page whose rendered figures
    are cached (dashboards/templates/dashboards/area.html) uses only its kind, as-of date and computation time."""

    def __init__(self, area: Area, row: dict, language: str):
        self.area, self.kind, self.computed_at = area, row["board"], row["computed_at"]
        self.as_of = datetime.date.fromisoformat(row["as_of"]) if row["as_of"] else None
        self.demo = bool(row["demo"])
        self.report_keys = _report_keys(area)
        self._pk, self._language = row["pk"], language

    @cached_property
    def _board(self) -> dashboards.Dashboard:
        data = DashboardSnapshot.objects.filter(pk=self._pk).values_list(_in(self._language), flat=True).first()
        if data is None:  # recomputed in between without this language, or deleted: read it afresh
            return dashboard(self.area)
        return dashboards.Dashboard.from_json(self.area, data, self.report_keys, self.computed_at)

    headline = property(lambda self: self._board.headline)
    charts = property(lambda self: self._board.charts)
    tables = property(lambda self: self._board.tables)


def dashboard(area: Area, deferred: bool = False) -> dashboards.Dashboard | DeferredDashboard:
    """The area's dashboard in the active language: the stored one while current, else computed and stored.
    `deferred`: a stored dashboard's figures are decoded only when used."""
    language = _language()
    row = _stored(area, language, figures=not deferred)
    if row is not None and row["board"] is not None and _fresh(row):
        if deferred:
            return DeferredDashboard(area, row, language)
        return dashboards.Dashboard.from_json(area, row["board"], _report_keys(area), row["computed_at"])
    return _compute(area, row)


def headlines(counties) -> dict[int, list[dashboards.Number]]:
    """Each county's headline numbers (county pk → numbers): the stored ones in one query, a stale one computed."""
    language = _language()
    rows = {row["area_id"]: row for row in DashboardSnapshot.objects.filter(
        kind="county", area_id__in=[county.pk for county in counties],
    ).values(*FIELDS, "area_id", headline=KeyTransform("headline", _in(language)))}
    found = {}
    for county in counties:
        row = rows.get(county.pk)
        if row is not None and row["headline"] is not None and _fresh(row):
            found[county.pk] = [dashboards.Number.from_json(item) for item in row["headline"]]
        else:
            found[county.pk] = _compute(county, row).headline
    return found


def _current_in_every_language(area: Area) -> bool:
    kinds = {f"kind_{i}": KT(f"data__{language}__kind") for i, (language, _name) in enumerate(settings.LANGUAGES)}
    row = _rows(area).values(*FIELDS, **kinds).first()
    return row is not None and _fresh(row) and all(row[k] for k in kinds)


def refresh(areas: Iterable[Area], everything: bool = False) -> int:
    """Compute the out-of-date dashboards of the areas (every one with `everything`); returns how many were."""
    done = 0
    for area in areas:
        if everything or not _current_in_every_language(area):
            _compute(area, _rows(area).values(*FIELDS).first())
            done += 1
    return done
