from django.db import migrations


def forget_stored_dashboards(apps, schema_editor):
    """Dashboards stored before tables were kept as an ordered list are recomputed on their next read."""
    apps.get_model("villages", "DashboardSnapshot").objects.update(data={}, computed_version=-1)


class Migration(migrations.Migration):
    dependencies = [("villages", "0003_dashboard_snapshot")]

    operations = [migrations.RunPython(forget_stored_dashboards, migrations.RunPython.noop)]
