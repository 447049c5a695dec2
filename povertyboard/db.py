"""Small helpers for declaring database invariants the same way in every app."""

from decimal import Decimal

from django.db import models
from django.db.models import Q


def money(verbose_name, **kwargs):
    """An amount in yuan (元). Reports speak in 万元; pages convert on display."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def non_negative(model_name: str, *fields: str) -> list[models.CheckConstraint]:
    """One CHECK (field >= 0) per field; NULL passes, as in SQL."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True}),
            name=f"{model_name}_{field}_non_negative",
        )
        for field in fields
    ]


def yuan_to_wan(amount) -> Decimal:
    """Yuan to 万元, two decimals, as the reports print money."""
    return (Decimal(amount or 0) / Decimal(10000)).quantize(Decimal("0.01"))
