import django.db.models.deletion
from django.db import migrations, models


def copy_township_county(apps, schema_editor):
    Village = apps.get_model("villages", "Village")
    Township = apps.get_model("villages", "Township")
    Village.objects.update(county_id=models.Subquery(
        Township.objects.filter(pk=models.OuterRef("township_id")).values("county_id")))


class Migration(migrations.Migration):
    dependencies = [("villages", "0004_snapshot_tables_in_order")]

    operations = [
        migrations.AddField(
            model_name="village", name="county",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="villages.county", verbose_name="县（市）"),
        ),
        migrations.RunPython(copy_township_county, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="village", name="county",
            field=models.ForeignKey(db_index=False, editable=False,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="villages.county", verbose_name="县（市）"),
        ),
        migrations.AddIndex(
            model_name="village", index=models.Index(fields=["county", "code"], name="village_county_code"),
        ),
    ]
