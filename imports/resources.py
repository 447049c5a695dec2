"""django-import-export resources of the registry's spreadsheets: households, members, measures, attendance, pairings.

The same resources serve the admin's import/export and the staff import pages (imports.services). A file's
columns have fixed Chinese headers (the file format, the same whatever the page's language); coded columns
take the Chinese label of a choice (as listed on the template's "可选值" sheet) or its code.

Rows are matched by natural keys, never by database ids, so re-importing a file changes nothing and a corrected
file updates in place: households by 行政村代码 + 户编号, members by 身份证号码, measures by village + household
+ 类别 + 措施内容, attendance by cadre + 月份, pairings by household + helper. Every rule is checked for every
row and reported against its column (CellError); nothing is ever deleted by an import.

The template's example row, left in place, is skipped (reported as the example, never an error) as its instructions
say; only a row equal to it in every column is. Rules that are not the model's own (scope, duplicates inside the
file or against another household) are checked in `check_row`; the model's rules by `full_clean()` (its clean() and
field validators). Every row is checked in memory first (everything it refers to is loaded once per file), then the
new and changed rows are written in bulk with their django-auditlog history entries (`RegistryResource.write`), a
few statements per thousand rows. Unique and check constraints are left to the database as the last guard: the keys
they protect are matched up front, and should the database still refuse the bulk write, the rows are written one by
one in savepoints to report the refused row as that row's error (the file then writes nothing), in words rather than
the database's (which name constraints and tables). Only a refusal of the data is a row's error: a connection that
fails (OperationalError, InterfaceError) ends the import, which the site answers with a 503.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from auditlog.cid import get_cid
from auditlog.context import auditlog_value, disable_auditlog
from auditlog.diff import get_field_value, get_fields_in_model, get_mask_function, is_primitive
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, DataError, IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.results import RowResult

from cadres.models import AttendanceReport, Cadre, Unit
from cadres.services import check_month, required_days_for
from dashboards.snapshots import counties_changed, villages_changed
from households.models import (
    Aspiration,
    HelperStaff,
    Household,
    Measure,
    MeasureCategory,
    Member,
    Pairing,
    PovertyCause,
    StatusChange,
)
from households.services import money, validate_amount, validate_not_future
from povertyboard.access import access_of
from povertyboard.db import copy_rows
from povertyboard.resident_ids import mask_resident_id, parse_resident_id
from villages.models import Township, Village

REQUIRED = _("此项必填。")
# What a row learns of a resident ID or a cadre outside the user's area: that it cannot be used, not where it is
ID_TAKEN_ELSEWHERE = _("该身份证号码已登记，请与县扶贫办核实。")
NO_SUCH_CADRE = _("本县（市）没有名为“%(name)s”的干部。")
YES, NO = "是", "否"
# The templates' example person and village: an ID whose area code 990000 no real county has and the demo
# generator never hands out (its invented counties are 990001…), in the seeded real village 东庄村村委会
EXAMPLE_ID = "990000197503080016"
EXAMPLE_VILLAGE = {"行政村代码": "632821100200", "乡镇（街道）": "希里沟镇", "行政村": "东庄村村委会"}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×"}
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MONTH_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
REFUSED_DATA = (IntegrityError, DataError)  # what the database says of a row, as opposed to of itself
CHUNK = 2000  # values per IN (...) lookup
BATCH = 1000  # rows per INSERT / UPDATE of an import


def cell_text(value) -> str:
    """A cell as the text a person typed: 2016.0 → "2016", a date → "2016-05-01", None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


class CellError(ValueError):
    """A refused cell. `column` names the column to report it on when it is not the field's own."""

    def __init__(self, message, column: str | None = None):
        super().__init__(str(message))
        self.column = column


# ------------------------------------------------------------------------------------------ widgets


class Cell(widgets.Widget):
    """A cell: blank → `empty` (or REQUIRED when required), otherwise parse(text, raw value)."""

    empty = ""

    def __init__(self, required=False):
        super().__init__(coerce_to_string=False)
        self.required = required
        self.resource = None  # set by RegistryResource for widgets that look things up

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise CellError(REQUIRED)
            return self.empty
        return self.parse(text, value, row or {})

    def parse(self, text, value, row):
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else cell_text(value)


class Text(Cell):
    def __init__(self, max_length, required=False):
        super().__init__(required)
        self.max_length = max_length

    def parse(self, text, value, row):
        if len(text) > self.max_length:
            raise CellError(_("不能超过 %(n)s 个字（现有 %(len)s 个）。") % {"n": self.max_length, "len": len(text)})
        return text


class Integer(Cell):
    empty = None

    def __init__(self, required=False, min_value=0, max_value=None):
        super().__init__(required)
        self.min_value, self.max_value = min_value, max_value

    def parse(self, text, value, row):
        if isinstance(value, float) and not value.is_integer() or not re.fullmatch(r"-?\d+", text):
            raise CellError(_("“%(value)s”不是整数。") % {"value": text})
        number = int(text)
        if number < self.min_value:
            raise CellError(_("不能小于 %(n)s。") % {"n": self.min_value})
        if self.max_value is not None and number > self.max_value:
            raise CellError(_("不能大于 %(n)s。") % {"n": self.max_value})
        return number

    def render(self, value, obj=None, **kwargs):
        return value


class Year(Integer):
    def __init__(self, required=False):
        super().__init__(required, min_value=1980, max_value=2100)


class Amount(Cell):
    """Yuan: a non-negative number with at most two decimals, under the measures' ceiling."""

    empty = None

    def parse(self, text, value, row):
        try:
            amount = Decimal(text.replace(",", "").replace("，", "").removesuffix("元"))
        except InvalidOperation:
            raise CellError(_("“%(value)s”不是数字。") % {"value": text}) from None
        if not amount.is_finite():
            raise CellError(_("“%(value)s”不是数字。") % {"value": text})
        try:
            validate_amount(amount)
        except ValidationError as exc:
            raise CellError(" ".join(exc.messages)) from None
        if amount != amount.quantize(Decimal("0.01")):
            raise CellError(_("金额最多保留两位小数。"))
        return money(amount)

    def render(self, value, obj=None, **kwargs):
        return value


def parse_date(text: str) -> datetime.date:
    match = DATE_PATTERN.match(text) or COMPACT_DATE.match(text)
    if not match:
        raise CellError(_("“%(value)s”不是日期，请按 2016-05-01 的格式填写。") % {"value": text})
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(_("日期“%(value)s”不存在。") % {"value": text}) from None


class Date(Cell):
    empty = None

    def parse(self, text, value, row):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return parse_date(text)

    def render(self, value, obj=None, **kwargs):
        return value


class Month(Cell):
    """A month (2016-05, 2016年5月, or any date in it), stored as its first day."""

    empty = None

    def parse(self, text, value, row):
        if isinstance(value, datetime.date):
            return (value.date() if isinstance(value, datetime.datetime) else value).replace(day=1)
        match = MONTH_PATTERN.match(text)
        if match:
            year, month = (int(part) for part in match.groups())
            if not 1 <= month <= 12:
                raise CellError(_("月份“%(value)s”不存在。") % {"value": text})
            return datetime.date(year, month, 1)
        return parse_date(text).replace(day=1)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:%Y-%m}"


class YesNo(Cell):
    empty = False

    def parse(self, text, value, row):
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(_("“%(value)s”应填“是”或“否”。") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return YES if value else NO


def chinese_label(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


class Choice(Cell):
    """A coded value: its Chinese label (as on the template's 可选值 sheet), its label in the page's language, or
    its code."""

    def __init__(self, choices, required=False):
        super().__init__(required)
        self.choices = choices
        self.codes = {}  # language → {code, label or lower-case code: code}

    def labels(self) -> list[str]:
        return [chinese_label(label) for _value, label in self.choices]

    def lookup(self, text: str) -> str | None:
        language = translation.get_language()
        if language not in self.codes:
            codes = {}
            for code, label in self.choices:
                codes.update({code: code, chinese_label(label): code, str(label): code})
            self.codes[language] = codes
        codes = self.codes[language]
        return codes.get(text) or codes.get(text.lower())

    def parse(self, text, value, row):
        code = self.lookup(text)
        if code is None:
            raise CellError(_("“%(value)s”不在可选值中（可选值：%(choices)s）。") % {
                "value": text, "choices": "、".join(self.labels())})
        return code

    def render(self, value, obj=None, **kwargs):
        return next((chinese_label(label) for code, label in self.choices if code == value), value or "")


class ResidentId(Cell):
    def parse(self, text, value, row):
        if isinstance(value, int | float):
            raise CellError(_("身份证号码 %(value)s 被表格软件当成了数字（末几位会丢失），"
                              "请把该列设为“文本”后重新填写。") % {"value": text})
        try:
            parse_resident_id(text)
        except ValidationError as exc:
            raise CellError(" ".join(exc.messages)) from None
        return text.upper()


class VillageCode(Cell):
    """A village of the user's area, by its code (行政村代码)."""

    empty = None

    def parse(self, text, value, row):
        return self.resource.find_village(text)

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class HouseholdKey(Cell):
    """A household by 行政村代码 (in the same row) + 户编号, from the file or the registry."""

    empty = None

    def __init__(self, required=True, village_column="行政村代码"):
        super().__init__(required)
        self.village_column = village_column

    def parse(self, text, value, row):
        village = self.resource.find_village(cell_text(row.get(self.village_column)), column=self.village_column)
        return self.resource.find_household(village, text)

    def render(self, value, obj=None, **kwargs):
        return value.number if value else ""


class CadreName(Cell):
    """A cadre of the user's area by name; the phone column (if filled) tells namesakes apart."""

    empty = None

    def __init__(self, required=False, phone_column=None):
        super().__init__(required)
        self.phone_column = phone_column

    def parse(self, text, value, row):
        phone = cell_text(row.get(self.phone_column)) if self.phone_column else ""
        return self.resource.find_cadre(text, phone, row)

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class HelperName(Cell):
    """A helper (帮扶责任人) of the unit named in the same row; a new one is created with the pairing."""

    empty = None

    def parse(self, text, value, row):
        return self.resource.find_helper(text, row)

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


# ------------------------------------------------------------------------------------------ the base resource


@dataclass
class Pending:
    """A checked row to write: its instance, the stored row's field values by attname before the import (None: a
    new row), its outcome in the report, and its number and cells in the dataset."""

    instance: models.Model
    before: SimpleNamespace | None
    row_result: RowResult
    number: int
    values: tuple


class HistoryDiff:
    """django-auditlog's model_instance_diff for the many rows of one model an import writes: the same changes
    (values, JSON form, masked fields) with the model's fields, masks and kinds resolved once instead of per row.
    Date-times and JSON fields, and the reverse relations a created row lists, go through auditlog itself."""

    def __init__(self, model):
        from auditlog.registry import auditlog

        config = auditlog.get_model_fields(model)
        mask = get_mask_function(config.get("mask_callable")) if config["mask_fields"] else None

        def tracked(fields):
            if config["include_fields"]:
                fields = [f for f in fields if f.name in config["include_fields"]]
            return [(f, f.name, self.kind(f), mask if f.name in config["mask_fields"] else None)
                    for f in fields if f.name not in config["exclude_fields"]]

        self.concrete = tracked(model._meta.fields)
        self.reverse = tracked([f for f in get_fields_in_model(model()) if not f.concrete])
        self.reverse_values = {}

    @staticmethod
    def kind(field) -> str:
        if isinstance(field, models.DateTimeField | models.JSONField) or not field.concrete:
            return "auditlog"
        if not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION and (field.many_to_one or field.one_to_one):
            return "key"
        return "value"

    def value(self, obj, field, name, kind):
        if obj is None:
            return None  # as auditlog reads the fields of a row that did not exist
        if kind == "key":
            return getattr(obj, field.attname)
        if kind == "value":
            return getattr(obj, name)
        if not field.concrete:  # a new row's reverse relation: the same value for every row of the model
            if name not in self.reverse_values:
                self.reverse_values[name] = get_field_value(obj, field, True)
            return self.reverse_values[name]
        return get_field_value(obj, field, True)

    def __call__(self, old, new) -> dict | None:
        fields = self.concrete if old is not None else self.concrete + self.reverse
        diff = {}
        for field, name, kind, mask in fields:
            old_value, new_value = self.value(old, field, name, kind), self.value(new, field, name, kind)
            if old_value != new_value:
                if mask is not None:
                    diff[name] = (mask(smart_str(old_value)), mask(smart_str(new_value)))
                else:
                    diff[name] = (old_value if is_primitive(old_value) else smart_str(old_value),
                                  new_value if is_primitive(new_value) else smart_str(new_value))
        return diff or None


def log_history(pending: list[Pending], user) -> None:
    """One django-auditlog history entry per written row, as a save() would have recorded it (the same changes,
    masking and actor), all written by one copy_rows (COPY on PostgreSQL)."""
    if not pending:
        return
    assert settings.AUDITLOG_STORE_JSON_CHANGES  # HistoryDiff gives the JSON form of the changes
    model = type(pending[0].instance)
    diff, content_type = HistoryDiff(model), ContentType.objects.get_for_model(model)
    context = auditlog_value.get({})
    actor = context.get("actor") or user
    actor = actor if getattr(actor, "pk", None) else None
    cid = get_cid()
    entries = []
    for p in pending:
        instance = p.instance
        changes = diff(p.before, instance)
        if not changes:
            continue
        entries.append(dict(
            content_type=content_type, object_pk=str(instance.pk), object_id=instance.pk, object_repr=str(instance),
            changes=changes, cid=cid, action=LogEntry.Action.CREATE if p.before is None else LogEntry.Action.UPDATE,
            actor=actor, actor_email=getattr(actor, "email", None),
            remote_addr=context.get("remote_addr"), remote_port=context.get("remote_port"),
            timestamp=timezone.now(),
        ))
    copy_rows(LogEntry, entries)


def add_error(errors: dict, column: str, message) -> None:
    found = errors.setdefault(column, [])
    if str(message) not in (m for error in found for m in error.messages):
        found.append(ValidationError(str(message)))


class RegistryResource(resources.ModelResource):
    """What the registry's import resources share: scope, natural keys, every error reported by column."""

    sheet = ""  # the sheet's name in a workbook (and the CSV's meaning)
    required_columns: tuple = ()  # columns a file must have; the other declared columns may be left out
    example: dict = {}  # column → value: the example row of the template (a row equal to it is skipped)
    notes: dict = {}  # column → how to fill it (the template's 说明 sheet)

    class Meta:
        skip_diff = True  # the admin's preview lists rows by their outcome, without field-by-field diffs
        report_skipped = True
        use_transactions = True

    def __init__(self, user=None, row_numbers=None, context=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.row_numbers = row_numbers  # the sheet's row number of each dataset row (blank rows are left out)
        self.context = context if context is not None else {}  # shared by the sheets of one import
        self.villages = {}
        self.existing = {}
        self.first_row = {}
        self.original = self.before = None
        for field in self.fields.values():
            field.widget.resource = self
        self.looked_up = {f.attribute for f in self.fields.values()
                          if isinstance(f.widget, VillageCode | HouseholdKey | CadreName | HelperName)}

    # -------------------------------------------------------------- the import (admin and staff pages alike)

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=True, **kwargs):
        """A file with any invalid row writes nothing (the admin's confirm step re-checks every row too).

        imports.services passes rollback_on_validation_errors=False: it runs all sheets in one transaction
        of its own and rolls that back, so that the member sheet is checked against the household sheet.
        """
        if kwargs.get("user") is not None:
            self.user = kwargs["user"]
        self.access = access_of(self.user)
        if not self.access.is_county_staff:
            raise PermissionDenied
        return super().import_data(dataset, dry_run, raise_errors, use_transactions, collect_failed_rows,
                                   rollback_on_validation_errors, **kwargs)

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows,
                          **kwargs):
        """Every row checked in memory (no query per row); the valid new and changed rows written in bulk with
        their history entries, BATCH rows at a time: a few statements each (import_data holds the transaction).

        Rows that are invalid are reported and not written; the caller rolls the whole file back then. A row
        the database still refuses (a constraint the checks missed) is found by writing the rows one by one
        and reported as that row's error.
        """
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.total_rows = len(dataset)
        try:
            self.before_import(dataset)
        except DatabaseError:
            raise  # the database failing (a dropped connection) is no fault of the file: 503, not an error in it
        except Exception as exc:  # noqa: BLE001 - reported as the file's error, as django-import-export does
            self.handle_import_error(result, exc, raise_errors)
            return result
        if collect_failed_rows:
            result.add_dataset_headers(dataset.headers)
        pending = []

        def flush():
            self.write(pending)
            for p in pending:
                if p.row_result.errors:
                    row = dict(zip(dataset.headers, p.values, strict=False))
                    result.append_error_row(p.number, row, p.row_result.errors)
                    if collect_failed_rows:
                        result.append_failed_row(row, p.row_result.errors[0])
            pending.clear()

        for number, values in enumerate(dataset, start=1):
            row = dict(zip(dataset.headers, values, strict=False))
            row_result = self.check(row, number)
            if row_result.validation_error is not None:
                result.append_invalid_row(number, row, row_result.validation_error)
                if collect_failed_rows:
                    result.append_failed_row(row, row_result.validation_error)
            elif not row_result.is_skip():
                pending.append(Pending(row_result.instance, self.before, row_result, number, values))
                row_result.instance = None  # kept by pending until written
                if len(pending) == BATCH:  # written as the rows come: memory stays flat with the file's size
                    flush()
            result.rows.append(row_result)
        flush()
        for row_result in result.rows:
            result.increment_row_result_total(row_result)
        return result

    def before_import(self, dataset, **kwargs):
        rows = [dict(zip(dataset.headers, values, strict=False)) for values in dataset]
        self.prepare(rows)
        self.first_row = {}
        for index, row in enumerate(rows, start=1):
            key = None if self.is_example(row) else self.file_key(row)
            if key is not None:
                self.first_row.setdefault(key, self.sheet_row(index))

    def sheet_row(self, index: int) -> int:
        """The sheet's row number of the index-th data row (1-based): the header is row 1."""
        return self.row_numbers[index - 1] if self.row_numbers else index + 1

    def check(self, row: dict, number: int) -> RowResult:
        """One row's outcome: new, update, skip (unchanged) or invalid (with every error, by column). A new or
        changed row comes with its instance, and self.before holds the stored row's field values (None for a new
        row)."""
        row_result = self.get_row_result_class()()
        if self.is_example(row):
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.example = True  # imports.services reports it as the example, not as unchanged
            return row_result
        instance = self.existing_for(row)
        new = instance is None
        if new:
            instance = self._meta.model()
        self.original = None if new else self.snapshot(instance)
        errors = {}
        try:
            self.import_instance(instance, row, row_number=number)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
        if not errors and not new and self.snapshot(instance) == self.original:
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.add_instance_info(instance)
            return row_result
        try:
            self.validate_instance(instance, errors)
        except ValidationError as exc:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = exc
            return row_result
        row_result.import_type = RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
        row_result.instance = instance
        self.before = None if new else SimpleNamespace(**self.original)
        return row_result

    def is_example(self, row: dict) -> bool:
        """The template's example row, unchanged in every column."""
        return bool(self.example) and all(cell_text(row.get(c)) == cell_text(v) for c, v in self.example.items())

    @staticmethod
    def snapshot(instance) -> dict:
        return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}

    def import_instance(self, instance, row, **kwargs):
        """Every field of the row, then the row's own rules; all errors together, keyed by column."""
        errors = {}
        self.failed = set()
        for field in self.get_import_fields():
            if not field.attribute or field.column_name not in row:
                continue
            try:
                field.save(instance, row, **kwargs)
            except ValueError as exc:
                add_error(errors, getattr(exc, "column", None) or field.column_name, exc)
                self.failed.add(field.attribute)
        number = self.sheet_row(kwargs.get("row_number", 1))
        key = self.file_key(row)
        first = self.first_row.get(key) if key is not None else None
        if first is not None and first != number:
            add_error(errors, self.key_column, _("与第 %(row)s 行重复（同一%(what)s在文件中出现了两次）。") % {
                "row": first, "what": self.key_label})
        self.check_row(instance, row, errors)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own rules (clean(), field validators), reported by column like the rest.

        Foreign keys set by the lookup widgets are not re-checked (one query each): they come from the rows
        loaded by prepare(). Unique keys are matched up front (prepare() and the duplicate check), so
        validate_unique's query per row is not needed; the database's constraints remain the last guard.
        """
        errors = dict(import_validation_errors or {})
        exclude = set(self.failed) | set(self.clean_exclude(instance)) | self.looked_up
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for attribute, messages in exc.message_dict.items():
                for message in messages:
                    add_error(errors, self.column_of(attribute), message)
        if errors:
            raise ValidationError(errors)

    def column_of(self, attribute: str) -> str:
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        if attribute == NON_FIELD_ERRORS:
            return attribute
        try:
            return str(self._meta.model._meta.get_field(attribute).verbose_name)
        except Exception:  # noqa: BLE001 - a name that is not a field
            return attribute

    # -------------------------------------------------------------- writing in bulk

    def write(self, pending: list[Pending]) -> None:
        """Write the checked rows: new ones with bulk_create, changed ones with bulk_update (only the fields that
        changed), then what goes with them (after_write), their history entries in one bulk insert, and the
        villages whose figures are now out of date. Signals do not fire for bulk writes, hence the last two."""
        if not pending:
            return
        model = self._meta.model
        created = [p.instance for p in pending if p.before is None]
        updated = [p for p in pending if p.before is not None]
        inserted = []
        try:
            with transaction.atomic():
                inserted = self.before_write(pending)
                model.objects.bulk_create(created, batch_size=BATCH)
                changed = sorted({name for p in updated for name, value in self.snapshot(p.instance).items()
                                  if getattr(p.before, name) != value})
                if changed:
                    model.objects.bulk_update([p.instance for p in updated], changed, batch_size=BATCH)
        except REFUSED_DATA:  # a connection failing is not caught: it is no row's error, and ends the import
            for instance in [*created, *inserted]:  # the savepoint is gone, and with it the ids handed out
                instance.pk = None
                instance._state.adding = True
            if not self.write_one_by_one(pending):
                return  # the rows refused are reported; the file is rolled back
        self.after_write(pending)
        log_history(pending, self.user)
        villages = {village for p in pending for village in self.villages_of(p.instance)}
        if villages:
            villages_changed(villages)
        for p in pending:
            p.row_result.add_instance_info(p.instance)

    def write_one_by_one(self, pending: list[Pending]) -> bool:
        """Write each row in a savepoint of its own, to name the row(s) the database refuses (an error of that
        row, as "这一行无法写入"). True when every row was written."""
        ok = True
        with disable_auditlog():  # history entries are written by log_history() once every row is in
            for p in pending:
                try:
                    with transaction.atomic():
                        self.before_write([p])
                        p.instance.save()
                except REFUSED_DATA:
                    ok = False
                    p.row_result.import_type = RowResult.IMPORT_TYPE_ERROR
                    p.row_result.errors.append(self.get_error_result_class()(self.refusal(), number=p.number))
        return ok

    def refusal(self) -> str:
        """Why the database refused a row that passed every check: the row or its key was written by someone else
        meanwhile. In plain words: the database's own text names its constraints and tables."""
        return str(_("与系统中刚写入的数据冲突（如同一%(what)s已被他人登记），请重新上传文件预览。") % {
            "what": self.key_label})

    # -------------------------------------------------------------- hooks of the concrete resources

    key_column = ""  # the column duplicate keys are reported on
    key_label = _("行")

    def prepare(self, rows: list[dict]) -> None:
        """Load, in a few queries, everything the rows refer to (villages, existing objects…)."""

    def file_key(self, row: dict):
        """The row's natural key as typed (for duplicates inside the file), or None if it has none."""
        return None

    def existing_for(self, row: dict):
        """The stored object the row is about, or None."""
        return None

    def check_row(self, instance, row: dict, errors: dict) -> None:
        """Rules beyond the fields and the model: add_error(errors, column, message)."""

    def clean_exclude(self, instance) -> list[str]:
        """Model fields full_clean() must leave to the import (e.g. a helper created with the row)."""
        return []

    def before_write(self, pending: list[Pending]) -> list:
        """Set what the rows to write need besides their cells (e.g. a version), and insert the new rows they
        refer to (e.g. a helper); the rows it inserted. Run again row by row if the bulk write is refused."""
        return []

    def after_write(self, pending: list[Pending]) -> None:
        """Write what goes with the written rows (e.g. a household's status change), in bulk."""

    def villages_of(self, instance) -> tuple:
        """The primary keys of the villages whose figures the row changes."""
        return ()

    # -------------------------------------------------------------- lookups shared by the widgets

    def load_villages(self, codes) -> None:
        for part in chunks({c for c in codes if c}):
            for village in Village.objects.filter(code__in=part).select_related("township__county"):
                self.villages[village.code] = village

    def find_village(self, code: str, column: str | None = None) -> Village:
        """A village the user may import into; CellError (on `column`) for an unknown or out-of-area code."""
        if not code:
            raise CellError(REQUIRED, column)
        village = self.villages.get(code)
        if village is None:
            raise CellError(_("行政村代码 %(code)s 不存在。") % {"code": code}, column)
        if not self.access.can_read_county(village.township.county_id):
            raise CellError(_("行政村 %(code)s（%(county)s）不在您的辖区，不能导入。") % {
                "code": code, "county": village.township.county.name}, column)
        return village


def key_text(row: dict, *columns) -> tuple:
    return tuple(cell_text(row.get(c)) for c in columns)


class HouseholdLookupMixin:
    """Households named by 行政村代码 + 户编号, from the registry (including rows imported by an earlier sheet)."""

    def load_households(self, rows, village_column="行政村代码", number_column="户编号") -> None:
        self.load_villages(cell_text(r.get(village_column)) for r in rows)
        villages = [v for v in self.villages.values() if self.access.can_read_county(v.township.county_id)]
        self.households = {}
        for part in chunks(v.pk for v in villages):
            for household in Household.objects.filter(village__in=part).select_related("village"):
                self.households[(household.village.code, household.number)] = household

    def find_household(self, village: Village, number: str) -> Household:
        found = self.households.get((village.code, number))
        if found is not None:
            return found
        sheet_row = self.context.get("household_rows", {}).get((village.code, number))
        if sheet_row is not None:
            raise CellError(_("该户在“贫困户”工作表第 %(row)s 行有错误，请先改正该行。") % {"row": sheet_row})
        raise CellError(_("贫困户 %(village)s（%(code)s）%(number)s 不存在：请先导入该户，"
                          "或在同一文件的“贫困户”工作表中填写。") % {
            "village": village.name, "code": village.code, "number": number})


# ------------------------------------------------------------------------------------------ households


class HouseholdResource(RegistryResource):
    """贫困户: one row per household, matched by 行政村代码 + 户编号."""

    sheet = "贫困户"
    village = Field("village", "行政村代码", VillageCode(required=True))
    township_name = Field(None, "乡镇（街道）", Text(50))
    village_name = Field(None, "行政村", Text(50))
    number = Field("number", "户编号", Text(30, required=True))
    group_no = Field("group_no", "村民小组", Integer(required=True, min_value=1))
    head_name = Field("head_name", "户主姓名", Text(50, required=True))
    phone = Field("phone", "联系电话", Text(20))
    primary_cause = Field("primary_cause", "主要致贫原因", Choice(PovertyCause.choices, required=True))
    secondary_cause = Field("secondary_cause", "次要致贫原因", Choice(PovertyCause.choices))
    aspiration = Field("aspiration", "脱贫意愿", Choice(Aspiration.choices))
    status = Field("status", "状态", Choice(Household.Status.choices, required=True))
    identified_year = Field("identified_year", "识别年度", Year(required=True))
    planned_exit_year = Field("planned_exit_year", "计划脱贫年度", Year())
    exit_year = Field("exit_year", "脱贫年度", Year())
    is_dibao = Field("is_dibao", "低保户", YesNo())
    is_wubao = Field("is_wubao", "五保户", YesNo())
    has_dangerous_house = Field("has_dangerous_house", "危房户", YesNo())
    is_relocated = Field("is_relocated", "易地搬迁户", YesNo())

    required_columns = ("行政村代码", "户编号", "村民小组", "户主姓名", "主要致贫原因", "状态", "识别年度")
    key_column = "户编号"
    key_label = _("户（行政村代码 + 户编号）")
    example = {
        **EXAMPLE_VILLAGE, "户编号": "示例-001",
        "村民小组": 1, "户主姓名": "张三（示例）", "联系电话": "13800000000", "主要致贫原因": "因病",
        "次要致贫原因": "缺技术", "脱贫意愿": "产业", "状态": "帮扶中", "识别年度": 2015, "计划脱贫年度": 2017,
        "脱贫年度": "", "低保户": "否", "五保户": "否", "危房户": "是", "易地搬迁户": "否",
    }
    notes = {
        "行政村代码": _("必填。行政村的代码（见行政村页面），只能是您辖区的村。"),
        "乡镇（街道）": _("可不填；填写时须与行政村所属乡镇一致。"),
        "行政村": _("可不填；填写时须与行政村代码对应的村名一致。"),
        "户编号": _("必填。同一行政村内唯一；已有的户按行政村代码 + 户编号更新。"),
        "村民小组": _("必填。不超过该村的村民小组数。"),
        "状态": _("必填。已脱贫的户须填写脱贫年度。"),
        "识别年度": _("必填。计划脱贫年度和脱贫年度不能早于识别年度。"),
        "低保户": _("填“是”或“否”，不填为“否”。五保户、危房户、易地搬迁户同。"),
    }

    class Meta(RegistryResource.Meta):
        model = Household
        fields = ("village", "township_name", "village_name", "number", "group_no", "head_name", "phone",
                  "primary_cause", "secondary_cause", "aspiration", "status", "identified_year",
                  "planned_exit_year", "exit_year", "is_dibao", "is_wubao", "has_dangerous_house", "is_relocated")
        export_order = fields
        import_id_fields = ("village", "number")

    def prepare(self, rows):
        self.load_villages(cell_text(r.get("行政村代码")) for r in rows)
        villages = [v for v in self.villages.values() if self.access.can_read_county(v.township.county_id)]
        self.existing = {}
        for part in chunks(v.pk for v in villages):
            for household in Household.objects.filter(village__in=part).select_related("village"):
                self.existing[(household.village.code, household.number)] = household
        self.townships = {}
        for township in self.access.restrict(Township.objects.all()):
            self.townships.setdefault(township.name, []).append(township)
        self.context["household_rows"] = {}

    def file_key(self, row):
        key = key_text(row, "行政村代码", "户编号")
        return key if all(key) else None

    def existing_for(self, row):
        return self.existing.get(key_text(row, "行政村代码", "户编号"))

    def check_row(self, instance, row, errors):
        key = self.file_key(row)
        if key is not None:
            self.context["household_rows"].setdefault(key, self.sheet_row_of(row))
        if "village" in self.failed:
            return  # the village code's error says it all
        village = instance.village
        township_name = cell_text(row.get("乡镇（街道）"))
        if township_name:
            if township_name not in self.townships:
                add_error(errors, "乡镇（街道）", _("乡镇（街道）“%(name)s”不存在（或不在您的辖区）。") % {
                    "name": township_name})
            elif village is not None and village.township.name != township_name:
                add_error(errors, "乡镇（街道）", _("行政村 %(code)s 属于%(township)s，不属于%(name)s。") % {
                    "code": village.code, "township": village.township.name, "name": township_name})
        village_name = cell_text(row.get("行政村"))
        if village_name and village is not None and village.name != village_name:
            add_error(errors, "行政村", _("行政村代码 %(code)s 是%(village)s，不是%(name)s。") % {
                "code": village.code, "village": village.name, "name": village_name})

    def sheet_row_of(self, row) -> int:
        return self.first_row.get(self.file_key(row), 0)

    def after_write(self, pending):
        """A new household, or one whose status the file changes, gets its status change."""
        today, note = timezone.localdate(), str(_("Excel导入"))
        changes = []
        for p in pending:
            before = p.before.status if p.before is not None else ""
            if before != p.instance.status:
                changes.append(StatusChange(household=p.instance, from_status=before, to_status=p.instance.status,
                                            date=today, note=note))
        StatusChange.objects.bulk_create(changes, batch_size=BATCH)

    def villages_of(self, household):
        return (household.village_id,)

    def dehydrate_township_name(self, household):
        return household.village.township.name

    def dehydrate_village_name(self, household):
        return household.village.name


# ------------------------------------------------------------------------------------------ members


class MemberResource(HouseholdLookupMixin, RegistryResource):
    """家庭成员: one row per person, matched by 身份证号码; the household by 行政村代码 + 户编号."""

    sheet = "家庭成员"
    village_code = Field(None, "行政村代码", Text(12, required=True))
    household = Field("household", "户编号", HouseholdKey())
    name = Field("name", "姓名", Text(50, required=True))
    id_number = Field("id_number", "身份证号码", ResidentId(required=True))
    relation = Field("relation", "与户主关系", Choice(Member.Relation.choices, required=True))
    sex = Field("sex", "性别", Choice(Member.Sex.choices))
    birth_date = Field("birth_date", "出生日期", Date())
    education = Field("education", "文化程度", Choice(Member.Education.choices, required=True))
    health = Field("health", "健康状况", Choice(Member.Health.choices))
    labour = Field("labour", "劳动技能", Choice(Member.Labour.choices, required=True))
    is_student = Field("is_student", "在校生", YesNo())
    phone = Field("phone", "联系电话", Text(20))

    required_columns = ("行政村代码", "户编号", "姓名", "身份证号码", "与户主关系", "文化程度", "劳动技能")
    key_column = "身份证号码"
    key_label = _("身份证号码")
    example = {
        "行政村代码": EXAMPLE_VILLAGE["行政村代码"], "户编号": "示例-001", "姓名": "张三（示例）",
        "身份证号码": EXAMPLE_ID,
        "与户主关系": "户主", "性别": "男", "出生日期": "1975-03-08", "文化程度": "初中", "健康状况": "长期慢性病",
        "劳动技能": "普通劳动力", "在校生": "否", "联系电话": "13800000000",
    }
    notes = {
        "户编号": _("必填。成员所属的户：系统中已有的户，或同一文件“贫困户”工作表中的户。"),
        "身份证号码": _("必填。18位，校验码须正确（GB 11643）；请把该列设为“文本”。一人只能属于一户。"),
        "性别": _("可不填，按身份证号码第17位确定；填写时须一致。"),
        "出生日期": _("可不填，按身份证号码确定；填写时须一致。"),
        "健康状况": _("不填为“健康”。"),
    }

    class Meta(RegistryResource.Meta):
        model = Member
        fields = ("village_code", "household", "name", "id_number", "relation", "sex", "birth_date", "education",
                  "health", "labour", "is_student", "phone")
        export_order = fields
        import_id_fields = ("id_number",)

    def prepare(self, rows):
        self.load_households(rows)
        ids = {cell_text(r.get("身份证号码")).upper() for r in rows} - {""}
        self.existing, self.registered = {}, {}
        for part in chunks(ids):
            for member in Member.objects.filter(id_number__in=part).select_related("household__village__township"):
                self.existing[member.id_number] = member
                self.registered[member.id_number] = member.household

    def file_key(self, row):
        return cell_text(row.get("身份证号码")).upper() or None

    def existing_for(self, row):
        return self.existing.get(self.file_key(row))

    def check_row(self, instance, row, errors):
        original = self.original
        if original is not None and instance.household_id and original["household_id"] != instance.household_id:
            registered = self.registered[instance.id_number]
            county_id = registered.village.township.county_id
            if self.access.can_read_county(county_id):
                add_error(errors, "身份证号码", _("身份证号码 %(id)s 已登记在%(village)s %(number)s 户（%(name)s），"
                                             "一人只能属于一户。") % {
                    "id": instance.id_number, "village": registered.village.name, "number": registered.number,
                    "name": registered.head_name})
            else:  # the same words whatever holds the ID outside the user's area: no clue to where or as what
                add_error(errors, "身份证号码", ID_TAKEN_ELSEWHERE)
        if instance.id_number and "id_number" not in self.failed:
            birth, sex = parse_resident_id(instance.id_number)
            if not instance.sex and "sex" not in self.failed:
                instance.sex = sex
            if instance.birth_date is None and "birth_date" not in self.failed:
                instance.birth_date = birth
        if not instance.health:
            instance.health = Member.Health.HEALTHY

    def villages_of(self, member):
        return (member.household.village_id,)

    def clean_exclude(self, instance):
        """Sex and birth date left blank come from the ID: with no valid ID they are not errors of their own."""
        return [name for name in ("sex", "birth_date") if "id_number" in self.failed and not getattr(instance, name)]

    def dehydrate_village_code(self, member):
        return member.household.village.code

    def dehydrate_id_number(self, member):
        """Whole only for those who may see resident IDs (administrators); masked in everyone else's export."""
        if self.user is not None and access_of(self.user).may_see_resident_ids:
            return member.id_number
        return mask_resident_id(member.id_number)


# ------------------------------------------------------------------------------------------ measures


class MeasureResource(HouseholdLookupMixin, RegistryResource):
    """帮扶措施: matched by village + household (blank for a whole-village measure) + 类别 + 措施内容."""

    sheet = "帮扶措施"
    village = Field("village", "行政村代码", VillageCode(required=True))
    household = Field("household", "户编号", HouseholdKey(required=False))
    category = Field("category", "类别", Choice(MeasureCategory.choices, required=True))
    title = Field("title", "措施内容", Text(200, required=True))
    status = Field("status", "状态", Choice(Measure.Status.choices, required=True))
    amount = Field("amount", "金额（元）", Amount())
    responsible = Field("responsible", "责任人", CadreName())
    planned_date = Field("planned_date", "计划日期", Date(required=True))
    implemented_date = Field("implemented_date", "实施日期", Date())
    evidence = Field("evidence", "实施佐证", Text(200))
    cancel_reason = Field("cancel_reason", "取消原因", Text(200))

    required_columns = ("行政村代码", "户编号", "类别", "措施内容", "状态", "计划日期")
    key_column = "措施内容"
    key_label = _("措施（行政村 + 户 + 类别 + 措施内容）")
    example = {
        "行政村代码": EXAMPLE_VILLAGE["行政村代码"], "户编号": "示例-001", "类别": "发展产业",
        "措施内容": "扶持养殖藏系羊10只（示例）", "状态": "已实施", "金额（元）": "5000", "责任人": "",
        "计划日期": "2016-03-01", "实施日期": "2016-05-20",
        "实施佐证": "发放签收单 2016-018", "取消原因": "",
    }
    notes = {
        "户编号": _("不填为全村措施。"),
        "措施内容": _("必填。同一户（或同一村）同一类别下，措施内容相同即为同一项措施，再次导入时更新。"),
        "金额（元）": _("不能为负数，最多两位小数，不超过 10,000,000 元；不填为 0。"),
        "责任人": _("可不填；填写时须为本县（市）的干部姓名。"),
        "实施日期": _("已实施的措施必填，不能早于计划日期，不能晚于今天。"),
        "取消原因": _("已取消的措施必填。"),
    }

    class Meta(RegistryResource.Meta):
        model = Measure
        fields = ("village", "household", "category", "title", "status", "amount", "responsible", "planned_date",
                  "implemented_date", "evidence", "cancel_reason")
        export_order = fields
        import_id_fields = ("village", "category", "title")

    def prepare(self, rows):
        self.load_households(rows)
        villages = [v for v in self.villages.values() if self.access.can_read_county(v.township.county_id)]
        self.existing = {}
        for part in chunks(v.pk for v in villages):
            for measure in Measure.objects.filter(village__in=part).select_related("village", "household"):
                key = (measure.village.code, measure.household.number if measure.household else "",
                       measure.category, measure.title)
                self.existing.setdefault(key, []).append(measure)
        self.cadres = self.cadres_by_name(rows, "责任人")

    def cadres_by_name(self, rows, column):
        names = {cell_text(r.get(column)) for r in rows} - {""}
        found = {}
        for cadre in self.access.restrict(Cadre.objects.filter(name__in=names)):
            found.setdefault(cadre.name, []).append(cadre)
        return found

    def find_cadre(self, name, phone, row):
        candidates = self.cadres.get(name, [])
        village = self.villages.get(cell_text(row.get("行政村代码")))
        if village is not None:
            candidates = [c for c in candidates if c.county_id == village.township.county_id]
        if not candidates:
            raise CellError(NO_SUCH_CADRE % {"name": name})
        if len(candidates) > 1:
            raise CellError(_("有 %(n)s 名干部叫“%(name)s”，无法确定是哪一位。") % {"n": len(candidates), "name": name})
        return candidates[0]

    def file_key(self, row):
        village, number, category, title = key_text(row, "行政村代码", "户编号", "类别", "措施内容")
        if not (village and category and title):
            return None
        return village, number, self.fields["category"].widget.lookup(category) or category, title

    def existing_for(self, row):
        key = self.file_key(row)
        found = self.existing.get(key, []) if key else []
        return found[0] if len(found) == 1 else None

    def check_row(self, instance, row, errors):
        key = self.file_key(row)
        if key and len(self.existing.get(key, [])) > 1:
            add_error(errors, "措施内容", _("系统中已有 %(n)s 项相同的措施（同村、同户、同类别、同内容），"
                                        "无法确定更新哪一项，请在网页上修改。") % {"n": len(self.existing[key])})
        if self.original is not None and self.original["status"] == Measure.Status.CANCELLED:
            if self.snapshot(instance) != self.original:
                add_error(errors, "状态", _("已取消的措施不能再修改。"))
        try:
            validate_not_future("implemented_date", instance.implemented_date)
        except ValidationError:
            add_error(errors, "实施日期", _("实施日期不能晚于今天。"))
        if instance.amount is None:
            instance.amount = Decimal("0.00")

    def before_write(self, pending):
        for p in pending:
            if p.before is not None:  # open forms on the old version are refused (households.services.StaleMeasure)
                p.instance.version = p.before.version + 1
        return []

    def villages_of(self, measure):
        return (measure.village_id,)


# ------------------------------------------------------------------------------------------ attendance


class AttendanceResource(RegistryResource):
    """考勤月报: one row per cadre and month, matched by cadre + 月份."""

    sheet = "考勤月报"
    cadre = Field("cadre", "干部姓名", CadreName(required=True, phone_column="干部联系电话"))
    cadre_phone = Field(None, "干部联系电话", Text(20))
    month = Field("month", "月份", Month(required=True))
    required_days = Field("required_days", "应驻村天数", Integer(max_value=31))
    days_present = Field("days_present", "实际驻村天数", Integer(required=True, max_value=31))
    leave_days = Field("leave_days", "请假天数", Integer(max_value=31))
    reported_outings = Field("reported_outings", "报备外出天数", Integer(max_value=31))
    unreported_absences = Field("unreported_absences", "未报备离岗天数", Integer(max_value=31))

    required_columns = ("干部姓名", "月份", "实际驻村天数")
    key_column = "月份"
    key_label = _("干部的月报（干部 + 月份）")
    example = {
        "干部姓名": "李四（示例）", "干部联系电话": "13900000000", "月份": "2016-05", "应驻村天数": 20,
        "实际驻村天数": 22, "请假天数": 1, "报备外出天数": 2, "未报备离岗天数": 0,
    }
    notes = {
        "干部姓名": _("必填。本县（市）的干部；有同名干部时请填写干部联系电话。"),
        "月份": _("必填。如 2016-05；不能是未来的月份。已锁定的月报不能通过导入修改。"),
        "应驻村天数": _("不填时按考核期的设置（默认 20 天，且不超过当月天数）。"),
        "实际驻村天数": _("必填。驻村、请假、外出与离岗天数合计不超过当月天数。"),
    }

    class Meta(RegistryResource.Meta):
        model = AttendanceReport
        fields = ("cadre", "cadre_phone", "month", "required_days", "days_present", "leave_days",
                  "reported_outings", "unreported_absences")
        export_order = fields
        import_id_fields = ("cadre", "month")

    def prepare(self, rows):
        names = {cell_text(r.get("干部姓名")) for r in rows} - {""}
        self.cadres = {}
        for cadre in self.access.restrict(Cadre.objects.filter(name__in=names)):
            self.cadres.setdefault(cadre.name, []).append(cadre)
        self.existing = {}
        cadre_ids = [c.pk for found in self.cadres.values() for c in found]
        for part in chunks(cadre_ids):
            for report in AttendanceReport.objects.filter(cadre__in=part):
                self.existing[(report.cadre_id, report.month)] = report

    def find_cadre(self, name, phone, row):
        candidates = self.cadres.get(name, [])
        if phone:
            candidates = [c for c in candidates if c.phone == phone]
        if not candidates:
            if phone and self.cadres.get(name):
                raise CellError(_("干部“%(name)s”的联系电话不是 %(phone)s。") % {"name": name, "phone": phone})
            # a cadre outside the user's area is answered as no cadre at all: the import is no directory
            raise CellError(NO_SUCH_CADRE % {"name": name})
        if len(candidates) > 1:
            raise CellError(_("有 %(n)s 名干部叫“%(name)s”，请填写干部联系电话以区分。") % {
                "n": len(candidates), "name": name})
        return candidates[0]

    def file_key(self, row):
        cadre = self.cadre_or_none(row)
        try:
            month = self.fields["month"].clean(row)
        except ValueError:
            return None
        return (cadre.pk, month) if cadre and month else None

    def cadre_or_none(self, row):
        try:
            return self.find_cadre(cell_text(row.get("干部姓名")), cell_text(row.get("干部联系电话")), row)
        except CellError:
            return None

    def existing_for(self, row):
        return self.existing.get(self.file_key(row))

    def check_row(self, instance, row, errors):
        if self.original is not None and self.original["locked"] and self.snapshot(instance) != self.original:
            add_error(errors, "月份", _("%(month)s 的考勤月报已锁定，不能通过导入修改。") % {
                "month": f"{instance.month:%Y-%m}"})
        if instance.cadre_id and instance.month:
            try:
                check_month(instance.cadre, instance.month, exclude_pk=instance.pk)
            except ValidationError as exc:
                for message in exc.messages:
                    add_error(errors, "月份", message)
                return
            if instance.required_days is None:
                instance.required_days = required_days_for(instance.cadre, instance.month)
        for name in ("leave_days", "reported_outings", "unreported_absences"):
            if getattr(instance, name) is None:
                setattr(instance, name, 0)
        if instance.pk is None:
            instance.submitted_at = timezone.now()

    def clean_exclude(self, instance):
        """Required days left blank are taken from the assessment period once the cadre and month are known."""
        return ["required_days"] if instance.required_days is None else []

    def dehydrate_cadre_phone(self, report):
        return report.cadre.phone


# ------------------------------------------------------------------------------------------ pairings


class PairingResource(HouseholdLookupMixin, RegistryResource):
    """结对帮扶: matched by household + helper (the helper by unit + name; a new helper is created)."""

    sheet = "结对帮扶"
    village_code = Field(None, "行政村代码", Text(12, required=True))
    household = Field("household", "户编号", HouseholdKey())
    unit_name = Field(None, "帮扶单位", Text(100, required=True))
    helper = Field("helper", "帮扶责任人", HelperName(required=True))
    helper_phone = Field(None, "帮扶责任人联系电话", Text(20))
    start_date = Field("start_date", "结对日期", Date(required=True))
    end_date = Field("end_date", "结束日期", Date())

    required_columns = ("行政村代码", "户编号", "帮扶单位", "帮扶责任人", "结对日期")
    key_column = "帮扶责任人"
    key_label = _("结对（户 + 帮扶责任人）")
    example = {
        "行政村代码": EXAMPLE_VILLAGE["行政村代码"], "户编号": "示例-001", "帮扶单位": "乌兰县示例局",
        "帮扶责任人": "王五（示例）",
        "帮扶责任人联系电话": "13700000000", "结对日期": "2016-03-01", "结束日期": "",
    }
    notes = {
        "帮扶单位": _("必填。本县（市）已登记的帮扶单位名称。"),
        "帮扶责任人": _("必填。该单位的帮扶责任人；系统中没有时随结对一起新建。"),
        "结束日期": _("可不填；填写时不能早于结对日期。"),
    }

    class Meta(RegistryResource.Meta):
        model = Pairing
        fields = ("village_code", "household", "unit_name", "helper", "helper_phone", "start_date", "end_date")
        export_order = fields
        import_id_fields = ("household", "helper")

    def prepare(self, rows):
        self.load_households(rows)
        names = {cell_text(r.get("帮扶单位")) for r in rows} - {""}
        self.units = {(u.county_id, u.name): u
                      for u in self.access.restrict(Unit.objects.filter(name__in=names))}
        self.helpers, self.new_helpers = {}, []
        for helper in HelperStaff.objects.filter(unit__in=list(self.units.values())):
            self.helpers.setdefault((helper.unit_id, helper.name), []).append(helper)
        self.existing = {}
        households = [h.pk for h in self.households.values()]
        for part in chunks(households):
            for pairing in Pairing.objects.filter(household__in=part).order_by("start_date"):
                self.existing[(pairing.household_id, pairing.helper_id)] = pairing  # the latest one

    def row_household(self, row):
        village = self.villages.get(cell_text(row.get("行政村代码")))
        return self.households.get((village.code, cell_text(row.get("户编号")))) if village else None

    def find_helper(self, name, row):
        household = self.row_household(row)
        unit_name = cell_text(row.get("帮扶单位"))
        if not unit_name:
            raise CellError(REQUIRED, "帮扶单位")
        if household is None:
            return None  # the household column reports the problem
        unit = self.units.get((household.village.township.county_id, unit_name))
        if unit is None:
            raise CellError(_("本县（市）没有名为“%(name)s”的帮扶单位。") % {"name": unit_name}, "帮扶单位")
        phone = cell_text(row.get("帮扶责任人联系电话"))
        found = self.helpers.get((unit.pk, name), [])
        if phone and len(found) > 1:
            found = [h for h in found if h.phone == phone] or found
        if len(found) > 1:
            raise CellError(_("%(unit)s有 %(n)s 名帮扶责任人叫“%(name)s”，请填写联系电话以区分。") % {
                "unit": unit.name, "n": len(found), "name": name})
        if found:
            return found[0]
        helper = HelperStaff(unit=unit, name=name, phone=phone)
        self.helpers[(unit.pk, name)] = [helper]  # later rows pair the same new helper
        return helper

    def file_key(self, row):
        key = key_text(row, "行政村代码", "户编号", "帮扶单位", "帮扶责任人")
        return key if all(key) else None

    def existing_for(self, row):
        household = self.row_household(row)
        if household is None:
            return None
        try:
            helper = self.find_helper(cell_text(row.get("帮扶责任人")), row)
        except CellError:
            return None
        return self.existing.get((household.pk, helper.pk)) if helper and helper.pk else None

    def check_row(self, instance, row, errors):
        if instance.start_date and instance.end_date and instance.end_date < instance.start_date:
            add_error(errors, "结束日期", _("结束日期不能早于结对日期。"))

    def clean_exclude(self, instance):
        return ["helper"] if instance.helper_id is None else []

    def before_write(self, pending):
        """New helpers are written with their first pairing (find_helper hands later rows the same one)."""
        helpers = list({id(p.instance.helper): p.instance.helper for p in pending
                        if p.instance.helper.pk is None}.values())
        HelperStaff.objects.bulk_create(helpers)
        self.new_helpers += helpers
        return helpers

    def after_write(self, pending):
        counties_changed({helper.unit.county_id for helper in self.new_helpers})  # as HelperStaff's signal does

    def villages_of(self, pairing):
        return (pairing.household.village_id,)

    def dehydrate_village_code(self, pairing):
        return pairing.household.village.code

    def dehydrate_unit_name(self, pairing):
        return pairing.helper.unit.name

    def dehydrate_helper_phone(self, pairing):
        return pairing.helper.phone


# The imports, by the name used in URLs: the sheets of each (in the order they are imported).
KINDS: dict[str, tuple[type[RegistryResource], ...]] = {
    "households": (HouseholdResource, MemberResource),
    "members": (MemberResource,),
    "measures": (MeasureResource,),
    "attendance": (AttendanceResource,),
    "pairings": (PairingResource,),
}
KIND_LABELS = {
    "households": _("贫困户及家庭成员"),
    "members": _("家庭成员"),
    "measures": _("帮扶措施"),
    "attendance": _("考勤月报"),
    "pairings": _("结对帮扶"),
}


def export_queryset(resource_class, rows):
    """The related rows an export reads, selected up front (no query per row)."""
    related = {
        HouseholdResource: ("village__township",),
        MemberResource: ("household__village",),
        MeasureResource: ("village", "household", "responsible"),
        AttendanceResource: ("cadre",),
        PairingResource: ("household__village", "helper__unit"),
    }[resource_class]
    return rows.select_related(*related)
