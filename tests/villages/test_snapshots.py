"""Pre-aggregated dashboards (dashboards.snapshots): stored, served, and recomputed after every kind of change."""

import datetime
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from dashboards import dashboard as dashboards
from dashboards import snapshots
from households.models import Household, Measure
from tests import factories as f
from villages.models import DashboardSnapshot, FundSource, Gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    county = f.make_county()
    township = f.make_township(county)
    village = f.make_village(township)
    other = f.make_village(township)
    households = [f.make_household(village) for _ in range(3)]
    f.make_member(households[0])
    f.make_measure(village, households[0])
    source = f.make_fund_source(county, kind=FundSource.Kind.PROVINCE_PREFECTURE)
    f.make_allocation(source, household=households[1], amount=Decimal("20000.00"), gate=Gate.DISBURSEMENT)
    return county, township, village, other, households


def headline(board) -> dict:
    return {n.key: n.value for n in board.headline}


def stored(area) -> DashboardSnapshot:
    return DashboardSnapshot.objects.get(kind=area.area_kind, area_id=area.pk)


def test_the_stored_dashboard_is_the_computed_one(world):
    county, township, village, *_ = world
    for area in (county, township, village):
        live = dashboards.dashboard(area)
        first = snapshots.dashboard(area)  # computes and stores
        again = snapshots.dashboard(area)  # reads the stored JSON back
        assert first.computed_at == again.computed_at is not None
        for board in (first, again):
            assert headline(board) == headline(live)
            assert [c.as_json() for c in board.charts] == [c.as_json() for c in live.charts]
            assert list(board.tables) == list(live.tables)  # in order (the API lists them so)
            assert [[cell for _label, cell in rows] for rows in board.tables.values()] == \
                [[cell for _label, cell in rows] for rows in live.tables.values()]
            assert board.as_of == live.as_of
        # the cells keep the filters that link them to their rows
        assert again.charts[0].series[0].cells[0] == live.charts[0].series[0].cells[0]


def test_a_current_snapshot_is_served_without_reading_the_rows(world, django_assert_max_num_queries):
    county, *_ = world
    snapshots.dashboard(county)
    f.make_report_figure(county, key="identified-households")
    snapshots.dashboard(county)
    with django_assert_max_num_queries(2):  # the snapshot, and the county's report figures
        board = snapshots.dashboard(county)
        assert list(board.report_keys) == ["identified-households"]
    assert headline(board)["identified-households"] == 3


def test_a_saved_row_updates_the_village_township_and_county(world):
    county, township, village, other, households = world
    for area in (county, township, village, other):
        snapshots.dashboard(area)
    f.make_household(village)  # post_save
    Measure.objects.filter(household=households[0]).delete()  # post_delete
    for area in (county, township, village):
        board = snapshots.dashboard(area)
        assert headline(board)["identified-households"] == 4
        assert headline(board)["measures-planned"] == 0
    other_row = stored(other)
    assert other_row.computed_version == other_row.version  # the other village did not change


def test_a_household_moved_to_another_village_updates_both(world):
    _county, _township, village, other, households = world
    snapshots.dashboard(village), snapshots.dashboard(other)
    moved = Household.objects.get(pk=households[2].pk)
    moved.village = other
    moved.save()
    assert headline(snapshots.dashboard(village))["identified-households"] == 2
    assert headline(snapshots.dashboard(other))["identified-households"] == 1


def test_a_fund_source_change_updates_every_area_of_its_county(world):
    county, township, village, *_ = world
    for area in (county, township, village):
        snapshots.dashboard(area)
    source = FundSource.objects.get(county=county)
    source.kind = FundSource.Kind.CITY_FINANCE
    source.save()
    for area in (county, township, village):
        funds = next(c for c in snapshots.dashboard(area).charts if c.id == "funds")
        assert funds.labels == [str(FundSource.Kind.CITY_FINANCE.label)]


def test_a_gate_transition_updates_the_allocation_target(world):
    _county, _township, village, *_ = world
    snapshots.dashboard(village)
    allocation = village.households.order_by("pk")[1].allocations.get()
    f.make_gate_transition(allocation, gate=Gate.BENEFIT, at=timezone.now())
    assert snapshots.dashboard(village).as_of == timezone.localdate()


def test_bulk_writes_are_seen_once_marked(world):
    _county, _township, village, *_ = world
    snapshots.dashboard(village)
    Household.objects.bulk_create([f.make_household(village, save=False, number="B1")])  # no signal
    assert headline(snapshots.dashboard(village))["identified-households"] == 3  # still the stored figure
    snapshots.villages_changed([village.pk])
    assert headline(snapshots.dashboard(village))["identified-households"] == 4


def test_a_snapshot_computed_yesterday_is_recomputed(world):
    _county, _township, village, *_ = world
    snapshots.dashboard(village)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    DashboardSnapshot.objects.filter(pk=stored(village).pk).update(computed_at=yesterday)
    assert snapshots.dashboard(village).computed_at > yesterday + datetime.timedelta(hours=12)


def test_a_change_during_the_computation_is_not_hidden(world):
    """A write committed while a reader computes leaves the snapshot out of date: the next read recomputes."""
    _county, _township, village, _other, households = world
    snapshots.dashboard(village)
    snapshots.villages_changed([village.pk])
    real = dashboards.dashboard

    def racing(area):
        board = real(area)  # computed before the write below
        f.make_household(village)
        return board

    with mock.patch.object(dashboards, "dashboard", racing):
        assert headline(snapshots.dashboard(village))["identified-households"] == 3
    row = stored(village)
    assert row.computed_version != row.version
    assert headline(snapshots.dashboard(village))["identified-households"] == 4


def test_each_language_has_its_own_labels(world):
    _county, _township, village, *_ = world
    for _round in ("compute", "stored"):
        with translation.override("en"):
            assert str(snapshots.dashboard(village).charts[0].title) == "Poor household distribution chart"
        with translation.override("zh-hans"):
            assert str(snapshots.dashboard(village).charts[0].title) == "贫困户分布图"
    assert set(stored(village).data) == {"en", "zh-hans"}


def test_refresh_dashboards_computes_what_is_out_of_date(world, capsys):
    county, *_ = world
    call_command("refresh_dashboards")
    # county, one township, two villages (each stored in both languages at once)
    assert "4 dashboard(s) computed for 4 area(s)" in capsys.readouterr().out
    call_command("refresh_dashboards")
    assert "0 dashboard(s) computed" in capsys.readouterr().out
    call_command("refresh_dashboards", "--all", "--county", county.code)
    assert "4 dashboard(s) computed" in capsys.readouterr().out
    with pytest.raises(CommandError, match="999999"):
        call_command("refresh_dashboards", "--county", "999999")


def test_the_pages_and_the_api_show_when_the_figures_were_computed(world, client, admin_user):
    county, _township, village, *_ = world
    client.force_login(admin_user)
    page = client.get(reverse("areas:village", args=[village.code]))
    computed_at = stored(village).computed_at
    assert f'datetime="{timezone.localtime(computed_at).isoformat()}"' in page.content.decode()
    summary = client.get(f"/api/v1/villages/{village.code}/summary/").json()
    assert summary["computed_at"] == timezone.localtime(computed_at).isoformat()
    assert {n["key"]: n["value"] for n in summary["headline"]}["identified-households"] == 3
    f.make_household(village)
    summary = client.get(f"/api/v1/villages/{village.code}/summary/").json()
    assert {n["key"]: n["value"] for n in summary["headline"]}["identified-households"] == 4


def shown(client, url, key) -> str:
    html = client.get(url).content.decode()
    match = re.search(rf'data-figure="{key}"[^>]*>([^<]*)</a>', html)
    assert match, key
    return match.group(1)


def test_the_page_shows_a_change_at_once_though_its_figures_are_cached(world, client, admin_user):
    county, township, village, *_ = world
    client.force_login(admin_user)
    urls = [reverse("areas:county", args=[county.code]), reverse("areas:township", args=[township.pk]),
            reverse("areas:village", args=[village.code])]
    for url in urls:
        assert shown(client, url, "identified-households") == shown(client, url, "identified-households") == "3"
    f.make_household(village)
    for url in urls:
        assert shown(client, url, "identified-households") == "4"
    with translation.override("en"):
        page = client.get(urls[2], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Poor household distribution chart" in page


def test_a_county_can_still_be_deleted(db):
    from django.db import connection

    county = f.make_county()
    snapshots.dashboard(county)
    county.delete()
    connection.check_constraints()  # no snapshot row is left pointing at the deleted county
    assert not DashboardSnapshot.objects.filter(county_id=county.pk).exists()


def test_the_village_page_shows_its_team_renamed_though_it_is_cached(world, client, admin_user):
    county, _township, village, *_ = world
    assignment = f.make_assignment(f.make_cadre(county, name="王书记"), village)
    client.force_login(admin_user)
    url = reverse("areas:village", args=[village.code])
    assert "王书记" in client.get(url).content.decode()
    assert "王书记" in client.get(url).content.decode()  # from the page cache
    cadre = assignment.cadre
    cadre.name = "李书记"
    cadre.save()
    page = client.get(url).content.decode()
    assert "李书记" in page and "王书记" not in page
    cadre.unit.name = "新单位"
    cadre.unit.save()
    assert "新单位" in client.get(url).content.decode()


def test_a_deferred_dashboard_reads_its_figures_only_when_used(world, django_assert_num_queries):
    county, *_ = world
    computed = snapshots.dashboard(county)
    with django_assert_num_queries(1):  # the snapshot's version, kind and as-of date
        board = snapshots.dashboard(county, deferred=True)
        assert (board.kind, board.as_of, board.computed_at) == ("county", computed.as_of, computed.computed_at)
    with django_assert_num_queries(1):  # its figures in the active language
        assert headline(board) == headline(computed)
    assert [c.as_json() for c in board.charts] == [c.as_json() for c in computed.charts]
    assert list(board.tables) == list(computed.tables)
    f.make_household(county.townships.first().villages.first())
    board = snapshots.dashboard(county, deferred=True)  # out of date: computed, not deferred
    assert headline(board)["identified-households"] == 4


def test_every_tracked_model_has_its_save_and_delete_receivers(db):
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    def connected(signal, uid) -> set[int]:  # ids of the senders the snapshot receiver is connected for
        return {sender for (key, sender), *_rest in signal.receivers if key == uid}

    for label in snapshots.TRACKED:
        model = apps.get_model(label)  # a misspelt label raises here
        assert id(model) in connected(post_save, f"snapshot-save-{label}"), label
        assert id(model) in connected(post_delete, f"snapshot-delete-{label}"), label
