"""Small helpers for declaring database invariants the same way in every app."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import CharField, F, Func, Q
from django.db.models.functions import Length, Substr
from django.db.models.lookups import Exact, In

DIGITS = list("0123456789")


def money(verbose_name, **kwargs):
    """An amount in yuan (元). Reports speak in 万元; pages convert on display."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2,
                               validators=[MinValueValidator(Decimal(0))], **kwargs)


def all_digits(field: str, length: int) -> Q:
    """CHECK that a text column is exactly `length` ASCII digits, on SQLite and PostgreSQL alike."""
    condition = Q(Exact(Length(field), length))
    for i in range(1, length + 1):
        condition &= Q(In(Substr(field, i, 1), DIGITS))
    return condition


class DateDigits(Func):
    """A date as YYYYMMDD text, whatever the session's date style (usable in CHECK constraints)."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYYMMDD')", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="replace(date(%(expressions)s), '-', '')", **extra)


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


CENT = Decimal("0.01")


def split_amount(total, weights) -> list[Decimal]:
    """Split a money total across weights into cents that add up to the total exactly."""
    cents = int((Decimal(total) / CENT).to_integral_value())
    weight_sum = sum(weights)
    parts = [int(cents * w / weight_sum) for w in weights]
    for i in range(cents - sum(parts)):
        parts[i % len(parts)] += 1
    return [Decimal(p) * CENT for p in parts]


def split_count(total: int, weights, minimum: int = 0) -> list[int]:
    """Split a whole number across weights, each part at least `minimum`, adding up exactly."""
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError(f"{total} cannot give {len(weights)} parts of at least {minimum}")
    weight_sum = sum(weights)
    parts = [minimum + int(rest * w / weight_sum) for w in weights]
    for i in range(total - sum(parts)):
        parts[i % len(parts)] += 1
    return parts


def nulls_last(ordering) -> list:
    """order_by() terms for "field" / "-field" with missing values last either way, on every database
    (PostgreSQL puts NULLs first when descending, SQLite last), then the id as the tie-breaker."""
    terms = [F(o[1:]).desc(nulls_last=True) if o.startswith("-") else F(o).asc(nulls_last=True) for o in ordering]
    return [*terms, "pk"]
