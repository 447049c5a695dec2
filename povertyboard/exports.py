"""Safe spreadsheet exports: text that a spreadsheet would run as a formula is written as text.

A cell whose text starts with = + - @ (or a tab / carriage return, which some programs skip before one of
those) is a formula to Excel, LibreOffice and WPS when the file is opened — "=HYPERLINK(...)" in a cadre's or
a household head's name would run on the supervisor's computer (CSV/formula injection). Only text is escaped:
numbers stay numeric cells, and text that is a plain number ("-12.50") is not a formula.

- `escape_formula(value)`: one value for CSV (and any format without cell types): prefixed with an apostrophe.
- `escape_dataset(dataset)`: a tablib Dataset (django-import-export's `Resource.export()`), before CSV/XLSX.
- `write_xlsx(resource, rows, title, heading)`: a django-import-export resource's columns streamed into an .xlsx
  by xlsxwriter (constant_memory) under a heading row: text is always written as a text cell, value kept, so it is
  never a formula; ready to filter and to print.
- `sheet_title(text, taken)`: any text as a valid worksheet title, unlike those already taken.
"""

import io
import re
from collections.abc import Iterable

import tablib
import xlsxwriter
from import_export import widgets

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula_text(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value)


def escape_formula(value):
    """'=HYPERLINK(...) for text a spreadsheet would run; every other value as it is."""
    return "'" + value if is_formula_text(value) else value


def escape_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of the dataset (headers and title kept) with every formula-like text cell escaped."""
    escaped = tablib.Dataset(*([escape_formula(v) for v in row] for row in dataset),
                             headers=dataset.headers, title=dataset.title)
    return escaped


INVALID_SHEET_TITLE = re.compile(r"[\\*?:/\[\]]")  # replaced with "-", as tablib does
SHEET_TITLE_LENGTH = 31  # in UTF-16 code units, as Excel (and xlsxwriter) count them
RESERVED_SHEET_TITLES = {"history"}  # Excel's own, in any case
MIN_WIDTH, MAX_WIDTH = 8, 40  # column widths, in characters
HEADER_ROW = 1  # below the heading row
WIDE = re.compile("[\u2e81-\U0010ffff]")  # CJK and later blocks: two columns wide


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, length: int) -> str:
    while _utf16_length(text) > length:
        text = text[:-1]
    return text


def sheet_title(text: str, taken: Iterable[str] = ()) -> str:
    """Any text (a county's and a period's name, typed by a user) as a worksheet title Excel accepts, unlike the
    titles in `taken` (Excel compares them ignoring case): none of []:*?/\\, no apostrophe at either end, at
    most 31 characters, not Excel's reserved "History"; a clash gets " (2)", " (3)"… within the 31 characters."""
    title = INVALID_SHEET_TITLE.sub("-", text)
    title = _cut(title, SHEET_TITLE_LENGTH).strip("'") or "Sheet"
    taken = {name.lower() for name in taken} | RESERVED_SHEET_TITLES
    candidate, number = title, 1
    while candidate.lower() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = _cut(title, SHEET_TITLE_LENGTH - len(suffix)).rstrip("'") + suffix
    return candidate


def display_width(text: str) -> int:
    """Columns a text needs in a spreadsheet: CJK characters are two wide."""
    return len(text) if text.isascii() else len(text) + len(WIDE.findall(text))


def resource_lookups(resource) -> list[str]:
    """The attribute of each of the resource's export fields, in export order: ORM lookups for `values_list()`
    when every field has one, so rows can be streamed as tuples instead of model instances."""
    return [field.attribute for field in resource.get_export_fields()]


def _plain_text(value) -> str:
    """What the default `widgets.Widget.render` gives, without its per-call overhead (it runs for most cells)."""
    return "" if value is None else str(value)


class _TextColumn:
    """The text the field's widget renders, as a text cell (write_string: never a formula); "" as no cell."""

    def __init__(self, widget, width: int):
        self.render = _plain_text if type(widget) is widgets.Widget else widget.render
        self.width = width

    def write(self, sheet, row: int, col: int, value) -> None:
        text = self.render(value)
        if text:
            sheet.write_string(row, col, text)
            # display_width is at most twice the length; past MAX_WIDTH - 2 the column is as wide as it gets
            if self.width < MAX_WIDTH - 2 and 2 * len(text) > self.width:
                self.width = max(self.width, display_width(text))

    def widest(self) -> int:
        return self.width


class _NumberColumn:
    """A numeric cell with the format of the field's widget ("0" whole, "0.00" otherwise); None as no cell. The
    width comes from the smallest and largest values: the widest of fixed-format numbers is one of them."""

    def __init__(self, cell_format, places: int, width: int):
        self.format, self.places, self.width = cell_format, places, width
        self.low = self.high = None

    def write(self, sheet, row: int, col: int, value) -> None:
        if value is None:
            return
        sheet.write_number(row, col, value, self.format)
        if self.low is None or value < self.low:
            self.low = value
        if self.high is None or value > self.high:
            self.high = value

    def widest(self) -> int:
        values = [v for v in (self.low, self.high) if v is not None]
        return max([self.width, *(len(f"{v:.{self.places}f}") for v in values)])


def _columns(book, resource, headers: list[str]) -> list:
    formats = {0: book.add_format({"num_format": "0"}), 2: book.add_format({"num_format": "0.00"})}
    columns = []
    for field, header in zip(resource.get_export_fields(), headers, strict=True):
        width = display_width(header)
        if isinstance(field.widget, widgets.NumberWidget):
            places = 0 if isinstance(field.widget, widgets.IntegerWidget) else 2
            columns.append(_NumberColumn(formats[places], places, width))
        else:
            columns.append(_TextColumn(field.widget, width))
    return columns


def write_xlsx(resource, rows: Iterable[tuple], title: str, heading: str) -> bytes:
    """A one-sheet .xlsx of `rows` (tuples of the values of `resource_lookups(resource)`), streamed by xlsxwriter
    in constant_memory mode (memory stays flat whatever the number of rows): `heading` in the first row, then the
    resource's headers in bold, frozen with the heading above them, with an autofilter over the data; numbers
    (numeric widgets) as numeric cells, formatted "0" or "0.00"; other values as the text their widget renders,
    always as text cells, so "=HYPERLINK(...)" stays that text; a missing value is an empty cell, never 0; each
    column as wide as its widest value (CJK characters count two), between 8 and 40. It prints on A4 landscape,
    as wide as one page, the header row on every page."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet(sheet_title(title))
    headers = [str(header) for header in resource.get_export_headers()]
    # constant_memory writes a row once the next one starts: heading, headers, data, in that order
    sheet.write_string(0, 0, heading, book.add_format({"bold": True, "font_size": 14}))
    bold = book.add_format({"bold": True})
    for col, header in enumerate(headers):
        sheet.write_string(HEADER_ROW, col, header, bold)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    columns = _columns(book, resource, headers)
    last = HEADER_ROW
    for last, values in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values):
            columns[col].write(sheet, last, col, value)
    # xlsxwriter writes the widths, the filter and the page setup when the book is closed
    for col, column in enumerate(columns):
        sheet.set_column(col, col, min(MAX_WIDTH, max(MIN_WIDTH, column.widest() + 2)))
    sheet.autofilter(HEADER_ROW, 0, last, len(headers) - 1)
    sheet.set_paper(9)  # A4, as the office printers
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    sheet.repeat_rows(HEADER_ROW)
    book.close()
    return out.getvalue()
