"""Imports of the registry from spreadsheets, and the cross-department check (精准识别).

The flow of the staff pages (imports.views):
1. `store_upload` keeps the uploaded file server-side (MEDIA_ROOT/tmp/imports/<user id>/<random token>), after
   `check_file` has refused anything that is not a spreadsheet, is corrupt, empty or larger than MAX_UPLOAD_BYTES —
   before any row is read.
2. `run_import(..., commit=False)` is the preview: the whole import runs inside a transaction that is rolled back,
   and the report gives every row's outcome (new / update / skip) and every error (row, column, value, reason).
3. `run_import(..., commit=True)` on confirm re-reads and re-checks the same stored file (never row data sent back
   by the browser) and writes everything in one transaction; any error, or the process dying halfway, leaves the
   database as it was. The confirmation takes the file first (`confirming`): one token is confirmed once, and a
   database failure (OperationalError, answered 503) gives the file back to be confirmed again.

Limits: a file of at most MAX_UPLOAD_BYTES (10 MB) and MAX_ROWS (30,000) rows below the headers over all its
sheets, blank ones included, e.g. 5,000 households with 17,000 members. Accepted: .xlsx (Excel 2007+; .xls must
be re-saved as .xlsx) and .csv (UTF-8 or GBK, one sheet: the first of the import).
"""

import csv
import datetime
import io
import json
import re
import secrets
import tempfile
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import tablib
from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from households.models import CrossCheckFlag, Member
from imports.resources import (
    EXAMPLE_ID,
    KIND_LABELS,
    KINDS,
    Cell,
    CellError,
    Choice,
    RegistryResource,
    ResidentId,
    YesNo,
    cell_text,
    chunks,
)
from povertyboard.access import access_of
from povertyboard.resident_ids import mask_resident_id

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 30_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an .xlsx that inflates beyond this is refused (zip bomb)
UPLOAD_MAX_AGE = 24 * 3600  # stored uploads older than this (seconds) are removed
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CONFIRMING = ".confirming"  # the suffix of a stored upload while a confirmation imports it
ALREADY_CONFIRMING = _("这个文件已经确认导入（或正在导入），请勿重复确认。")
OPTIONS_SHEET, NOTES_SHEET = "可选值", "说明"
TEMPLATE_ROWS = 1000  # rows of the template that get the drop-down lists and text format

CROSSCHECK_SHEET = "名单"
CROSSCHECK_COLUMNS = ("身份证号码", "姓名", "备注")
CROSSCHECK_EXAMPLE = {"身份证号码": EXAMPLE_ID, "姓名": "张三（示例）", "备注": "青H·12345（示例）"}
CROSSCHECK_LABEL = _("部门比对名单")


class FileRefused(Exception):
    """The file is refused as a whole, before any row is read (or its rows are too many)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


# ------------------------------------------------------------------------------------------ the file


def check_file(path: Path, name: str) -> str:
    """"xlsx" or "csv" for a file that may be read; FileRefused otherwise. No row is read here."""
    size = path.stat().st_size
    if size == 0:
        raise FileRefused(_("文件是空的。"))
    if size > MAX_UPLOAD_BYTES:
        raise FileRefused(_("文件大小 %(size)s MB，超过上限 %(max)s MB。请分成几个文件导入。") % {
            "size": f"{size / 1024 / 1024:.1f}", "max": MAX_UPLOAD_BYTES // 1024 // 1024})
    with path.open("rb") as f:
        head = f.read(4096)
    suffix = Path(name).suffix.lower()
    if head.startswith(OLE_MAGIC):
        raise FileRefused(_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再上传。"))
    if suffix == ".xlsx" or head.startswith(XLSX_MAGIC):
        if suffix != ".xlsx" or not head.startswith(XLSX_MAGIC):
            raise FileRefused(_("文件不是有效的 Excel（.xlsx）文件，可能已损坏或扩展名不对。"))
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                inflated = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            raise FileRefused(_("文件不是有效的 Excel（.xlsx）文件，可能已损坏。")) from None
        if "xl/workbook.xml" not in names:
            raise FileRefused(_("文件不是 Excel 工作簿（可能是改了扩展名的其他文件）。"))
        if inflated > MAX_UNZIPPED_BYTES:
            raise FileRefused(_("文件解压后过大，拒绝读取。"))
        return "xlsx"
    if suffix == ".csv":
        if b"\x00" in head:
            raise FileRefused(_("文件不是 CSV 文本文件。"))
        return "csv"
    raise FileRefused(_("只能导入 .xlsx 或 .csv 文件。"))


def decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("CSV 文件不是 UTF-8 或 GBK 编码的文本。"))


def normalize_header(value) -> str:
    return cell_text(value).replace("(", "（").replace(")", "）").replace(" ", "")


@dataclass
class Table:
    """One sheet: its headers and data rows, each with its row number in the sheet (blank rows left out)."""

    sheet: str
    headers: list[str]
    rows: list[tuple] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    stray: list[tuple[int, int]] = field(default_factory=list)  # (row, column) with data but no header

    def dataset(self) -> tablib.Dataset:
        return tablib.Dataset(*self.rows, headers=self.headers)


def too_many_rows() -> FileRefused:
    return FileRefused(_("文件超过 %(max)s 行数据（空行也计算在内），请分成几个文件导入。") % {"max": f"{MAX_ROWS:,}"})


def _table(sheet: str, rows_iter, counter: list[int]) -> Table | None:
    """Read rows: the first is the header. None when the sheet has no header.

    Every row after the header counts toward MAX_ROWS, blank or not: a reader yields the blank rows before a
    far-away cell one by one, so counting only the filled ones would let a tiny file keep a worker busy for
    minutes (one cell at row 200,000,000). Reading stops at the first row over the limit."""
    table = None
    for number, values in enumerate(rows_iter, start=1):
        values = list(values or ())
        if table is None:
            headers = [normalize_header(v) for v in values]
            while headers and not headers[-1]:
                headers.pop()
            if not headers:
                return None
            table = Table(sheet, headers)
            continue
        counter[0] += 1
        if counter[0] > MAX_ROWS:
            raise too_many_rows()
        if not any(cell_text(v) for v in values):
            continue
        width = len(table.headers)
        for column, value in enumerate(values, start=1):
            if cell_text(value) and (column > width or not table.headers[column - 1]):
                table.stray.append((number, column))
        table.rows.append(tuple(values[:width]) + ("",) * (width - len(values[:width])))
        table.numbers.append(number)
    return table


class Tables(dict):
    """The tables read, by sheet; `first_headers`: the headers of the file's first sheet, whatever its name (to tell
    which template the file was made from)."""

    first_headers: list[str] = []


def read_tables(path: Path, fmt: str, sheets: list[str]) -> Tables:
    """The tables of the named sheets found in the file (a CSV is the first sheet; a workbook whose sheets have
    other names gives its first sheet as the first one)."""
    counter = [0]
    if fmt == "csv":
        text = decode_csv(path.read_bytes())
        try:
            table = _table(sheets[0], csv.reader(io.StringIO(text)), counter)
        except csv.Error as exc:
            raise FileRefused(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from None
        tables = Tables({sheets[0]: table} if table else {})
        tables.first_headers = table.headers if table else []
        return tables
    with path.open("rb") as stream:  # a stream: openpyxl would refuse a path without an .xlsx suffix
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors for a broken file
            raise FileRefused(_("文件已损坏，无法作为 Excel 工作簿打开。")) from None
        return _workbook_tables(workbook, sheets, counter)


def _workbook_tables(workbook, sheets: list[str], counter: list[int]) -> Tables:
    try:
        names = [n for n in workbook.sheetnames if n not in (OPTIONS_SHEET, NOTES_SHEET)]
        found = Tables()
        if names:
            first_row = next(workbook[names[0]].iter_rows(max_row=1, values_only=True), ())
            found.first_headers = [normalize_header(v) for v in first_row or ()]
        for index, sheet in enumerate(sheets):
            name = sheet if sheet in names else (names[0] if index == 0 and names and names[0] not in sheets
                                                  else None)
            if name is None:
                continue
            try:
                worksheet = workbook[name]
                if (worksheet.max_row or 0) - 1 > MAX_ROWS - counter[0]:  # refused by its stated size, unread
                    raise too_many_rows()
                worksheet.reset_dimensions()  # the stated size may lie: read the rows the sheet has, as they come
                table = _table(sheet, worksheet.iter_rows(values_only=True), counter)
            except FileRefused:
                raise
            except Exception:  # noqa: BLE001
                raise FileRefused(_("工作表“%(name)s”已损坏，无法读取。") % {"name": name}) from None
            if table is not None:
                found[sheet] = table
        return found
    finally:
        workbook.close()


# ------------------------------------------------------------------------------------------ reports


@dataclass
class Problem:
    """One error: where (sheet, row, column), the value found and the reason."""

    sheet: str
    row: int
    column: str
    value: str
    message: str


@dataclass
class RowOutcome:
    sheet: str
    row: int
    action: str  # new, update, skip, invalid, error, example (the template's example row, skipped)
    label: str
    problems: list[Problem] = field(default_factory=list)


ACTION_LABELS = {"new": _("新建"), "update": _("更新"), "skip": _("不变"), "invalid": _("有错误"),
                 "error": _("有错误"), "example": _("示例行，不导入")}


@dataclass
class ImportReport:
    kind: str
    problems: list[Problem] = field(default_factory=list)  # file-level: headers
    rows: list[RowOutcome] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # sheet -> {action: n}
    village_codes: set = field(default_factory=set)
    committed: bool = False

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + [p for r in self.rows for p in r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems and not any(r.problems for r in self.rows)

    @property
    def changes(self) -> int:
        return sum(1 for r in self.rows if r.action in ("new", "update"))

    @property
    def examples(self) -> int:
        return sum(1 for r in self.rows if r.action == "example")


def template_columns() -> dict[str, set[str]]:
    """The columns of each template's first sheet, by import kind ("crosscheck": a department's list)."""
    columns = {kind: {f.column_name for f in resources[0]().get_import_fields()} for kind, resources in KINDS.items()}
    columns["crosscheck"] = {c.column_name for c in DepartmentList().get_import_fields()}
    return columns


def check_kind(kind: str, tables: Tables) -> None:
    """FileRefused naming the other import whose template the file's first sheet matches better (more of its
    headers are that template's columns): one message, rather than every column reported as unknown."""
    headers = set(tables.first_headers)
    overlap = {k: len(headers & columns) for k, columns in template_columns().items()}
    best = max(overlap, key=overlap.get)
    if overlap[best] > overlap[kind]:
        label = CROSSCHECK_LABEL if best == "crosscheck" else KIND_LABELS[best]
        raise FileRefused(_("这看起来是“%(kind)s”的模板，请在“%(kind)s”导入中上传，或下载本导入的模板。") % {
            "kind": label})


def check_headers(table: Table, resource) -> list[Problem]:
    """Header errors: unknown, repeated or missing columns, data under no header (row 1 of the sheet)."""
    columns = [f.column_name for f in resource.get_import_fields()]
    problems = []
    seen = set()
    for index, header in enumerate(table.headers, start=1):
        if not header:
            continue
        if header in seen:
            problems.append(Problem(table.sheet, 1, header, header,
                                    str(_("列“%(name)s”出现了两次。") % {"name": header})))
        seen.add(header)
        if header not in columns:
            message = _("无法识别的列“%(name)s”。可用的列：%(columns)s。") % {
                "name": header, "columns": "、".join(columns)}
            problems.append(Problem(table.sheet, 1, get_column_letter(index), header, str(message)))
    for column in resource.required_columns:
        if column not in seen:
            problems.append(Problem(table.sheet, 1, column, "", str(_("缺少必填的列“%(name)s”。") % {"name": column})))
    for row, column in table.stray[:20]:
        problems.append(Problem(table.sheet, row, get_column_letter(column), "",
                                str(_("第 %(column)s 列有数据但没有表头。") % {"column": get_column_letter(column)})))
    return problems


def _row_problems(sheet: str, number: int, values: dict, row_result) -> list[Problem]:
    problems = []
    if row_result.validation_error is not None:
        for column, messages in row_result.validation_error.message_dict.items():
            shown = "" if column == NON_FIELD_ERRORS else column
            for message in messages:
                problems.append(Problem(sheet, number, shown, cell_text(values.get(column)), message))
    for error in row_result.errors:
        problems.append(Problem(sheet, number, "", "", str(_("这一行无法写入：%(error)s") % {"error": error.error})))
    return problems


def run_import(kind: str, path: Path, fmt: str, user, *, commit: bool) -> ImportReport:
    """Check (and with commit=True write) a stored file of the given kind; see the module docstring."""
    access = access_of(user)
    if not access.is_county_staff:
        raise PermissionDenied
    resource_classes = KINDS[kind]
    sheets = [r.sheet for r in resource_classes]
    tables = read_tables(path, fmt, sheets[:1] if fmt == "csv" else sheets)
    check_kind(kind, tables)
    report = ImportReport(kind)
    if sheets[0] not in tables:
        raise FileRefused(_("文件中没有“%(sheet)s”表（第一行应为表头）。") % {"sheet": sheets[0]})
    if not any(t.rows for t in tables.values()):
        raise FileRefused(_("文件中没有数据行。"))
    plan = [(tables[r.sheet], r) for r in resource_classes if r.sheet in tables]
    for table, resource_class in plan:
        report.problems += check_headers(table, resource_class())
    if report.problems:
        return report
    try:
        with set_actor(user), transaction.atomic():
            context = {}
            for table, resource_class in plan:
                resource = resource_class(user=user, row_numbers=table.numbers, context=context)
                result = resource.import_data(table.dataset(), dry_run=False, raise_errors=False,
                                              use_transactions=True, rollback_on_validation_errors=False, user=user)
                _add_result(report, table, resource, result)
            report.committed = commit and report.ok
            if not report.committed:
                transaction.set_rollback(True)
    except IntegrityError:  # a constraint checked at the commit (a foreign key: a household deleted meanwhile)
        report.committed = False
        report.problems.append(Problem(sheets[0], 0, "", "", str(
            _("导入期间系统中的相关数据被他人修改，没有写入任何数据。请重新上传文件预览。"))))
    return report


def _add_result(report: ImportReport, table: Table, resource: RegistryResource, result) -> None:
    counts = report.counts.setdefault(table.sheet, {"new": 0, "update": 0, "skip": 0, "invalid": 0})
    key_columns = [resource.fields[name].column_name for name in resource.get_import_id_fields()]
    for base_error in result.base_errors:
        report.problems.append(Problem(table.sheet, 0, "", "", str(base_error.error)))
    for values_tuple, number, row_result in zip(table.rows, table.numbers, result.rows, strict=True):
        values = dict(zip(table.headers, values_tuple, strict=True))
        if getattr(row_result, "example", False):
            report.rows.append(RowOutcome(table.sheet, number, "example", str(ACTION_LABELS["example"])))
            continue
        problems = _row_problems(table.sheet, number, values, row_result)
        action = "invalid" if problems else row_result.import_type
        counts[action] = counts.get(action, 0) + 1
        label = row_result.object_repr or " ".join(cell_text(values.get(c)) for c in key_columns)
        report.rows.append(RowOutcome(table.sheet, number, action, label, problems))
        if action in ("new", "update") and "行政村代码" in values:
            report.village_codes.add(cell_text(values["行政村代码"]))


# ------------------------------------------------------------------------------------------ stored uploads


def upload_dir(user) -> Path:
    root = Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else Path(tempfile.gettempdir()) / "povertyboard"
    return root / "tmp" / "imports" / str(user.pk)


def store_upload(uploaded, user, meta: dict) -> str:
    """Keep an uploaded file for the preview and the confirmation; its token. FileRefused for a refused file."""
    directory = upload_dir(user)
    directory.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in directory.iterdir():
        if now - old.stat().st_mtime > UPLOAD_MAX_AGE:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    path = directory / f"{token}.upload"
    size = 0
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                break
            out.write(chunk)
    try:
        if size > MAX_UPLOAD_BYTES:
            raise FileRefused(_("文件超过上限 %(max)s MB。请分成几个文件导入。") % {
                "max": MAX_UPLOAD_BYTES // 1024 // 1024})
        fmt = check_file(path, uploaded.name)
    except FileRefused:
        path.unlink(missing_ok=True)
        raise
    meta = {**meta, "fmt": fmt, "name": Path(uploaded.name).name}
    (directory / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def stored_upload(token: str, user) -> tuple[Path, dict]:
    """The user's stored upload named by token; FileRefused when it is gone (confirmed already, or expired) or
    being confirmed."""
    directory = upload_dir(user)
    path, meta_path = directory / f"{token}.upload", directory / f"{token}.json"
    if TOKEN.match(token or "") and not path.exists() and path.with_suffix(CONFIRMING).exists():
        raise FileRefused(ALREADY_CONFIRMING)
    if not TOKEN.match(token or "") or not path.exists() or not meta_path.exists():
        raise FileRefused(_("上传的文件已失效（已导入或超过24小时），请重新上传。"))
    return path, json.loads(meta_path.read_text(encoding="utf-8"))


@contextmanager
def confirming(token: str, user):
    """(path, meta) of the stored upload, taken for one confirmation: a second confirmation of the same token (a
    double click, two tabs, two workers) is refused with ALREADY_CONFIRMING while the first runs, rather than
    racing it to the database's unique keys. When the block raises (above all the database failing: a 503), the
    file is given back, to be confirmed again; when it ends, the upload is removed."""
    path, meta = stored_upload(token, user)
    taken = path.with_suffix(CONFIRMING)
    try:
        path.rename(taken)  # atomic: of two confirmations, one finds the file gone
    except FileNotFoundError:
        raise FileRefused(ALREADY_CONFIRMING) from None
    try:
        yield taken, meta
    except BaseException:
        taken.rename(path)
        raise
    discard_upload(token, user)


def discard_upload(token: str, user) -> None:
    if TOKEN.match(token or ""):
        directory = upload_dir(user)
        for suffix in (".upload", CONFIRMING, ".json"):
            (directory / f"{token}{suffix}").unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------ cross-department check


@dataclass
class FlagOutcome:
    household: object
    ids: list[str]
    action: str  # new, update, skip
    status: str = ""

    @property
    def masked_ids(self) -> list[str]:
        return [mask_resident_id(i) for i in self.ids]


@dataclass
class CrossCheckReport:
    problems: list[Problem] = field(default_factory=list)
    listed: int = 0  # distinct IDs on the list
    examples: int = 0  # the template's example rows, skipped
    repeated: int = 0  # rows repeating an ID already listed
    flags: list[FlagOutcome] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def matched_people(self) -> int:
        return sum(len(f.ids) for f in self.flags)


@dataclass
class Column:
    column_name: str
    widget: Cell


class DepartmentList:
    """The columns of a department's list, described like a resource (for the header check and the template)."""

    sheet = CROSSCHECK_SHEET
    required_columns = ("身份证号码",)
    example = CROSSCHECK_EXAMPLE
    notes = {"身份证号码": _("必填。18位，校验码须正确；请把该列设为“文本”。同一号码重复出现只算一次。"),
             "姓名": _("可不填，仅供核对。"), "备注": _("可不填，如车牌号、房产证号。")}

    def get_import_fields(self) -> list[Column]:
        return [Column("身份证号码", ResidentId(required=True)), Column("姓名", Cell()), Column("备注", Cell())]


def run_crosscheck(path: Path, fmt: str, user, *, source: str, label: str, list_date: datetime.date,
                   commit: bool) -> CrossCheckReport:
    """Match a department's list of resident IDs against the members of the user's area; flag their households.

    Re-loading the same list (same source, label and date) changes nothing; a flag already decided keeps its
    decision. Any invalid row refuses the whole list.
    """
    access = access_of(user)
    if not access.is_county_staff:
        raise PermissionDenied
    tables = read_tables(path, fmt, [CROSSCHECK_SHEET])
    check_kind("crosscheck", tables)
    table = tables.get(CROSSCHECK_SHEET)
    if table is None or not table.rows:
        raise FileRefused(_("文件中没有数据行。"))
    report = CrossCheckReport()
    report.problems = check_headers(table, DepartmentList())
    if report.problems:
        return report
    widget = ResidentId(required=True)
    column = table.headers.index("身份证号码")
    ids = {}  # resident ID -> its first row
    for values, number in zip(table.rows, table.numbers, strict=True):
        if all(c in table.headers and cell_text(values[table.headers.index(c)]) == v
               for c, v in CROSSCHECK_EXAMPLE.items()):
            report.examples += 1
            continue
        try:
            resident_id = widget.clean(values[column])
        except CellError as exc:
            report.problems.append(Problem(CROSSCHECK_SHEET, number, "身份证号码", cell_text(values[column]), str(exc)))
            continue
        if resident_id in ids:
            report.repeated += 1
            continue
        ids[resident_id] = number
    report.listed = len(ids)
    if report.problems:
        return report
    matched = {}
    for part in chunks(ids):
        members = access.restrict(Member.objects.filter(id_number__in=part))
        for member in members.select_related("household__village").order_by("household_id", "id_number"):
            matched.setdefault(member.household, []).append(member.id_number)
    existing = {f.household_id: f for f in CrossCheckFlag.objects.filter(
        household__in=[h.pk for h in matched], source=source, label=label, list_date=list_date)}
    for household, matched_ids in sorted(matched.items(), key=lambda item: (item[0].village.code, item[0].number)):
        flag = existing.get(household.pk)
        joined = ",".join(matched_ids)
        action = "new" if flag is None else "skip" if flag.matched_ids == joined else "update"
        report.flags.append(FlagOutcome(household, matched_ids, action, flag.status if flag else ""))
    if commit:
        with set_actor(user), transaction.atomic():
            for outcome in report.flags:
                joined = ",".join(outcome.ids)
                if outcome.action == "new":
                    flag = CrossCheckFlag(household=outcome.household, source=source, label=label,
                                          list_date=list_date, matched_ids=joined, created_by=user)
                elif outcome.action == "update":
                    flag = existing[outcome.household.pk]
                    flag.matched_ids = joined
                else:
                    continue
                flag.full_clean(validate_constraints=False)
                flag.save()
        report.committed = True
    return report


@transaction.atomic
def decide_flag(*, user, flag: CrossCheckFlag, status: str, note: str) -> CrossCheckFlag:
    """A staff decision on a flag: cleared (the match does not matter) or confirmed, with the reason."""
    access = access_of(user)
    current = CrossCheckFlag.objects.select_for_update().select_related("household__village__township").get(
        pk=flag.pk)
    if not access.can_read_county(current.household.village.township.county_id):
        raise Http404
    if not access.is_county_staff:
        raise PermissionDenied
    errors = {}
    if status not in (CrossCheckFlag.Status.CLEARED, CrossCheckFlag.Status.CONFIRMED):
        errors["status"] = [_("请选择核查结论。")]
    if not (note or "").strip():
        errors["decision_note"] = [_("请填写核查说明。")]
    if errors:
        raise ValidationError(errors)
    current.status = status
    current.decision_note = note.strip()
    current.decided_by = user
    current.decided_at = timezone.now()
    current.full_clean()
    current.save()
    return current


# ------------------------------------------------------------------------------------------ templates


GENERAL_NOTES = (
    _("第2行（灰色斜体）是示例：原样保留时导入会跳过它（预览中显示为“示例行，不导入”），改动过的示例行会作为数据导入；"
      "请从第3行起填写，或删除示例行。橙色表头为必填列，蓝色为选填列。"),
    _("先预览：每一行会显示新建、更新或不变，以及每个错误（行号、列、值、原因）；有任何错误时不会写入任何数据。"),
    _("同一文件可以重复导入：已有的记录按“行政村代码 + 户编号”、“身份证号码”等自然键匹配并更新，不会重复创建。"),
    _("导入只新建或更新，不会删除任何记录。"),
)


def limits_note() -> str:
    return _("文件不超过 %(mb)s MB、%(rows)s 行数据；可上传 .xlsx 或 .csv（UTF-8 或 GBK 编码）。") % {
        "mb": MAX_UPLOAD_BYTES // 1024 // 1024, "rows": f"{MAX_ROWS:,}"}


HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="808080")


def _columns(resource) -> list[tuple[str, Cell]]:
    return [(f.column_name, f.widget) for f in resource.get_import_fields()]


def _options(widget: Cell) -> list[str] | None:
    if isinstance(widget, Choice):
        return widget.labels()
    if isinstance(widget, YesNo):
        return ["是", "否"]
    return None


def template_workbook(kind: str) -> bytes:
    """The .xlsx to fill for an import: its sheets with Chinese headers (required ones shaded orange), an example
    row, drop-down lists of the coded columns, a 可选值 sheet listing their values and a 说明 sheet."""
    resources = [DepartmentList()] if kind == "crosscheck" else [r() for r in KINDS[kind]]
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    options_sheet = None
    option_ranges = {}
    notes = []
    with translation.override("zh-hans"):
        for resource in resources:
            for name, widget in _columns(resource):
                values = _options(widget)
                if values and name not in option_ranges:
                    options_sheet = options_sheet or workbook.create_sheet(OPTIONS_SHEET)
                    col = len(option_ranges) + 1
                    letter = get_column_letter(col)
                    options_sheet.cell(1, col, name).font = HEADER_FONT
                    for i, value in enumerate(values, start=2):
                        options_sheet.cell(i, col, value)
                    options_sheet.column_dimensions[letter].width = max(12, 2 * len(name) + 4)
                    option_ranges[name] = f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        for index, resource in enumerate(resources):
            sheet = workbook.create_sheet(resource.sheet, index)
            for col, (name, widget) in enumerate(_columns(resource), start=1):
                letter = get_column_letter(col)
                required = name in resource.required_columns
                header = sheet.cell(1, col, name)
                header.font, header.fill = HEADER_FONT, REQUIRED_FILL if required else OPTIONAL_FILL
                header.alignment = Alignment(horizontal="center")
                example = sheet.cell(2, col, resource.example.get(name, ""))
                example.font = EXAMPLE_FONT
                sheet.column_dimensions[letter].width = max(12, 2 * len(name) + 4)
                if isinstance(widget, ResidentId):
                    sheet.column_dimensions[letter].width = 22
                    for row in range(2, TEMPLATE_ROWS + 2):
                        sheet.cell(row, col).number_format = "@"
                if name in option_ranges:
                    validation = DataValidation(type="list", formula1=option_ranges[name], allow_blank=True,
                                                showErrorMessage=True, error=str(_("请从下拉列表中选择。")))
                    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
                    sheet.add_data_validation(validation)
                note = resource.notes.get(name, "") or (_("见“可选值”工作表。") if name in option_ranges else "")
                notes.append((resource.sheet, name, str(_("必填") if required else _("选填")), str(note)))
            sheet.freeze_panes = "A2"
        notes_sheet = workbook.create_sheet(NOTES_SHEET)
        general = [str(line) for line in GENERAL_NOTES] + [str(limits_note())]
        for i, line in enumerate(general, start=1):
            notes_sheet.cell(i, 1, line)
        start = len(general) + 2
        notes.insert(0, (str(_("工作表")), str(_("列")), str(_("是否必填")), str(_("填写说明"))))
        for i, values in enumerate(notes, start=start):
            for col, value in enumerate(values, start=1):
                notes_sheet.cell(i, col, value).font = HEADER_FONT if i == start else Font()
        for letter, width in zip("ABCD", (12, 18, 10, 80), strict=True):
            notes_sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
