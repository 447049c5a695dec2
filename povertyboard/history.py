"""Reads of the change history (django-auditlog) shown on object pages."""

from auditlog.models import LogEntry
from django.db.models import Model, QuerySet


def history_of(obj: Model) -> QuerySet[LogEntry]:
    """Every recorded create / update / delete of the object, newest first, with its actor."""
    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp", "-pk")


def history_of_many(model: type[Model], pks) -> QuerySet[LogEntry]:
    """The history of several objects of one model (e.g. a household's members), newest first."""
    from django.contrib.contenttypes.models import ContentType

    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(pks),
    ).select_related("actor", "content_type").order_by("-timestamp", "-pk")
