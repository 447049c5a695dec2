"""Small helpers for declaring database invariants the same way in every app, and for writing rows: in bulk, or
one whose unique constraint a concurrent twin may win."""

import io
import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import CharField, F, Func, Q
from django.db.models.functions import Length, Substr
from django.db.models.lookups import Exact, In
from django.utils.translation import gettext_lazy as _

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
            violation_error_code="invalid", violation_error_message=_("金额不能为负数。"),  # every such field is money
        )
        for field in fields
    ]


def prefix_index(model_name: str, field: str) -> models.Index:
    """An index that serves `field__startswith` (LIKE 'x%', the search's name and code prefixes) on PostgreSQL
    whatever the database's collation: a plain b-tree serves LIKE only under the C collation. Other databases
    ignore the operator class and get a plain index."""
    return models.Index(fields=[field], name=f"{model_name}_{field}_prefix", opclasses=["varchar_pattern_ops"])


def full_clean_and_save(row: models.Model, clash_messages: Mapping[str, str] | None = None) -> None:
    """row.full_clean() and row.save(), a clash with another row on one of the row's unique constraints answered
    as one ValidationError on the constraint's last field (the one a form shows it next to), with
    clash_messages[constraint name] or else the model's message.

    A service checks for the other row first, but two concurrent requests can both pass that check: the second
    then finds the first's row in full_clean() if it is committed by then, else the database refuses its INSERT
    (IntegrityError; PostgreSQL makes it wait for the first to commit). Both end in the same field error. The
    save runs in a savepoint, so the caller's transaction stays usable; any other error is raised as it is."""
    try:
        row.full_clean()
        with transaction.atomic():
            row.save()
    except (ValidationError, IntegrityError):
        for constraint in row._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                try:
                    constraint.validate(type(row), row)  # finds the other row, committed by now
                except ValidationError as clash:
                    message = (clash_messages or {}).get(constraint.name) or clash
                    raise ValidationError({constraint.fields[-1]: [message]}) from None
        raise


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


COPY_BATCH = 10_000  # rows per executemany where there is no COPY


def copy_rows(model, rows: Iterable[dict]) -> None:
    """Insert rows that nothing reads back the ids of, given as dicts of field name to value (related objects or
    their keys; missing fields take their defaults), without model instances or the ORM's per-value compiling:
    COPY on PostgreSQL, executemany elsewhere. The database's constraints check every row as usual; no signals.

    For the large tables of generate_demo and the history entries of an import, which bulk_create of model
    instances wrote much more slowly (bench/HISTORY.md, "generate_demo" and "second machine")."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = [f.get_default() for f in fields]
    names = [f.name for f in fields]
    relations = [f.is_relation for f in fields]
    json_fields = [isinstance(f, models.JSONField) for f in fields]
    table, qn = model._meta.db_table, connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)

    def values(row):
        for name, default, relation, is_json in zip(names, defaults, relations, json_fields, strict=True):
            value = row.get(name, default)
            if relation and isinstance(value, models.Model):
                value = value.pk
            elif is_json and value is not None:
                value = json.dumps(value)  # as the JSONField writes it (SQLite keeps the text)
            yield value

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(map(_copy_text, values(row))))
                buffer.write("\n")
            with cursor.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        else:
            prepare = [f.get_db_prep_save if isinstance(f, models.DateField | models.DecimalField) else None
                       for f in fields]
            prepared = [tuple(p(v, connection) if p else v for p, v in zip(prepare, values(row), strict=True))
                        for row in rows]
            placeholders = ", ".join(["%s"] * len(fields))
            for i in range(0, len(prepared), COPY_BATCH):
                cursor.executemany(f"INSERT INTO {qn(table)} ({columns}) VALUES ({placeholders})",
                                   prepared[i:i + COPY_BATCH])


NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")  # most values have nothing to escape


def _copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        if NEEDS_ESCAPE.search(value):
            # four passes in C: str.translate with replacements longer than one character maps each character in
            # Python, far slower on a history entry's JSON, whose \uXXXX escapes all need escaping
            # (bench/HISTORY.md, "eighth machine")
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    return str(value)
