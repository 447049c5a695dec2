"""The stored dashboards gained their demo flag (dashboards.dashboard.Dashboard.demo): every snapshot is marked out
of date, so the next read recomputes it with the flag."""

from django.db import migrations
from django.db.models import F


def outdate_snapshots(apps, schema_editor):
    apps.get_model("villages", "DashboardSnapshot").objects.update(version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [("villages", "0005_village_county")]

    operations = [migrations.RunPython(outdate_snapshots, migrations.RunPython.noop)]
