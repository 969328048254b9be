"""Reading a CSV or XLSX table into numbered rows, with one clear problem when the file itself is bad."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any


class FileProblem(Exception):
    """The file as a whole cannot be read: reported as one error."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


Row = tuple[int, dict[str, str]]  # (line number, column -> text)


# --- reading ----------------------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    """Spreadsheet cells as the text a person typed: dates as ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_lines(path: Path) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(line, "the file is not UTF-8 text (save it as 'CSV UTF-8')") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    return [(reader.line_num, [cell.strip() for cell in cells]) for cells in reader]


def _xlsx_lines(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only when a workbook comes: it is slow to import

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; the cell values are what count.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(1, "cannot read the file as an XLSX workbook") from exc
    try:
        sheet = workbook.worksheets[0]
        return [(number, [_cell_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()  # read-only workbooks keep the file open until closed


def read_table(path: Path, columns: tuple[str, ...]) -> list[Row]:
    """The data rows of a CSV or XLSX file whose header names exactly `columns` (in any order)."""
    readers: dict[str, Callable[[Path], list[tuple[int, list[str]]]]] = {
        ".csv": _csv_lines, ".xlsx": _xlsx_lines}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise FileProblem(1, f"unsupported file type '{path.suffix}': use CSV (UTF-8) or XLSX")
    lines = [(n, cells) for n, cells in reader(path) if any(cells)]
    if not lines:
        raise FileProblem(1, "the file is empty: expected a header row " + ",".join(columns))
    header_line, header = lines[0]
    names = [h.strip().lower() for h in header]
    _check_header(header_line, names, columns)
    rows: list[Row] = []
    for number, cells in lines[1:]:
        if any(cells[len(names):]):
            rows.append((number, {"__extra__": "1"}))
            continue
        cells = cells + [""] * (len(names) - len(cells))
        rows.append((number, {name: cell for name, cell in zip(names, cells, strict=False) if name}))
    if not rows:
        raise FileProblem(1, "the file has a header but no data rows")
    return rows


def _check_header(line: int, names: list[str], columns: tuple[str, ...]) -> None:
    present = [n for n in names if n]
    missing = [c for c in columns if c not in present]
    unexpected = [n for n in present if n not in columns]
    doubled = sorted({n for n in present if present.count(n) > 1})
    if missing or unexpected or doubled:
        problems = [f"{label}: {', '.join(items)}" for label, items in
                    (("missing", missing), ("unexpected", unexpected), ("repeated", doubled)) if items]
        raise FileProblem(line, f"wrong header columns ({'; '.join(problems)}); expected "
                                + ",".join(columns))
