"""Safe spreadsheet exports: text that a spreadsheet would run as a formula is written as text.

A cell whose text starts with = + - @ (or a tab / carriage return, which some programs skip before one of
those) is a formula to Excel, LibreOffice and WPS when the file is opened — "=HYPERLINK(...)" in a cadre's or
a household head's name would run on the supervisor's computer (CSV/formula injection). Only text is escaped:
numbers stay numeric cells, and text that is a plain number ("-12.50") is not a formula.

- `escape_formula(value)`: one value for CSV (and any format without cell types): prefixed with an apostrophe.
- `escape_dataset(dataset)`: a tablib Dataset (django-import-export's `Resource.export()`), before CSV/XLSX.
- `text_cells(worksheet)`: an openpyxl sheet: formula cells that came from data become text cells, value kept.
"""

import re

import tablib

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


def text_cells(worksheet) -> None:
    """Cells openpyxl took for formulas (text starting with "=") become text cells holding the same text;
    other formula-like text is already a text cell in .xlsx and is not evaluated on opening."""
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
