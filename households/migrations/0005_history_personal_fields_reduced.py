"""The history stores resident IDs, birth dates and phones reduced, as a non-administrator sees them
(povertyboard/privacy.py, AUDITLOG_INCLUDE_TRACKING_MODELS): entries written before keep them whole, so they are
reduced here once."""

from django.db import migrations

from povertyboard.privacy import reduce_logged

FIELDS = {"member": ("id_number", "birth_date", "phone"), "household": ("phone",)}


def reduce_history(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, fields in FIELDS.items():
        content_type = ContentType.objects.filter(app_label="households", model=model).first()
        if content_type is None:
            continue
        for entry in LogEntry.objects.filter(content_type=content_type).exclude(changes=None).iterator():
            changes = {name: [reduce_logged(v) if name in fields and v not in (None, "", "None") else v
                              for v in values] if isinstance(values, list) else values
                       for name, values in entry.changes.items()}
            if changes != entry.changes:
                LogEntry.objects.filter(pk=entry.pk).update(changes=changes)


class Migration(migrations.Migration):
    dependencies = [("households", "0004_crosscheckflag"), ("auditlog", "0017_add_actor_email"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(reduce_history, migrations.RunPython.noop)]
